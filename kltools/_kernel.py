"""The one reduction kernel behind entropy, cross entropy, KL and JS.

Every discrete measure in :mod:`kltools` is a sum of terms ``x * log(a / b)``
(or ``x * log(a)``) over the outcomes of a distribution.  The kernel here
walks through the arrays in cache-sized blocks and, for each block,

1. takes the minimum and the row sums of every argument that must be a
   distribution (the validation; see :mod:`._validation`), and
2. adds up the terms with one division, one logarithm and one dot product,
   writing into a reused scratch buffer instead of allocating temporaries.

Because a block stays in cache between these steps, the arrays are read from
memory once, which is why the validated kernel is faster than the bare numpy
expression ``np.sum(p * np.log(p / q))`` on large inputs.

Zeros are handled exactly, not with an epsilon: the fast path assumes every
term is finite and, in the rare block where the partial sum is not, that block
is recomputed term by term with the conventions ``0 * log(anything) = 0`` and
``x * log(x / 0) = inf`` for ``x > 0`` (see :func:`xlogy_exact`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: Elements per array in one block: three or four float64 blocks of this size
#: fit in a 1 MiB L2 cache.  ``benchmarks/bench_discrete.py`` measures it.
BLOCK = 1 << 15

BlockFn = Callable[[Sequence[np.ndarray], np.ndarray], np.ndarray]


def xlogy_exact(x: np.ndarray, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """Row sums of ``x * log(a / b)`` with exact zero conventions (slow path).

    Terms with ``x == 0`` are 0.  Logarithms are taken separately,
    ``log(a) - log(b)``, so a ratio that would overflow or underflow in
    floating point still gives the right finite term.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(a) if b is None else np.log(a) - np.log(b)
        terms = np.where(x > 0, x * log_ratio, 0.0)
    return terms.sum(axis=-1)


def xlogy_block(
    x: np.ndarray, a: np.ndarray, b: np.ndarray | None, buf: np.ndarray
) -> np.ndarray:
    """Row sums of ``x * log(a / b)`` over one 2-D block, using ``buf`` as scratch.

    With ``b=None`` the terms are ``x * log(a)``.  Rows whose fast result is
    not finite (a zero somewhere) are recomputed by :func:`xlogy_exact`.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if b is None:
            np.log(a, out=buf)
        else:
            np.divide(a, b, out=buf)
            np.log(buf, out=buf)
        if x.shape[0] == 1:
            sums = np.array([np.dot(x[0], buf[0])])
        else:
            sums = np.einsum("ij,ij->i", x, buf)
    bad = ~np.isfinite(sums)
    if bad.any():
        rows = np.flatnonzero(bad)
        sums[rows] = xlogy_exact(x[rows], a[rows], None if b is None else b[rows])
    return sums


def reduce_blocks(
    arrays: Sequence[np.ndarray],
    block_fn: BlockFn,
    *,
    n_checked: int,
    scratch: int = 1,
) -> tuple[np.ndarray, list[float], list[np.ndarray]]:
    """Apply ``block_fn`` to cache-sized blocks of 2-D arrays and add up rows.

    Parameters
    ----------
    arrays : sequence of ndarray, each of shape ``(rows, n)``
        The operands, already laid out by
        :func:`._validation.prepare_distributions`.
    block_fn : callable
        ``block_fn(blocks, buffers)`` returns the row sums of the quantity for
        one block; ``buffers`` has shape ``(scratch, r, c)``.
    n_checked : int
        The first ``n_checked`` arrays are distributions: their minima and
        row sums are measured on the way.
    scratch : int
        Number of scratch buffers ``block_fn`` needs.

    Returns
    -------
    values : ndarray of shape ``(rows,)``
    minima : list of float, one per checked array (NaN if it holds a NaN)
    sums : list of ndarray of shape ``(rows,)``, one per checked array
    """
    rows, n = arrays[0].shape
    if n >= BLOCK:
        r_step, c_step = 1, BLOCK
    else:
        r_step, c_step = max(1, BLOCK // n), n
    size = min(rows, r_step) * min(n, c_step)
    pool = np.empty((scratch, size))
    values = np.zeros(rows)
    minima = [np.inf] * n_checked
    sums = [np.zeros(rows) for _ in range(n_checked)]
    for r0 in range(0, rows, r_step):
        r1 = min(rows, r0 + r_step)
        for c0 in range(0, n, c_step):
            c1 = min(n, c0 + c_step)
            blocks = [a[r0:r1, c0:c1] for a in arrays]
            for k in range(n_checked):
                blk = blocks[k]
                lo = blk.min()
                # A NaN minimum, once seen, is kept: it marks a NaN entry.
                if lo != lo or lo < minima[k]:
                    minima[k] = lo
                sums[k][r0:r1] += blk.sum(axis=-1)
            count = (r1 - r0) * (c1 - c0)
            buffers = pool[:, :count].reshape(scratch, r1 - r0, c1 - c0)
            values[r0:r1] += block_fn(blocks, buffers)
    return values, minima, sums
