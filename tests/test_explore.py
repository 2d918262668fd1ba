"""Tests of kltools.explore and its JavaScript (klmath.js), run with Node.js.

The explorables compute in the browser, so klmath.js must agree with kltools:
every function is evaluated by Node on seeded random inputs (zeros included)
and compared with kltools to 1e-9. The Python side is checked too: the
factories refuse bad parameters, and `quantities()` is what the page shows.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import numpy as np
import pytest

import kltools as kt
from kltools import explore

KLMATH = explore.STATIC / "klmath.js"

RUNNER = """
const m = await import(process.argv[1]);
const calls = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = calls.map(([fn, args]) => m[fn](...args));
console.log(JSON.stringify(out, (k, v) =>
  typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
"""


def run_js(calls: list[tuple[str, list]]) -> list:
    """Evaluate klmath.js functions in Node; returns their results in order."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (a stated prerequisite of `make test`)")
    done = subprocess.run(
        [
            node,
            "--input-type=commonjs",
            "-e",
            f"(async () => {{{RUNNER}}})()",
            KLMATH.as_uri(),
        ],
        input=json.dumps(calls),
        capture_output=True,
        text=True,
        check=True,
    )
    return _decode(json.loads(done.stdout))


def _decode(value):
    """JSON has no infinities: the runner sends them as strings."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, str):
        return float(value)  # "Infinity", "-Infinity", "NaN"
    return value


def random_pairs(rng, count=30):
    pairs = []
    for i in range(count):
        n = int(rng.integers(2, 9))
        p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
        if i % 3 == 1:
            p[rng.random(n) < 0.4] = 0.0
        if i % 3 == 2:
            q[rng.random(n) < 0.4] = 0.0
        p = p / p.sum() if p.sum() > 0 else np.eye(n)[0]
        q = q / q.sum() if q.sum() > 0 else np.eye(n)[-1]
        pairs.append((p.tolist(), q.tolist()))
    return pairs


def close(js_value, py_value):
    if math.isinf(py_value):
        return js_value == py_value
    return math.isclose(js_value, py_value, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("base", [2, math.e, 10])
def test_discrete_measures_match_kltools(rng, base):
    pairs = random_pairs(rng)
    calls, expected = [], []
    for p, q in pairs:
        calls += [
            ("klDivergence", [p, q, base]),
            ("crossEntropy", [p, q, base]),
            ("entropy", [p, base]),
            ("jsDivergence", [p, q, base]),
        ]
        expected += [
            kt.kl_divergence(p, q, base=base),
            kt.cross_entropy(p, q, base=base),
            kt.entropy(p, base=base),
            kt.js_divergence(p, q, base=base),
        ]
    got = run_js(calls)
    bad = [
        (c, g, e)
        for c, g, e in zip(calls, got, expected, strict=True)
        if not close(g, e)
    ]
    assert not bad, bad[:3]


def test_pointwise_terms_sum_to_kl(rng):
    pairs = [pq for pq in random_pairs(rng) if kt.kl_divergence(*pq) < math.inf]
    got = run_js([("klTerms", [p, q]) for p, q in pairs])
    for (p, q), terms in zip(pairs, got, strict=True):
        assert math.isclose(
            sum(terms), kt.kl_divergence(p, q), rel_tol=1e-9, abs_tol=1e-12
        )
        for pi, qi, t in zip(p, q, terms, strict=True):
            want = pi * math.log2(pi / qi) if pi > 0 else 0.0
            assert math.isclose(t, want, rel_tol=1e-9, abs_tol=1e-12)


def test_gaussian_kl_matches_kltools(rng):
    params = np.column_stack(
        [
            rng.uniform(-4, 4, 40),
            rng.uniform(0.2, 3, 40),
            rng.uniform(-4, 4, 40),
            rng.uniform(0.2, 3, 40),
        ]
    )
    params[0] = [0.5, 1.3, 0.5, 1.3]  # identical: exactly 0
    got = run_js(
        [
            ("gaussianKL", [*row, base])
            for row in params.tolist()
            for base in (2, math.e)
        ]
    )
    want = [
        kt.gaussian_kl(*row, base=base)
        for row in params.tolist()
        for base in (2, math.e)
    ]
    for g, w in zip(got, want, strict=True):
        assert math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12)
    assert got[0] == 0.0


def test_edge_cases_match_kltools():
    cases = [
        ([1, 0], [0.01, 0.99]),  # the black swan
        ([0.5, 0.5], [1, 0]),  # infinite surprise
        ([0.5, 0.5], [5e-324, 1 - 5e-324]),  # p/q overflows; terms do not
        ([1, 0], [0, 1]),
    ]
    got = run_js(
        [("klDivergence", [p, q]) for p, q in cases]
        + [("jsDivergence", [p, q]) for p, q in cases]
    )
    want = [kt.kl_divergence(p, q) for p, q in cases] + [
        kt.js_divergence(p, q) for p, q in cases
    ]
    for g, w in zip(got, want, strict=True):
        assert close(g, w), (g, w)


# --- the Python side ---------------------------------------------------------


def test_factories_build_widgets_with_their_kind():
    for widget, kind in [
        (explore.black_swan(0.01), "black_swan"),
        (explore.two_distributions(), "two_distributions"),
        (explore.gaussians(), "gaussians"),
    ]:
        assert widget.kind == kind
        assert "export default" in widget._esm and "klDivergence" in widget._esm
        assert set(widget.quantities()) > set()


def test_widgets_use_the_book_colours():
    from kltools.plotting import P_COLOR, Q_COLOR

    w = explore.two_distributions(labels=["sun", "cloud", "rain", "snow"])
    assert w.colors["p"] == P_COLOR and w.colors["q"] == Q_COLOR
    assert w.params["labels"] == ["sun", "cloud", "rain", "snow"]


def test_quantities_are_kltools_values():
    w = explore.black_swan(0.01)
    assert w.quantities()["kl_pq"] == kt.kl_divergence([1, 0], [0.01, 0.99])
    assert w.quantities()["kl_qp"] == math.inf
    w.values = {"prior": 0.5}  # what the front end writes as the slider moves
    assert w.quantities()["kl_pq"] == 1.0
    g = explore.gaussians(0.0, 1.0, 1.0, 2.0)
    assert g.quantities() == {
        "kl_pq": kt.gaussian_kl(0.0, 1.0, 1.0, 2.0),
        "kl_qp": kt.gaussian_kl(1.0, 2.0, 0.0, 1.0),
    }
    d = explore.two_distributions([0.5, 0.5], [0.9, 0.1])
    assert d.quantities()["js"] == kt.js_divergence([0.5, 0.5], [0.9, 0.1])


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (
            lambda: explore.black_swan(0.995),
            ValueError,
            r"prior must be in \[1e-4, 0.99",
        ),
        (lambda: explore.black_swan(0.1, 1.5), ValueError, "posterior must be a prob"),
        (lambda: explore.black_swan(-1), ValueError, "prior must be a probability"),
        (lambda: explore.black_swan("x"), TypeError, "prior must hold real numbers"),
        (lambda: explore.gaussians(sigma_p=0), ValueError, "sigma_p must be > 0"),
        (lambda: explore.gaussians(mu_q=10), ValueError, r"mu_q must be in \[-4"),
        (lambda: explore.gaussians(mu_p=math.nan), ValueError, "mu_p"),
        (lambda: explore.two_distributions([1.0], [1.0]), ValueError, "2 to 8"),
        (
            lambda: explore.two_distributions([0.5, 0.5], [0.5, 0.5], labels=["a"]),
            ValueError,
            "labels must name the 2 outcomes",
        ),
        (
            lambda: explore.two_distributions([0.5, 0.6], [0.5, 0.5]),
            ValueError,
            "p sums to 1.1",
        ),
        (
            lambda: explore.two_distributions([0.5, 0.5], [0.2, 0.3, 0.5]),
            ValueError,
            "shapes do not broadcast",
        ),
    ],
)
def test_factories_refuse_bad_parameters(make, error, match):
    with pytest.raises(error, match=match):
        make()
