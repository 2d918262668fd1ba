"""Joint entropy, conditional entropy and mutual information of two variables.

A joint distribution is a 2-D table ``pxy`` with ``pxy[i, j] = P(X = x_i,
Y = y_j)``: X indexes rows, Y columns.  The table as a whole must sum to 1
(or pass ``normalize=True`` for counts).  Results are in units of
``log(base)``, bits by default, computed by the same kernel as
:mod:`kltools.discrete`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._kernel import LOG_FLOOR
from ._validation import _raw_array, check_distributions, log_base, prepare

__all__ = [
    "conditional_entropy",
    "conditional_mutual_information",
    "joint_entropy",
    "mutual_information",
]


class _Table(NamedTuple):
    """A joint table laid out for the checks."""

    table: np.ndarray  # the checked table, float64, its own shape
    flat: np.ndarray  # the same, as one row (1, size) for the kernel
    tolerance: float


def _table(pxy: ArrayLike, normalize: bool, ndim: int = 2, name: str = "pxy"):
    """Check that ``pxy`` is a non-empty table of ``ndim`` axes and lay it out."""
    raw = _raw_array(pxy, name)
    if raw.ndim != ndim:
        what = (
            "a 2-D joint table (rows X, columns Y)"
            if ndim == 2
            else "a 3-D joint table pxyz[i, j, k] = P(x_i, y_j, z_k)"
        )
        raise ValueError(f"{name} must be {what}, got shape {raw.shape}")
    if raw.size == 0:
        raise ValueError(f"{name} is empty (shape {raw.shape}); it needs outcomes")
    laid, _, tols = prepare([raw.reshape(-1)], [name], -1, normalize=normalize)
    return _Table(laid[0].reshape(raw.shape), laid[0], tols[0])


def _checked_table(pxy, normalize, ndim=2, name="pxy"):
    """:func:`_table`, then the sum and sign checks, before any arithmetic."""
    t = _table(pxy, normalize, ndim, name)
    with np.errstate(all="ignore"):
        lo = float(t.flat.min())
        total = t.flat.sum(axis=-1)
    check_distributions([t.flat], [name], [lo], [total], [t.tolerance])
    return t.table


def _xlog_sum(x: np.ndarray, ratio: np.ndarray, exact_log) -> float:
    """``sum x log(ratio)`` in nats with ``0 log(anything) = 0``.

    ``ratio`` is formed by divisions that cannot underflow where ``x > 0``;
    where it overflowed (or is otherwise not finite and positive) the
    logarithm is taken from ``exact_log()``, a sum of separate logarithms.
    """
    with np.errstate(all="ignore"):
        logs = np.fmax(np.log(ratio), LOG_FLOOR)
        pos = x > 0
        odd = pos & ~(np.isfinite(ratio) & (ratio > 0))
        if odd.any():
            logs = np.where(odd, exact_log(), logs)
        return float(np.where(pos, x * logs, 0.0).sum())


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
    nats = log_base(base)
    table = _checked_table(pxy, normalize)
    return _finish(-_xlog_sum(table, table, lambda: np.log(table)), nats)


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
    nats = log_base(base)
    table = _checked_table(pxy, normalize)
    with np.errstate(all="ignore"):
        py = table.sum(axis=0)
        ratio = table / py  # in (0, 1] wherever p(x, y) > 0
    value = -_xlog_sum(table, ratio, lambda: np.log(table) - np.log(py))
    return _finish(value, nats)


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
    nats = log_base(base)
    table = _checked_table(pxy, normalize)
    with np.errstate(all="ignore"):
        px = table.sum(axis=1)[:, None]
        py = table.sum(axis=0)[None, :]
        # (p(x, y) / p(x)) / p(y): no product p(x) p(y) that could underflow.
        ratio = (table / px) / py
    value = _xlog_sum(table, ratio, lambda: np.log(table) - np.log(px) - np.log(py))
    return _finish(value, nats)


def conditional_mutual_information(
    pxyz: ArrayLike, *, base: float = 2, normalize: bool = False
) -> float:
    r"""Conditional mutual information of X and Y given Z.

    .. math::

        I(X; Y \mid Z) = \sum_z p(z)\, I(X; Y \mid Z = z)
            = \sum_{i,j,k} p(x_i, y_j, z_k)
              \log \frac{p(z_k)\, p(x_i, y_j, z_k)}{p(x_i, z_k)\, p(y_j, z_k)}
            = H(X \mid Z) - H(X \mid Y, Z)

    the information that Y adds about X once Z is known. Non-negative,
    symmetric in X and Y, and zero exactly when X and Y are independent
    given each value of Z. With the chain rule
    :math:`I(X; Y, Z) = I(X; Z) + I(X; Y \mid Z)` :cite:p:`cover2006`.

    Parameters
    ----------
    pxyz : array_like, shape (n_x, n_y, n_z)
        Joint probabilities, ``pxyz[i, j, k] = P(X = x_i, Y = y_j, Z = z_k)``,
        summing to 1.
    base : float, optional
        Base of the logarithm, a finite number > 1: 2 (default) gives bits.
    normalize : bool, optional
        If True, ``pxyz`` holds counts or weights, rescaled to sum to 1.

    Returns
    -------
    float
        :math:`I(X; Y \mid Z)`, between 0 and
        :math:`\min(H(X \mid Z), H(Y \mid Z))`.

    Examples
    --------
    Two fair bits X, Y and their parity Z = X xor Y: X and Y are independent,
    yet once Z is known, Y tells X completely.

    >>> import numpy as np
    >>> import kltools as kt
    >>> pxyz = np.zeros((2, 2, 2))
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         pxyz[x, y, x ^ y] = 0.25
    >>> kt.mutual_information(pxyz.sum(axis=2))
    0.0
    >>> kt.conditional_mutual_information(pxyz)
    1.0

    If Z is independent of (X, Y), conditioning changes nothing:

    >>> pxy = np.array([[0.4, 0.1], [0.1, 0.4]])
    >>> pxyz = pxy[:, :, None] * np.array([0.3, 0.7])
    >>> bool(abs(kt.conditional_mutual_information(pxyz)
    ...          - kt.mutual_information(pxy)) < 1e-15)
    True
    """
    nats = log_base(base)
    table = _checked_table(pxyz, normalize, ndim=3, name="pxyz")
    with np.errstate(all="ignore"):
        pz = table.sum(axis=(0, 1))[None, None, :]
        pxz = table.sum(axis=1)[:, None, :]
        pyz = table.sum(axis=0)[None, :, :]
        # p(y | x, z) / p(y | z): both factors lie in (0, 1] where p(x, y, z) > 0.
        ratio = (table / pxz) / (pyz / pz)
    value = _xlog_sum(
        table,
        ratio,
        lambda: np.log(table) + np.log(pz) - np.log(pxz) - np.log(pyz),
    )
    return _finish(value, nats)


def _finish(nats_value: float, log_b: float) -> float:
    """Clip rounding below 0 and convert nats to units of ``log(base)``."""
    return max(nats_value, 0.0) / log_b
