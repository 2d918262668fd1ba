"""Tests of kltools.joint: joint and conditional entropy, mutual information.

Reference values come from Cover & Thomas (2006), Example 2.2.1; the
identities H(X, Y) = H(Y) + H(X | Y) and I(X; Y) = D(p(x, y) ‖ p(x) p(y))
are checked on random tables, and MI is symmetric and non-negative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import joint_tables
from hypothesis import given

import kltools as kt

# Cover & Thomas (2006), Example 2.2.1: the book's table has X in columns and
# Y in rows; kltools puts X in rows, hence the transpose.
CT_TABLE = np.array(
    [
        [1 / 8, 1 / 16, 1 / 32, 1 / 32],
        [1 / 16, 1 / 8, 1 / 32, 1 / 32],
        [1 / 16, 1 / 16, 1 / 16, 1 / 16],
        [1 / 4, 0, 0, 0],
    ]
).T


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (lambda t: kt.entropy(t.sum(axis=1)), 7 / 4),  # H(X)
        (lambda t: kt.entropy(t.sum(axis=0)), 2.0),  # H(Y)
        (kt.joint_entropy, 27 / 8),  # H(X, Y)
        (kt.conditional_entropy, 11 / 8),  # H(X | Y)
        (lambda t: kt.conditional_entropy(t.T), 13 / 8),  # H(Y | X)
        (kt.mutual_information, 3 / 8),  # I(X; Y)
    ],
    ids=["H(X)", "H(Y)", "H(X,Y)", "H(X|Y)", "H(Y|X)", "I(X;Y)"],
)
def test_cover_thomas_example_2_2_1(quantity, expected):
    assert quantity(CT_TABLE) == pytest.approx(expected, rel=1e-14)


@given(joint_tables())
def test_chain_rule(pxy):
    """H(X, Y) = H(Y) + H(X | Y) = H(X) + H(Y | X)."""
    h_xy = kt.joint_entropy(pxy)
    assert h_xy == pytest.approx(
        kt.entropy(pxy.sum(axis=0)) + kt.conditional_entropy(pxy), abs=1e-10
    )
    assert h_xy == pytest.approx(
        kt.entropy(pxy.sum(axis=1)) + kt.conditional_entropy(pxy.T), abs=1e-10
    )


@given(joint_tables())
def test_mutual_information_is_kl_from_independence(pxy):
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    independent = np.outer(px, py)
    expected = kt.kl_divergence(pxy.ravel(), independent.ravel() / independent.sum())
    assert kt.mutual_information(pxy) == pytest.approx(expected, abs=1e-10)
    assert kt.mutual_information(pxy) == pytest.approx(
        kt.entropy(px) + kt.entropy(py) - kt.joint_entropy(pxy), abs=1e-10
    )


@given(joint_tables())
def test_mutual_information_symmetric_nonnegative_bounded(pxy):
    i = kt.mutual_information(pxy)
    assert i >= 0
    assert i == pytest.approx(kt.mutual_information(pxy.T), abs=1e-12)
    assert i <= min(kt.entropy(pxy.sum(axis=1)), kt.entropy(pxy.sum(axis=0))) + 1e-10


def test_independent_variables_share_nothing(rng):
    px, py = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(4))
    pxy = np.outer(px, py)
    assert kt.mutual_information(pxy) == pytest.approx(0.0, abs=1e-14)
    assert kt.conditional_entropy(pxy) == pytest.approx(kt.entropy(px), rel=1e-12)


def test_copy_shares_all_entropy():
    p = np.array([0.5, 0.3, 0.2])
    pxy = np.diag(p)
    assert kt.mutual_information(pxy) == pytest.approx(kt.entropy(p), rel=1e-14)
    assert kt.conditional_entropy(pxy) == 0.0


def test_counts_and_units():
    counts = [[30, 10], [10, 30]]
    i_bits = kt.mutual_information(counts, normalize=True)
    assert i_bits == pytest.approx(1 - kt.entropy([0.75, 0.25]), rel=1e-14)
    assert kt.mutual_information(counts, normalize=True, base=math.e) == (
        pytest.approx(i_bits * math.log(2))
    )
    assert type(kt.joint_entropy(np.full((2, 2), 0.25))) is float
