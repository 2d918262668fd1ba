"""Tests of kltools.approx: binning losses, moment matching, quantisers.

Covers reference values (closed forms worked by hand and textbook numbers,
each with its source), the binning loss against a direct numerical integral
of p log(p/q), the coarsening identity D(p || spread) = log m - H(X | group),
the moment-matching property of the exponential-family fit and its nesting
(KL falls as features are added), the Gaussian quantiser's high-rate gap to
R(D), property tests, and the refusal of bad input.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from conftest import distributions
from hypothesis import given
from hypothesis import strategies as st
from numpy.polynomial import legendre
from scipy import integrate, stats

import kltools as kt
from kltools import approx

# --- Beta bins and entropy -------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "nats"),
    [
        (1, 1, 0.0),  # uniform: h = 0
        (0.5, 0.5, math.log(math.pi / 4)),  # arcsine law, Cover & Thomas Table 17.1
        (2, 1, 0.5 - math.log(2)),  # density 2x: h = 1/2 - ln 2, worked by hand
    ],
)
def test_beta_entropy_reference(a, b, nats):
    assert approx.beta_entropy(a, b, base=math.e) == pytest.approx(nats, abs=1e-12)
    assert approx.beta_entropy(a, b) == pytest.approx(nats / math.log(2), abs=1e-12)


@pytest.mark.parametrize(("a", "b"), [(2, 5), (8, 8), (0.7, 3)])
def test_beta_entropy_matches_scipy(a, b):
    assert approx.beta_entropy(a, b, base=math.e) == pytest.approx(
        stats.beta(a, b).entropy(), rel=1e-10
    )


def test_bin_probabilities_reference():
    # F(x) = x^2 for Beta(2, 1): bins of [0, 1/3, 2/3, 1] hold 1/9, 3/9, 5/9
    got = approx.beta_bin_probabilities(2, 1, 3)
    np.testing.assert_allclose(got, [1 / 9, 3 / 9, 5 / 9], rtol=1e-12)


@pytest.mark.parametrize(
    ("a", "b", "k"), [(2, 5, 1), (2, 5, 8), (0.5, 0.5, 5), (8, 8, 3)]
)
def test_binning_loss_equals_integral(a, b, k):
    """D(p || q) by numerical integration of p log2(p / q) over each bin."""
    P = approx.beta_bin_probabilities(a, b, k)
    got = approx.binning_loss(P, 1 / k, approx.beta_entropy(a, b))
    pdf = stats.beta(a, b).pdf

    def term(x, i):
        return pdf(x) * math.log2(pdf(x) * (1 / k) / P[i])

    want = sum(integrate.quad(term, i / k, (i + 1) / k, args=(i,))[0] for i in range(k))
    assert got == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_binning_loss_falls_with_finer_bins():
    h = approx.beta_entropy(2, 5)
    losses = [
        approx.binning_loss(approx.beta_bin_probabilities(2, 5, 2**j), 2.0**-j, h)
        for j in range(8)
    ]
    assert all(x > y for x, y in itertools.pairwise(losses))
    assert losses[-1] < 1e-3


def test_uniform_loses_nothing():
    for k in (1, 3, 40):
        P = approx.beta_bin_probabilities(1, 1, k)
        assert approx.binning_loss(P, 1 / k, 0.0) == pytest.approx(0, abs=1e-12)


# --- merging outcomes ----------------------------------------------------------


@given(distributions(min_size=8, max_size=8), st.sampled_from([1, 2, 4, 8]))
def test_coarsening_identity(p, m):
    """D(p || spread) = log2 m - H(X | group) (chain rule)."""
    q = approx.spread_within_groups(p, m)
    groups = np.asarray(p).reshape(-1, m)
    g = groups.sum(axis=1)
    h_cond = sum(
        gi * kt.entropy(row / gi) for row, gi in zip(groups, g, strict=True) if gi > 0
    )
    assert kt.kl_divergence(p, q) == pytest.approx(math.log2(m) - h_cond, abs=1e-9)
    assert kt.kl_divergence(p, q) >= 0


# --- exponential families -------------------------------------------------------


def _mixture():
    x = np.linspace(-6, 6, 241)
    p = 0.6 * stats.norm.pdf(x, -1.5, 0.7) + 0.4 * stats.norm.pdf(x, 2, 1)
    return x, p / p.sum()


def test_fit_matches_moments_and_nests():
    x, p = _mixture()
    kls = []
    for d in range(1, 7):
        T = legendre.legvander(x / 6, d)[:, 1:]
        q = approx.fit_exponential_family(p, T)
        np.testing.assert_allclose(q @ T, p @ T, atol=1e-10)
        kls.append(kt.kl_divergence(p, q))
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(kls))


def test_fit_degree_two_is_a_gaussian_with_the_moments_of_p():
    """With features x and x^2, log q is a quadratic and q has p's mean and variance."""
    x, p = _mixture()
    q = approx.fit_exponential_family(p, np.stack([x / 6, (x / 6) ** 2], axis=1))
    coef = np.polyfit(x, np.log(q), 2)
    np.testing.assert_allclose(np.polyval(coef, x), np.log(q), atol=1e-9)
    assert coef[0] < 0
    mean = p @ x
    assert q @ x == pytest.approx(mean, abs=1e-10)
    assert q @ (x - mean) ** 2 == pytest.approx(p @ (x - mean) ** 2, rel=1e-10)


def test_fit_of_a_member_is_exact():
    x = np.linspace(-1, 1, 11)
    p = np.exp(0.8 * x - 1.3 * x**2)
    p /= p.sum()
    q = approx.fit_exponential_family(p, np.stack([x, x**2], axis=1))
    np.testing.assert_allclose(q, p, rtol=1e-9)


# --- quantisers and rate-distortion ---------------------------------------------


def test_rate_distortion_reference():
    # Cover & Thomas eq. 10.38: R(D) = 1/2 log2(sigma^2 / D), 0 for D >= sigma^2
    assert approx.gaussian_rate_distortion(0.25) == pytest.approx(1.0)
    assert approx.gaussian_rate_distortion(1.0 / 16, sigma=1.0) == pytest.approx(2.0)
    assert approx.gaussian_rate_distortion(4.0, sigma=1.0) == 0.0
    assert approx.gaussian_rate_distortion(0.25, base=math.e) == pytest.approx(
        math.log(2)
    )


def test_quantizer_high_rate_gap():
    """At high rate the entropy-coded uniform quantiser is 1/2 log2(pi e / 6) bits
    above R(D) (Gish and Pierce 1968; Gersho and Gray, Vector Quantization)."""
    r, d = approx.gaussian_uniform_quantizer(0.01)
    assert d == pytest.approx(0.01**2 / 12, rel=1e-3)
    gap = r - approx.gaussian_rate_distortion(d)
    assert gap == pytest.approx(0.5 * math.log2(math.pi * math.e / 6), abs=1e-6)


def test_quantizer_against_monte_carlo():
    rng = np.random.default_rng(7)
    x = rng.standard_normal(400_000) * 2.0
    step = 1.5
    idx = np.round(x / step).astype(int)
    _, inv, counts = np.unique(idx, return_inverse=True, return_counts=True)
    centroids = np.bincount(inv, weights=x) / counts
    mc_d = np.mean((x - centroids[inv]) ** 2)
    mc_r = kt.entropy(counts / counts.sum())
    r, d = approx.gaussian_uniform_quantizer(step, sigma=2.0)
    assert d == pytest.approx(mc_d, rel=0.02)
    assert r == pytest.approx(mc_r, abs=0.01)


@given(st.floats(0.05, 5.0))
def test_quantizer_never_beats_shannon(step):
    r, d = approx.gaussian_uniform_quantizer(step)
    assert r >= approx.gaussian_rate_distortion(d) - 1e-12


# --- bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: approx.beta_bin_probabilities(0, 1, 3), "a must be > 0"),
        (lambda: approx.beta_bin_probabilities(1, 1, 0), "k must be a whole number"),
        (lambda: approx.beta_bin_probabilities(1, 1, 2.5), "k must be a whole number"),
        (lambda: approx.beta_entropy(1, -2), "b must be > 0"),
        (lambda: approx.binning_loss([0.5, 0.6], 0.5, 0.0), "probs sums to"),
        (lambda: approx.binning_loss([0.5, 0.5], 0.0, 0.0), "widths must be > 0"),
        (
            lambda: approx.binning_loss([0.5, 0.5], 0.5, math.nan),
            "differential_entropy",
        ),
        (
            lambda: approx.spread_within_groups([0.5, 0.3, 0.2], 2),
            "group_size must divide",
        ),
        (
            lambda: approx.fit_exponential_family([0.5, 0.5], np.ones((3, 1))),
            "features must have shape",
        ),
        (lambda: approx.gaussian_uniform_quantizer(-1.0), "step must be > 0"),
        (lambda: approx.gaussian_rate_distortion(0.0), "distortion must be > 0"),
        (lambda: approx.beta_entropy(2, 2, base=1), "base must be"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
