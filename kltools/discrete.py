"""Entropy, cross entropy, KL divergence and Jensen-Shannon for discrete tables.

All functions follow the package conventions (see the API contract): the
distribution runs along ``axis`` (default the last) and leading axes
broadcast; sums are checked against 1, and ``normalize=True`` rescales
weights instead; results are in units of ``log(base)``, bits by default;
``0 log 0 = 0``, and a positive probability where the reference has 0 gives
``inf``.  All four share one kernel (:mod:`kltools._kernel`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._kernel import accurate_sum, excess, log_ratio, rel_entr_terms, xlogy_block
from ._measure import measure
from ._validation import as_probability, checked_distributions, log_base, result

__all__ = [
    "Chernoff",
    "chernoff_information",
    "cross_entropy",
    "entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "surprisal",
]

_LN2 = math.log(2)


def _has_zero(low: float) -> bool:
    """Whether a block whose minimum is ``low`` may hold zeros (or bad entries)."""
    return not low > 0


def _entropy_block(blocks, bufs, lows):
    (p,) = blocks
    return -xlogy_block(p, p, None, bufs[0], floor=_has_zero(lows[0]))


def _cross_entropy_block(blocks, bufs, lows):
    # Zeros of p need no floor here: log q is finite wherever q > 0.
    p, q = blocks
    return -xlogy_block(p, q, None, bufs[0])


def _kl_block(blocks, bufs, lows):
    p, q = blocks
    return xlogy_block(p, p, q, bufs[0], floor=_has_zero(lows[0]))


def _js_block(blocks, bufs, lows):
    """Half of sum p log(p / s) + q log(q / s) with s = p + q (see _js_post)."""
    p, q = blocks
    s = bufs[1]
    np.add(p, q, out=s)
    floor = _has_zero(lows[0]) or _has_zero(lows[1])
    a = xlogy_block(p, p, s, bufs[0], floor=floor)
    b = xlogy_block(q, q, s, bufs[0], floor=floor)
    return 0.5 * (a + b)


def _js_post(values, sums):
    """log(p / m) = log(p / s) + log 2: add (log 2 / 2)(sum p + sum q)."""
    return values + (0.5 * _LN2) * (sums[0] + sums[1])


def _kl_near(rows):
    """KL in nats for nearly equal rows, without cancellation.

    ``sum p log(p/q) = sum [p log(p/q) - p + q] + sum (p - q)``: the first
    terms are non-negative and each accurate (``p h(log(q/p))``, see
    :func:`._kernel.rel_entr_terms`); the differences ``p - q`` are exact
    where p and q are close and are added with compensation.  Outcomes with
    ``p = 0`` contribute ``q - q = 0`` and are left out of both sums.
    """
    p, q = rows
    pos = p > 0
    with np.errstate(all="ignore"):
        terms = np.where(pos, rel_entr_terms(p, q), 0.0)
        diffs = np.where(pos, p - q, 0.0)
    return terms.sum(axis=-1) + accurate_sum(diffs)


#: 1 / (k (2k - 1)) for k = 1 .. 10: g(u) = sum_k u^(2k) / (k (2k - 1)).
_JS_SERIES = np.array([1.0 / (k * (2 * k - 1)) for k in range(1, 11)])


def _js_g(u):
    """``g(u) = (1 + u) log(1 + u) + (1 - u) log(1 - u)`` for ``|u| <= 1``.

    Non-negative, ``~ u^2`` near 0 (where the series is used) and
    ``2 log 2`` at ``|u| = 1``.
    """
    with np.errstate(all="ignore"):
        small = np.abs(u) < 0.1
        w = np.where(small, u * u, 0.0)
        series = np.zeros_like(w)
        for c in _JS_SERIES[::-1]:
            series = series * w + c
        series *= w
        lo = 1.0 - np.abs(u)
        direct = (1.0 + np.abs(u)) * np.log1p(np.abs(u)) + np.where(
            lo > 0, lo * np.log(np.where(lo > 0, lo, 1.0)), 0.0
        )
        return np.where(small, series, direct)


def _js_near(rows):
    """JS in nats for nearly equal rows: (1/4) sum s g(d / s), s = p + q, d = p - q.

    With ``p = m (1 + u)`` and ``q = m (1 - u)``, ``u = d / s``, each pair of
    terms is ``m g(u)``: non-negative, and computed from the exact
    difference ``d`` rather than from a rounded mixture.
    """
    p, q = rows
    with np.errstate(all="ignore"):
        s = p + q
        pos = s > 0
        u = np.where(pos, (p - q) / np.where(pos, s, 1.0), 0.0)
        return 0.25 * (s * _js_g(u)).sum(axis=-1)


def entropy(
    p: ArrayLike, *, axis: int = -1, base: float = 2, normalize: bool = False
) -> float | np.ndarray:
    r"""Shannon entropy of a discrete distribution.

    .. math:: H(p) = -\sum_i p_i \log p_i

    with :math:`0 \log 0 = 0`.

    Parameters
    ----------
    p : array_like
        Probabilities along ``axis``; they must sum to 1, within a relative
        1e-9 for float64 and integer input and 16 units of the dtype's
        epsilon for float32 or float16 (computed in float64 either way).
    axis : int, optional
        Axis holding the outcomes. Other axes are a batch of distributions.
    base : float, optional
        Base of the logarithm, a finite number > 1: 2 (default) gives bits,
        ``math.e`` nats.
    normalize : bool, optional
        If True, ``p`` holds non-negative weights (e.g. counts, Python
        integers of any size, weights near the float limits) rescaled to
        sum to 1; otherwise a sum other than 1 raises ``ValueError``.

    Returns
    -------
    float or ndarray
        Entropy in units of ``log(base)``: a float for one distribution, an
        array of the batch shape otherwise. Between 0 and ``log(n)``.

    Examples
    --------
    A fair coin carries one bit; a fair die :math:`\log_2 6` bits.

    >>> import kltools as kt
    >>> kt.entropy([0.5, 0.5])
    1.0
    >>> kt.entropy([1/6] * 6)
    2.584962500721156
    >>> kt.entropy([3, 1], normalize=True, base=math.e)  # nats
    0.5623351446188083
    """
    return measure(
        [p], ["p"], _entropy_block, axis=axis, base=base, normalize=normalize
    )


def cross_entropy(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Cross entropy of ``q`` relative to ``p``.

    .. math:: H(p, q) = -\sum_i p_i \log q_i = H(p) + D(p \,\|\, q)

    The expected code length, in units of ``log(base)``, of data drawn from
    ``p`` and coded with a code built for ``q``. Infinite when some
    :math:`p_i > 0` has :math:`q_i = 0`.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, base, normalize
        As in :func:`entropy`.

    Returns
    -------
    float or ndarray
        Cross entropy, at least :math:`H(p)`.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.cross_entropy([0.5, 0.5], [0.25, 0.75])  # = 1 + D(p||q)
    1.2075187496
    >>> kt.cross_entropy([1, 0], [0, 1])
    inf
    """
    return measure(
        [p, q],
        ["p", "q"],
        _cross_entropy_block,
        axis=axis,
        base=base,
        normalize=normalize,
        lazy=(1,),
    )


def kl_divergence(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Kullback-Leibler divergence of ``p`` from ``q``.

    .. math:: D(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}

    Terms with :math:`p_i = 0` are 0; a term with :math:`p_i > 0` and
    :math:`q_i = 0` makes the divergence infinite (infinite surprise).
    Not symmetric: in general :math:`D(p\|q) \ne D(q\|p)`.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast, so a batch
        ``P`` of shape ``(m, n)`` against one ``q`` of shape ``(n,)`` gives
        ``m`` divergences.
    axis, base, normalize
        As in :func:`entropy`.

    Returns
    -------
    float or ndarray
        The divergence, :math:`\ge 0` (Gibbs' inequality), in units of
        ``log(base)``.

    Examples
    --------
    Seeing a black swan when you gave black swans probability 0.01:

    >>> import kltools as kt
    >>> kt.kl_divergence([1, 0], [0.01, 0.99])
    6.643856189774724
    >>> kt.kl_divergence([1, 0], [0.5, 0.5])
    1.0
    >>> kt.kl_divergence([0.5, 0.5], [1, 0])
    inf
    >>> kt.kl_divergence([[1, 0], [0.5, 0.5]], [0.5, 0.5])
    array([1., 0.])
    """
    return _kl(p, q, ("p", "q"), axis=axis, base=base, normalize=normalize)


def _kl(p, q, names, *, axis, base, normalize):
    return measure(
        [p, q],
        list(names),
        _kl_block,
        axis=axis,
        base=base,
        normalize=normalize,
        refine=_kl_near,
        lazy=(1,),
    )


def js_divergence(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Jensen-Shannon divergence between ``p`` and ``q``.

    .. math::

        \mathrm{JS}(p, q) = \tfrac12 D(p \,\|\, m) + \tfrac12 D(q \,\|\, m),
        \qquad m = \tfrac12 (p + q)

    Symmetric, always finite, and between 0 and :math:`\log 2` (1 bit).

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, base, normalize
        As in :func:`entropy`.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``, in ``[0, log_base(2)]``.

    Examples
    --------
    Distributions with disjoint supports are one bit apart:

    >>> import kltools as kt
    >>> kt.js_divergence([1, 0], [0, 1])
    1.0
    >>> kt.js_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    """
    return measure(
        [p, q],
        ["p", "q"],
        _js_block,
        axis=axis,
        base=base,
        normalize=normalize,
        upper=_LN2,
        scratch=2,
        refine=_js_near,
        post=_js_post,
    )


def js_distance(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Jensen-Shannon distance, the square root of :func:`js_divergence`.

    .. math:: d_{\mathrm{JS}}(p, q) = \sqrt{\mathrm{JS}(p, q)}

    Unlike the divergence, the distance is a metric: symmetric, zero only
    for equal distributions, and it obeys the triangle inequality. It matches
    ``scipy.spatial.distance.jensenshannon`` for the same ``base``.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, base, normalize
        As in :func:`entropy`; the divergence is taken in ``base`` first.

    Returns
    -------
    float or ndarray
        The distance, never NaN; between 0 and 1 in base 2.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.js_distance([1, 0], [0, 1])
    1.0
    >>> kt.js_distance([1, 0], [0.5, 0.5])  # sqrt(3/2 - (3/4) log2 3) bits
    0.5579230453
    """
    js = js_divergence(p, q, axis=axis, base=base, normalize=normalize)
    return math.sqrt(js) if isinstance(js, float) else np.sqrt(js)


def surprisal(p: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""Surprisal (self-information) of events with probability ``p``.

    .. math:: I(p) = -\log p

    Elementwise, for probabilities in :math:`[0, 1]`; an impossible event
    (:math:`p = 0`) has infinite surprisal. Entropy is the expected
    surprisal, :math:`H(p) = \sum_i p_i I(p_i)`.

    Parameters
    ----------
    p : array_like
        Probabilities, any shape.
    base : float, optional
        Base of the logarithm: 2 (default) gives bits.

    Returns
    -------
    float or ndarray
        A float for a scalar ``p``, an array of the same shape otherwise.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.surprisal(0.5)
    1.0
    >>> kt.surprisal([0.01, 1.0, 0.0])
    array([6.64385619, 0.        ,        inf])
    """
    nats = log_base(base)
    arr = as_probability(p, "p")
    with np.errstate(divide="ignore"):
        out = -np.log(arr) / nats
    return result(out + 0.0)  # + 0.0 turns -0.0 (at p = 1) into 0.0


# --- Chernoff information -------------------------------------------------------


class Chernoff(NamedTuple):
    """The result of :func:`chernoff_information`."""

    #: :math:`C(p, q) \ge 0` in units of ``log(base)`` (float, or an array
    #: of the batch shape).
    value: float | np.ndarray
    #: The minimising :math:`\lambda \in [0, 1]`, of the same shape.
    lam: float | np.ndarray


def _chernoff_rows(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise (C in nats, lambda) for laid-out, checked rows."""
    rows = p.shape[0]
    common = (p > 0) & (q > 0)
    with np.errstate(all="ignore"):
        lq = np.where(common, np.log(np.where(common, q, 1.0)), -np.inf)
        # log(p / q), accurate for nearly equal p and q (log1p there)
        ell = np.where(
            common, log_ratio(np.where(common, p, 1.0), np.where(common, q, 1.0)), 0.0
        )

        def slopes(lam):
            """f'(lam) and f''(lam): mean and variance of ell under the tilt."""
            z = lq + lam[:, None] * ell
            top = z.max(axis=-1, keepdims=True)
            w = np.exp(z - np.where(np.isfinite(top), top, 0.0))
            w /= w.sum(axis=-1, keepdims=True)
            d1 = (w * ell).sum(axis=-1)
            d2 = np.maximum((w * (ell - d1[:, None]) ** 2).sum(axis=-1), 0.0)
            return d1, d2

        lam = np.full(rows, 0.5)
        d0, _ = slopes(np.zeros(rows))
        d1, _ = slopes(np.ones(rows))
        flat = (d0 >= 0) & (d1 <= 0)  # f' = 0 on [0, 1]: every lambda minimises
        lam[(d0 >= 0) & ~flat] = 0.0
        lam[(d1 <= 0) & ~flat] = 1.0
        todo = (d0 < 0) & (d1 > 0)
        lo, hi = np.zeros(rows), np.ones(rows)
        for _ in range(200):  # safeguarded Newton: converges in a few steps
            if not todo.any():
                break
            g, h = slopes(lam)
            hi = np.where(todo & (g > 0), lam, hi)
            lo = np.where(todo & (g < 0), lam, lo)
            newton = lam - g / np.where(h > 0, h, np.inf)
            inside = (newton >= lo) & (newton <= hi)
            step = np.where(inside, newton, 0.5 * (lo + hi))
            done = (np.abs(step - lam) <= 1e-15) | (hi - lo <= 1e-15) | (g == 0)
            lam = np.where(todo, step, lam)
            todo &= ~done
        value = -_log_affinity(p, q, lq, ell, common, lam)
    none = ~common.any(axis=-1)  # disjoint supports: C = inf
    value[none] = np.inf
    lam[none] = 0.5
    return np.maximum(value, 0.0), lam


def _log_affinity(p, q, lq, ell, common, lam):
    """``f(lam) = log sum_common p^lam q^(1 - lam)`` per row.

    Where the log ratios are small (nearly equal distributions) as
    ``log1p(sum q [h(lam l) - lam h(l)] - lam P_out - (1 - lam) Q_out)``
    with ``h(x) = e^x - 1 - x`` (treating the sums of p and q as 1), so that
    a value near 0 keeps its relative accuracy; elsewhere by log-sum-exp.
    """
    z = lq + lam[:, None] * ell
    top = z.max(axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    lse = top[:, 0] + np.log(np.exp(z - top).sum(axis=-1))
    near = np.abs(ell).max(axis=-1) <= 1.0
    if near.any():
        lm = lam[near, None]
        e = ell[near]
        inner = np.where(common[near], q[near] * (excess(lm * e) - lm * excess(e)), 0.0)
        p_out = np.where(common[near], 0.0, p[near]).sum(axis=-1)
        q_out = np.where(common[near], 0.0, q[near]).sum(axis=-1)
        lam_n = lam[near]
        lse[near] = np.log1p(
            accurate_sum(inner) - lam_n * p_out - (1.0 - lam_n) * q_out
        )
    return lse


def chernoff_information(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> Chernoff:
    r"""Chernoff information between ``p`` and ``q``, and the minimising lambda.

    .. math::

        C(p, q) = -\min_{0 \le \lambda \le 1}
                  \log \sum_i p_i^{\lambda} q_i^{1 - \lambda}

    the best exponent of the Bayes error when telling ``p`` from ``q`` with
    many independent observations: the error falls like
    :math:`e^{-n C}` :cite:p:`cover2006`. The sum runs over the outcomes
    where both are positive (the limit from inside (0, 1) at the ends).
    Symmetric, :math:`\ge 0`, zero only for equal distributions, infinite
    for disjoint supports, and at most :math:`\min(D(p\|q), D(q\|p))`. At
    the minimiser :math:`\lambda^*` the tilted distribution
    :math:`p_\lambda \propto p^\lambda q^{1-\lambda}` is equally far, in KL
    divergence, from ``p`` and from ``q``, and that distance is :math:`C`.

    The function of :math:`\lambda` is convex; its minimum is found by a
    safeguarded Newton iteration on its derivative (to ``1e-15`` in
    :math:`\lambda`).

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, base, normalize
        As in :func:`entropy`.

    Returns
    -------
    Chernoff
        A named tuple ``(value, lam)``: :math:`C(p, q)` in units of
        ``log(base)`` and the minimising :math:`\lambda \in [0, 1]`, floats
        for one pair, arrays of the batch shape otherwise. Where every
        :math:`\lambda` minimises (``p`` equal to ``q``) and for disjoint
        supports, ``lam`` is 1/2.

    Examples
    --------
    Mirror images meet half-way, and then :math:`C` is the Bhattacharyya
    distance :math:`-\log \sum_i \sqrt{p_i q_i}`:

    >>> import math
    >>> import kltools as kt
    >>> c = kt.chernoff_information([0.9, 0.1], [0.1, 0.9], base=math.e)
    >>> c.value, c.lam  # -log(2 * 0.3)
    (0.5108256238, 0.5)
    >>> kt.chernoff_information([0.5, 0.5], [0.5, 0.5])
    Chernoff(value=0.0, lam=0.5)
    >>> kt.chernoff_information([1, 0], [0, 1]).value
    inf
    """
    nats = log_base(base)
    (pp, qq), lead = checked_distributions(
        [p, q], ["p", "q"], axis, normalize=normalize
    )
    value, lam = _chernoff_rows(pp, qq)
    value = value / nats
    if lead == ():
        return Chernoff(float(value[0]), float(lam[0]))
    return Chernoff(value.reshape(lead), lam.reshape(lead))
