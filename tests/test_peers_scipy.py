"""Reference cases from scipy's own test suite, ported to kltools.

The cases (inputs and expected values) come from scipy's
``scipy/stats/tests/test_entropy.py`` (``TestEntropy``),
``scipy/special/tests/test_basic.py`` (``test_rel_entr``, ``test_kl_div``
and the gh-20710 accuracy cases) and
``scipy/spatial/distance/tests/test_distance.py`` (``test_jensenshannon``
and the ``pdist`` Jensen-Shannon tests). kltools differs from scipy on
purpose in two ways, so the ports say what kltools does instead:

* scipy normalises every input silently; kltools checks sums and normalises
  only with ``normalize=True``, so the unnormalised inputs pass it;
* scipy's ``entropy`` runs along ``axis=0`` by default, kltools along the
  last axis; and kltools refuses negative entries where scipy returns inf.

Expected values are scipy's, in nats (scipy's default) unless a base is
given; the tolerances are scipy's or tighter.
"""

from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np
import pytest
import scipy.spatial.distance
import scipy.special
import scipy.stats

import kltools as kt

E = math.e


# --- scipy.stats.entropy (TestEntropy) ---------------------------------------------


def test_entropy_positive():
    pk = [0.5, 0.2, 0.3]
    qk = [0.1, 0.25, 0.65]
    assert kt.kl_divergence(pk, pk, base=E) == 0.0
    assert kt.kl_divergence(pk, qk, base=E) > 0


def test_entropy_base():
    pk = np.ones(16)
    assert kt.entropy(pk, normalize=True, base=2) == pytest.approx(4.0, abs=1e-15)
    qk = np.where(np.arange(16) < 8, 2.0, 1.0)
    s = kt.kl_divergence(pk, qk, normalize=True, base=E)
    s2 = kt.kl_divergence(pk, qk, normalize=True, base=2)
    assert s / s2 == pytest.approx(math.log(2), rel=1e-14)


def test_entropy_zero():
    """PR-479: the zero outcome contributes nothing."""
    assert kt.entropy([0.0, 1.0, 2.0], normalize=True, base=E) == pytest.approx(
        0.63651416829481278, rel=1e-15
    )


PK = np.array([[0.1, 0.2], [0.6, 0.3], [0.3, 0.5]])  # columns are distributions
QK = np.array([[0.2, 0.1], [0.3, 0.6], [0.5, 0.3]])


def test_entropy_2d():
    np.testing.assert_allclose(
        kt.kl_divergence(PK, QK, axis=0, base=E), [0.1933259, 0.18609809], rtol=1e-7
    )


def test_entropy_2d_zero():
    qk = QK.copy()
    qk[0, 0] = 0.0  # that column no longer sums to 1 for kltools: rescale
    np.testing.assert_allclose(
        kt.kl_divergence(PK, qk, axis=0, base=E, normalize=True),
        [np.inf, 0.18609809],
        rtol=1e-7,
    )
    pk = PK.copy()
    pk[0, 0] = 0.0
    np.testing.assert_allclose(
        kt.kl_divergence(pk, qk, axis=0, base=E, normalize=True),
        [0.17403988, 0.18609809],
        rtol=1e-7,
    )


def test_entropy_base_2d_nondefault_axis():
    np.testing.assert_allclose(
        kt.entropy(PK, axis=1, base=E, normalize=True),
        [0.63651417, 0.63651417, 0.66156324],
        rtol=1e-7,
    )


def test_entropy_2d_nondefault_axis():
    np.testing.assert_allclose(
        kt.kl_divergence(PK, QK, axis=1, base=E, normalize=True),
        [0.23104906, 0.23104906, 0.12770641],
        rtol=1e-7,
    )


def test_entropy_raises_value_error():
    with pytest.raises(ValueError, match="shapes do not broadcast"):
        kt.kl_divergence(PK, QK[:2], axis=0)


def test_entropy_axis_0_is_kltools_axis_0_and_transposes():
    np.testing.assert_allclose(
        kt.entropy(PK, axis=0, base=E), kt.entropy(PK.T, base=E), rtol=1e-15
    )
    np.testing.assert_allclose(
        kt.kl_divergence(PK, QK, axis=0), kt.kl_divergence(PK.T, QK.T), rtol=1e-15
    )
    np.testing.assert_allclose(
        kt.entropy(PK.T, axis=0, normalize=True),
        kt.entropy(PK, axis=1, normalize=True),
        rtol=1e-15,
    )


def test_entropy_broadcasting():
    rng = np.random.default_rng(74187315492831452)
    x = rng.random(3)
    y = rng.random((2, 1))
    # scipy broadcasts y along the outcome axis too; kltools never does that
    # (a one-outcome "distribution" against three is a mistake it names) ...
    with pytest.raises(ValueError, match="q has 1 outcome"):
        kt.kl_divergence(x, y, normalize=True)
    # ... so the batch is spelled out
    res = kt.kl_divergence(x, np.broadcast_to(y, (2, 3)), normalize=True, base=E)
    assert res.shape == (2,)
    for i in range(2):
        assert res[i] == kt.kl_divergence(x, np.repeat(y[i], 3), normalize=True, base=E)
    # scipy's own answer, for good measure
    np.testing.assert_allclose(res, scipy.stats.entropy(x, y, axis=-1), rtol=1e-12)


def test_entropy_shape_mismatch():
    with pytest.raises(ValueError, match="shapes do not broadcast"):
        kt.kl_divergence(np.ones((10, 1, 12)), np.ones((11, 2)), normalize=True)


def test_entropy_input_validation():
    with pytest.raises(ValueError, match="base must be a finite number > 1"):
        kt.entropy(np.full(10, 0.1), base=-2)


def test_entropy_against_scipy_on_random_batches(rng):
    for shape in [(5,), (4, 7), (3, 2, 6)]:
        w = rng.random(shape)
        w[w < 0.2] = 0.0
        w[..., 0] += 0.1
        for base in (2.0, E, 10.0):
            np.testing.assert_allclose(
                kt.entropy(w, normalize=True, base=base),
                scipy.stats.entropy(w, base=base, axis=-1),
                rtol=1e-12,
            )


# --- scipy.special.rel_entr and kl_div: the special-case grids ----------------------


def rel_entr_reference(x, y):
    """scipy's definition in test_rel_entr."""
    if x > 0 and y > 0:
        return x * math.log(x / y)
    if x == 0 and y >= 0:
        return 0.0
    return math.inf


def kl_div_reference(x, y):
    """scipy's definition in test_kl_div: x log(x / y) - x + y."""
    if x < 0 or y < 0 or (y == 0 and x != 0):
        return math.inf
    if x == 0:
        return y
    return x * math.log(x / y) - x + y


VALUES = (0.0, 0.5, 1.0)


@pytest.mark.parametrize(("x", "y"), list(itertools.product(VALUES, VALUES)))
def test_rel_entr_and_kl_div_grid_as_distributions(x, y):
    """scipy's grid of (x, y) in {0, 0.5, 1}^2, as two-outcome distributions.

    ``D([x, 1-x] || [y, 1-y])`` is the sum of the two ``rel_entr`` terms, and
    also of the two ``kl_div`` terms (the linear parts cancel between
    distributions).
    """
    want = rel_entr_reference(x, y) + rel_entr_reference(1 - x, 1 - y)
    also = kl_div_reference(x, y) + kl_div_reference(1 - x, 1 - y)
    assert want == also
    got = kt.kl_divergence([x, 1 - x], [y, 1 - y], base=E)
    assert got == pytest.approx(want, rel=1e-15)
    got = float(scipy.special.rel_entr([x, 1 - x], [y, 1 - y]).sum())
    assert got == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize("neg", [-0.5, -1.0])
def test_negative_entries_are_refused_not_inf(neg):
    """scipy's rel_entr returns inf for negative arguments; kltools refuses them."""
    with pytest.raises(ValueError, match="p has negative entries"):
        kt.kl_divergence([neg, 1 - neg], [0.5, 0.5])
    with pytest.raises(ValueError, match="q has negative entries"):
        kt.kl_divergence([0.5, 0.5], [neg, 1 - neg])


def mp_rel_entr_sum(p, q, dps=40):
    """sum x log(x / y) for the given floats, as in scipy's mpmath references."""
    with mpmath.workdps(dps):
        return sum(
            mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b))
            for a, b in zip(p, q, strict=True)
            if a > 0
        )


# gh-20710 near zero: (x, y) and scipy's mpmath value of rel_entr(x, y)
GH_20710_NEAR = [
    (0.9456657713430001, 0.9456657713430094, -9.325873406851269e-15),
    (0.48066098564791515, 0.48066098564794774, -3.258504577274724e-14),
    (0.786048657854401, 0.7860486578542367, 1.6431300764454033e-13),
]


@pytest.mark.parametrize(("x", "y", "term"), GH_20710_NEAR)
def test_gh_20710_near_zero(x, y, term):
    """The pair as distributions [x, 1 - x] and [y, 1 - y]: the two terms,
    each as large as scipy's reference, cancel to ~1e-27."""
    assert float(mp_rel_entr_sum([x], [y])) == pytest.approx(term, rel=1e-13)
    p, q = [x, 1 - x], [y, 1 - y]
    want = float(mp_rel_entr_sum(p, q))
    assert abs(want) < 1e-16 * abs(term) or want > 0
    assert kt.kl_divergence(p, q, base=E) == pytest.approx(max(want, 0.0), rel=1e-12)


# gh-20710 overflow, underflow and subnormal ratios, as distributions
GH_20710_FAR = [
    # p, q: the first ratio overflows float64 / underflows / is subnormal
    ([1.0, 0.0], [5.55e-309, 1.0 - 5.55e-309]),
    ([1e-200, 1.0 - 1e-200], [0.5, 0.5]),
    ([2.22e-308, 1.0 - 2.22e-308], [1.0 - 1e-15, 1e-15]),
    ([4 / 5, 1 / 5], [2.22e-308, 1.0 - 2.22e-308]),
]


@pytest.mark.parametrize(("p", "q"), GH_20710_FAR)
def test_gh_20710_overflow_underflow_subnormal(p, q):
    want = float(mp_rel_entr_sum(p, q))
    assert kt.kl_divergence(p, q, base=E) == pytest.approx(want, rel=1e-13)
    assert kt.cross_entropy(p, q, base=E) == pytest.approx(
        want + kt.entropy(p, base=E), rel=1e-13
    )


# --- scipy.spatial.distance.jensenshannon ---------------------------------------------


def test_jensenshannon_values():
    assert kt.js_distance([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], base=2.0) == 1.0
    assert kt.js_distance([1.0, 0.0], [0.5, 0.5], base=E) == pytest.approx(
        0.46450140402245893, rel=1e-14
    )
    assert kt.js_distance([1.0, 0.0, 0.0], [1.0, 0.0, 0.0], base=E) == 0.0


def test_jensenshannon_axes():
    a, b = [[1.0, 2.0]], [[0.5, 1.5]]
    np.testing.assert_allclose(
        kt.js_distance(a, b, axis=0, base=E, normalize=True), [0.0, 0.0], atol=1e-15
    )
    np.testing.assert_allclose(
        kt.js_distance(a, b, axis=1, base=E, normalize=True), [0.0649045], atol=1.5e-7
    )
    a = np.arange(1, 13).reshape(3, 4)
    b = np.arange(13, 25).reshape(3, 4)
    np.testing.assert_allclose(
        kt.js_distance(a, b, axis=0, base=E, normalize=True),
        [0.1954288, 0.1447697, 0.1138377, 0.0927636],
        atol=1.5e-7,
    )
    np.testing.assert_allclose(
        kt.js_distance(a, b, axis=1, base=E, normalize=True),
        [0.1402339, 0.0399106, 0.0201815],
        atol=1.5e-7,
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pdist_jensenshannon(rng, dtype):
    """All row pairs of a positive matrix, as scipy's pdist 'jensenshannon'."""
    x = rng.random((12, 9)).astype(dtype)
    want = scipy.spatial.distance.pdist(x.astype(np.float64), "jensenshannon")
    i, j = np.triu_indices(12, k=1)
    got = kt.js_distance(x[i], x[j], base=E, normalize=True)
    np.testing.assert_allclose(got, want, rtol=1e-11 if dtype == np.float64 else 1e-6)


def test_jensenshannon_never_nan_where_scipy_rounds_below_zero():
    """scipy's jensenshannon takes sqrt of a sum that can round below 0."""
    p = np.array([0.3, 0.7])
    q = np.array([np.nextafter(0.3, 1), np.nextafter(0.7, 0)])
    d = kt.js_distance(p, q)
    assert d >= 0 and not math.isnan(d)
