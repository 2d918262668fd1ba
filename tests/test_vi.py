"""Tests of kltools.vi: the conjugate Gaussian model and its ELBO identity,
Gaussian mixtures, KL by quadrature on a grid, and the forward and reverse
KL fits of one Gaussian to a mixture."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

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


def test_mixture_pdf_integrates_to_one():
    x = np.linspace(-20, 20, 8001)
    p = vi.mixture_pdf(x, [0.2, 0.5, 0.3], [-3, 0, 4], [0.5, 1, 2])
    assert np.sum(p) * (x[1] - x[0]) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize(
    ("mp", "sp", "mq", "sq"), [(0, 1, 1, 1), (0, 1, 0, 2), (1.5, 0.7, -0.5, 1.3)]
)
def test_grid_kl_matches_closed_form(mp, sp, mq, sq):
    x = np.linspace(-15, 15, 3001)
    p = vi.mixture_pdf(x, [1.0], [mp], [sp])
    q = vi.mixture_pdf(x, [1.0], [mq], [sq])
    assert vi.grid_kl(p, q) == pytest.approx(kt.gaussian_kl(mp, sp, mq, sq), rel=1e-9)


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
        return vi.grid_kl(p, vi.mixture_pdf(x, [1.0], [mq], [sq]))

    best = forward(m, s)
    for dm, ds in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05)]:
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
    assert d == pytest.approx(1.0, abs=0.01)  # log2 of 1/0.5, nearly
    _, s_fwd = vi.forward_kl_fit([0.5, 0.5], [-4, 4], [1, 1])
    assert s_fwd == pytest.approx(math.sqrt(17))


@pytest.mark.parametrize("base", [2, math.e])
def test_reverse_fit_reports_the_grid_kl_of_its_fit(base):
    # The optimiser's fast objective must be grid_kl(q, p) itself.
    args = ([0.7, 0.3], [-1.5, 1.5], [1.0, 0.6])
    m, s, d = vi.reverse_kl_fit(*args, base=base)
    x = vi.mixture_grid(args[1], args[2])
    q, p = vi.mixture_pdf(x, [1.0], [m], [s]), vi.mixture_pdf(x, *args)
    assert d == pytest.approx(vi.grid_kl(q, p, base=base), rel=1e-12, abs=1e-15)


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
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
