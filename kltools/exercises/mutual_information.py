"""Numeric answers of chapter 13, mutual information."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq

from ..joint import conditional_entropy, mutual_information
from ..mutual import gaussian_mutual_information

#: The table of exercise 13.1: X indexes rows, Y columns.
BY_HAND = ((0.25, 0.25), (0.5, 0.0))


def _channel(flip: float) -> np.ndarray:
    """Joint table of a fair bit X and Y = X flipped with probability ``flip``."""
    return 0.5 * np.array([[1 - flip, flip], [flip, 1 - flip]])


def _conditional() -> float:
    """H(X | Y) of the table BY_HAND, in bits: (3/4) H(1/3, 2/3)."""
    return conditional_entropy(BY_HAND)


def _mutual() -> float:
    """I(X; Y) of the table BY_HAND, in bits."""
    return mutual_information(BY_HAND)


def _one_bit_rho() -> float:
    """Correlation of a bivariate normal with 1 bit of mutual information."""
    return brentq(lambda r: gaussian_mutual_information(r) - 1.0, 0.0, 0.999999)


def _channel_information() -> float:
    """I(X; Y) in bits for a fair bit sent through a channel flipping 10 %."""
    return mutual_information(_channel(0.1))


def _half_bit_flip() -> float:
    """Flip probability in (0, 1/2) at which the channel carries 1/2 bit."""
    return brentq(lambda f: mutual_information(_channel(f)) - 0.5, 1e-9, 0.5)


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
    1: (
        "H(X | Y) of the table [[1/4, 1/4], [1/2, 0]], in bits",
        _conditional,
    ),
    2: ("I(X; Y) of the table [[1/4, 1/4], [1/2, 0]], in bits", _mutual),
    3: ("correlation of a bivariate normal with I = 1 bit", _one_bit_rho),
    4: (
        "I(X; Y) of a fair bit through a 10 % flip channel, bits",
        _channel_information,
    ),
    5: ("flip probability below 1/2 giving I = 1/2 bit", _half_bit_flip),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Average over y the entropy of X given Y = y, weighted by p(y).",
    2: "I(X; Y) = H(X) − H(X | Y).",
    3: "For a bivariate normal I = −½ log₂(1 − ρ²).",
    4: "I(X; Y) = 1 − H(ε) bits for a fair bit through a flip channel.",
    5: "Solve 1 − H(ε) = ½ for ε between 0 and ½.",
}
