"""Tests of kltools.curiosity: expected information gain of a Beta-Bernoulli
arm (closed form, entropy form, Monte Carlo), the chain rule over steps, and
the bandit runs (determinism, policies, bad input)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_information_agent_prefers_the_unknown_arm():
    run = curiosity.run_bandit(
        [0.5, 0.5], "information", 10, prior_a=[1, 50], prior_b=[1, 50]
    )
    assert np.all(run.arms == 0)


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
    ],
)
def test_run_bandit_refuses_bad_input(kwargs, error, match):
    args = {"true_p": [0.3, 0.6], "policy": "random", "n_steps": 5, **kwargs}
    with pytest.raises(error, match=match):
        curiosity.run_bandit(**args)


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
