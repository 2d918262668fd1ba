"""Tests of kltools.betting: Kelly fractions, growth rates as KL divergences,
the simulated log-wealth paths, bets per doubling and first doubling times
(against an exact dynamic programme), and refused input."""

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
def test_bets_per_doubling(growth, expected):
    assert betting.bets_per_doubling(growth) == expected


def test_first_passage_times_of_hand_made_paths():
    paths = [
        [0.0, 0.6, -0.4, 0.2, 1.2],  # reaches 1 bit at bet 4
        [0.0, -1.0, -2.0, -1.0, 0.0],  # never
        [0.0, 1.0, 2.0, 3.0, 4.0],  # exactly 1 bit at bet 1 counts
        [0.0, 0.5, 0.7, 0.99, 0.5],  # close is not enough
        [1.5, 0.0, 0.0, 0.0, 0.0],  # bet 0 does not count
    ]
    np.testing.assert_array_equal(
        betting.first_passage_times(paths), [4, math.inf, 1, math.inf, math.inf]
    )
    # an upward passage: the first bet at or above the level
    np.testing.assert_array_equal(
        betting.first_passage_times(paths, level=0.5), [1, math.inf, 1, 1, math.inf]
    )


def test_first_passage_counts_an_exact_doubling_through_rounded_logs():
    # four wins at odds 2 ** (1/4) double the wealth exactly, but the rounded
    # log2 steps add up to 0.9999999999999998 bits
    step = math.log2(2 ** (1 / 4))
    path = np.concatenate([[0.0], np.cumsum([step] * 4)])
    assert path[-1] < 1
    assert betting.first_passage_times(path) == 4


def _exact_coin_first_doubling(n_max=2000):
    """P(tau = n) for a right Kelly bettor on a 3/4 coin at even odds, by a
    dynamic programme over the number of heads (the slow, obvious reference)."""
    up = math.log2(1.5)  # heads: wealth times 3/2; tails: times 1/2
    alive = np.array([1.0])  # P(h heads so far and not yet doubled)
    pmf = np.zeros(n_max + 1)
    for n in range(1, n_max + 1):
        nxt = np.zeros(n + 1)
        nxt[1:] += 0.75 * alive
        nxt[:-1] += 0.25 * alive
        h = np.arange(n + 1)
        hit = h * up - (n - h) >= 1 - 1e-12
        pmf[n] = nxt[hit].sum()
        nxt[hit] = 0.0
        alive = nxt
    return pmf


def test_first_doubling_of_the_coin_bettor_against_the_exact_law():
    pmf = _exact_coin_first_doubling()
    n = np.arange(pmf.size)
    exact_mean = float(n @ pmf)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert pmf[1] == 0.0 and pmf[2] == pytest.approx(9 / 16, abs=1e-15)  # HH
    growth = betting.growth_rate([0.75, 0.25], [0.5, 0.5])
    # Wald: the mean wait exceeds 1/D, which is not the mean wait
    assert exact_mean > betting.bets_per_doubling(growth) + 1
    paths = betting.simulate_log_wealth(
        [0.75, 0.25], [0.5, 0.5], n_bettors=4000, n_races=300, rng=3
    )
    tau = betting.first_passage_times(paths)
    assert np.isfinite(tau).all()
    se = tau.std(ddof=1) / math.sqrt(tau.size)
    assert abs(tau.mean() - exact_mean) < 4 * se
    assert np.median(tau) == 2.0
    share = np.mean(tau == 2)
    assert abs(share - 9 / 16) < 4 * math.sqrt(9 / 16 * 7 / 16 / tau.size)
    # Wald's identity on the sample: E[tau] D = E[log2 S_tau]
    at_tau = paths[np.arange(tau.size), tau.astype(int)]
    assert np.all(at_tau >= 1)
    assert at_tau.mean() / growth == pytest.approx(tau.mean(), rel=0.05)


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
            lambda: betting.bets_per_doubling(float("nan")),
            ValueError,
            r"growth contains NaN",
        ),
        (
            lambda: betting.first_passage_times([[0.0, float("nan")]]),
            ValueError,
            r"log_wealth contains NaN",
        ),
        (
            lambda: betting.first_passage_times([0.0]),
            ValueError,
            r"log_wealth must have paths of at least 2 entries",
        ),
        (
            lambda: betting.first_passage_times([["a", "b"]]),
            TypeError,
            r"log_wealth must hold real numbers",
        ),
        (
            lambda: betting.first_passage_times([0.0, 1.0], level=math.inf),
            ValueError,
            r"level must be a finite number",
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
