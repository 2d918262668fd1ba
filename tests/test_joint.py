"""Tests of kltools.joint: joint and conditional entropy, mutual information.

Reference values come from Cover & Thomas (2006), Example 2.2.1; the
identities H(X, Y) = H(Y) + H(X | Y) and I(X; Y) = D(p(x, y) ‖ p(x) p(y))
are checked on random tables, and MI is symmetric and non-negative.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from conftest import distributions, joint_tables
from hypothesis import given
from hypothesis import strategies as st

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


# --- issue 19: tiny cells -------------------------------------------------------


def mp_mutual_information(pxy, dps=60):
    """I(X; Y) in nats of the given float table, to ``dps`` digits."""
    with mpmath.workdps(dps):
        t = [[mpmath.mpf(v) for v in row] for row in np.asarray(pxy)]
        px = [sum(row) for row in t]
        py = [sum(col) for col in zip(*t, strict=True)]
        return sum(
            v * mpmath.log(v / (px[i] * py[j]))
            for i, row in enumerate(t)
            for j, v in enumerate(row)
            if v > 0
        )


@pytest.mark.parametrize("tiny", [1e-300, 1e-200, 5e-324, 1e-160])
def test_mutual_information_with_tiny_cells(tiny):
    """Issue 19: p(x) p(y) underflowed to 0 and gave inf for [[1, 0], [0, 1e-300]]."""
    pxy = np.array([[1 - tiny, 0.0], [0.0, tiny]])
    want = float(mp_mutual_information(pxy))
    assert kt.mutual_information(pxy, base=math.e) == pytest.approx(want, rel=1e-12)
    assert kt.mutual_information(pxy.T, base=math.e) == pytest.approx(want, rel=1e-12)


def test_mutual_information_tiny_value_from_the_issue():
    got = kt.mutual_information([[1 - 1e-300, 0], [0, 1e-300]])
    assert got == pytest.approx(9.97e-298, rel=1e-3)  # bits


@given(joint_tables(), st.floats(1e-300, 1e-100))
def test_tiny_tables_against_mpmath(pxy, scale):
    """A table scaled down to tiny cells, with the mass put back in one cell."""
    t = pxy * scale
    t[0, 0] = 1.0  # the rest is negligible next to it: still sums to 1
    want = float(mp_mutual_information(t))
    assert kt.mutual_information(t, base=math.e) == pytest.approx(
        want, rel=1e-10, abs=1e-300
    )
    h = kt.conditional_entropy(t, base=math.e)
    assert h >= 0 and math.isfinite(h)


# --- conditional mutual information ----------------------------------------------


def xor_table():
    pxyz = np.zeros((2, 2, 2))
    for x in (0, 1):
        for y in (0, 1):
            pxyz[x, y, x ^ y] = 0.25
    return pxyz


def test_cmi_xor_is_one_bit():
    pxyz = xor_table()
    assert kt.mutual_information(pxyz.sum(axis=2)) == 0.0
    assert kt.conditional_mutual_information(pxyz) == 1.0
    assert type(kt.conditional_mutual_information(pxyz)) is float
    # conditioning on a copy of X leaves nothing to share
    copy = np.zeros((2, 2, 2))
    for x in (0, 1):
        for y in (0, 1):
            copy[x, y, x] = 0.25
    assert kt.conditional_mutual_information(copy) == 0.0


def test_cmi_exact_values():
    # X a fair bit, Y = X through a binary symmetric channel with error 1/4,
    # Z independent of both: I(X; Y | Z) = I(X; Y) = 1 - H(1/4) bits.
    pxy = np.array([[3 / 8, 1 / 8], [1 / 8, 3 / 8]])
    pxyz = pxy[:, :, None] * np.array([0.2, 0.3, 0.5])
    want = 1 - kt.entropy([0.25, 0.75])
    assert kt.conditional_mutual_information(pxyz) == pytest.approx(want, rel=1e-14)
    # Markov chain X -> Y -> Z: I(X; Z | Y) = 0
    pz_given_y = np.array([[0.9, 0.1], [0.2, 0.8]])
    chain = pxy[:, :, None] * pz_given_y[None, :, :]  # p(x, y, z)
    as_xzy = np.transpose(chain, (0, 2, 1))
    assert kt.conditional_mutual_information(as_xzy) == pytest.approx(0.0, abs=1e-15)
    # and the data-processing inequality: I(X; Z) <= I(X; Y)
    assert kt.mutual_information(chain.sum(axis=1)) <= kt.mutual_information(pxy)


def test_cmi_counts_units_and_single_z():
    pxyz = xor_table() * 40
    assert kt.conditional_mutual_information(pxyz, normalize=True) == 1.0
    assert kt.conditional_mutual_information(xor_table(), base=math.e) == pytest.approx(
        math.log(2), rel=1e-15
    )
    pxy = np.array([[0.3, 0.2], [0.1, 0.4]])
    assert kt.conditional_mutual_information(pxy[:, :, None]) == pytest.approx(
        kt.mutual_information(pxy), rel=1e-14
    )


def test_cmi_bad_input():
    with pytest.raises(ValueError, match="pxyz must be a 3-D joint table"):
        kt.conditional_mutual_information(np.full((2, 2), 0.25))
    with pytest.raises(ValueError, match="pxyz sums to 2"):
        kt.conditional_mutual_information(np.full((2, 2, 2), 0.25))
    with pytest.raises(ValueError, match="pxyz has negative entries"):
        kt.conditional_mutual_information([[[0.5, -0.5]], [[0.5, 0.5]]])
    with pytest.raises(ValueError, match="pxyz is empty"):
        kt.conditional_mutual_information(np.zeros((2, 0, 2)))
    with pytest.raises(TypeError, match="pxyz must hold real numbers"):
        kt.conditional_mutual_information([[["a"]]])
    with pytest.raises(ValueError, match="base must be"):
        kt.conditional_mutual_information(xor_table(), base=1)


@st.composite
def joint_tables_3d(draw, max_side=4):
    shape = tuple(draw(st.integers(1, max_side)) for _ in range(3))
    return draw(distributions(n=int(np.prod(shape)))).reshape(shape)


@given(joint_tables_3d())
def test_cmi_chain_rule(pxyz):
    """I(X; Y, Z) = I(X; Z) + I(X; Y | Z), and the entropy form of I(X; Y | Z)."""
    nx, ny, nz = pxyz.shape
    i_x_yz = kt.mutual_information(pxyz.reshape(nx, ny * nz))
    i_xz = kt.mutual_information(pxyz.sum(axis=1))
    cmi = kt.conditional_mutual_information(pxyz)
    assert cmi >= 0
    assert i_x_yz == pytest.approx(i_xz + cmi, abs=1e-10)
    # symmetric in X and Y
    assert cmi == pytest.approx(
        kt.conditional_mutual_information(np.transpose(pxyz, (1, 0, 2))), abs=1e-12
    )
    # H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)
    h = kt.entropy
    entropies = (
        h(pxyz.sum(axis=1).ravel())
        + h(pxyz.sum(axis=0).ravel())
        - h(pxyz.ravel())
        - h(pxyz.sum(axis=(0, 1)))
    )
    assert cmi == pytest.approx(entropies, abs=1e-10)
    # bounded by H(X | Z) (X rows, Z columns)
    assert cmi <= kt.conditional_entropy(pxyz.sum(axis=1)) + 1e-10
