"""Shannon entropy beyond one distribution: coarse-graining, physical units,
and entropy against surprise in an image.

Tools of the entropy and cross-entropy chapters that other chapters can reuse:

* :func:`grouping` splits the entropy of a distribution along a partition of
  its outcomes into groups (coarse-graining): the entropy of the coarse
  distribution plus the probability-weighted entropies within the groups;
* :func:`thermodynamic_bits` converts a thermodynamic entropy in joules per
  kelvin into bits (or nats) with the exact SI Boltzmann constant
  :data:`kltools.thermo.BOLTZMANN`;
* :func:`patch_surprise` cuts a grey-level image into square patches and
  measures each three ways: the entropy of its own histogram, its average
  surprisal under an observer's belief learned from the other patches, and
  the Bayesian surprise of that observer on seeing it;
* :func:`bernoulli_typical_set` counts, exactly, the typical sequences of a
  coin (the asymptotic equipartition property) and their probability;
* :func:`perplexity` turns an entropy or a cross entropy into an effective
  number of equally likely outcomes.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln, logsumexp

from ._validation import (
    as_finite,
    as_positive,
    checked_distributions,
    log_base,
    result,
)
from .continuous import dirichlet_kl
from .discrete import cross_entropy, entropy
from .thermo import BOLTZMANN

__all__ = [
    "BOLTZMANN",
    "Grouping",
    "PatchSurprise",
    "TypicalSet",
    "bernoulli_typical_set",
    "grouping",
    "patch_surprise",
    "perplexity",
    "thermodynamic_bits",
]


class Grouping(NamedTuple):
    """The terms of the grouping identity, in units of ``log(base)``.

    ``total == coarse + sum(weights * within)`` up to rounding.
    """

    total: float
    coarse: float
    weights: np.ndarray
    within: np.ndarray


def _group_index(groups: object, n: int) -> list[np.ndarray]:
    """Check that ``groups`` partitions ``range(n)``; return it as arrays."""
    if isinstance(groups, str | bytes) or not hasattr(groups, "__iter__"):
        raise TypeError(f"groups must be a sequence of index lists, got {groups!r}")
    out, seen = [], []
    for g in groups:
        idx = np.atleast_1d(np.asarray(g))
        if idx.size == 0 or idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(
                f"groups must be non-empty lists of integer indices, got {g!r}"
            )
        out.append(idx.astype(int))
        seen.extend(idx.tolist())
    if sorted(seen) != list(range(n)):
        raise ValueError(
            f"groups must use every index 0..{n - 1} exactly once, got {groups!r}"
        )
    return out


def grouping(p: ArrayLike, groups: object, *, base: float = 2) -> Grouping:
    r"""Split the entropy of ``p`` along a partition of its outcomes.

    With groups :math:`G_1, \dots, G_m`, weights :math:`w_k = \sum_{i \in G_k}
    p_i` and the conditional distributions :math:`p_{i \mid k} = p_i / w_k`
    within each group,

    .. math::

        H(p) = H(w_1, \dots, w_m) + \sum_k w_k \, H(p_{\cdot \mid k}),

    Shannon's grouping (coarse-graining) property. A group of weight 0 has
    within-entropy 0 by convention (it contributes nothing either way).

    Parameters
    ----------
    p : array_like, shape (n,)
        One distribution; it must sum to 1 (within 1e-9).
    groups : sequence of sequences of int
        A partition of ``range(n)``: every index in exactly one group.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    Grouping
        ``total`` = H(p), ``coarse`` = H(w), ``weights`` w (shape (m,)),
        ``within`` the entropies within the groups (shape (m,)), all in units
        of ``log(base)``.

    Examples
    --------
    A fair die seen as "six or not": 0.65 bits for the split, and the five
    other faces carry log2 5 bits five times in six.

    >>> from kltools.shannon import grouping
    >>> g = grouping([1 / 6] * 6, [[5], [0, 1, 2, 3, 4]])
    >>> round(g.coarse, 6), g.within.round(6).tolist()
    (0.650022, [0.0, 2.321928])
    >>> round(g.coarse + float(g.weights @ g.within), 12) == round(g.total, 12)
    True
    """
    log_base(base)
    (arr,), _ = checked_distributions([p], ["p"], -1)
    if arr.shape[0] != 1:
        raise ValueError(f"p must be one distribution, got shape {np.shape(p)}")
    arr = arr[0]
    idx = _group_index(groups, arr.shape[0])
    weights = np.array([arr[g].sum() for g in idx])
    within = np.array(
        [
            entropy(arr[g] / w, base=base) if (w > 0 and g.size > 1) else 0.0
            for g, w in zip(idx, weights, strict=True)
        ]
    )
    coarse = entropy(weights, base=base, normalize=True)
    return Grouping(entropy(arr, base=base), coarse, weights, within)


def thermodynamic_bits(delta_s: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""A thermodynamic entropy in J/K expressed as information.

    Boltzmann's :math:`S = k_B \ln W` measures entropy in units of
    :math:`k_B` nats, so

    .. math:: \text{bits} = \frac{\Delta S}{k_B \ln 2},

    with :math:`k_B` = :data:`kltools.thermo.BOLTZMANN` = 1.380649e-23 J/K exactly.

    Parameters
    ----------
    delta_s : array_like
        Entropy changes in joules per kelvin (finite; any sign, any shape).
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The same entropies in units of ``log(base)``.

    Examples
    --------
    One unit of :math:`k_B \ln 2` is one bit; one :math:`k_B` is one nat.

    >>> import math
    >>> from kltools.shannon import BOLTZMANN, thermodynamic_bits
    >>> thermodynamic_bits(BOLTZMANN * math.log(2))
    1.0
    >>> thermodynamic_bits(BOLTZMANN, base=math.e)
    1.0
    """
    nats = log_base(base)
    arr = as_finite(delta_s, "delta_s")
    return result(arr / (BOLTZMANN * nats))


class PatchSurprise(NamedTuple):
    """Three measures of each patch of an image, each of shape (rows, cols).

    ``entropy`` and ``surprisal`` are per pixel, ``surprise`` per patch, all
    in units of ``log(base)``.
    """

    entropy: np.ndarray
    surprisal: np.ndarray
    surprise: np.ndarray


def _whole_number(x: object, name: str, low: int) -> int:
    """Check that ``x`` is an integer ``>= low`` (not a bool); return it."""
    if isinstance(x, bool) or not isinstance(x, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {x!r}")
    if x < low:
        raise ValueError(f"{name} must be >= {low}, got {x!r}")
    return int(x)


def patch_surprise(
    image: ArrayLike,
    size: int,
    levels: int,
    *,
    pseudo_count: float = 1.0,
    base: float = 2,
) -> PatchSurprise:
    r"""Entropy, surprisal and Bayesian surprise of each patch of an image.

    The image is cut into square patches of ``size`` by ``size`` pixels. Let
    :math:`c_j` be the grey-level counts of patch :math:`j` (it has
    :math:`n = \text{size}^2` pixels) and :math:`h_j = c_j / n` its
    histogram. The *observer* of patch :math:`j` holds a Dirichlet belief
    about the grey-level frequencies learned from every **other** patch,
    :math:`\mathrm{Dir}(\alpha_j)` with
    :math:`\alpha_j = a + \sum_{i \ne j} c_i` (``a`` is ``pseudo_count``),
    and predicts each pixel with the mean of that belief,
    :math:`\pi_j = \alpha_j / \sum_x \alpha_j(x)`. Three numbers per patch:

    .. math::

        \text{entropy}_j &= H(h_j) = -\sum_x h_j(x) \log h_j(x)
        \quad\text{(per pixel)},\\
        \text{surprisal}_j &= H(h_j, \pi_j)
        = \frac{1}{n} \sum_{\text{pixels } x} -\log \pi_j(x)
        \quad\text{(per pixel)},\\
        \text{surprise}_j &= D\big(\mathrm{Dir}(\alpha_j + c_j) \,\|\,
        \mathrm{Dir}(\alpha_j)\big) \quad\text{(per patch)}.

    The entropy is a property of the patch alone (the surprisal of an
    observer who already knew the patch's own histogram); the surprisal is
    how unlikely the patch's pixels are under the observer's fixed
    prediction; the surprise, that of :cite:t:`itti2005`, is how far seeing
    the patch moves the observer's belief (:func:`kltools.dirichlet_kl`).

    Parameters
    ----------
    image : array_like of int, shape (..., height, width)
        Grey levels ``0 ... levels - 1``; height and width must be multiples
        of ``size``. Leading axes hold separate images, each measured on its
        own (its observers learn only from its own patches).
    size : int
        Side of a patch in pixels, ``>= 1``.
    levels : int
        Number of grey levels, ``>= 2``.
    pseudo_count : float, optional
        The prior count ``a > 0`` given to every grey level before any patch
        is seen; 1 (default) is a uniform Dirichlet start.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    PatchSurprise
        ``entropy`` and ``surprisal`` in units of ``log(base)`` per pixel,
        ``surprise`` in units of ``log(base)`` per patch, each of shape
        ``(..., height // size, width // size)``.

    Examples
    --------
    Two patches of two grey levels, a flat one and an even one. The flat
    patch has entropy 0, yet it costs its observer, who learned from the
    even patch to expect both levels equally, 1 bit per pixel; the even
    patch has 1 bit of entropy and costs more, 1.424 bits, because its
    observer learned from the flat patch to expect level 0.

    >>> from kltools.shannon import patch_surprise
    >>> m = patch_surprise([[0, 0, 0, 1], [0, 0, 1, 0]], size=2, levels=2)
    >>> m.entropy.tolist(), m.surprisal.round(4).tolist()
    ([[0.0, 1.0]], [[1.0, 1.424]])
    >>> m.surprise.round(4).tolist()
    [[0.8834, 0.7273]]

    A stack of images gives one map per image:

    >>> patch_surprise([[[0, 1]], [[1, 1]]], size=1, levels=2).entropy.shape
    (2, 1, 2)
    """
    log_base(base)
    size = _whole_number(size, "size", 1)
    levels = _whole_number(levels, "levels", 2)
    a = as_positive(pseudo_count, "pseudo_count")
    if a.ndim != 0:
        raise ValueError(f"pseudo_count must be one number, got shape {a.shape}")
    try:
        img = np.asarray(image)
    except ValueError as err:  # ragged nested sequences
        raise ValueError(f"image is not a rectangular array: {err}") from None
    if img.dtype.kind not in "iu":
        raise TypeError(f"image must hold integer grey levels, got dtype {img.dtype}")
    if img.ndim < 2 or img.size == 0:
        raise ValueError(
            f"image must be a non-empty array of at least 2 dimensions (height, "
            f"width), got shape {img.shape}"
        )
    if img.min() < 0 or img.max() >= levels:
        raise ValueError(
            f"image grey levels must be in 0 ... {levels - 1}, got values from "
            f"{img.min()} to {img.max()}"
        )
    *lead, height, width = img.shape
    if height % size or width % size:
        raise ValueError(
            f"image shape {img.shape} is not a whole number of {size} x {size} patches"
        )
    rows, cols = height // size, width // size
    m = rows * cols  # patches per image
    stack = img.reshape(-1, rows, size, cols, size).swapaxes(2, 3)
    patches = stack.reshape(-1, size * size)  # one patch per row
    offsets = levels * np.arange(patches.shape[0])[:, None]
    flat = np.bincount((patches + offsets).ravel(), minlength=len(patches) * levels)
    counts = flat.reshape(-1, m, levels).astype(np.float64)  # (images, m, levels)
    hist = counts / (size * size)
    prior = float(a) + counts.sum(axis=1, keepdims=True) - counts  # other patches
    predictive = prior / prior.sum(axis=-1, keepdims=True)
    shape = (*lead, rows, cols)
    return PatchSurprise(
        np.reshape(entropy(hist, base=base), shape),
        np.reshape(cross_entropy(hist, predictive, base=base), shape),
        np.reshape(dirichlet_kl(prior + counts, prior, base=base), shape),
    )


class TypicalSet(NamedTuple):
    """The typical set of a coin's sequences of length ``n`` (see
    :func:`bernoulli_typical_set`).

    ``log2_size`` is in bits; ``probability`` is the chance that a sequence
    drawn from the coin falls in the set; ``heads`` lists the numbers of
    heads whose sequences are typical.
    """

    n: int
    entropy: float
    log2_size: float
    probability: float
    heads: np.ndarray


def bernoulli_typical_set(b: float, n: int, eps: float) -> TypicalSet:
    r"""The typical set of ``n`` tosses of a coin, counted exactly.

    A sequence :math:`x^n` of ``n`` independent tosses with
    :math:`P(\text{heads}) = b` is *typical* (Cover and Thomas, section 3.1)
    when its surprisal rate is within ``eps`` bits of the entropy
    :math:`H(b)`:

    .. math:: A_\varepsilon^{(n)} = \Bigl\{x^n : \Bigl|-\tfrac1n \log_2
        p(x^n) - H(b)\Bigr| \le \varepsilon\Bigr\}.

    A sequence with :math:`k` heads has
    :math:`-\tfrac1n \log_2 p(x^n) = -\tfrac kn \log_2 b - (1 - \tfrac kn)
    \log_2 (1 - b)`, the same for all :math:`\binom nk` of them, so the set
    is a union of whole binomial classes: its size is
    :math:`\sum_k \binom nk` and its probability
    :math:`\sum_k \binom nk b^k (1 - b)^{n - k}` over the typical
    :math:`k`, summed in logarithms (no enumeration of the :math:`2^n`
    sequences, no overflow).

    Parameters
    ----------
    b : float
        Probability of heads, strictly between 0 and 1.
    n : int
        Length of the sequences, ``>= 1``.
    eps : float
        Half-width of the window around :math:`H(b)`, in bits, ``> 0``.

    Returns
    -------
    TypicalSet
        ``n``, ``entropy`` :math:`H(b)` in bits, ``log2_size``
        (:math:`\log_2 |A|` in bits; ``-inf`` if no class is typical),
        ``probability`` :math:`P(A)`, and ``heads``, the typical :math:`k`.

    Examples
    --------
    For a fair coin every sequence has surprisal rate exactly 1 bit, so all
    :math:`2^n` are typical:

    >>> from kltools.shannon import bernoulli_typical_set
    >>> t = bernoulli_typical_set(0.5, 10, 0.01)
    >>> float(t.log2_size), float(t.probability)
    (10.0, 1.0)
    >>> bernoulli_typical_set(0.25, 4, 0.2).heads.tolist()  # H = 0.811 bits
    [1]
    """
    bb = float(as_finite(b, "b"))
    if not 0 < bb < 1:
        raise ValueError(f"b must be strictly between 0 and 1, got {b!r}")
    nn = _whole_number(n, "n", 1)
    ee = float(as_positive(eps, "eps"))
    h = float(entropy([bb, 1 - bb]))
    k = np.arange(nn + 1)
    rate = -(k * math.log2(bb) + (nn - k) * math.log2(1 - bb)) / nn
    # |rate - H| <= eps, with a rounding slack of a few ulps of the rate
    typical = np.abs(rate - h) <= ee + 1e-12 * max(1.0, h)
    log_choose = gammaln(nn + 1) - gammaln(k + 1) - gammaln(nn - k + 1)  # nats
    if not typical.any():
        return TypicalSet(nn, h, -math.inf, 0.0, k[typical])
    log_size = float(logsumexp(log_choose[typical])) / math.log(2)
    log_prob = log_choose + k * math.log(bb) + (nn - k) * math.log1p(-bb)
    prob = min(1.0, float(np.exp(logsumexp(log_prob[typical]))))
    return TypicalSet(nn, h, log_size, prob, k[typical])


def perplexity(
    p: ArrayLike, q: ArrayLike | None = None, *, axis: int = -1
) -> float | np.ndarray:
    r"""Perplexity: the entropy or cross entropy as a number of outcomes.

    .. math:: \mathrm{PP}(p) = 2^{H_2(p)}, \qquad
        \mathrm{PP}(p, q) = 2^{H_2(p, q)} = \prod_x q(x)^{-p(x)},

    with :math:`H_2` in bits; the same number is :math:`e^{H}` with
    :math:`H` in nats, so the result has no unit and takes no ``base``. A
    model of perplexity :math:`k` is, on average, as uncertain about the
    data as a uniform choice among :math:`k` outcomes: the uniform
    distribution on :math:`k` outcomes has perplexity :math:`k` on any data.
    With :math:`p` the empirical distribution of a sample it is the
    geometric mean of :math:`1 / q(x_i)` over the sample.

    Parameters
    ----------
    p : array_like
        The distribution the data follow (sums to 1 along ``axis``).
    q : array_like, optional
        The model. Without it, the perplexity of ``p`` itself.
    axis : int, optional
        The outcome axis, the last by default; leading axes broadcast.

    Returns
    -------
    float or ndarray
        At least 1; ``inf`` where :math:`q(x) = 0` for an outcome of
        :math:`p`.

    Examples
    --------
    >>> from kltools.shannon import perplexity
    >>> perplexity([0.5, 0.25, 0.125, 0.125])  # 2 ** 1.75
    3.363585661014858
    >>> perplexity([0.5, 0.3, 0.18, 0.02], [0.25] * 4)  # uniform on 4
    4.0
    """
    if q is None:
        bits = entropy(p, axis=axis)
    else:
        bits = cross_entropy(p, q, axis=axis)
    with np.errstate(over="ignore"):
        return result(np.maximum(np.exp2(np.asarray(bits, dtype=np.float64)), 1.0))
