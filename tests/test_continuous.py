"""Tests of kltools.continuous: closed-form KL divergences between families.

Covers reference values worked by hand from textbook formulas, seeded Monte
Carlo estimates of E_p[log p(x) - log q(x)] with scipy.stats densities,
identities between the families (exponential = gamma with shape 1, a
2-component Dirichlet = beta, diagonal multivariate normal = a sum of
univariate ones, Bernoulli = discrete KL), invariances, accuracy near
equality, units and broadcasting, property tests (non-negative, zero at
equality) and the refusal of invalid parameters.
"""

from __future__ import annotations

import math
import time
import warnings

import mpmath
import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given
from hypothesis import strategies as hst
from scipy.special import betaln, digamma

import kltools as kt
from kltools import continuous as kc

E = math.e
EULER_GAMMA = 0.5772156649015329
LN2 = math.log(2)

# --- reference values --------------------------------------------------------

I2 = [[1.0, 0.0], [0.0, 1.0]]
RHO = [[1.0, 0.5], [0.5, 1.0]]

REFERENCE_NATS = [
    # (function, args, nats, source)
    (kt.gaussian_kl, (0, 1, 0, 1), 0.0, "identical distributions"),
    (kt.gaussian_kl, (1, 1, 0, 1), 0.5, "equal variances: (mu_p - mu_q)^2 / 2"),
    (kt.gaussian_kl, (3, 2, 1, 2), 0.5, "equal variances: 2^2 / (2 * 2^2)"),
    (kt.gaussian_kl, (0, 1, 0, 2), LN2 + 1 / 8 - 1 / 2, "log(s_q/s_p) + s_p^2/2s_q^2"),
    (kt.gaussian_kl, (0, 2, 0, 1), 2 - 1 / 2 - LN2, "the same, reversed"),
    (kt.mvn_kl, ([0, 0], I2, [0, 0], I2), 0.0, "identical distributions"),
    (kt.mvn_kl, ([1, 0], I2, [0, 0], I2), 0.5, "unit shift, identity covariance"),
    (kt.mvn_kl, ([0, 0], RHO, [0, 0], I2), -0.5 * math.log(0.75), "tr = d; det 3/4"),
    (
        kt.mvn_kl,
        ([0, 0], I2, [0, 0], RHO),
        0.5 * (8 / 3 - 2 + math.log(0.75)),
        "tr RHO^-1 = 8/3, det RHO = 3/4",
    ),
    (kt.bernoulli_kl, (1, 0.5), LN2, "certainty against a fair coin"),
    (kt.bernoulli_kl, (0, 0), 0.0, "0 log 0 = 0 on both outcomes"),
    (kt.bernoulli_kl, (0.5, 0.25), LN2 - math.log(3) / 2, "Cover & Thomas Ex. 2.3.1"),
    (kt.poisson_kl, (2, 1), 2 * LN2 - 1, "l_p log(l_p/l_q) - l_p + l_q"),
    (kt.poisson_kl, (1, 2), 1 - LN2, "the same, reversed"),
    (kt.exponential_kl, (2, 1), LN2 - 1 / 2, "log(l_p/l_q) + l_q/l_p - 1"),
    (kt.exponential_kl, (1, 2), 1 - LN2, "the same, reversed"),
    (kt.gamma_kl, (2, 1, 1, 1), 1 - EULER_GAMMA, "Penny (2001): psi(2) = 1 - gamma"),
    (kt.gamma_kl, (1, 2, 1, 1), LN2 - 1 / 2, "shape 1 is exponential"),
    (kt.beta_kl, (2, 1, 1, 1), LN2 - 1 / 2, "minus entropy of Beta(2, 1)"),
    (kt.beta_kl, (1, 1, 2, 1), 1 - LN2, "D(U || Beta(2, 1)) = log B(2, 1) + 1"),
    (kt.dirichlet_kl, ([2, 1, 1], [1, 1, 1]), math.log(3) - 5 / 6, "Penny (2001)"),
]


@pytest.mark.parametrize(("func", "args", "nats", "source"), REFERENCE_NATS)
def test_reference_values(func, args, nats, source):
    got = func(*args, base=E)
    assert isinstance(got, float)
    assert got == pytest.approx(nats, rel=1e-12, abs=1e-15), source
    assert func(*args) == pytest.approx(nats / LN2, rel=1e-12, abs=1e-15)  # bits


def test_beta_against_uniform_is_minus_scipy_entropy():
    """Beta(1, 1) is uniform on [0, 1], so D(Beta(a, b) || U) = -h(Beta(a, b))."""
    for a, b in [(2.0, 3.0), (0.5, 0.5), (7.0, 1.5)]:
        expected = -st.beta(a, b).entropy()
        assert kt.beta_kl(a, b, 1, 1, base=E) == pytest.approx(expected, rel=1e-10)


def test_uniform_against_beta():
    """D(U || Beta(a, b)) = log B(a, b) + (a - 1) + (b - 1): E_U[log x] = -1."""
    for a, b in [(2.0, 3.0), (0.5, 0.5), (7.0, 1.5)]:
        expected = betaln(a, b) + a + b - 2
        assert kt.beta_kl(1, 1, a, b, base=E) == pytest.approx(expected, rel=1e-12)


def test_dirichlet_against_uniform_is_minus_scipy_entropy():
    """Dir(1, ..., 1) has constant density Gamma(k): D = -h(p) - log Gamma(k)."""
    alpha = np.array([2.0, 0.5, 3.0, 1.5])
    expected = -st.dirichlet(alpha).entropy() - math.lgamma(4)
    assert kt.dirichlet_kl(alpha, np.ones(4), base=E) == pytest.approx(
        expected, rel=1e-10
    )


def test_exponential_against_scipy_entropy():
    """D(Exp(l_p) || Exp(l_q)) = -h(p) - log l_q + l_q / l_p."""
    lp, lq = 1.7, 0.3
    expected = -st.expon(scale=1 / lp).entropy() - math.log(lq) + lq / lp
    assert kt.exponential_kl(lp, lq, base=E) == pytest.approx(expected, rel=1e-12)


def test_gamma_general_formula():
    """Penny (2001), eq. for the gamma KL, evaluated term by term (shape-rate)."""
    ap, bp, aq, bq = 3.5, 2.0, 1.2, 0.4
    expected = (
        (ap - aq) * digamma(ap)
        - math.lgamma(ap)
        + math.lgamma(aq)
        + aq * (math.log(bp) - math.log(bq))
        + ap * (bq - bp) / bp
    )
    assert kt.gamma_kl(ap, bp, aq, bq, base=E) == pytest.approx(expected, rel=1e-12)


def test_poisson_against_exact_summation():
    """Sum p(k) (log p(k) - log q(k)) over k = 0..200 (the tail is negligible)."""
    k = np.arange(201)
    for lp, lq in [(3.0, 4.5), (0.2, 7.0), (25.0, 20.0)]:
        p = st.poisson(lp)
        expected = np.sum(p.pmf(k) * (p.logpmf(k) - st.poisson(lq).logpmf(k)))
        assert kt.poisson_kl(lp, lq, base=E) == pytest.approx(expected, rel=1e-10)


# --- Monte Carlo -------------------------------------------------------------

N_MC = 200_000


def _spd(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


def _mvn_case(rng):
    mp, mq = rng.normal(size=(2, 3))
    cp, cq = _spd(rng, 3), _spd(rng, 3)
    p, q = st.multivariate_normal(mp, cp), st.multivariate_normal(mq, cq)
    return kt.mvn_kl(mp, cp, mq, cq, base=E), p, q


def _dirichlet_case(rng):
    a, b = np.array([2.0, 3.0, 1.5]), np.array([1.0, 1.5, 2.0])
    return kt.dirichlet_kl(a, b, base=E), st.dirichlet(a), st.dirichlet(b)


MC_CASES = {
    # name: rng -> (closed form in nats, frozen p, frozen q)
    "gaussian": lambda rng: (
        kt.gaussian_kl(0.3, 1.2, -0.5, 0.8, base=E),
        st.norm(0.3, 1.2),
        st.norm(-0.5, 0.8),
    ),
    "mvn": _mvn_case,
    "bernoulli": lambda rng: (
        kt.bernoulli_kl(0.3, 0.6, base=E),
        st.bernoulli(0.3),
        st.bernoulli(0.6),
    ),
    "poisson": lambda rng: (
        kt.poisson_kl(3.0, 4.5, base=E),
        st.poisson(3.0),
        st.poisson(4.5),
    ),
    "beta": lambda rng: (
        kt.beta_kl(2.5, 1.5, 1.2, 3.0, base=E),
        st.beta(2.5, 1.5),
        st.beta(1.2, 3.0),
    ),
    "gamma": lambda rng: (
        kt.gamma_kl(2.0, 1.5, 3.0, 0.7, base=E),
        st.gamma(2.0, scale=1 / 1.5),  # scipy uses scale = 1 / rate
        st.gamma(3.0, scale=1 / 0.7),
    ),
    "exponential": lambda rng: (
        kt.exponential_kl(1.5, 0.4, base=E),
        st.expon(scale=1 / 1.5),
        st.expon(scale=1 / 0.4),
    ),
    "dirichlet": _dirichlet_case,
}


def _log_density(dist, x):
    if hasattr(dist, "logpmf"):
        return dist.logpmf(x)
    if isinstance(dist, type(st.dirichlet([1, 1]))):
        return dist.logpdf(x.T)  # scipy wants the components on the first axis
    return dist.logpdf(x)


@pytest.mark.parametrize("name", list(MC_CASES))
def test_closed_form_matches_monte_carlo(name, rng):
    """The closed form lies within 5 standard errors of a seeded MC mean of
    log p(x) - log q(x), x ~ p, with scipy.stats densities."""
    closed, p, q = MC_CASES[name](rng)
    x = p.rvs(size=N_MC, random_state=rng)
    diff = _log_density(p, x) - _log_density(q, x)
    assert diff.shape == (N_MC,)
    assert np.isfinite(diff).all()
    se = diff.std(ddof=1) / math.sqrt(N_MC)
    assert se > 0  # a degenerate sample would make the check vacuous
    assert abs(closed - diff.mean()) <= 5 * se, (closed, diff.mean(), se)


# --- identities between families ---------------------------------------------


def test_exponential_is_gamma_with_shape_one(rng):
    lp, lq = rng.uniform(0.01, 20, size=(2, 50))
    np.testing.assert_array_equal(kt.exponential_kl(lp, lq), kt.gamma_kl(1, lp, 1, lq))


def test_two_component_dirichlet_is_beta(rng):
    a = rng.uniform(0.1, 10, size=(4, 30))
    got = kt.dirichlet_kl(a[:2].T, a[2:].T)
    np.testing.assert_allclose(got, kt.beta_kl(*a), rtol=1e-14, atol=1e-15)


def test_diagonal_mvn_is_a_sum_of_gaussians(rng):
    mp, mq = rng.normal(size=(2, 4))
    sp, sq = rng.uniform(0.1, 3, size=(2, 4))
    expected = kt.gaussian_kl(mp, sp, mq, sq).sum()
    got = kt.mvn_kl(mp, np.diag(sp**2), mq, np.diag(sq**2))
    assert got == pytest.approx(expected, rel=1e-12)


def test_vae_kl_is_gaussian_and_mvn_against_standard_normal(rng):
    mu, log_var = rng.normal(size=(2, 5))
    expected = kt.vae_kl(mu, log_var)
    sigma = np.exp(log_var / 2)
    assert kt.gaussian_kl(mu, sigma, 0, 1).sum() == pytest.approx(expected, rel=1e-12)
    got = kt.mvn_kl(mu, np.diag(sigma**2), np.zeros(5), np.eye(5))
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("p", "q"),
    [(0.3, 0.6), (0.0, 0.5), (1.0, 0.01), (0.5, 0.0), (0.999, 0.001), (0.0, 1.0)],
)
def test_bernoulli_is_discrete_kl(p, q):
    assert kt.bernoulli_kl(p, q) == pytest.approx(
        kt.kl_divergence([p, 1 - p], [q, 1 - q]), rel=1e-14
    )


def test_gamma_is_invariant_to_a_common_change_of_scale():
    """Rescaling x by c multiplies both rates by 1/c; KL is invariant."""
    base = kt.gamma_kl(2.5, 1.5, 0.8, 0.6)
    for c in [1e-3, 0.5, 7.0, 1e4]:
        assert kt.gamma_kl(2.5, 1.5 * c, 0.8, 0.6 * c) == pytest.approx(base, rel=1e-12)


def test_mvn_is_invariant_under_an_affine_map(rng):
    d = 3
    mp, mq = rng.normal(size=(2, d))
    cp, cq = _spd(rng, d), _spd(rng, d)
    a = rng.normal(size=(d, d)) + 3 * np.eye(d)  # invertible
    b = rng.normal(size=d)
    got = kt.mvn_kl(a @ mp + b, a @ cp @ a.T, a @ mq + b, a @ cq @ a.T)
    assert got == pytest.approx(kt.mvn_kl(mp, cp, mq, cq), rel=1e-9)


def test_mvn_against_the_textbook_formula(rng):
    """Slow oracle: inverses and determinants, as the formula is written."""
    for d in (1, 2, 5):
        mp, mq = rng.normal(size=(2, d))
        cp, cq = _spd(rng, d), _spd(rng, d)
        inv_q = np.linalg.inv(cq)
        dm = mq - mp
        expected = 0.5 * (
            np.trace(inv_q @ cp)
            + dm @ inv_q @ dm
            - d
            + np.log(np.linalg.det(cq) / np.linalg.det(cp))
        )
        assert kt.mvn_kl(mp, cp, mq, cq, base=E) == pytest.approx(expected, rel=1e-9)


# --- accuracy near equality and at extremes ----------------------------------

NEAR_EQUAL = [
    # (call giving nats, leading-order value, source: Taylor expansion)
    (lambda d: kt.gaussian_kl(0, 1 + d, 0, 1, base=E), lambda d: d**2, "2 d^2 / 2"),
    (lambda d: kt.gaussian_kl(d, 1, 0, 1, base=E), lambda d: d**2 / 2, "d^2 / 2"),
    (lambda d: kt.exponential_kl(1 + d, 1, base=E), lambda d: d**2 / 2, "d^2 / 2"),
    (lambda d: kt.poisson_kl(3 * (1 + d), 3, base=E), lambda d: 1.5 * d**2, "3 d^2/2"),
    (lambda d: kt.bernoulli_kl(0.5 + d, 0.5, base=E), lambda d: 2 * d**2, "2 d^2"),
    (
        lambda d: kt.bernoulli_kl(0.3 + d, 0.3, base=E),
        lambda d: d**2 / (2 * 0.3 * 0.7),
        "d^2 / (2 q (1 - q))",
    ),
    (
        lambda d: kt.mvn_kl([0, 0], (1 + d) ** 2 * np.eye(2), [0, 0], I2, base=E),
        lambda d: 2 * d**2,
        "two coordinates of d^2",
    ),
]


@pytest.mark.parametrize(("call", "leading", "source"), NEAR_EQUAL)
def test_accurate_near_equality(call, leading, source):
    """A naive formula loses every digit here: the terms cancel to ~1e-16."""
    d = 1e-7
    assert call(d) == pytest.approx(leading(d), rel=1e-5), source


def test_extreme_parameters_give_finite_or_inf_never_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = [
            kt.gaussian_kl(0, 1e-300, 0, 1e300),
            kt.gaussian_kl(0, 1e300, 0, 1e-300),
            kt.gaussian_kl(1e300, 1, -1e300, 1e-300),
            kt.exponential_kl(1e-300, 1e300),
            kt.exponential_kl(1e300, 1e-300),
            kt.poisson_kl(1e300, 1e-300),
            kt.gamma_kl(1e-300, 1.0, 1e300, 1e300),
            kt.bernoulli_kl(1e-300, 1 - 1e-16),
            kt.poisson_kl(1e-300, 1e300),
        ]
    assert not np.isnan(values).any()
    assert all(v >= 0 for v in values)
    assert kt.exponential_kl(1e300, 1e-300, base=E) == pytest.approx(
        2 * 300 * math.log(10) - 1, rel=1e-12
    )
    # l_p log(l_p / l_q) - l_p + l_q: dominated by l_q; no overflow on the way.
    assert kt.poisson_kl(1e-300, 1e300, base=E) == pytest.approx(1e300, rel=1e-12)


def test_bernoulli_infinite_at_certain_q():
    np.testing.assert_array_equal(
        kt.bernoulli_kl([0.5, 1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.0, 1.0]),
        [np.inf, np.inf, np.inf, 0.0, 0.0],
    )


# --- broadcasting and batches ------------------------------------------------


def test_parameters_broadcast_elementwise():
    got = kt.gaussian_kl([[0.0], [1.0]], [1.0, 2.0, 3.0], 0.0, 1.0)
    assert got.shape == (2, 3)
    assert got[1, 0] == pytest.approx(0.5 / LN2)
    got = kt.gamma_kl(np.ones((4, 1)), 1.0, 2.0, np.ones(5))
    assert got.shape == (4, 5)


def test_mvn_batch_matches_a_loop(rng):
    d = 3
    mp = rng.normal(size=(2, 4, d))
    cp = np.stack([_spd(rng, d) for _ in range(4)])  # (4, d, d): broadcasts
    mq = rng.normal(size=d)
    cq = _spd(rng, d)
    got = kt.mvn_kl(mp, cp, mq, cq)
    assert got.shape == (2, 4)
    for i in range(2):
        for j in range(4):
            assert got[i, j] == pytest.approx(kt.mvn_kl(mp[i, j], cp[j], mq, cq))


def test_dirichlet_batch_on_last_axis(rng):
    a = rng.uniform(0.5, 4, size=(6, 3))
    b = rng.uniform(0.5, 4, size=3)
    got = kt.dirichlet_kl(a, b)
    assert got.shape == (6,)
    np.testing.assert_allclose(got, [kt.dirichlet_kl(row, b) for row in a])


# --- properties --------------------------------------------------------------

pos = hst.floats(min_value=1e-3, max_value=1e3)
real = hst.floats(min_value=-1e3, max_value=1e3)
prob = hst.floats(min_value=0.0, max_value=1.0)


@given(real, pos, real, pos)
def test_gaussian_non_negative_and_zero_at_equality(m1, s1, m2, s2):
    assert kt.gaussian_kl(m1, s1, m2, s2) >= 0
    assert kt.gaussian_kl(m1, s1, m1, s1) == 0


@given(pos, pos, pos, pos)
def test_gamma_and_beta_non_negative_and_zero_at_equality(a, b, c, d):
    assert kt.gamma_kl(a, b, c, d) >= 0
    assert kt.gamma_kl(a, b, a, b) == 0
    assert kt.beta_kl(a, b, c, d) >= 0
    assert kt.beta_kl(a, b, a, b) == 0


@given(pos, pos)
def test_rates_non_negative_and_zero_at_equality(a, b):
    for func in (kt.poisson_kl, kt.exponential_kl):
        assert func(a, b) >= 0
        assert func(a, a) == 0


@given(prob, prob)
def test_bernoulli_non_negative_and_zero_at_equality(p, q):
    assert kt.bernoulli_kl(p, q) >= 0
    assert kt.bernoulli_kl(p, p) == 0


@given(
    hst.lists(pos, min_size=2, max_size=6).flatmap(
        lambda a: hst.tuples(
            hst.just(a), hst.lists(pos, min_size=len(a), max_size=len(a))
        )
    )
)
def test_dirichlet_non_negative_and_zero_at_equality(pair):
    a, b = pair
    assert kt.dirichlet_kl(a, b) >= 0
    assert kt.dirichlet_kl(a, a) == 0


@given(hst.integers(1, 5), hst.integers(0, 2**32 - 1))
def test_mvn_non_negative_and_zero_at_equality(d, seed):
    rng = np.random.default_rng(seed)
    mp, mq = rng.normal(size=(2, d))
    cp, cq = _spd(rng, d), _spd(rng, d)
    assert kt.mvn_kl(mp, cp, mq, cq) >= 0
    # The triangular solve L^-1 L is the identity only to rounding (~1e-17).
    assert kt.mvn_kl(mp, cp, mp, cp) == pytest.approx(0, abs=1e-15)


# --- invalid parameters ------------------------------------------------------

BAD = [
    # (call, exception, message)
    (lambda: kt.gaussian_kl(0, 0, 0, 1), ValueError, "sigma_p must be > 0"),
    (lambda: kt.gaussian_kl(0, 1, 0, -2), ValueError, "sigma_q must be > 0"),
    (lambda: kt.gaussian_kl(np.nan, 1, 0, 1), ValueError, "mu_p contains NaN"),
    (lambda: kt.gaussian_kl(0, 1, np.inf, 1), ValueError, "mu_q contains infinite"),
    (
        lambda: kt.gaussian_kl([0, 1], 1, [0, 1, 2], 1),
        ValueError,
        r"shapes do not broadcast: mu_p \(2,\) and sigma_p \(\) and mu_q \(3,\)",
    ),
    (lambda: kt.gaussian_kl("a", 1, 0, 1), TypeError, "mu_p must hold real numbers"),
    (lambda: kt.gaussian_kl(0, 1, 0, 1, base=1), ValueError, "base must be"),
    (lambda: kt.bernoulli_kl(1.5, 0.5), ValueError, r"p must be a probability in"),
    (lambda: kt.bernoulli_kl(0.5, -0.1), ValueError, r"q must be a probability in"),
    (lambda: kt.poisson_kl(0, 1), ValueError, "rate_p must be > 0"),
    (lambda: kt.exponential_kl(1, -1), ValueError, "rate_q must be > 0"),
    (lambda: kt.gamma_kl(0, 1, 1, 1), ValueError, "shape_p must be > 0"),
    (lambda: kt.gamma_kl(1, 1, 1, np.inf), ValueError, "rate_q contains infinite"),
    (lambda: kt.beta_kl(1, 1, 1, 0), ValueError, "b_q must be > 0"),
    (lambda: kt.dirichlet_kl([1, 0, 1], [1, 1, 1]), ValueError, "alpha_p must be > 0"),
    (
        lambda: kt.dirichlet_kl([1, 1], [1, 1, 1]),
        ValueError,
        "alpha_p has 2 components and alpha_q 3",
    ),
    (lambda: kt.dirichlet_kl([1], [1]), ValueError, "alpha_p needs at least 2"),
    (lambda: kt.dirichlet_kl(2.0, [1, 1]), ValueError, "alpha_p needs at least 2"),
    (
        lambda: kt.dirichlet_kl(np.ones((2, 3)), np.ones((4, 3))),
        ValueError,
        "shapes do not broadcast: alpha_p",
    ),
    (
        lambda: kt.mvn_kl([0, 0], [[1, 0.5], [0.4, 1]], [0, 0], I2),
        ValueError,
        "cov_p is not symmetric",
    ),
    (
        lambda: kt.mvn_kl([0, 0], I2, [0, 0], [[1, 2], [2, 1]]),
        ValueError,
        "cov_q is not positive definite: smallest eigenvalue -1",
    ),
    (
        lambda: kt.mvn_kl([0, 0], [[1, 1], [1, 1]], [0, 0], I2),
        ValueError,
        "cov_p is not positive definite",
    ),
    (
        lambda: kt.mvn_kl([0, 0], np.stack([I2, -np.eye(2)]), [0, 0], I2),
        ValueError,
        r"cov_p is not positive definite \(matrix 1 of the stack\)",
    ),
    (
        lambda: kt.mvn_kl([0, 0], [1, 1], [0, 0], I2),
        ValueError,
        r"cov_p must be a square matrix .* got shape \(2,\)",
    ),
    (
        lambda: kt.mvn_kl([0, 0, 0], I2, [0, 0], I2),
        ValueError,
        "dimensions do not match: mean_p 3, cov_p 2",
    ),
    (lambda: kt.mvn_kl(0.0, [[1]], 0.0, [[1]]), ValueError, "mean_p must be a vector"),
    (
        lambda: kt.mvn_kl(np.zeros((3, 2)), I2, np.zeros((4, 2)), I2),
        ValueError,
        "batch shapes do not broadcast",
    ),
    (
        lambda: kt.mvn_kl([0, 0], [[1, np.nan], [np.nan, 1]], [0, 0], I2),
        ValueError,
        "cov_p contains NaN",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), BAD)
def test_invalid_parameters_are_refused(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


# --- issue 19: large and nearly equal parameters, against mpmath --------------------


def mp_dirichlet_kl(a, b, dps):
    """The textbook formula in mpmath, with enough digits to survive cancellation."""
    with mpmath.workdps(dps):
        a = [mpmath.mpf(x) for x in a]
        b = [mpmath.mpf(x) for x in b]
        a0, b0 = sum(a), sum(b)
        return (
            mpmath.loggamma(a0)
            - mpmath.loggamma(b0)
            - sum(
                mpmath.loggamma(x) - mpmath.loggamma(y)
                for x, y in zip(a, b, strict=True)
            )
            + sum(
                (x - y) * (mpmath.digamma(x) - mpmath.digamma(a0))
                for x, y in zip(a, b, strict=True)
            )
        )


def mp_gamma_kl(ap, bp, aq, bq, dps):
    with mpmath.workdps(dps):
        ap, bp, aq, bq = (mpmath.mpf(x) for x in (ap, bp, aq, bq))
        return (
            (ap - aq) * mpmath.digamma(ap)
            - mpmath.loggamma(ap)
            + mpmath.loggamma(aq)
            + aq * (mpmath.log(bp) - mpmath.log(bq))
            + ap * (bq - bp) / bp
        )


ISSUE_19_CLOSED_FORMS = [
    # (call, mpmath reference, value quoted in the issue)
    (
        lambda: kt.beta_kl(1e300, 1e300, 1, 1, base=math.e),
        lambda: mp_dirichlet_kl([1e300, 1e300], [1, 1], 700),
        345.0085,
    ),
    (
        lambda: kt.dirichlet_kl([1e16] * 3, [1e16, 1e16, 1e16 + 4], base=math.e),
        lambda: mp_dirichlet_kl([1e16] * 3, [1e16, 1e16, 1e16 + 4], 80),
        5.3e-16,
    ),
    (
        lambda: kt.beta_kl(1e8, 1e8, 1e8 + 1, 1e8, base=math.e),
        lambda: mp_dirichlet_kl([1e8, 1e8], [1e8 + 1, 1e8], 60),
        2.5e-9,
    ),
    (
        lambda: kt.gamma_kl(1e10, 1, 1e10 + 1, 1, base=math.e),
        lambda: mp_gamma_kl(1e10, 1, 1e10 + 1, 1, 60),
        5.0e-11,
    ),
    (
        lambda: kt.dirichlet_kl([1e6] * 3, [1e6, 1e6, 1e6 + 1], base=math.e),
        lambda: mp_dirichlet_kl([1e6] * 3, [1e6, 1e6, 1e6 + 1], 60),
        3.3333e-7,
    ),
]


@pytest.mark.parametrize(("call", "reference", "quoted"), ISSUE_19_CLOSED_FORMS)
def test_issue_19_closed_forms_against_mpmath(call, reference, quoted):
    got = call()
    assert got == pytest.approx(float(reference()), rel=1e-13)
    assert got == pytest.approx(quoted, rel=1e-3)


LARGE_DIRICHLET = [
    ([1e300, 1e300], [2, 3]),
    ([1e300, 2e300], [1e300, 1e300]),
    ([1e200, 1e200, 1e200], [1e200, 1e200, 1e200 * (1 + 1e-10)]),
    ([1e16, 1e16], [1e16 + 2, 1e16 - 2]),
    ([1e12, 1e12], [1e12 + 1e6, 1e12 - 1e6]),
    ([5e5, 2e5, 3e5], [2e5, 1e5, 1e4]),
    ([1.0, 1.0], [1e300, 1.0]),
    ([1e-300, 1.0], [1.0, 1.0]),
    ([1e-3, 2.0], [5.0, 1e-4]),
    ([2.0, 3.0], [2.0 + 1e-10, 3.0]),
    ([10.0, 10.0], [10.000001, 10.0]),
    ([3.0, 7.0], [3.3, 7.7]),
    ([9.5, 10.5], [10.5, 9.5]),
    ([0.5, 0.5], [1.0, 1.0]),
]


@pytest.mark.parametrize(("a", "b"), LARGE_DIRICHLET)
def test_dirichlet_extremes_against_mpmath(a, b):
    want = mp_dirichlet_kl(a, b, 700)
    got = kt.dirichlet_kl(a, b, base=math.e)
    assert got == pytest.approx(float(want), rel=1e-12)
    if len(a) == 2:
        assert kt.beta_kl(*a, *b, base=math.e) == pytest.approx(got, rel=1e-14)


LARGE_GAMMA = [
    (1e10, 1e10, 2e10, 2e10),  # equal means: the leading terms cancel
    (1e300, 1e300, 1e300, 1.1e300),
    (1e300, 1.0, 1.0, 1.0),
    (5.0, 1.0, 5.0 + 1e-9, 1.0),
    (1e-5, 1.0, 1.0, 1.0),
    (50.0, 2.0, 50.5, 2.1),
    (0.1, 3.0, 20.0, 0.5),
    (1e8, 1.0, 1e8, 1.0 + 1e-8),
]


@pytest.mark.parametrize("args", LARGE_GAMMA)
def test_gamma_extremes_against_mpmath(args):
    want = mp_gamma_kl(*args, 700)
    assert kt.gamma_kl(*args, base=math.e) == pytest.approx(float(want), rel=1e-12)


_concentration = hst.floats(1e-3, 1e12).map(float)


@given(
    hst.lists(_concentration, min_size=2, max_size=4),
    hst.lists(hst.floats(-1.0, 1.0), min_size=4, max_size=4),
    hst.sampled_from([1e-12, 1e-8, 1e-4, 0.1, 1.0, 10.0]),
)
def test_dirichlet_wide_range_against_mpmath(a, steps, size):
    """Random concentrations over 15 decades, perturbed by relative steps."""
    a = np.array(a)
    b = a * (1.0 + size * np.array(steps[: len(a)]))
    b = np.where(b > 0, b, a)
    want = mp_dirichlet_kl(a, b, 80)
    got = kt.dirichlet_kl(a, b, base=math.e)
    assert got == pytest.approx(max(float(want), 0.0), rel=1e-9, abs=1e-300)


@given(_concentration, _concentration, _concentration, _concentration)
def test_gamma_wide_range_against_mpmath(ap, bp, aq, bq):
    want = mp_gamma_kl(ap, bp, aq, bq, 80)
    assert kt.gamma_kl(ap, bp, aq, bq, base=math.e) == pytest.approx(
        float(want), rel=1e-9, abs=1e-300
    )


def test_nearly_equal_gaussians_keep_relative_accuracy():
    """h(l) = e^l - 1 - l is summed as a series near 0, not as expm1(l) - l."""
    for eps in (1e-5, 1e-8, 1e-12):
        got = kt.gaussian_kl(0.0, 1.0, 0.0, 1.0 + eps, base=math.e)
        with mpmath.workdps(60):
            s = mpmath.mpf(1.0 + eps)
            want = mpmath.log(s) + 1 / (2 * s**2) - mpmath.mpf(1) / 2
        assert got == pytest.approx(float(want), rel=1e-12)
        got = kt.poisson_kl(1.0, 1.0 + eps, base=math.e)
        with mpmath.workdps(60):
            lq = mpmath.mpf(1.0 + eps)
            want = -mpmath.log(lq) - 1 + lq
        assert got == pytest.approx(float(want), rel=1e-12)


# --- the fast textbook path and the accurate series --------------------------------
#
# dirichlet_kl, beta_kl and gamma_kl evaluate the textbook formula (log-gamma and
# digamma values) with a first-order bound on its rounding error, and recompute by
# the series only the elements whose bound exceeds TEXTBOOK_RTOL of the value.


def _cpu_best_of(call, repeats=3):
    """Best of ``repeats`` CPU times (s): on a shared machine the wall time
    mostly measures the other jobs."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return min(times)


def test_dirichlet_batch_is_fast():
    """(12800, 16) concentrations from [0.5, 50]: ~0.05 s; 2 s with the series alone."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.5, 50, size=(2, 12800, 16))
    kt.dirichlet_kl(a, b)  # warm up
    assert _cpu_best_of(lambda: kt.dirichlet_kl(a, b)) < 0.5


def test_scalar_calls_are_cheap():
    """Per call ~0.1 ms on the fast path, ~0.4 ms on the series; 2-4 ms before."""

    def calls():
        for _ in range(50):
            kt.beta_kl(2, 3, 4, 5)  # the series (the bound is 1.3e-13 of the value)
            kt.beta_kl(31, 30, 30, 30)  # the Stirling branch of the series
            kt.gamma_kl(2, 3, 4, 5)  # the textbook formula
            kt.dirichlet_kl([2, 1, 1], [1, 1, 1])

    calls()
    assert _cpu_best_of(calls) < 0.5  # 200 calls: 2.5 ms each at most


def _boundary_grid():
    """Parameter pairs that move from far apart to nearly equal, across the switch."""
    steps = np.geomspace(1e-4, 3.0, 40)
    p, q = [], []
    for base in [(0.7, 1.3), (2.0, 3.0), (5.0, 9.0), (20.0, 30.0), (60.0, 45.0)]:
        for direction in [(1.0, 0.0), (1.0, -1.0), (-0.5, 1.0)]:
            for s in steps:
                p.append(base)
                q.append(np.multiply(base, np.exp(s * np.array(direction))))
    return np.array(p), np.array(q)


def _dirichlet_grid():
    """16 components from [0.5, 50], q pulled towards p by factors 3e-3 .. 1."""
    rng = np.random.default_rng(7)
    a, b = rng.uniform(0.5, 50, size=(2, 8, 16))
    pull = np.geomspace(3e-3, 1.0, 30)[:, None, None]
    return np.broadcast_to(a, (30, 8, 16)).reshape(-1, 16), (
        a + pull * (b - a)
    ).reshape(-1, 16)


def _gamma_grid():
    """Shapes as the beta grid's first parameters; rates p from 0.3 to 7, rates q
    moved by the grid's second parameters."""
    p, q = _boundary_grid()
    rates_p = np.resize([0.3, 1.0, 7.0], len(p))
    return p[:, 0], rates_p, q[:, 0], rates_p * q[:, 1] / p[:, 1]


def _beta_paths():
    p, q = _boundary_grid()
    return kc._dirichlet_textbook(p, q), kc._dirichlet_series(p, q), (p, q)


def _dirichlet_paths():
    a, b = _dirichlet_grid()
    return kc._dirichlet_textbook(a, b), kc._dirichlet_series(a, b), (a, b)


def _gamma_paths():
    args = _gamma_grid()
    return kc._gamma_textbook(*args), kc._gamma_series(*args), args


SWITCH_CASES = {
    # family: (paths, public function on the grid's parameters, mpmath reference)
    "beta": (
        _beta_paths,
        lambda p, q: kt.beta_kl(p[:, 0], p[:, 1], q[:, 0], q[:, 1], base=E),
        lambda p, q: mp_dirichlet_kl(p, q, 60),
    ),
    "dirichlet": (
        _dirichlet_paths,
        lambda a, b: kt.dirichlet_kl(a, b, base=E),
        lambda a, b: mp_dirichlet_kl(a, b, 60),
    ),
    "gamma": (
        _gamma_paths,
        lambda *args: kt.gamma_kl(*args, base=E),
        lambda *args: mp_gamma_kl(*args, 60),
    ),
}


@pytest.mark.parametrize("family", list(SWITCH_CASES))
def test_fast_path_and_series_agree_across_the_switch(family):
    paths, public, reference = SWITCH_CASES[family]
    (fast, bound), series, args = paths()
    assert (series > 0).all()
    kept = kc._accepted(fast, bound)
    ratio = bound / series  # the bound relative to the value: kept iff <= RTOL
    rtol = kc.TEXTBOOK_RTOL
    # the grid crosses the switch, with points close to it on both sides
    assert (kept & (ratio > rtol / 3)).sum() >= 3
    assert (~kept & (ratio < 3 * rtol)).sum() >= 3
    np.testing.assert_array_equal(kept, ratio <= rtol)
    # where the textbook value is kept it agrees with the series to 1e-13
    rel = np.abs(fast - series) / series
    assert rel[kept].max() <= 1e-13
    # the error bound holds on both sides (up to the series' own ~1e-15)
    assert (np.abs(fast - series) <= bound + 2e-15 * series).all()
    # the public function takes the textbook value where kept, the series elsewhere
    got = public(*args)
    np.testing.assert_array_equal(got[kept], fast[kept])
    np.testing.assert_allclose(got, series, rtol=1e-13, atol=0)
    # and, against mpmath, the kept values closest to the switch are within 1e-13
    nearest = np.flatnonzero(kept)[np.argsort(-ratio[kept])[:4]]
    for i in nearest:
        row = [np.atleast_1d(x)[i] for x in args]
        want = float(reference(*row))
        assert got[i] == pytest.approx(want, rel=1e-13), (row, ratio[i])


def test_only_the_rejected_rows_reach_the_series(monkeypatch):
    """Easy rows stay on the fast path; the series sees the hard rows only."""
    seen = []
    series = kc._dirichlet_series

    def spy(a, b):
        seen.append(a.shape)
        return series(a, b)

    monkeypatch.setattr(kc, "_dirichlet_series", spy)
    easy_p, easy_q = [2.0, 3.0, 4.0], [1.0, 5.0, 0.5]
    hard_p, hard_q = [1e8, 1e8, 1e8], [1e8 + 1, 1e8, 1e8]  # cancels to ~1e-9
    got = kt.dirichlet_kl(
        [easy_p, hard_p, easy_p, easy_p], [easy_q, hard_q, easy_q, easy_q]
    )
    assert seen == [(1, 3)]
    assert got[1] == pytest.approx(kt.dirichlet_kl(hard_p, hard_q), rel=1e-15)
    seen.clear()
    kt.dirichlet_kl(np.tile(easy_p, (100, 1)), easy_q)
    assert seen == []  # nothing to recompute: the series is not called


def test_equal_parameters_are_exactly_zero_on_the_fast_path():
    a = np.array([[0.3, 7.0, 1e5], [1.0, 1.0, 1.0]])
    fast, bound = kc._dirichlet_textbook(a, a)
    np.testing.assert_array_equal(fast, 0.0)
    assert kc._accepted(fast, bound).all()
    fast, bound = kc._gamma_textbook(*(np.array([2.5, 1e6]),) * 4)
    np.testing.assert_array_equal(fast, 0.0)
    assert kc._accepted(fast, bound).all()
