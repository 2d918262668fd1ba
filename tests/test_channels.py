"""Tests of kltools.channels: kernels, the chain rules, the data-processing
inequality, contraction coefficients and Fano's inequality.

Chain rules and the DPI are checked as properties on hypothesis-drawn tables
and kernels (the strategies of conftest.py); the contraction coefficients
against closed forms (Ahlswede and Gács 1976 for the binary symmetric
channel; the erasure channel scales every divergence by exactly 1 - alpha);
Fano's bound against its closed form and its tight case.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from conftest import distributions
from hypothesis import given
from hypothesis import strategies as st

import kltools as kt
from kltools import approx, channels
from kltools.exercises import data_processing


@st.composite
def kernels(draw, m=None, n=None):
    """A row-stochastic matrix: m inputs, n outputs, each row a distribution."""
    m = m if m is not None else draw(st.integers(1, 5))
    n = n if n is not None else draw(st.integers(1, 5))
    if n == 1:
        return np.ones((m, 1))
    return np.stack([draw(distributions(n=n)) for _ in range(m)])


@st.composite
def pair_and_kernel(draw):
    m, n = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    p, q = draw(distributions(n=m)), draw(distributions(n=m, positive=True))
    return p, q, draw(kernels(m=m, n=n))


@st.composite
def joint_pair(draw):
    nx, ny = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    p = draw(distributions(n=nx * ny)).reshape(nx, ny)
    q = draw(distributions(n=nx * ny, positive=True)).reshape(nx, ny)
    return p, q


@st.composite
def tables_3d(draw):
    shape = tuple(draw(st.integers(1, 4)) for _ in range(3))
    return draw(distributions(n=int(np.prod(shape)))).reshape(shape)


# --- chain rules ---------------------------------------------------------------


@given(tables_3d())
def test_entropy_chain_rule(pxyz):
    pxy = pxyz.sum(axis=2)
    assert kt.joint_entropy(pxy) == pytest.approx(
        kt.entropy(pxy.sum(axis=1)) + kt.conditional_entropy(pxy.T), abs=1e-9
    )


@given(joint_pair())
def test_kl_chain_rule(pair):
    """D(p_XY || q_XY) = D(p_X || q_X) + sum_x p(x) D(p_Y|x || q_Y|x)."""
    p, q = pair
    left = kt.kl_divergence(p.ravel(), q.ravel())
    right = kt.kl_divergence(p.sum(axis=1), q.sum(axis=1)) + channels.conditional_kl(
        p, q
    )
    assert left == pytest.approx(right, rel=1e-9, abs=1e-9)


@given(tables_3d())
def test_mutual_information_chain_rule(pxyz):
    nx, ny, nz = pxyz.shape
    left = kt.mutual_information(pxyz.reshape(nx, ny * nz))
    right = kt.mutual_information(pxyz.sum(axis=1)) + kt.conditional_mutual_information(
        pxyz
    )
    assert left == pytest.approx(right, abs=1e-9)


def test_conditional_kl_exact_and_infinite():
    # row 0 agrees; row 1: (1, 0) against (1/2, 1/2) is 1 bit, weight 1/2
    assert (
        channels.conditional_kl([[0.25, 0.25], [0.5, 0]], [[0.25, 0.25], [0.25, 0.25]])
        == 0.5
    )
    # p(x) > 0 = q(x): no conditional of q there, the divergence is infinite
    assert (
        channels.conditional_kl([[0.5, 0], [0.5, 0]], [[0.5, 0.5], [0, 0]]) == math.inf
    )
    with pytest.raises(ValueError, match="one shape"):
        channels.conditional_kl([[1.0]], [[0.5, 0.5]])


# --- the data-processing inequality ---------------------------------------------


@given(pair_and_kernel())
def test_dpi_for_random_kernels(case):
    p, q, k = case
    before = kt.kl_divergence(p, q)
    pk, qk = channels.push_forward(np.stack([p, q]), k)
    assert kt.kl_divergence(pk, qk) <= before * (1 + 1e-9) + 1e-12


@given(distributions(min_size=2, max_size=4), st.data())
def test_dpi_for_mutual_information_along_a_markov_chain(px, data):
    k1 = data.draw(kernels(m=px.size))
    k2 = data.draw(kernels(m=k1.shape[1]))
    chain = channels.markov_chain(px, k1, k2)
    i_xy = kt.mutual_information(chain.sum(axis=2))
    i_xz = kt.mutual_information(chain.sum(axis=1))
    assert i_xz <= i_xy + 1e-9
    # the gap is I(X; Y | Z), and X, Z are independent given Y
    assert i_xy - i_xz == pytest.approx(
        kt.conditional_mutual_information(chain), abs=1e-9
    )
    assert kt.conditional_mutual_information(chain.transpose(0, 2, 1)) < 1e-9


def test_equality_for_a_sufficient_statistic_and_loss_otherwise():
    """Five tosses: the count keeps 5 D(Bern 0.6 || Bern 0.3), the first toss one."""
    seqs = np.array([[(s >> j) & 1 for j in range(5)] for s in range(32)])
    heads = seqs.sum(axis=1)
    p = 0.6**heads * 0.4 ** (5 - heads)
    q = 0.3**heads * 0.7 ** (5 - heads)
    full = 5 * kt.bernoulli_kl(0.6, 0.3)
    assert kt.kl_divergence(p, q) == pytest.approx(full, rel=1e-12)
    for labels, want in [(heads, full), (seqs[:, 0], full / 5)]:
        tp, tq = channels.push_forward(np.stack([p, q]), channels.deterministic(labels))
        assert kt.kl_divergence(tp, tq) == pytest.approx(want, rel=1e-12)


def test_push_forward_matches_coarse_graining():
    p = [0.1, 0.2, 0.3, 0.4]
    got = channels.push_forward(p, channels.deterministic([0, 0, 1, 1]))
    np.testing.assert_allclose(got, approx.coarse_grain(p, [0, 0, 1, 1]), rtol=1e-15)


def test_permutation_loses_nothing():
    p, q = [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]
    perm = channels.deterministic([2, 0, 1])
    assert channels.kl_ratio(p, q, perm) == pytest.approx(1.0, rel=1e-12)


# --- exact values ----------------------------------------------------------------


def test_exact_small_cases():
    assert channels.binary_symmetric(0.25).tolist() == [[0.75, 0.25], [0.25, 0.75]]
    assert channels.push_forward(
        [0.75, 0.25], channels.binary_symmetric(0.25)
    ).tolist() == [
        0.625,
        0.375,
    ]
    # D(5/8 || 3/8) = (1/4) log2(5/3); D(3/4 || 1/4) = (1/2) log2 3
    assert data_processing.ANSWERS[1][1]() == pytest.approx(
        0.25 * math.log2(5 / 3), rel=1e-12
    )
    assert data_processing.ANSWERS[2][1]() == pytest.approx(
        0.5 * math.log2(5 / 3) / math.log2(3), rel=1e-12
    )
    assert channels.joint([0.5, 0.5], channels.binary_symmetric(0.1)).tolist() == [
        [0.45, 0.05],
        [0.05, 0.45],
    ]


@pytest.mark.parametrize("flip", [0.05, 0.1, 0.25, 0.4, 0.7])
def test_bsc_contraction_found_by_maximising_the_ratio(flip):
    found = channels.kl_contraction(channels.binary_symmetric(flip))
    exact = channels.bsc_contraction(flip)
    assert exact == pytest.approx((1 - 2 * flip) ** 2, rel=1e-15)
    assert found <= exact * (1 + 1e-12)  # a lower bound...
    assert found == pytest.approx(exact, abs=1e-8)  # ...that reaches the value


def test_erasure_contraction_is_one_minus_alpha():
    k = channels.binary_erasure(0.3)
    assert channels.kl_contraction(k) == pytest.approx(0.7, abs=1e-9)
    # every pair keeps exactly 1 - alpha
    assert channels.kl_ratio([0.9, 0.1], [0.2, 0.8], k) == pytest.approx(0.7, rel=1e-12)


def test_cascade_contraction_and_answer_14_3():
    assert data_processing.ANSWERS[3][1]() == pytest.approx((0.8 * 0.6) ** 2, abs=1e-8)
    assert channels.bsc_contraction(0.1, uses=3) == pytest.approx(0.8**6, rel=1e-14)


@given(st.floats(0.02, 0.98), st.floats(0.02, 0.98), st.floats(0, 1), st.integers(1, 5))
def test_bsc_ratio_never_exceeds_the_contraction_coefficient(p1, q1, flip, uses):
    r = channels.bsc_ratio(p1, q1, flip, uses)
    assert 0 <= r <= channels.bsc_contraction(flip, uses) * (1 + 1e-9) + 1e-12


def test_bsc_ratio_limit_on_the_diagonal():
    """At p1 == q1 the ratio is its limit, which nearby pairs approach."""
    for p1, flip in [(0.5, 0.1), (0.2, 0.3), (0.9, 0.05)]:
        limit = channels.bsc_ratio(p1, p1, flip)
        near = channels.bsc_ratio(p1, p1 + 1e-5, flip)
        assert near == pytest.approx(limit, rel=1e-4)
    assert channels.bsc_ratio(0.5, 0.5, 0.1) == pytest.approx(0.64, rel=1e-15)


# --- Fano -------------------------------------------------------------------------


def test_fano_closed_forms():
    assert channels.fano_entropy_bound(0.5, 2) == 1.0
    # h(0.2) + 0.2 log2 3
    h = -0.2 * math.log2(0.2) - 0.8 * math.log2(0.8)
    assert channels.fano_entropy_bound(0.2, 4) == pytest.approx(h + 0.2 * math.log2(3))
    assert channels.fano_error_bound(0.0, 4) == 0.0
    assert channels.fano_error_bound(2.0, 4) == pytest.approx(0.75)
    assert channels.fano_error_bound(1.0, 2) == pytest.approx(0.5)


def test_fano_is_tight_for_the_symmetric_channel():
    k = np.full((4, 4), 0.2 / 3) + np.eye(4) * (0.8 - 0.2 / 3)
    table = channels.joint(np.full(4, 0.25), k)
    bound = channels.fano_error_bound(kt.conditional_entropy(table), 4)
    assert channels.map_error(table) == pytest.approx(0.2, rel=1e-12)
    assert bound == pytest.approx(0.2, rel=1e-9)


@given(distributions(n=9))
def test_fano_floor_never_exceeds_the_best_guess_error(flat):
    table = flat.reshape(3, 3)
    floor = channels.fano_error_bound(kt.conditional_entropy(table), 3)
    assert floor <= channels.map_error(table) + 1e-9


def test_map_error_exact():
    assert Fraction(channels.map_error([[0.4, 0.1], [0.1, 0.4]])).limit_denominator(
        100
    ) == (Fraction(1, 5))


# --- bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: channels.push_forward([0.5, 0.5], [[0.5, 0.6], [1, 0]]),
            ValueError,
            "every row of kernel",
        ),
        (lambda: channels.push_forward([0.5, 0.5], [0.5, 0.5]), ValueError, "2-D"),
        (
            lambda: channels.push_forward([0.2, 0.3, 0.5], np.eye(2)),
            ValueError,
            "3 outcomes",
        ),
        (lambda: channels.push_forward([0.5, 0.6], np.eye(2)), ValueError, "p sums"),
        (lambda: channels.binary_symmetric(1.5), ValueError, "flip"),
        (lambda: channels.deterministic([0.5, 1]), ValueError, "labels"),
        (lambda: channels.deterministic([0, 3], n_outputs=2), ValueError, "n_outputs"),
        (
            lambda: channels.kl_ratio([0.5, 0.5], [0.5, 0.5], np.eye(2)),
            ValueError,
            "0 < D",
        ),
        (lambda: channels.bsc_ratio(0.0, 0.5, 0.1), ValueError, "p1"),
        (lambda: channels.bsc_contraction(0.1, uses=0), ValueError, "uses"),
        (lambda: channels.kl_contraction([[1.0, 0.0]]), ValueError, "2 inputs"),
        (lambda: channels.fano_error_bound(3.0, 4), ValueError, "h_cond"),
        (lambda: channels.fano_entropy_bound(0.1, 1), ValueError, "n_values"),
        (lambda: channels.fano_entropy_bound(0.1, 2.5), TypeError, "n_values"),
        (
            lambda: channels.markov_chain([1.0], [[1.0]], [[0.5, 0.5], [0.5, 0.5]]),
            ValueError,
            "k_yz",
        ),
    ],
)
def test_bad_input_is_refused_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_explorable_quantities_are_kltools_values():
    from kltools import explore

    w = explore.channel_dpi(p1=0.25, q1=0.75, flip=0.25)
    got = w.quantities()
    assert got["kl_before"] == pytest.approx(0.5 * math.log2(3), rel=1e-12)
    assert got["kl_after"] == pytest.approx(0.25 * math.log2(5 / 3), rel=1e-12)
    assert got["eta"] == 0.25
    w.values = {"p1": 0.5, "q1": 0.5, "flip": 0.1, "uses": 2}
    assert w.quantities()["ratio"] == pytest.approx(0.8**4, rel=1e-12)
    with pytest.raises(ValueError, match="uses"):
        explore.channel_dpi(uses=11)
    with pytest.raises(ValueError, match="p1"):
        explore.channel_dpi(p1=0.0)
