"""Tests of kltools.curiosity: expected information gain of a Beta-Bernoulli
arm (closed form, entropy form, Monte Carlo), of a noisy reading (a hand
formula and scipy quadrature), the chain rule over steps, and the bandit
runs (determinism, policies and their tie rule, noisy readings on the grid
against the exact Beta model, bad input)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import kltools as kt
from kltools import curiosity

concentration = st.floats(min_value=0.05, max_value=200, allow_nan=False)


@pytest.mark.parametrize(
    ("a", "b", "expected_nats"),
    [
        # Beta(1, 1): S(1) = S(0) = ln 2 - 1/2 (H(Y) = ln 2, E[H(Y|Θ)] = 1/2)
        (1.0, 1.0, math.log(2) - 0.5),
        # Beta(2, 2): H(Y) = ln 2 and E[H(Y|Θ)] = ψ(5) - ψ(3) = 1/3 + 1/4
        (2.0, 2.0, math.log(2) - 7 / 12),
    ],
)
def test_reference_values(a, b, expected_nats):
    """Hand-derived values from H(Y) - E[H(Y | Θ)] with ψ(n+1) - ψ(n) = 1/n."""
    got = curiosity.expected_information_gain(a, b, base=math.e)
    assert got == pytest.approx(expected_nats, rel=1e-12)
    assert curiosity.information_gain_entropy_form(a, b, base=math.e) == (
        pytest.approx(expected_nats, rel=1e-12)
    )


@settings(deadline=None, max_examples=200)
@given(concentration, concentration)
def test_two_forms_agree(a, b):
    g1 = curiosity.expected_information_gain(a, b)
    g2 = curiosity.information_gain_entropy_form(a, b)
    assert g1 == pytest.approx(g2, rel=1e-7, abs=1e-10)
    assert 0 <= g1 <= 1 + 1e-12  # never more than H(Y) <= 1 bit


def test_gain_matches_monte_carlo():
    """Sample θ from the belief, then y; average the surprise of y."""
    rng = np.random.default_rng(7)
    a, b = 2.5, 4.0
    theta = rng.beta(a, b, size=200_000)
    y = (rng.random(theta.size) < theta).astype(float)
    s = kt.beta_kl(a + y, b + 1 - y, a, b)
    assert s.mean() == pytest.approx(
        curiosity.expected_information_gain(a, b), rel=1e-2
    )


def test_gain_broadcasts_and_falls_with_evidence():
    g = curiosity.expected_information_gain(np.arange(1, 30), np.arange(1, 30))
    assert g.shape == (29,)
    assert np.all(np.diff(g) < 0)


@pytest.mark.parametrize(
    ("a", "b", "n"), [(1, 1, 1), (1, 1, 6), (0.5, 2, 12), (3, 7, 40)]
)
def test_chain_rule(a, b, n):
    steps = curiosity.stepwise_information_gains(a, b, n)
    total = curiosity.total_information_gain(a, b, n)
    assert steps.shape == (n,)
    assert steps.sum() == pytest.approx(total, rel=1e-10)
    assert steps[0] == pytest.approx(curiosity.expected_information_gain(a, b))


def test_total_gain_is_average_final_divergence_by_enumeration():
    """Enumerate all 2^n sequences: E[D(final || prior)] = E[sum of surprises]."""
    a, b, n = 1.5, 2.0, 8
    e_final = e_sum = 0.0
    for seq in itertools.product([0, 1], repeat=n):
        k = sum(seq)
        prob = math.exp(
            math.lgamma(a + k)
            + math.lgamma(b + n - k)
            - math.lgamma(a + b + n)
            - math.lgamma(a)
            - math.lgamma(b)
            + math.lgamma(a + b)
        )
        e_final += prob * kt.beta_kl(a + k, b + n - k, a, b)
        e_sum += prob * kt.BetaBernoulli(a, b).surprises(seq).sum()
    total = curiosity.total_information_gain(a, b, n)
    assert e_final == pytest.approx(total, rel=1e-10)
    assert e_sum == pytest.approx(total, rel=1e-10)


def test_sum_of_surprises_differs_from_final_divergence_on_one_path():
    seq = [1, 1, 1, 0, 0, 0]
    total = kt.BetaBernoulli(1, 1).surprises(seq).sum()
    final = kt.beta_kl(4, 4, 1, 1)
    assert abs(total - final) > 0.1


@pytest.mark.parametrize("policy", curiosity.POLICIES)
def test_run_is_deterministic_and_consistent(policy):
    p = [0.2, 0.5, 0.9]
    r1 = curiosity.run_bandit(p, policy, 30, seed=3)
    r2 = curiosity.run_bandit(p, policy, 30, seed=3)
    np.testing.assert_array_equal(r1.arms, r2.arms)
    np.testing.assert_array_equal(r1.outcomes, r2.outcomes)
    counts = np.bincount(r1.arms, minlength=3)
    np.testing.assert_allclose(r1.a[-1] + r1.b[-1] - 2, counts)
    np.testing.assert_allclose(
        r1.model_error, kt.bernoulli_kl(p, r1.a / (r1.a + r1.b)).sum(-1)
    )
    assert r1.gains.shape == (30,) and np.all(r1.gains >= 0)
    assert "BanditRun" in repr(r1)


def _binary_entropy(s):
    return -(s * math.log(s) + (1 - s) * math.log(1 - s)) if 0 < s < 1 else 0.0


def _uniform_noisy_gain_nats(eps):
    """I(Y; Θ) for a uniform belief and flip eps, by hand: H(Y) = ln 2 and
    E[H(s)] with s = eps + (1 - 2 eps) θ uniform on [eps, 1 - eps], from the
    antiderivative F of the binary entropy."""

    def antiderivative(s):
        out = s**2 / 4 - (1 - s) ** 2 / 4
        if s > 0:
            out -= s**2 / 2 * math.log(s)
        if s < 1:
            out += (1 - s) ** 2 / 2 * math.log(1 - s)
        return out

    mean_h = (antiderivative(1 - eps) - antiderivative(eps)) / (1 - 2 * eps)
    return math.log(2) - mean_h


@pytest.mark.parametrize("eps", [0.0, 0.01, 0.1, 0.25, 0.4, 0.49])
def test_reading_gain_of_a_uniform_belief_by_hand(eps):
    got = curiosity.reading_information_gain(1, 1, eps, base=math.e)
    assert got == pytest.approx(_uniform_noisy_gain_nats(eps), rel=1e-10)


@pytest.mark.parametrize(
    ("a", "b", "eps"),
    [(4, 2, 0.1), (0.5, 0.5, 0.2), (30, 30, 0.05), (1, 29, 0.3), (50, 3, 0.45)],
)
def test_reading_gain_against_quadrature(a, b, eps):
    def integrand(t):
        return stats.beta.pdf(t, a, b) * _binary_entropy(eps + (1 - 2 * eps) * t)

    mean_h, _ = integrate.quad(integrand, 0, 1, limit=200, epsabs=1e-13)
    m = a / (a + b)
    expected = _binary_entropy(eps + (1 - 2 * eps) * m) - mean_h
    got = curiosity.reading_information_gain(a, b, eps, base=math.e)
    assert got == pytest.approx(expected, rel=1e-8, abs=1e-13)


def test_reading_gain_without_noise_is_the_closed_form_and_falls_with_noise():
    a, b = np.array([1.0, 4.0, 0.5]), np.array([1.0, 2.0, 0.5])
    np.testing.assert_allclose(
        curiosity.reading_information_gain(a, b),
        curiosity.expected_information_gain(a, b),
        rtol=1e-12,
    )
    eps = np.linspace(0, 0.5, 11)
    g = curiosity.reading_information_gain(4, 2, eps)
    assert np.all(np.diff(g) < 0)  # data processing: noise only loses
    assert g[-1] == 0.0  # a fair-coin reading teaches nothing


def test_reading_gain_refuses_bad_flip():
    with pytest.raises(ValueError, match=r"flip must be in \[0, 0.5\]"):
        curiosity.reading_information_gain(1, 1, 0.7)
    with pytest.raises(ValueError, match=r"flip must be a probability"):
        curiosity.reading_information_gain(1, 1, -0.1)


@pytest.mark.parametrize("policy", curiosity.POLICIES)
@pytest.mark.parametrize("flip", [0.0, [0.0, 0.2, 0.5]])
def test_batched_runs_are_the_single_runs(policy, flip):
    p, seeds = [0.2, 0.6, 0.9], [4, 0, 11]
    batch = curiosity.run_bandits(
        p, policy, 25, seeds=seeds, prior_a=[1, 2, 1], flip=flip
    )
    for seed, got in zip(seeds, batch, strict=True):
        one = curiosity.run_bandit(
            p, policy, 25, prior_a=[1, 2, 1], flip=flip, seed=seed
        )
        np.testing.assert_array_equal(got.arms, one.arms)
        np.testing.assert_array_equal(got.outcomes, one.outcomes)
        np.testing.assert_allclose(got.model_error, one.model_error, rtol=1e-12)
        np.testing.assert_allclose(got.learned, one.learned, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(got.gains, one.gains, rtol=1e-10, atol=1e-14)


def test_information_agent_prefers_the_unknown_arm():
    run = curiosity.run_bandit(
        [0.5, 0.5], "information", 10, prior_a=[1, 50], prior_b=[1, 50]
    )
    assert np.all(run.arms == 0)


def test_information_agent_is_round_robin_while_gains_tie():
    # With uniform priors every gain ties in the first round, and after one
    # pull of each arm G(2, 1) = G(1, 2) ties again: the tie rule (lowest arm,
    # within a relative tolerance) makes the first 2k pulls round robin.
    p = [0.2, 0.7, 0.4, 0.5, 0.9, 0.1]
    for seed in range(20):
        run = curiosity.run_bandit(p, "information", 12, seed=seed)
        np.testing.assert_array_equal(run.arms, list(range(6)) * 2)
    assert curiosity.expected_information_gain(2, 1) == pytest.approx(
        curiosity.expected_information_gain(1, 2), rel=1e-14
    )


def test_least_counted_pulls_the_arm_with_least_evidence():
    # evidence a + b: 2 and 6; arm 0 catches up in four pulls, then turns
    run = curiosity.run_bandit(
        [0.5, 0.5], "least_counted", 8, prior_a=[1, 3], prior_b=[1, 3]
    )
    np.testing.assert_array_equal(run.arms, [0, 0, 0, 0, 0, 1, 0, 1])


def test_broken_sensor_is_never_read_and_grid_matches_beta():
    p = [0.3, 0.8]
    run = curiosity.run_bandit(p, "information", 40, flip=[0.0, 0.5], seed=5)
    assert np.all(run.arms == 0)  # its expected gain is exactly 0
    np.testing.assert_array_equal(run.means[:, 1], 0.5)  # never moved
    # the clean arm's grid belief is the Beta posterior of its counts, to
    # the accuracy of the 512-point midpoint grid
    a, b = run.a[:, 0], run.b[:, 0]
    np.testing.assert_allclose(run.means[:, 0], a / (a + b), atol=1e-5)
    exact = kt.beta_kl(a[1:], b[1:], a[:-1], b[:-1])
    np.testing.assert_allclose(run.gains, exact, atol=1e-4)
    np.testing.assert_allclose(run.learned, kt.beta_kl(a, b, 1, 1), atol=5e-4)
    np.testing.assert_allclose(
        run.model_error, kt.bernoulli_kl(p, run.means).sum(-1), rtol=1e-12
    )


def test_tiny_noise_on_the_grid_reproduces_the_exact_run():
    p = [0.2, 0.7, 0.4]
    exact = curiosity.run_bandit(p, "information", 30, seed=2)
    grid = curiosity.run_bandit(p, "information", 30, flip=1e-12, seed=2)
    np.testing.assert_array_equal(grid.arms, exact.arms)
    np.testing.assert_array_equal(grid.outcomes, exact.outcomes)
    np.testing.assert_allclose(grid.means, exact.means, atol=1e-5)
    np.testing.assert_allclose(grid.learned, exact.learned, atol=5e-4)


def test_noisy_readings_are_flipped_at_the_given_rate():
    # a pure-noise sensor on an arm that always pays reads 1 half the time
    run = curiosity.run_bandit([1.0, 0.0], "round_robin", 4000, flip=0.5, seed=1)
    ones = run.outcomes[run.arms == 0].mean()
    assert abs(ones - 0.5) < 4 * math.sqrt(0.25 / 2000)
    run = curiosity.run_bandit([1.0, 0.0], "round_robin", 4000, flip=0.1, seed=1)
    assert abs(run.outcomes[run.arms == 0].mean() - 0.9) < 4 * math.sqrt(0.09 / 2000)


def test_round_robin_takes_turns():
    run = curiosity.run_bandit([0.1, 0.2, 0.3], "round_robin", 7)
    np.testing.assert_array_equal(run.arms, [0, 1, 2, 0, 1, 2, 0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"true_p": [0.5, 1.2]}, ValueError, r"true_p must be a probability"),
        ({"true_p": [0.5]}, ValueError, r">= 2 arms"),
        ({"policy": "greedy"}, ValueError, r"policy must be one of"),
        ({"n_steps": 0}, ValueError, r"n must be a positive integer"),
        ({"prior_a": -1.0}, ValueError, r"prior_a must be > 0"),
        ({"prior_b": [1.0, 2.0, 3.0]}, ValueError, r"prior_b must be one number or"),
        ({"flip": 0.7}, ValueError, r"flip must be in \[0, 0.5\]"),
        ({"flip": [0.1, 0.2, 0.3]}, ValueError, r"flip must be one number or one"),
    ],
)
def test_run_bandit_refuses_bad_input(kwargs, error, match):
    args = {"true_p": [0.3, 0.6], "policy": "random", "n_steps": 5, **kwargs}
    with pytest.raises(error, match=match):
        curiosity.run_bandit(**args)


def test_run_bandits_refuses_no_seeds():
    with pytest.raises(ValueError, match=r"seeds must hold at least one seed"):
        curiosity.run_bandits([0.3, 0.6], "random", 5, seeds=[])


def test_gain_functions_refuse_bad_input():
    with pytest.raises(ValueError, match=r"a must be > 0"):
        curiosity.expected_information_gain(0.0, 1.0)
    with pytest.raises(ValueError, match=r"b contains NaN"):
        curiosity.information_gain_entropy_form(1.0, float("nan"))
    with pytest.raises(ValueError, match=r"shapes do not broadcast"):
        curiosity.expected_information_gain([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"base must be"):
        curiosity.expected_information_gain(1, 1, base=1)
    with pytest.raises(ValueError, match=r"n must be a positive integer"):
        curiosity.total_information_gain(1, 1, 2.5)
    with pytest.raises(ValueError, match=r"a must be a single number"):
        curiosity.stepwise_information_gains([1, 2], 1, 3)


# --- the other argument order: lautum information ---------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected_nats"),
    [
        # Beta(1, 1): E[ln Θ] = -1, so L = 1 - ln 2
        (1.0, 1.0, 1 - math.log(2)),
        # Beta(2, 2): E[ln Θ] = ψ(2) - ψ(4) = -(1/2 + 1/3)
        (2.0, 2.0, 5 / 6 - math.log(2)),
    ],
)
def test_lautum_reference_values(a, b, expected_nats):
    got = curiosity.lautum_information_gain(a, b, base=math.e)
    assert got == pytest.approx(expected_nats, rel=1e-12)


@settings(deadline=None, max_examples=200)
@given(concentration, concentration)
def test_lautum_is_expected_divergence_of_prior_from_posterior(a, b):
    """The closed form against the definition, with kt.beta_kl the other way."""
    m = a / (a + b)
    by_definition = m * kt.beta_kl(a, b, a + 1, b) + (1 - m) * kt.beta_kl(
        a, b, a, b + 1
    )
    got = curiosity.lautum_information_gain(a, b)
    assert got == pytest.approx(by_definition, rel=1e-7, abs=1e-10)


def test_lautum_against_quadrature_of_the_reversed_joint():
    """E_θ D(Bernoulli(m) || Bernoulli(θ)) by scipy quadrature, Beta(2.5, 4)."""
    a, b = 2.5, 4.0
    m = a / (a + b)

    def integrand(t):
        return stats.beta.pdf(t, a, b) * float(kt.bernoulli_kl(m, t, base=math.e))

    value, _ = integrate.quad(integrand, 0, 1, limit=200)
    got = curiosity.lautum_information_gain(a, b, base=math.e)
    assert got == pytest.approx(value, rel=1e-8)


def test_lautum_exceeds_the_information_gain_for_beta_beliefs():
    """On a log grid of Beta beliefs L > I, and L / I -> 1 as evidence grows."""
    grid = np.geomspace(0.05, 500, 40)
    a, b = np.meshgrid(grid, grid)
    lautum = curiosity.lautum_information_gain(a, b)
    gain = curiosity.expected_information_gain(a, b)
    assert np.all(lautum > gain)
    big = curiosity.lautum_information_gain(1000, 1000)
    assert big / curiosity.expected_information_gain(1000, 1000) == pytest.approx(
        1, abs=1e-3
    )


def test_lautum_refuses_bad_input():
    with pytest.raises(ValueError, match=r"a must be > 0"):
        curiosity.lautum_information_gain(0, 1)
    with pytest.raises(ValueError, match="base"):
        curiosity.lautum_information_gain(1, 1, base=1)
