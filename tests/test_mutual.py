"""Tests of kltools.mutual: entropies of X given each value of Y, the seed's
wrong equation (12), the mutual information of a bivariate normal, and
Linfoot's informational coefficient of correlation, the lautum information,
the G statistic and G-test (against scipy and the chi-squared null), normal
scores, and the noisy curves with their exact mutual information (against
an independent quadrature by scipy and large samples)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kltools as kt
from kltools.mutual import (
    CURVE_NOISE,
    column_entropies,
    g_statistic,
    g_test,
    gaussian_mutual_information,
    lautum_information,
    linfoot_correlation,
    noisy_curve_mutual_information,
    noisy_curve_sample,
    normal_scores,
    seed_conditional_entropy,
)

tables = st.tuples(st.integers(2, 4), st.integers(2, 4)).flatmap(
    lambda shape: st.lists(
        st.floats(0, 1), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]
    ).map(lambda w: (np.asarray(w) + 0.01).reshape(shape))
)


def test_column_entropies_by_hand():
    # column 1 is (1/3, 2/3) once rescaled, column 2 is (1, 0)
    got = column_entropies([[0.25, 0.25], [0.5, 0.0]])
    h13 = math.log2(3) - 2 / 3  # H(1/3, 2/3) in bits
    np.testing.assert_allclose(got, [h13, 0.0], rtol=1e-12)
    nats = column_entropies([[0.25, 0.25], [0.5, 0.0]], base=math.e)
    np.testing.assert_allclose(nats, got * math.log(2), rtol=1e-12)


def test_empty_column_is_nan():
    got = column_entropies([[0.5, 0.0], [0.5, 0.0]])
    assert got[0] == 1.0 and math.isnan(got[1])


@settings(deadline=None, max_examples=60, derandomize=True)
@given(tables)
def test_weighted_average_is_conditional_entropy(w):
    """Cover and Thomas (2006), definition 2.2.1 and theorem 2.2.1."""
    pxy = w / w.sum()
    py = pxy.sum(axis=0)
    average = float(np.sum(py * column_entropies(pxy)))
    assert average == pytest.approx(kt.conditional_entropy(pxy), abs=1e-12)
    # the chain rule H(X, Y) = H(Y) + H(X | Y)
    assert kt.joint_entropy(pxy) == pytest.approx(kt.entropy(py) + average, abs=1e-12)


def test_seed_formula_values():
    # independent fair bits: log 1 = 0, while H(X | Y) is 1 bit
    assert seed_conditional_entropy([[0.25, 0.25], [0.25, 0.25]]) == 0.0
    assert kt.conditional_entropy([[0.25, 0.25], [0.25, 0.25]]) == 1.0
    # a deterministic column makes it infinite; H(X | Y) is then finite
    pxy = [[0.25, 0.25], [0.5, 0.0]]
    assert seed_conditional_entropy(pxy) == math.inf
    # by hand: -(3/4) log2 H(1/3, 2/3), a column of zeros carries no weight
    w = [[0.1, 0.0, 0.2], [0.3, 0.0, 0.4]]
    h = column_entropies(w)
    want = -(0.4 * math.log2(h[0]) + 0.6 * math.log2(h[2]))
    assert seed_conditional_entropy(w) == pytest.approx(want, rel=1e-12)


def test_seed_formula_can_be_negative_and_is_not_a_change_of_unit():
    # X uniform on 4 values whatever Y: every inner entropy is 2 bits
    pxy = np.full((4, 2), 1 / 8)
    assert seed_conditional_entropy(pxy) == pytest.approx(-1.0)
    nats = seed_conditional_entropy(pxy, base=math.e)
    assert nats == pytest.approx(-math.log(2 * math.log(2)))
    assert nats != pytest.approx(-1.0 * math.log(2))


def test_counts_with_normalize():
    counts = [[30, 10], [10, 30]]
    pxy = np.asarray(counts) / 80
    np.testing.assert_allclose(
        column_entropies(counts, normalize=True), column_entropies(pxy)
    )
    assert seed_conditional_entropy(counts, normalize=True) == pytest.approx(
        seed_conditional_entropy(pxy)
    )


@pytest.mark.parametrize(
    ("rho", "bits"),
    [
        (0.0, 0.0),
        (math.sqrt(3) / 2, 1.0),  # 1 - rho^2 = 1/4
        (-math.sqrt(15) / 4, 2.0),  # 1 - rho^2 = 1/16, sign does not matter
        (0.6, -0.5 * math.log2(0.64)),
        (1.0, math.inf),
    ],
)
def test_gaussian_mutual_information_values(rho, bits):
    assert gaussian_mutual_information(rho) == pytest.approx(bits, abs=1e-12)


def test_gaussian_closed_form_against_a_fine_table():
    """Discretise N(0, [[1, rho], [rho, 1]]) on a fine grid: the plug-in MI
    of the binned table approaches the closed form (independent check)."""
    rho, step = 0.6, 0.02
    g = np.arange(-7, 7, step) + step / 2
    x, y = np.meshgrid(g, g, indexing="ij")
    dens = np.exp(-(x**2 - 2 * rho * x * y + y**2) / (2 * (1 - rho**2)))
    binned = kt.mutual_information(dens, normalize=True, base=math.e)
    assert binned == pytest.approx(
        gaussian_mutual_information(rho, base=math.e), rel=1e-3
    )


def test_gaussian_broadcasts_and_units():
    got = gaussian_mutual_information([[0.0, 0.5], [0.9, -0.9]], base=math.e)
    assert got.shape == (2, 2)
    assert got[1, 0] == got[1, 1] == pytest.approx(-0.5 * math.log(1 - 0.81))


@pytest.mark.parametrize(
    ("bits", "r"),
    [
        (0.0, 0.0),
        (0.5, math.sqrt(0.5)),  # 1 - 2^(-1)
        (1.0, math.sqrt(3) / 2),  # 1 - 2^(-2)
        (2.0, math.sqrt(15) / 4),  # 1 - 2^(-4)
        (math.inf, 1.0),
    ],
)
def test_linfoot_values(bits, r):
    """r_I = sqrt(1 - 2^(-2 I)) with I in bits, worked by hand."""
    assert linfoot_correlation(bits) == pytest.approx(r, abs=1e-15)


def test_linfoot_inverts_the_gaussian_closed_form():
    """For a bivariate normal, r_I gives back |rho| (Linfoot 1957)."""
    rho = np.array([-0.999, -0.6, -0.1, 0.0, 0.3, 0.9, 0.9999])
    for base in (2, math.e, 10):
        mi = gaussian_mutual_information(rho, base=base)
        np.testing.assert_allclose(
            linfoot_correlation(mi, base=base), np.abs(rho), rtol=1e-12, atol=1e-15
        )


def test_linfoot_units_and_shape():
    bits = np.array([[0.25, 1.0], [3.0, 0.0]])
    nats = bits * math.log(2)
    got = linfoot_correlation(nats, base=math.e)
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got, linfoot_correlation(bits), rtol=1e-14)
    assert np.all(np.diff(linfoot_correlation(np.linspace(0, 10, 50))) > 0)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: linfoot_correlation(-0.01), ValueError, "mi must be .*>= 0"),
        (lambda: linfoot_correlation(math.nan), ValueError, "mi contains NaN"),
        (lambda: linfoot_correlation("1"), TypeError, "mi"),
        (lambda: linfoot_correlation(1.0, base=0.5), ValueError, "base must be"),
        (lambda: column_entropies([0.5, 0.5]), ValueError, "2-D joint table"),
        (lambda: column_entropies([[0.5, 0.6]]), ValueError, "pxy sums to 1.1"),
        (
            lambda: seed_conditional_entropy([[0.5, -0.5], [0.5, 0.5]]),
            ValueError,
            "negative",
        ),
        (lambda: column_entropies([[1.0]], base=1), ValueError, "base"),
        (lambda: gaussian_mutual_information(1.5), ValueError, r"in \[-1, 1\]"),
        (lambda: gaussian_mutual_information(math.nan), ValueError, "rho"),
        (lambda: gaussian_mutual_information("a"), TypeError, "rho"),
    ],
)
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- lautum information, the G statistic and the G-test ---------------------


def test_lautum_by_hand():
    """[[0.4, 0.1], [0.1, 0.4]]: uniform marginals, so L = sum 1/4 log2(1/4 / p)."""
    table = [[0.4, 0.1], [0.1, 0.4]]
    expected = 0.5 * math.log2(0.25 / 0.4) + 0.5 * math.log2(0.25 / 0.1)
    assert lautum_information(table) == pytest.approx(expected, rel=1e-12)
    assert lautum_information(table, base=math.e) == pytest.approx(
        expected * math.log(2), rel=1e-12
    )
    assert lautum_information([[0.5, 0.0], [0.0, 0.5]]) == math.inf
    assert lautum_information([[0.3, 0.0], [0.7, 0.0]]) == 0.0  # Y constant


@settings(deadline=None, max_examples=100)
@given(tables)
def test_lautum_is_the_reversed_divergence_and_expected_reverse_surprise(w):
    pxy = w / w.sum()
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    prod = np.outer(px, py)
    got = lautum_information(pxy)
    assert got == pytest.approx(
        kt.kl_divergence(prod.ravel(), pxy.ravel()), rel=1e-9, abs=1e-12
    )
    # sum_y p(y) D(p(x) || p(x | y)): the expected divergence of prior from posterior
    post = (pxy / py).T
    reverse = sum(py[j] * kt.kl_divergence(px, post[j]) for j in range(py.size))
    assert got == pytest.approx(reverse, rel=1e-9, abs=1e-12)
    assert got == pytest.approx(lautum_information(pxy.T), rel=1e-9, abs=1e-12)
    assert got >= 0


def test_lautum_differs_from_mutual_information_both_ways():
    """Neither of I and L bounds the other: one table each way."""
    strong = np.array([[0.45, 0.05], [0.05, 0.45]])
    rare = np.array([[0.05, 0.05], [0.855, 0.045]])  # 1/10 fair arm, else 0.05
    assert lautum_information(strong) > kt.mutual_information(strong)
    assert lautum_information(rare) < kt.mutual_information(rare)


def test_g_statistic_is_2n_times_plugin_mi_and_matches_scipy():
    from scipy.stats import chi2_contingency

    counts = np.array([[12, 5, 3], [4, 9, 7], [2, 6, 14]])
    n = counts.sum()
    mi_nats = kt.mutual_information(counts, normalize=True, base=math.e)
    assert g_statistic(counts) == pytest.approx(2 * n * mi_nats, rel=1e-12)
    ref = chi2_contingency(counts, correction=False, lambda_="log-likelihood")
    res = g_test(counts)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-10)
    assert res.dof == ref.dof == 4
    assert res.mi_bits == pytest.approx(mi_nats / math.log(2), rel=1e-12)
    # a zero cell contributes nothing (0 log 0 = 0); scipy agrees
    zero = np.array([[10, 0, 3], [4, 9, 7]])
    ref0 = chi2_contingency(zero, correction=False, lambda_="log-likelihood")
    assert g_test(zero).statistic == pytest.approx(ref0.statistic, rel=1e-12)
    assert g_test(zero).dof == 2


def test_g_statistic_of_a_2x2_table_by_hand():
    # [[30, 10], [10, 30]]: every ratio n N / (n_x n_y) is 1.5 or 0.5
    expected = 2 * (60 * math.log(1.5) + 20 * math.log(0.5))
    assert g_statistic([[30, 10], [10, 30]]) == pytest.approx(expected, rel=1e-12)
    assert g_statistic([[10, 20], [5, 10]]) == 0.0  # counts that factorise


def test_g_statistic_is_vectorised():
    rng = np.random.default_rng(3)
    stack = rng.integers(0, 20, size=(5, 7, 3, 4))
    stack[..., 0, 0] += 1
    got = g_statistic(stack)
    assert got.shape == (5, 7)
    for i in np.ndindex(5, 7):
        assert got[i] == pytest.approx(g_statistic(stack[i]), rel=1e-12)


def test_g_null_mean_is_the_degrees_of_freedom():
    """Under independence E[G] -> (m_x - 1)(m_y - 1), the chi-squared mean."""
    rng = np.random.default_rng(1938)
    px, py = np.array([0.2, 0.3, 0.5]), np.array([0.1, 0.2, 0.3, 0.4])
    counts = rng.multinomial(2000, np.outer(px, py).ravel(), size=20_000)
    g = g_statistic(counts.reshape(-1, 3, 4))
    assert g.mean() == pytest.approx(6, abs=0.1)  # sd of the mean ~ 0.025
    assert np.mean(g > 12.591587243743977) == pytest.approx(0.05, abs=0.006)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: g_statistic([1, 2, 3]), ValueError, "counts must be a table"),
        (lambda: g_statistic([[1, -1], [2, 3]]), ValueError, "counts must hold"),
        (lambda: g_statistic([[0, 0], [0, 0]]), ValueError, "at least one"),
        (lambda: g_statistic("ab"), TypeError, "counts"),
        (lambda: g_test([[1, 2], [0, 0]]), ValueError, "row or a column of zeros"),
        (lambda: g_test([[1, 2, 3]]), ValueError, "at least 2 rows"),
        (lambda: g_test(np.ones((2, 2, 2))), ValueError, "one 2-D table"),
        (lambda: lautum_information([[0.5, 0.6]]), ValueError, "pxy sums to 1.1"),
        (lambda: lautum_information([[0.5, 0.5]], base=-1), ValueError, "base"),
    ],
)
def test_new_functions_refuse_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_normal_scores_values_and_invariance():
    from scipy.stats import norm

    got = normal_scores([5.0, 1.0, 3.0, 3.0])  # ranks 4, 1, 2.5, 2.5 of 4
    np.testing.assert_allclose(got, norm.ppf(np.array([4, 1, 2.5, 2.5]) / 5))
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=300), rng.normal(size=300)
    y = x + 0.5 * y
    s = normal_scores(x)
    assert np.array_equal(s, normal_scores(np.exp(x)))
    assert np.array_equal(s, normal_scores(x**3 + 2 * x))
    np.testing.assert_allclose(normal_scores(-x), -s, atol=1e-12)
    assert abs(s.mean()) < 1e-12  # symmetric about 0
    # an estimator fed with scores is exactly invariant under increasing maps
    a = kt.knn_mutual_information(normal_scores(x), normal_scores(y))
    b = kt.knn_mutual_information(normal_scores(np.exp(x)), normal_scores(y**3))
    assert a == b


@pytest.mark.parametrize(
    ("x", "match"),
    [([1.0], "at least 2 values"), ([[1.0, 2.0]], "1-D"), ([1.0, np.inf], "finite")],
)
def test_normal_scores_refuses_bad_input(x, match):
    with pytest.raises(ValueError, match=match):
        normal_scores(x)


def _quad_curve_mi(shape, sigma):
    """I(X; Y) in bits of a noisy curve, by nested scipy.integrate.quad: an
    implementation independent of the grids of noisy_curve_mutual_information."""
    from scipy import integrate

    def pdf(z):  # the normal density of the noise
        return math.exp(-0.5 * (z / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))

    def entropy_of(density, lo, hi, points):
        def f(t):
            p = density(t)
            return -p * math.log(p) if p > 0 else 0.0

        return integrate.quad(f, lo, hi, points=points, limit=400)[0]

    pad = 12 * sigma
    h_noise = 0.5 * math.log(2 * math.pi * math.e * sigma**2)
    if shape == "parabola":  # p(y) = int_0^1 phi(y - u^2) du

        def p_y(y):
            return integrate.quad(lambda u: pdf(y - u * u), 0, 1)[0]

        return (entropy_of(p_y, -pad, 1 + pad, [0.0, 1.0]) - h_noise) / math.log(2)
    if (
        shape == "sine"
    ):  # sin X has the arcsine law: p(y) = int phi(y - s) ds / (pi sqrt(1 - s^2))

        def p_y(y):
            return integrate.quad(
                lambda s: pdf(y - s) / math.pi,
                -1,
                1,
                weight="alg",
                wvar=(-0.5, -0.5),
            )[0]

        return (entropy_of(p_y, -1 - pad, 1 + pad, [-1.0, 1.0]) - h_noise) / math.log(2)

    # circle: X = R cos(Theta), p(x) = int phi(r - 1) / (pi sqrt(r^2 - x^2)) dr, r > |x|
    def p_x(x):
        a = abs(x)
        if a < 1 - pad:  # no singularity where the radius has its mass
            return integrate.quad(
                lambda r: pdf(r - 1) / (math.pi * math.sqrt(r * r - a * a)),
                1 - pad,
                1 + pad,
            )[0]
        return integrate.quad(
            lambda r: pdf(r - 1) / (math.pi * math.sqrt(r + a)),
            a,
            1 + pad,
            weight="alg",
            wvar=(-0.5, 0),
        )[0]

    h_x = entropy_of(p_x, -1 - pad, 1 + pad, [-1.0, 1.0])
    e_log_r = integrate.quad(
        lambda z: math.exp(-z * z / 2) * math.log1p(sigma * z) / math.sqrt(2 * math.pi),
        -9,
        9,
    )[0]
    h_xy = h_noise + math.log(2 * math.pi) + e_log_r
    return (2 * h_x - h_xy) / math.log(2)


@pytest.mark.parametrize(("shape", "sigma"), [(s, n) for s, n in CURVE_NOISE.items()])
def test_curve_mi_matches_an_independent_quadrature(shape, sigma):
    got = noisy_curve_mutual_information(shape)
    assert got == pytest.approx(_quad_curve_mi(shape, sigma), abs=1e-9)


def test_curve_mi_units_limits_and_noise():
    assert noisy_curve_mutual_information("independent") == 0.0
    for shape, sigma in CURVE_NOISE.items():
        bits = noisy_curve_mutual_information(shape)
        nats = noisy_curve_mutual_information(shape, base=math.e)
        assert nats == pytest.approx(bits * math.log(2), rel=1e-12)
        assert noisy_curve_mutual_information(shape, noise=sigma) == bits
        # a thinner band holds more bits; halving the noise adds about one
        # (h(Y | X) falls by one bit, h(Y) hardly moves)
        values = [
            noisy_curve_mutual_information(shape, noise=n) for n in (0.02, 0.04, 0.08)
        ]
        assert values[0] > values[1] > values[2] > 0
        assert 0.8 < values[0] - values[1] < 1.2


@pytest.mark.parametrize("shape", sorted(CURVE_NOISE))
def test_curve_samples_have_no_correlation_and_the_exact_mi(shape):
    """A large sample: r near its value 0, a kNN estimate near the exact I."""
    x, y = noisy_curve_sample(shape, 20_000, np.random.default_rng(5))
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / math.sqrt(x.size)
    knn = kt.knn_mutual_information(x, y, k=3)
    assert knn == pytest.approx(noisy_curve_mutual_information(shape), abs=0.05)


def test_curve_samples_follow_the_model():
    rng = np.random.default_rng(6)
    x, y = noisy_curve_sample("circle", 50_000, rng, noise=0.1)
    radius = np.hypot(x, y)
    assert radius.mean() == pytest.approx(1.0, abs=0.002)
    assert radius.std() == pytest.approx(0.1, rel=0.02)
    x, y = noisy_curve_sample("parabola", 50_000, rng)
    assert x.min() >= -1 and x.max() <= 1
    assert (y - x**2).std() == pytest.approx(CURVE_NOISE["parabola"], rel=0.02)
    x, y = noisy_curve_sample("sine", 50_000, rng)
    assert x.min() >= np.pi / 2 and x.max() <= 9 * np.pi / 2
    assert (y - np.sin(x)).std() == pytest.approx(CURVE_NOISE["sine"], rel=0.02)
    x, y = noisy_curve_sample("independent", 3, np.random.default_rng(0))
    ref = np.random.default_rng(0)
    np.testing.assert_array_equal(x, ref.normal(size=3))
    np.testing.assert_array_equal(y, ref.normal(size=3))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: noisy_curve_mutual_information("spiral"), ValueError, "shape must"),
        (
            lambda: noisy_curve_mutual_information("circle", noise=0.2),
            ValueError,
            "0.1",
        ),
        (lambda: noisy_curve_mutual_information("sine", noise=0.0), ValueError, "0.01"),
        (lambda: noisy_curve_mutual_information("sine", noise="a"), TypeError, "noise"),
        (lambda: noisy_curve_mutual_information("sine", base=1), ValueError, "base"),
        (
            lambda: noisy_curve_mutual_information("independent", noise=0.1),
            ValueError,
            "no noise",
        ),
        (
            lambda: noisy_curve_sample("sine", 0, np.random.default_rng(0)),
            ValueError,
            "n must",
        ),
        (lambda: noisy_curve_sample("sine", 5, 0), TypeError, "Generator"),
    ],
)
def test_curve_functions_refuse_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
