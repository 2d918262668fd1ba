"""The kernel's logarithms, compiled by numba: one pass, four lanes at a time.

numpy's ``log`` calls the C library's scalar logarithm once per element on
CPUs without AVX-512 (5 to 9 ns each on the machines the course is built
on), and the kernel of :mod:`._kernel` spends most of its time there. This
module, imported only when numba is installed (``pip install kltools[fast]``)
and ``KLTOOLS_JIT`` is not ``0``, replaces the division, the logarithm and
the floor of a block with one compiled loop that the compiler vectorises.

The logarithm is fdlibm's ``__ieee754_log`` (Sun Microsystems, 1993; the
one in FreeBSD's and musl's older libm), written without branches so that
every lane takes the same path: with ``x = 2^k (1 + f)``, ``sqrt(2)/2 <=
1 + f < sqrt(2)`` and ``s = f / (2 + f)``,

.. math::

    \\log x = k \\ln 2 + 2s + 2s^3/3 + 2s^5/5 + \\dots,

where a minimax polynomial of degree 14 in ``s`` stands for the series and
``ln 2`` is split in two parts so that ``k ln 2`` is exact. Its error is
below 1 ulp (``tests/test_jit.py`` measures it against mpmath: under 0.8
ulp); glibc's is below 0.52 ulp, so the two can differ in the last bit.
Subnormal inputs are scaled by ``2^54`` first; ``log 0 = -inf``,
``log inf = inf``, and a negative or NaN input gives NaN, as in numpy.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ._kernel import LOG_FLOOR

__all__ = ["log_into", "log_ratio_into"]

# fdlibm's constants: ln 2 in two parts, and the polynomial's coefficients.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
_TWO54 = 1.80143985094819840000e16
_TINY = 2.2250738585072014e-308  # the smallest normal double
# An integer k (0 <= k < 2^52) as a double without int-to-float conversion
# (which AVX2 lacks for 64-bit integers): the bits of 2^52 with k in the
# mantissa are the double 2^52 + k. Exponents are offset by 2048 to be >= 0.
_MAGIC = 0x4330000000000000
_MAGIC_F = 4503599627370496.0 + 2048.0

_OPTS = {"nogil": True, "error_model": "numpy", "fastmath": {"contract"}}


@intrinsic
def _bits(typingctx, x):
    """The bits of a float64, as an int64."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _float(typingctx, x):
    """The float64 whose bits are an int64."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@njit(inline="always", fastmath={"contract"})
def _log(x):  # pragma: no cover  (compiled; tested through log_into)
    sub = x < _TINY
    xs = x * _TWO54 if sub else x
    bits = _bits(xs) & 0x7FFFFFFFFFFFFFFF
    hx = bits >> 32
    k = (hx >> 20) + (2048 - 1023 - 54 if sub else 2048 - 1023)
    hx = hx & 0x000FFFFF
    # the mantissa as 1 + f in [sqrt(2)/2, sqrt(2)), with k adjusted
    i = (hx + 0x95F64) & 0x100000
    m = _float(((hx | (i ^ 0x3FF00000)) << 32) | (bits & 0xFFFFFFFF))
    k = k + (i >> 20)
    dk = _float(_MAGIC | k) - _MAGIC_F
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    r = t2 + t1
    hfsq = 0.5 * f * f
    # fdlibm's two ways of adding up, by where 1 + f lies
    wide = dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    narrow = dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)
    y = wide if ((hx - 0x6147A) | (0x6B851 - hx)) > 0 else narrow
    y = -np.inf if x == 0.0 else y
    y = x if x == np.inf else y
    return y if x >= 0.0 else np.nan  # also NaN for a NaN


@njit(inline="always")
def _floored(y):  # pragma: no cover  (compiled)
    """numpy's ``fmax(y, LOG_FLOOR)``: the floor for a NaN too."""
    return y if y >= LOG_FLOOR else LOG_FLOOR


@njit(**_OPTS, cache=True)
def log_into(a, out, floor):  # pragma: no cover  (compiled)
    """``out[:] = log(a)``, floored at :data:`._kernel.LOG_FLOOR` when ``floor``.

    ``a`` and ``out`` are 1-D, C-contiguous float64 arrays of one length.

    Examples
    --------
    >>> import numpy as np
    >>> out = np.empty(3)
    >>> log_into(np.array([1.0, np.e, 0.0]), out, True)
    >>> out.tolist()
    [0.0, 1.0, -745.0]
    """
    # two loops, not one with a test of floor in it: the loop without the
    # floor measured 13 % faster (the test is not hoisted out of the loop)
    if floor:
        for i in range(a.size):
            out[i] = _floored(_log(a[i]))
    else:
        for i in range(a.size):
            out[i] = _log(a[i])


@njit(**_OPTS, cache=True)
def log_ratio_into(a, b, out, floor):  # pragma: no cover  (compiled)
    """``out[:] = log(a / b)``, floored at :data:`._kernel.LOG_FLOOR` when ``floor``.

    The division is IEEE's, correctly rounded as numpy's is, so this equals
    ``log_into(a / b, out, floor)`` to the bit.

    Examples
    --------
    >>> import numpy as np
    >>> out = np.empty(2)
    >>> log_ratio_into(np.array([1.0, 0.0]), np.array([0.5, 0.0]), out, True)
    >>> out.tolist()
    [0.6931471805599453, -745.0]
    """
    if floor:
        for i in range(a.size):
            out[i] = _floored(_log(a[i] / b[i]))
    else:
        for i in range(a.size):
            out[i] = _log(a[i] / b[i])
