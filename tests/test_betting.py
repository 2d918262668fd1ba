"""Tests of kltools.betting: Kelly fractions, growth rates as KL divergences,
the simulated log-wealth paths, doubling times, and refused input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kltools as kt
from kltools import betting


def _dist(weights):
    w = np.asarray(weights, dtype=float) + 0.05  # keep every entry > 0
    return w / w.sum()


distributions = st.integers(2, 5).flatmap(
    lambda n: st.tuples(
        *[st.lists(st.floats(0, 1), min_size=n, max_size=n) for _ in range(3)]
    )
)


@pytest.mark.parametrize(
    ("p", "q", "r", "expected"),
    [
        # Cover and Thomas (2006), section 6.1: with uniform fair odds on m
        # outcomes the growth of a right bettor is log2 m - H(p).
        ([0.75, 0.25], [0.5, 0.5], None, 1 - (0.75 * math.log2(4 / 3) + 0.5)),
        # hand computation: 1/2 log2(3/2) + 1/2 log2(1/2) = log2(3)/2 - 1
        ([0.75, 0.25], [0.5, 0.5], [0.5, 0.5], math.log2(3) / 2 - 1),
        # a bettor who agrees with the market neither gains nor loses
        ([0.2, 0.3, 0.5], [0.2, 0.3, 0.5], [0.6, 0.2, 0.2], 0.0),
        # Kelly (1956): a sure-thing bettor against even odds gains 1 bit
        ([1.0, 0.0], [0.5, 0.5], None, 1.0),
        # staking nothing on an outcome that wins is ruin
        ([1.0, 0.0], [0.5, 0.5], [0.5, 0.5], -math.inf),
    ],
)
def test_growth_rate_reference_values(p, q, r, expected):
    assert betting.growth_rate(p, q, r) == pytest.approx(expected, abs=1e-15)


@settings(deadline=None, max_examples=200, derandomize=True)
@given(distributions)
def test_growth_identity(triple):
    p, q, r = (_dist(x) for x in triple)
    direct = float(np.sum(r * np.log2(p / q)))
    g = betting.growth_rate(p, q, r)
    assert g == pytest.approx(direct, abs=1e-12)
    assert g == pytest.approx(kt.kl_divergence(r, q) - kt.kl_divergence(r, p))
    assert betting.growth_rate(p, q) == pytest.approx(kt.kl_divergence(p, q))


@settings(deadline=None, max_examples=100, derandomize=True)
@given(distributions)
def test_kelly_stakes_beat_any_other_stakes(triple):
    p, q, b = (_dist(x) for x in triple)
    other = float(np.sum(p * np.log2(b / q)))  # growth staking b, truth p
    assert betting.growth_rate(p, q) >= other - 1e-12


def test_growth_rate_broadcasts_and_takes_a_base():
    P = np.array([[0.5, 0.5], [0.9, 0.1]])
    g = betting.growth_rate(P, [0.5, 0.5])
    assert g.shape == (2,)
    nats = betting.growth_rate(P, [0.5, 0.5], base=math.e)
    np.testing.assert_allclose(nats, g * math.log(2))


def test_kelly_fractions_are_the_beliefs():
    np.testing.assert_array_equal(betting.kelly_fractions([0.2, 0.8]), [0.2, 0.8])


@pytest.mark.parametrize(
    ("growth", "expected"), [(0.5, 2.0), (0.0, math.inf), (-0.3, math.inf)]
)
def test_doubling_time(growth, expected):
    assert betting.doubling_time(growth) == expected


@pytest.mark.parametrize("r", [None, [0.3, 0.4, 0.3], [0.6, 0.2, 0.2]])
def test_simulation_converges_within_standard_error(r):
    p, q = [0.5, 0.3, 0.2], [0.3, 0.4, 0.3]
    paths = betting.simulate_log_wealth(p, q, r, n_bettors=400, n_races=300, rng=7)
    assert paths.shape == (400, 301)
    assert np.all(paths[:, 0] == 0)
    slopes = paths[:, -1] / 300
    se = slopes.std(ddof=1) / math.sqrt(slopes.size)
    assert abs(slopes.mean() - betting.growth_rate(p, q, r)) < 4 * se


def test_simulation_is_seeded():
    a = betting.simulate_log_wealth(
        [0.6, 0.4], [0.5, 0.5], n_bettors=3, n_races=5, rng=1
    )
    b = betting.simulate_log_wealth(
        [0.6, 0.4], [0.5, 0.5], n_bettors=3, n_races=5, rng=1
    )
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: betting.growth_rate([0.5, 0.5], [1.0, 0.0]),
            ValueError,
            r"q must give every outcome a probability > 0",
        ),
        (
            lambda: betting.growth_rate([0.5, 0.6], [0.5, 0.5]),
            ValueError,
            r"p sums to 1\.1",
        ),
        (
            lambda: betting.growth_rate([0.5, 0.5], [0.5, 0.5], [-0.5, 1.5]),
            ValueError,
            r"r has negative entries|r .*negative",
        ),
        (
            lambda: betting.growth_rate([0.5, 0.5], [0.3, 0.3, 0.4]),
            ValueError,
            r"shapes do not broadcast",
        ),
        (
            lambda: betting.growth_rate([0.5, 0.5], [0.5, 0.5], base=1),
            ValueError,
            r"base must be a finite number",
        ),
        (
            lambda: betting.growth_rate(["a", "b"], [0.5, 0.5]),
            TypeError,
            r"p must hold real numbers",
        ),
        (
            lambda: betting.doubling_time(float("nan")),
            ValueError,
            r"growth contains NaN",
        ),
        (
            lambda: betting.simulate_log_wealth(
                [0.5, 0.5], [0.5, 0.5], n_bettors=0, n_races=3
            ),
            ValueError,
            r"n_bettors must be an integer >= 1, got 0",
        ),
        (
            lambda: betting.simulate_log_wealth(
                [[0.5, 0.5]] * 2, [0.5, 0.5], n_bettors=1, n_races=3
            ),
            ValueError,
            r"single distributions",
        ),
    ],
)
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()
