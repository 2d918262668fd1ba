"""Tests of kltools.beliefs (the change-aware Bernoulli tracker) and of the
maths of the beliefs_swan explorable (kinds/beliefs_swan.js), run with Node.

Covers: reference values of the first observation; hazard 0 against the
conjugate BetaBernoulli (the grid converges to it); a hand-computed
two-step update with forgetting; the bound surprise <= surprisal
(hypothesis); a batch of streams equal to tracking each alone; units; bad
input. The detection helpers: window totals against a plain loop, and
change_detected on hand-made streams (windows before, after and straddling
the change), with its refusals. The JavaScript log-gamma and digamma are
compared with scipy, and its Beta KL with kltools.beta_kl, to 1e-9 over the
explorable's whole range; the factory refuses settings outside it.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import digamma, gammaln

import kltools as kt
from kltools import beliefs, explore

# --------------------------------------------------------------------------
# track_bernoulli
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "surprise", "surprisal"),
    [
        # First head from a uniform belief: D(Beta(2,1) || Beta(1,1)) =
        # 1 - 1/(2 ln 2) bits (closed form, see BetaBernoulli's doctest);
        # predictive probability 1/2 exactly by symmetry of the grid.
        (1, 1 - 1 / (2 * math.log(2)), 1.0),
        (0, 1 - 1 / (2 * math.log(2)), 1.0),
    ],
)
def test_first_observation_reference_values(x, surprise, surprisal):
    track = beliefs.track_bernoulli([x], n_grid=4000)
    assert track.surprise[0] == pytest.approx(surprise, rel=1e-6)
    assert track.surprisal[0] == pytest.approx(surprisal, rel=1e-12)
    assert track.mean[0] == pytest.approx(2 / 3 if x else 1 / 3, rel=1e-6)


def test_hazard_zero_approaches_the_conjugate_model():
    rng = np.random.default_rng(7)
    flips = (rng.random(200) < 0.3).astype(int)
    exact = kt.BetaBernoulli(1, 1).surprises(flips)
    coarse = beliefs.track_bernoulli(flips, n_grid=100).surprise
    fine = beliefs.track_bernoulli(flips, n_grid=2000).surprise
    assert np.max(np.abs(fine - exact)) < np.max(np.abs(coarse - exact))
    np.testing.assert_allclose(fine, exact, rtol=0.02, atol=1e-4)


def test_two_steps_with_forgetting_by_hand():
    # Grid {1/4, 3/4}; uniform start; h = 0.5.
    # Step 1, x = 1: prior (1/2, 1/2), joint (1/8, 3/8), p = 1/2, post (1/4, 3/4).
    # Step 2, x = 1: prior 0.5*(1/4, 3/4) + 0.5*(1/2, 1/2) = (3/8, 5/8),
    # joint (3/32, 15/32), p = 9/16, post (1/6, 5/6).
    track = beliefs.track_bernoulli([1, 1], hazard=0.5, n_grid=2)
    np.testing.assert_allclose(track.beliefs, [[0.25, 0.75], [1 / 6, 5 / 6]])
    np.testing.assert_allclose(track.surprisal, [1.0, -math.log2(9 / 16)])
    expected = kt.kl_divergence([1 / 6, 5 / 6], [3 / 8, 5 / 8])
    assert track.surprise[1] == pytest.approx(expected, rel=1e-12)
    assert track.entropy[1] == pytest.approx(kt.entropy([1 / 6, 5 / 6]), rel=1e-12)


@given(
    st.lists(st.integers(0, 1), min_size=1, max_size=30),
    st.floats(0, 0.5),
)
def test_surprise_never_exceeds_surprisal(flips, hazard):
    track = beliefs.track_bernoulli(flips, hazard=hazard, n_grid=50)
    assert np.all(track.surprise >= 0)
    assert np.all(track.surprise <= track.surprisal + 1e-12)
    np.testing.assert_allclose(track.beliefs.sum(axis=1), 1.0)


def test_units():
    bits = beliefs.track_bernoulli([1, 0, 1], hazard=0.1)
    nats = beliefs.track_bernoulli([1, 0, 1], hazard=0.1, base=math.e)
    for name in ("surprise", "surprisal", "entropy"):
        np.testing.assert_allclose(
            getattr(nats, name), getattr(bits, name) * math.log(2)
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"observations": [0, 2]}, ValueError, "observations must be 0 or 1, got 2"),
        ({"observations": []}, ValueError, "observations is empty"),
        ({"observations": [[[0, 1]]]}, ValueError, "must be a 1-D sequence or a 2-D"),
        ({"observations": np.zeros((2, 0))}, ValueError, "observations is empty"),
        ({"observations": [0, np.nan]}, ValueError, "observations contains NaN"),
        ({"observations": ["a"]}, TypeError, "observations must hold real numbers"),
        (
            {"observations": [1], "hazard": 1.0},
            ValueError,
            r"hazard must be in \[0, 1\)",
        ),
        (
            {"observations": [1], "hazard": -0.1},
            ValueError,
            r"hazard must be in \[0, 1\)",
        ),
        ({"observations": [1], "n_grid": 1}, ValueError, "n_grid must be at least 2"),
        ({"observations": [1], "n_grid": 2.5}, TypeError, "n_grid must be an integer"),
        ({"observations": [1], "base": 1}, ValueError, "base"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        beliefs.track_bernoulli(**kwargs)


@pytest.mark.parametrize("hazard", [0.0, 0.05])
def test_surprise_equals_the_divergence_of_the_beliefs(hazard):
    """The decomposition used inside track_bernoulli against D(posterior || prior)
    computed by kt.bayesian_surprise from the stored beliefs."""
    rng = np.random.default_rng(11)
    flips = (rng.random(300) < 0.3).astype(int)
    track = beliefs.track_bernoulli(flips, hazard=hazard, n_grid=60)
    uniform = np.full(60, 1 / 60)
    before = np.vstack([uniform, track.beliefs[:-1]])
    priors = (1 - hazard) * before + hazard * uniform
    want = kt.bayesian_surprise(priors, track.beliefs)
    np.testing.assert_allclose(track.surprise, want, rtol=1e-9, atol=1e-13)
    # and the surprisal is -log2 of the predictive probability
    predictive = np.where(flips == 1, priors @ track.grid, priors @ (1 - track.grid))
    np.testing.assert_allclose(track.surprisal, -np.log2(predictive), rtol=1e-12)


def test_batch_equals_each_stream_alone():
    rng = np.random.default_rng(3)
    flips = (rng.random((4, 50)) < 0.4).astype(int)
    batch = beliefs.track_bernoulli(flips, hazard=0.05, n_grid=40)
    lean = beliefs.track_bernoulli(flips, hazard=0.05, n_grid=40, keep_beliefs=False)
    assert batch.surprise.shape == (4, 50) and batch.beliefs.shape == (4, 50, 40)
    assert lean.beliefs is None
    for i, row in enumerate(flips):
        alone = beliefs.track_bernoulli(row, hazard=0.05, n_grid=40)
        np.testing.assert_allclose(batch.beliefs[i], alone.beliefs, rtol=1e-12)
        for name in ("surprise", "surprisal", "entropy", "mean"):
            want = getattr(alone, name)
            np.testing.assert_allclose(getattr(batch, name)[i], want, rtol=1e-12)
            np.testing.assert_allclose(getattr(lean, name)[i], want, rtol=1e-12)


def test_hazard_forgets_a_firm_belief():
    """After 400 tails the no-change belief barely moves on 20 heads; the
    change-aware one (h = 0.05) moves its mean most of the way to 1."""
    flips = np.r_[np.zeros(400, int), np.ones(20, int)]
    plain = beliefs.track_bernoulli(flips)
    aware = beliefs.track_bernoulli(flips, hazard=0.05)
    # no change: Beta(21, 401) has mean 21/422 (grid close to it)
    assert plain.mean[-1] == pytest.approx(21 / 422, rel=0.02)
    assert aware.mean[-1] > 0.8
    assert aware.surprise[400] > 10 * plain.surprise[400]  # the first head


# --------------------------------------------------------------------------
# window_totals and change_detected
# --------------------------------------------------------------------------


@given(
    st.lists(st.floats(-100, 100), min_size=1, max_size=30),
    st.integers(1, 30),
)
def test_window_totals_against_a_loop(values, width):
    width = min(width, len(values))
    got = beliefs.window_totals(values, width)
    want = [sum(values[j : j + width]) for j in range(len(values) - width + 1)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)


def test_change_detected_by_hand():
    # change after 4 observations; skip the first; horizon 2
    x = np.array([9.0, 1.0, 2.0, 1.0, 0.0, 3.0, 5.0])
    # before (width 1): observations 2..4 -> max 2; after: obs 5, 6 -> max 3
    assert beliefs.change_detected(x, 4, skip=1, horizon=2) is True
    # not skipping the first observation (9) hides the change
    assert beliefs.change_detected(x, 4, horizon=2) is False
    # the 7th observation (5) is beyond a horizon of 2
    y = np.array([0.0, 1.0, 2.0, 1.0, 0.0, 0.0, 5.0])
    assert beliefs.change_detected(y, 4, horizon=2) is False
    assert beliefs.change_detected(y, 4, horizon=3) is True
    # width 2: before windows (1,2),(2,3),(3,4) -> 1, 3, 3; after windows end
    # at obs 5, 6 -> (4,5) = 1, (5,6) = 0: not detected, though it straddles
    z = np.array([0.0, 1.0, 2.0, 1.0, 0.0, 0.0, 9.0])
    assert beliefs.change_detected(z, 4, width=2, horizon=2) is False
    # ties are not detections
    assert beliefs.change_detected([1.0, 0.0, 1.0], 2, horizon=1) is False


def test_change_detected_batch():
    x = np.array([[0.0, 1.0, 0.0, 2.0], [0.0, 3.0, 0.0, 2.0]])
    np.testing.assert_array_equal(
        beliefs.change_detected(x, 2, horizon=2), [True, False]
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"change_at": 2, "width": 0}, ValueError, "need width >= 1"),
        ({"change_at": 2, "horizon": 0}, ValueError, "horizon >= 1"),
        ({"change_at": 2, "skip": -1}, ValueError, "skip >= 0"),
        ({"change_at": 2, "skip": 2}, ValueError, "skip \\+ width <= change_at"),
        ({"change_at": 3, "horizon": 2}, ValueError, "change_at \\+ horizon <= n"),
        ({"change_at": 2.0}, TypeError, "change_at must be an integer"),
        ({"change_at": 2, "width": True}, TypeError, "width must be an integer"),
    ],
)
def test_change_detected_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        beliefs.change_detected([0.0, 1.0, 2.0, 3.0], **kwargs)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([1.0, 2.0], 3), ValueError, "width must be between 1 and the 2"),
        (([1.0, 2.0], 0), ValueError, "width must be between"),
        (([1.0, 2.0], 1.5), TypeError, "width must be an integer"),
        (([1.0, np.nan], 1), ValueError, "values contains NaN"),
    ],
)
def test_window_totals_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        beliefs.window_totals(*args)


# --------------------------------------------------------------------------
# The beliefs_swan explorable and its JavaScript maths
# --------------------------------------------------------------------------

KIND = explore.STATIC / "kinds" / "beliefs_swan.js"

RUNNER = r"""
const vm = require("vm"), fs = require("fs");
const names = "({beliefsLgamma, beliefsDigamma, beliefsBetaKL})";
const f = vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8") + ";" + names,
                             { RENDERERS: {} });
const calls = JSON.parse(fs.readFileSync(0, "utf8"));
console.log(JSON.stringify(calls.map(([fn, args]) => f[fn](...args))));
"""


def run_kind(calls):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (a stated prerequisite of `make test`)")
    done = subprocess.run(
        [node, "-e", RUNNER, str(KIND)],
        input=json.dumps(calls),
        capture_output=True,
        text=True,
        check=True,
    )
    return np.array(json.loads(done.stdout), dtype=float)


def test_js_lgamma_and_digamma_match_scipy():
    x = np.logspace(-9, 3.5, 300)
    got = run_kind([["beliefsLgamma", [v]] for v in x.tolist()])
    np.testing.assert_allclose(got, gammaln(x), rtol=1e-13, atol=1e-11)
    got = run_kind([["beliefsDigamma", [v]] for v in x.tolist()])
    np.testing.assert_allclose(got, digamma(x), rtol=1e-13, atol=1e-13)


def test_js_beta_kl_matches_kltools_over_the_explorable_range():
    m, n = np.meshgrid(
        np.logspace(-3, math.log10(0.5), 40), np.logspace(-1, math.log10(200), 40)
    )
    a, b = (m * n).ravel(), ((1 - m) * n).ravel()
    got = run_kind(
        [["beliefsBetaKL", [ai + 1, bi, ai, bi]] for ai, bi in zip(a, b, strict=True)]
    )
    np.testing.assert_allclose(got, kt.beta_kl(a + 1, b, a, b), rtol=1e-10)


def test_swan_quantities():
    w = explore.beliefs_swan(mean=0.01, strength=100)
    got = w.quantities()
    assert got["surprise"] == pytest.approx(
        kt.BetaBernoulli(1, 99).update(1), rel=1e-12
    )
    assert got["surprisal"] == pytest.approx(math.log2(100))
    assert got["posterior_mean"] == pytest.approx(2 / 101)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mean": 0.6}, r"mean must be in \[0.001, 0.5\]"),
        ({"mean": 0.0}, "mean must be > 0"),
        ({"strength": 500}, r"strength must be in \[0.1, 200\]"),
        ({"strength": -1}, "strength must be > 0"),
    ],
)
def test_swan_factory_refuses_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        explore.beliefs_swan(**kwargs)
