"""The one reduction kernel behind entropy, cross entropy, KL and JS.

Every discrete measure in :mod:`kltools` is a sum of terms ``x * log(a / b)``
(or ``x * log(a)``) over the outcomes of a distribution.  The kernel here
walks through the arrays in cache-sized blocks and, for each block,

1. takes the minimum and the row sums of every argument that must be a
   distribution (the validation; see :mod:`._validation`), and
2. adds up the terms with one division and one logarithm, written into a
   reused scratch buffer instead of allocating temporaries, and one fused
   product-and-row-sum (``einsum``, which does not write the products out).
   With numba installed, the division, the logarithm and the floor below
   are one compiled, vectorised loop (:mod:`._jit`, see :func:`jit_logs`);
   without it, three numpy calls.

Because a block stays in cache between these steps, the arrays are read from
memory once, which is why the validated kernel is faster than the bare numpy
expression ``np.sum(p * np.log(p / q))`` on large inputs.  No BLAS call is
made (a threaded ``dot`` on a busy machine costs more than it saves).

Zeros are handled exactly, not with an epsilon, and without leaving the fast
path.  Where the block minimum says that the first argument has a zero, the
logarithms are floored at :data:`LOG_FLOOR`, just below the logarithm of the
smallest positive double: a zero ``x`` (with ``log 0 = -inf``, or ``0 / 0 =
NaN``) then gives the product ``0 * LOG_FLOOR = 0``, while every positive
ratio keeps its own logarithm.  Only a row whose sum is still not finite
(``x > 0`` where the reference is 0, or a ratio that overflows) is recomputed
term by term with the conventions ``0 * log(anything) = 0`` and
``x * log(x / 0) = inf`` for ``x > 0`` (see :func:`xlogy_exact`).

The module also holds the accurate pieces that the measures use where the
fast sum would cancel: :func:`log_ratio`, :func:`excess`,
:func:`scaled_excess` and :func:`accurate_sum`.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

#: Elements per array in one block: three float64 blocks of this size (1 MiB
#: each) stay in the L2/L3 caches, and the Python overhead of a block (a
#: dozen numpy calls) is under 2 % of its work. Measured on 2 cores, KL of
#: n = 10^7 took a median of 98 ms with blocks of 2^15 and 76 ms with 2^17;
#: ``benchmarks/bench_discrete.py`` measures the kernel.
BLOCK = 1 << 17

#: Floor for logarithms where the first argument has zeros: below
#: ``log(5e-324) = -744.44``, so no positive ratio is changed by it.
LOG_FLOOR = -745.0

BlockFn = Callable[[Sequence[np.ndarray], np.ndarray, Sequence[float]], np.ndarray]


def row_sums(block: np.ndarray) -> np.ndarray:
    """Sums along the last axis of a 2-D block, without BLAS.

    One long row uses numpy's pairwise summation; many short rows use
    ``einsum``, which is several times faster than ``sum(axis=-1)`` there.
    """
    if block.shape[0] == 1:
        return block.sum(axis=-1)
    return np.einsum("ij->i", block)


def xlogy_exact(x: np.ndarray, a: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """Row sums of ``x * log(a / b)`` with exact zero conventions (slow path).

    Terms with ``x == 0`` are 0.  Logarithms are taken separately,
    ``log(a) - log(b)``, so a ratio that would overflow or underflow in
    floating point still gives the right finite term.
    """
    with np.errstate(all="ignore"):
        log_ratio_ = np.log(a) if b is None else np.log(a) - np.log(b)
        terms = np.where(x > 0, x * log_ratio_, 0.0)
    return terms.sum(axis=-1)


def xlogy_block(
    x: np.ndarray,
    a: np.ndarray,
    b: np.ndarray | None,
    buf: np.ndarray,
    *,
    floor: bool = False,
) -> np.ndarray:
    """Row sums of ``x * log(a / b)`` over one 2-D block, using ``buf`` as scratch.

    With ``b=None`` the terms are ``x * log(a)``.  ``floor=True`` (when ``x``
    has zeros) floors the logarithms at :data:`LOG_FLOOR` so that zeros of
    ``x`` give 0 on the fast path.  Rows whose result is still not finite are
    recomputed by :func:`xlogy_exact`.  Call it under
    ``np.errstate(all="ignore")``.
    """
    jit = jit_logs()
    if jit is not None and _flat(a, b, buf):
        if b is None:
            jit.log_into(a.reshape(-1), buf.reshape(-1), floor)
        else:
            jit.log_ratio_into(a.reshape(-1), b.reshape(-1), buf.reshape(-1), floor)
    else:
        if b is None:
            np.log(a, out=buf)
        else:
            np.divide(a, b, out=buf)
            np.log(buf, out=buf)
        if floor:
            np.fmax(buf, LOG_FLOOR, out=buf)  # fmax also turns 0/0 = NaN into the floor
    # The products are summed as they are formed (no BLAS: einsum's own loop).
    sums = np.einsum("ij,ij->i", x, buf)
    bad = ~np.isfinite(sums)
    if bad.any():
        rows = np.flatnonzero(bad)
        sums[rows] = xlogy_exact(x[rows], a[rows], None if b is None else b[rows])
    return sums


_UNSET = object()
_JIT = _UNSET
_JIT_LOCK = threading.Lock()


def jit_logs():
    """The compiled logarithms of :mod:`._jit`, or None to use numpy's.

    None when numba is not installed (or cannot be imported with this numpy)
    or when the environment variable ``KLTOOLS_JIT`` is ``0``. numba is
    imported on the first call, not with kltools; the functions are compiled
    on their first use and cached on disk beside the module.
    """
    global _JIT
    if _JIT is _UNSET:
        with _JIT_LOCK:
            if _JIT is _UNSET:
                module = None
                if os.environ.get("KLTOOLS_JIT", "").strip() != "0":
                    try:
                        from . import _jit as module

                        _compile(module)
                    except Exception:  # no numba, or one that fails with this numpy
                        module = None
                _JIT = module
    return _JIT


def _compile(module) -> None:
    """Compile (or load from the cache) both loops now, on one element each.

    A numba that imports but cannot compile then turns the compiled path
    off here, once, instead of failing inside a measure; and the threads of
    a large reduction never wait for a compilation.
    """
    x, out = np.ones(1), np.empty(1)
    module.log_into(x, out, False)
    module.log_ratio_into(x, x, out, True)


def _flat(a: np.ndarray, b: np.ndarray | None, buf: np.ndarray) -> bool:
    """Whether the compiled loops can take the block: C-contiguous float64."""
    return all(
        x.dtype == np.float64 and x.flags.c_contiguous
        for x in (a, buf) + (() if b is None else (b,))
    )


def threads() -> int:
    """Worker threads for large inputs: ``KLTOOLS_THREADS``, else the usable cores.

    numpy's ufunc loops release the GIL, so blocks of a large array can be
    reduced on several cores at once. At most 8; ``KLTOOLS_THREADS=1`` turns
    threading off.
    """
    env = os.environ.get("KLTOOLS_THREADS", "")
    if env.strip():
        try:
            return max(1, int(env))
        except ValueError:
            return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover  (not Linux)
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))


#: Inputs with at least this many elements per array are split over threads.
THREADED_FROM = 1 << 20

_POOL: ThreadPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()


def _pool(size: int) -> ThreadPoolExecutor:
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is None or _POOL_SIZE != size:
            if _POOL is not None:
                _POOL.shutdown(wait=False)
            _POOL = ThreadPoolExecutor(max_workers=size, thread_name_prefix="kltools")
            _POOL_SIZE = size
        return _POOL


class _Blocks:
    """The blocks of one reduction, and a slot for each block's results.

    Long rows (``n >= BLOCK``) are cut into column blocks of one row each;
    short rows are taken :data:`BLOCK` ``// n`` at a time, whole. Block ``i``
    writes its row sums into column ``i % per_row`` of ``values`` and
    ``sums`` (one column when rows are whole), so blocks can be done in any
    order, on any thread, and :meth:`totals` still adds them up in the same
    order: the result does not depend on the number of threads or on timing.
    """

    def __init__(self, arrays, n_checked, scratch, lazy):
        self.arrays = arrays
        self.n_checked = n_checked
        self.scratch = scratch
        self.lazy = lazy
        rows, n = arrays[0].shape
        if n >= BLOCK:
            self.r_step, self.c_step = 1, BLOCK
            self.per_row = -(-n // BLOCK)
            self.count = rows * self.per_row
        else:
            self.r_step, self.c_step = max(1, BLOCK // n), n
            self.per_row = 1
            self.count = -(-rows // self.r_step)
        self.size = min(rows, self.r_step) * min(n, self.c_step)
        self.values = np.zeros((rows, self.per_row))
        self.sums = np.zeros((n_checked, rows, self.per_row))

    def work(self, next_block: Callable[[], int], block_fn: BlockFn) -> list[float]:
        """Do blocks ``next_block()``, ``next_block()``, ... while any are left.

        Several threads may run this at once, sharing ``next_block``: each
        takes the next block as it becomes free, so a core that another
        tenant slows down for a while does less of the work. Returns the
        minima of the checked arrays over the blocks this call did.
        """
        rows, n = self.arrays[0].shape
        pool = np.empty((self.scratch, self.size))
        minima = [np.inf] * self.n_checked

        def low(k, blk):
            lo = blk.min()
            minima[k] = _lower(lo, minima[k])
            return lo

        with np.errstate(all="ignore"):  # per thread: errstate is thread-local
            while (i := next_block()) < self.count:
                if self.per_row == 1:
                    r0, col = i * self.r_step, 0
                    r1, c0, c1 = min(rows, r0 + self.r_step), 0, n
                else:
                    r0, col = divmod(i, self.per_row)
                    r1, c0 = r0 + 1, col * self.c_step
                    c1 = min(n, c0 + self.c_step)
                blocks = [a[r0:r1, c0:c1] for a in self.arrays]
                lows = [
                    None if k in self.lazy else low(k, blocks[k])
                    for k in range(self.n_checked)
                ]
                for k in range(self.n_checked):
                    self.sums[k, r0:r1, col] = row_sums(blocks[k])
                count = (r1 - r0) * (c1 - c0)
                buffers = pool[:, :count].reshape(self.scratch, r1 - r0, c1 - c0)
                block_values = block_fn(blocks, buffers, lows)
                if self.lazy and not (lows[0] > 0 and np.isfinite(block_values).all()):
                    for k in self.lazy:
                        low(k, blocks[k])
                self.values[r0:r1, col] = block_values
        return minima

    def totals(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """Row sums of the block results, added from the first column on."""

        def add_up(parts):
            total = np.zeros(parts.shape[0])  # 0 + (-0.0) = 0: no negative zeros
            for col in range(self.per_row):
                total += parts[:, col]
            return total

        return add_up(self.values), [add_up(s) for s in self.sums]


def _lower(x: float, y: float) -> float:
    """The smaller of two minima, NaN if ``x`` is: a NaN, once seen, is kept."""
    return x if (x != x or x < y) else y


def _merge_minima(a: list[float], b: list[float]) -> list[float]:
    return [_lower(x, y) for x, y in zip(a, b, strict=True)]


def reduce_blocks(
    arrays: Sequence[np.ndarray],
    block_fn: BlockFn,
    *,
    n_checked: int,
    scratch: int = 1,
    lazy: tuple[int, ...] = (),
) -> tuple[np.ndarray, list[float], list[np.ndarray]]:
    """Apply ``block_fn`` to cache-sized blocks of 2-D arrays and add up rows.

    Parameters
    ----------
    arrays : sequence of ndarray, each of shape ``(rows, n)``
        The operands, already laid out by
        :func:`._validation.prepare_distributions`.
    block_fn : callable
        ``block_fn(blocks, buffers, lows)`` returns the row sums of the
        quantity for one block; ``buffers`` has shape ``(scratch, r, c)`` and
        ``lows`` holds the minimum of each checked block (so that the block
        function knows whether there are zeros).  It runs under
        ``np.errstate(all="ignore")``: bad input is judged afterwards, from
        the minima and sums, and no numpy warning is printed.
    n_checked : int
        The first ``n_checked`` arrays are distributions: their minima and
        row sums are measured on the way.
    scratch : int
        Number of scratch buffers ``block_fn`` needs.
    lazy : tuple of int
        Checked arrays (never the first) whose block minimum is measured only
        where it can matter: where the first array's block has a zero (or a
        bad entry) or the block's value is not finite. Elsewhere their
        ``lows`` entry is ``None``. Sound for the reference of KL and cross
        entropy: where every ``p > 0``, a negative or NaN ``q`` makes its
        term NaN and an infinite one makes it infinite, so a block that adds
        up to a finite value has no bad ``q``. Their row sums are always
        measured.

    Returns
    -------
    values : ndarray of shape ``(rows,)``
    minima : list of float, one per checked array (NaN if it holds a NaN)
    sums : list of ndarray of shape ``(rows,)``, one per checked array

    Notes
    -----
    Arrays of at least :data:`THREADED_FROM` elements are shared among
    :func:`threads` workers (the calling thread and a pool): each takes the
    next block from a common counter when it is free, with its own scratch
    buffers. Every block's results go to a slot of their own, added up in a
    fixed order afterwards, so the result is the same, to the bit, on any
    number of threads.
    """
    rows, n = arrays[0].shape
    plan = _Blocks(arrays, n_checked, scratch, lazy)
    workers = threads() if rows * n >= THREADED_FROM else 1
    workers = min(workers, plan.count)
    next_block = itertools.count().__next__  # atomic: a C call under the GIL
    helpers = [
        _pool(workers - 1).submit(plan.work, next_block, block_fn)
        for _ in range(workers - 1)
    ]
    try:
        minima = plan.work(next_block, block_fn)
    finally:  # the helpers are done before the arrays are given back
        wait(helpers)
    for f in helpers:
        minima = _merge_minima(f.result(), minima)
    values, sums = plan.totals()
    return values, minima, sums


# --- accurate pieces ------------------------------------------------------------


def log_ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``log(x / y)`` for positive arrays, accurate when ``x`` is close to ``y``.

    Near 1 as ``log1p((x - y) / y)`` (the difference is exact there, by
    Sterbenz' lemma); elsewhere as ``log(x) - log(y)``, so that a ratio that
    would overflow or underflow still has the right logarithm.
    """
    with np.errstate(all="ignore"):
        d = (x - y) / y
        near = np.abs(d) < 0.5
        return np.where(near, np.log1p(np.where(near, d, 0.0)), np.log(x) - np.log(y))


#: 1 / k! for k = 2 .. 17: the Taylor coefficients of e^l - 1 - l.
_EXCESS_SERIES = np.array(
    [1.0 / float(np.prod(np.arange(1, k + 1, dtype=float))) for k in range(2, 18)]
)


def excess(ell: np.ndarray) -> np.ndarray:
    """``h(l) = exp(l) - 1 - l >= 0`` to full relative accuracy.

    ``expm1(l) - l`` loses digits near ``l = 0`` (where ``h ~ l^2 / 2``), so
    there the Taylor series ``sum_k l^k / k!`` is used instead.
    """
    ell = np.asarray(ell, dtype=np.float64)
    with np.errstate(all="ignore"):
        small = np.abs(ell) < 0.1
        ls = np.where(small, ell, 0.0)
        series = np.zeros_like(ls)
        for c in _EXCESS_SERIES[::-1]:
            series = series * ls + c
        series *= ls * ls
        return np.where(small, series, np.expm1(ell) - ell)


def scaled_excess(x: np.ndarray, ell: np.ndarray) -> np.ndarray:
    """``x h(l)`` for ``x > 0``, finite whenever ``x e^l`` is.

    For ``l > 1`` as ``x e^l - x (1 + l)`` with ``x e^l = exp(log x + l)``,
    so a tiny ``x`` times a huge ``e^l`` does not overflow on the way.
    """
    with np.errstate(all="ignore"):
        lead = np.exp(np.log(x) + np.maximum(ell, 1.0))
        big = np.where(np.isinf(lead), np.inf, lead - x * (1.0 + ell))
        return np.where(ell > 1.0, big, x * excess(np.minimum(ell, 1.0)))


def rel_entr_terms(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Terms ``x log(x / y) - x + y >= 0`` (for ``x, y >= 0``), as ``x h(log(y/x))``.

    Accurate when ``x`` is close to ``y``; ``y`` where ``x = 0`` (so
    ``0 log 0 = 0``) and ``inf`` where ``y = 0 < x``.
    """
    pos = x > 0
    xs = np.where(pos, x, 1.0)
    with np.errstate(all="ignore"):
        return np.where(pos, scaled_excess(xs, log_ratio(y, xs)), y)


def accurate_sum(x: np.ndarray) -> np.ndarray:
    """Sums along the last axis, nearly correctly rounded (compensated).

    Pairwise summation that carries the rounding error of every addition
    (Knuth's TwoSum) in a second array: the result is as accurate as if
    the sum were formed in twice the precision. For sums of differences that
    cancel, where plain summation leaves an error of ``eps * sum |x|``.
    """
    s = np.asarray(x, dtype=np.float64)
    c = np.zeros_like(s)
    with np.errstate(all="ignore"):
        while s.shape[-1] > 1:
            if s.shape[-1] % 2:
                pad = [(0, 0)] * (s.ndim - 1) + [(0, 1)]
                s = np.pad(s, pad)
                c = np.pad(c, pad)
            a, b = s[..., 0::2], s[..., 1::2]
            t = a + b
            bv = t - a
            err = (a - (t - bv)) + (b - bv)
            c = c[..., 0::2] + c[..., 1::2] + err
            s = t
    if s.shape[-1] == 0:
        return np.zeros(s.shape[:-1])
    return s[..., 0] + c[..., 0]
