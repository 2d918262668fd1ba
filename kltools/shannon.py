"""Shannon entropy beyond one distribution: coarse-graining and physical units.

Two tools of the entropy chapter that other chapters can reuse:

* :func:`grouping` splits the entropy of a distribution along a partition of
  its outcomes into groups (coarse-graining): the entropy of the coarse
  distribution plus the probability-weighted entropies within the groups;
* :func:`thermodynamic_bits` converts a thermodynamic entropy in joules per
  kelvin into bits (or nats) with the exact SI Boltzmann constant
  :data:`kltools.thermo.BOLTZMANN`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_finite, checked_distributions, log_base, result
from .discrete import entropy
from .thermo import BOLTZMANN

__all__ = ["BOLTZMANN", "Grouping", "grouping", "thermodynamic_bits"]


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
