"""Numeric answers of chapter 7, Bayesian surprise."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..continuous import beta_kl
from ..surprise import BetaBernoulli


def _ch07_first_swan() -> float:
    """D(Beta(2, 1) ‖ Beta(1, 1)) in nats: ln 2 - 1/2."""
    return beta_kl(2, 1, 1, 1, base=math.e)


def _ch07_long_run_head() -> float:
    """Surprise, in bits, of a head for the belief Beta(501, 501)."""
    return BetaBernoulli(501, 501).update(1)


def _ch07_batch() -> float:
    """D(Beta(4, 2) ‖ Beta(1, 1)) in bits: the flips H, H, H, T at once."""
    return beta_kl(4, 2, 1, 1)


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
    "07.1": (
        "surprise of a first black swan, uniform prior, in nats",
        _ch07_first_swan,
    ),
    "07.2": (
        "surprise of a head for the belief Beta(501, 501), in bits",
        _ch07_long_run_head,
    ),
    "07.3": ("D(Beta(4, 2) ‖ Beta(1, 1)) in bits", _ch07_batch),
}
