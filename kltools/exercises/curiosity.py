"""Numeric answers of chapter 12, Curiosity."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..continuous import beta_kl
from ..curiosity import expected_information_gain, total_information_gain
from ..surprise import BetaBernoulli


def _uniform_gain_nats() -> float:
    """Expected information gain of one pull under Beta(1, 1), in nats: ln 2 - 1/2."""
    return expected_information_gain(1.0, 1.0, base=math.e)


def _twenty_pulls() -> float:
    """I(Y_1, ..., Y_20; Θ) under a Beta(1, 1) prior, in bits."""
    return total_information_gain(1.0, 1.0, 20)


def _path_sum() -> float:
    """Sum of the Bayesian surprises of 1, 1, 1, 0 from Beta(1, 1), in bits."""
    return float(BetaBernoulli(1.0, 1.0).surprises([1, 1, 1, 0]).sum())


def _path_final() -> float:
    """D(Beta(4, 2) ‖ Beta(1, 1)) in bits: the same path's total surprise."""
    model = BetaBernoulli(1.0, 1.0)
    model.surprises([1, 1, 1, 0])
    return beta_kl(model.a, model.b, 1.0, 1.0)


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
    1: (
        "expected information gain of one pull under Beta(1, 1), in nats",
        _uniform_gain_nats,
    ),
    2: (
        "expected information gained from 20 pulls under Beta(1, 1), in bits",
        _twenty_pulls,
    ),
    3: (
        "sum of the per-step surprises of 1, 1, 1, 0 from Beta(1, 1), in bits",
        _path_sum,
    ),
    4: (
        "D(Beta(4, 2) ‖ Beta(1, 1)) in bits",
        _path_final,
    ),
}
