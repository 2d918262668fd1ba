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


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: ("D(p‖q) for p = (1/2, 1/2), q = (1/4, 3/4), in bits", _by_hand),
    2: ("the black-swan surprise in nats", _nats),
    3: ("D(fair die ‖ loaded die) in bits", _loaded_die),
    4: ("D(loaded die ‖ fair die) in bits", _loaded_die_reverse),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Two terms, each p(x)·log₂(p(x)/q(x)); the exact value has a log₂ 3 in it.",
    2: "A value in bits becomes one in nats on multiplying by ln 2.",
    3: (
        "Six terms weighted by the fair die's 1/6; the loaded die's six is the only "
        "face with q above p."
    ),
    4: "Now the loaded die's probabilities weight the terms: the six counts half.",
}
