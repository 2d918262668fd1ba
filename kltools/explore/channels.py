"""Explorable of chapter 14: two distributions pushed through a noisy channel.

``p`` and ``q`` are distributions of a bit; the reader sets the probability
of a 1 under each, the flip probability of a binary symmetric channel and
how many times in series it is applied. The widget shows ``D(p || q)``
before and after the channel, in bits, the fraction that survives, and the
contraction coefficient ``(1 - 2 eps)^(2n)`` that bounds that fraction.
"""

from __future__ import annotations

import math
from typing import Any

from ..channels import binary_symmetric, bsc_contraction, bsc_ratio, push_forward
from ..discrete import kl_divergence
from ._core import Explorable, make, register

__all__ = ["channel_dpi"]

#: Ranges of the sliders.
PROB_RANGE = (0.01, 0.99)
MAX_USES = 10


@register(
    "channel_dpi", "p and q through a binary symmetric channel, D before and after"
)
def _channel_quantities(v: dict[str, Any]) -> dict[str, float]:
    p1, q1, flip = float(v["p1"]), float(v["q1"]), float(v["flip"])
    uses = int(v["uses"])
    slope = (1.0 - 2.0 * flip) ** uses
    k = binary_symmetric((1.0 - slope) / 2.0)
    p, q = [1 - p1, p1], [1 - q1, q1]
    return {
        "kl_before": kl_divergence(p, q),
        "kl_after": kl_divergence(push_forward(p, k), push_forward(q, k)),
        "ratio": bsc_ratio(p1, q1, flip, uses),
        "eta": bsc_contraction(flip, uses),
    }


def _number(value: Any, name: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if math.isnan(x) or not lo <= x <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value!r}")
    return x


def channel_dpi(
    p1: float = 0.2, q1: float = 0.7, flip: float = 0.1, uses: int = 1
) -> Explorable:
    """Two distributions of a bit sent through a binary symmetric channel.

    Sliders set ``p1`` and ``q1``, the probabilities of a 1 under ``p`` and
    ``q`` (in [0.01, 0.99]), the flip probability ``flip`` (in [0, 1]) and
    the number of channels in series ``uses`` (1 to 10). The widget shows
    ``D(p || q)`` and ``D(pK || qK)`` in bits, their ratio (its limit as
    ``q -> p`` when ``p1 == q1``, see :func:`kltools.channels.bsc_ratio`)
    and the contraction coefficient ``(1 - 2 flip)^(2 uses)``
    (:func:`kltools.channels.bsc_contraction`), and draws the four
    distributions and ``D(pK || qK)`` against the flip probability.

    Parameters
    ----------
    p1, q1 : float
        Probabilities of a 1 under ``p`` and ``q``, in [0.01, 0.99].
    flip : float
        Flip probability of the channel, in [0, 1].
    uses : int
        Channels in series, 1 to 10.
    """
    params = {
        "p1": _number(p1, "p1", *PROB_RANGE),
        "q1": _number(q1, "q1", *PROB_RANGE),
        "flip": _number(flip, "flip", 0.0, 1.0),
    }
    if isinstance(uses, bool) or not isinstance(uses, int) or not 1 <= uses <= MAX_USES:
        raise ValueError(
            f"uses must be a whole number in [1, {MAX_USES}], got {uses!r}"
        )
    params["uses"] = uses
    return make("channel_dpi", params)
