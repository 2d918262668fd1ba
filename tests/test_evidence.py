"""Tests of kltools.evidence: log-likelihood ratios and their walks, the exact
errors of Neyman-Pearson and Bayes tests of two coins (against exact fractions
and brute force), Stein's and Chernoff's exponents, Sanov and the method of
types (against scipy and the Bahadur-Rao constant), Wald's sequential test
(against the gambler's ruin, where it has no overshoot), Fisher informations
(against finite differences of the closed-form divergences and exact
expectations of the squared score), trust regions, and refused input."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

import kltools as kt
from kltools import betting, evidence

LN2 = math.log(2)

# --- log-likelihood ratios ------------------------------------------------------------


def test_llr_steps_reference_values():
    # log2(1/2 / 1/4) = 1 bit, log2(1/2 / 3/4) = 1 - log2 3
    got = evidence.llr_steps([0.5, 0.5], [0.25, 0.75])
    np.testing.assert_allclose(got, [1.0, 1 - math.log2(3)], rtol=1e-15)
    nats = evidence.llr_steps([0.5, 0.5], [0.25, 0.75], base=math.e)
    np.testing.assert_allclose(nats, got * LN2, rtol=1e-15)
    np.testing.assert_array_equal(
        evidence.llr_steps([0.5, 0.5, 0, 0], [0, 0.5, 0.5, 0]), [np.inf, 0, -np.inf, 0]
    )


@pytest.mark.parametrize(
    ("p", "q"),
    [
        ([0.3, 0.7], [0.1, 0.9]),
        ([0.2, 0.5, 0.3], [0.4, 0.4, 0.2]),
        ([0.5, 0.5], [0.9, 0.1]),
    ],
)
def test_llr_drift_is_plus_d_under_p_and_minus_d_under_q(p, q):
    assert evidence.llr_drift(p, q) == pytest.approx(kt.kl_divergence(p, q), rel=1e-14)
    assert evidence.llr_drift(p, q, q) == pytest.approx(
        -kt.kl_divergence(q, p), rel=1e-14
    )
    # linear in the truth: the mixture's drift is the mixture of the drifts
    mid = (np.asarray(p) + np.asarray(q)) / 2
    half = (kt.kl_divergence(p, q) - kt.kl_divergence(q, p)) / 2
    assert evidence.llr_drift(p, q, mid) == pytest.approx(half, abs=1e-14)


def test_llr_walks_are_the_kelly_log_wealth_paths():
    """Same sampling as betting.simulate_log_wealth: same seed, same paths."""
    p, q = [0.25, 0.4, 0.35], [0.5, 0.3, 0.2]
    walks = evidence.llr_walks(p, q, n_steps=50, n_paths=7, rng=11)
    wealth = betting.simulate_log_wealth(p, q, n_bettors=7, n_races=50, rng=11)
    np.testing.assert_allclose(walks, wealth, rtol=1e-13, atol=1e-13)


def test_llr_walks_drift_over_many_paths():
    p, q = [0.3, 0.7], [0.1, 0.9]
    for truth, drift in [
        (p, kt.bernoulli_kl(0.3, 0.1)),
        (q, -kt.bernoulli_kl(0.1, 0.3)),
    ]:
        w = evidence.llr_walks(p, q, truth, n_steps=200, n_paths=4000, rng=5)
        slopes = w[:, -1] / 200
        se = slopes.std(ddof=1) / math.sqrt(slopes.size)
        assert abs(slopes.mean() - drift) < 4 * se


def test_llr_walks_with_an_impossible_outcome_jump_to_infinity():
    w = evidence.llr_walks([0.5, 0.5], [1.0, 0.0], n_steps=30, n_paths=20, rng=0)
    assert np.isposinf(w[:, -1]).all()  # a tail rules q out, and one comes


# --- Neyman-Pearson and Stein ---------------------------------------------------------


def _binom_fraction(n, k, t):
    return math.comb(n, k) * t**k * (1 - t) ** (n - k)


def _np_exact(n, p, q, alpha):
    """Randomized Neyman-Pearson beta in exact rational arithmetic."""
    order = range(n + 1) if p >= q else range(n, -1, -1)
    rejected, beta = Fraction(0), Fraction(0)
    remaining = alpha
    for k in order:
        mp, mq = _binom_fraction(n, k, p), _binom_fraction(n, k, q)
        if remaining >= mp:  # decide q on k entirely
            remaining -= mp
            rejected += mp
        else:
            gamma = remaining / mp
            remaining = Fraction(0)
            beta += (1 - gamma) * mq
    return beta


@pytest.mark.parametrize(
    ("p", "q", "alpha", "n"),
    [
        (Fraction(1, 2), Fraction(1, 4), Fraction(1, 8), 3),
        (Fraction(1, 2), Fraction(1, 4), Fraction(1, 10), 6),
        (Fraction(1, 3), Fraction(3, 4), Fraction(1, 20), 5),
        (Fraction(3, 10), Fraction(1, 10), Fraction(1, 20), 12),
    ],
)
def test_neyman_pearson_beta_equals_exact_fractions(p, q, alpha, n):
    t = evidence.neyman_pearson_bernoulli(float(p), float(q), n, float(alpha))
    assert t.alpha == pytest.approx(float(alpha), rel=1e-12)
    assert t.beta == pytest.approx(float(_np_exact(n, p, q, alpha)), rel=1e-12)
    assert 2**t.log_beta == pytest.approx(t.beta, rel=1e-12)


def test_neyman_pearson_beats_every_test_on_the_counts():
    """The Neyman-Pearson lemma, by brute force over every set of counts."""
    p, q, n, level = 0.3, 0.1, 7, 0.05
    best = evidence.neyman_pearson_bernoulli(p, q, n, level)
    plain = evidence.neyman_pearson_bernoulli(p, q, n, level, randomized=False)
    pp = stats.binom.pmf(np.arange(n + 1), n, p)
    qq = stats.binom.pmf(np.arange(n + 1), n, q)
    assert plain.alpha <= level and plain.gamma == 0.0
    assert best.beta <= plain.beta
    for size in range(n + 2):
        for decide_q in itertools.combinations(range(n + 1), size):
            idx = list(decide_q)
            if pp[idx].sum() <= level:
                beta = 1 - qq[idx].sum()
                assert best.beta <= beta + 1e-12


def test_neyman_pearson_with_equal_coins_is_chance():
    t = evidence.neyman_pearson_bernoulli(0.4, 0.4, 10, 0.05)
    assert t.beta == pytest.approx(0.95, rel=1e-12)


@pytest.mark.parametrize(("p", "q"), [(0.3, 0.1), (0.1, 0.3), (0.5, 0.45)])
def test_stein_exponent_with_its_second_order_term(p, q):
    """-log2 beta_n = n D - sqrt(n V) z_{1-alpha} + O(log n) (Strassen 1962):
    the exponent tends to D(p||q), the divergence from the hypothesis whose
    error is held fixed, and the gap is the sqrt(n) term. With the roles
    swapped the exponent is the other divergence."""
    level = 0.05
    d = kt.bernoulli_kl(p, q)
    steps = evidence.llr_steps([p, 1 - p], [q, 1 - q])
    v = p * (steps[0] - d) ** 2 + (1 - p) * (steps[1] - d) ** 2
    z = stats.norm.ppf(1 - level)
    ns = np.array([500, 2000, 8000])
    t = evidence.neyman_pearson_bernoulli(p, q, ns, level)
    gap = -t.log_beta - (ns * d - np.sqrt(ns * v) * z)
    assert (np.abs(gap) < 2 * np.log2(ns)).all()
    rates = -t.log_beta / ns
    assert (np.diff(rates) > 0).all() and (rates < d).all()


@pytest.mark.parametrize(
    ("p", "q", "alpha", "beta"),
    [(0.3, 0.1, 0.05, 1e-3), (0.5, 0.4, 0.05, 0.01), (0.1, 0.3, 0.01, 0.2)],
)
def test_sample_size_is_the_first_n_meeting_the_target(p, q, alpha, beta):
    n = evidence.neyman_pearson_sample_size(p, q, alpha, beta)
    upto = np.arange(1, n + 1)
    t = evidence.neyman_pearson_bernoulli(p, q, upto, alpha)
    assert t.beta[-1] <= beta and (t.beta[:-1] > beta).all()
    # Stein's first-order estimate is too small here
    assert math.log2(1 / beta) / kt.bernoulli_kl(p, q) < n


def test_sample_size_refuses_equal_coins_and_gives_up():
    with pytest.raises(ValueError, match="equal"):
        evidence.neyman_pearson_sample_size(0.3, 0.3, 0.05, 0.01)
    with pytest.raises(ValueError, match="max_n"):
        evidence.neyman_pearson_sample_size(0.3, 0.29, 0.05, 1e-9, max_n=100)


# --- Bayes error and Chernoff ---------------------------------------------------------


def test_bayes_error_equals_exact_fractions():
    p, q, n = Fraction(1, 2), Fraction(1, 5), 6
    exact = sum(
        min(_binom_fraction(n, k, p), _binom_fraction(n, k, q)) / 2
        for k in range(n + 1)
    )
    got = evidence.bayes_error_bernoulli(0.5, 0.2, n)
    assert got.value == pytest.approx(float(exact), rel=1e-12)
    assert evidence.bayes_error_bernoulli(0.5, 0.9, 1).value == pytest.approx(0.3)


def test_bayes_error_obeys_the_chernoff_bound_and_exponent():
    p, q = 0.3, 0.1
    c = kt.chernoff_information([p, 1 - p], [q, 1 - q])
    ns = np.arange(1, 400, 7)
    e = evidence.bayes_error_bernoulli(p, q, ns)
    # P_e <= (1/2) sum p^l q^(1-l) ... = (1/2) 2^(-n C)
    assert (e.log_value <= -1 - ns * c.value + 1e-9).all()
    big = evidence.bayes_error_bernoulli(p, q, 20000)
    assert -big.log_value / 20000 == pytest.approx(c.value, rel=0.01)
    # a prior only shifts the error by a constant factor: same exponent
    skew = evidence.bayes_error_bernoulli(p, q, 20000, prior=0.9)
    assert abs(skew.log_value - big.log_value) < 5


def test_chernoff_of_two_coins_in_closed_form():
    """For two outcomes the tilt balances the two log ratios in closed form."""
    p, q = np.array([0.3, 0.7]), np.array([0.1, 0.9])
    ell = np.log(p / q)
    lam = math.log(-ell[1] * q[1] / (ell[0] * q[0])) / (ell[0] - ell[1])
    value = -math.log2(np.sum(p**lam * q ** (1 - lam)))
    c = kt.chernoff_information(p, q)
    assert c.lam == pytest.approx(lam, rel=1e-12)
    assert c.value == pytest.approx(value, rel=1e-12)


# --- Sanov and types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "q"),
    [
        ([2, 1], [0.5, 0.5]),
        ([3, 0, 5, 2], [0.1, 0.2, 0.3, 0.4]),
        ([10, 20, 30], [1 / 3] * 3),
    ],
)
def test_type_class_probability_against_scipy_and_the_bounds(counts, q):
    s = evidence.type_class_probability(counts, q)
    n, m = sum(counts), len(counts)
    assert s.probability == pytest.approx(
        stats.multinomial.pmf(counts, n, q), rel=1e-12
    )
    d = kt.kl_divergence(np.array(counts) / n, q)
    assert s.log_bound == pytest.approx(-n * d, rel=1e-12, abs=1e-12)
    assert -m * math.log2(n + 1) + s.log_bound <= s.log_probability <= s.log_bound


def test_type_class_probability_exact_fraction():
    assert evidence.type_class_probability([2, 1], [0.5, 0.5]).probability == 0.375
    # a count where q is 0: impossible
    assert evidence.type_class_probability([1, 1], [1.0, 0.0]).probability == 0.0


def test_sanov_tail_exact_and_below_the_bound():
    # at least 3 heads in 4 fair tosses: 5/16; at most 1 head: 5/16 too
    assert evidence.sanov_tail_bernoulli(0.75, 0.5, 4).probability == pytest.approx(
        5 / 16, rel=1e-12
    )
    assert evidence.sanov_tail_bernoulli(0.25, 0.5, 4).probability == pytest.approx(
        5 / 16, rel=1e-12
    )
    ns = np.arange(1, 300)
    s = evidence.sanov_tail_bernoulli(0.3, 0.1, ns)
    assert (s.log_probability <= s.log_bound + 1e-9).all()  # Chernoff bound
    # 3 of 10 is exactly 0.3 although 10 * 0.3 = 3.0000000000000004
    ten = evidence.sanov_tail_bernoulli(0.3, 0.1, 10)
    assert ten.probability == pytest.approx(stats.binom.sf(2, 10, 0.1), rel=1e-12)


def test_sanov_polynomial_factor_is_the_bahadur_rao_constant():
    """P_q(K >= np) 2^(n D) sqrt(n) -> 1 / ((1 - rho) sqrt(2 pi p (1 - p))),
    rho = q (1 - p) / (p (1 - q)), along n with np an integer."""
    p, q = 0.3, 0.1
    rho = q * (1 - p) / (p * (1 - q))
    limit = 1 / ((1 - rho) * math.sqrt(2 * math.pi * p * (1 - p)))
    n = 100_000
    s = evidence.sanov_tail_bernoulli(p, q, n)
    factor = 2 ** (s.log_probability - s.log_bound) * math.sqrt(n)
    assert factor == pytest.approx(limit, rel=1e-3)


# --- Wald's sequential test -----------------------------------------------------------


def test_sprt_without_overshoot_is_the_gamblers_ruin():
    """Steps of +-1 bit and thresholds at +-5 bits (alpha = beta = 1/33): the
    walk lands exactly on a threshold, Wald's formulas are exact, and the
    gambler's ruin gives alpha' = 1/(1 + 2^5) and E[N] = 5 (1 - 2 alpha) / D."""
    p, q, a = [2 / 3, 1 / 3], [1 / 3, 2 / 3], 1 / 33
    assert evidence.wald_expected_n(p, q, alpha=a) == pytest.approx(
        5 * (31 / 33) * 3, rel=1e-12
    )
    runs = evidence.sprt(p, q, alpha=a, n_runs=40_000, rng=3)
    assert runs.upper == pytest.approx(5.0, rel=1e-14)
    assert set(np.unique(runs.n) % 2) == {1.0}  # odd: 5 + an even detour
    err = 1 - runs.decided_p.mean()
    assert abs(err - a) < 4 * math.sqrt(a * (1 - a) / 40_000)
    se = runs.n.std(ddof=1) / math.sqrt(40_000)
    assert abs(runs.n.mean() - 5 * (31 / 33) * 3) < 4 * se


def test_sprt_errors_and_mean_size_for_a_bent_coin():
    p, q = [0.3, 0.7], [0.1, 0.9]
    for truth, under in [(p, "p"), (q, "q")]:
        runs = evidence.sprt(p, q, truth, alpha=0.01, n_runs=20_000, rng=8)
        assert np.isfinite(runs.n).all()
        wrong = runs.decided_p.mean() if under == "q" else 1 - runs.decided_p.mean()
        assert wrong < 0.01 / 0.99 + 3 * math.sqrt(0.01 / 20_000)
        wald = evidence.wald_expected_n(p, q, alpha=0.01, under=under)
        # overshoot makes the mean a little larger than Wald's approximation
        assert wald < runs.n.mean() < 1.25 * wald


def test_sprt_undecided_runs_are_infinite():
    runs = evidence.sprt([0.51, 0.49], [0.49, 0.51], alpha=1e-6, n_runs=5, max_steps=3)
    assert np.isinf(runs.n).all() and not runs.decided_p.any()


# --- Fisher information ---------------------------------------------------------------


def _curvature(kl, theta, h=1e-4):
    """Second derivative at 0 of delta -> D(p_theta || p_theta+delta), in nats."""
    return (kl(theta, theta + h) + kl(theta, theta - h)) / h**2


@pytest.mark.parametrize("theta", [0.05, 0.3, 0.5, 0.9])
def test_bernoulli_fisher_is_the_curvature_of_kl(theta):
    def kl(a, b):
        return kt.bernoulli_kl(a, b, base=math.e)

    info = evidence.bernoulli_fisher(theta)
    assert info == pytest.approx(1 / (theta * (1 - theta)), rel=1e-15)
    assert _curvature(kl, theta) == pytest.approx(info, rel=1e-5)
    # and the mean squared score, summed exactly over the two outcomes
    score2 = theta * (1 / theta) ** 2 + (1 - theta) * (1 / (1 - theta)) ** 2
    assert info == pytest.approx(score2, rel=1e-14)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0])
def test_gaussian_fisher_is_the_curvature_of_kl(sigma):
    def kl_mean(a, b):
        return kt.gaussian_kl(a, sigma, b, sigma, base=math.e)

    def kl_scale(a, b):
        return kt.gaussian_kl(0.0, a, 0.0, b, base=math.e)

    i_mu = evidence.gaussian_fisher(sigma)
    i_sigma = evidence.gaussian_fisher(sigma, "scale")
    assert _curvature(kl_mean, 0.7, h=1e-3) == pytest.approx(i_mu, rel=1e-9)
    assert _curvature(kl_scale, sigma, h=1e-4 * sigma) == pytest.approx(
        i_sigma, rel=1e-5
    )
    both = evidence.gaussian_fisher(sigma, "both")
    np.testing.assert_allclose(both, np.diag([i_mu, i_sigma]))
    # the mixed second derivative vanishes: the matrix is diagonal
    h = 1e-3

    def d(dm, ds):
        return kt.gaussian_kl(0.0, sigma, dm, sigma + ds, base=math.e)

    mixed = (d(h, h) - d(h, -h) - d(-h, h) + d(-h, -h)) / (4 * h * h)
    assert abs(mixed) < 1e-5 / sigma**3


@pytest.mark.parametrize("rate", [0.5, 3.0, 40.0])
def test_poisson_fisher_is_the_curvature_of_kl(rate):
    def kl(a, b):
        return kt.poisson_kl(a, b, base=math.e)

    info = evidence.poisson_fisher(rate)
    assert info == pytest.approx(1 / rate, rel=1e-15)
    assert _curvature(kl, rate, h=1e-4 * rate) == pytest.approx(info, rel=1e-5)
    x = np.arange(0, int(rate * 10 + 50))
    score2 = np.sum(stats.poisson.pmf(x, rate) * (x / rate - 1) ** 2)
    assert info == pytest.approx(score2, rel=1e-12)


def test_fisher_ellipse_is_a_quadratic_form_level_set():
    fisher = np.array([[2.0, 0.5], [0.5, 1.0]])
    pts = evidence.fisher_ellipse([1.0, -1.0], fisher, 0.3, n_points=50)
    delta = pts - [1.0, -1.0]
    form = 0.5 * np.einsum("ni,ij,nj->n", delta, fisher, delta)
    np.testing.assert_allclose(form, 0.3 * LN2, rtol=1e-12)


@pytest.mark.parametrize("radius", [1e-4, 0.05, 1.0])
def test_gaussian_kl_contour_and_its_fisher_ellipse(radius):
    mu, sigma = 0.5, 2.0
    pts = evidence.gaussian_kl_contour(mu, sigma, radius, n_points=64)
    d = kt.gaussian_kl(mu, sigma, pts[:, 0], pts[:, 1])
    np.testing.assert_allclose(d, radius, rtol=1e-10)
    ell = evidence.fisher_ellipse(
        [mu, sigma], evidence.gaussian_fisher(sigma, "both"), radius, n_points=64
    )
    # the same rays: the two curves differ by a factor 1 + O(sqrt(radius))
    ratio = np.linalg.norm(pts - [mu, sigma], axis=1) / np.linalg.norm(
        ell - [mu, sigma], axis=1
    )
    assert np.abs(ratio - 1).max() < 3 * math.sqrt(radius * LN2)
    if radius < 1e-3:
        assert np.abs(ratio - 1).max() < 0.02


# --- refused input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: evidence.neyman_pearson_bernoulli(0.0, 0.5, 3, 0.1),
            ValueError,
            "p must",
        ),
        (
            lambda: evidence.neyman_pearson_bernoulli(0.5, 1.0, 3, 0.1),
            ValueError,
            "q must",
        ),
        (
            lambda: evidence.neyman_pearson_bernoulli(0.5, 0.2, 0, 0.1),
            ValueError,
            "n must",
        ),
        (
            lambda: evidence.neyman_pearson_bernoulli(0.5, 0.2, 2.5, 0.1),
            TypeError,
            "n must",
        ),
        (
            lambda: evidence.neyman_pearson_bernoulli(0.5, 0.2, 3, 1.0),
            ValueError,
            "alpha",
        ),
        (
            lambda: evidence.bayes_error_bernoulli(0.5, 0.2, 3, prior=0),
            ValueError,
            "prior",
        ),
        (
            lambda: evidence.sprt([0.5, 0.5], [0.5, 0.5], alpha=0.1, n_runs=3),
            ValueError,
            "equal",
        ),
        (
            lambda: evidence.sprt([0.5, 0.5], [0.2, 0.8], alpha=0.6, n_runs=3),
            ValueError,
            "alpha \\+ beta",
        ),
        (
            lambda: evidence.sprt([0.5, 0.5], [0.2, 0.8], alpha=0.1, n_runs=0),
            ValueError,
            "n_runs",
        ),
        (lambda: evidence.llr_steps([0.5, 0.6], [0.5, 0.5]), ValueError, "p sums to"),
        (
            lambda: evidence.llr_drift([1, 0, 0], [0, 1, 0], [0, 0, 1]),
            ValueError,
            "truth",
        ),
        (
            lambda: evidence.llr_walks(
                [0.5, 0.5], [0.2, 0.8], [1.0], n_steps=2, n_paths=2
            ),
            ValueError,
            "truth",
        ),
        (lambda: evidence.bernoulli_fisher(1.0), ValueError, "theta"),
        (lambda: evidence.gaussian_fisher(-1.0), ValueError, "sigma"),
        (lambda: evidence.gaussian_fisher(1.0, "variance"), ValueError, "parameter"),
        (lambda: evidence.poisson_fisher(0.0), ValueError, "rate"),
        (
            lambda: evidence.type_class_probability([1.5, 2], [0.5, 0.5]),
            TypeError,
            "counts",
        ),
        (
            lambda: evidence.type_class_probability([0, 0], [0.5, 0.5]),
            ValueError,
            "counts",
        ),
        (lambda: evidence.type_class_probability([1, 2], [1.0]), ValueError, "q"),
        (
            lambda: evidence.fisher_ellipse([0, 0], [[1, 0], [0, -1]], 0.1),
            ValueError,
            "fisher",
        ),
        (lambda: evidence.gaussian_kl_contour(0.0, 1.0, 0.0), ValueError, "radius"),
        (
            lambda: evidence.wald_expected_n(
                [0.5, 0.5], [0.2, 0.8], alpha=0.1, under="r"
            ),
            ValueError,
            "under",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- the explorable's JavaScript against kltools --------------------------------


def test_explorable_numbers_match_kltools_in_node(tmp_path):
    """The explorable computes in the browser: its numbers, evaluated by Node
    for seeded random settings (and the edge p = q), equal kltools' to 1e-9."""
    import json
    import shutil
    import subprocess

    from kltools import explore
    from kltools.explore._core import _esm

    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (a stated prerequisite of `make test`)")
    module = tmp_path / "evidence_llr.mjs"
    module.write_text(_esm("evidence_llr") + "\nexport { evidenceQuantities };\n")
    rng = np.random.default_rng(2024)
    settings = [{"p": 0.3, "q": 0.3, "alpha": 0.05, "n": 40}]
    settings += [{"p": 0.98, "q": 0.02, "alpha": 0.01, "n": 400}]
    for _ in range(40):
        p, q = rng.integers(2, 99, size=2) / 100
        settings.append(
            {
                "p": float(p),
                "q": float(q),
                "alpha": float(rng.integers(1, 26) / 100),
                "n": int(rng.integers(1, 41) * 10),
            }
        )
    script = (
        f"const m = await import({json.dumps(module.as_uri())});"
        "const s = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(s.map((v) => "
        "m.evidenceQuantities(v.p, v.q, v.alpha, v.n))));"
    )
    done = subprocess.run(
        [node, "--input-type=commonjs", "-e", f"(async () => {{{script}}})()"],
        input=json.dumps(settings),
        capture_output=True,
        text=True,
        check=True,
    )
    kind = explore.KINDS["evidence_llr"]
    for v, got in zip(settings, json.loads(done.stdout), strict=True):
        want = kind.quantities(v)
        assert set(got) == set(want)
        for key, w in want.items():
            assert math.isclose(got[key], w, rel_tol=1e-9, abs_tol=1e-12), (v, key)
