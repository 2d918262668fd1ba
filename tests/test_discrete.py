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

import mpmath
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


@pytest.mark.parametrize("threaded", [False, True])
def test_zero_results_are_positive_zeros(monkeypatch, threaded):
    """A certain outcome has entropy 0, not -0.0 (which prints as "-0")."""
    if threaded:
        monkeypatch.setenv("KLTOOLS_THREADS", "2")
        monkeypatch.setattr(kltools._kernel, "THREADED_FROM", 1)
        monkeypatch.setattr(kltools._kernel, "BLOCK", 2)
    p = np.array([1.0, 0.0, 0.0])
    values = [
        kt.entropy(p),
        kt.kl_divergence(p, p),
        kt.cross_entropy(p, p),
        kt.js_divergence(p, p),
        *kt.entropy(np.vstack([p, p[::-1]])),
    ]
    for v in values:
        assert v == 0.0 and not np.signbit(v)


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


@pytest.mark.parametrize("threaded", [False, True])
@pytest.mark.parametrize("p_zero", [False, True])
@pytest.mark.parametrize("bad", ["negative", "nan", "inf"])
@pytest.mark.parametrize("func", [kt.kl_divergence, kt.cross_entropy])
def test_bad_reference_in_any_block_is_named(
    monkeypatch, rng, func, bad, p_zero, threaded
):
    """KL and cross entropy skip q's minimum in blocks where it cannot matter.

    A bad q must still be found in every block, whether p is positive there
    (the term turns NaN or infinite) or zero (then q's minimum is measured).
    """
    monkeypatch.setattr(kltools._kernel, "BLOCK", 64)
    if threaded:
        monkeypatch.setenv("KLTOOLS_THREADS", "2")
        monkeypatch.setattr(kltools._kernel, "THREADED_FROM", 1)
    n = 5 * 64 + 3
    message = {
        "negative": "q has negative entries",
        "nan": "q contains NaN",
        "inf": "q contains infinite",
    }[bad]
    for where in (0, 63, 64, 200, n - 1):
        p, q = rng.random(n) + 0.01, rng.random(n) + 0.01
        if p_zero:
            p[where] = 0.0
        p, q = p / p.sum(), q / q.sum()
        if bad == "negative":  # the sum stays 1: only the minimum can tell
            q[where - 1 if where else 1] += 2 * q[where]
            q[where] = -q[where]
        else:
            q[where] = np.nan if bad == "nan" else np.inf
        with pytest.raises(ValueError, match=message):
            func(p, q)
        P = np.vstack([p, np.full(n, 1 / n)])
        with pytest.raises(ValueError, match=message):
            func(P, q)


# --- issue 19: zeros stay on the fast path ---------------------------------------


def test_zeros_of_p_stay_on_the_fast_path(monkeypatch, rng):
    """A zero in p (an empty bin) must not send its block to the slow path."""

    def refuse(*args):
        raise AssertionError("the slow path ran")

    monkeypatch.setattr(kltools._kernel, "xlogy_exact", refuse)
    n = 3 * kltools._kernel.BLOCK + 17
    p, q = rng.random(n), rng.random(n) + 0.01
    p[::1000] = 0.0
    p, q = p / p.sum(), q / q.sum()
    P = rng.dirichlet(np.ones(10), size=5000)
    P[:, ::3] = 0.0
    P /= P.sum(axis=1, keepdims=True)
    Q = rng.dirichlet(np.ones(10), size=5000)
    y = np.eye(10)[rng.integers(0, 10, 5000)]  # one-hot labels
    for value in (
        kt.entropy(p),
        kt.kl_divergence(p, q),
        kt.cross_entropy(p, q),
        kt.js_divergence(p, q),
        kt.js_divergence(q, p),
        kt.entropy(P).sum(),
        kt.kl_divergence(P, Q).sum(),
        kt.cross_entropy(y, Q).sum(),
        kt.js_divergence(P, y).sum(),  # zeros in both, at common places too
    ):
        assert np.isfinite(value)


@pytest.mark.parametrize("block", [5, 64, 1 << 15])
def test_sparse_values_match_the_oracle(monkeypatch, rng, block):
    monkeypatch.setattr(kltools._kernel, "BLOCK", block)
    P = rng.dirichlet(np.ones(12), size=40)
    Q = rng.dirichlet(np.ones(12), size=40)
    P[rng.random(P.shape) < 0.4] = 0.0
    P[P.sum(axis=1) == 0, 0] = 1.0
    P /= P.sum(axis=1, keepdims=True)
    Q[:, 3] = 0.0  # q = 0 where p may be positive: inf there, exact
    Q /= Q.sum(axis=1, keepdims=True)
    want = [reference_kl(p, q) for p, q in zip(P, Q, strict=True)]
    np.testing.assert_allclose(kt.kl_divergence(P, Q), want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        kt.entropy(P), [reference_entropy(p) for p in P], rtol=1e-13, atol=1e-15
    )
    m = (P + Q) / 2
    js = [
        0.5 * reference_kl(p, r) + 0.5 * reference_kl(q, r)
        for p, q, r in zip(P, Q, m, strict=True)
    ]
    np.testing.assert_allclose(kt.js_divergence(P, Q), js, rtol=1e-12, atol=1e-15)


def test_subnormal_probabilities_are_exact():
    """Positive ratios keep their own logarithm even next to zeros."""
    tiny = 5e-324
    p = np.array([tiny, 0.0, 1.0])
    assert kt.entropy(p, base=math.e) == pytest.approx(-tiny * math.log(tiny))
    q = np.array([0.5, 0.25, 0.25])
    expected = tiny * (math.log(tiny) - math.log(0.5)) + math.log(4)
    assert kt.kl_divergence(p, q, base=math.e) == pytest.approx(expected, rel=1e-15)
    # the zero next to the subnormal: JS of a point mass and its neighbour
    assert kt.js_divergence([tiny, 0.0, 1.0], [0.0, tiny, 1.0]) == pytest.approx(
        tiny, abs=1e-320
    )


# --- issue 19: nearly equal distributions keep their relative accuracy -------------


def mp_kl(p, q, dps=60):
    """KL in nats of the given float arrays, to ``dps`` digits (mpmath)."""
    with mpmath.workdps(dps):
        return sum(
            mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b))
            for a, b in zip(p, q, strict=True)
            if a > 0
        )


def mp_js(p, q, dps=60):
    with mpmath.workdps(dps):
        total = mpmath.mpf(0)
        for a, b in zip(p, q, strict=True):
            a, b = mpmath.mpf(a), mpmath.mpf(b)
            m = (a + b) / 2
            if a > 0:
                total += a * mpmath.log(a / m) / 2
            if b > 0:
                total += b * mpmath.log(b / m) / 2
        return total


# scipy gh-20710: pairs (x, y) one to a few hundred ulps apart.
GH_20710 = [
    (0.9456657713430001, 0.9456657713430094),
    (0.48066098564791515, 0.48066098564794774),
    (0.786048657854401, 0.7860486578542367),
]


@pytest.mark.parametrize(("x", "y"), GH_20710)
def test_kl_of_gh_20710_pairs_against_mpmath(x, y):
    """Issue 19: KL([x, 1-x] || [y, 1-y]) came out 0.0 instead of ~1e-27."""
    p, q = [x, 1 - x], [y, 1 - y]
    want = float(mp_kl(p, q))
    got = kt.kl_divergence(p, q, base=math.e)
    assert got == pytest.approx(want, rel=1e-12)
    assert got > 0


def test_kl_gh_20710_values_from_the_issue():
    assert kt.kl_divergence(
        [0.9456657713430001, 1 - 0.9456657713430001],
        [0.9456657713430094, 1 - 0.9456657713430094],
        base=math.e,
    ) == pytest.approx(8.46e-28, rel=1e-3)
    assert kt.kl_divergence(
        [0.786048657854401, 1 - 0.786048657854401],
        [0.7860486578542367, 1 - 0.7860486578542367],
        base=math.e,
    ) == pytest.approx(8.03e-26, rel=1e-3)


def test_js_distance_one_ulp_apart_against_mpmath():
    """Issue 19: js_distance of neighbouring floats gave 1.1e-8, not ~1e-16."""
    for x in (0.3, 0.5, 0.7, 0.123456789):
        y = np.nextafter(x, 1.0)
        p, q = [x, 1 - x], [y, 1 - y]
        want = float(mpmath.sqrt(mp_js(p, q) / mpmath.log(2)))
        got = kt.js_distance(p, q)
        assert got == pytest.approx(want, rel=1e-12), x
        assert 1e-18 < got < 1e-15
        assert kt.js_divergence(p, q, base=math.e) == pytest.approx(
            float(mp_js(p, q)), rel=1e-12
        )


@st.composite
def near_pairs(draw):
    """Two distributions that differ by tiny, exactly representable steps."""
    n = draw(st.integers(2, 6))
    p = draw(distributions(n=n, positive=True))
    scale = draw(st.sampled_from([1e-15, 1e-12, 1e-9, 1e-6, 1e-4]))
    steps = np.array(draw(st.lists(st.floats(-1, 1), min_size=n - 1, max_size=n - 1)))
    q = p.copy()
    q[:-1] += scale * steps * p[:-1]
    q[-1] = 1.0 - q[:-1].sum()
    assume(q[-1] > 0)
    return p, q


@given(near_pairs())
def test_nearly_equal_pairs_against_mpmath(pq):
    p, q = pq
    kl = kt.kl_divergence(p, q, base=math.e)
    want = mp_kl(p, q)
    # the exact value for these floats; it may be ~1e-17 negative if they do
    # not sum to exactly 1, which the contract clips to 0
    assert kl == pytest.approx(max(float(want), 0.0), rel=1e-9, abs=1e-30)
    js = kt.js_divergence(p, q, base=math.e)
    assert js == pytest.approx(float(mp_js(p, q)), rel=1e-10, abs=1e-300)


# --- issue 19: float32 inputs and tiny probabilities, as properties --------------


@st.composite
def float32_distributions(draw, n):
    w = np.array(draw(st.lists(st.floats(0, 1e3), min_size=n, max_size=n)))
    if w.sum() == 0:
        w[0] = 1.0
    p = (w / w.sum()).astype(np.float32)
    p /= p.sum(dtype=np.float32)
    return p


@given(st.integers(2, 40).flatmap(lambda n: st.tuples(*[float32_distributions(n)] * 2)))
def test_float32_properties(pq):
    p, q = pq
    h = kt.entropy(p)
    assert 0 <= h <= math.log2(len(p)) + 1e-9
    assert kt.kl_divergence(p, q) >= 0
    assert kt.kl_divergence(p, p) == 0.0
    assert 0 <= kt.js_divergence(p, q) <= 1
    assert kt.js_distance(p, q) == pytest.approx(kt.js_distance(q, p), abs=1e-15)
    p64 = p.astype(np.float64)
    assert h == pytest.approx(reference_entropy(p64), rel=1e-12, abs=1e-15)


_tiny = st.floats(min_value=5e-324, max_value=1e-280)


@st.composite
def tiny_distributions(draw, n=None):
    """Distributions with some probabilities as small as the smallest double."""
    size = n if n is not None else draw(st.integers(2, 6))
    tiny = np.array(draw(st.lists(_tiny, min_size=size - 1, max_size=size - 1)))
    zeros = np.array(
        draw(st.lists(st.booleans(), min_size=size - 1, max_size=size - 1))
    )
    tiny[zeros] = 0.0
    p = np.append(tiny, 1.0)  # the tiny entries do not change the sum 1
    perm = draw(st.permutations(range(size)))
    return p[list(perm)]


@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(tiny_distributions(n), distributions(n=n, positive=True))
    )
)
def test_tiny_probabilities_against_mpmath(pq):
    p, q = pq
    assert kt.kl_divergence(p, q, base=math.e) == pytest.approx(
        float(mp_kl(p, q)), rel=1e-12, abs=1e-300
    )
    assert kt.kl_divergence(q, p, base=math.e) == pytest.approx(
        float(mp_kl(q, p)) if (p > 0).all() else math.inf, rel=1e-12
    )
    assert kt.js_divergence(p, q, base=math.e) == pytest.approx(
        float(mp_js(p, q)), rel=1e-12, abs=1e-300
    )
    h = kt.entropy(p, base=math.e)
    with mpmath.workdps(60):
        want = -sum(mpmath.mpf(a) * mpmath.log(a) for a in p if a > 0)
    assert h == pytest.approx(float(want), rel=1e-12, abs=1e-300)
    assert not math.isnan(kt.js_distance(p, q))


# --- Chernoff information ------------------------------------------------------------


def mp_chernoff(p, q, dps=50):
    """(C in nats, lambda) by bisection on the derivative, in mpmath."""
    with mpmath.workdps(dps):
        pairs = [
            (mpmath.mpf(a), mpmath.mpf(b))
            for a, b in zip(p, q, strict=True)
            if a > 0 and b > 0
        ]

        def f(lam):
            return mpmath.log(sum(a**lam * b ** (1 - lam) for a, b in pairs))

        def df(lam):
            return sum(a**lam * b ** (1 - lam) * mpmath.log(a / b) for a, b in pairs)

        lo, hi = mpmath.mpf(0), mpmath.mpf(1)
        if df(lo) >= 0:
            return -f(lo), lo
        if df(hi) <= 0:
            return -f(hi), hi
        for _ in range(120):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if df(mid) > 0 else (mid, hi)
        return -f(lo), lo


BERNOULLI = [0.1, 0.2, 0.6, 0.9]  # PyTorch's TestKL grid


@pytest.mark.parametrize("a", BERNOULLI)
@pytest.mark.parametrize("b", BERNOULLI)
def test_chernoff_bernoulli_against_brute_force_grid(a, b):
    p, q = np.array([a, 1 - a]), np.array([b, 1 - b])
    lam = np.linspace(0.0, 1.0, 100_001)
    f = np.log((p[:, None] ** lam * q[:, None] ** (1 - lam)).sum(axis=0))
    c = kt.chernoff_information(p, q, base=math.e)
    assert isinstance(c, kt.Chernoff) and type(c.value) is float
    # the grid can only miss the minimum from above, by at most f'' h^2 / 8
    assert -f.min() - 1e-12 <= c.value <= -f.min() + 1e-9
    if a != b:
        assert c.lam == pytest.approx(lam[f.argmin()], abs=2e-5)
    else:
        assert c == (0.0, 0.5)
    want, _ = mp_chernoff(p, q)  # slightly negative when p = q sum to 1 - 3e-17
    assert c.value == pytest.approx(max(float(want), 0.0), rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("a", [0.01, 0.1, 0.3, 0.45, 0.4999])
def test_chernoff_symmetric_case_is_half(a):
    """Mirror images: lambda = 1/2 and C = -log(2 sqrt(a (1 - a)))."""
    c = kt.chernoff_information([a, 1 - a], [1 - a, a], base=math.e)
    assert c.lam == pytest.approx(0.5, abs=1e-12)
    assert c.value == pytest.approx(-math.log(2 * math.sqrt(a * (1 - a))), rel=1e-12)


def test_chernoff_special_cases():
    assert kt.chernoff_information([1, 0], [0, 1]) == (math.inf, 0.5)
    # p's support inside q's: the minimum is at the end lambda = 0
    c = kt.chernoff_information([1, 0], [0.5, 0.5])
    assert c == (1.0, 0.0)
    assert kt.chernoff_information([0.5, 0.5], [1, 0]) == (1.0, 1.0)
    c = kt.chernoff_information([0.25, 0.75], [0.75, 0.25])
    assert c.value == pytest.approx(1 - 0.5 * math.log2(3), rel=1e-14)  # bits
    # units
    bits = kt.chernoff_information([0.2, 0.8], [0.6, 0.4]).value
    nats = kt.chernoff_information([0.2, 0.8], [0.6, 0.4], base=math.e).value
    assert nats == pytest.approx(bits * math.log(2), rel=1e-14)


def test_chernoff_batches_and_axes(rng):
    P = rng.dirichlet(np.ones(5), size=(3, 4))
    q = rng.dirichlet(np.ones(5))
    c = kt.chernoff_information(P, q)
    assert c.value.shape == c.lam.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            one = kt.chernoff_information(P[i, j], q)
            assert c.value[i, j] == pytest.approx(one.value, rel=1e-14)
            assert c.lam[i, j] == pytest.approx(one.lam, abs=1e-12)
    c0 = kt.chernoff_information(np.moveaxis(P, -1, 0), q[:, None, None], axis=0)
    np.testing.assert_allclose(c0.value, c.value, rtol=1e-14)


@given(distribution_pairs(positive_q=True))
def test_chernoff_properties(pq):
    p, q = pq
    c = kt.chernoff_information(p, q, base=math.e)
    r = kt.chernoff_information(q, p, base=math.e)
    assert 0.0 <= c.lam <= 1.0
    assert c.value == pytest.approx(r.value, rel=1e-9, abs=1e-14)  # symmetric
    assert (
        c.value
        <= min(kt.kl_divergence(p, q, base=math.e), kt.kl_divergence(q, p, base=math.e))
        + 1e-12
    )
    # a lower bound: minus the log affinity at lambda = 1/2 (Bhattacharyya)
    bhat = -math.log(np.sqrt(p * q).sum())
    assert c.value >= bhat - 1e-12
    if 0 < c.lam < 1 and c.value > 1e-8:
        # the tilted distribution is equally far from p and from q: both = C
        t = p**c.lam * q ** (1 - c.lam)
        t /= t.sum()
        assert kt.kl_divergence(t, p, base=math.e) == pytest.approx(
            c.value, rel=1e-6, abs=1e-12
        )
        assert kt.kl_divergence(t, q, base=math.e) == pytest.approx(
            c.value, rel=1e-6, abs=1e-12
        )


@pytest.mark.parametrize("eps", [2.0**-20, 2.0**-30, 2.0**-45])
def test_chernoff_nearly_equal_against_mpmath(eps):
    p, q = [0.5, 0.5], [0.5 + eps, 0.5 - eps]  # both sum to 1 exactly
    want, want_lam = mp_chernoff(p, q)
    c = kt.chernoff_information(p, q, base=math.e)
    assert c.value == pytest.approx(float(want), rel=1e-12)
    assert c.lam == pytest.approx(float(want_lam), abs=1e-6)


@pytest.mark.parametrize("workers", ["2", "3"])
def test_threaded_kernel_matches_single_thread(monkeypatch, rng, workers):
    """Large inputs are shared among threads; the result is the same to the bit.

    Every block's sums have a slot of their own, added up in block order, so
    neither the number of threads nor which thread took which block changes
    a rounding.
    """
    P = rng.dirichlet(np.ones(7), size=301)
    P[rng.random(P.shape) < 0.2] = 0.0
    P[P.sum(axis=1) == 0, 0] = 1.0
    P /= P.sum(axis=1, keepdims=True)
    Q = rng.dirichlet(np.ones(7), size=301)
    n = 40 * 64 + 3  # 41 blocks of 64: more than the threads, several each
    p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    p[::7] = 0.0
    p /= p.sum()
    R = np.vstack([rng.dirichlet(np.ones(n)) for _ in range(3)])  # long rows
    monkeypatch.setattr(kltools._kernel, "BLOCK", 64)
    funcs = [kt.entropy, kt.kl_divergence, kt.cross_entropy, kt.js_divergence]
    cases = [(P, Q), (p, q), (R, q)]

    def run():
        return [f(a) if f is kt.entropy else f(a, b) for a, b in cases for f in funcs]

    monkeypatch.setenv("KLTOOLS_THREADS", "1")
    single = run()
    monkeypatch.setenv("KLTOOLS_THREADS", workers)
    monkeypatch.setattr(kltools._kernel, "THREADED_FROM", 1)
    for _ in range(3):  # blocks go to whichever thread is free: timing varies
        for a, b in zip(single, run(), strict=True):
            np.testing.assert_array_equal(a, b)
    # errors are still found, by name, in whichever thread saw them
    bad = P.copy()
    bad[-1, -1] = np.nan
    with pytest.raises(ValueError, match="p contains NaN"):
        kt.entropy(bad)
    bad = p.copy()
    bad[-2] = -bad[-2]  # (p[-1] is one of the zeros)
    with pytest.raises(ValueError, match="p has negative entries"):
        kt.kl_divergence(bad, q)
