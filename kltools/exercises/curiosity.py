"""Numeric answers of chapter 12, Curiosity."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..continuous import beta_kl
from ..curiosity import (
    expected_information_gain,
    lautum_information_gain,
    total_information_gain,
)
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


def _uniform_lautum_nats() -> float:
    """E_y D(Beta(1, 1) ‖ posterior) in nats: 1 - ln 2, the lautum information."""
    return lautum_information_gain(1.0, 1.0, base=math.e)


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
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
    5: (
        "expected D(prior ‖ posterior) of one pull under Beta(1, 1), in nats",
        _uniform_lautum_nats,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: (
        "The expected information gain is the mutual information between the pull's "
        "outcome and θ."
    ),
    2: "The gains of the 20 steps add up: it is I(Y₁, …, Y₂₀; Θ), well under 20 bits.",
    3: "Add the four divergences of each posterior from the belief just before it.",
    4: "The divergence of the final belief Beta(4, 2) from the starting Beta(1, 1).",
    5: (
        "By symmetry both outcomes give the same D(Beta(1, 1) ‖ posterior); after a "
        "success the posterior density is 2θ."
    ),
}
