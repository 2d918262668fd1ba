"""Tests of kltools.coding: Shannon and Huffman code lengths, Kraft sums.

Covers textbook reference codes, the Kraft inequality and the source-coding
bounds as hypothesis properties, Huffman against a brute-force search for
the optimal lengths on small alphabets, canonical codewords being prefix
free, the zero conventions, and the messages for bad input; block
distributions; prefix-freeness and the Sardinas-Patterson test against a
brute-force search for two readings, with McMillan's inequality as a
property of every uniquely decodable code.
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


# --- blocks -----------------------------------------------------------------


def test_block_distribution_values_order_and_entropy():
    np.testing.assert_allclose(
        coding.block_distribution([0.75, 0.25], 2), [9 / 16, 3 / 16, 3 / 16, 1 / 16]
    )
    p = np.array([0.5, 0.3, 0.2])
    block = coding.block_distribution(p, 3)
    # lexicographic: block (x1, x2, x3) sits at x1 * 9 + x2 * 3 + x3
    assert block[2 * 9 + 0 * 3 + 1] == pytest.approx(0.2 * 0.5 * 0.3)
    assert block.sum() == pytest.approx(1.0)
    assert kt.entropy(block) == pytest.approx(3 * kt.entropy(p), rel=1e-12)
    np.testing.assert_array_equal(coding.block_distribution(p, 1), p)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_block_huffman_per_symbol_within_source_coding_bounds(n):
    p = [0.5, 0.3, 0.18, 0.02]
    h = kt.entropy(p)
    block = coding.block_distribution(p, n)
    per_symbol = coding.expected_length(block, coding.huffman_lengths(block)) / n
    shannon = coding.expected_length(block, coding.shannon_lengths(block)) / n
    assert h <= per_symbol <= shannon < h + 1 / n


@pytest.mark.parametrize(
    ("p", "n", "error", "match"),
    [
        ([0.5, 0.5], 0, ValueError, "n must be >= 1"),
        ([0.5, 0.5], 2.0, TypeError, "n must be an integer"),
        ([0.5, 0.5], 23, ValueError, "MAX_BLOCK_OUTCOMES"),
        ([[0.5, 0.5]], 2, ValueError, "1-D"),
        ([0.5, 0.6], 2, ValueError, "p"),
    ],
)
def test_block_distribution_refuses_bad_input(p, n, error, match):
    with pytest.raises(error, match=match):
        coding.block_distribution(p, n)


# --- prefix-free and uniquely decodable codes -------------------------------


def _two_readings(words, max_len):
    """Brute force: is there a string of at most max_len bits with two parsings?

    Grows parsings word by word, shortest strings first, and stops at the
    first string reached by two different sequences of codewords.
    """
    first: dict[str, tuple[str, ...]] = {"": ()}
    frontier = [""]
    while frontier:
        new = []
        for s in frontier:
            for w in words:
                t = s + w
                if len(t) > max_len:
                    continue
                seq = (*first[s], w)
                if t in first:
                    if first[t] != seq:
                        return True
                    continue
                first[t] = seq
                new.append(t)
        frontier = new
    return False


@pytest.mark.parametrize(
    ("words", "prefix", "unique"),
    [
        (["0", "10", "110", "111"], True, True),
        (["0", "01", "011", "0111"], False, True),  # a suffix code
        (["0", "01", "11"], False, True),  # its reverse, 0, 10, 11, is prefix-free
        (["0", "1", "01"], False, False),  # 01 = 0 . 1
        (["0", "01", "10"], False, False),  # 010 = 0 . 10 = 01 . 0
        (["1", "011", "01110", "1110", "10011"], False, False),  # S-P example
        (["01", "10"], True, True),
    ],
)
def test_reference_codes_prefix_and_unique(words, prefix, unique):
    assert coding.is_prefix_free(words) is prefix
    assert coding.is_uniquely_decodable(words) is unique
    assert _two_readings(words, 16) is (not unique)


def test_random_codes_against_brute_force_and_mcmillan():
    rng = np.random.default_rng(1956)
    counted = {"ud_not_prefix": 0, "not_ud": 0}
    for _ in range(400):
        size = int(rng.integers(2, 5))
        words = set()
        while len(words) < size:
            length = int(rng.integers(1, 5))
            words.add("".join(rng.choice(["0", "1"], size=length)))
        words = sorted(words)
        unique = coding.is_uniquely_decodable(words)
        # the brute force agrees on every one (an ambiguity shows within 16 bits)
        assert _two_readings(words, 16) is (not unique)
        if coding.is_prefix_free(words):
            assert unique
        lengths = [len(w) for w in words]
        if unique:  # McMillan: Kraft holds for every uniquely decodable code
            assert coding.kraft_sum(lengths) <= 1
            counted["ud_not_prefix"] += not coding.is_prefix_free(words)
        else:
            counted["not_ud"] += 1
    assert counted["ud_not_prefix"] > 0 and counted["not_ud"] > 0


@pytest.mark.parametrize(
    ("words", "error", "match"),
    [
        ("0101", TypeError, "list of strings"),
        ([], ValueError, "empty"),
        (["0", "2"], ValueError, "strings of 0s and 1s"),
        (["0", ""], ValueError, "non-empty"),
        (["0", "0"], ValueError, "repeats"),
    ],
)
def test_code_tests_refuse_bad_codewords(words, error, match):
    with pytest.raises(error, match=match):
        coding.is_uniquely_decodable(words)
    with pytest.raises(error, match=match):
        coding.is_prefix_free(words)
