"""Numeric answers of chapter 13, mutual information."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import stats
from scipy.optimize import brentq

from ..joint import conditional_entropy, mutual_information
from ..mutual import gaussian_mutual_information

#: The table of exercise 13.1: X indexes rows, Y columns.
BY_HAND = ((0.25, 0.25), (0.5, 0.0))

#: Exercise 13.6-13.8: a plug-in estimate of this many bits, from N pairs,
#: on a table of this shape.
G_MI_BITS, G_N, G_SHAPE = 0.05, 100, (3, 4)


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


def _g_value() -> float:
    """G = 2 N I-hat, with I-hat converted from bits to nats."""
    return 2 * G_N * G_MI_BITS * math.log(2)


def _g_dof() -> int:
    return (G_SHAPE[0] - 1) * (G_SHAPE[1] - 1)


def _g_pvalue() -> float:
    """P(chi2 with (m_x - 1)(m_y - 1) dof >= G)."""
    return float(stats.chi2.sf(_g_value(), _g_dof()))


def _g_smallest_n() -> float:
    """Smallest N at which the same I-hat is significant at the 5 % level."""
    critical = stats.chi2.ppf(0.95, _g_dof())
    return float(math.ceil(critical / (2 * G_MI_BITS * math.log(2))))


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
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
    6: ("G statistic for I-hat = 0.05 bits from N = 100 on a 3 x 4 table", _g_value),
    7: ("p-value of that G-test", _g_pvalue),
    8: ("smallest N making I-hat = 0.05 bits significant at 5 %", _g_smallest_n),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Average over y the entropy of X given Y = y, weighted by p(y).",
    2: "I(X; Y) = H(X) − H(X | Y).",
    3: "For a bivariate normal I = −½ log₂(1 − ρ²).",
    4: "I(X; Y) = 1 − H(ε) bits for a fair bit through a flip channel.",
    5: "Solve 1 − H(ε) = ½ for ε between 0 and ½.",
    6: "G = 2N·Î with Î in nats: multiply the bits by ln 2 first.",
    7: "The upper tail of χ² with (3 − 1)(4 − 1) = 6 degrees of freedom at G.",
    8: "Solve 2N·Î·ln 2 = the 95 % point of χ² with 6 degrees of freedom; round up.",
}
