"""Tests of kltools.discrete: entropy, cross entropy, KL, JS and surprisal.

Covers reference values from textbooks and exact fractions, the identities
that tie the measures together, cross-checks against scipy, property tests
(Gibbs' inequality, bounds, symmetry, the JS triangle inequality, grouping),
the zero conventions, units, broadcasting along any axis, and the blocked
kernel against a slow, obvious implementation.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.stats
from conftest import distribution_pairs, distributions
from hypothesis import assume, given
from hypothesis import strategies as st

import kltools as kt
import kltools._kernel

LOG2_3 = math.log2(3)


def reference_kl(p, q, base=2.0):
    """The definition, term by term in plain Python: the slow oracle."""
    total = 0.0
    for pi, qi in zip(p, q, strict=True):
        if pi == 0:
            continue
        if qi == 0:
            return math.inf
        total += pi * (math.log(pi) - math.log(qi))
    return max(total, 0.0) / math.log(base)


def reference_entropy(p, base=2.0):
    return -sum(pi * math.log(pi) for pi in p if pi > 0) / math.log(base)


# --- reference values --------------------------------------------------------

ENTROPY_CASES = [
    # (p, bits, source)
    ([0.5, 0.5], 1.0, "fair coin: one bit"),
    ([1.0, 0.0], 0.0, "certain outcome; 0 log 0 = 0"),
    ([0.5, 0.25, 0.125, 0.125], 7 / 4, "Cover & Thomas (2006), Example 2.1.2"),
    ([1 / 6] * 6, math.log2(6), "fair die"),
    ([0.25] * 4, 2.0, "uniform over 4: log2 4"),
]


@pytest.mark.parametrize(("p", "expected", "source"), ENTROPY_CASES)
def test_entropy_reference_values(p, expected, source):
    assert kt.entropy(p) == pytest.approx(expected, rel=1e-15, abs=1e-15), source


KL_CASES = [
    # (p, q, bits, source)
    ([0.5, 0.5], [0.75, 0.25], 1 - LOG2_3 / 2, "Cover & Thomas (2006), Ex. 2.3.1"),
    ([0.75, 0.25], [0.5, 0.5], 0.75 * LOG2_3 - 1, "Cover & Thomas (2006), Ex. 2.3.1"),
    ([1, 0], [0.01, 0.99], math.log2(100), "black swan, prior 1 %: log2 100"),
    ([1, 0], [0.5, 0.5], 1.0, "black swan, 50:50 prior: one bit"),
    ([0.5, 0.5], [0.5, 0.5], 0.0, "identical distributions"),
    ([1, 0, 0, 0], [0.25] * 4, 2.0, "certainty against uniform over 4"),
]


@pytest.mark.parametrize(("p", "q", "expected", "source"), KL_CASES)
def test_kl_reference_values(p, q, expected, source):
    assert kt.kl_divergence(p, q) == pytest.approx(expected, rel=1e-14), source


def test_kl_cover_thomas_example_is_asymmetric():
    """Cover & Thomas Ex. 2.3.1 rounds the two directions to 0.2075, 0.1887."""
    p, q = [0.5, 0.5], [0.75, 0.25]
    assert round(kt.kl_divergence(p, q), 4) == 0.2075
    assert round(kt.kl_divergence(q, p), 4) == 0.1887


def test_js_exact_values():
    # m = (3/4, 1/4): JS = 3/2 - (3/4) log2 3 bits, worked by hand.
    assert kt.js_divergence([1, 0], [0.5, 0.5]) == pytest.approx(
        1.5 - 0.75 * LOG2_3, rel=1e-14
    )
    assert kt.js_divergence([1, 0], [0, 1]) == 1.0
    assert kt.js_distance([1, 0], [0, 1]) == 1.0


def test_black_swan_in_nats_is_ln_100():
    assert kt.kl_divergence([1, 0], [0.01, 0.99], base=math.e) == pytest.approx(
        math.log(100), rel=1e-15
    )


def test_exact_fraction_entropy():
    """H of (1/2, 1/4, 1/8, 1/16, 1/16) is exactly 15/8 bits.

    Each probability is 1/2^k, contributing k/2^k bits, so the sum is an exact
    fraction; float64 represents every term exactly.
    """
    p = [Fraction(1, 2**k) for k in (1, 2, 3, 4, 4)]
    assert sum(p) == 1
    exact = sum(x * (x.denominator.bit_length() - 1) for x in p)
    assert exact == Fraction(15, 8)
    assert kt.entropy([float(x) for x in p]) == 15 / 8


# --- surprisal ---------------------------------------------------------------


def test_surprisal_values_and_types():
    assert kt.surprisal(0.5) == 1.0
    assert isinstance(kt.surprisal(0.25), float)
    out = kt.surprisal([0.01, 1.0, 0.0])
    assert isinstance(out, np.ndarray)
    assert out[0] == pytest.approx(math.log2(100))
    assert out[1] == 0.0 and not np.signbit(out[1])
    assert out[2] == math.inf


@given(distributions())
def test_entropy_is_expected_surprisal(p):
    support = p[p > 0]  # 0 * surprisal(0) = 0 * inf: outcomes off the support
    assert kt.entropy(p) == pytest.approx(
        float(np.sum(support * kt.surprisal(support))), abs=1e-12
    )


# --- identities --------------------------------------------------------------


@given(distribution_pairs(positive_q=True))
def test_cross_entropy_is_entropy_plus_kl(pq):
    p, q = pq
    assert kt.cross_entropy(p, q) == pytest.approx(
        kt.entropy(p) + kt.kl_divergence(p, q), rel=1e-12, abs=1e-12
    )


@given(distribution_pairs())
def test_js_is_mean_kl_to_mixture(pq):
    p, q = pq
    m = (p + q) / 2
    expected = 0.5 * reference_kl(p, m) + 0.5 * reference_kl(q, m)
    assert kt.js_divergence(p, q) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_units_scale_by_log_of_base(rng):
    p, q = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
    bits = kt.kl_divergence(p, q)
    assert kt.kl_divergence(p, q, base=math.e) == pytest.approx(bits * math.log(2))
    assert kt.kl_divergence(p, q, base=10) == pytest.approx(bits * math.log10(2))
    assert kt.entropy(p, base=4) == pytest.approx(kt.entropy(p) / 2)


# --- cross-checks against scipy ----------------------------------------------


@pytest.mark.parametrize("n", [2, 10, 1000])
@pytest.mark.parametrize("zeros", [False, True])
def test_against_scipy(rng, n, zeros):
    for _ in range(20):
        p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
        if zeros:
            p[rng.random(n) < 0.3] = 0
            p = p / p.sum() if p.sum() > 0 else np.eye(n)[0]
        for base in (2, math.e, 10):
            assert kt.entropy(p, base=base) == pytest.approx(
                scipy.stats.entropy(p, base=base), rel=1e-12, abs=1e-15
            )
            assert kt.kl_divergence(p, q, base=base) == pytest.approx(
                scipy.stats.entropy(p, q, base=base), rel=1e-12, abs=1e-15
            )
            assert kt.js_distance(p, q, base=base) == pytest.approx(
                scipy.spatial.distance.jensenshannon(p, q, base=base),
                rel=1e-9,
                abs=1e-12,
            )


def test_batch_against_scipy_along_each_axis(rng):
    P = rng.dirichlet(np.ones(6), size=4)  # (4, 6): rows are distributions
    Q = rng.dirichlet(np.ones(6), size=4)
    np.testing.assert_allclose(
        kt.kl_divergence(P, Q, base=math.e), scipy.stats.entropy(P, Q, axis=1)
    )
    np.testing.assert_allclose(
        kt.kl_divergence(P.T, Q.T, axis=0, base=math.e),
        scipy.stats.entropy(P.T, Q.T, axis=0),
    )


# --- properties ----------------------------------------------------------------


@given(distribution_pairs())
def test_gibbs_inequality(pq):
    p, q = pq
    d = kt.kl_divergence(p, q)
    assert d >= 0
    assert d == pytest.approx(reference_kl(p, q), rel=1e-10, abs=1e-12)


@given(distributions())
def test_kl_zero_iff_equal(p):
    assert kt.kl_divergence(p, p) == 0.0
    assert kt.js_divergence(p, p) == 0.0


@given(distribution_pairs())
def test_js_bounded_and_symmetric(pq):
    p, q = pq
    js = kt.js_divergence(p, q)
    assert 0.0 <= js <= 1.0
    assert js == pytest.approx(kt.js_divergence(q, p), rel=1e-12, abs=1e-15)
    assert 0.0 <= kt.js_divergence(p, q, base=math.e) <= math.log(2)


@given(st.integers(2, 6).flatmap(lambda n: st.tuples(*[distributions(n=n)] * 3)))
def test_js_distance_triangle_inequality(pqr):
    p, q, r = pqr
    d = kt.js_distance
    assert d(p, r) <= d(p, q) + d(q, r) + 1e-12
    assert not math.isnan(d(p, q))


@given(distributions())
def test_entropy_maximal_at_uniform(p):
    n = len(p)
    assert kt.entropy(p) <= math.log2(n) + 1e-12
    assert kt.entropy(np.full(n, 1 / n)) == pytest.approx(math.log2(n), rel=1e-14)


@given(distributions(min_size=4, max_size=16), st.data())
def test_grouping_property(p, data):
    """Coarse-graining: H(p) = H(kept, lumped) + P(lumped) H(p | lumped).

    Keep some states individually and lump the rest into one group (DeDeo
    2016; Shannon's third axiom, Cover & Thomas Problem 2.27).
    """
    k = data.draw(st.integers(1, len(p) - 2))
    kept, rest = p[:k], p[k:]
    w = rest.sum()
    assume(w > 0)
    coarse = np.append(kept, w)
    grouped = kt.entropy(coarse / coarse.sum()) + w * kt.entropy(rest / w)
    assert kt.entropy(p) == pytest.approx(grouped, rel=1e-9, abs=1e-12)


@given(distribution_pairs(positive_q=True))
def test_cross_entropy_at_least_entropy(pq):
    p, q = pq
    assert kt.cross_entropy(p, q) >= kt.entropy(p) - 1e-12


# --- zeros -------------------------------------------------------------------


def test_infinite_surprise_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kt.kl_divergence([0.5, 0.5], [1, 0]) == math.inf
        assert kt.cross_entropy([0.5, 0.5], [1, 0]) == math.inf
        assert kt.kl_divergence([1, 0], [0.5, 0.5]) == 1.0  # p = 0 terms vanish
        assert kt.js_divergence([1, 0], [0, 1]) == 1.0  # finite despite zeros
        assert kt.entropy([0, 1, 0]) == 0.0


def test_zero_in_p_and_q_together():
    # 0 log (0/0) = 0: an outcome impossible under both adds nothing.
    assert kt.kl_divergence([0.5, 0.5, 0], [0.5, 0.5, 0]) == 0.0
    assert kt.cross_entropy([0.5, 0.5, 0], [0.25, 0.75, 0]) == pytest.approx(
        -0.5 * math.log2(0.25) - 0.5 * math.log2(0.75)
    )


def test_tiny_q_does_not_overflow():
    """p/q overflows float64 here, yet each term is finite: log p - log q."""
    q = np.array([5e-324, 1 - 5e-324])
    p = np.array([0.5, 0.5])
    expected = 0.5 * (math.log(0.5) - math.log(5e-324)) + 0.5 * math.log(0.5)
    assert kt.kl_divergence(p, q, base=math.e) == pytest.approx(expected, rel=1e-12)


# --- batches, axes, types -----------------------------------------------------


def test_batch_broadcasts_against_one_distribution(rng):
    P = rng.dirichlet(np.ones(5), size=7)
    q = rng.dirichlet(np.ones(5))
    out = kt.kl_divergence(P, q)
    assert isinstance(out, np.ndarray) and out.shape == (7,)
    np.testing.assert_allclose(out, [kt.kl_divergence(p, q) for p in P])


def test_three_dimensional_batch_along_middle_axis(rng):
    P = rng.dirichlet(np.ones(4), size=(3, 2))  # (3, 2, 4)
    Q = rng.dirichlet(np.ones(4), size=(3, 2))
    out = kt.js_divergence(np.swapaxes(P, 1, 2), np.swapaxes(Q, 1, 2), axis=1)
    assert out.shape == (3, 2)
    for i in range(3):
        for j in range(2):
            assert out[i, j] == pytest.approx(kt.js_divergence(P[i, j], Q[i, j]))


def test_results_are_python_floats_for_one_distribution():
    for value in (
        kt.entropy([0.5, 0.5]),
        kt.cross_entropy([0.5, 0.5], [0.5, 0.5]),
        kt.kl_divergence([0.5, 0.5], [0.5, 0.5]),
        kt.js_divergence([0.5, 0.5], [0.5, 0.5]),
        kt.js_distance([0.5, 0.5], [0.5, 0.5]),
    ):
        assert type(value) is float


def test_accepts_lists_tuples_ints_and_float32():
    assert kt.entropy((1, 0)) == 0.0
    p32 = np.array([0.25, 0.75], dtype=np.float32)
    assert kt.entropy(p32) == pytest.approx(kt.entropy([0.25, 0.75]), rel=1e-7)


def test_normalize_rescales_counts():
    counts = [30, 10]
    assert kt.entropy(counts, normalize=True) == pytest.approx(kt.entropy([0.75, 0.25]))
    assert kt.kl_divergence([2, 2], [3, 1], normalize=True) == pytest.approx(
        kt.kl_divergence([0.5, 0.5], [0.75, 0.25])
    )
    batch = kt.entropy([[1, 1], [1, 3]], normalize=True)
    np.testing.assert_allclose(batch, [1.0, kt.entropy([0.25, 0.75])])


def test_sum_within_tolerance_is_accepted_as_is():
    p = np.array([0.5, 0.5 + 5e-10])  # off by 5e-10 < 1e-9: accepted
    assert kt.entropy(p) >= 0


# --- the blocked kernel --------------------------------------------------------


@pytest.mark.parametrize("block", [3, 7, 64])
def test_kernel_blocks_match_oracle(monkeypatch, rng, block):
    """Tiny blocks force many blocks per row and many rows per block."""
    monkeypatch.setattr(kltools._kernel, "BLOCK", block)
    for n in (1, 2, 5, 50):
        P = rng.dirichlet(np.ones(n), size=9)
        Q = rng.dirichlet(np.ones(n), size=9)
        P[rng.random(P.shape) < 0.2] = 0.0
        Q[rng.random(Q.shape) < 0.1] = 0.0
        P[P.sum(axis=1) == 0, 0] = 1.0
        Q[Q.sum(axis=1) == 0, -1] = 1.0
        P /= P.sum(axis=1, keepdims=True)
        Q /= Q.sum(axis=1, keepdims=True)
        got = kt.kl_divergence(P, Q)
        want = [reference_kl(p, q) for p, q in zip(P, Q, strict=True)]
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(
            kt.entropy(P), [reference_entropy(p) for p in P], rtol=1e-12, atol=1e-14
        )


def test_large_array_with_scattered_zeros(rng):
    n = 3 * kltools._kernel.BLOCK + 11
    p, q = rng.random(n), rng.random(n)
    p[rng.integers(0, n, 100)] = 0.0
    p, q = p / p.sum(), q / q.sum()
    assert kt.kl_divergence(p, q, base=math.e) == pytest.approx(
        scipy.stats.entropy(p, q), rel=1e-12
    )
    assert kt.entropy(p, base=math.e) == pytest.approx(
        scipy.stats.entropy(p), rel=1e-12
    )
    q[5] = 0.0
    q /= q.sum()
    p[5] = 1e-9
    p /= p.sum()
    assert kt.kl_divergence(p, q) == math.inf


def test_error_found_in_a_late_block(rng):
    n = 2 * kltools._kernel.BLOCK + 5
    p = np.full(n, 1 / n)
    p[-1] = -p[-1]
    with pytest.raises(ValueError, match="p has negative entries"):
        kt.entropy(p)
    p[-1] = np.nan
    with pytest.raises(ValueError, match="p contains NaN"):
        kt.entropy(p)
