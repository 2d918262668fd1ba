"""The explorable mechanism: one anywidget class per kind, and the registry.

A *kind* is an interactive figure: a renderer in
``kltools/static/kinds/<kind>.js`` (the front end, which computes in the
browser) and a Python function that computes, with kltools, the numbers the
renderer shows for given settings. :func:`register` ties the two together;
:func:`make` builds a widget of a registered kind.

Each kind gets its own widget class whose ES module is ``klmath.js`` +
``core.js`` + the kind's file, so a page carries only the code it uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from .._validation import prepare_distributions
from ..discrete import kl_divergence
from ..plotting import COLORS, P_COLOR, Q_COLOR

STATIC = Path(__file__).resolve().parents[1] / "static"

Quantities = Callable[[dict[str, Any]], dict[str, float]]


@dataclass(frozen=True)
class Kind:
    """A registered explorable kind."""

    name: str
    description: str
    quantities: Quantities


#: Every registered kind, by name.
KINDS: dict[str, Kind] = {}


def register(name: str, description: str) -> Callable[[Quantities], Quantities]:
    """Register ``name`` with the decorated function as its ``quantities``.

    The function takes the widget's settings (its ``params`` updated by its
    ``values``) and returns, keyed by the ``output`` names of the renderer,
    the numbers the renderer shows, computed with kltools. The browser tests
    compare the two to 1e-9 for every setting they try.
    """

    def decorate(quantities: Quantities) -> Quantities:
        if not (STATIC / "kinds" / f"{name}.js").exists():
            raise ValueError(f"explorable kind {name!r} has no kinds/{name}.js")
        if name in KINDS:
            raise ValueError(f"explorable kind {name!r} is registered twice")
        KINDS[name] = Kind(name, description, quantities)
        return quantities

    return decorate


class Explorable(anywidget.AnyWidget):
    """An interactive figure computed in the browser.

    Build one with the kind's function (``explore.gaussians(...)`` and so on),
    which checks its parameters, rather than directly.

    Attributes
    ----------
    kind : str
        Which renderer draws it (a key of ``KINDS``).
    params : dict
        The initial settings.
    values : dict
        The current settings, written by the front end as the reader moves the
        controls (in a live kernel; on the static site nothing listens).
    colors : dict
        The book's colours (``kltools.plotting``), so widgets match figures.
    """

    _css = (STATIC / "explore.css").read_text()
    kind = traitlets.Unicode().tag(sync=True)
    params = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    colors = traitlets.Dict({"p": P_COLOR, "q": Q_COLOR, "term": COLORS[3]}).tag(
        sync=True
    )

    def settings(self) -> dict[str, Any]:
        """The current settings: ``params`` updated by what the reader moved."""
        return {**self.params, **self.values}

    def quantities(self) -> dict[str, float]:
        """The numbers the widget shows for its current settings, by kltools."""
        return KINDS[self.kind].quantities(self.settings())


@cache
def _esm(kind: str) -> str:
    """The ES module of one kind: the maths, the shared core, the renderer."""
    parts = ["klmath.js", "core.js", f"kinds/{kind}.js"]
    return "\n".join((STATIC / part).read_text() for part in parts)


@cache
def _widget_class(kind: str) -> type[Explorable]:
    name = "".join(w.title() for w in kind.split("_")) + "Explorable"
    return type(name, (Explorable,), {"_esm": _esm(kind), "__module__": __name__})


def make(kind: str, params: dict[str, Any]) -> Explorable:
    """A widget of a registered kind with initial settings ``params``."""
    if kind not in KINDS:
        raise ValueError(f"unknown explorable kind {kind!r}; known: {sorted(KINDS)}")
    return _widget_class(kind)(kind=kind, params=params)


def pair_params(p: Any, q: Any, labels: Any, *, max_outcomes: int) -> dict[str, Any]:
    """Checked params of a kind that shows two distributions ``p``, ``q``.

    Both must be single distributions over the same 2 to ``max_outcomes``
    outcomes, each summing to 1; ``labels`` names the outcomes ("outcome 1",
    ... when None). Returns ``{"p": [...], "q": [...], "labels": [...]}``.
    """
    (pp, qq), _ = prepare_distributions([p, q], ["p", "q"], -1)
    if pp.shape[0] != 1 or not 2 <= pp.shape[1] <= max_outcomes:
        raise ValueError(
            f"p and q must be single distributions over 2 to {max_outcomes} "
            f"outcomes, got shape {np.shape(p)}"
        )
    kl_divergence(p, q)  # checks the sums
    n = pp.shape[1]
    names = [f"outcome {i + 1}" for i in range(n)] if labels is None else labels
    if isinstance(names, str) or len(names) != n:
        raise ValueError(f"labels must name the {n} outcomes, got {labels!r}")
    return {"p": pp[0].tolist(), "q": qq[0].tolist(), "labels": [str(x) for x in names]}
