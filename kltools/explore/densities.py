"""Explorable of the chapter on densities: two densities the reader shapes.

Each of ``p`` and ``q`` is a normal, Laplace, Cauchy (heavy-tailed) or
uniform (bounded) density with a location and a scale, and a change of
units ``y = c x`` rescales both. The widget shows both divergences and both
differential entropies, in bits, with ``inf`` shown as infinity, and draws
the densities and the integrands of the two divergences.
"""

from __future__ import annotations

import math
from typing import Any

from ..densities import FAMILIES, family_entropy, family_kl
from ._core import Explorable, make, register

__all__ = ["densities_pair"]

#: Ranges of the sliders: locations linear, scales and the unit on a log scale
#: in steps of 0.01 in log10 (scales from 10^-0.7 to 10^0.7, about 0.2 to 5,
#: so that 1 lies on the slider's grid).
LOC_RANGE = (-4.0, 4.0)
SCALE_RANGE = (10**-0.7, 10**0.7)
UNIT_RANGE = (0.1, 10.0)


def _scaled(v: dict[str, Any], which: str) -> tuple[str, float, float]:
    """Family, location and scale of ``which`` ("p" or "q") in units of y = c x."""
    c = float(v["unit"])
    return (
        v[f"family_{which}"],
        float(v[f"loc_{which}"]) * c,
        float(v[f"scale_{which}"]) * c,
    )


@register("densities_pair", "two shaped densities: KL both ways and entropies")
def _densities_pair_quantities(v: dict[str, Any]) -> dict[str, float]:
    p, q = _scaled(v, "p"), _scaled(v, "q")
    return {
        "kl_pq": family_kl(*p, *q),
        "kl_qp": family_kl(*q, *p),
        "h_p": family_entropy(p[0], p[2]),
        "h_q": family_entropy(q[0], q[2]),
    }


def _number(value: Any, name: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if math.isnan(x) or not lo <= x <= hi:
        raise ValueError(f"{name} must be in [{lo:.3g}, {hi:.3g}], got {value!r}")
    return x


def densities_pair(
    family_p: str = "normal",
    loc_p: float = 0.0,
    scale_p: float = 1.0,
    family_q: str = "cauchy",
    loc_q: float = 0.0,
    scale_q: float = 1.0,
    unit: float = 1.0,
) -> Explorable:
    """Two densities from four families, compared both ways.

    Selects choose each family (``"normal"``, ``"laplace"``, ``"cauchy"``,
    ``"uniform"``; see :data:`kltools.densities.FAMILIES`), sliders the
    locations (in [-4, 4]) and scales (in [10^-0.7, 10^0.7], about
    [0.2, 5], log scale), and a
    log-scale slider a change of units ``y = c x`` with ``c`` in
    [0.1, 10]. The widget shows :math:`D(p\\|q)`, :math:`D(q\\|p)`,
    :math:`h(p)` and :math:`h(q)` in bits, computed in the browser as
    :func:`kltools.densities.family_kl` and
    :func:`kltools.densities.family_entropy` compute them (infinite
    divergences show as ∞, with the reason), and draws both densities and
    both integrands :math:`p \\log_2(p/q)` and :math:`q \\log_2(q/p)`. A
    button swaps ``p`` and ``q``.

    Parameters
    ----------
    family_p, family_q : str
        Families of ``p`` and ``q``.
    loc_p, loc_q : float
        Locations, in [-4, 4].
    scale_p, scale_q : float
        Scales, in [10^-0.7, 10^0.7] (about [0.2, 5]): the standard
        deviation of a normal, the scale of a Laplace or Cauchy, half the
        width of a uniform.
    unit : float
        The change of units ``c``, in [0.1, 10].
    """
    params: dict[str, Any] = {}
    for name, family in (("family_p", family_p), ("family_q", family_q)):
        if not isinstance(family, str) or family not in FAMILIES:
            raise ValueError(
                f"{name} must be one of {sorted(FAMILIES)}, got {family!r}"
            )
        params[name] = family
    params["loc_p"] = _number(loc_p, "loc_p", *LOC_RANGE)
    params["scale_p"] = _number(scale_p, "scale_p", *SCALE_RANGE)
    params["loc_q"] = _number(loc_q, "loc_q", *LOC_RANGE)
    params["scale_q"] = _number(scale_q, "scale_q", *SCALE_RANGE)
    params["unit"] = _number(unit, "unit", *UNIT_RANGE)
    params["families"] = list(FAMILIES)
    return make("densities_pair", params)
