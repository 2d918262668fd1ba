"""Glue between validation and the kernel, shared by every discrete measure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._kernel import BlockFn, reduce_blocks
from ._validation import check_distributions, log_base, prepare_distributions


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
) -> float | np.ndarray:
    """Validate distributions, reduce them with ``block_fn``, convert units.

    ``block_fn`` returns row sums in nats; the result is clipped to
    ``[0, upper]`` nats (it only moves values that rounding pushed outside),
    converted to units of ``log(base)`` and returned as a float for one
    distribution or an array shaped like the batch axes.
    """
    nats = log_base(base)
    laid, lead = prepare_distributions(arrays, names, axis, normalize=normalize)
    return finish(laid, names, block_fn, lead, nats, len(laid), upper, scratch)


def finish(
    laid: Sequence[np.ndarray],
    names: Sequence[str],
    block_fn: BlockFn,
    lead: tuple[int, ...],
    nats: float,
    n_checked: int,
    upper: float = np.inf,
    scratch: int = 1,
) -> float | np.ndarray:
    """Run the kernel on laid-out arrays, check them, and shape the result."""
    values, minima, sums = reduce_blocks(
        laid, block_fn, n_checked=n_checked, scratch=scratch
    )
    check_distributions(laid[:n_checked], names[:n_checked], minima, sums)
    np.clip(values, 0.0, upper, out=values)
    values /= nats
    if lead == ():
        return float(values[0])
    return values.reshape(lead)
