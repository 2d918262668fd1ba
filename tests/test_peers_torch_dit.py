"""Reference cases from PyTorch's ``TestKL`` and dit's divergence tests.

PyTorch (``test/distributions/test_distributions.py``, class ``TestKL``)
checks every closed-form KL divergence on a 4 x 4 grid of parameter pairs
(the first distribution varies along columns, the second along rows)
against a Monte Carlo estimate ``mean(log p(x) - log q(x))`` over samples
of ``p``. The same grids are used here, with kltools' closed forms against
:func:`kltools.monte_carlo_kl` on scipy's samplers and densities: PyTorch
accepts a relative error of 0.1; here the estimate must lie within five
standard errors (seeded, so the test is reproducible).

dit (``dit/divergences/tests``) tabulates KL divergences, cross entropies
and Jensen-Shannon divergences of small distributions over named outcomes;
they are ported with the outcomes aligned by hand. All in bits, as in dit.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.stats as st

import kltools as kt

E = math.e
N_SAMPLES = 100_000


def pairwise(values):
    """All 16 ordered pairs of 4 parameter settings, as PyTorch's ``pairwise``."""
    return list(itertools.product(values, values))


def assert_matches_monte_carlo(exact, dist_p, dist_q, seed):
    rng = np.random.default_rng(seed)
    x = dist_p.rvs(size=N_SAMPLES, random_state=rng)
    log_p = dist_p.logpmf if hasattr(dist_p, "logpmf") else dist_p.logpdf
    log_q = dist_q.logpmf if hasattr(dist_q, "logpmf") else dist_q.logpdf
    est = kt.monte_carlo_kl(x, log_p, log_q, base=E)
    assert abs(est.value - exact) <= 5 * est.stderr + 1e-9, (exact, est)
    assert abs(est.value - exact) / (1 + exact) < 0.1  # PyTorch's own criterion


BERNOULLI = [0.1, 0.2, 0.6, 0.9]


@pytest.mark.parametrize(("a", "b"), pairwise(BERNOULLI))
def test_bernoulli_grid(a, b):
    exact = kt.bernoulli_kl(a, b, base=E)
    assert_matches_monte_carlo(exact, st.bernoulli(a), st.bernoulli(b), seed=1)


BETA = list(zip([1.0, 2.5, 1.0, 2.5], [1.5, 1.5, 3.5, 3.5], strict=True))


@pytest.mark.parametrize(("pa", "qa"), pairwise(BETA))
def test_beta_grid(pa, qa):
    exact = kt.beta_kl(*pa, *qa, base=E)
    assert_matches_monte_carlo(exact, st.beta(*pa), st.beta(*qa), seed=2)


EXPONENTIAL = [1.0, 2.5, 5.0, 10.0]


@pytest.mark.parametrize(("a", "b"), pairwise(EXPONENTIAL))
def test_exponential_grid(a, b):
    exact = kt.exponential_kl(a, b, base=E)
    p, q = st.expon(scale=1 / a), st.expon(scale=1 / b)
    assert_matches_monte_carlo(exact, p, q, seed=3)


GAMMA = list(zip([1.0, 2.5, 1.0, 2.5], [1.5, 1.5, 3.5, 3.5], strict=True))


@pytest.mark.parametrize(("pa", "qa"), pairwise(GAMMA))
def test_gamma_grid(pa, qa):
    exact = kt.gamma_kl(*pa, *qa, base=E)  # (concentration, rate)
    p = st.gamma(pa[0], scale=1 / pa[1])
    q = st.gamma(qa[0], scale=1 / qa[1])
    assert_matches_monte_carlo(exact, p, q, seed=4)


CHI2 = [1.0, 2.0, 2.5, 5.0]


@pytest.mark.parametrize(("a", "b"), pairwise(CHI2))
def test_chi2_grid_as_gamma(a, b):
    """Chi-squared with k degrees of freedom is Gamma(k / 2, rate 1 / 2)."""
    exact = kt.gamma_kl(a / 2, 0.5, b / 2, 0.5, base=E)
    assert_matches_monte_carlo(exact, st.chi2(a), st.chi2(b), seed=5)


NORMAL = list(zip([-2.0, 2.0, -3.0, 3.0], [1.0, 2.0, 1.0, 2.0], strict=True))


@pytest.mark.parametrize(("pa", "qa"), pairwise(NORMAL))
def test_normal_grid(pa, qa):
    exact = kt.gaussian_kl(*pa, *qa, base=E)
    assert_matches_monte_carlo(exact, st.norm(*pa), st.norm(*qa), seed=6)


POISSON = [0.5, 1.0, 4.0, 20.0]  # not in PyTorch's grid; the same design


@pytest.mark.parametrize(("a", "b"), pairwise(POISSON))
def test_poisson_grid(a, b):
    exact = kt.poisson_kl(a, b, base=E)
    assert_matches_monte_carlo(exact, st.poisson(a), st.poisson(b), seed=7)


DIRICHLET = [
    [0.1, 0.2, 0.7],
    [0.5, 0.4, 0.1],
    [0.33, 0.33, 0.34],
    [0.2, 0.2, 0.4],
]


@pytest.mark.parametrize(("pa", "qa"), pairwise(DIRICHLET))
def test_dirichlet_grid(pa, qa):
    exact = kt.dirichlet_kl(pa, qa, base=E)
    rng = np.random.default_rng(8)
    x = rng.dirichlet(pa, size=N_SAMPLES)
    x = np.clip(x, 1e-300, None)  # tiny concentrations round samples to 0
    x /= x.sum(axis=1, keepdims=True)

    def log_density(alpha):
        alpha = np.asarray(alpha)
        return lambda s: st.dirichlet.logpdf(s.T, alpha)

    est = kt.monte_carlo_kl(x, log_density(pa), log_density(qa), base=E)
    assert abs(est.value - exact) <= 5 * est.stderr + 1e-9, (exact, est)


def test_infinite_examples():
    """PyTorch's test_kl_infinite, for the pairs kltools can express."""
    assert kt.bernoulli_kl(0.5, 0.0) == math.inf
    assert kt.bernoulli_kl(0.5, 1.0) == math.inf
    assert kt.kl_divergence([0.3, 0.7, 0.0], [0.5, 0.0, 0.5]) == math.inf
    # Binomial(31, 0.7) against Binomial(30, 0.3): 31 successes are impossible
    k = np.arange(32)
    p = st.binom.pmf(k, 31, 0.7)
    q = st.binom.pmf(k, 30, 0.3)
    assert kt.kl_divergence(p, q, normalize=True) == math.inf


# --- dit's tables --------------------------------------------------------------------

# dit's distributions over named outcomes, aligned here on the union of
# outcomes: d1 on {0, 1}, d2 on {0, 2}, d3 on {0, 1, 2}; d4, d5 on {00, 11}.
D1 = [1 / 2, 1 / 2, 0]
D2 = [1 / 2, 0, 1 / 2]
D3 = [1 / 3, 1 / 3, 1 / 3]
D4 = [2 / 5, 3 / 5]
D5 = [1 / 2, 1 / 2]

DIT_KL = [
    (D1, D3, 0.5849625007211563),
    (D1[:2], D4, 0.0294468445267841),
    (D4, D1[:2], 0.029049405545331419),
    (D4, D5, 0.029049405545331419),
    (D5, D4, 0.0294468445267841),
    (D1, D2, math.inf),
    (D2, D1, math.inf),
    (D3, D1, math.inf),
]


@pytest.mark.parametrize(("p", "q", "bits"), DIT_KL)
def test_dit_kullback_leibler(p, q, bits):
    assert kt.kl_divergence(p, q) == pytest.approx(bits, rel=1e-14)


@pytest.mark.parametrize("d", [D1, D2, D3, D4, D5])
def test_dit_kl_of_itself_is_zero(d):
    assert kt.kl_divergence(d, d) == 0.0
    assert kt.cross_entropy(d, d) == pytest.approx(kt.entropy(d), rel=1e-15)


def test_dit_conditional_kl_of_copied_variables_is_zero():
    """dit's [d4, d5, [0], [1]] case: X0 given X1 is the same point mass in both."""
    for joint in (np.diag(D4), np.diag(D5)):
        for y in range(2):
            column = joint[:, y] / joint[:, y].sum()
            assert kt.kl_divergence(column, column) == 0.0
            assert kt.entropy(column) == 0.0


DIT_CROSS_ENTROPY = [
    (D1, D3, 1.5849625007211563),
    (D1[:2], D4, 1.0294468445267841),
    (D4, D1[:2], 1.0),
    (D4, D5, 1.0),
    (D5, D4, 1.0294468445267841),
    (D1, D2, math.inf),
    (D2, D1, math.inf),
    (D3, D1, math.inf),
]


@pytest.mark.parametrize(("p", "q", "bits"), DIT_CROSS_ENTROPY)
def test_dit_cross_entropy(p, q, bits):
    assert kt.cross_entropy(p, q) == pytest.approx(bits, rel=1e-14)


def test_dit_jensen_shannon():
    ab, bc, cd = [0.5, 0.5, 0, 0], [0, 0.5, 0.5, 0], [0, 0, 0.5, 0.5]
    assert kt.js_divergence(ab, ab) == 0.0
    assert kt.js_divergence(ab, bc) == pytest.approx(0.5, rel=1e-15)
    assert kt.js_divergence(ab, cd) == 1.0
    # dit's weighted JSD([AB, BC], [1/4, 3/4]) = H(mixture) - sum_i w_i H(d_i)
    w = np.array([0.25, 0.75])
    mixture = w[0] * np.array(ab) + w[1] * np.array(bc)
    jsd = kt.entropy(mixture) - (w[0] * kt.entropy(ab) + w[1] * kt.entropy(bc))
    assert jsd == pytest.approx(0.40563906222956625, rel=1e-14)
    # equal weights give kltools' js_divergence
    mixture = 0.5 * (np.array(ab) + np.array(bc))
    jsd = kt.entropy(mixture) - 0.5 * (kt.entropy(ab) + kt.entropy(bc))
    assert jsd == pytest.approx(kt.js_divergence(ab, bc), rel=1e-14)
