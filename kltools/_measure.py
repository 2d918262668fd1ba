"""Glue between validation and the kernel, shared by every discrete measure."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._kernel import BlockFn, reduce_blocks
from ._validation import NORMALIZE_HINT, check_distributions, log_base, prepare

#: Rows whose fast result is below this many nats are recomputed by a
#: measure's ``refine`` function: there the fast sum of terms of both signs
#: has lost relative accuracy (its absolute error is a few ``1e-16``).
REFINE_BELOW = 1e-3

#: ``refine(rows)`` gets the laid-out rows (one array per operand) whose fast
#: value is small, and returns their values in nats, accurately.
RefineFn = Callable[[Sequence[np.ndarray]], np.ndarray]
#: ``post(values, sums)`` adjusts the kernel's row values (nats) using the
#: row sums measured on the way.
PostFn = Callable[[np.ndarray, Sequence[np.ndarray]], np.ndarray]


def measure(
    arrays: Sequence[object],
    names: Sequence[str],
    block_fn: BlockFn,
    *,
    axis: int,
    base: float,
    normalize: bool,
    upper: float = np.inf,
    scratch: int = 1,
    refine: RefineFn | None = None,
    post: PostFn | None = None,
    hint: str = NORMALIZE_HINT,
    lazy: tuple[int, ...] = (),
) -> float | np.ndarray:
    """Validate distributions, reduce them with ``block_fn``, convert units.

    ``block_fn`` returns row sums in nats; ``post`` may adjust them, and
    ``refine`` recomputes rows below :data:`REFINE_BELOW` nats. The result is
    clipped to ``[0, upper]`` nats (it only moves values that rounding pushed
    outside), converted to units of ``log(base)`` and returned as a float for
    one distribution or an array shaped like the batch axes (possibly empty).
    ``lazy`` names operands whose minima the kernel may skip (see
    :func:`._kernel.reduce_blocks`).
    """
    nats = log_base(base)
    laid, lead, tols = prepare(arrays, names, axis, normalize=normalize)
    values, minima, sums = reduce_blocks(
        laid, block_fn, n_checked=len(laid), scratch=scratch, lazy=lazy
    )
    check_distributions(laid, names, minima, sums, tols, hint=hint)
    return finish(values, laid, sums, lead, nats, upper, refine, post)


def finish(
    values: np.ndarray,
    laid: Sequence[np.ndarray],
    sums: Sequence[np.ndarray],
    lead: tuple[int, ...],
    nats: float,
    upper: float = np.inf,
    refine: RefineFn | None = None,
    post: PostFn | None = None,
) -> float | np.ndarray:
    """Adjust, refine, clip and convert checked row values; shape the result."""
    with np.errstate(all="ignore"):
        if post is not None:
            values = post(values, sums)
        if refine is not None:
            rows = np.flatnonzero(values < REFINE_BELOW)
            if rows.size:
                values[rows] = refine([a[rows] for a in laid])
        np.clip(values, 0.0, upper, out=values)
        values /= nats
    if lead == ():
        return float(values[0])
    return values.reshape(lead)
