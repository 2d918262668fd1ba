"""Explorable of chapter 15: seven measures of how far apart two dragged
distributions are (KL both ways, chi-squared, Jensen-Shannon divergence and
distance, total variation, Hellinger), and two bounds on total variation by
KL (Pinsker, Bretagnolle-Huber)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..discrete import js_distance, js_divergence, kl_divergence
from ..families import (
    bretagnolle_huber_bound,
    f_divergence,
    hellinger,
    pinsker_bound,
    total_variation,
)
from ._core import Explorable, make, pair_params, register

__all__ = ["divergence_family"]


def _chi2_generator(t: np.ndarray) -> np.ndarray:
    """Pearson's chi-squared as an f-divergence: f(t) = (t - 1)^2."""
    return (t - 1.0) ** 2


@register(
    "divergence_family",
    "KL both ways, chi-squared, JS, TV, Hellinger; Pinsker and Bretagnolle-Huber",
)
def _divergence_family_quantities(v: dict[str, Any]) -> dict[str, float]:
    p, q = v["p"], v["q"]
    smaller_kl = min(kl_divergence(p, q), kl_divergence(q, p))  # bits
    return {
        "kl_pq": kl_divergence(p, q),
        "kl_qp": kl_divergence(q, p),
        "chi2": f_divergence(p, q, _chi2_generator, f_prime_inf=math.inf),
        "js": js_divergence(p, q),
        "js_distance": js_distance(p, q),
        "tv": total_variation(p, q),
        "hellinger": hellinger(p, q),
        "pinsker": pinsker_bound(smaller_kl),
        "bh": bretagnolle_huber_bound(smaller_kl),
    }


def divergence_family(
    p: Any = (0.4, 0.3, 0.2, 0.1),
    q: Any = (0.1, 0.2, 0.3, 0.4),
    labels: Any = None,
) -> Explorable:
    """Two distributions the reader drags, compared by seven measures.

    Shows :math:`D(p\\|q)` and :math:`D(q\\|p)` (bits), Pearson's
    :math:`\\chi^2(p\\|q)`, the Jensen-Shannon divergence (bits) and distance
    (base 2), total variation and the Hellinger distance, all computed in the
    browser. The four measures bounded by 1 are also drawn as bars, with
    Pinsker's bound :math:`\\sqrt{D/2}` and the Bretagnolle-Huber bound
    :math:`\\sqrt{1 - e^{-D}}` (D the smaller KL, in nats) shown as numbers
    and marked on total variation. Buttons swap ``p`` and ``q``, give them disjoint
    supports (``p`` uniform on the first half of the outcomes, ``q`` on the
    rest) and reset them.

    Parameters
    ----------
    p, q : array_like
        Initial distributions over the same 2 to 6 outcomes (each sums to 1).
    labels : sequence of str, optional
        Names of the outcomes, shown under the bars; "outcome 1", ... if
        omitted.
    """
    return make("divergence_family", pair_params(p, q, labels, max_outcomes=6))
