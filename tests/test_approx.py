"""Tests of kltools.approx: binning losses, moment matching, quantisers.

Covers reference values (closed forms worked by hand and textbook numbers,
each with its source), the binning loss against a direct numerical integral
of p log(p/q), the Beta Fisher information against quadrature and the
fine-bin rate D ~ Delta^2 J / 24 it predicts, the coarsening identity
D(p || spread) = log m - H(X | group), the data-processing inequality and
its equality case (a sufficient map), the moment-matching property of the
exponential-family fit and its nesting (KL falls as features are added), the
Gaussian quantiser's high-rate gap to R(D) and its cell placement (the sign
quantiser in closed form), property tests, and the refusal of bad input.
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


# --- Fisher information and the fine-bin rate -----------------------------------


@pytest.mark.parametrize(
    ("a", "b", "J"),
    [
        (8, 8, 70.0),  # 15 * 14 * 12 / 36, worked by hand
        (1, 3, 12.0),  # p = 3 (1 - x)^2, p'^2 / p = 12 everywhere
        (3, 1, 12.0),  # its mirror image
        (1, 1, 0.0),  # uniform
        (3, 3, 5 * 4 * 2 / 1),  # p = 30 x^2 (1 - x)^2
    ],
)
def test_beta_fisher_information_reference(a, b, J):
    assert approx.beta_fisher_information(a, b) == pytest.approx(J, rel=1e-12)


@pytest.mark.parametrize(("a", "b"), [(8, 8), (3, 5.5), (2.5, 7), (1, 4.2)])
def test_beta_fisher_information_against_quadrature(a, b):
    dist = stats.beta(a, b)

    def integrand(x):  # p'^2 / p = p (p'/p)^2
        score = (a - 1) / x - (b - 1) / (1 - x)
        return dist.pdf(x) * score**2

    want, _ = integrate.quad(integrand, 0, 1, limit=200)
    assert approx.beta_fisher_information(a, b) == pytest.approx(want, rel=1e-7)


@pytest.mark.parametrize(("a", "b"), [(2, 5), (1.5, 3), (0.5, 0.5), (4, 2), (3, 0.9)])
def test_beta_fisher_information_infinite(a, b):
    assert approx.beta_fisher_information(a, b) == math.inf


@pytest.mark.parametrize(("a", "b"), [(8, 8), (3, 5.5)])
def test_fine_bins_lose_delta_squared_J_over_24(a, b):
    """D(p || q_k) * 24 k^2 -> J in nats (the chapter's fine-bin proposition)."""
    J = approx.beta_fisher_information(a, b)
    k = 4096
    P = approx.beta_bin_probabilities(a, b, k)
    nats = approx.binning_loss(
        P, 1 / k, approx.beta_entropy(a, b, base=math.e), base=math.e
    )
    assert 24 * k**2 * nats == pytest.approx(J, rel=2e-3)


def test_infinite_J_falls_slower_than_four_per_doubling():
    """Beta(2, 5): J is infinite and the factor per doubling stays below 4;
    Beta(0.5, 0.5) falls like sqrt(Delta), a factor sqrt 2."""

    def loss(a, b, k):
        P = approx.beta_bin_probabilities(a, b, k)
        return approx.binning_loss(P, 1 / k, approx.beta_entropy(a, b))

    f1, f2 = (loss(2, 5, k // 2) / loss(2, 5, k) for k in (2**10, 2**16))
    assert 3.5 < f1 < f2 < 3.8
    assert loss(0.5, 0.5, 2**15) / loss(0.5, 0.5, 2**16) == pytest.approx(
        math.sqrt(2), rel=1e-4
    )


# --- a density with a jump: the 1/k rate -----------------------------------------


def _step_loss_numeric(s, m, k, base=2):
    """H(P) - log k - h(p) from the step density's distribution function."""
    P = np.diff(np.interp(np.linspace(0, 1, k + 1), [0, s, 1], [0, m, 1]))
    c1, c2 = m / s, (1 - m) / (1 - s)
    h = -(m * math.log(c1) + (1 - m) * math.log(c2)) / math.log(base)
    return approx.binning_loss(P, 1 / k, h, base=base)


@pytest.mark.parametrize(
    ("s", "m", "k"),
    [(1 / 3, 2 / 3, 1), (1 / 3, 2 / 3, 4), (0.3, 0.1, 7), (0.71, 0.9, 5)],
)
def test_step_binning_loss_against_entropies_and_quadrature(s, m, k):
    got = approx.step_binning_loss(s, m, k)
    assert got == pytest.approx(_step_loss_numeric(s, m, k), rel=1e-9, abs=1e-13)
    # the integral of p log2(p / q_k) over the bin that holds the jump
    c1, c2 = m / s, (1 - m) / (1 - s)
    j = math.floor(s * k)
    lo, hi = j / k, (j + 1) / k
    height = k * ((s - lo) * c1 + (hi - s) * c2)  # that bin's P_j / width

    def term(x):
        px = c1 if x < s else c2
        return px * math.log2(px / height)

    want = integrate.quad(term, lo, hi, points=[s])[0]
    assert got == pytest.approx(want, rel=1e-9)


def test_step_binning_loss_closed_forms():
    """Heights 2 and 1/2 with the jump at 1/3: with 2^j bins the jump sits at
    a = 1/3 or 2/3 of its bin, and k D alternates between phi(1/3) = 1/3 bit
    (mean height 1: 2/3 - 1/3) and phi(2/3); on an edge (k = 3, 6) D = 0."""
    phi_two_thirds = (4 / 3) * math.log2(2 / 1.5) + (1 / 6) * math.log2(0.5 / 1.5)
    for j in range(12):
        k = 2**j
        want = (1 / 3 if j % 2 == 0 else phi_two_thirds) / k
        assert approx.step_binning_loss(1 / 3, 2 / 3, k) == pytest.approx(
            want, rel=1e-9
        )
    assert approx.step_binning_loss(1 / 3, 2 / 3, 3) == 0.0
    assert approx.step_binning_loss(1 / 3, 2 / 3, 6) == 0.0
    # not monotone in k: 3 bins lose nothing, 4 bins lose 1/12 bit
    assert approx.step_binning_loss(1 / 3, 2 / 3, 4) == pytest.approx(1 / 12)
    # no jump (equal heights): nothing to lose
    assert approx.step_binning_loss(0.4, 0.4, 5) == pytest.approx(0.0, abs=1e-15)
    nats = approx.step_binning_loss(1 / 3, 2 / 3, 1, base=math.e)
    assert nats == pytest.approx(math.log(2) / 3, rel=1e-12)


def test_step_loss_rate_is_one_over_k_not_one_over_k_squared():
    """k D stays between two positive values while k^2 D grows without bound,
    unlike a density with finite Fisher information (k^2 D -> J / 24)."""
    kd = [k * approx.step_binning_loss(1 / 3, 2 / 3, k) for k in 2 ** np.arange(4, 16)]
    assert 0.28 < min(kd) < max(kd) < 0.34
    k2d = [k * k * approx.step_binning_loss(1 / 3, 2 / 3, k) for k in (2**4, 2**14)]
    assert k2d[1] > 500 * k2d[0]


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


# --- coarse-graining and data processing -----------------------------------------


def test_coarse_grain_reference():
    np.testing.assert_allclose(
        approx.coarse_grain([0.1, 0.2, 0.3, 0.4], [1, 0, 1, 3]), [0.2, 0.4, 0.0, 0.4]
    )
    batch = approx.coarse_grain([[0.5, 0.5], [0.25, 0.75]], [0, 0])
    np.testing.assert_allclose(batch, [[1.0], [1.0]])


@given(
    distributions(min_size=6, max_size=6),
    distributions(min_size=6, max_size=6),
    st.lists(st.integers(0, 3), min_size=6, max_size=6),
)
def test_data_processing_inequality(p, q, labels):
    """D(Tp || Tq) <= D(p || q), and the loss is the chain-rule sum."""
    fine = kt.kl_divergence(p, q)
    Tp, Tq = approx.coarse_grain(p, labels), approx.coarse_grain(q, labels)
    coarse = kt.kl_divergence(Tp, Tq)
    assert coarse <= fine + 1e-9
    if math.isfinite(coarse):
        loss = approx.data_processing_loss(p, q, labels)
        assert loss >= 0
        if math.isfinite(fine):
            assert loss == pytest.approx(fine - coarse, abs=1e-9)
        else:
            assert loss == math.inf


def test_data_processing_loss_by_hand():
    # p = (1/2, 1/4, 1/4), q = (1/4, 1/4, 1/2), T merges the last two:
    # Tp = (1/2, 1/2), Tq = (1/4, 3/4); within the merged group
    # p(.|y) = (1/2, 1/2), q(.|y) = (1/3, 2/3): loss = 1/2 * D((1/2,1/2)||(1/3,2/3))
    p, q = [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]
    want = 0.5 * (0.5 * math.log2(1.5) + 0.5 * math.log2(0.75))
    assert approx.data_processing_loss(p, q, [0, 1, 1]) == pytest.approx(
        want, rel=1e-12
    )
    # nats
    got = approx.data_processing_loss(p, q, [0, 1, 1], base=math.e)
    assert got == pytest.approx(want * math.log(2), rel=1e-12)


def test_sufficient_map_loses_nothing_and_others_do():
    rng = np.random.default_rng(5)
    p = rng.dirichlet(np.ones(12))
    T = np.repeat(np.arange(4), 3)
    totals = rng.dirichlet(np.ones(4))
    q = p * (totals / approx.coarse_grain(p, T))[T]  # same shape inside each group
    assert approx.data_processing_loss(p, q, T) == pytest.approx(0, abs=1e-15)
    assert kt.kl_divergence(approx.coarse_grain(p, T), totals) == pytest.approx(
        kt.kl_divergence(p, q), rel=1e-12
    )
    q_other = rng.dirichlet(np.ones(12))
    assert approx.data_processing_loss(p, q_other, T) > 1e-3


def test_binning_loss_is_a_data_processing_loss():
    """D(p || spread) = D(p || u) - D(Tp || Tu), u uniform (the chapter's reading)."""
    p = approx.beta_bin_probabilities(2, 5, 64)
    T = np.arange(64) // 8
    u = np.full(64, 1 / 64)
    spread = approx.spread_within_groups(p, 8)
    assert approx.data_processing_loss(p, u, T) == pytest.approx(
        kt.kl_divergence(p, spread), rel=1e-12
    )


def test_data_processing_loss_infinite_and_undefined():
    # D(p || q) infinite, D(Tp || Tq) finite: everything lost is infinite
    assert approx.data_processing_loss([0.5, 0.5], [1.0, 0.0], [0, 0]) == math.inf
    with pytest.raises(ValueError, match="inf - inf is undefined"):
        approx.data_processing_loss([0.5, 0.5], [1.0, 0.0], [0, 1])


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


def test_sign_quantizer_closed_form():
    """An edge at 0 and huge cells: 1 bit, distortion 1 - 2/pi (centroids
    +-sqrt(2/pi), the means of the half-normal)."""
    r, d = approx.gaussian_uniform_quantizer(1e6, offset=5e5)
    assert r == pytest.approx(1.0, abs=1e-12)
    assert d == pytest.approx(1 - 2 / math.pi, rel=1e-12)
    r3, d3 = approx.gaussian_uniform_quantizer(3e6, sigma=3.0, offset=1.5e6)
    assert r3 == pytest.approx(1.0, abs=1e-12)
    assert d3 == pytest.approx(9 * (1 - 2 / math.pi), rel=1e-12)


def test_quantizer_offset_is_periodic_and_matters_when_coarse():
    base = approx.gaussian_uniform_quantizer(2.0, offset=0.7)
    np.testing.assert_allclose(approx.gaussian_uniform_quantizer(2.0, offset=2.7), base)
    np.testing.assert_allclose(
        approx.gaussian_uniform_quantizer(2.0, offset=-1.3), base
    )
    # mirror symmetry of the source: offset o and -o give the same quantiser
    np.testing.assert_allclose(
        approx.gaussian_uniform_quantizer(2.0, offset=-0.7), base
    )
    centred = approx.gaussian_uniform_quantizer(2.0)
    edge = approx.gaussian_uniform_quantizer(2.0, offset=1.0)
    assert edge[0] > centred[0] and edge[1] < centred[1]
    fine_c = approx.gaussian_uniform_quantizer(0.05)
    fine_e = approx.gaussian_uniform_quantizer(0.05, offset=0.025)
    np.testing.assert_allclose(fine_c, fine_e, rtol=1e-9)


def test_quantizer_offset_against_monte_carlo():
    rng = np.random.default_rng(9)
    x = rng.standard_normal(400_000)
    step, offset = 1.2, 0.45
    idx = np.floor((x - offset) / step + 0.5).astype(int)
    _, inv, counts = np.unique(idx, return_inverse=True, return_counts=True)
    centroids = np.bincount(inv, weights=x) / counts
    mc_d = np.mean((x - centroids[inv]) ** 2)
    mc_r = kt.entropy(counts / counts.sum())
    r, d = approx.gaussian_uniform_quantizer(step, offset=offset)
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
        (lambda: approx.beta_fisher_information(0, 3), "a must be > 0"),
        (lambda: approx.step_binning_loss(1.0, 0.5, 4), "jump must be strictly"),
        (lambda: approx.step_binning_loss(0.5, 0.0, 4), "mass_below must be"),
        (lambda: approx.step_binning_loss(0.5, 0.5, 0), "k must be a whole number"),
        (lambda: approx.step_binning_loss(math.nan, 0.5, 2), "jump contains NaN"),
        (
            lambda: approx.gaussian_uniform_quantizer(1.0, offset=math.inf),
            "offset contains infinite",
        ),
        (
            lambda: approx.coarse_grain([0.5, 0.5], [0, 1, 2]),
            "labels must hold one group per outcome",
        ),
        (lambda: approx.coarse_grain([0.5, 0.5], [0, -1]), "labels must be >= 0"),
        (lambda: approx.coarse_grain([0.5, 0.5], [0, 0.5]), "labels must be whole"),
        (lambda: approx.coarse_grain([0.5, 0.6], [0, 1]), "p sums to"),
        (
            lambda: approx.data_processing_loss([[0.5, 0.5]] * 2, [0.5, 0.5], [0, 1]),
            "single distributions",
        ),
        (
            lambda: approx.data_processing_loss([0.5, 0.5], [0.2, 0.8, 0.0], [0, 1]),
            "shapes do not broadcast|do not broadcast",
        ),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_labels_must_be_numbers():
    with pytest.raises(TypeError, match="labels must be integers"):
        approx.coarse_grain([0.5, 0.5], ["a", "b"])
