"""Numeric answers of chapter 15, Jensen-Shannon and the f-divergences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..discrete import js_divergence
from ..families import bayes_error, f_divergence, renyi_divergence

#: The pairs of distributions the exercises ask about.
HALVES = ([0.5, 0.5, 0.0], [0.0, 0.5, 0.5])
PAIR = ([0.7, 0.2, 0.1], [0.4, 0.4, 0.2])


def _js_by_hand() -> float:
    """JS((1/2, 1/2, 0), (0, 1/2, 1/2)) in bits: exactly 1/2."""
    return js_divergence(*HALVES)


def _chi2() -> float:
    """Pearson chi-squared of PAIR as the f-divergence f(t) = (t - 1)^2."""
    return f_divergence(*PAIR, lambda t: np.square(t - 1.0))


def _renyi2() -> float:
    """Rényi divergence of order 2 of PAIR, in bits: log2(1 + chi-squared)."""
    return renyi_divergence(*PAIR, 2)


def _bayes_error() -> float:
    """Fair-coin Bayes error between the two distributions of PAIR: 0.35."""
    return bayes_error(*PAIR)


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "JS((1/2, 1/2, 0), (0, 1/2, 1/2)) in bits",
        _js_by_hand,
    ),
    2: (
        "chi-squared of p = (0.7, 0.2, 0.1) from q = (0.4, 0.4, 0.2)",
        _chi2,
    ),
    3: (
        "Rényi divergence of order 2 of p = (0.7, 0.2, 0.1) from "
        "q = (0.4, 0.4, 0.2), in bits",
        _renyi2,
    ),
    4: (
        "probability that the best guess is wrong when a fair coin picks "
        "p = (0.7, 0.2, 0.1) or q = (0.4, 0.4, 0.2) and one outcome is seen",
        _bayes_error,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Average the divergences of p and q from their midpoint m = (p + q)/2.",
    2: "Sum (p − q)²/q over the three outcomes.",
    3: "D₂(p‖q) = log₂ Σ p²/q.",
    4: "At each outcome guess the larger of p and q; you err with half the smaller.",
}
