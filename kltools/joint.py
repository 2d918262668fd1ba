"""Joint entropy, conditional entropy and mutual information of two variables.

A joint distribution is a 2-D table ``pxy`` with ``pxy[i, j] = P(X = x_i,
Y = y_j)``: X indexes rows, Y columns.  The table as a whole must sum to 1
(or pass ``normalize=True`` for counts).  Results are in units of
``log(base)``, bits by default, computed by the same kernel as
:mod:`kltools.discrete`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._kernel import xlogy_block
from ._measure import finish
from ._validation import as_float_array, log_base, prepare_distributions

__all__ = ["conditional_entropy", "joint_entropy", "mutual_information"]


def _table(pxy: ArrayLike, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    """Check that ``pxy`` is a 2-D table; return it as (table, one flat row)."""
    arr = as_float_array(pxy, "pxy")
    if arr.ndim != 2:
        raise ValueError(
            f"pxy must be a 2-D joint table (rows X, columns Y), got shape {arr.shape}"
        )
    laid, _ = prepare_distributions([arr.reshape(-1)], ["pxy"], -1, normalize=normalize)
    return laid[0].reshape(arr.shape), laid[0]


def _joint_measure(flat, other, block_fn, base):
    """Reduce the flat table together with a derived array of the same layout."""
    nats = log_base(base)
    arrays = [flat] if other is None else [flat, other.reshape(1, -1)]
    return finish(arrays, ["pxy", "marginals"], block_fn, (), nats, n_checked=1)


def _entropy_block(blocks, bufs):
    (p,) = blocks
    return -xlogy_block(p, p, None, bufs[0])


def _ratio_block(blocks, bufs):
    """Terms p(x, y) log(p(x, y) / r(x, y)) for a derived table r."""
    p, r = blocks
    return xlogy_block(p, p, r, bufs[0])


def _inverse_ratio_block(blocks, bufs):
    """Terms p(x, y) log(r(x, y) / p(x, y)) for a derived table r."""
    p, r = blocks
    return xlogy_block(p, r, p, bufs[0])


def joint_entropy(pxy: ArrayLike, *, base: float = 2, normalize: bool = False) -> float:
    r"""Joint entropy of two variables.

    .. math:: H(X, Y) = -\sum_{i, j} p(x_i, y_j) \log p(x_i, y_j)

    Parameters
    ----------
    pxy : array_like, shape (n_x, n_y)
        Joint probabilities, summing to 1.
    base : float, optional
        Base of the logarithm: 2 (default) gives bits.
    normalize : bool, optional
        If True, ``pxy`` holds counts or weights, rescaled to sum to 1.

    Returns
    -------
    float
        :math:`H(X, Y)`, between :math:`\max(H(X), H(Y))` and
        :math:`H(X) + H(Y)`.

    Examples
    --------
    Two independent fair coins:

    >>> import kltools as kt
    >>> kt.joint_entropy([[0.25, 0.25], [0.25, 0.25]])
    2.0
    """
    return _joint_measure(_table(pxy, normalize)[1], None, _entropy_block, base)


def conditional_entropy(
    pxy: ArrayLike, *, base: float = 2, normalize: bool = False
) -> float:
    r"""Conditional entropy of X (rows) given Y (columns).

    .. math::

        H(X \mid Y) = \sum_j p(y_j)\, H(X \mid Y = y_j)
                    = -\sum_{i,j} p(x_i, y_j) \log \frac{p(x_i, y_j)}{p(y_j)}
                    = H(X, Y) - H(Y)

    For :math:`H(Y \mid X)` pass the transposed table, ``pxy.T``.

    Parameters
    ----------
    pxy : array_like, shape (n_x, n_y)
        Joint probabilities, summing to 1.
    base, normalize
        As in :func:`joint_entropy`.

    Returns
    -------
    float
        :math:`H(X \mid Y)`, between 0 and :math:`H(X)`.

    Examples
    --------
    If Y is a copy of X nothing is left to learn; if independent, all of H(X):

    >>> import kltools as kt
    >>> kt.conditional_entropy([[0.5, 0], [0, 0.5]])
    0.0
    >>> kt.conditional_entropy([[0.25, 0.25], [0.25, 0.25]])
    1.0
    """
    table, flat = _table(pxy, normalize)
    with np.errstate(all="ignore"):  # bad entries are reported by the check
        py = np.broadcast_to(table.sum(axis=0), table.shape)
    return _joint_measure(flat, py, _inverse_ratio_block, base)


def mutual_information(
    pxy: ArrayLike, *, base: float = 2, normalize: bool = False
) -> float:
    r"""Mutual information between X (rows) and Y (columns).

    .. math::

        I(X; Y) = D\big(p(x, y) \,\|\, p(x)\, p(y)\big)
                = H(X) - H(X \mid Y) = H(X) + H(Y) - H(X, Y)

    Symmetric, non-negative, and zero exactly when X and Y are independent.

    Parameters
    ----------
    pxy : array_like, shape (n_x, n_y)
        Joint probabilities, summing to 1.
    base, normalize
        As in :func:`joint_entropy`.

    Returns
    -------
    float
        :math:`I(X; Y)`, between 0 and :math:`\min(H(X), H(Y))`.

    Examples
    --------
    A bit and its copy share one bit; independent bits share none:

    >>> import kltools as kt
    >>> kt.mutual_information([[0.5, 0], [0, 0.5]])
    1.0
    >>> kt.mutual_information([[0.25, 0.25], [0.25, 0.25]])
    0.0
    >>> kt.mutual_information([[30, 10], [10, 30]], normalize=True)
    0.1887218755
    """
    table, flat = _table(pxy, normalize)
    with np.errstate(all="ignore"):  # bad entries are reported by the check
        independent = np.outer(table.sum(axis=1), table.sum(axis=0))
    return _joint_measure(flat, independent, _ratio_block, base)
