"""Numeric answers of chapter 2, Entropy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..coding import block_distribution, expected_length, huffman_lengths
from ..discrete import entropy
from ..shannon import bernoulli_typical_set, thermodynamic_bits

#: Exercises 02.6 and 02.7: a coin with heads one time in ten.
_COIN = 0.1


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


def _concavity_gap() -> float:
    """H(m) - (H(p) + H(q))/2 for p = (1, 0), q = (1/2, 1/2), m their average."""
    p, q = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    return entropy((p + q) / 2) - (entropy(p) + entropy(q)) / 2


def _typical_probability() -> float:
    """P(A) of the typical set, eps = 0.05 bits, n = 200 tosses of the coin."""
    return bernoulli_typical_set(_COIN, 200, 0.05).probability


def _huffman_blocks() -> float:
    """Bits per toss of the Huffman code for blocks of 3 tosses of the coin."""
    block = block_distribution([_COIN, 1 - _COIN], 3)
    return expected_length(block, huffman_lengths(block)) / 3


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: ("H(1/2, 1/4, 1/8, 1/8) in bits", _by_hand),
    2: ("H(1/2, 1/6, 1/6, 1/6) in bits", _grouping),
    3: ("entropy of the sum of two fair dice, in bits", _two_dice),
    4: ("bits of entropy gained by boiling 1 g of water at 373.15 K", _boiling),
    5: (
        "H of the mixture minus the mixture of H, p = (1, 0), q = (1/2, 1/2), "
        "weights 1/2, in bits",
        _concavity_gap,
    ),
    6: (
        "probability of the typical set (eps = 0.05 bits) of 200 tosses of a "
        "coin with P(heads) = 0.1",
        _typical_probability,
    ),
    7: (
        "bits per toss of the Huffman code for blocks of 3 tosses of that coin",
        _huffman_blocks,
    ),
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
        "The entropy gained is the heat over kT, in nats: divide by ln 2 for bits. "
        "A number of order 10²³ is expected."
    ),
    5: (
        "The mixture is (¾, ¼); subtract the average of H(p) = 0 and H(q) = 1 bit "
        "from its entropy."
    ),
    6: (
        "Sum the binomial probabilities of the numbers of heads k whose surprisal "
        "rate is within 0.05 bits of H(0.1); shannon.bernoulli_typical_set does it."
    ),
    7: (
        "Build the 8 block probabilities with coding.block_distribution, then "
        "the Huffman lengths; divide the average length by 3."
    ),
}
