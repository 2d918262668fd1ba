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


# --- any odds, cash, fractional Kelly ---------------------------------------------


def _brute_force_optimum(p, odds, step=0.01):
    """Best stakes on a grid of the simplex {b >= 0, sum b <= 1} (3 outcomes)."""
    g = np.arange(0, 1 + step / 2, step)
    grid = np.stack(np.meshgrid(g, g, g, indexing="ij"), -1).reshape(-1, 3)
    grid = grid[grid.sum(axis=1) <= 1 + 1e-12]
    w = betting.stakes_growth_rate(grid, odds, p)
    return grid[np.argmax(w)], float(np.max(w))


@pytest.mark.parametrize("take", [0.05, 0.1, 0.3])
def test_kelly_with_cash_beats_a_grid_and_scipy(take):
    from scipy import optimize

    q = np.array([0.5, 0.3, 0.2])
    p = np.array([0.25, 0.4, 0.35])
    odds = (1 - take) / q  # a bookmaker's margin: sum 1/o = 1/(1 - take) > 1
    stakes, cash = betting.kelly_with_cash(p, odds)
    assert cash == pytest.approx(1 - stakes.sum(), abs=1e-15)
    w = betting.stakes_growth_rate(stakes, odds, p)
    grid_b, grid_w = _brute_force_optimum(p, odds)
    assert grid_w <= w + 1e-12
    assert np.max(np.abs(grid_b - stakes)) <= 0.01
    res = optimize.minimize(
        lambda b: -betting.stakes_growth_rate(b, odds, p),
        x0=np.full(3, 0.2),
        bounds=[(0, 1)] * 3,
        constraints=[{"type": "ineq", "fun": lambda b: 1 - b.sum()}],
        method="SLSQP",
        options={"ftol": 1e-14},
    )
    assert -res.fun <= w + 1e-10
    np.testing.assert_allclose(res.x, stakes, atol=1e-5)


def test_kelly_with_cash_by_hand():
    """Kelly (1956): back outcomes in order of p_i o_i while it beats the cash.
    Race p = (1/4, 2/5, 7/20) at odds 0.9/q, q = (1/2, 3/10, 1/5): C enters
    (p o = 1.575 > 1), then B (1.2 > 0.65/0.7778), not A (0.45 < 9/16)."""
    p = np.array([0.25, 0.4, 0.35])
    odds = 0.9 / np.array([0.5, 0.3, 0.2])
    stakes, cash = betting.kelly_with_cash(p, odds)
    b0 = (1 - 0.75) / (1 - 0.2 / 0.9 - 0.3 / 0.9)
    assert b0 == pytest.approx(9 / 16)
    assert cash == pytest.approx(9 / 16, rel=1e-12)
    np.testing.assert_allclose(stakes, [0.0, 0.4 - b0 / 3, 0.35 - b0 / 4.5], rtol=1e-12)
    # wealth after a win: p_i o_i on the backed outcomes, the cash elsewhere
    factor = cash + stakes * odds
    np.testing.assert_allclose(factor, [9 / 16, 1.2, 1.575], rtol=1e-12)
    # a coin at 1.9 each way: cash 0.4 / (1 - 1/1.9)
    stakes, cash = betting.kelly_with_cash([0.6, 0.4], [1.9, 1.9])
    assert cash == pytest.approx(0.4 / (1 - 1 / 1.9), rel=1e-12)
    # no outcome with p_i o_i > 1: keep everything
    stakes, cash = betting.kelly_with_cash([0.5, 0.5], [1.8, 1.8])
    assert cash == 1.0 and not stakes.any()


def test_kelly_with_cash_at_fair_and_superfair_odds_is_b_equals_p():
    p = np.array([0.25, 0.4, 0.35])
    q = np.array([0.5, 0.3, 0.2])
    stakes, cash = betting.kelly_with_cash(p, 1 / q)
    np.testing.assert_array_equal(stakes, p)
    assert cash == 0.0
    w = betting.stakes_growth_rate(stakes, 1 / q, p)
    assert w == pytest.approx(kt.kl_divergence(p, q), rel=1e-12)
    stakes, cash = betting.kelly_with_cash(p, 1.1 / q)  # superfair
    np.testing.assert_array_equal(stakes, p)
    _, grid_w = _brute_force_optimum(p, 1.1 / q)
    assert grid_w <= betting.stakes_growth_rate(stakes, 1.1 / q, p) + 1e-12


@settings(deadline=None, max_examples=100, derandomize=True)
@given(distributions, st.floats(0.0, 0.4))
def test_kelly_with_cash_satisfies_kkt(triple, take):
    """KKT with multiplier 1: p_i o_i / W_i <= 1 for every outcome (equality
    where staked) and sum_i p_i / W_i <= 1 (equality if cash > 0)."""
    p, q, _ = (_dist(x) for x in triple)
    odds = (1 - take) / q
    stakes, cash = betting.kelly_with_cash(p, odds)
    W = cash + stakes * odds
    assert np.all(p * odds / W <= 1 + 1e-9)
    assert np.allclose((p * odds / W)[stakes > 1e-12], 1)
    assert np.sum(p / W) <= 1 + 1e-9
    if cash > 1e-12:
        assert np.sum(p / W) == pytest.approx(1, abs=1e-9)


def test_margin_thresholds_of_the_chapter_race():
    """B is backed while (1 - t) 0.4/0.3 > 0.65 / (1 - 0.2/(1 - t)), that is
    while 1 - t > 0.2 + 0.65 * 0.75 = 0.6875: it drops out at t = 0.3125.
    C drops out at 1 - 0.2/0.35 = 3/7, and A (the lowest p/q) at 0."""
    p = np.array([0.25, 0.4, 0.35])
    q = np.array([0.5, 0.3, 0.2])
    t = betting.margin_thresholds(p, q)
    np.testing.assert_allclose(t, [0.0, 0.3125, 3 / 7], rtol=0, atol=1e-15)
    # the stake on B just below, at and just above its threshold
    stake_b = [
        betting.kelly_with_cash(p, (1 - m) / q)[0][1] for m in (0.3124, 0.3125, 0.3126)
    ]
    assert stake_b[0] > 1e-6 and stake_b[1] < 1e-12 and stake_b[2] == 0.0
    # a coin at p = 0.6 against even odds: heads is backed below 1 - 0.5/0.6
    np.testing.assert_allclose(
        betting.margin_thresholds([0.6, 0.4], [0.5, 0.5]), [1 / 6, 0.0], atol=1e-15
    )


@pytest.mark.parametrize("seed", range(4))
def test_margin_thresholds_match_a_fine_grid_of_margins(seed):
    """On margins in steps of 2.5e-4, each outcome's stake from kelly_with_cash
    is positive below its threshold and zero from the first grid point above."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    thresholds = betting.margin_thresholds(p, q)
    step = 2.5e-4
    margins = np.arange(1, 4000) * step  # 0 < t < 1
    stakes = np.array([betting.kelly_with_cash(p, (1 - m) / q)[0] for m in margins])
    for k, t_k in enumerate(thresholds):
        below = margins < t_k - 1e-9
        above = margins > t_k + 1e-9
        assert np.all(stakes[below, k] > 0)
        assert np.all(stakes[above, k] <= 1e-12)
        zero = margins[stakes[:, k] <= 1e-12]
        if t_k > step:  # the first zero stake on the grid is within a step
            assert t_k - 1e-9 <= zero[0] <= t_k + step
    assert thresholds[np.argmin(p / q)] == 0.0  # the worst ratio: never backed
    order = np.argsort(-(p / q))
    assert np.all(np.diff(thresholds[order]) <= 1e-12)  # a prefix is backed


def test_margin_thresholds_with_an_outcome_of_zero_belief():
    """p = (0.6, 0.4, 0), q = (0.4, 0.4, 0.2): A drops out at 1 - 0.4/0.6,
    B at 1 - 0.4 - 0.4 * (0.4/0.4) = 0.2, C is never backed."""
    t = betting.margin_thresholds([0.6, 0.4, 0.0], [0.4, 0.4, 0.2])
    np.testing.assert_allclose(t, [1 / 3, 0.2, 0.0], atol=1e-15)
    q = np.array([0.4, 0.4, 0.2])
    for m, backed in [(0.19, [True, True, False]), (0.21, [True, False, False])]:
        stakes, _ = betting.kelly_with_cash([0.6, 0.4, 0.0], (1 - m) / q)
        assert (stakes > 0).tolist() == backed


def test_stakes_growth_rate_reference_values():
    # fair odds, b = p: the KL growth rate of the chapter
    p, q = [0.75, 0.25], [0.5, 0.5]
    assert betting.stakes_growth_rate(p, [2, 2], p) == pytest.approx(
        betting.growth_rate(p, q)
    )
    # half Kelly on the coin: factors 5/4 and 3/4
    half = betting.stakes_growth_rate([0.375, 0.125], [2, 2], p)
    assert half == pytest.approx(0.75 * math.log2(1.25) + 0.25 * math.log2(0.75))
    # all cash: nothing changes
    assert betting.stakes_growth_rate([0, 0], [2, 2], p) == 0.0
    # all in on heads: ruin when tails can win, log2 2 = 1 bit when it cannot
    assert betting.stakes_growth_rate([1, 0], [2, 2], p) == -math.inf
    assert betting.stakes_growth_rate([1, 0], [2, 2], [1, 0]) == pytest.approx(1.0)
    # a batch of stakes and nats
    got = betting.stakes_growth_rate(
        [[0.375, 0.125], [0.75, 0.25]], [2, 2], p, base=math.e
    )
    assert got.shape == (2,)
    assert got[1] == pytest.approx(math.log(2) * betting.growth_rate(p, q))


def test_fractional_kelly_depends_on_fraction_times_overconfidence():
    """At fair odds, stakes f * (q + lam (r - q)) with cash 1 - f give
    W = sum r log(1 + f lam (r - q) / q): a function of s = f lam alone."""
    r, q = np.array([0.25, 0.4, 0.35]), np.array([0.5, 0.3, 0.2])
    for f, lam in [(0.5, 2.0), (1.0, 1.0), (0.8, 1.25)]:
        w = betting.stakes_growth_rate(f * (q + lam * (r - q)), 1 / q, r)
        assert w == pytest.approx(betting.growth_rate(r, q), rel=1e-12)
    w_half = betting.stakes_growth_rate(0.5 * r, 1 / q, r)
    direct = np.sum(r * np.log2(1 + 0.5 * (r - q) / q))
    assert w_half == pytest.approx(direct, rel=1e-12)
    assert w_half < betting.growth_rate(r, q)


def test_simulate_stakes_slopes_match_the_growth_rate():
    """Per-bettor stakes: the mean of slope - W is 0 within 4 standard errors;
    a single row of stakes reproduces simulate_log_wealth with the same seed."""
    r, q = np.array([0.25, 0.4, 0.35]), np.array([0.5, 0.3, 0.2])
    rng = np.random.default_rng(5)
    p_hat = rng.dirichlet(20 * r, size=2000)
    stakes = 0.5 * p_hat
    paths = betting.simulate_stakes(stakes, 1 / q, r, n_races=400, rng=6)
    assert paths.shape == (2000, 401)
    gap = paths[:, -1] / 400 - betting.stakes_growth_rate(stakes, 1 / q, r)
    assert abs(gap.mean()) < 4 * gap.std(ddof=1) / math.sqrt(gap.size)
    a = betting.simulate_stakes(r, 1 / q, r, n_races=50, n_bettors=7, rng=3)
    b = betting.simulate_log_wealth(r, q, n_bettors=7, n_races=50, rng=3)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_max_drawdown():
    paths = np.array([[0, 1, -1, 2, 1.5], [0, 1, 2, 3, 4], [0, -3, 1, -0.5, 0]])
    np.testing.assert_array_equal(betting.max_drawdown(paths), [2.0, 0.0, 3.0])
    assert betting.max_drawdown([0.0, -math.inf]) == math.inf
    # a random walk: the drawdown is at least the fall from the start
    walk = np.cumsum(np.random.default_rng(0).normal(size=(50, 200)), axis=1)
    assert np.all(betting.max_drawdown(walk) >= -walk.min(axis=1) - 1e-12)


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
        (
            lambda: betting.kelly_with_cash([0.5, 0.5], [2.0, 0.0]),
            ValueError,
            r"odds must be > 0",
        ),
        (
            lambda: betting.kelly_with_cash([0.5, 0.5], [2.0, 2.0, 2.0]),
            ValueError,
            r"odds must have 2 entries",
        ),
        (
            lambda: betting.margin_thresholds([[0.5, 0.5]] * 2, [0.5, 0.5]),
            ValueError,
            r"single distributions",
        ),
        (
            lambda: betting.margin_thresholds([0.5, 0.5], [1.0, 0.0]),
            ValueError,
            r"q must give every outcome a probability > 0",
        ),
        (
            lambda: betting.stakes_growth_rate([0.6, 0.6], [2, 2], [0.5, 0.5]),
            ValueError,
            r"stakes must sum to at most 1",
        ),
        (
            lambda: betting.stakes_growth_rate([-0.1, 0.5], [2, 2], [0.5, 0.5]),
            ValueError,
            r"stakes has negative entries",
        ),
        (
            lambda: betting.simulate_stakes([0.5, 0.5], [2, 2], [0.5, 0.5], n_races=0),
            ValueError,
            r"n_races must be an integer >= 1",
        ),
        (
            lambda: betting.simulate_stakes(
                [[0.5, 0.5]] * 2, [2, 2], [0.5, 0.5], n_races=3, n_bettors=3
            ),
            ValueError,
            r"n_bettors is 3 but stakes has 2 rows",
        ),
        (
            lambda: betting.max_drawdown([0.0, math.nan]),
            ValueError,
            r"log_wealth contains NaN",
        ),
        (
            lambda: betting.max_drawdown(["a"]),
            TypeError,
            r"log_wealth must hold real numbers",
        ),
    ],
)
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()
