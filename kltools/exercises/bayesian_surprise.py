"""Numeric answers of chapter 10, Bayesian surprise."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..continuous import beta_kl
from ..surprise import BetaBernoulli


def _first_swan() -> float:
    """D(Beta(2, 1) ‖ Beta(1, 1)) in nats: ln 2 - 1/2."""
    return beta_kl(2, 1, 1, 1, base=math.e)


def _long_run_head() -> float:
    """Surprise, in bits, of a head for the belief Beta(501, 501)."""
    return BetaBernoulli(501, 501).update(1)


def _batch() -> float:
    """D(Beta(4, 2) ‖ Beta(1, 1)) in bits: the flips H, H, H, T at once."""
    return beta_kl(4, 2, 1, 1)


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "surprise of a first black swan, uniform prior, in nats",
        _first_swan,
    ),
    2: (
        "surprise of a head for the belief Beta(501, 501), in bits",
        _long_run_head,
    ),
    3: ("D(Beta(4, 2) ‖ Beta(1, 1)) in bits", _batch),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "The posterior is Beta(2, 1), density 2θ; integrate 2θ·ln(2θ) over (0, 1).",
    2: (
        "A belief held by 1000 flips barely moves: expect a tiny number, far below the "
        "surprisal of 1 bit."
    ),
    3: (
        "The divergence of the posterior Beta(4, 2) from the uniform prior; kt.beta_kl "
        "gives it."
    ),
}
