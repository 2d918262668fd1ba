"""Helpers for the course notebooks, which run on the site and elsewhere.

On the site, numbers in the prose are *glued* from the code that computes
them (``myst_nb.glue``), so text and code cannot drift. A reader running a
chapter on Colab or in a bare Jupyter has no ``myst_nb``; there
:func:`glue` quietly does nothing, or shows the value if asked to.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

__all__ = ["glue"]

#: Where ``myst_nb.glue`` (myst-nb 1.x) stores a value that is not displayed:
#: the output's MIME types get this prefix, and the build reads them back.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value: Any, *, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue}`` roles.

    With ``myst_nb`` installed (the book build) this does what
    ``myst_nb.glue(name, value, display=display)`` does, without importing
    myst_nb (which is slow to import). Without it (Colab, a bare
    Jupyter) nothing is stored: the value is shown if ``display`` is True,
    and otherwise the call does nothing.

    Parameters
    ----------
    name : str
        The key the prose refers to, as in ``{glue:text}`name:.2f```.
    value : object
        What to glue: a number, a string, a figure.
    display : bool, optional
        Also show the value as the cell's output. Default False: the number
        appears only where the prose puts it.

    A numpy scalar (``np.float64(0.5)``) is glued as the Python number it
    holds: its text form under numpy 2 is ``np.float64(0.5)``, which a
    format spec such as ``:.4f`` cannot read, so the prose would show
    nothing.

    Examples
    --------
    >>> from kltools.notebook import glue
    >>> glue("black_swan_bits", 6.64)  # shows nothing: only stored
    """
    value = _plain(value)
    if not _book_build():
        if display:
            _show(value)
        return
    _store(name, value, display)


def _book_build() -> bool:
    """Whether ``myst_nb`` is installed, found without importing it."""
    if "myst_nb" in sys.modules:
        return sys.modules["myst_nb"] is not None
    return importlib.util.find_spec("myst_nb") is not None


def _store(name: str, value: Any, display: bool) -> None:
    """What ``myst_nb.glue`` does, without importing myst_nb.

    The same output as ``myst_nb.ext.glue.glue`` (``tests/test_notebook.py``
    compares the two): the value's display data, under
    :data:`GLUE_PREFIX` unless displayed, with ``scrapbook`` metadata naming
    it. Importing myst_nb would import nbformat and its schema validator,
    one to three seconds of every chapter's run.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds; anything else unchanged."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return item()
    return value


def _show(value: Any) -> None:
    """Display ``value`` as a notebook output, or print it outside IPython."""
    try:
        from IPython.display import display
    except ImportError:
        print(value)
    else:
        display(value)
