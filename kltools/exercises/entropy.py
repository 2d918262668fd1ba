"""Numeric answers of chapter 2, Entropy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..discrete import entropy
from ..shannon import thermodynamic_bits


def _by_hand() -> float:
    """H(1/2, 1/4, 1/8, 1/8) in bits: 7/4."""
    return entropy([1 / 2, 1 / 4, 1 / 8, 1 / 8])


def _grouping() -> float:
    """H(1/2, 1/6, 1/6, 1/6) in bits: 1 + log2(3)/2, by grouping."""
    return entropy([1 / 2, 1 / 6, 1 / 6, 1 / 6])


def _two_dice() -> float:
    """Entropy of the sum of two fair dice, in bits."""
    ways = np.convolve(np.ones(6), np.ones(6))  # 1, 2, ..., 6, ..., 1 ways
    return entropy(ways, normalize=True)


def _boiling() -> float:
    """Bits for boiling 1 g of water: 2257 J/g at 373.15 K."""
    return thermodynamic_bits(2257 / 373.15)


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
    1: ("H(1/2, 1/4, 1/8, 1/8) in bits", _by_hand),
    2: ("H(1/2, 1/6, 1/6, 1/6) in bits", _grouping),
    3: ("entropy of the sum of two fair dice, in bits", _two_dice),
    4: ("bits released by boiling 1 g of water at 373.15 K", _boiling),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Each outcome contributes p·log₂(1/p); a probability 2⁻ᵏ gives exactly k bits.",
    2: "Grouping: H(½, ½) plus ½ times the entropy of three equal outcomes, log₂ 3.",
    3: (
        "The eleven sums are not equally likely: count the ways to reach each one "
        "(there are 36)."
    ),
    4: (
        "Entropy released is the heat over kT, in nats: divide by ln 2 for bits. A "
        "number of order 10²³ is expected."
    ),
}
