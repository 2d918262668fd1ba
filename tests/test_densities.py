"""Tests of kltools.densities and its explorable (kltools.explore.densities).

Covers the closed forms of family_kl and family_entropy against values
worked by hand, scipy.stats entropies, mpmath quadrature at 30 digits and a
seeded Monte Carlo average; which pairs are infinite, and why; the fixed
quadrature rule of cauchy_log_term against mpmath; exact bin masses, and
the properties of binning (binned KL never above the continuous KL, never
lowered by cutting a bin, converging to it; binned entropy minus log(1/Δ)
falling to h); kl_quad and entropy_quad against the closed forms, their
refusal of divergent integrals; the change of variables (KL unchanged,
differential entropy shifted by E log g'); the explorable's quantities, its
JavaScript port (run in Node against kltools to 1e-12) and the refusal of
bad input.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import subprocess

import mpmath
import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given
from hypothesis import strategies as hst

import kltools as kt
from kltools import densities, explore
from kltools.explore._core import _esm

E = math.e
LN2 = math.log(2)
FAMILIES = list(densities.FAMILIES)

# --- reference values ---------------------------------------------------------

# (family_p, loc_p, scale_p, family_q, loc_q, scale_q, nats, source)
REFERENCE_NATS = [
    ("normal", 0, 1, "normal", 1, 1, 0.5, "equal variances: (mu_p - mu_q)^2 / 2"),
    ("normal", 0, 1, "normal", 1, 2, LN2 + 2 / 8 - 0.5, "log 2 + (1 + 1)/8 - 1/2"),
    (
        "uniform",
        0.5,
        0.5,
        "normal",
        0,
        1,
        1 / 6 + 0.5 * math.log(2 * math.pi),
        "U(0, 1) against N(0, 1): E x^2 / 2 + log sqrt(2 pi), h = 0",
    ),
    (
        "laplace",
        0,
        1,
        "normal",
        0,
        1,
        0.5 * math.log(2 * math.pi) - LN2,
        "-(1 + log 2) + log sqrt(2 pi) + E x^2 / 2 with E x^2 = 2",
    ),
    (
        "normal",
        0,
        1,
        "laplace",
        0,
        1,
        -0.5 * (1 + math.log(2 * math.pi)) + LN2 + math.sqrt(2 / math.pi),
        "-h(N) + log 2 + E|x|, E|x| = sqrt(2/pi)",
    ),
    ("laplace", 0, 1, "laplace", 0, 2, LN2 + 1 / 2 - 1, "log 2 + 1/2 - 1"),
    ("laplace", 1, 1, "laplace", 0, 1, 1 + math.exp(-1) - 1, "|d| + e^-|d| - 1"),
    ("cauchy", 0, 1, "cauchy", 0, 1, 0.0, "identical"),
    ("cauchy", 0, 1, "cauchy", 0, 3, math.log(16 / 12), "log (1+3)^2 / (4 * 3)"),
    ("cauchy", 2, 1, "cauchy", 0, 1, math.log(2), "log (4 + 4) / 4"),
    ("uniform", 0, 1, "uniform", 0, 2, LN2, "log of the width ratio"),
    ("uniform", 1, 1, "uniform", 0, 2, LN2, "[0, 2] inside [-2, 2]"),
    (
        "uniform",
        0,
        1,
        "laplace",
        0,
        1,
        -LN2 + LN2 + 0.5,
        "-log 2 + log 2 + E|x| with E|x| = 1/2 on [-1, 1]",
    ),
    (
        "uniform",
        0,
        1,
        "cauchy",
        0,
        1,
        -LN2 + math.log(math.pi) + (LN2 - 2 + math.pi / 2),
        "E log(1 + x^2) on [-1, 1] = log 2 - 2 + pi/2",
    ),
]


@pytest.mark.parametrize(
    ("fp", "mp", "sp", "fq", "mq", "sq", "nats", "source"), REFERENCE_NATS
)
def test_family_kl_reference_values(fp, mp, sp, fq, mq, sq, nats, source):
    assert densities.family_kl(fp, mp, sp, fq, mq, sq, base=E) == pytest.approx(
        nats, rel=1e-12, abs=1e-15
    ), source
    assert densities.family_kl(fp, mp, sp, fq, mq, sq) == pytest.approx(
        nats / LN2, rel=1e-12, abs=1e-15
    )


#: The pairs whose divergence is infinite, and why.
INFINITE = {
    ("normal", "uniform"): "support",
    ("laplace", "uniform"): "support",
    ("cauchy", "uniform"): "support",
    ("cauchy", "normal"): "tails: E X^2 = inf under a Cauchy p",
    ("cauchy", "laplace"): "tails: E |X| = inf under a Cauchy p",
}


@pytest.mark.parametrize(("fp", "fq"), list(itertools.product(FAMILIES, FAMILIES)))
def test_which_pairs_are_infinite(fp, fq):
    value = densities.family_kl(fp, 0.3, 1.2, fq, -0.5, 2.5)
    if (fp, fq) in INFINITE:
        assert value == math.inf, INFINITE[(fp, fq)]
    else:
        assert math.isfinite(value) and value > 0


def test_uniform_against_uniform_needs_containment():
    assert densities.family_kl("uniform", 0, 1, "uniform", 0.5, 1) == math.inf
    assert densities.family_kl("uniform", 0, 1, "uniform", 0, 1) == 0.0
    # touching the edge is still inside: [0, 2] in [-2, 2]
    assert densities.family_kl("uniform", 1, 1, "uniform", 0, 2) == 1.0


def _mp_kl(fp, mp, sp, fq, mq, sq):
    """D(p || q) in nats by mpmath quadrature at 30 digits (an independent route)."""
    mpmath.mp.dps = 30

    def logpdf(f, m, s, x):
        z = (x - m) / s
        if f == "normal":
            return -z * z / 2 - mpmath.log(mpmath.sqrt(2 * mpmath.pi) * s)
        if f == "laplace":
            return -abs(z) - mpmath.log(2 * s)
        if f == "cauchy":
            return -mpmath.log(mpmath.pi * s * (1 + z * z))
        return -mpmath.log(2 * s)

    def f(x):
        lp = logpdf(fp, mp, sp, x)
        return mpmath.exp(lp) * (lp - logpdf(fq, mq, sq, x))

    if fp == "uniform":
        ends = [mpmath.mpf(mp - sp), mpmath.mpf(mp + sp)]
    else:
        ends = [-mpmath.inf, mpmath.inf]
    pts = sorted({mp, mq, mq - sq, mq + sq, mp - sp, mp + sp})
    pts = [mpmath.mpf(v) for v in pts if ends[0] < v < ends[1]]
    return float(mpmath.quad(f, [ends[0], *pts, ends[1]]))


@pytest.mark.parametrize(
    ("fp", "fq"),
    [pair for pair in itertools.product(FAMILIES, FAMILIES) if pair not in INFINITE],
)
def test_family_kl_matches_mpmath(fp, fq):
    if fq == "uniform":  # only a uniform p fits inside: [0.1, 0.9] in [-0.5, 1.5]
        args = (fp, 0.5, 0.4, fq, 0.5, 1.0)
    else:
        args = (fp, 0.3, 1.2, fq, -0.5, 2.5)
    assert densities.family_kl(*args, base=E) == pytest.approx(_mp_kl(*args), rel=1e-11)


def test_family_kl_matches_monte_carlo():
    """A seeded Monte Carlo average of log p - log q lands within 4 SE."""
    rng = np.random.default_rng(4)
    for fp, fq in [("normal", "cauchy"), ("laplace", "cauchy"), ("uniform", "cauchy")]:
        p = densities.distribution(fp, 0.2, 1.3)
        q = densities.distribution(fq, -0.4, 0.7)
        x = p.rvs(size=200_000, random_state=rng)
        est = kt.monte_carlo_kl(x, p.logpdf, q.logpdf)
        exact = densities.family_kl(fp, 0.2, 1.3, fq, -0.4, 0.7)
        assert abs(est.value - exact) < 4 * est.stderr


def test_same_family_normal_is_gaussian_kl():
    args = (0.3, 0.7, -1.1, 1.9)
    assert densities.family_kl("normal", 0.3, 0.7, "normal", -1.1, 1.9) == (
        kt.gaussian_kl(*args)
    )


@given(
    hst.sampled_from(FAMILIES),
    hst.sampled_from(FAMILIES),
    hst.floats(-3, 3),
    hst.floats(0.3, 3),
    hst.floats(-3, 3),
    hst.floats(0.3, 3),
    hst.floats(-5, 5),
    hst.floats(0.05, 20),
)
def test_family_kl_is_invariant_under_affine_maps(fp, fq, mp, sp, mq, sq, b, a):
    """y = a x + b maps each family into itself: D is unchanged, h shifts by log a."""
    before = densities.family_kl(fp, mp, sp, fq, mq, sq)
    after = densities.family_kl(fp, a * mp + b, a * sp, fq, a * mq + b, a * sq)
    if math.isinf(before):
        assert after == math.inf or fq == "uniform"  # containment is exact
    else:
        assert after == pytest.approx(before, rel=1e-9, abs=1e-12)
    assert densities.family_entropy(fp, a * sp) == pytest.approx(
        densities.family_entropy(fp, sp) + math.log2(a), abs=1e-12
    )


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("scale", [0.01, 0.3, 1.0, 7.5])
def test_family_entropy_matches_scipy(family, scale):
    want = float(densities.distribution(family, 1.5, scale).entropy())  # nats
    assert densities.family_entropy(family, scale, base=E) == pytest.approx(
        want, rel=1e-12, abs=1e-14
    )


def test_entropy_can_be_negative_and_zero():
    sigma0 = 1 / math.sqrt(2 * math.pi * math.e)  # h(N(0, sigma0^2)) = 0
    assert densities.family_entropy("normal", sigma0) == pytest.approx(0, abs=1e-15)
    assert densities.family_entropy("normal", sigma0 / 2) == pytest.approx(-1.0)
    assert densities.family_entropy("uniform", 0.5) == 0.0


@pytest.mark.parametrize("family", ["normal", "laplace"])
@pytest.mark.parametrize("c", [0.0, 0.37, -3.2, 15.0, 120.0])
@pytest.mark.parametrize("a", [0.001, 0.05, 1.0, 40.0])
def test_cauchy_log_term_matches_mpmath(family, c, a):
    mpmath.mp.dps = 30
    if family == "normal":

        def w(z):
            return mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)
    else:

        def w(z):
            return mpmath.exp(-abs(z)) / 2

    cc, aa = mpmath.mpf(c), mpmath.mpf(a)
    pts = sorted({mpmath.mpf(0), cc - aa, cc, cc + aa})
    want = mpmath.quad(
        lambda z: w(z) * mpmath.log(1 + ((z - cc) / aa) ** 2),
        [-mpmath.inf, *pts, mpmath.inf],
    )
    assert densities.cauchy_log_term(family, c, a) == pytest.approx(
        float(want), rel=1e-13
    )


# --- binning ---------------------------------------------------------------------


def test_bin_masses_exact_values():
    m = densities.bin_masses(st.norm(), [-1.0, 0.0, 1.0])
    phi1 = float(st.norm.cdf(-1.0))
    np.testing.assert_allclose(m, [phi1, 0.5 - phi1, 0.5 - phi1, phi1], rtol=1e-14)
    # far upper tails keep their relative accuracy through the sf
    far = densities.bin_masses(st.norm(), [30.0, 31.0])
    want = st.norm.sf(30.0) - st.norm.sf(31.0)
    assert far[1] == pytest.approx(want, rel=1e-12) and far[1] > 0


def test_binned_values_by_hand():
    # two halves of N(1, 1) against two halves of N(0, 1)
    a = float(st.norm.cdf(-1.0))
    want = a * math.log2(a / 0.5) + (1 - a) * math.log2((1 - a) / 0.5)
    assert densities.binned_kl(st.norm(1, 1), st.norm(0, 1), [0.0]) == pytest.approx(
        want, rel=1e-14
    )
    assert densities.binned_entropy(st.uniform(0, 1), np.linspace(0, 1, 9)) == 3.0


def test_binned_kl_rises_to_the_continuous_value():
    p, q = st.norm(0, 1), st.norm(1, 1.5)
    exact = kt.gaussian_kl(0, 1, 1, 1.5)
    values = [
        densities.binned_kl(p, q, np.linspace(-12, 12, 2**k * 3 + 1))
        for k in range(1, 13)
    ]
    assert all(b >= a - 1e-15 for a, b in itertools.pairwise(values))
    assert all(v <= exact + 1e-12 for v in values)
    assert values[-1] == pytest.approx(exact, rel=1e-6)
    # the shortfall shrinks like the square of the bin width
    ratio = (exact - values[-2]) / (exact - values[-1])
    assert ratio == pytest.approx(4.0, rel=1e-2)


def test_binned_entropy_behaves_like_h_plus_log_inverse_width():
    """H(P_Δ) - log(1/Δ) falls to h, the excess shrinking like Δ² J / 24 nats."""
    p = st.norm()
    h = densities.family_entropy("normal", 1.0)
    excess = []
    for k in range(2, 9):
        delta = 2.0**-k
        edges = np.arange(-40, 40 + delta / 2, delta)
        excess.append(densities.binned_entropy(p, edges) - math.log2(1 / delta) - h)
    assert all(e > 0 for e in excess)
    assert all(b < a for a, b in itertools.pairwise(excess))
    # J = 1 for N(0, 1): excess * 24 ln 2 / Δ² -> 1
    delta = 2.0**-8
    assert excess[-1] * 24 * LN2 / delta**2 == pytest.approx(1.0, rel=1e-3)


_PAIRS = [
    pair for pair in itertools.product(FAMILIES, FAMILIES) if pair not in INFINITE
]


@given(
    hst.sampled_from(_PAIRS),
    hst.floats(-2, 2),
    hst.floats(0.3, 3),
    hst.floats(-2, 2),
    hst.floats(0.3, 3),
    hst.lists(hst.floats(-8, 8), min_size=1, max_size=12, unique=True),
    hst.floats(-8, 8),
)
def test_binning_never_raises_kl(pair, mp, sp, mq, sq, cuts, extra):
    """Data processing: D(P_Δ || Q_Δ) <= D(p || q); cutting a bin never lowers it."""
    fp, fq = pair
    if fq == "uniform":  # keep p inside q
        mq, sq = mp, sp * 1.5
    p = densities.distribution(fp, mp, sp)
    q = densities.distribution(fq, mq, sq)
    exact = densities.family_kl(fp, mp, sp, fq, mq, sq)
    edges = np.sort(np.array(cuts))
    coarse = densities.binned_kl(p, q, edges)
    assert coarse <= exact + 1e-10
    if extra not in cuts:
        finer = densities.binned_kl(p, q, np.sort(np.append(edges, extra)))
        assert finer >= coarse - 1e-10


def test_bin_checks():
    with pytest.raises(ValueError, match="edges must be strictly increasing"):
        densities.bin_masses(st.norm(), [0.0, 0.0])
    with pytest.raises(ValueError, match="edges must be a 1-D array"):
        densities.bin_masses(st.norm(), [[0.0, 1.0]])
    with pytest.raises(ValueError, match="edges contains NaN"):
        densities.bin_masses(st.norm(), [0.0, math.nan])


# --- quadrature -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fp", "fq"),
    [pair for pair in itertools.product(FAMILIES, FAMILIES) if pair not in INFINITE],
)
def test_kl_quad_matches_family_kl(fp, fq):
    if fq == "uniform":
        args = (fp, 0.5, 0.4, fq, 0.5, 1.0)
    else:
        args = (fp, 0.3, 1.2, fq, -0.5, 2.5)
    p = densities.distribution(*args[:3])
    q = densities.distribution(*args[3:])
    assert densities.kl_quad(p, q) == pytest.approx(
        densities.family_kl(*args), rel=1e-10
    )


def test_kl_quad_support_and_divergence():
    assert densities.kl_quad(st.norm(), st.uniform(-5, 10)) == math.inf
    for p, q in [(st.cauchy(), st.norm()), (st.t(2), st.norm())]:
        with pytest.raises(ValueError, match="probably infinite"):
            densities.kl_quad(p, q)
    # a Cauchy p against the Laplace wrapper: E|X| = inf
    with pytest.raises(ValueError, match="probably infinite"):
        densities.kl_quad(st.cauchy(), densities.distribution("laplace", 0, 1))
    # Student t with 3 degrees of freedom has a finite variance: finite
    assert math.isfinite(densities.kl_quad(st.t(3), st.norm()))


def test_kl_quad_window_grows_linearly_for_cauchy_against_normal():
    """p log(p/q) -> 1/(2 pi) nats per unit length in the tails: slope 1/pi."""
    values = [
        densities.kl_quad(st.cauchy(), st.norm(), lower=-L, upper=L, base=E)
        for L in (1e3, 1e4)
    ]
    slope = (values[1] - values[0]) / 9e3
    assert slope == pytest.approx(1 / math.pi, rel=1e-3)


def test_entropy_quad_matches_scipy():
    for dist in [st.norm(2, 0.3), st.cauchy(0, 4), st.uniform(0, 0.5), st.t(3)]:
        assert densities.entropy_quad(dist, base=E) == pytest.approx(
            float(dist.entropy()), rel=1e-9
        )


# --- change of variables --------------------------------------------------------


def _exp_of(mu, sigma):
    return densities.Pushforward(
        st.norm(mu, sigma), np.exp, np.log, lambda y: -np.log(y)
    )


def test_pushforward_is_the_lognormal():
    y = _exp_of(0.4, 0.8)
    ref = st.lognorm(0.8, scale=math.exp(0.4))
    grid = np.array([0.05, 0.5, 1.0, 3.0, 20.0])
    np.testing.assert_allclose(y.pdf(grid), ref.pdf(grid), rtol=1e-12)
    np.testing.assert_allclose(y.cdf(grid), ref.cdf(grid), rtol=1e-12)
    np.testing.assert_allclose(y.sf(grid), ref.sf(grid), rtol=1e-12)
    assert y.support() == (0.0, math.inf)
    assert y.logpdf(-1.0) == -math.inf and y.cdf(-1.0) == 0.0 and y.sf(-1.0) == 1.0


def test_kl_is_invariant_and_entropy_is_not():
    p, q = _exp_of(1.0, 0.5), _exp_of(0.0, 1.0)
    assert densities.kl_quad(p, q) == pytest.approx(
        kt.gaussian_kl(1.0, 0.5, 0.0, 1.0), rel=1e-10
    )
    # h(e^X) = h(X) + E X
    h_x = densities.family_entropy("normal", 0.5, base=E)
    assert densities.entropy_quad(p, base=E) == pytest.approx(h_x + 1.0, rel=1e-10)
    # binned in y with edges g(e) = binned in x with edges e
    edges = np.linspace(-3, 4, 15)
    assert densities.binned_kl(p, q, np.exp(edges)) == pytest.approx(
        densities.binned_kl(st.norm(1, 0.5), st.norm(0, 1), edges), rel=1e-12
    )


# --- checks of the arguments --------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: densities.family_kl("gauss", 0, 1, "normal", 0, 1),
            ValueError,
            "family_p must be one of",
        ),
        (
            lambda: densities.family_kl("normal", 0, 1, "normal", 0, 0),
            ValueError,
            "scale_q must be > 0",
        ),
        (
            lambda: densities.family_kl("normal", [0, 1], 1, "normal", 0, 1),
            ValueError,
            "loc_p must be a single number",
        ),
        (
            lambda: densities.family_kl("normal", "a", 1, "normal", 0, 1),
            TypeError,
            "loc_p must hold real numbers",
        ),
        (
            lambda: densities.family_entropy("normal", -1),
            ValueError,
            "scale must be > 0",
        ),
        (
            lambda: densities.family_kl("normal", 0, 1, "normal", 0, 1, base=1),
            ValueError,
            "base must be a finite number > 1",
        ),
        (
            lambda: densities.cauchy_log_term("cauchy", 0, 1),
            ValueError,
            "family must be 'normal' or 'laplace'",
        ),
        (
            lambda: densities.distribution("normal", math.inf, 1),
            ValueError,
            "loc contains infinite",
        ),
        (
            lambda: densities.kl_quad(st.norm(), st.norm(), lower=2, upper=1),
            ValueError,
            "window",
        ),
    ],
)
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- the explorable ----------------------------------------------------------------


def test_explorable_quantities_are_kltools_values():
    w = explore.densities_pair("normal", 0.0, 1.0, "cauchy", 0.0, 1.0)
    assert w.kind == "densities_pair"
    got = w.quantities()
    assert got["kl_pq"] == densities.family_kl("normal", 0, 1, "cauchy", 0, 1)
    assert got["kl_qp"] == math.inf
    assert got["h_p"] == densities.family_entropy("normal", 1.0)
    # a change of units leaves both divergences and shifts both entropies
    w.values = {"unit": 0.1}
    scaled = w.quantities()
    assert scaled["kl_pq"] == pytest.approx(got["kl_pq"], rel=1e-12)
    assert scaled["h_p"] == pytest.approx(got["h_p"] - math.log2(10), abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"family_p": "beta"}, ValueError, "family_p must be one of"),
        ({"loc_q": 5.0}, ValueError, r"loc_q must be in \[-4, 4\]"),
        ({"scale_p": 0.1}, ValueError, r"scale_p must be in \[0.2, 5.01\]"),
        ({"unit": math.nan}, ValueError, "unit must be in"),
        ({"unit": "1"}, TypeError, "unit must be a number"),
    ],
)
def test_explorable_refuses_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        explore.densities_pair(**kwargs)


def _run_js(cases: list, tmp_path) -> list[float]:
    """family_kl and family_entropy of the kind's JavaScript, run by Node."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (a stated prerequisite of `make test`)")
    module = tmp_path / "densities_pair.mjs"
    module.write_text(
        _esm("densities_pair") + "\nexport { densKL, densEntropyNats, densErf };\n"
    )
    runner = (
        f"const m = await import({json.dumps(module.as_uri())});"
        'const calls = JSON.parse(require("fs").readFileSync(0, "utf8"));'
        "console.log(JSON.stringify(calls.map(([fn, a]) => String(m[fn](...a)))));"
    )
    done = subprocess.run(
        [node, "--input-type=commonjs", "-e", f"(async () => {{{runner}}})()"],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(v) for v in json.loads(done.stdout)]


def test_javascript_matches_kltools(tmp_path):
    rng = np.random.default_rng(7)
    cases, want = [], []
    for fp, fq in itertools.product(FAMILIES, FAMILIES):
        for _ in range(12):
            c = 10 ** rng.uniform(-1, 1)
            mp, mq = rng.uniform(-4, 4, 2) * c
            sp, sq = 10 ** rng.uniform(math.log10(0.2), math.log10(5), 2) * c
            args = [fp, float(mp), float(sp), fq, float(mq), float(sq)]
            cases.append(["densKL", args])
            want.append(densities.family_kl(*args))
    for f in FAMILIES:
        cases.append(["densEntropyNats", [f, 0.37]])
        want.append(densities.family_entropy(f, 0.37, base=E))
    for x in [-7.0, -2.5, -0.3, 0.0, 1e-5, 0.8, 3.3, 5.99]:
        cases.append(["densErf", [x]])
        want.append(float(math.erf(x)))
    got = _run_js(cases, tmp_path)
    assert sum(math.isinf(w) for w in want) > 0  # infinities are exercised
    for g, w, case in zip(got, want, cases, strict=True):
        if math.isinf(w):
            assert g == w, case
        else:
            assert g == pytest.approx(w, rel=1e-12, abs=1e-15), case
