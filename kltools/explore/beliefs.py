"""Explorables of chapter 10, Bayesian surprise: one black swan against a
Beta belief about the fraction of black swans."""

from __future__ import annotations

import math
from typing import Any

from .._validation import as_positive
from ..continuous import beta_kl
from ..discrete import surprisal
from ._core import Explorable, make, register

__all__ = ["beliefs_swan"]

MEAN_RANGE = (1e-3, 0.5)
STRENGTH_RANGE = (0.1, 200.0)


@register("beliefs_swan", "information gained from one black swan, Beta prior")
def _beliefs_swan_quantities(v: dict[str, Any]) -> dict[str, float]:
    m, n = float(v["mean"]), float(v["strength"])
    a, b = m * n, n - m * n
    return {
        "surprise": beta_kl(a + 1, b, a, b),
        "surprisal": float(surprisal(m)),
        "posterior_mean": (a + 1) / (n + 1),
    }


def beliefs_swan(mean: float = 0.01, strength: float = 2.0) -> Explorable:
    r"""A Beta belief about the fraction of black swans meets one black swan.

    The prior is :math:`\mathrm{Beta}(a, b)` with mean :math:`m = a/(a+b)`
    and strength :math:`n = a + b`, both on logarithmic sliders. The widget
    shows the information gained from one black swan,
    :math:`D(\mathrm{Beta}(a+1, b) \,\|\, \mathrm{Beta}(a, b))` in bits
    (:func:`kltools.beta_kl`), the surprisal :math:`-\log_2 m` of the sighting
    in bits, the posterior mean :math:`(a + 1)/(n + 1)`, and the prior and
    posterior densities of :math:`\log_{10}\theta`.

    Parameters
    ----------
    mean : float, optional
        Initial prior mean fraction of black swans, in [0.001, 0.5].
    strength : float, optional
        Initial prior strength :math:`a + b`, in [0.1, 200].
    """
    values = {"mean": mean, "strength": strength}
    ranges = {"mean": MEAN_RANGE, "strength": STRENGTH_RANGE}
    for name, v in values.items():
        x = float(as_positive(v, name))
        lo, hi = ranges[name]
        if not lo <= x <= hi or math.isnan(x):
            raise ValueError(f"{name} must be in [{lo:g}, {hi:g}], got {v!r}")
        values[name] = x
    return make("beliefs_swan", values)
