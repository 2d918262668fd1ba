"""Shannon entropy beyond one distribution: coarse-graining, physical units,
and entropy against surprise in an image.

Three tools of the entropy chapter that other chapters can reuse:

* :func:`grouping` splits the entropy of a distribution along a partition of
  its outcomes into groups (coarse-graining): the entropy of the coarse
  distribution plus the probability-weighted entropies within the groups;
* :func:`thermodynamic_bits` converts a thermodynamic entropy in joules per
  kelvin into bits (or nats) with the exact SI Boltzmann constant
  :data:`kltools.thermo.BOLTZMANN`;
* :func:`patch_surprise` cuts a grey-level image into square patches and
  measures each three ways: the entropy of its own histogram, its average
  surprisal under an observer's belief learned from the other patches, and
  the Bayesian surprise of that observer on seeing it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

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
    "grouping",
    "patch_surprise",
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
