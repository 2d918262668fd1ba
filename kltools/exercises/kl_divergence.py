"""Numeric answers of chapter 1, Kullback-Leibler divergence."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..discrete import kl_divergence


def _by_hand() -> float:
    """D((1/2, 1/2) ‖ (1/4, 3/4)) in bits: 1 - log2(3)/2."""
    return kl_divergence([0.5, 0.5], [0.25, 0.75])


def _nats() -> float:
    """The black-swan surprise in nats: ln 100."""
    return kl_divergence([1, 0], [0.01, 0.99], base=math.e)


def _loaded_die() -> float:
    """D(fair die ‖ die that shows six half the time), in bits."""
    return kl_divergence([1 / 6] * 6, [0.1] * 5 + [0.5])


def _loaded_die_reverse() -> float:
    """D(die that shows six half the time ‖ fair die), in bits."""
    return kl_divergence([0.1] * 5 + [0.5], [1 / 6] * 6)


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
    1: ("D(p‖q) for p = (1/2, 1/2), q = (1/4, 3/4), in bits", _by_hand),
    2: ("the black-swan surprise in nats", _nats),
    3: ("D(fair die ‖ loaded die) in bits", _loaded_die),
    4: ("D(loaded die ‖ fair die) in bits", _loaded_die_reverse),
}
