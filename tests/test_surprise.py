"""Tests of kltools.surprise: bayesian_surprise and the conjugate models.

Covers the discrete measure's reference values; for BetaBernoulli,
GammaPoisson, NormalKnownVariance and DirichletCategorical: one update's
surprise against D(posterior || prior) computed independently (numerical
integration with scipy.stats densities, or a seeded Monte Carlo average),
posterior parameters after n updates against the batch conjugate update,
one-at-a-time updates against the vectorised stream, the grid version
through bayesian_surprise, the spike of surprise at a change point, the
documented state semantics (mutable, read-only attributes, copy, invalid
input leaves the belief alone), units, and every class of bad input.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

import kltools as kt

# --------------------------------------------------------------------------
# bayesian_surprise on discrete beliefs
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prior", "posterior", "expected"),
    [
        # Black swan: log2(100) bits (Itti & Baldi's surprise is D(post||prior)).
        ([0.01, 0.99], [1.0, 0.0], math.log2(100)),
        ([0.5, 0.5], [1.0, 0.0], 1.0),
        ([0.25, 0.25, 0.5], [0.25, 0.25, 0.5], 0.0),
        # Posterior weight where the prior had none: infinite surprise.
        ([1.0, 0.0], [0.5, 0.5], math.inf),
    ],
)
def test_bayesian_surprise_reference_values(prior, posterior, expected):
    assert kt.bayesian_surprise(prior, posterior) == pytest.approx(expected)


def test_bayesian_surprise_puts_the_posterior_first():
    prior, posterior = [0.2, 0.8], [0.7, 0.3]
    assert kt.bayesian_surprise(prior, posterior) == kt.kl_divergence(posterior, prior)
    assert kt.bayesian_surprise(prior, posterior) != kt.kl_divergence(prior, posterior)


# --------------------------------------------------------------------------
# One update against an independent computation of D(posterior || prior)
# --------------------------------------------------------------------------


def integrated_kl(post, prior):
    """D(post || prior) in nats by quadrature of scipy.stats densities.

    Integrates over the posterior's central 1 - 2e-14 of mass, beyond which
    the integrand is negligible at the tolerances used here.
    """

    def integrand(x):
        return post.pdf(x) * (post.logpdf(x) - prior.logpdf(x))

    lower, upper = post.ppf(1e-14), post.isf(1e-14)
    value, err = scipy.integrate.quad(integrand, lower, upper, limit=200)
    assert err < 1e-8
    return value


@pytest.mark.parametrize(
    ("a", "b", "x"),
    [(1.0, 1.0, 1), (1.0, 1.0, 0), (2.5, 4.0, 1), (7.0, 1.5, 0), (30.0, 20.0, 1)],
)
def test_beta_bernoulli_update_matches_quadrature(a, b, x):
    model = kt.BetaBernoulli(a, b, base=math.e)
    surprise = model.update(x)
    expected = integrated_kl(scipy.stats.beta(a + x, b + 1 - x), scipy.stats.beta(a, b))
    assert surprise == pytest.approx(expected, rel=1e-7, abs=1e-12)


@pytest.mark.parametrize(
    ("shape", "rate", "x"),
    [(1.0, 1.0, 0), (2.0, 1.0, 3), (5.0, 0.5, 1), (3.0, 2.0, 12)],
)
def test_gamma_poisson_update_matches_quadrature(shape, rate, x):
    model = kt.GammaPoisson(shape, rate, base=math.e)
    surprise = model.update(x)
    post = scipy.stats.gamma(shape + x, scale=1 / (rate + 1))
    prior = scipy.stats.gamma(shape, scale=1 / rate)
    expected = integrated_kl(post, prior)
    assert surprise == pytest.approx(expected, rel=1e-7, abs=1e-12)


@pytest.mark.parametrize(
    ("mu", "sigma", "noise", "x"),
    [(0.0, 1.0, 1.0, 0.0), (1.0, 2.0, 0.5, 3.0), (-4.0, 0.3, 3.0, 10.0)],
)
def test_normal_update_matches_quadrature(mu, sigma, noise, x):
    model = kt.NormalKnownVariance(mu, sigma, noise_sigma=noise, base=math.e)
    surprise = model.update(x)
    # Posterior from Bayes' rule written out (precision-weighted mean).
    var = 1 / (1 / sigma**2 + 1 / noise**2)
    mean = var * (mu / sigma**2 + x / noise**2)
    post = scipy.stats.norm(mean, math.sqrt(var))
    prior = scipy.stats.norm(mu, sigma)
    expected = integrated_kl(post, prior)
    assert surprise == pytest.approx(expected, rel=1e-7, abs=1e-12)
    assert model.mu == pytest.approx(mean, rel=1e-14)
    assert model.sigma == pytest.approx(math.sqrt(var), rel=1e-14)


@pytest.mark.parametrize(
    ("alpha", "x"), [([1.0, 1.0, 1.0], 0), ([0.5, 2.0, 3.0, 1.0], 3), ([4.0, 9.0], 1)]
)
def test_dirichlet_categorical_update_matches_monte_carlo(alpha, x):
    model = kt.DirichletCategorical(alpha, base=math.e)
    surprise = model.update(x)
    post_alpha = np.array(alpha)
    post_alpha[x] += 1
    post = scipy.stats.dirichlet(post_alpha)
    prior = scipy.stats.dirichlet(alpha)
    draws = post.rvs(size=50_000, random_state=np.random.default_rng(5))
    # Keep draws away from the faces, where float rounding makes logpdf fail.
    draws = draws[(draws > 1e-12).all(axis=1)]
    draws /= draws.sum(axis=1, keepdims=True)
    ratio = post.logpdf(draws.T) - prior.logpdf(draws.T)
    stderr = ratio.std(ddof=1) / math.sqrt(ratio.size)
    assert abs(surprise - ratio.mean()) < 5 * stderr
    assert stderr < 0.01  # the check above has teeth


def test_dirichlet_with_two_categories_is_beta_bernoulli():
    dirichlet = kt.DirichletCategorical([2.0, 3.0])
    beta = kt.BetaBernoulli(2.0, 3.0)
    stream = np.array([0, 1, 1, 0, 0, 0, 1])
    np.testing.assert_allclose(
        dirichlet.surprises(stream), beta.surprises(1 - stream), rtol=1e-10
    )


# --------------------------------------------------------------------------
# Batch conjugate updates and the vectorised stream
# --------------------------------------------------------------------------


def test_beta_bernoulli_after_n_updates_is_the_batch_posterior(rng):
    x = rng.random(500) < 0.3
    model = kt.BetaBernoulli(2.0, 5.0)
    model.surprises(x[:200])
    for xi in x[200:]:
        model.update(xi)
    assert (model.a, model.b) == (2.0 + x.sum(), 5.0 + (~x).sum())
    assert model.n_observations == 500


def test_gamma_poisson_after_n_updates_is_the_batch_posterior(rng):
    x = rng.poisson(4.0, size=300)
    model = kt.GammaPoisson(shape=2.0, rate=0.5)
    model.surprises(x)
    assert model.shape == 2.0 + x.sum()
    assert model.rate == 0.5 + x.size


def test_normal_after_n_updates_is_the_batch_posterior(rng):
    x = rng.normal(3.0, 2.0, size=400)
    model = kt.NormalKnownVariance(mu=-1.0, sigma=5.0, noise_sigma=2.0)
    for xi in x[:100]:
        model.update(xi)
    model.surprises(x[100:])
    precision = 1 / 5.0**2 + x.size / 2.0**2
    mean = (-1.0 / 5.0**2 + x.sum() / 2.0**2) / precision
    assert model.mu == pytest.approx(mean, rel=1e-12)
    assert model.sigma == pytest.approx(1 / math.sqrt(precision), rel=1e-12)


def test_dirichlet_after_n_updates_is_the_batch_posterior(rng):
    x = rng.integers(0, 4, size=250)
    model = kt.DirichletCategorical([0.5, 0.5, 1.0, 2.0])
    model.surprises(x)
    expected = np.array([0.5, 0.5, 1.0, 2.0]) + np.bincount(x, minlength=4)
    np.testing.assert_array_equal(model.alpha, expected)


MODELS = [
    pytest.param(
        lambda: kt.BetaBernoulli(1.5, 0.5), st.integers(0, 1), ("a", "b"), id="beta"
    ),
    pytest.param(
        lambda: kt.GammaPoisson(2.0, 0.3),
        st.integers(0, 30),
        ("shape", "rate"),
        id="gamma",
    ),
    pytest.param(
        lambda: kt.NormalKnownVariance(0.5, 2.0, noise_sigma=0.7),
        st.floats(-50, 50),
        ("mu", "sigma"),
        id="normal",
    ),
    pytest.param(
        lambda: kt.DirichletCategorical([0.3, 1.0, 2.0]),
        st.integers(0, 2),
        ("alpha",),
        id="dirichlet",
    ),
]


@pytest.mark.parametrize(("make", "obs", "params"), MODELS)
@given(data=st.data())
def test_one_at_a_time_equals_the_vectorised_stream(make, obs, params, data):
    stream = data.draw(st.lists(obs, min_size=1, max_size=30))
    one, many = make(), make()
    singles = np.array([one.update(x) for x in stream])
    vector = many.surprises(stream)
    np.testing.assert_allclose(singles, vector, rtol=1e-9, atol=1e-12)
    assert (vector >= 0).all()
    for name in params:
        np.testing.assert_allclose(getattr(one, name), getattr(many, name), rtol=1e-12)
    assert one.n_observations == many.n_observations == len(stream)


def test_beta_bernoulli_equal_streams_in_any_order_reach_the_same_belief():
    a, b = kt.BetaBernoulli(), kt.BetaBernoulli()
    sa = a.surprises([1, 1, 0, 0, 0])
    sb = b.surprises([0, 0, 0, 1, 1])
    assert (a.a, a.b) == (b.a, b.b) == (3.0, 4.0)
    assert not np.allclose(sa, sb)  # ...though the surprises differ on the way


def test_units():
    bits = kt.BetaBernoulli(2, 2).surprises([1, 0, 1])
    nats = kt.BetaBernoulli(2, 2, base=math.e).surprises([1, 0, 1])
    np.testing.assert_allclose(bits * math.log(2), nats, rtol=1e-14)
    assert kt.BetaBernoulli(base=math.e).base == math.e


def test_empty_stream_leaves_the_belief_alone():
    model = kt.GammaPoisson(2.0, 1.0)
    out = model.surprises([])
    assert out.shape == (0,)
    assert (model.shape, model.rate, model.n_observations) == (2.0, 1.0, 0)


# --------------------------------------------------------------------------
# The grid version: bayesian_surprise approximates the closed form
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "x"), [(1, 1, 1), (2, 5, 1), (2, 5, 0), (20, 8, 0)])
def test_bayesian_surprise_on_a_grid_approximates_beta_bernoulli(a, b, x):
    theta = (np.arange(20_000) + 0.5) / 20_000  # midpoints of (0, 1)
    prior = scipy.stats.beta(a, b).pdf(theta)
    prior /= prior.sum()
    posterior = prior * theta**x * (1 - theta) ** (1 - x)
    posterior /= posterior.sum()
    grid = kt.bayesian_surprise(prior, posterior)
    exact = kt.BetaBernoulli(a, b).update(x)
    # Midpoint rule: the error falls like 1 / n^2; 1e-6 relative at n = 2e4.
    assert grid == pytest.approx(exact, rel=1e-6)
    coarse = (np.arange(20) + 0.5) / 20
    pc = scipy.stats.beta(a, b).pdf(coarse)
    pc /= pc.sum()
    qc = pc * coarse**x * (1 - coarse) ** (1 - x)
    assert kt.bayesian_surprise(pc, qc / qc.sum()) != pytest.approx(exact, rel=1e-6)


# --------------------------------------------------------------------------
# Change point: surprise spikes when the coin changes
# --------------------------------------------------------------------------


def test_surprise_spikes_at_a_change_point():
    rng = np.random.default_rng(2005)  # Itti and Baldi's year
    rate = np.where(np.arange(400) < 200, 0.1, 0.9)
    stream = rng.random(400) < rate
    s = kt.BetaBernoulli(1, 1).surprises(stream)
    before = s[170:200].mean()
    after = s[200:230].mean()
    # Measured with this seed: before 0.0017 bits, after 0.0198 (11.5x).
    assert after > 5 * before
    # The spike is transient: by the end the new rate is no longer news.
    assert s[370:400].mean() < after / 5


def test_surprise_spike_is_typical_over_seeds():
    # One seed could be lucky: over 20 seeded streams the mean surprise in
    # the 30 steps after the jump is (measured) 5.0x that in the 30 before,
    # and larger in every one of the 20 streams.
    rate = np.where(np.arange(400) < 200, 0.1, 0.9)
    before, after = [], []
    for seed in range(20):
        stream = np.random.default_rng(seed).random(400) < rate
        s = kt.BetaBernoulli(1, 1).surprises(stream)
        before.append(s[170:200].mean())
        after.append(s[200:230].mean())
    assert np.mean(after) > 3.5 * np.mean(before)
    assert np.mean(np.array(after) > np.array(before)) >= 0.95


def test_surprise_does_not_spike_without_a_change_point():
    # The control: the same seeds with the rate left at 0.1 show no spike.
    ratios = []
    for seed in range(20):
        stream = np.random.default_rng(seed).random(400) < 0.1
        s = kt.BetaBernoulli(1, 1).surprises(stream)
        ratios.append(s[200:230].mean() / s[170:200].mean())
    assert 0.5 < np.mean(ratios) < 2


# --------------------------------------------------------------------------
# State semantics
# --------------------------------------------------------------------------


def test_parameters_are_read_only():
    model = kt.BetaBernoulli(1, 1)
    with pytest.raises(AttributeError):
        model.a = 5.0
    die = kt.DirichletCategorical([1, 1, 1])
    with pytest.raises(ValueError, match="read-only"):
        die.alpha[0] = 10.0
    die.update(0)
    with pytest.raises(ValueError, match="read-only"):
        die.alpha[0] = 10.0


def test_copy_is_independent():
    model = kt.DirichletCategorical([1, 2, 3])
    snapshot = model.copy()
    model.surprises([0, 0, 1])
    np.testing.assert_array_equal(snapshot.alpha, [1, 2, 3])
    np.testing.assert_array_equal(model.alpha, [3, 3, 3])
    assert snapshot.n_observations == 0 and model.n_observations == 3


def test_dirichlet_does_not_alias_the_callers_array():
    alpha = np.array([1.0, 1.0])
    model = kt.DirichletCategorical(alpha)
    alpha[0] = 100.0
    assert model.alpha[0] == 1.0


def test_bad_observation_in_a_stream_leaves_the_belief_alone():
    model = kt.BetaBernoulli(1, 1)
    with pytest.raises(ValueError, match="must be 0 or 1"):
        model.surprises([1, 0, 2])
    assert (model.a, model.b, model.n_observations) == (1.0, 1.0, 0)


def test_repr_shows_the_current_belief():
    model = kt.NormalKnownVariance(1.0, 2.0)
    assert repr(model) == "NormalKnownVariance(mu=1.0, sigma=2.0)"
    assert repr(kt.DirichletCategorical([1, 2])) == (
        "DirichletCategorical(alpha=array([1., 2.]))"
    )


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: kt.BetaBernoulli(0, 1), ValueError, "a must be > 0"),
        (lambda: kt.BetaBernoulli(1, -2), ValueError, "b must be > 0"),
        (lambda: kt.BetaBernoulli(math.nan, 1), ValueError, "a contains NaN"),
        (lambda: kt.BetaBernoulli(math.inf, 1), ValueError, "a contains infinite"),
        (lambda: kt.BetaBernoulli("1", 1), TypeError, "a must hold real numbers"),
        (lambda: kt.BetaBernoulli([1, 2], 1), ValueError, "a must be a single number"),
        (lambda: kt.BetaBernoulli(base=1), ValueError, "base must be"),
        (lambda: kt.GammaPoisson(shape=0), ValueError, "shape must be > 0"),
        (lambda: kt.GammaPoisson(rate=-1), ValueError, "rate must be > 0"),
        (lambda: kt.NormalKnownVariance(mu=math.inf), ValueError, "mu contains inf"),
        (lambda: kt.NormalKnownVariance(mu=[0, 1]), ValueError, "mu must be a single"),
        (lambda: kt.NormalKnownVariance(sigma=0), ValueError, "sigma must be > 0"),
        (
            lambda: kt.NormalKnownVariance(noise_sigma=-1),
            ValueError,
            "noise_sigma must be > 0",
        ),
        (lambda: kt.DirichletCategorical([1]), ValueError, "K >= 2"),
        (lambda: kt.DirichletCategorical([[1, 1]]), ValueError, "1-D array"),
        (lambda: kt.DirichletCategorical([1, 0]), ValueError, "alpha must be > 0"),
        (lambda: kt.DirichletCategorical([]), ValueError, "alpha is empty"),
    ],
)
def test_constructors_refuse_bad_parameters(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    ("make", "stream", "error", "match"),
    [
        (kt.BetaBernoulli, [0, 1, 2], ValueError, "observations must be 0 or 1"),
        (kt.BetaBernoulli, [0.5], ValueError, "must be 0 or 1"),
        (kt.BetaBernoulli, [0, math.nan], ValueError, "observations contains NaN"),
        (kt.BetaBernoulli, [0, math.inf], ValueError, "contains infinite"),
        (kt.BetaBernoulli, ["H", "T"], TypeError, "observations must hold numbers"),
        (kt.BetaBernoulli, [[0, 1]], ValueError, "must be a 1-D sequence"),
        (kt.BetaBernoulli, [[0, 1], [1]], ValueError, "not a rectangular array"),
        (kt.GammaPoisson, [1, -1], ValueError, r"counts \(integers >= 0\), got -1"),
        (kt.GammaPoisson, [1.5], ValueError, "counts"),
        (lambda: kt.DirichletCategorical([1, 1, 1]), [3], ValueError, "0 ... 2"),
        (lambda: kt.DirichletCategorical([1, 1, 1]), [-1], ValueError, "0 ... 2"),
        (lambda: kt.DirichletCategorical([1, 1, 1]), [0.5], ValueError, "0 ... 2"),
        (kt.NormalKnownVariance, [0.0, math.nan], ValueError, "contains NaN"),
    ],
)
def test_streams_refuse_bad_observations(make, stream, error, match):
    model = make()
    with pytest.raises(error, match=match):
        model.surprises(stream)


def test_update_takes_one_observation():
    with pytest.raises(ValueError, match="x must be one observation"):
        kt.BetaBernoulli().update([0, 1])
    with pytest.raises(ValueError, match="x must be 0 or 1"):
        kt.BetaBernoulli().update(3)
