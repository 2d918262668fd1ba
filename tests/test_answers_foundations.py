"""Reference values of the exercise answers of chapters 1 to 3.

Each answer registered in ``kltools/exercises/{kl_divergence, entropy,
cross_entropy}.py`` is checked against a closed form or an exact sum worked
out here independently (fractions, ``math.comb``, Huffman's algorithm done by
hand), so an answer module that drifts from its exercise fails.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

import kltools as kt
from kltools.exercises import ANSWERS, unit_of

LOG2_3 = math.log2(3)
BOLTZMANN = 1.380649e-23  # J/K, exact since the 2019 SI


def _two_dice_entropy() -> float:
    """H of the sum of two fair dice, from the 36 equally likely pairs."""
    ways = [min(s - 1, 13 - s) for s in range(2, 13)]  # 1, 2, ..., 6, ..., 1
    assert sum(ways) == 36
    return sum(w / 36 * math.log2(36 / w) for w in ways)


def _typical_probability(b: float, n: int, eps: float) -> float:
    """P(typical set) of n tosses, summed over the numbers of heads k."""
    h = -b * math.log2(b) - (1 - b) * math.log2(1 - b)
    total = 0.0
    for k in range(n + 1):
        rate = -(k * math.log2(b) + (n - k) * math.log2(1 - b)) / n
        if abs(rate - h) <= eps:
            total += math.comb(n, k) * b**k * (1 - b) ** (n - k)
    return total


REFERENCE = {
    # chapter 1
    "01.1": 1 - LOG2_3 / 2,
    "01.2": math.log(100),
    "01.3": 5 / 6 * math.log2(5 / 3) - LOG2_3 / 6,  # faces 1-5: (1/6) log2(10/6)
    "01.4": 0.5 * math.log2(1.8),  # 0.5 log2 3 + 0.5 log2 0.6
    # chapter 2
    "02.1": 7 / 4,
    "02.2": 1 + LOG2_3 / 2,
    "02.3": _two_dice_entropy(),
    "02.4": 2257 / 373.15 / (BOLTZMANN * math.log(2)),
    "02.5": 1.5 - 0.75 * LOG2_3,  # H(3/4, 1/4) - 1/2
    "02.6": _typical_probability(0.1, 200, 0.05),
    # Huffman for blocks of 3 tosses, by hand: lengths 1 (TTT), 3 (one head,
    # three blocks), 5 (two or three heads, four blocks)
    "02.7": float(
        (Fraction(729, 1000) * 1 + 3 * Fraction(81, 1000) * 3 + Fraction(28, 1000) * 5)
        / 3
    ),
    # chapter 3
    "03.1": 7 / 4,
    "03.2": 1 / 4,
    "03.3": 12 / 5,  # lengths 2, 2, 2, 3, 3 averaged with weights 1/5
    "03.4": 12 / 5 - math.log2(5),
    "03.5": -(14 / 15 * math.log(14 / 15) + 2 / 30 * math.log(1 / 30)),
    "03.6": 2 ** (7 / 4),
    "03.7": 15 / 16,
}


@pytest.mark.parametrize("exercise", sorted(REFERENCE))
def test_answer_matches_its_reference_value(exercise):
    assert ANSWERS[exercise][1]() == pytest.approx(REFERENCE[exercise], rel=1e-12)


def test_every_answer_of_chapters_1_to_3_has_a_reference():
    ours = {k for k in ANSWERS if k.split(".")[0] in {"01", "02", "03"}}
    assert ours == set(REFERENCE)


def test_the_code_excess_of_03_2_is_the_divergence():
    """For dyadic p and q the Shannon code's excess is D(p || q) exactly."""
    p, q = [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]
    assert ANSWERS["03.2"][1]() == kt.kl_divergence(p, q) == 0.25


def test_the_answers_state_their_units():
    assert unit_of(ANSWERS["02.4"][0]) == "bits" and "gained" in ANSWERS["02.4"][0]
    assert unit_of(ANSWERS["01.2"][0]) == unit_of(ANSWERS["03.5"][0]) == "nats"
