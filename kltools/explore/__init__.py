"""Explorables: controls that change a figure or a number, with or without a kernel.

An explorable is an `anywidget <https://anywidget.dev>`_ widget whose front
end computes every quantity in the browser (``kltools/static/klmath.js`` and
the kind's renderer in ``kltools/static/kinds/``). anywidget saves that
JavaScript in the notebook's widget state, so the same code runs in Jupyter,
JupyterLab and Colab with a kernel and on the static site with none.

A chapter declares an explorable in one line::

    from kltools import explore
    explore.gaussians(mu_p=0, sigma_p=1, mu_q=1, sigma_q=2)

In a live kernel, a widget's ``values`` follow its controls and
``quantities()`` recomputes the numbers it shows with kltools.

Adding a kind takes two files and no edits elsewhere: the renderer
``kltools/static/kinds/<kind>.js`` (see ``core.js`` for its contract) and a
module ``kltools/explore/<topic>.py`` that registers the kind's quantities
with :func:`register` and defines the function chapters call (listed in the
module's ``__all__``). Every module of this package is imported here and its
public names re-exported, so ``explore.<function>`` works at once; the
browser tests find the new kind on the built pages and drive it.
"""

from __future__ import annotations

import importlib
import pkgutil

try:
    from ._core import KINDS, STATIC, Explorable, Kind, make, register
except ModuleNotFoundError as exc:  # the notebook extras are not installed
    if exc.name not in ("anywidget", "ipywidgets", "traitlets"):
        raise
    raise ImportError(
        f"kltools.explore needs the notebook extras, and {exc.name!r} is not "
        "installed. Install them with: pip install 'kltools[notebooks]' "
        "(the rest of kltools works without them)."
    ) from exc

__all__ = ["KINDS", "STATIC", "Explorable", "Kind", "make", "register"]

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
