"""Numeric answers of chapter 3, cross entropy."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..coding import expected_length, huffman_lengths, kraft_sum, shannon_lengths
from ..discrete import cross_entropy, entropy
from ..shannon import perplexity

#: Exercise 03.1 and 03.2: the data and the code's distribution.
_P_HAND = [0.5, 0.25, 0.25]
_Q_HAND = [0.25, 0.25, 0.5]
#: Exercise 03.3: Cover and Thomas, Example 5.6.1, and uniform data.
_Q_CT = [0.25, 0.25, 0.2, 0.15, 0.15]
_P_UNIFORM = [0.2] * 5


def _cross_entropy() -> float:
    """H((1/2, 1/4, 1/4), (1/4, 1/4, 1/2)) in bits: 7/4."""
    return cross_entropy(_P_HAND, _Q_HAND)


def _excess() -> float:
    """Extra bits per outcome of the Shannon code for q on data from p: 1/4.

    The average length under p of the code built for q, minus that of the
    code built for p; for these dyadic distributions it equals
    D(p ‖ q) = 1/4 bit exactly (tests/test_answers_foundations.py checks both).
    """
    lengths_q, lengths_p = shannon_lengths(_Q_HAND), shannon_lengths(_P_HAND)
    return expected_length(_P_HAND, lengths_q) - expected_length(_P_HAND, lengths_p)


def _huffman_uniform() -> float:
    """Average length of the Huffman code for C&T 5.6.1 on uniform data: 2.4."""
    return expected_length(_P_UNIFORM, huffman_lengths(_Q_CT))


def _huffman_excess() -> float:
    """That average minus H(uniform on 5), in bits: 2.4 - log2 5."""
    return _huffman_uniform() - entropy(_P_UNIFORM)


def _smoothed_floor() -> float:
    """Lowest loss with labels smoothed by 0.1 over 3 classes, in nats."""
    eps, k = 0.1, 3
    label = [1 - eps + eps / k] + [eps / k] * (k - 1)
    return entropy(label, base=math.e)


def _perplexity() -> float:
    """2 ** H(p, q) for the p and q of exercise 03.1: 2 ** (7/4)."""
    return perplexity(_P_HAND, _Q_HAND)


#: Exercise 03.7: a code whose codewords are read back from the end.
_SUFFIX_CODE = ["0", "01", "011", "0111"]


def _suffix_kraft() -> float:
    """Kraft sum of the code 0, 01, 011, 0111: 15/16."""
    return kraft_sum([len(w) for w in _SUFFIX_CODE])


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "H(p, q) for p = (1/2, 1/4, 1/4), q = (1/4, 1/4, 1/2), in bits",
        _cross_entropy,
    ),
    2: (
        "the excess bits per outcome of the code for q on data from p",
        _excess,
    ),
    3: (
        "average length, in bits, of the Huffman code for C&T 5.6.1 on uniform data",
        _huffman_uniform,
    ),
    4: ("that average length minus H(p), in bits", _huffman_excess),
    5: (
        "the smallest training loss with labels smoothed by 0.1 over 3 "
        "classes, in nats",
        _smoothed_floor,
    ),
    6: (
        "the perplexity of q = (1/4, 1/4, 1/2) on data from p = (1/2, 1/4, 1/4), "
        "a number of outcomes",
        _perplexity,
    ),
    7: ("the Kraft sum of the code 0, 01, 011, 0111", _suffix_kraft),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Sum p(x)·log₂(1/q(x)): the weights come from p, the code lengths from q.",
    2: (
        "The excess is H(p, q) − H(p), which for these powers of two is also the excess"
        " of the code lengths."
    ),
    3: "Average the Huffman codeword lengths with equal weights 1/5.",
    4: "Subtract log₂ 5, the entropy of the uniform distribution over five outcomes.",
    5: (
        "The best a model can do is to predict the smoothed labels themselves: the loss"
        " is then their entropy."
    ),
    6: "Raise 2 to the cross entropy of exercise 03.1, in bits.",
    7: "Add 2 to the power minus the length of each codeword: ½ + ¼ + ….",
}
