"""Tests of kltools.shannon: the grouping identity, thermodynamic bits, and
the entropy, surprisal and Bayesian surprise of image patches; the typical
set of a coin and perplexity.

Covers reference values (exact fractions, textbook examples, closed forms
written out here), the grouping identity as a property on random
distributions and partitions, the patch measures against a slow loop-based
reference, units, and the messages for bad input.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import distributions
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import betaln, digamma, gammaln

import kltools as kt
from kltools.shannon import (
    BOLTZMANN,
    bernoulli_typical_set,
    grouping,
    patch_surprise,
    perplexity,
    thermodynamic_bits,
)

LOG2_3 = math.log2(3)


@pytest.mark.parametrize(
    ("p", "groups", "coarse", "within"),
    [
        # Shannon (1948), section 6: H(1/2, 1/3, 1/6)
        # = H(1/2, 1/2) + 1/2 H(2/3, 1/3)
        (
            [1 / 2, 1 / 3, 1 / 6],
            [[0], [1, 2]],
            1.0,
            [0.0, LOG2_3 - 2 / 3],
        ),
        # a fair die as "six or not": H(1/6, 5/6) and log2 5 within
        (
            [1 / 6] * 6,
            [[5], [0, 1, 2, 3, 4]],
            math.log2(6) - 5 / 6 * math.log2(5),
            [0.0, math.log2(5)],
        ),
        # four equally likely outcomes in two pairs: 1 bit + 1 bit
        ([0.25] * 4, [[0, 2], [1, 3]], 1.0, [1.0, 1.0]),
        # one group holding everything: nothing coarse, all within
        ([0.5, 0.25, 0.25], [[0, 1, 2]], 0.0, [1.5]),
    ],
)
def test_grouping_reference_values(p, groups, coarse, within):
    g = grouping(p, groups)
    assert g.coarse == pytest.approx(coarse, abs=1e-12)
    np.testing.assert_allclose(g.within, within, atol=1e-12)
    assert g.total == pytest.approx(kt.entropy(p), abs=1e-12)


def test_grouping_zero_weight_group_counts_nothing():
    g = grouping([0.5, 0.5, 0.0, 0.0], [[0, 1], [2, 3]])
    assert g.weights.tolist() == [1.0, 0.0]
    assert g.within.tolist() == [1.0, 0.0]
    assert g.coarse == 0.0


def test_grouping_in_nats():
    g = grouping([0.25] * 4, [[0, 1], [2, 3]], base=math.e)
    assert g.coarse == pytest.approx(math.log(2))
    np.testing.assert_allclose(g.within, [math.log(2)] * 2)


@given(distributions(min_size=2, max_size=8), st.randoms(use_true_random=False))
def test_grouping_identity_holds(p, random):
    n = len(p)
    labels = [random.randrange(1, n + 1) for _ in range(n)]
    groups = [[i for i in range(n) if labels[i] == k] for k in sorted(set(labels))]
    g = grouping(p, groups)
    assert g.coarse + float(g.weights @ g.within) == pytest.approx(g.total, abs=1e-9)
    assert 0 <= g.coarse <= g.total + 1e-12  # coarse-graining loses entropy


@pytest.mark.parametrize(
    ("groups", "error", "match"),
    [
        ([[0, 1]], ValueError, "every index 0..2 exactly once"),
        ([[0, 1], [1, 2]], ValueError, "every index 0..2 exactly once"),
        ([[0, 1], []], ValueError, "non-empty lists of integer indices"),
        ([[0.0, 1.0], [2.0]], ValueError, "non-empty lists of integer indices"),
        ("abc", TypeError, "sequence of index lists"),
    ],
)
def test_grouping_refuses_bad_groups(groups, error, match):
    with pytest.raises(error, match=match):
        grouping([0.5, 0.25, 0.25], groups)


def test_grouping_refuses_bad_distributions():
    with pytest.raises(ValueError, match="p"):
        grouping([0.5, 0.6], [[0], [1]])
    with pytest.raises(ValueError, match="one distribution"):
        grouping([[0.5, 0.5], [0.5, 0.5]], [[0], [1]])
    with pytest.raises(ValueError, match="base"):
        grouping([0.5, 0.5], [[0], [1]], base=1)


@pytest.mark.parametrize(
    ("delta_s", "base", "expected"),
    [
        # by definition: k_B ln 2 J/K is one bit, k_B J/K one nat
        (BOLTZMANN * math.log(2), 2, 1.0),
        (BOLTZMANN, math.e, 1.0),
        (0.0, 2, 0.0),
        # melting 1 g of ice, L = 333.55 J/g at 273.15 K (CRC Handbook):
        # (333.55 / 273.15) / (1.380649e-23 ln 2), computed by hand
        (333.55 / 273.15, 2, 1.2760009e23),
    ],
)
def test_thermodynamic_bits_reference_values(delta_s, base, expected):
    assert thermodynamic_bits(delta_s, base=base) == pytest.approx(expected, rel=1e-7)


def test_thermodynamic_bits_broadcasts_and_keeps_sign():
    out = thermodynamic_bits(np.array([[1.0, -1.0]]) * BOLTZMANN, base=math.e)
    np.testing.assert_allclose(out, [[1.0, -1.0]])


def test_boltzmann_constant_is_the_exact_si_value():
    assert BOLTZMANN == 1.380649e-23


@pytest.mark.parametrize(
    ("delta_s", "base", "error", "match"),
    [
        (math.nan, 2, ValueError, "delta_s"),
        (math.inf, 2, ValueError, "delta_s"),
        ("hot", 2, TypeError, "delta_s"),
        (1.0, 0, ValueError, "base"),
    ],
)
def test_thermodynamic_bits_refuses_bad_input(delta_s, base, error, match):
    with pytest.raises(error, match=match):
        thermodynamic_bits(delta_s, base=base)


# --------------------------------------------------------------------------
# patch_surprise: entropy, surprisal and Bayesian surprise of image patches
# --------------------------------------------------------------------------


def _beta_kl_bits(a1, b1, a0, b0):
    """D(Beta(a1, b1) || Beta(a0, b0)) in bits, from the closed form."""
    nats = (
        betaln(a0, b0)
        - betaln(a1, b1)
        + (a1 - a0) * digamma(a1)
        + (b1 - b0) * digamma(b1)
        + (a0 - a1 + b0 - b1) * digamma(a1 + b1)
    )
    return nats / math.log(2)


def _dirichlet_kl_nats(a, b):
    """D(Dir(a) || Dir(b)) in nats, written out (Penny 2001), for the reference."""
    a0, b0 = a.sum(), b.sum()
    return (
        gammaln(a0)
        - gammaln(b0)
        - np.sum(gammaln(a) - gammaln(b))
        + np.sum((a - b) * (digamma(a) - digamma(a0)))
    )


def _patch_reference(image, size, levels, pseudo_count, base):
    """The three maps by loops over patches and pixels: slow and obvious."""
    rows, cols = image.shape[0] // size, image.shape[1] // size
    patches = {
        (r, c): image[r * size : (r + 1) * size, c * size : (c + 1) * size].ravel()
        for r in range(rows)
        for c in range(cols)
    }
    counts = {key: np.bincount(px, minlength=levels) for key, px in patches.items()}
    out = np.zeros((3, rows, cols))
    for key, px in patches.items():
        prior = np.full(levels, float(pseudo_count))
        for other, cnt in counts.items():
            if other != key:
                prior += cnt
        predictive = prior / prior.sum()
        hist = counts[key] / px.size
        nz = hist > 0
        out[0][key] = -np.sum(hist[nz] * np.log(hist[nz])) / math.log(base)
        out[1][key] = np.mean(-np.log(predictive[px])) / math.log(base)
        out[2][key] = _dirichlet_kl_nats(prior + counts[key], prior) / math.log(base)
    return out


def test_patch_surprise_reference_values():
    # a flat patch (4 pixels of level 0) and an even one (2 and 2), two levels:
    # each observer learns from the other patch with one pseudo-count per level
    m = patch_surprise([[0, 0, 0, 1], [0, 0, 1, 0]], size=2, levels=2)
    np.testing.assert_array_equal(m.entropy, [[0.0, 1.0]])
    # flat patch: prior (3, 3) predicts 1/2 each, so 1 bit per pixel; even
    # patch: prior (5, 1) predicts (5/6, 1/6)
    even = 0.5 * math.log2(6 / 5) + 0.5 * math.log2(6)
    np.testing.assert_allclose(m.surprisal, [[1.0, even]], rtol=1e-12)
    # Bayesian surprise: Beta(3, 3) -> Beta(7, 3) and Beta(5, 1) -> Beta(7, 3)
    expected = [[_beta_kl_bits(7, 3, 3, 3), _beta_kl_bits(7, 3, 5, 1)]]
    np.testing.assert_allclose(m.surprise, expected, rtol=1e-10)


@pytest.mark.parametrize(
    ("shape", "size", "levels", "pseudo_count", "base"),
    [
        ((12, 8), 4, 5, 1.0, 2),
        ((6, 9), 3, 3, 0.5, math.e),
        ((4, 4), 4, 7, 2.0, 2),  # one patch: the prior is the pseudo-counts only
        ((5, 5), 1, 2, 1.0, 10),  # one pixel per patch
    ],
)
def test_patch_surprise_matches_a_slow_reference(
    shape, size, levels, pseudo_count, base
):
    rng = np.random.default_rng(sum(shape) + size + levels)
    image = rng.integers(0, levels, size=shape)
    image[:size, :size] = levels - 1  # one flat patch among random ones
    m = patch_surprise(image, size, levels, pseudo_count=pseudo_count, base=base)
    ref = _patch_reference(image, size, levels, pseudo_count, base)
    for got, want in zip(m, ref, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_patch_surprise_measures_each_image_of_a_stack_on_its_own():
    rng = np.random.default_rng(11)
    images = rng.integers(0, 3, size=(2, 3, 6, 4))  # a 2 x 3 stack of images
    stacked = patch_surprise(images, 2, 3)
    for idx in np.ndindex(2, 3):
        single = patch_surprise(images[idx], 2, 3)
        for got, want in zip(stacked, single, strict=True):
            assert got.shape == (2, 3, 3, 2)
            np.testing.assert_allclose(got[idx], want, rtol=1e-12)


def test_patch_surprise_identities_and_units():
    rng = np.random.default_rng(7)
    image = rng.integers(0, 4, size=(16, 16))
    bits = patch_surprise(image, 4, 4)
    nats = patch_surprise(image, 4, 4, base=math.e)
    for b, n in zip(bits, nats, strict=True):
        np.testing.assert_allclose(n, b * math.log(2), rtol=1e-12)
    # surprisal = entropy + D(histogram || prediction) >= entropy, and the
    # surprise of a change of belief is never negative
    assert np.all(bits.surprisal >= bits.entropy - 1e-12)
    assert np.all(bits.surprise > 0)
    assert bits.entropy.shape == bits.surprisal.shape == bits.surprise.shape == (4, 4)


def test_patch_surprise_flat_square_in_noise():
    # the entropy chapter's claim in miniature: a flat patch in uniform noise
    # has zero entropy, about the noise's surprisal, and by far the largest
    # Bayesian surprise
    rng = np.random.default_rng(2005)
    image = rng.integers(0, 16, size=(64, 64))
    image[16:32, 32:48] = 15
    m = patch_surprise(image, 16, 16)
    rest = np.ones((4, 4), dtype=bool)
    rest[1, 2] = False
    assert m.entropy[1, 2] == 0.0
    assert abs(m.surprisal[1, 2] - m.surprisal[rest].mean()) < 0.2
    assert m.surprise[1, 2] > 20 * m.surprise[rest].max()


@pytest.mark.parametrize(
    ("image", "kwargs", "error", "match"),
    [
        ([[0.0, 1.0], [1.0, 0.0]], {}, TypeError, "image must hold integer"),
        ([[True, False], [False, True]], {}, TypeError, "image must hold integer"),
        ([0, 1, 1, 0], {}, ValueError, "at least 2 dimensions"),
        ([[0, 2], [1, 0]], {}, ValueError, "grey levels must be in 0 ... 1"),
        ([[0, -1], [1, 0]], {}, ValueError, "grey levels must be in 0 ... 1"),
        ([[0, 1, 0], [1, 0, 1]], {}, ValueError, "whole number of 2 x 2 patches"),
        ([[0, 1], [1, 0]], {"size": 0}, ValueError, "size must be >= 1"),
        ([[0, 1], [1, 0]], {"size": 2.0}, TypeError, "size must be an integer"),
        ([[0, 1], [1, 0]], {"levels": 1}, ValueError, "levels must be >= 2"),
        ([[0, 1], [1, 0]], {"levels": True}, TypeError, "levels must be an integer"),
        ([[0, 1], [1, 0]], {"pseudo_count": 0}, ValueError, "pseudo_count"),
        ([[0, 1], [1, 0]], {"pseudo_count": [1, 1]}, ValueError, "pseudo_count"),
        ([[0, 1], [1, 0]], {"base": 1}, ValueError, "base"),
    ],
)
def test_patch_surprise_refuses_bad_input(image, kwargs, error, match):
    args = {"size": 2, "levels": 2, **kwargs}
    with pytest.raises(error, match=match):
        patch_surprise(image, **args)


# --- the typical set of a coin ----------------------------------------------


def _typical_by_enumeration(b, n, eps):
    """Size and probability of the typical set, listing all 2**n sequences."""
    import itertools

    h = -b * math.log2(b) - (1 - b) * math.log2(1 - b)
    size, prob = 0, 0.0
    for seq in itertools.product((0, 1), repeat=n):
        k = sum(seq)
        pr = b**k * (1 - b) ** (n - k)
        if abs(-math.log2(pr) / n - h) <= eps:
            size += 1
            prob += pr
    return size, prob


@pytest.mark.parametrize(
    ("b", "n", "eps"),
    [(0.1, 12, 0.1), (0.3, 10, 0.05), (0.3, 13, 0.2), (0.8, 9, 0.3), (0.5, 8, 0.01)],
)
def test_typical_set_matches_enumeration(b, n, eps):
    t = bernoulli_typical_set(b, n, eps)
    size, prob = _typical_by_enumeration(b, n, eps)
    assert size > 0
    assert 2**t.log2_size == pytest.approx(size, rel=1e-12)
    assert t.probability == pytest.approx(prob, rel=1e-12)
    assert t.entropy == pytest.approx(kt.entropy([b, 1 - b]), rel=1e-15)


def test_typical_set_exact_classes_and_binomial_probability():
    # b = 1/4, n = 4: rates are 2 - 0.415 k/... ; only k = 1 is within 0.2 of H
    t = bernoulli_typical_set(0.25, 4, 0.2)
    assert t.heads.tolist() == [1]
    assert 2**t.log2_size == pytest.approx(4)  # C(4, 1)
    assert t.probability == pytest.approx(4 * 0.25 * 0.75**3)
    # the probability is a sum of binomial terms: scipy cross-check, large n
    from scipy.stats import binom

    t = bernoulli_typical_set(0.1, 2000, 0.05)
    assert t.probability == pytest.approx(binom.pmf(t.heads, 2000, 0.1).sum(), rel=1e-9)
    sizes = gammaln(2001) - gammaln(t.heads + 1) - gammaln(2001 - t.heads)
    expected = np.log(np.sum(np.exp(sizes - sizes.max()))) + sizes.max()
    assert t.log2_size == pytest.approx(expected / math.log(2), rel=1e-12)


@pytest.mark.parametrize("b", [0.1, 0.3, 0.7])
def test_typical_set_obeys_the_aep_bounds(b):
    # Cover and Thomas, Theorem 3.1.2: |A| <= 2^{n(H+eps)} always;
    # P(A) > 1 - eps and |A| >= (1 - eps) 2^{n(H-eps)} for n large enough
    eps = 0.05
    probs = []
    for n in [100, 1000, 10_000]:
        t = bernoulli_typical_set(b, n, eps)
        assert t.log2_size <= n * (t.entropy + eps) + 1e-9
        probs.append(t.probability)
    t = bernoulli_typical_set(b, 10_000, eps)
    assert t.probability > 1 - eps
    assert t.log2_size >= n * (t.entropy - eps) + math.log2(1 - eps)
    assert t.log2_size < n  # a vanishing fraction of the 2^n sequences
    assert probs == sorted(probs)  # probability grows towards 1 with n


def test_typical_set_can_be_empty():
    # n = 1, b = 0.1: the rates are 0.152 and 3.32 bits, H = 0.469 bits
    t = bernoulli_typical_set(0.1, 1, 0.1)
    assert t.log2_size == -math.inf and t.probability == 0.0 and t.heads.size == 0


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0.0, 10, 0.1), ValueError, "b must be strictly between 0 and 1"),
        ((1.0, 10, 0.1), ValueError, "b must be strictly between 0 and 1"),
        ((0.3, 0, 0.1), ValueError, "n must be >= 1"),
        ((0.3, 2.5, 0.1), TypeError, "n must be an integer"),
        ((0.3, 10, 0.0), ValueError, "eps must be > 0"),
        ((float("nan"), 10, 0.1), ValueError, "b contains NaN"),
    ],
)
def test_typical_set_refuses_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        bernoulli_typical_set(*args)


# --- perplexity -------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "q", "expected"),
    [
        ([0.5, 0.25, 0.125, 0.125], None, 2**1.75),  # dyadic: H = 7/4 bits
        ([0.25] * 4, None, 4.0),  # uniform on 4: perplexity 4
        ([1.0, 0.0], None, 1.0),  # a certainty: one outcome
        ([0.5, 0.3, 0.18, 0.02], [0.25] * 4, 4.0),  # uniform model: 4 on any data
        ([0.5, 0.5], [0.9, 0.1], 1 / math.sqrt(0.9 * 0.1)),  # geometric mean of 1/q
        ([0.5, 0.5], [1.0, 0.0], math.inf),  # the model rules out an outcome
    ],
)
def test_perplexity_reference_values(p, q, expected):
    assert perplexity(p, q) == pytest.approx(expected, rel=1e-12)


@given(distributions(min_size=2, max_size=8), distributions(min_size=2, max_size=8))
def test_perplexity_is_two_to_the_bits_and_e_to_the_nats(p, q):
    if len(p) != len(q):
        q = np.full(len(p), 1 / len(p))
    pp = perplexity(p, q)
    nats = kt.cross_entropy(p, q, base=math.e)
    if math.isfinite(nats) and nats < 600:
        assert pp == pytest.approx(math.exp(nats), rel=1e-9)
        assert pp >= perplexity(p) * (1 - 1e-12)  # H(p, q) >= H(p)
    assert 1 <= perplexity(p) <= len(p) * (1 + 1e-12)


def test_perplexity_batches_and_refuses_bad_input():
    P = np.array([[0.5, 0.5], [1.0, 0.0]])
    np.testing.assert_allclose(perplexity(P), [2.0, 1.0])
    with pytest.raises(ValueError, match="p"):
        perplexity([0.5, 0.6])
    with pytest.raises(ValueError, match="q"):
        perplexity([0.5, 0.5], [0.5, 0.6])
