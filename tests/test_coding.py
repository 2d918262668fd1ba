"""Tests of kltools.coding: Shannon and Huffman code lengths, Kraft sums.

Covers textbook reference codes, the Kraft inequality and the source-coding
bounds as hypothesis properties, Huffman against a brute-force search for
the optimal lengths on small alphabets, canonical codewords being prefix
free, the zero conventions, and the messages for bad input.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from conftest import distribution_pairs, distributions
from hypothesis import given

import kltools as kt
from kltools import coding


@pytest.mark.parametrize(
    ("q", "shannon", "huffman", "source"),
    [
        # a dyadic distribution: both codes have the exact lengths -log2 q
        ([0.5, 0.25, 0.125, 0.125], [1, 2, 3, 3], [1, 2, 3, 3], "C&T Ex. 5.1.1"),
        # Huffman example of Cover and Thomas (2006), Example 5.6.1
        ([0.25, 0.25, 0.2, 0.15, 0.15], [2, 2, 3, 3, 3], [2, 2, 2, 3, 3], "C&T 5.6.1"),
        # two outcomes: Huffman always spends one bit each
        ([0.9, 0.1], [1, 4], [1, 1], "by hand"),
        ([1 / 3, 1 / 3, 1 / 3], [2, 2, 2], [2, 2, 1], "by hand, ties by order"),
        ([1.0], [0], [0], "one outcome: nothing to send"),
    ],
)
def test_reference_codes(q, shannon, huffman, source):
    np.testing.assert_array_equal(coding.shannon_lengths(q), shannon)
    np.testing.assert_array_equal(coding.huffman_lengths(q), huffman)


def test_cover_thomas_561_expected_length():
    """Cover and Thomas (2006), Example 5.6.1: the Huffman code averages 2.3 bits."""
    q = [0.25, 0.25, 0.2, 0.15, 0.15]
    assert coding.expected_length(q, coding.huffman_lengths(q)) == pytest.approx(2.3)


def test_dyadic_lengths_meet_entropy():
    p = [0.5, 0.25, 0.125, 0.125]
    ell = coding.shannon_lengths(p)
    assert coding.expected_length(p, ell) == pytest.approx(kt.entropy(p)) == 1.75
    assert coding.kraft_sum(ell) == 1.0


def test_zero_probability_gets_no_codeword():
    q = [0.5, 0.5, 0.0]
    assert np.isinf(coding.shannon_lengths(q)[2])
    assert np.isinf(coding.huffman_lengths(q)[2])
    assert coding.expected_length([0.5, 0.5, 0.0], coding.shannon_lengths(q)) == 1.0
    assert coding.expected_length([0.4, 0.4, 0.2], coding.shannon_lengths(q)) == (
        math.inf
    )
    assert coding.canonical_code(coding.huffman_lengths(q))[2] is None


def test_near_power_of_two_rounds_to_intended_length():
    q = np.array([0.5 + 1e-16, 0.5 - 1e-16])
    np.testing.assert_array_equal(coding.shannon_lengths(q), [1, 1])


def test_batches_of_distributions():
    Q = np.array([[0.5, 0.5], [0.1, 0.9]])
    ell = coding.shannon_lengths(Q)
    np.testing.assert_array_equal(ell, [[1, 1], [4, 1]])
    np.testing.assert_allclose(coding.kraft_sum(ell), [1.0, 2**-4 + 0.5])
    np.testing.assert_allclose(coding.expected_length(Q, ell), [1.0, 1.3])


@given(distributions())
def test_kraft_inequality(q):
    assert coding.kraft_sum(coding.shannon_lengths(q)) <= 1 + 1e-11  # slack
    assert coding.kraft_sum(coding.huffman_lengths(q)) <= 1 + 1e-12


@given(distributions())
def test_huffman_is_complete(q):
    """Every Huffman tree with two or more leaves is full: Kraft sum exactly 1."""
    if np.count_nonzero(q) >= 2:
        assert coding.kraft_sum(coding.huffman_lengths(q)) == pytest.approx(1.0)


@given(distribution_pairs(positive_q=True))
def test_shannon_code_bounds(pair):
    """H(p, q) <= E_p[ceil(-log2 q)] < H(p, q) + 1."""
    p, q = pair
    length = coding.expected_length(p, coding.shannon_lengths(q))
    h_pq = kt.cross_entropy(p, q)
    assert h_pq - 1e-9 <= length < h_pq + 1


@given(distributions())
def test_huffman_within_one_bit_of_entropy(q):
    length = coding.expected_length(q, coding.huffman_lengths(q))
    assert kt.entropy(q) - 1e-9 <= length < kt.entropy(q) + 1
    assert length <= coding.expected_length(q, coding.shannon_lengths(q)) + 1e-12


@given(distributions(max_size=5, positive=True))
def test_huffman_matches_brute_force_optimum(q):
    """The slow oracle: the best expected length over all Kraft-valid lengths."""
    n = len(q)
    best = min(
        float(np.dot(q, ell))
        for ell in itertools.product(range(1, n), repeat=n)
        if sum(2.0**-k for k in ell) <= 1
    )
    assert coding.expected_length(q, coding.huffman_lengths(q)) == pytest.approx(best)


@given(distributions())
def test_canonical_code_is_prefix_free(q):
    ell = coding.huffman_lengths(q)
    codes = coding.canonical_code(ell)
    words = [c for c in codes if c is not None]
    assert [len(c) for c in words] == [int(k) for k in ell if np.isfinite(k)]
    for a, b in itertools.permutations(words, 2):
        assert not b.startswith(a)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: coding.shannon_lengths([0.5, 0.6]), ValueError, "q sums to 1.1"),
        (lambda: coding.shannon_lengths([-0.5, 1.5]), ValueError, "negative"),
        (lambda: coding.shannon_lengths(["a", "b"]), TypeError, "real numbers"),
        (lambda: coding.huffman_lengths([[0.5, 0.5]] * 2), ValueError, "1-D"),
        (lambda: coding.kraft_sum([1, 1.5]), ValueError, "whole numbers"),
        (lambda: coding.kraft_sum([1, -1]), ValueError, "whole numbers"),
        (lambda: coding.kraft_sum([]), ValueError, "empty"),
        (lambda: coding.kraft_sum([1, np.nan]), ValueError, "NaN"),
        (lambda: coding.canonical_code([1, 1, 1]), ValueError, "Kraft sum 1.5"),
        (lambda: coding.expected_length([0.5, 0.5], [1, 1, 1]), ValueError, "broad"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
