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


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
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
