"""Helpers for the course notebooks, which run on the site and elsewhere.

On the site, numbers in the prose are *glued* from the code that computes
them (``myst_nb.glue``), so text and code cannot drift. A reader running a
chapter on Colab or in a bare Jupyter has no ``myst_nb``; there
:func:`glue` quietly does nothing, or shows the value if asked to.
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]


def glue(name: str, value: Any, *, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue}`` roles.

    With ``myst_nb`` installed (the book build) this is
    ``myst_nb.glue(name, value, display=display)``. Without it (Colab, a bare
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
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            _show(value)
        return
    myst_glue(name, value, display=display)


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
