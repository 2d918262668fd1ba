"""Tests of kltools.families: f-divergences, Rényi divergences, TV, Hellinger.

Covers reference values worked from the definitions, the classic generators
(KL, reverse KL, total variation, squared Hellinger, chi-squared,
Jensen-Shannon) checked against kltools' own measures, scipy and slow
reference implementations, the special orders of the Rényi divergence
(0, 1/2, 1, 2, infinity) and its accuracy near 1, property tests (Pinsker's
inequality, Rényi monotone in alpha, f-divergences non-negative and zero only
at p = q, metric axioms, Le Cam's bounds), the bounds between KL and total
variation (Pinsker, Bretagnolle-Huber, the reverse bound for q bounded
below), the q = 0 convention, batches and units, and the refusal of bad
input. Then the Bayes error of a test (against every test, brute force, and
(1 - TV)/2), Lin's bounds from JS, and the variational representations:
Donsker-Varadhan and f-GAN bounds below KL with equality at the log ratio,
exact Gaussian critic moments against quadrature, and the critic fit.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.spatial.distance as ssd
from conftest import distribution_pairs, distributions
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp, rel_entr, xlogy

import kltools as kt

E = math.e
LN2 = math.log(2)
P, Q = [0.5, 0.5], [0.25, 0.75]  # the Cover & Thomas Ex. 2.3.1 pair
BC_PQ = math.sqrt(0.125) + math.sqrt(0.375)  # Bhattacharyya coefficient of P, Q


# --- generators ---------------------------------------------------------------


def _chi2_reference(p, q):
    """Sum (p - q)^2 / q in plain Python: infinite if q = 0 < p."""
    total = 0.0
    for pi, qi in zip(p, q, strict=True):
        if qi == 0:
            if pi > 0:
                return math.inf
            continue
        total += (pi - qi) ** 2 / qi
    return total


GENERATORS = [
    # (name, f, f'(inf), reference D_f(p || q))
    (
        "KL",
        lambda t: xlogy(t, t),
        math.inf,
        lambda p, q: kt.kl_divergence(p, q, base=E),
    ),
    (
        "reverse KL",
        lambda t: -np.log(t),
        0.0,
        lambda p, q: kt.kl_divergence(q, p, base=E),
    ),
    ("total variation", lambda t: np.abs(t - 1) / 2, 0.5, kt.total_variation),
    (
        "squared Hellinger",
        lambda t: (np.sqrt(t) - 1) ** 2 / 2,
        0.5,
        lambda p, q: kt.hellinger(p, q) ** 2,
    ),
    ("chi-squared", lambda t: (t - 1) ** 2, math.inf, _chi2_reference),
    (
        "Jensen-Shannon",
        lambda t: 0.5 * (xlogy(t, t) - xlogy(1 + t, (1 + t) / 2)),
        LN2 / 2,
        lambda p, q: kt.js_divergence(p, q, base=E),
    ),
]
GEN_IDS = [g[0] for g in GENERATORS]


@pytest.mark.parametrize(("name", "f", "slope", "reference"), GENERATORS, ids=GEN_IDS)
@given(pair=distribution_pairs())
@settings(max_examples=60)  # x parameters: keeps the file fast
def test_generators_give_their_divergences(name, f, slope, reference, pair):
    p, q = pair
    expected = reference(p, q)
    got = kt.f_divergence(p, q, f, f_prime_inf=slope)
    if math.isinf(expected):
        assert got == math.inf, name
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize(("name", "f", "slope", "reference"), GENERATORS, ids=GEN_IDS)
@given(pair=distribution_pairs())
@settings(max_examples=60)  # x parameters: keeps the file fast
def test_f_divergences_non_negative_and_zero_only_at_equality(
    name, f, slope, reference, pair
):
    p, q = pair
    d = kt.f_divergence(p, q, f, f_prime_inf=slope)
    assert d >= 0, name
    assert kt.f_divergence(p, p, f, f_prime_inf=slope) == 0, name
    if np.abs(p - q).max() > 1e-6:
        assert d > 0, name


@pytest.mark.parametrize(("name", "f", "slope", "reference"), GENERATORS, ids=GEN_IDS)
def test_adding_a_linear_term_changes_nothing(name, f, slope, reference, rng):
    """f and f + c (t - 1) give the same divergence (sum of q (p/q - 1) = 0)."""
    p, q = rng.dirichlet(np.ones(6), size=2)
    shifted = kt.f_divergence(p, q, lambda t: f(t) + 3.0 * (t - 1))
    assert shifted == pytest.approx(kt.f_divergence(p, q, f), rel=1e-12), name


def test_squared_hellinger_from_the_bhattacharyya_generator():
    """f(t) = 1 - sqrt(t) differs from (sqrt t - 1)^2 / 2 by (t - 1) / 2."""
    got = kt.f_divergence(P, Q, lambda t: 1 - np.sqrt(t), f_prime_inf=0.0)
    assert got == pytest.approx(1 - BC_PQ, rel=1e-14)
    assert got == pytest.approx(kt.hellinger(P, Q) ** 2, rel=1e-12)


def test_f_divergence_against_scipy(rng):
    p, q = rng.dirichlet(np.ones(10), size=2)
    kl = kt.f_divergence(p, q, lambda t: xlogy(t, t))
    assert kl == pytest.approx(rel_entr(p, q).sum(), rel=1e-12)
    js = kt.f_divergence(p, q, GENERATORS[-1][1])
    assert js == pytest.approx(ssd.jensenshannon(p, q) ** 2, rel=1e-10)


def test_q_zero_convention():
    """0 f(p / 0) = p f'(inf); 0 f(0 / 0) = 0."""
    tv = lambda t: np.abs(t - 1) / 2  # noqa: E731
    assert kt.f_divergence([1, 0], [0, 1], tv, f_prime_inf=0.5) == 1.0
    # outcome 0: q = 0 < p = 0.5 contributes 0.5 * 0.5; outcome 1: q f(1/2) = 1/4
    assert kt.f_divergence([0.5, 0.5, 0], [0, 1, 0], tv, f_prime_inf=0.5) == 0.5
    kl = lambda t: xlogy(t, t)  # noqa: E731
    assert kt.f_divergence([0.5, 0.5], [1, 0], kl, f_prime_inf=math.inf) == math.inf
    # f'(inf) is not needed (and not used) when q > 0 wherever p > 0:
    assert kt.f_divergence([1, 0], [0.5, 0.5], kl) == pytest.approx(LN2)
    assert kt.f_divergence([0, 1], [0, 1], kl) == 0.0


def test_f_divergence_batches_and_units(rng):
    p = rng.dirichlet(np.ones(5), size=(3, 4))
    q = rng.dirichlet(np.ones(5))
    got = kt.f_divergence(p, q, lambda t: xlogy(t, t))
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, kt.kl_divergence(p, q, base=E), rtol=1e-12)
    along0 = kt.f_divergence(p.T, q[:, None, None], lambda t: xlogy(t, t), axis=0)
    np.testing.assert_allclose(along0, got.T, rtol=1e-12)
    counts = kt.f_divergence([3, 1], [1, 1], lambda t: xlogy(t, t), normalize=True)
    assert counts == pytest.approx(kt.kl_divergence([0.75, 0.25], [0.5, 0.5], base=E))


# --- Rényi divergences --------------------------------------------------------

RENYI_BITS = [
    # (p, q, alpha, bits, source)
    ([1, 0, 0, 0], [0.25] * 4, 0.0, 2.0, "point mass vs uniform: log2 n, any alpha"),
    ([1, 0, 0, 0], [0.25] * 4, 0.5, 2.0, "point mass vs uniform"),
    ([1, 0, 0, 0], [0.25] * 4, 3.0, 2.0, "point mass vs uniform"),
    ([1, 0, 0, 0], [0.25] * 4, math.inf, 2.0, "point mass vs uniform"),
    (P, Q, 0.0, 0.0, "alpha = 0: -log2 q(supp p) = -log2 1"),
    (P, Q, 0.5, -2 * math.log2(BC_PQ), "alpha = 1/2: -2 log2 Bhattacharyya"),
    (P, Q, 1.0, 1 - math.log2(3) / 2, "KL, Cover & Thomas Ex. 2.3.1"),
    (P, Q, 2.0, math.log2(4 / 3), "alpha = 2: log2 sum p^2/q = log2(1 + 1/3)"),
    (P, Q, 3.0, math.log2(20 / 9) / 2, "alpha = 3: log2(2 + 2/9) / 2"),
    (P, Q, math.inf, 1.0, "alpha = inf: log2 max p/q = log2 2"),
    ([0.5, 0.5, 0], [0.25, 0.25, 0.5], 0.0, 1.0, "alpha = 0: -log2 (1/2)"),
    ([0.5, 0.5], [1, 0], 0.5, 1.0, "-2 log2 sqrt(1/2): finite for alpha < 1"),
    ([0.5, 0.5], [1, 0], 2.0, math.inf, "q = 0 < p: infinite for alpha >= 1"),
    ([1, 0], [0, 1], 0.5, math.inf, "disjoint supports: infinite for all alpha"),
]


@pytest.mark.parametrize(("p", "q", "alpha", "bits", "source"), RENYI_BITS)
def test_renyi_reference_values(p, q, alpha, bits, source):
    got = kt.renyi_divergence(p, q, alpha)
    assert isinstance(got, float)
    assert got == pytest.approx(bits, rel=1e-13, abs=1e-15), source
    nats = kt.renyi_divergence(p, q, alpha, base=E)
    assert nats == pytest.approx(bits * LN2, rel=1e-13, abs=1e-15)


def _renyi_reference(p, q, alpha):
    """The definition in plain Python, for orders away from 0, 1 and inf."""
    total = 0.0
    for pi, qi in zip(p, q, strict=True):
        if pi == 0:
            continue
        if qi == 0:
            if alpha > 1:
                return math.inf
            continue
        total += pi**alpha * qi ** (1 - alpha)
    return max(math.log(total) / (alpha - 1), 0.0) if total > 0 else math.inf


@pytest.mark.parametrize("alpha", [0.1, 0.5, 0.8, 1.5, 2.0, 4.0])
@given(pair=distribution_pairs())
@settings(max_examples=60)  # x parameters: keeps the file fast
def test_renyi_matches_the_definition(alpha, pair):
    p, q = pair
    expected = _renyi_reference(p, q, alpha)
    got = kt.renyi_divergence(p, q, alpha, base=E)
    if math.isinf(expected):
        assert got == math.inf
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-13)


@given(pair=distribution_pairs())
def test_renyi_special_orders(pair):
    p, q = pair
    assert kt.renyi_divergence(p, q, 1) == kt.kl_divergence(p, q)
    on_support = p > 0
    with np.errstate(divide="ignore"):
        d0 = -np.log(q[on_support].sum())  # inf for disjoint supports
        dinf = (np.log(p[on_support]) - np.log(q[on_support])).max()
    assert kt.renyi_divergence(p, q, 0, base=E) == pytest.approx(
        max(d0, 0.0), abs=1e-12
    )
    got_inf = kt.renyi_divergence(p, q, math.inf, base=E)
    assert got_inf == pytest.approx(max(dinf, 0.0), rel=1e-12, abs=1e-12)


@given(pair=distribution_pairs())
def test_renyi_half_is_hellinger(pair):
    """D_1/2 = -2 log(1 - H^2) with H^2 = 1 - sum sqrt(p q)."""
    p, q = pair
    h2 = kt.hellinger(p, q) ** 2
    expected = math.inf if h2 == 1 else -2 * math.log1p(-h2)
    got = kt.renyi_divergence(p, q, 0.5, base=E)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@given(pair=distribution_pairs())
def test_renyi_two_is_log_one_plus_chi_squared(pair):
    p, q = pair
    chi2 = kt.f_divergence(p, q, lambda t: (t - 1) ** 2, f_prime_inf=math.inf)
    got = kt.renyi_divergence(p, q, 2, base=E)
    assert got == pytest.approx(math.log1p(chi2), rel=1e-9, abs=1e-12)


ALPHAS = [0, 0.1, 0.5, 0.9, 0.999, 1, 1.001, 1.5, 2, 5, 50, 1e4, math.inf]


@given(pair=distribution_pairs())
def test_renyi_non_decreasing_in_alpha(pair):
    p, q = pair
    d = [kt.renyi_divergence(p, q, a) for a in ALPHAS]
    assert d[0] >= 0
    for lo, hi in itertools.pairwise(d):
        assert lo <= hi + 1e-12 * (1 + abs(hi)), d


@given(p=distributions())
def test_renyi_zero_at_equality(p):
    for a in ALPHAS:
        assert kt.renyi_divergence(p, p, a) == 0


@given(pair=distribution_pairs(positive_q=True))
def test_renyi_tends_to_kl_near_one(pair):
    """No cancellation as alpha -> 1: log sum p^alpha q^(1 - alpha) / (alpha - 1)
    in floating point would lose about 16 + log10|alpha - 1| digits here."""
    p, q = pair
    kl = kt.kl_divergence(p, q, base=E)
    for eps in (1e-13, -1e-13, 1e-10, -1e-10):
        got = kt.renyi_divergence(p, q, 1 + eps, base=E)
        assert got == pytest.approx(kl, rel=1e-8, abs=1e-15), eps


def test_renyi_near_one_known_slope():
    """d D_alpha / d alpha at 1 is Var_p[log p/q] / 2 (van Erven & Harremoës)."""
    p, q = np.array(P), np.array(Q)
    ell = np.log(p / q)
    slope = 0.5 * (p @ ell**2 - (p @ ell) ** 2)
    kl = kt.kl_divergence(P, Q, base=E)
    for eps in (1e-6, -1e-6):
        got = kt.renyi_divergence(P, Q, 1 + eps, base=E)
        assert got == pytest.approx(kl + eps * slope, rel=1e-10)


def test_renyi_large_orders_do_not_overflow():
    p, q = [0.999, 0.001], [1e-200, 1 - 1e-200]
    dinf = kt.renyi_divergence(p, q, math.inf, base=E)
    assert dinf == pytest.approx(math.log(0.999) + 200 * math.log(10), rel=1e-14)
    for a in (10.0, 1e3, 1e8):
        d = kt.renyi_divergence(p, q, a, base=E)
        assert math.isfinite(d)
        assert d <= dinf


def test_renyi_batches_along_any_axis(rng):
    p = rng.dirichlet(np.ones(4), size=5)
    q = rng.dirichlet(np.ones(4))
    got = kt.renyi_divergence(p, q, 2.5)
    assert got.shape == (5,)
    np.testing.assert_allclose(got, [kt.renyi_divergence(r, q, 2.5) for r in p])
    np.testing.assert_allclose(kt.renyi_divergence(p.T, q[:, None], 2.5, axis=0), got)


# --- total variation and Hellinger --------------------------------------------

DISTANCE_CASES = [
    # (p, q, total variation, Hellinger, source)
    (P, Q, 0.25, math.sqrt(1 - BC_PQ), "definitions, by hand"),
    ([1, 0], [0, 1], 1.0, 1.0, "disjoint supports: both are 1"),
    ([0.2, 0.8], [0.2, 0.8], 0.0, 0.0, "identical"),
    ([1, 0, 0], [1 / 3] * 3, 2 / 3, math.sqrt(1 - math.sqrt(1 / 3)), "by hand"),
    ([1, 0], [0.5, 0.5], 0.5, math.sqrt(1 - math.sqrt(0.5)), "by hand"),
]


@pytest.mark.parametrize(("p", "q", "tv", "h", "source"), DISTANCE_CASES)
def test_distance_reference_values(p, q, tv, h, source):
    assert kt.total_variation(p, q) == pytest.approx(tv, rel=1e-14, abs=1e-16), source
    assert kt.hellinger(p, q) == pytest.approx(h, rel=1e-14, abs=1e-16), source


@given(pair=distribution_pairs())
def test_distances_against_scipy(pair):
    p, q = pair
    assert kt.total_variation(p, q) == pytest.approx(
        ssd.cityblock(p, q) / 2, rel=1e-12, abs=1e-15
    )
    assert kt.hellinger(p, q) == pytest.approx(
        ssd.euclidean(np.sqrt(p), np.sqrt(q)) / math.sqrt(2), rel=1e-12, abs=1e-15
    )


@given(pair=distribution_pairs())
def test_pinsker_inequality(pair):
    """TV <= sqrt(D_KL / 2), KL in nats (Pinsker 1964; Cover & Thomas 11.6.1)."""
    p, q = pair
    tv = kt.total_variation(p, q)
    kl = kt.kl_divergence(p, q, base=E)
    assert tv <= math.sqrt(kl / 2) + 1e-12


@given(pair=distribution_pairs())
def test_le_cam_bounds_between_hellinger_and_tv(pair):
    """H^2 <= TV <= sqrt(H^2 (2 - H^2)) for the H^2 = 1 - BC convention."""
    p, q = pair
    h2 = kt.hellinger(p, q) ** 2
    tv = kt.total_variation(p, q)
    assert h2 <= tv + 1e-12
    assert tv <= math.sqrt(h2 * (2 - h2)) + 1e-12


@pytest.mark.parametrize(
    ("nats", "pinsker", "bh"),
    [
        (0.0, 0.0, 0.0),
        (0.5, 0.5, math.sqrt(1 - math.exp(-0.5))),
        (math.log(2), math.sqrt(LN2 / 2), math.sqrt(0.5)),  # e^-D = 1/2
        (2.0, 1.0, math.sqrt(1 - math.exp(-2))),  # Pinsker reaches 1
        (math.log(100), math.sqrt(math.log(100) / 2), math.sqrt(0.99)),
        (math.inf, math.inf, 1.0),
    ],
)
def test_pinsker_and_bretagnolle_huber_values(nats, pinsker, bh):
    """sqrt(D / 2) and sqrt(1 - e^-D), D in nats, worked by hand; in bits too."""
    assert kt.families.pinsker_bound(nats, base=E) == pytest.approx(pinsker, rel=1e-14)
    assert kt.families.bretagnolle_huber_bound(nats, base=E) == pytest.approx(
        bh, rel=1e-14
    )
    bits = nats / LN2
    assert kt.families.pinsker_bound(bits) == pytest.approx(pinsker, rel=1e-14)
    assert kt.families.bretagnolle_huber_bound(bits) == pytest.approx(bh, rel=1e-14)


def test_bounds_cross_where_the_closed_form_says():
    """sqrt(D/2) = sqrt(1 - e^-D) at the root of 1 - e^-D = D/2 (about 1.594
    nats): Pinsker is the smaller bound below it, Bretagnolle-Huber above."""
    from scipy.optimize import brentq

    cross = brentq(lambda d: 1 - math.exp(-d) - d / 2, 0.5, 3.0)
    assert cross == pytest.approx(1.5936, abs=1e-4)
    below, above = np.array([0.1, 1.0, cross - 1e-3]), np.array([cross + 1e-3, 3.0])
    fam = kt.families
    assert np.all(
        fam.pinsker_bound(below, base=E) < fam.bretagnolle_huber_bound(below, base=E)
    )
    assert np.all(
        fam.pinsker_bound(above, base=E) > fam.bretagnolle_huber_bound(above, base=E)
    )


@given(pair=distribution_pairs())
def test_bretagnolle_huber_inequality(pair):
    """TV <= sqrt(1 - exp(-D)) in both directions of D (Bretagnolle-Huber 1979)."""
    p, q = pair
    tv = kt.total_variation(p, q)
    for d in (kt.kl_divergence(p, q), kt.kl_divergence(q, p)):
        assert tv <= kt.families.bretagnolle_huber_bound(d) + 1e-12


@given(pair=distribution_pairs(positive_q=True))
def test_reverse_pinsker_inequality(pair):
    """D(p||q) <= log(1 + 2 TV^2 / q_min) <= 2 TV^2 / q_min nats, q_min > 0."""
    p, q = pair
    tv, q_min = kt.total_variation(p, q), float(np.min(q))
    kl = kt.kl_divergence(p, q, base=E)
    bound = kt.families.reverse_pinsker_bound(tv, q_min, base=E)
    assert kl <= bound * (1 + 1e-9) + 1e-12
    assert bound <= 2 * tv**2 / q_min * (1 + 1e-12) + 1e-15
    # the chi-squared step of the proof: D_2 = log(1 + chi^2) lies in between
    chi2 = _chi2_reference(p, q)
    assert math.log1p(chi2) <= bound * (1 + 1e-9) + 1e-12


def test_reverse_pinsker_values_and_a_near_equality():
    """log(1 + 2 d^2 / q_min) by hand; for q uniform on two outcomes and p a
    small move of mass e, chi^2 = 2 e^2 / (1/2) = 2 d^2 / q_min exactly, so
    the bound equals D_2 = log(1 + chi^2) there."""
    rp = kt.families.reverse_pinsker_bound
    assert rp(0.5, 0.5, base=E) == pytest.approx(math.log(2), rel=1e-15)
    assert rp(0.5, 0.5) == pytest.approx(1.0, rel=1e-15)
    assert rp(0.0, 0.01) == 0.0
    got = rp([[0.1], [0.2]], [0.1, 0.5], base=E)
    np.testing.assert_allclose(
        got, np.log1p(2 * np.array([[0.01], [0.04]]) / np.array([0.1, 0.5])), rtol=1e-15
    )
    e = 0.2
    p, q = [0.5 + e, 0.5 - e], [0.5, 0.5]
    assert rp(kt.total_variation(p, q), 0.5) == pytest.approx(
        kt.renyi_divergence(p, q, 2), rel=1e-12
    )


@given(st.integers(2, 6).flatmap(lambda n: st.tuples(*[distributions(n=n)] * 3)))
def test_metric_axioms(triple):
    p, q, r = triple
    for dist in (kt.total_variation, kt.hellinger):
        d = dist(p, q)
        assert 0 <= d <= 1
        assert d == dist(q, p)
        assert dist(p, p) == 0
        assert d <= dist(p, r) + dist(r, q) + 1e-12
        if np.abs(p - q).max() > 1e-6:
            assert d > 0


@given(
    st.integers(1, 5).flatmap(
        lambda k: st.tuples(distributions(n=k), distributions(n=k))
    )
)
def test_disjoint_supports_are_exactly_one_apart(pair):
    """The overlap form is used far apart: no 0.9999999999999999 from rounding."""
    a, b = pair
    p, q = np.concatenate([a, np.zeros(b.size)]), np.concatenate([np.zeros(a.size), b])
    assert kt.total_variation(p, q) == 1.0
    assert kt.hellinger(p, q) == 1.0
    assert kt.renyi_divergence(p, q, 0.5) == math.inf


def test_hellinger_accurate_for_close_distributions():
    """The sum of squared root differences has no 1 - (1 - tiny) cancellation."""
    d = 1e-9
    p, q = [0.5 + d, 0.5 - d], [0.5, 0.5]
    # BC = (sqrt(1 + 2d) + sqrt(1 - 2d)) / 2 = 1 - d^2 / 2 + O(d^4)
    assert kt.hellinger(p, q) == pytest.approx(d / math.sqrt(2), rel=1e-6)


def test_distances_batches_and_normalize(rng):
    p = rng.dirichlet(np.ones(3), size=(2, 5))
    q = rng.dirichlet(np.ones(3))
    for dist in (kt.total_variation, kt.hellinger):
        got = dist(p, q)
        assert got.shape == (2, 5)
        assert got[1, 2] == dist(p[1, 2], q)
    assert kt.total_variation([3, 1], [1, 1], normalize=True) == 0.25


# --- bad input -----------------------------------------------------------------


def _never_called(t):
    raise AssertionError("f must not be called on input that is refused")


KL_F = lambda t: xlogy(t, t)  # noqa: E731

BAD = [
    # (call, exception, message)
    (
        lambda: kt.f_divergence([-0.5, 1.5], Q, _never_called),
        ValueError,
        "p has negative entries",
    ),
    (
        lambda: kt.f_divergence(P, [0.5, 0.6], _never_called),
        ValueError,
        "q sums to 1.1",
    ),
    (lambda: kt.f_divergence(P, Q, "kl"), TypeError, "f must be a callable"),
    (lambda: kt.f_divergence(P, Q, lambda t: t - 1 + 1e-3), ValueError, r"f\(1\) must"),
    (lambda: kt.f_divergence(P, Q, lambda t: 0.0), ValueError, "f must be vectorised"),
    (
        lambda: kt.f_divergence([1, 0], Q, lambda t: t * np.log(t)),
        ValueError,
        r"f returned nan at t = 0.0.*xlogy",
    ),
    (
        lambda: kt.f_divergence([0.5, 0.5], [1, 0], KL_F),
        ValueError,
        r"q is 0 where p is positive \(outcome 1\).*pass f_prime_inf",
    ),
    (
        lambda: kt.f_divergence(P, Q, KL_F, f_prime_inf=math.nan),
        ValueError,
        "f_prime_inf must be a number or math.inf",
    ),
    (
        lambda: kt.f_divergence(P, Q, KL_F, f_prime_inf="inf"),
        TypeError,
        "f_prime_inf must be a real number",
    ),
    (
        lambda: kt.f_divergence(P, Q, np.log),
        ValueError,
        "came out negative .* check that f is convex",
    ),
    (
        lambda: kt.f_divergence(P, [1 / 3] * 3, KL_F),
        ValueError,
        r"shapes do not broadcast: p \(2,\) and q \(3,\)",
    ),
    (lambda: kt.renyi_divergence(P, Q, -0.5), ValueError, "alpha must be >= 0"),
    (lambda: kt.renyi_divergence(P, Q, math.nan), ValueError, "alpha must be >= 0"),
    (lambda: kt.renyi_divergence(P, Q, "2"), TypeError, "alpha must be a real"),
    (lambda: kt.renyi_divergence(P, Q, True), TypeError, "alpha must be a real"),
    (lambda: kt.renyi_divergence(P, Q, [1, 2]), TypeError, "alpha must be a real"),
    (lambda: kt.renyi_divergence(P, Q, 2, base=0), ValueError, "base must be"),
    (lambda: kt.renyi_divergence(P, Q, 1, base=-1), ValueError, "base must be"),
    (
        lambda: kt.renyi_divergence([np.nan, 1], Q, 2),
        ValueError,
        "p contains NaN",
    ),
    (
        lambda: kt.renyi_divergence(P, [0.2, 0.2], 0.5),
        ValueError,
        "q sums to 0.4",
    ),
    (
        lambda: kt.total_variation([0.5, np.inf], Q),
        ValueError,
        "p contains infinite",
    ),
    (
        lambda: kt.hellinger(P, [-0.25, 1.25]),
        ValueError,
        "q has negative entries",
    ),
    (lambda: kt.hellinger(P, [1.0, 0.5]), ValueError, "q sums to 1.5"),
    (lambda: kt.total_variation([], []), ValueError, "p is empty"),
    (lambda: kt.families.pinsker_bound(-0.1), ValueError, "kl must be a divergence"),
    (lambda: kt.families.pinsker_bound(math.nan), ValueError, "kl contains NaN"),
    (lambda: kt.families.pinsker_bound("1"), TypeError, "kl must hold real"),
    (lambda: kt.families.pinsker_bound(1.0, base=0.5), ValueError, "base must be"),
    (
        lambda: kt.families.bretagnolle_huber_bound([0.1, -1.0]),
        ValueError,
        "kl must be a divergence",
    ),
    (
        lambda: kt.families.bretagnolle_huber_bound(1.0, base=1),
        ValueError,
        "base must be",
    ),
    (
        lambda: kt.families.reverse_pinsker_bound(1.5, 0.5),
        ValueError,
        r"tv must be a probability in \[0, 1\]",
    ),
    (
        lambda: kt.families.reverse_pinsker_bound(0.2, 0.0),
        ValueError,
        "q_min must be > 0",
    ),
    (
        lambda: kt.families.reverse_pinsker_bound(0.2, -0.1),
        ValueError,
        "q_min must be a probability",
    ),
    (
        lambda: kt.families.reverse_pinsker_bound([0.1, 0.2], [0.5, 0.5, 0.5]),
        ValueError,
        r"shapes do not broadcast: tv \(2,\) and q_min \(3,\)",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), BAD)
def test_bad_input_is_refused(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


# --- the Bayes error of a test, Lin's bounds (issue 13) ------------------------------


def brute_force_bayes_error(p, q, prior):
    """Least error over every deterministic test (each subset guessed as p)."""
    n = len(p)
    best = 1.0
    for guess_p in itertools.product([False, True], repeat=n):
        err = sum((1 - prior) * q[i] if guess_p[i] else prior * p[i] for i in range(n))
        best = min(best, err)
    return best


@given(distribution_pairs(max_size=6), st.sampled_from([0.5, 0.1, 0.7, 0.0, 1.0]))
def test_bayes_error_is_the_best_of_all_tests(pair, prior):
    p, q = pair
    got = kt.families.bayes_error(p, q, prior=prior)
    assert got == pytest.approx(brute_force_bayes_error(p, q, prior), abs=1e-12)


@given(distribution_pairs())
def test_fair_coin_bayes_error_is_one_minus_tv_over_two(pair):
    p, q = pair
    got = kt.families.bayes_error(p, q)
    assert got == pytest.approx((1 - kt.total_variation(p, q)) / 2, abs=1e-12)


def test_bayes_error_exact_fraction():
    # p = (1/2, 1/3, 1/6), q = (1/6, 1/3, 1/2): sum of minima 2/3, error 1/3
    p, q = [1 / 2, 1 / 3, 1 / 6], [1 / 6, 1 / 3, 1 / 2]
    assert kt.families.bayes_error(p, q) == pytest.approx(1 / 3, rel=1e-15)
    np.testing.assert_allclose(
        kt.families.bayes_error([p, q], q), [1 / 3, 1 / 2], rtol=1e-15
    )


@given(distribution_pairs())
def test_lin_bounds_hold(pair):
    p, q = pair
    lower, upper = kt.families.lin_error_bounds(kt.js_divergence(p, q))
    err = kt.families.bayes_error(p, q)
    assert lower <= err + 1e-12
    assert err <= upper + 1e-12


def test_lin_bounds_values_and_units():
    assert kt.families.lin_error_bounds(0.5) == (0.0625, 0.25)
    lower, upper = kt.families.lin_error_bounds(math.log(2) / 2, base=E)
    assert (lower, upper) == (pytest.approx(0.0625), pytest.approx(0.25))
    lo, up = kt.families.lin_error_bounds([0.0, 1.0])
    np.testing.assert_array_equal(lo, [0.25, 0.0])
    np.testing.assert_array_equal(up, [0.5, 0.0])


def test_lin_upper_bound_is_tight_for_a_point_mass_against_a_mixture():
    # p = (1, 0), q = (1/2, 1/2): Pe = 1/4; JS = 1 - (3/4) h(1/3) bits... exact
    # H(Z|X): x = 0 has P = 3/4 and P(Z = p | x) = 2/3; x = 1 has Z known.
    p, q = [1.0, 0.0], [0.5, 0.5]
    h = -(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3)
    js = kt.js_divergence(p, q)
    assert js == pytest.approx(1 - 0.75 * h, rel=1e-12)
    assert kt.families.bayes_error(p, q) == pytest.approx(0.25)
    assert kt.families.lin_error_bounds(js)[1] == pytest.approx(0.375 * h)


# --- variational representations (issue 13) -----------------------------------------

#: p = (1/2, 1/2) and q = (1/4, 3/4) as equally weighted samples of the outcomes.
SAMPLES_P, SAMPLES_Q = np.array([0, 1]), np.array([0, 1, 1, 1])
PQ = ([0.5, 0.5], [0.25, 0.75])


@given(st.lists(st.floats(-20, 20), min_size=2, max_size=2))
def test_donsker_varadhan_never_exceeds_kl(critic):
    t = np.array(critic)
    bound = kt.families.donsker_varadhan(t[SAMPLES_P], t[SAMPLES_Q], base=E)
    assert bound <= kt.kl_divergence(*PQ, base=E) + 1e-12


def test_donsker_varadhan_reaches_kl_at_the_log_ratio_plus_any_constant():
    log_ratio = np.log(np.array(PQ[0]) / np.array(PQ[1]))
    want = kt.kl_divergence(*PQ)
    for c in [0.0, -3.0, 50.0, 700.0]:  # no overflow at 700
        t = log_ratio + c
        got = kt.families.donsker_varadhan(t[SAMPLES_P], t[SAMPLES_Q])
        assert got == pytest.approx(want, rel=1e-12)


def test_donsker_varadhan_matches_its_formula_on_batches(rng):
    t_p, t_q = rng.normal(size=(3, 50)), rng.normal(size=(3, 70))
    want = t_p.mean(-1) - (logsumexp(t_q, axis=-1) - math.log(70))
    np.testing.assert_allclose(
        kt.families.donsker_varadhan(t_p, t_q, base=E), want, rtol=1e-13
    )


@given(st.lists(st.floats(-10, 10), min_size=2, max_size=2))
def test_f_gan_bound_below_dv_below_kl(critic):
    t = np.array(critic)
    tp, tq = t[SAMPLES_P], t[SAMPLES_Q]
    star = lambda u: np.exp(u - 1)  # noqa: E731  conjugate of t log t
    fgan = kt.families.f_gan_bound(tp, tq, star)
    dv = kt.families.donsker_varadhan(tp, tq, base=E)
    assert fgan <= dv + 1e-12
    # the best constant shift closes the gap: T + 1 - log mean e^T
    shift = 1 - (logsumexp(tq) - math.log(tq.size))
    assert kt.families.f_gan_bound(tp + shift, tq + shift, star) == pytest.approx(
        dv, abs=1e-12
    )


def test_f_gan_bound_for_total_variation():
    # f(t) = |t - 1| / 2 has f*(u) = u on [-1/2, 1/2]; T = sign(p - q) / 2 is best
    p, q = np.array(PQ[0]), np.array(PQ[1])
    t = np.sign(p - q) / 2
    got = kt.families.f_gan_bound(t[SAMPLES_P], t[SAMPLES_Q], lambda u: u)
    assert got == pytest.approx(kt.total_variation(p, q), rel=1e-14)


@pytest.mark.parametrize(
    ("a", "b", "mu", "sd"),
    [(1.0, 0.0, 0.0, 1.0), (0.7, -0.3, 1.2, 0.8), (-2.0, 0.1, -0.5, 1.5)],
)
def test_gaussian_critic_moments_against_quadrature(a, b, mu, sd):
    from scipy import integrate, stats

    dens = stats.norm(mu, sd).pdf
    mean_t = integrate.quad(lambda x: (a * x + b * x * x) * dens(x), -60, 60)[0]
    log_dens = stats.norm(mu, sd).logpdf
    mgf = integrate.quad(
        lambda x: math.exp(a * x + b * x * x + log_dens(x)), -60, 60, limit=200
    )[0]
    got_mean, got_log = kt.families.gaussian_critic_moments(a, b, mu, sd)
    assert got_mean == pytest.approx(mean_t, rel=1e-10)
    assert got_log == pytest.approx(math.log(mgf), rel=1e-9)


def test_gaussian_critic_moments_best_critic_gives_gaussian_kl():
    # p = N(1, 0.8^2), q = N(0, 1): log p/q = a x + b x^2 + const
    mp, sp, mq, sq = 1.0, 0.8, 0.0, 1.0
    a = mp / sp**2 - mq / sq**2
    b = 1 / (2 * sq**2) - 1 / (2 * sp**2)
    e_p, _ = kt.families.gaussian_critic_moments(a, b, mp, sp)
    _, log_e_q = kt.families.gaussian_critic_moments(a, b, mq, sq)
    assert e_p - log_e_q == pytest.approx(
        kt.gaussian_kl(mp, sp, mq, sq, base=E), rel=1e-12
    )
    assert kt.families.gaussian_critic_moments(0.0, 1.0, 0.0, 1.0)[1] == math.inf


def test_fit_dv_critic_finds_the_log_ratio(rng):
    mp, sp = 1.0, 0.8
    x, y = rng.normal(mp, sp, 200_000), rng.normal(0.0, 1.0, 200_000)
    feats = lambda v: np.column_stack([v, v * v])  # noqa: E731
    path = kt.families.fit_dv_critic(feats(x), feats(y), steps=400, learning_rate=0.3)
    assert path.shape == (401, 2)
    np.testing.assert_array_equal(path[0], [0.0, 0.0])
    np.testing.assert_allclose(path[-1], [1 / sp**2, 0.5 - 0.5 / sp**2], atol=0.03)
    # concave objective, small steps: the sample objective never falls
    obj = [
        kt.families.donsker_varadhan(feats(x) @ th, feats(y) @ th, base=E)
        for th in path[::20]
    ]
    assert np.all(np.diff(obj) >= -1e-9)


BAD_VARIATIONAL = [
    (lambda: kt.families.bayes_error([1, 0], [0, 1], prior=1.5), ValueError, "prior"),
    (lambda: kt.families.bayes_error([1, 0.5], [0, 1]), ValueError, "p sums to"),
    (lambda: kt.families.lin_error_bounds(1.2), ValueError, "at most 1 bit"),
    (lambda: kt.families.lin_error_bounds(-0.1), ValueError, "js must be"),
    (lambda: kt.families.donsker_varadhan([], [1.0]), ValueError, "t_p must hold"),
    (
        lambda: kt.families.donsker_varadhan([1.0], [math.inf]),
        ValueError,
        "t_q contains NaN or infinite",
    ),
    (
        lambda: kt.families.donsker_varadhan(np.ones((2, 3)), np.ones((3, 3))),
        ValueError,
        "shapes do not broadcast",
    ),
    (lambda: kt.families.f_gan_bound([1.0], [1.0], None), TypeError, "conjugate"),
    (
        lambda: kt.families.f_gan_bound([1.0], [1.0, 2.0], lambda u: u[:1]),
        ValueError,
        "conjugate must be vectorised",
    ),
    (
        lambda: kt.families.gaussian_critic_moments(1.0, 0.0, 0.0, 0.0),
        ValueError,
        "sd must be > 0",
    ),
    (
        lambda: kt.families.fit_dv_critic(np.ones(3), np.ones((3, 1))),
        ValueError,
        "features_p must be 2-D",
    ),
    (
        lambda: kt.families.fit_dv_critic(np.ones((3, 2)), np.ones((3, 1))),
        ValueError,
        "features_p has 2 features but features_q 1",
    ),
    (
        lambda: kt.families.fit_dv_critic(np.ones((3, 1)), np.ones((3, 1)), steps=2.5),
        TypeError,
        "steps must be an integer",
    ),
    (
        lambda: kt.families.fit_dv_critic(
            np.ones((3, 1)), np.ones((3, 1)), learning_rate=0
        ),
        ValueError,
        "learning_rate must be > 0",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), BAD_VARIATIONAL)
def test_bad_variational_input_is_refused(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
