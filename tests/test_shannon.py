"""Tests of kltools.shannon: the grouping identity and thermodynamic bits.

Covers reference values (exact fractions and textbook examples), the grouping
identity as a property on random distributions and partitions, units, and
the messages for bad input.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import distributions
from hypothesis import given
from hypothesis import strategies as st

import kltools as kt
from kltools.shannon import BOLTZMANN, grouping, thermodynamic_bits

LOG2_3 = math.log2(3)


@pytest.mark.parametrize(
    ("p", "groups", "coarse", "within"),
    [
        # Shannon (1948), section 6: H(1/2, 1/3, 1/6)
        # = H(1/2, 1/2) + 1/2 H(2/3, 1/3)
        (
            [1 / 2, 1 / 3, 1 / 6],
            [[0], [1, 2]],
            1.0,
            [0.0, LOG2_3 - 2 / 3],
        ),
        # a fair die as "six or not": H(1/6, 5/6) and log2 5 within
        (
            [1 / 6] * 6,
            [[5], [0, 1, 2, 3, 4]],
            math.log2(6) - 5 / 6 * math.log2(5),
            [0.0, math.log2(5)],
        ),
        # four equally likely outcomes in two pairs: 1 bit + 1 bit
        ([0.25] * 4, [[0, 2], [1, 3]], 1.0, [1.0, 1.0]),
        # one group holding everything: nothing coarse, all within
        ([0.5, 0.25, 0.25], [[0, 1, 2]], 0.0, [1.5]),
    ],
)
def test_grouping_reference_values(p, groups, coarse, within):
    g = grouping(p, groups)
    assert g.coarse == pytest.approx(coarse, abs=1e-12)
    np.testing.assert_allclose(g.within, within, atol=1e-12)
    assert g.total == pytest.approx(kt.entropy(p), abs=1e-12)


def test_grouping_zero_weight_group_counts_nothing():
    g = grouping([0.5, 0.5, 0.0, 0.0], [[0, 1], [2, 3]])
    assert g.weights.tolist() == [1.0, 0.0]
    assert g.within.tolist() == [1.0, 0.0]
    assert g.coarse == 0.0


def test_grouping_in_nats():
    g = grouping([0.25] * 4, [[0, 1], [2, 3]], base=math.e)
    assert g.coarse == pytest.approx(math.log(2))
    np.testing.assert_allclose(g.within, [math.log(2)] * 2)


@given(distributions(min_size=2, max_size=8), st.randoms(use_true_random=False))
def test_grouping_identity_holds(p, random):
    n = len(p)
    labels = [random.randrange(1, n + 1) for _ in range(n)]
    groups = [[i for i in range(n) if labels[i] == k] for k in sorted(set(labels))]
    g = grouping(p, groups)
    assert g.coarse + float(g.weights @ g.within) == pytest.approx(g.total, abs=1e-9)
    assert 0 <= g.coarse <= g.total + 1e-12  # coarse-graining loses entropy


@pytest.mark.parametrize(
    ("groups", "error", "match"),
    [
        ([[0, 1]], ValueError, "every index 0..2 exactly once"),
        ([[0, 1], [1, 2]], ValueError, "every index 0..2 exactly once"),
        ([[0, 1], []], ValueError, "non-empty lists of integer indices"),
        ([[0.0, 1.0], [2.0]], ValueError, "non-empty lists of integer indices"),
        ("abc", TypeError, "sequence of index lists"),
    ],
)
def test_grouping_refuses_bad_groups(groups, error, match):
    with pytest.raises(error, match=match):
        grouping([0.5, 0.25, 0.25], groups)


def test_grouping_refuses_bad_distributions():
    with pytest.raises(ValueError, match="p"):
        grouping([0.5, 0.6], [[0], [1]])
    with pytest.raises(ValueError, match="one distribution"):
        grouping([[0.5, 0.5], [0.5, 0.5]], [[0], [1]])
    with pytest.raises(ValueError, match="base"):
        grouping([0.5, 0.5], [[0], [1]], base=1)


@pytest.mark.parametrize(
    ("delta_s", "base", "expected"),
    [
        # by definition: k_B ln 2 J/K is one bit, k_B J/K one nat
        (BOLTZMANN * math.log(2), 2, 1.0),
        (BOLTZMANN, math.e, 1.0),
        (0.0, 2, 0.0),
        # melting 1 g of ice, L = 333.55 J/g at 273.15 K (CRC Handbook):
        # (333.55 / 273.15) / (1.380649e-23 ln 2), computed by hand
        (333.55 / 273.15, 2, 1.2760009e23),
    ],
)
def test_thermodynamic_bits_reference_values(delta_s, base, expected):
    assert thermodynamic_bits(delta_s, base=base) == pytest.approx(expected, rel=1e-7)


def test_thermodynamic_bits_broadcasts_and_keeps_sign():
    out = thermodynamic_bits(np.array([[1.0, -1.0]]) * BOLTZMANN, base=math.e)
    np.testing.assert_allclose(out, [[1.0, -1.0]])


def test_boltzmann_constant_is_the_exact_si_value():
    assert BOLTZMANN == 1.380649e-23


@pytest.mark.parametrize(
    ("delta_s", "base", "error", "match"),
    [
        (math.nan, 2, ValueError, "delta_s"),
        (math.inf, 2, ValueError, "delta_s"),
        ("hot", 2, TypeError, "delta_s"),
        (1.0, 0, ValueError, "base"),
    ],
)
def test_thermodynamic_bits_refuses_bad_input(delta_s, base, error, match):
    with pytest.raises(error, match=match):
        thermodynamic_bits(delta_s, base=base)
