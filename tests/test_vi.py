"""Tests of kltools.vi: the conjugate Gaussian model and its ELBO identity,
Gaussian mixtures, KL between mixtures by quadrature (against closed forms
and mpmath), and the forward and reverse KL fits of one Gaussian to a
mixture; energy plus entropy against scipy quadrature, the Monte Carlo ELBO
(unbiased, honest standard errors, over seeds), mean-field coordinate ascent
against Bishop's closed forms and mvn_kl, and the one-dimensional Gaussian
fit, log evidence and gap against scipy quadrature of D(q || p*)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

import kltools as kt
from kltools import vi

Y = np.array([1.2, 0.4, 2.1, 1.7, 0.9])


# --- the conjugate model --------------------------------------------------------


@pytest.mark.parametrize(
    ("y", "noise", "prior", "mean", "sd"),
    [
        # one observation, equal variances: posterior halfway, variance halved
        ([2.0], 1.0, 1.0, 1.0, math.sqrt(0.5)),
        # precision 1/4 + 4/1 = 17/4; mean (4/17) * 8 (Murphy 2012, sec. 4.6.1)
        ([1.0, 2.0, 2.0, 3.0], 1.0, 2.0, 32 / 17, math.sqrt(4 / 17)),
    ],
)
def test_gaussian_posterior_reference(y, noise, prior, mean, sd):
    m, s = vi.gaussian_posterior(y, noise, prior)
    assert m == pytest.approx(mean, rel=1e-14)
    assert s == pytest.approx(sd, rel=1e-14)


@pytest.mark.parametrize(("noise", "prior"), [(1.0, 1.0), (0.5, 3.0), (2.0, 0.2)])
def test_log_evidence_against_scipy(noise, prior):
    cov = noise**2 * np.eye(Y.size) + prior**2 * np.ones((Y.size, Y.size))
    want = stats.multivariate_normal(np.zeros(Y.size), cov).logpdf(Y)
    assert vi.log_evidence(Y, noise, prior) == pytest.approx(want, rel=1e-12)


def test_expected_log_likelihood_monte_carlo():
    rng = np.random.default_rng(7)
    m, s, noise = 0.8, 0.3, 0.7
    x = rng.normal(m, s, size=400_000)
    mc = stats.norm(x[:, None], noise).logpdf(Y).sum(axis=1).mean()
    assert vi.expected_log_likelihood(Y, noise, m, s) == pytest.approx(mc, abs=5e-3)


@settings(deadline=None, max_examples=60, derandomize=True)
@given(
    m=st.floats(-5, 5),
    s=st.floats(0.05, 5),
    noise=st.floats(0.2, 3),
    prior=st.floats(0.2, 5),
)
def test_elbo_identity(m, s, noise, prior):
    """log p(D) = ELBO(q) + D(q || p*) for every Gaussian q."""
    mn, sn = vi.gaussian_posterior(Y, noise, prior)
    gap = kt.gaussian_kl(m, s, mn, sn, base=math.e)
    lhs = vi.log_evidence(Y, noise, prior)
    rhs = vi.elbo(Y, noise, prior, m, s) + gap
    assert rhs == pytest.approx(lhs, abs=1e-9 * max(1.0, abs(lhs), gap))
    assert vi.elbo(Y, noise, prior, m, s) <= lhs + 1e-12


def test_elbo_broadcasts_and_peaks_at_posterior():
    mn, sn = vi.gaussian_posterior(Y, 1.0, 2.0)
    m = mn + np.linspace(-1, 1, 201)
    values = vi.elbo(Y, 1.0, 2.0, m, sn)
    assert values.shape == (201,)
    assert np.argmax(values) == 100


# --- mixtures, quadrature and the two fits --------------------------------------


def _one(mean, sd):
    return ([1.0], [mean], [sd])


def _quad_kl(a, b):
    """D(a || b) in nats by adaptive quadrature (scipy's QUADPACK) on the whole
    line, cut at every component's mean: the slow, independent reference."""

    def log_pdf(x, w, mu, sd):
        terms = [
            math.log(wk) + stats.norm.logpdf(x, m, s)
            for wk, m, s in zip(w, mu, sd, strict=True)
        ]
        return float(np.logaddexp.reduce(terms))

    def integrand(x):
        la = log_pdf(x, *a)
        return math.exp(la) * (la - log_pdf(x, *b))

    cuts = [-math.inf, *sorted({*a[1], *b[1]}), math.inf]
    pieces = itertools.pairwise(cuts)
    return sum(
        integrate.quad(integrand, lo, hi, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
        for lo, hi in pieces
    )


def test_mixture_pdf_integrates_to_one():
    x = np.linspace(-20, 20, 8001)
    p = vi.mixture_pdf(x, [0.2, 0.5, 0.3], [-3, 0, 4], [0.5, 1, 2])
    assert np.sum(p) * (x[1] - x[0]) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize(
    ("mp", "sp", "mq", "sq"),
    [
        (0, 1, 1, 1),  # 1/2 nat
        (1.5, 0.7, -0.5, 1.3),
        # the second argument much wider than the first ...
        (0, 1, 0, 50),
        (2, 0.01, -1, 1),
        # ... and much narrower: the first argument's tails, where the second
        # density underflows as a float, carry almost all of the divergence
        (0, 50, 0, 1),
        (-1, 1, 2, 0.01),
    ],
)
def test_mixture_kl_matches_gaussian_closed_form(mp, sp, mq, sq):
    got = vi.mixture_kl(_one(mp, sp), _one(mq, sq), base=math.e)
    want = kt.gaussian_kl(mp, sp, mq, sq, base=math.e)
    assert got == pytest.approx(want, rel=1e-13)
    assert vi.mixture_kl(_one(mp, sp), _one(mq, sq)) == pytest.approx(
        want / math.log(2), rel=1e-13
    )


# (first, second): adaptive quadrature is the reference
MIXTURE_CASES = [
    # the chapter's forward fit and mixture, both ways (moment matching: the
    # forward fit of 0.6 N(-3, 1) + 0.4 N(3, 1) is N(-0.6, 9.64))
    (_one(-0.6, math.sqrt(9.64)), ([0.6, 0.4], [-3.0, 3.0], [1.0, 1.0])),
    (([0.6, 0.4], [-3.0, 3.0], [1.0, 1.0]), _one(-0.6, math.sqrt(9.64))),
    # a wide Gaussian against two narrow, far-apart modes
    (_one(0.0, 20.0), ([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0])),
    # unequal widths in both
    (([0.3, 0.7], [-1.0, 2.0], [0.5, 2.0]), ([0.5, 0.5], [0.0, 1.0], [1.0, 3.0])),
]


@pytest.mark.parametrize(("a", "b"), MIXTURE_CASES)
def test_mixture_kl_matches_adaptive_quadrature(a, b):
    got = vi.mixture_kl(a, b, base=math.e)
    assert got == pytest.approx(_quad_kl(a, b), rel=1e-12)


def test_chapter_forward_fit_divergence():
    """The chapter's D(q_fwd || p): 1.3608 bits, where a grid over p's modes
    only (to 10 sds, about 4 sds of q_fwd) renormalised to 1.3583."""
    mix = ([0.6, 0.4], [-3.0, 3.0], [1.0, 1.0])
    q_fwd = _one(*vi.forward_kl_fit(*mix))
    assert vi.mixture_kl(q_fwd, mix) == pytest.approx(1.3608278158716, rel=1e-12)
    assert vi.mixture_kl(mix, q_fwd) == pytest.approx(0.6689983092817, rel=1e-12)


def test_mixture_kl_refuses_to_return_an_unsettled_sum(monkeypatch):
    # allow one halving only: a wide Gaussian against two narrow modes needs more
    monkeypatch.setattr(vi, "_STEP_MIN", 0.2)
    with pytest.raises(RuntimeError, match="did not settle"):
        vi.mixture_kl(_one(0.0, 20.0), ([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0]))


def test_mixture_kl_identities():
    a = ([0.2, 0.5, 0.3], [-3.0, 0.0, 4.0], [0.5, 1.0, 2.0])
    b = ([0.6, 0.4], [-1.0, 2.0], [1.5, 0.8])
    d = vi.mixture_kl(a, b)
    assert vi.mixture_kl(a, a) == 0.0
    # the order of the components does not matter
    swapped = ([0.4, 0.6], [2.0, -1.0], [0.8, 1.5])
    assert vi.mixture_kl(a, swapped) == pytest.approx(d, rel=1e-13)
    # a component of weight 0 is absent
    padded = ([0.6, 0.4, 0.0], [-1.0, 2.0, 50.0], [1.5, 0.8, 0.01])
    assert vi.mixture_kl(a, padded) == pytest.approx(d, rel=1e-13)

    # invariance under x -> 3 x - 7, applied to both
    def moved(m):
        return (m[0], [3 * v - 7 for v in m[1]], [3 * v for v in m[2]])

    assert vi.mixture_kl(moved(a), moved(b)) == pytest.approx(d, rel=1e-12)
    # splitting one Gaussian into two identical halves changes nothing
    assert vi.mixture_kl(_one(0.5, 1.2), ([0.5, 0.5], [-1.0, -1.0], [2.0, 2.0])) == (
        pytest.approx(kt.gaussian_kl(0.5, 1.2, -1.0, 2.0), rel=1e-13)
    )


def test_one_mode_costs_at_most_minus_log_of_its_mass():
    """p >= w_k p_k, so D(p_k || p) < log(1 / w_k), nearer as the modes part."""
    gaps = []
    for d in (2.0, 4.0, 6.0, 8.0):
        mix = ([0.6, 0.4], [-d / 2, d / 2], [1.0, 1.0])
        for k, w in enumerate(mix[0]):
            cost = vi.mixture_kl(_one(mix[1][k], 1.0), mix)
            assert 0 < cost < math.log2(1 / w)
        gaps.append(math.log2(1 / 0.4) - cost)
    assert all(np.diff(gaps) < 0)
    assert gaps[-1] < 1e-3


@pytest.mark.parametrize(
    ("w", "mu", "sd"),
    [([0.5, 0.5], [-2, 2], [1, 1]), ([0.3, 0.7], [-1, 3], [0.5, 1.5])],
)
def test_forward_fit_is_moment_matching_and_optimal(w, mu, sd):
    """Moment matching is exact, and nudging either parameter costs divergence."""
    m, s = vi.forward_kl_fit(w, mu, sd)
    x = np.linspace(-20, 20, 8001)
    p = vi.mixture_pdf(x, w, mu, sd)
    dx = x[1] - x[0]
    assert np.sum(x * p) * dx == pytest.approx(m, abs=1e-10)
    assert np.sum((x - m) ** 2 * p) * dx == pytest.approx(s**2, rel=1e-10)

    def forward(mq, sq):
        return vi.mixture_kl((w, mu, sd), _one(mq, sq))

    best = forward(m, s)
    for dm, ds in [(0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)]:
        assert forward(m + dm, s + ds) > best


@pytest.mark.parametrize(("mu", "sd"), [(0.0, 1.0), (1.5, 0.5), (-2.0, 2.5)])
def test_reverse_fit_recovers_a_gaussian_target(mu, sd):
    m, s, d = vi.reverse_kl_fit([1.0], [mu], [sd])
    assert m == pytest.approx(mu, abs=1e-5)
    assert s == pytest.approx(sd, rel=1e-5)
    assert d == pytest.approx(0.0, abs=1e-9)


def test_reverse_fit_seeks_a_mode_when_modes_are_far_apart():
    m, s, d = vi.reverse_kl_fit([0.5, 0.5], [-4, 4], [1, 1])
    assert m == pytest.approx(4.0, abs=0.05)  # ties go to the larger mean
    assert s == pytest.approx(1.0, abs=0.05)
    assert 0.99 < d < 1.0  # below log2 of 1/0.5, the bound for q = one mode
    _, s_fwd = vi.forward_kl_fit([0.5, 0.5], [-4, 4], [1, 1])
    assert s_fwd == pytest.approx(math.sqrt(17))


@pytest.mark.parametrize("base", [2, math.e])
def test_reverse_fit_reports_the_mixture_kl_of_its_fit(base):
    args = ([0.7, 0.3], [-1.5, 1.5], [1.0, 0.6])
    m, s, d = vi.reverse_kl_fit(*args, base=base)
    assert d == pytest.approx(vi.mixture_kl(_one(m, s), args, base=base), rel=1e-14)


def test_reverse_fit_is_a_local_minimum():
    args = ([0.6, 0.4], [-3.0, 3.0], [1.0, 1.0])
    m, s, d = vi.reverse_kl_fit(*args)
    for dm, ds in [(0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)]:
        assert vi.mixture_kl(_one(m + dm, s + ds), args) > d


def test_reverse_fit_is_deterministic():
    args = ([0.6, 0.4], [-2.5, 2.5], [1, 1])
    assert vi.reverse_kl_fit(*args, seed=3) == vi.reverse_kl_fit(*args, seed=3)


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: vi.gaussian_posterior(Y, 0.0, 1.0), "noise_sd must be > 0"),
        (lambda: vi.gaussian_posterior(Y, 1.0, -1.0), "prior_sd must be > 0"),
        (lambda: vi.log_evidence([[1.0, 2.0]], 1.0, 1.0), "y must be a 1-D array"),
        (lambda: vi.elbo(Y, 1.0, 1.0, 0.0, 0.0), "s must be > 0"),
        (lambda: vi.elbo([np.nan], 1.0, 1.0, 0.0, 1.0), "y contains NaN"),
        (lambda: vi.mixture_pdf(0.0, [0.5, 0.6], [0, 1], [1, 1]), "sum to 1"),
        (lambda: vi.mixture_pdf(0.0, [0.5, 0.5], [0, 1], [1]), "1-D of one length"),
        (lambda: vi.forward_kl_fit([1.0], [0.0], [0.0]), "sds must be > 0"),
        (lambda: vi.reverse_kl_fit([1.0], [0.0], [1.0], n_starts=0), "n_starts"),
        (lambda: vi.reverse_kl_fit([1.0], [0.0], [1.0], base=1), "base must be"),
        (lambda: vi.mixture_kl(_one(0, 1), ([1.0], [0.0])), "q must be a"),
        (lambda: vi.mixture_kl(([0.5], [0], [1]), _one(0, 1)), "p: weights must"),
        (lambda: vi.mixture_kl(_one(0, 1), _one(0, -1)), "q: sds must be > 0"),
        (lambda: vi.mixture_kl(_one(0, 1), _one(0, 1), base=1), "base must be"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_mixture_kl_refuses_a_non_triple():
    with pytest.raises(TypeError, match="p must be a"):
        vi.mixture_kl(3.0, _one(0, 1))


# --- energy plus entropy, the Monte Carlo ELBO -----------------------------------


@pytest.mark.parametrize("s", [0.05, 0.3, 1.0, 4.0])
def test_gaussian_entropy_matches_scipy(s):
    assert vi.gaussian_entropy(s) == pytest.approx(
        stats.norm(0, s).entropy(), rel=1e-14
    )


@pytest.mark.parametrize(("m", "s"), [(0.0, 1.0), (1.3, 0.2), (-2.0, 3.0)])
def test_energy_plus_entropy_is_the_elbo(m, s):
    energy = vi.expected_log_joint(Y, 0.7, 1.5, m, s)
    assert energy + vi.gaussian_entropy(s) == pytest.approx(
        vi.elbo(Y, 0.7, 1.5, m, s), rel=1e-13
    )

    # the energy term against an independent quadrature of E_q[log p(x, D)]
    def integrand(x):
        log_joint = stats.norm.logpdf(x, 0, 1.5) + stats.norm.logpdf(Y, x, 0.7).sum()
        return stats.norm.pdf(x, m, s) * log_joint

    ref = integrate.quad(integrand, m - 15 * s, m + 15 * s, epsabs=0, epsrel=1e-12)
    assert energy == pytest.approx(ref[0], rel=1e-10)


def test_monte_carlo_elbo_is_unbiased_and_its_error_is_honest():
    m, s = 0.4, 0.9  # not the posterior
    exact = vi.elbo(Y, 1.0, 2.0, m, s)
    runs = [
        vi.elbo_monte_carlo(Y, 1.0, 2.0, m, s, n_samples=200, rng=k) for k in range(400)
    ]
    estimates = np.array([r.estimate for r in runs])
    errors = np.array([r.std_error for r in runs])
    # the spread over seeds is what the standard errors say it is
    assert estimates.std(ddof=1) == pytest.approx(errors.mean(), rel=0.1)
    # unbiased: the mean of 400 runs is within 4 of its own standard errors
    assert abs(estimates.mean() - exact) < 4 * errors.mean() / math.sqrt(400)
    # and about 95 % of the runs fall within two standard errors
    assert 0.91 < np.mean(np.abs(estimates - exact) < 2 * errors) < 0.99


def test_monte_carlo_elbo_at_the_posterior_has_no_noise():
    mn, sn = vi.gaussian_posterior(Y, 1.0, 2.0)
    est = vi.elbo_monte_carlo(Y, 1.0, 2.0, mn, sn, n_samples=50, rng=3)
    assert est.estimate == pytest.approx(vi.log_evidence(Y, 1.0, 2.0), rel=1e-12)
    assert est.std_error < 1e-12


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 1}, ValueError, "n_samples"),
        ({"n_samples": 2.5}, TypeError, "n_samples"),
        ({"rng": "seed"}, TypeError, "rng"),
    ],
)
def test_monte_carlo_elbo_refuses_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        vi.elbo_monte_carlo(Y, 1.0, 2.0, 0.0, 1.0, **kwargs)


# --- mean field on a Gaussian ------------------------------------------------------


def _random_cov(d, seed):
    a = np.random.default_rng(seed).normal(size=(d, d))
    return a @ a.T + 0.3 * np.eye(d)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mean_field_gaussian_closed_form(seed):
    cov = _random_cov(3, seed)
    mu = np.array([1.0, -2.0, 0.5])
    fit = vi.mean_field_gaussian(mu, cov, start=[3.0, 3.0, -3.0], max_sweeps=5000)
    lam = np.linalg.inv(cov)
    np.testing.assert_allclose(fit.variances, 1 / np.diag(lam), rtol=1e-12)
    np.testing.assert_allclose(fit.means, mu, atol=1e-9)
    # never wider than the marginals
    assert (fit.variances <= np.diag(cov) + 1e-15).all()
    closed = 0.5 * (np.linalg.slogdet(cov)[1] + np.log(np.diag(lam)).sum())
    assert fit.kl == pytest.approx(closed, rel=1e-9, abs=1e-12)
    ref = kt.mvn_kl(fit.means, np.diag(fit.variances), mu, cov, base=math.e)
    assert fit.kl == pytest.approx(ref, rel=1e-9, abs=1e-12)
    # coordinate ascent: every update lowers D(q || p)
    assert (np.diff(fit.kl_history) <= 1e-12).all()
    assert fit.path.shape == (fit.kl_history.size + 1, 3)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, -0.7])
def test_mean_field_two_dimensions(rho):
    fit = vi.mean_field_gaussian(
        [0.0, 0.0], [[1.0, rho], [rho, 1.0]], start=[1.0, -1.0]
    )
    np.testing.assert_allclose(fit.variances, 1 - rho**2, rtol=1e-12)
    # D(q || p) at the optimum = -1/2 log(1 - rho^2), the mutual information
    assert fit.kl == pytest.approx(-0.5 * math.log1p(-(rho**2)), abs=1e-12)


@pytest.mark.parametrize(
    ("mean", "cov", "match"),
    [
        ([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], "positive definite"),
        ([0.0, 0.0], [[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ([0.0, 0.0], [[1.0]], "shape"),
        ([[0.0]], [[1.0]], "1-D"),
    ],
)
def test_mean_field_refuses_bad_targets(mean, cov, match):
    with pytest.raises(ValueError, match=match):
        vi.mean_field_gaussian(mean, cov)


# --- a Gaussian q for a non-Gaussian posterior ----------------------------------


def test_coin_log_joint_against_scipy():
    x = np.linspace(-4, 4, 9)
    ref = (
        7 * np.log(special.expit(x))
        + 3 * np.log(special.expit(-x))
        + stats.norm.logpdf(x, 0, 3.0)
    )
    np.testing.assert_allclose(vi.coin_log_joint(x, 7, 10, 3.0), ref, rtol=1e-13)
    with pytest.raises(ValueError, match="heads"):
        vi.coin_log_joint(x, 11, 10, 3.0)


def test_fit_and_normaliser_are_exact_on_the_conjugate_model():
    def lj(x):
        return stats.norm.logpdf(x, 0, 2.0) + stats.norm.logpdf(Y, x[:, None], 1.0).sum(
            1
        )

    m, s, e = vi.fit_gaussian(lj)
    mn, sn = vi.gaussian_posterior(Y, 1.0, 2.0)
    assert (m, s) == (pytest.approx(mn, abs=1e-7), pytest.approx(sn, rel=1e-7))
    log_ev = vi.log_evidence(Y, 1.0, 2.0)
    assert e == pytest.approx(log_ev, abs=1e-12)
    assert vi.log_normaliser(lj, -30, 30) == pytest.approx(log_ev, abs=1e-12)


@pytest.mark.parametrize(("heads", "tosses"), [(10, 10), (7, 10), (1, 1)])
def test_gap_of_the_best_gaussian_is_its_divergence_from_the_posterior(heads, tosses):
    def lj(x):
        return vi.coin_log_joint(x, heads, tosses, 3.0)

    m, s, e = vi.fit_gaussian(lj)
    log_z = vi.log_normaliser(lj, -40, 40)
    # log Z against scipy's adaptive quadrature
    ref = integrate.quad(
        lambda t: math.exp(float(lj(np.array([t]))[0])),
        -40,
        40,
        epsabs=0,
        epsrel=1e-12,
        points=[m],
        limit=200,
    )[0]
    assert log_z == pytest.approx(math.log(ref), abs=1e-10)

    # D(q || p*) directly, p* = exp(lj) / Z
    def integrand(t):
        lq = stats.norm.logpdf(t, m, s)
        return math.exp(lq) * (lq - float(lj(np.array([t]))[0]) + log_z)

    kl = integrate.quad(integrand, m - 20 * s, m + 20 * s, epsabs=0, epsrel=1e-10)[0]
    assert log_z - e == pytest.approx(kl, rel=1e-6, abs=1e-12)
    assert kl > 1e-4  # the family excludes the posterior: the gap stays open


def test_fit_gaussian_finds_a_maximum():
    def lj(x):
        return vi.coin_log_joint(x, 7, 10, 3.0)

    m, s, e = vi.fit_gaussian(lj)
    for dm, ds in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert vi.gaussian_elbo(lj, m + dm, s + ds) < e


def test_one_dimensional_helpers_refuse_bad_input():
    with pytest.raises(TypeError, match="log_joint"):
        vi.gaussian_elbo(3.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="lo"):
        vi.log_normaliser(np.sin, 1.0, -1.0)
    with pytest.raises(ValueError, match="s"):
        vi.gaussian_elbo(np.sin, 0.0, -1.0)
