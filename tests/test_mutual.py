"""Tests of kltools.mutual: entropies of X given each value of Y, the seed's
wrong equation (12), the mutual information of a bivariate normal, and
Linfoot's informational coefficient of correlation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kltools as kt
from kltools.mutual import (
    column_entropies,
    gaussian_mutual_information,
    linfoot_correlation,
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
