"""Input checks shared by every public function of :mod:`kltools`.

Every public function funnels its arguments through the helpers here, so a
bad input gets the same clear message wherever it enters the package:

* :func:`as_float_array` turns an array-like into a float64 array, refusing
  non-numeric input with a :class:`TypeError`;
* :func:`log_base` checks ``base`` (a finite real number ``> 1``, numpy
  scalars and 0-d arrays included) and returns ``log(base)``, the number of
  nats in one unit of the result;
* :func:`prepare` broadcasts one or more distributions to a common 2-D
  layout (rows are distributions, columns are outcomes) and says how far
  each one's sums may be from 1 (:func:`sum_tolerance`: the tolerance
  follows the input's precision);
* :func:`check_distributions` turns what the kernel measured (minima and
  sums) into a verdict, and when something is wrong looks at the offending
  argument again to say exactly what.

The fast path never looks at the data twice: the kernel in :mod:`._kernel`
takes each block's minimum and sum while the block is in cache, and only a
failed check costs a second, diagnostic pass.  No check prints a numpy
warning on its way to an error.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

#: Largest accepted relative deviation of a distribution's sum from 1, for
#: float64 and integer input.
SUM_TOLERANCE = 1e-9

#: For floating-point input of lower precision (float32, float16) the
#: tolerance is this many units of the dtype's machine epsilon: a float32
#: array that sums to 1 in float32 is off by a few float32 roundings.
LOW_PRECISION_ULPS = 16

#: What a sum error suggests, unless the caller says otherwise.
NORMALIZE_HINT = "pass normalize=True to rescale weights or counts"


def sum_tolerance(dtype: np.dtype) -> float:
    """The accepted ``|sum - 1|`` for a distribution given with ``dtype``.

    ``1e-9`` for float64, wider types and integers; ``16 * eps`` of the dtype
    for lower-precision floats (``1.9e-6`` for float32, ``0.016`` for
    float16), so that the precision the input was given in is respected.
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "f" and dtype.itemsize < 8:
        return max(SUM_TOLERANCE, LOW_PRECISION_ULPS * float(np.finfo(dtype).eps))
    return SUM_TOLERANCE


def _raw_array(x: ArrayLike, name: str) -> np.ndarray:
    """``np.asarray(x)``, refusing ragged and non-numeric input by name.

    Object arrays (which numpy makes of Python integers too large for
    int64) are accepted when every entry is a real number.
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested sequences
        raise ValueError(f"{name} is not a rectangular array: {err}") from None
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers, not booleans")
    if arr.dtype.kind == "O":
        for v in arr.flat:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
                raise TypeError(
                    f"{name} must hold real numbers, got an entry {v!r} of type "
                    f"{type(v).__name__}"
                )
        return arr
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers, got dtype {arr.dtype} "
            f"(for example {_example(arr)!r})"
        )
    return arr


def _object_to_float(arr: np.ndarray, name: str) -> np.ndarray:
    """Float64 copy of an object array of real numbers (huge integers refused)."""
    out = np.empty(arr.shape)
    flat = out.reshape(-1)
    for i, v in enumerate(arr.flat):
        try:
            flat[i] = float(v)
        except OverflowError:
            raise ValueError(
                f"{name} holds an integer too large for float64; pass "
                "normalize=True to rescale counts of any size"
            ) from None
    return out


def as_float_array(x: ArrayLike, name: str) -> np.ndarray:
    """Return ``x`` as a float64 array; refuse input that is not real numbers."""
    arr = _raw_array(x, name)
    if arr.dtype.kind == "O":
        return _object_to_float(arr, name)
    return arr.astype(np.float64, copy=False)


def _example(arr: np.ndarray) -> object:
    return arr.flat[0] if arr.size else arr


def log_base(base: object) -> float:
    """Return ``log(base)`` after checking that ``base`` is a valid log base.

    A base must be a finite real number ``> 1``: a base in (0, 1] would make
    every divergence negative (or undefined). Python and numpy scalars and
    0-d numeric arrays are accepted.
    """
    value = base
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"base must be a real number, got {base!r}")
    try:
        b = float(value)
    except OverflowError:
        b = math.inf
    if not math.isfinite(b) or not b > 1:
        raise ValueError(
            f"base must be a finite number > 1, got {base!r} (a base in (0, 1] "
            "would make divergences negative); use 2 for bits, math.e for nats"
        )
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


class Prepared(NamedTuple):
    """Distributions laid out for the kernel, by :func:`prepare`."""

    #: One ``(rows, outcomes)`` float64 array per argument.
    laid: list[np.ndarray]
    #: The shape of the batch (leading) axes, ``()`` for single distributions.
    lead: tuple[int, ...]
    #: Accepted ``|sum - 1|`` per argument (:func:`sum_tolerance`).
    tolerances: list[float]


def prepare(
    arrays: Sequence[ArrayLike],
    names: Sequence[str],
    axis: int,
    *,
    normalize: bool = False,
) -> Prepared:
    """Convert, broadcast and lay out distributions for the kernel.

    The distribution axis itself never broadcasts: every argument must have
    the same number of outcomes, at least one. An empty batch (a leading
    axis of length 0) is fine and gives empty results.
    """
    raws = [_raw_array(a, n) for a, n in zip(arrays, names, strict=True)]
    for a, n in zip(raws, names, strict=True):
        if a.ndim == 0:
            raise ValueError(
                f"{n} must be an array of probabilities, not a scalar ({a[()]!r})"
            )
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"axis must be an integer, got {axis!r}")
    ndim = max(a.ndim for a in raws)
    if not -ndim <= axis < ndim:
        shape = max((a.shape for a in raws), key=len)
        raise ValueError(f"axis {axis} is out of range for shape {shape}")
    ax = int(axis) % ndim
    for a, n in zip(raws, names, strict=True):
        own = ax - (ndim - a.ndim)
        if own >= 0 and a.shape[own] == 0:
            raise ValueError(
                f"{n} is empty (shape {a.shape}); it needs outcomes along axis {axis}"
            )
    arrs, tols = [], []
    for a, n in zip(raws, names, strict=True):
        own = ax - (ndim - a.ndim)
        if a.dtype.kind == "O":
            arrs.append(
                _normalized_objects(a, n, own) if normalize else _object_to_float(a, n)
            )
            tols.append(SUM_TOLERANCE)
        else:
            tols.append(SUM_TOLERANCE if normalize else sum_tolerance(a.dtype))
            arrs.append(a.astype(np.float64, copy=False))
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrs))
    except ValueError:
        shapes = " and ".join(
            f"{n} {a.shape}" for a, n in zip(arrs, names, strict=True)
        )
        raise ValueError(f"shapes do not broadcast: {shapes}") from None
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
    for raw, a, n in zip(raws, arrs, names, strict=True):
        b = a
        if a.shape != shape or ax != ndim - 1:
            b = np.moveaxis(np.broadcast_to(a, shape), ax, -1)
        if normalize and raw.dtype.kind != "O":
            b = _normalized(b, n)
        out.append(b.reshape(-1, n_out))
    lead = shape[:ax] + shape[ax + 1 :]
    return Prepared(out, lead, tols)


def prepare_distributions(
    arrays: Sequence[ArrayLike],
    names: Sequence[str],
    axis: int,
    *,
    normalize: bool = False,
) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """:func:`prepare` without the tolerances: ``(laid arrays, batch shape)``."""
    laid, lead, _ = prepare(arrays, names, axis, normalize=normalize)
    return laid, lead


def _normalized(a: np.ndarray, name: str) -> np.ndarray:
    """Rows of non-negative weights divided by their totals.

    Rows whose total overflows (weights near the float limit) or is tiny
    (subnormal weights) are first divided by their largest weight, so any
    finite, non-negative weights with a positive total can be normalised.
    """
    with np.errstate(all="ignore"):
        check_entries(a, name)
        total = a.sum(axis=-1, keepdims=True)
        if (total <= 0).any():
            raise ValueError(f"{name} has total weight 0, so it cannot be normalised")
        awkward = ~np.isfinite(total) | (total < 1e-290)
        if awkward.any():
            top = a.max(axis=-1, keepdims=True)
            a = np.where(awkward, a / np.where(awkward, top, 1.0), a)
            total = a.sum(axis=-1, keepdims=True)
        return a / total


def _normalized_objects(arr: np.ndarray, name: str, axis: int) -> np.ndarray:
    """Normalise an object array of real numbers (integers of any size) exactly.

    Each weight is divided by its row's total with exact rational arithmetic
    and rounded once to float64, so counts beyond the float range are fine.
    """
    moved = np.moveaxis(arr, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = np.empty(rows.shape)
    for i, row in enumerate(rows):
        exact = [
            Fraction(v) if not isinstance(v, float) else _float_fraction(v, name)
            for v in row
        ]
        if any(v < 0 for v in exact):
            smallest = float(min(exact))
            raise ValueError(
                f"{name} has negative entries (smallest {smallest:.6g}); "
                "probabilities must be >= 0"
            )
        total = sum(exact)
        if total <= 0:
            raise ValueError(f"{name} has total weight 0, so it cannot be normalised")
        out[i] = [float(v / total) for v in exact]
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


def _float_fraction(v: float, name: str) -> Fraction:
    if math.isnan(v):
        raise ValueError(f"{name} contains NaN entries")
    if math.isinf(v):
        raise ValueError(f"{name} contains infinite entries")
    return Fraction(v)


def check_distributions(
    arrays: Sequence[np.ndarray],
    names: Sequence[str],
    minima: Sequence[float],
    sums: Sequence[np.ndarray],
    tolerances: Sequence[float] | None = None,
    *,
    hint: str = NORMALIZE_HINT,
) -> None:
    """Raise unless every array had non-negative entries and rows summing to 1.

    ``minima`` and ``sums`` are what the kernel measured block by block; NaN
    and infinite entries show up there as a NaN minimum or a non-finite sum.
    ``tolerances`` gives the accepted ``|sum - 1|`` per array (default
    :data:`SUM_TOLERANCE`); ``hint`` ends the message about a wrong sum.
    """
    if tolerances is None:
        tolerances = [SUM_TOLERANCE] * len(arrays)
    with np.errstate(all="ignore"):
        for arr, name, lo, total, tol in zip(
            arrays, names, minima, sums, tolerances, strict=True
        ):
            if not (lo >= 0) or not np.isfinite(total).all():
                check_entries(arr, name)
            bad = np.abs(total - 1.0) > tol
            if bad.any():
                where = np.flatnonzero(bad)
                value = total[where[0]]
                row = "" if total.size == 1 else f" (distribution {where[0]})"
                raise ValueError(f"{name} sums to {value:.12g}{row}, not 1; {hint}")


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
    hint: str = NORMALIZE_HINT,
) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """:func:`prepare` then :func:`check_distributions`, at once.

    For measures that do not run through the blocked kernel (which measures
    minima and sums on the way): the arrays are laid out and checked before
    any arithmetic touches them. ``hint`` ends the message about a sum that
    is not 1 (the default suggests ``normalize=True``). An empty batch gives
    arrays with no rows.
    """
    laid, lead, tols = prepare(arrays, names, axis, normalize=normalize)
    with np.errstate(all="ignore"):
        minima = [float(a.min()) if a.size else math.inf for a in laid]
        sums = [a.sum(axis=-1) for a in laid]
    check_distributions(laid, names, minima, sums, tols, hint=hint)
    return laid, lead
