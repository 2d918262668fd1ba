"""Input checks shared by every public function of :mod:`kltools`.

Every public function funnels its arguments through the helpers here, so a
bad input gets the same clear message wherever it enters the package:

* :func:`as_float_array` turns an array-like into a float64 array, refusing
  non-numeric input with a :class:`TypeError`;
* :func:`log_base` checks ``base`` and returns ``log(base)``, the number of
  nats in one unit of the result;
* :func:`prepare_distributions` broadcasts one or more distributions to a
  common 2-D layout (rows are distributions, columns are outcomes);
* :func:`check_distributions` turns what the kernel measured (minima and
  sums) into a verdict, and when something is wrong looks at the offending
  argument again to say exactly what.

The fast path never looks at the data twice: the kernel in :mod:`._kernel`
takes each block's minimum and sum while the block is in cache, and only a
failed check costs a second, diagnostic pass.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

#: Largest accepted relative deviation of a distribution's sum from 1.
SUM_TOLERANCE = 1e-9


def as_float_array(x: ArrayLike, name: str) -> np.ndarray:
    """Return ``x`` as a float64 array; refuse input that is not real numbers."""
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested sequences
        raise ValueError(f"{name} is not a rectangular array: {err}") from None
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers, not booleans")
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers, got dtype {arr.dtype} "
            f"(for example {_example(arr)!r})"
        )
    return arr.astype(np.float64, copy=False)


def _example(arr: np.ndarray) -> object:
    return arr.flat[0] if arr.size else arr


def log_base(base: object) -> float:
    """Return ``log(base)`` after checking that ``base`` is a valid log base."""
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number, got {base!r}")
    b = float(base)
    if not math.isfinite(b) or b <= 0 or b == 1:
        raise ValueError(f"base must be a finite number > 0 and != 1, got {base!r}")
    return math.log(b)


def check_entries(arr: np.ndarray, name: str) -> None:
    """Raise if ``arr`` has NaN, infinite or negative entries (diagnostic pass)."""
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN entries")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite entries")
    if (arr < 0).any():
        raise ValueError(
            f"{name} has negative entries (smallest {arr.min():.6g}); "
            "probabilities must be >= 0"
        )


def prepare_distributions(
    arrays: Sequence[ArrayLike],
    names: Sequence[str],
    axis: int,
    *,
    normalize: bool = False,
) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """Convert, broadcast and lay out distributions for the kernel.

    Returns the arrays reshaped to a common ``(rows, outcomes)`` layout and
    the shape of the leading (batch) axes, ``()`` for single distributions.
    The distribution axis itself never broadcasts: every argument must have
    the same number of outcomes.
    """
    arrs = [as_float_array(a, n) for a, n in zip(arrays, names, strict=True)]
    for a, n in zip(arrs, names, strict=True):
        if a.ndim == 0:
            raise ValueError(
                f"{n} must be an array of probabilities, not a scalar ({a[()]!r})"
            )
        if a.size == 0:
            raise ValueError(f"{n} is empty (shape {a.shape}); it needs outcomes")
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrs))
    except ValueError:
        shapes = " and ".join(
            f"{n} {a.shape}" for a, n in zip(arrs, names, strict=True)
        )
        raise ValueError(f"shapes do not broadcast: {shapes}") from None
    ndim = len(shape)
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"axis must be an integer, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for shape {shape}")
    ax = int(axis) % ndim
    n_out = shape[ax]
    for a, n in zip(arrs, names, strict=True):
        own = ax - (ndim - a.ndim)
        size = a.shape[own] if own >= 0 else 1
        if size != n_out:
            shapes = " and ".join(
                f"{m} {b.shape}" for b, m in zip(arrs, names, strict=True)
            )
            raise ValueError(
                f"shapes do not broadcast along axis {axis}: {shapes}; "
                f"{n} has {size} outcome(s) there, expected {n_out}"
            )
    out = []
    for a, n in zip(arrs, names, strict=True):
        b = a
        if a.shape != shape or ax != ndim - 1:
            b = np.moveaxis(np.broadcast_to(a, shape), ax, -1)
        if normalize:
            b = _normalized(b, n)
        out.append(b.reshape(-1, n_out))
    lead = shape[:ax] + shape[ax + 1 :]
    return out, lead


def _normalized(a: np.ndarray, name: str) -> np.ndarray:
    check_entries(a, name)
    total = a.sum(axis=-1, keepdims=True)
    if (total <= 0).any():
        raise ValueError(f"{name} has total weight 0, so it cannot be normalised")
    if not np.isfinite(total).all():
        raise ValueError(f"{name} has a total weight too large to normalise")
    return a / total


def check_distributions(
    arrays: Sequence[np.ndarray],
    names: Sequence[str],
    minima: Sequence[float],
    sums: Sequence[np.ndarray],
) -> None:
    """Raise unless every array had non-negative entries and rows summing to 1.

    ``minima`` and ``sums`` are what the kernel measured block by block; NaN
    and infinite entries show up there as a NaN minimum or a non-finite sum.
    """
    for arr, name, lo, total in zip(arrays, names, minima, sums, strict=True):
        if not (lo >= 0) or not np.isfinite(total).all():
            check_entries(arr, name)
        bad = np.abs(total - 1.0) > SUM_TOLERANCE
        if bad.any():
            where = np.flatnonzero(bad)
            value = total[where[0]]
            row = "" if total.size == 1 else f" (distribution {where[0]})"
            raise ValueError(
                f"{name} sums to {value:.12g}{row}, not 1; pass normalize=True "
                "to rescale weights or counts"
            )


def as_finite(x: ArrayLike, name: str) -> np.ndarray:
    """Return ``x`` as a float64 array of finite numbers (any shape)."""
    arr = as_float_array(x, name)
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN entries")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite entries")
    return arr


def as_positive(x: ArrayLike, name: str) -> np.ndarray:
    """Return ``x`` as finite, strictly positive float64 (scales, rates, shapes)."""
    arr = as_finite(x, name)
    if (arr <= 0).any():
        raise ValueError(
            f"{name} must be > 0, got {arr[arr <= 0].flat[0]!r}; scales, rates "
            "and concentrations are positive"
        )
    return arr


def as_probability(x: ArrayLike, name: str) -> np.ndarray:
    """Return ``x`` as finite float64 in the closed interval [0, 1]."""
    arr = as_finite(x, name)
    if ((arr < 0) | (arr > 1)).any():
        bad = arr[(arr < 0) | (arr > 1)].flat[0]
        raise ValueError(f"{name} must be a probability in [0, 1], got {bad!r}")
    return arr


def broadcast(*named: tuple[np.ndarray, str]) -> list[np.ndarray]:
    """Broadcast parameter arrays, naming them if their shapes do not fit."""
    try:
        return list(np.broadcast_arrays(*(a for a, _ in named)))
    except ValueError:
        shapes = " and ".join(f"{n} {a.shape}" for a, n in named)
        raise ValueError(f"shapes do not broadcast: {shapes}") from None


def result(values: np.ndarray) -> float | np.ndarray:
    """A Python float for a 0-d result, the array otherwise."""
    values = np.asarray(values, dtype=np.float64)
    return float(values) if values.ndim == 0 else values


def checked_distributions(
    arrays: Sequence[ArrayLike],
    names: Sequence[str],
    axis: int,
    *,
    normalize: bool = False,
) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """:func:`prepare_distributions` then :func:`check_distributions`, at once.

    For measures that do not run through the blocked kernel (which measures
    minima and sums on the way): the arrays are laid out and checked before
    any arithmetic touches them.
    """
    laid, lead = prepare_distributions(arrays, names, axis, normalize=normalize)
    minima = [float(a.min()) for a in laid]
    sums = [a.sum(axis=-1) for a in laid]
    check_distributions(laid, names, minima, sums)
    return laid, lead
