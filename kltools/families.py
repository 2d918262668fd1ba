r"""Families of divergences between discrete distributions.

Csiszár's f-divergences :cite:p:`csiszar1967,ali1966` (introduced
independently by Csiszár 1963, Morimoto 1963 and Ali and Silvey 1966),
Rényi's divergences of order :math:`\alpha` :cite:p:`renyi1961,vanerven2014`,
two members of the f-family used on their own: total variation and the
Hellinger distance, and three bounds between KL divergence and total
variation: Pinsker's, Bretagnolle and Huber's, and a reverse Pinsker
inequality for a reference distribution bounded below. KL divergence belongs
to both families (f-divergence with :math:`f(t) = t \log t`, Rényi
divergence of order 1).

The conventions of :func:`kltools.kl_divergence` hold: the distribution runs
along ``axis`` (default the last) and leading axes broadcast; sums are
checked against 1 and ``normalize=True`` rescales weights instead.
:func:`renyi_divergence` is an amount of information, in units of
``log(base)`` (bits by default); total variation and Hellinger are unitless
numbers in [0, 1]; :func:`f_divergence` is in whatever units ``f``
measures. The three bounds read (Pinsker, Bretagnolle-Huber) or return (the
reverse bound) a KL divergence in units of ``log(base)``, bits by default.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    as_float_array,
    as_probability,
    checked_distributions,
    log_base,
    result,
)
from .discrete import _kl

__all__ = [
    "bretagnolle_huber_bound",
    "f_divergence",
    "hellinger",
    "pinsker_bound",
    "renyi_divergence",
    "reverse_pinsker_bound",
    "total_variation",
]

#: Largest accepted ``|f(1)|``: a generator must vanish at 1.
F_AT_ONE_TOLERANCE = 1e-12


# --- f-divergences ------------------------------------------------------------


def _evaluate(f: Callable, t: np.ndarray) -> np.ndarray:
    """``f(t)`` for a vectorised generator, refusing NaN and ``-inf`` values."""
    with np.errstate(all="ignore"):  # e.g. log(0) inside f: judged by the result
        out = np.asarray(f(t), dtype=np.float64)
    if out.shape != t.shape:
        raise ValueError(
            "f must be vectorised, returning one value per ratio: for an input "
            f"of shape {t.shape} it returned shape {out.shape}"
        )
    bad = np.isnan(out) | np.isneginf(out)
    if bad.any():
        at, value = float(t[bad].flat[0]), float(out[bad].flat[0])
        raise ValueError(
            f"f returned {value} at t = {at!r}; f must be a convex "
            "function on [0, inf) with values in (-inf, inf] (at t = 0 give its "
            "limit: write t log t as scipy.special.xlogy(t, t))"
        )
    return out


def _slope(f_prime_inf: object) -> float | None:
    if f_prime_inf is None:
        return None
    if isinstance(f_prime_inf, bool) or not isinstance(f_prime_inf, numbers.Real):
        raise TypeError(f"f_prime_inf must be a real number, got {f_prime_inf!r}")
    s = float(f_prime_inf)
    if math.isnan(s) or s == -math.inf:
        raise ValueError(
            f"f_prime_inf must be a number or math.inf, got {f_prime_inf!r}"
        )
    return s


def f_divergence(
    p: ArrayLike,
    q: ArrayLike,
    f: Callable[[np.ndarray], ArrayLike],
    *,
    f_prime_inf: float | None = None,
    axis: int = -1,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Csiszár f-divergence of ``p`` from ``q``.

    .. math::

        D_f(p \,\|\, q) = \sum_i q_i \, f\!\left(\frac{p_i}{q_i}\right)

    for a convex generator :math:`f` with :math:`f(1) = 0`
    :cite:p:`csiszar1967,ali1966`. Jensen's inequality makes it
    :math:`\ge 0`, and 0 when ``p == q``. Outcomes where :math:`q_i = 0`
    follow the usual convention

    .. math::

        0 \cdot f\!\left(\frac{p_i}{0}\right)
        = p_i \, f'(\infty), \qquad f'(\infty) = \lim_{t \to \infty} f(t) / t,

    (so 0 when :math:`p_i = 0` too). :math:`f'(\infty)` cannot be read off
    a black-box ``f`` reliably (:math:`t \log t / t` grows without bound,
    but only like :math:`\log t`), so it is passed as ``f_prime_inf``.

    Common generators, with :math:`f'(\infty)`:

    * KL divergence (nats): :math:`f(t) = t \log t`, :math:`f'(\infty) = \infty`;
    * reverse KL, :math:`D(q\|p)` (nats): :math:`f(t) = -\log t`, 0;
    * total variation: :math:`f(t) = |t - 1| / 2`, :math:`1/2`;
    * squared Hellinger distance: :math:`f(t) = (\sqrt t - 1)^2 / 2`,
      :math:`1/2`;
    * Pearson :math:`\chi^2`: :math:`f(t) = (t - 1)^2`, :math:`\infty`;
    * Jensen-Shannon (nats): :math:`f(t) = \tfrac12 [t \log t - (1 + t)
      \log \tfrac{1 + t}{2}]`, :math:`\tfrac12 \log 2`.

    Adding :math:`c (t - 1)` to :math:`f` does not change :math:`D_f`.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    f : callable
        The generator, vectorised: ``f(t)`` takes an ndarray of ratios
        :math:`t \ge 0` and returns an array of the same shape. It must be
        convex, finite or ``+inf`` on :math:`[0, \infty)` (write
        :math:`t \log t` as ``scipy.special.xlogy(t, t)`` so that
        :math:`f(0) = 0`, not NaN), and :math:`f(1) = 0` (within 1e-12).
    f_prime_inf : float, optional
        :math:`f'(\infty) = \lim_{t\to\infty} f(t)/t`, possibly ``math.inf``.
        Needed only when some outcome has :math:`p_i > 0 = q_i`; without it
        such input raises ``ValueError``.
    axis : int, optional
        Axis holding the outcomes.
    normalize : bool, optional
        If True, ``p`` and ``q`` are non-negative weights rescaled to sum
        to 1; otherwise a sum other than 1 raises ``ValueError``.

    Returns
    -------
    float or ndarray
        :math:`D_f(p\|q) \ge 0`, in the units of ``f`` (no ``base``: for
        :math:`f(t) = t \log t` with the natural log, nats). Rounding below
        0 is clipped; a clearly negative sum, which a convex ``f`` cannot
        give, raises ``ValueError``.

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> from scipy.special import xlogy
    >>> import kltools as kt
    >>> p, q = [0.5, 0.5], [0.25, 0.75]
    >>> kt.f_divergence(p, q, lambda t: xlogy(t, t))  # KL in nats: log(4/3) / 2
    0.1438410362
    >>> kt.f_divergence(p, q, lambda t: np.abs(t - 1) / 2)  # total variation
    0.25
    >>> kt.f_divergence([1, 0], [0, 1], lambda t: np.abs(t - 1) / 2,
    ...                 f_prime_inf=0.5)
    1.0
    >>> kt.f_divergence([1, 0], [0, 1], lambda t: xlogy(t, t), f_prime_inf=math.inf)
    inf
    """
    if not callable(f):
        raise TypeError(f"f must be a callable generator f(t), got {f!r}")
    slope = _slope(f_prime_inf)
    (pp, qq), lead = checked_distributions(
        [p, q], ["p", "q"], axis, normalize=normalize
    )
    try:  # a scalar-only f (math.log) fails here, with a message that says so
        at_one, at_half, at_two = _evaluate(f, np.array([1.0, 0.5, 2.0])).tolist()
    except TypeError as err:
        raise TypeError(
            "f must be vectorised: it is called with an ndarray of ratios and must "
            "return an array of the same shape (use np.log, not math.log); called "
            f"with an array it raised TypeError: {err}"
        ) from None
    if abs(at_one) > F_AT_ONE_TOLERANCE:
        raise ValueError(
            f"f(1) must be 0, got {at_one!r}; use f(t) - f(1) instead (it gives "
            "the same divergence shifted to 0 at p = q)"
        )
    seen = qq > 0
    escape = (pp > 0) & ~seen
    if escape.any() and slope is None:
        row, col = np.argwhere(escape)[0]
        where = f"outcome {col}" if pp.shape[0] == 1 else f"row {row}, outcome {col}"
        raise ValueError(
            f"q is 0 where p is positive ({where}); that term is "
            "p_i * lim f(t)/t, so pass f_prime_inf (math.inf for KL and "
            "chi-squared, 0.5 for total variation)"
        )
    with np.errstate(over="ignore"):
        t = np.where(seen, pp / np.where(seen, qq, 1.0), 1.0)
    with np.errstate(invalid="ignore", over="ignore"):
        terms = np.where(seen, qq * _evaluate(f, t), 0.0)
        if escape.any():
            terms += np.where(escape, pp * slope, 0.0)
        values = terms.sum(axis=-1)
        # What rounding can do: relative error in large terms, and about
        # eps * |f'(1)| from ratios t = p / q that round near 1.
        slack = 1e-9 * np.abs(terms).sum(axis=-1) + 1e-12 * (abs(at_half) + abs(at_two))
    if (values < -slack).any():
        worst = float(values.min())
        raise ValueError(
            f"the f-divergence came out negative ({worst:.6g}), which a convex f "
            "with f(1) = 0 cannot give: check that f is convex"
        )
    values = np.maximum(values, 0.0)
    return float(values[0]) if lead == () else values.reshape(lead)


# --- Rényi divergences --------------------------------------------------------


def _order(alpha: object) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a real number, got {alpha!r}")
    a = float(alpha)
    if not a >= 0:  # also NaN
        raise ValueError(f"alpha must be >= 0 (math.inf allowed), got {alpha!r}")
    return a


def _log_power_sum(p: np.ndarray, ell: np.ndarray, beta: float) -> np.ndarray:
    r"""Row-wise :math:`\log \sum_i p_i e^{\beta \ell_i}` over the support of ``p``.

    Where no term overflows and the sum is not near 0, as
    :math:`\log(1 + \sum_i p_i\, \mathrm{expm1}(\beta \ell_i))`, which keeps
    full relative accuracy as :math:`\beta \to 0` (it is then close to
    :math:`\beta\, D_{KL}`); elsewhere by the shifted log-sum-exp.
    """
    support = p > 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        x = np.where(support, beta * ell, 0.0)
        small = np.where(support, p * np.expm1(x), 0.0).sum(axis=-1)
        y = np.where(support, x + np.log(np.where(support, p, 1.0)), -np.inf)
        top = y.max(axis=-1)
        shift = np.where(np.isfinite(top), top, 0.0)
        lse = np.log(np.exp(y - shift[:, None]).sum(axis=-1)) + shift
        lse = np.where(top == np.inf, np.inf, lse)
        near = np.isfinite(small) & (small >= -0.5)
        return np.where(near, np.log1p(np.where(near, small, 0.0)), lse)


def renyi_divergence(
    p: ArrayLike,
    q: ArrayLike,
    alpha: float,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Rényi divergence of order ``alpha`` of ``p`` from ``q``.

    .. math::

        D_\alpha(p \,\|\, q) = \frac{1}{\alpha - 1}
            \log \sum_{i:\, p_i > 0} p_i^\alpha q_i^{1 - \alpha}

    :cite:p:`renyi1961`, with the limits :cite:p:`vanerven2014`

    * :math:`\alpha = 0`: :math:`-\log \sum_{i:\, p_i > 0} q_i`;
    * :math:`\alpha = 1`: the KL divergence (:func:`kltools.kl_divergence`);
    * :math:`\alpha = \infty`: :math:`\log \max_{i:\, p_i > 0} p_i / q_i`.

    :math:`D_\alpha` is non-decreasing in :math:`\alpha`. With the
    Hellinger convention of :func:`hellinger`,
    :math:`D_{1/2} = -2 \log(1 - d_H^2)`, an increasing function of
    :math:`d_H`, not :math:`d_H` itself; likewise
    :math:`D_2 = \log(1 + \chi^2)`. For :math:`\alpha \ge 1` it is
    infinite when some :math:`p_i > 0` has :math:`q_i = 0`; for
    :math:`\alpha < 1` only when the supports are disjoint. Orders close to
    1 are computed without cancellation, so :math:`D_\alpha` tends smoothly
    to the KL divergence.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    alpha : float
        The order, :math:`\ge 0`; ``math.inf`` allowed.
    axis, base, normalize
        As in :func:`kltools.kl_divergence`.

    Returns
    -------
    float or ndarray
        The divergence, :math:`\ge 0`, in units of ``log(base)`` (bits by
        default).

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> p, q = [0.5, 0.5], [0.25, 0.75]
    >>> kt.renyi_divergence(p, q, 2)  # log2 sum p^2 / q = log2(1 + 1/3)
    0.41503749928
    >>> kt.renyi_divergence(p, q, 1) == kt.kl_divergence(p, q)
    True
    >>> kt.renyi_divergence(p, q, math.inf)  # log2 max p/q = log2 2
    1.0
    >>> kt.renyi_divergence([1, 0], [0.5, 0.5], 0.5)  # point mass: log2 n, any alpha
    1.0
    """
    a = _order(alpha)
    if a == 1:
        return _kl(p, q, ("p", "q"), axis=axis, base=base, normalize=normalize)
    log_b = log_base(base)
    (pp, qq), lead = checked_distributions(
        [p, q], ["p", "q"], axis, normalize=normalize
    )
    support = pp > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ell = np.where(support, np.log(pp) - np.log(qq), 0.0)  # inf where q = 0
    if a == math.inf:
        nats = np.where(support, ell, -np.inf).max(axis=-1)
    else:
        beta = a - 1.0
        nats = _log_power_sum(pp, ell, beta) / beta
    values = np.maximum(nats, 0.0) / log_b
    return float(values[0]) if lead == () else values.reshape(lead)


# --- total variation and Hellinger --------------------------------------------


def _near_or_far(near: np.ndarray, overlap: np.ndarray) -> np.ndarray:
    """Pick the accurate form of a [0, 1] distance from two exact equivalents.

    ``near`` is a sum of non-negative differences (accurate when ``p`` is
    close to ``q``); ``1 - overlap`` is exact when they are far apart (it
    gives exactly 1 for disjoint supports, where ``near`` is off by the
    rounding of the sums).
    """
    return np.clip(np.where(overlap < 0.5, 1.0 - overlap, near), 0.0, 1.0)


def total_variation(
    p: ArrayLike, q: ArrayLike, *, axis: int = -1, normalize: bool = False
) -> float | np.ndarray:
    r"""Total variation distance between two distributions.

    .. math:: \delta(p, q) = \tfrac12 \sum_i |p_i - q_i| = \max_A |p(A) - q(A)|

    the largest difference in probability the two give to any event, also
    :math:`1 - \sum_i \min(p_i, q_i)` (used when the overlap is small, so
    that disjoint supports give exactly 1). A metric, unitless, between 0
    (equal) and 1 (disjoint supports); the f-divergence with
    :math:`f(t) = |t - 1| / 2`. Pinsker's inequality
    bounds it by KL: :math:`\delta \le \sqrt{D(p\|q) / 2}` with :math:`D`
    in nats :cite:p:`pinsker1964,cover2006`.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, normalize
        As in :func:`kltools.kl_divergence`. There is no ``base``: the
        distance is a probability, not an amount of information.

    Returns
    -------
    float or ndarray
        The distance, in [0, 1].

    Examples
    --------
    >>> import kltools as kt
    >>> kt.total_variation([0.5, 0.5], [0.25, 0.75])
    0.25
    >>> kt.total_variation([1, 0], [0, 1])
    1.0
    """
    (pp, qq), lead = checked_distributions(
        [p, q], ["p", "q"], axis, normalize=normalize
    )
    tv = _near_or_far(0.5 * np.abs(pp - qq).sum(axis=-1), np.minimum(pp, qq).sum(-1))
    return float(tv[0]) if lead == () else tv.reshape(lead)


def hellinger(
    p: ArrayLike, q: ArrayLike, *, axis: int = -1, normalize: bool = False
) -> float | np.ndarray:
    r"""Hellinger distance between two distributions.

    .. math::

        d_H(p, q) = \sqrt{1 - \sum_i \sqrt{p_i q_i}}
                  = \sqrt{\tfrac12 \sum_i \left(\sqrt{p_i} - \sqrt{q_i}\right)^2}

    (written :math:`d_H`, since :math:`H(p, q)` is the cross entropy in this
    course). This convention (with the :math:`\tfrac12`) puts :math:`d_H` in
    [0, 1]: 0 for equal distributions, 1 for disjoint supports. Some texts
    omit the :math:`\tfrac12`, which multiplies :math:`d_H` by :math:`\sqrt 2`.
    :math:`d_H^2` is the f-divergence with :math:`f(t) = (\sqrt t - 1)^2/2`,
    :math:`\sum_i \sqrt{p_i q_i} = 1 - d_H^2` is the Bhattacharyya
    coefficient, and the Rényi divergence of order 1/2 is the increasing
    function :math:`D_{1/2} = -2 \log(1 - d_H^2)` of it (see
    :func:`renyi_divergence`). Computed from the second form when ``p`` and
    ``q`` are close (no cancellation), from the first when they are far apart
    (exactly 1 for disjoint supports).

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, normalize
        As in :func:`kltools.kl_divergence`. Unitless, so no ``base``.

    Returns
    -------
    float or ndarray
        The distance, in [0, 1]; a metric.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.hellinger([1, 0], [0, 1])
    1.0
    >>> kt.hellinger([0.5, 0.5], [0.5, 0.5])
    0.0
    >>> kt.hellinger([1, 0], [0.5, 0.5])  # sqrt(1 - sqrt(1/2))
    0.5411961001
    """
    (pp, qq), lead = checked_distributions(
        [p, q], ["p", "q"], axis, normalize=normalize
    )
    rp, rq = np.sqrt(pp), np.sqrt(qq)
    h = np.sqrt(_near_or_far(0.5 * np.square(rp - rq).sum(-1), (rp * rq).sum(-1)))
    return float(h[0]) if lead == () else h.reshape(lead)


# --- bounds between KL divergence and total variation ---------------------------


def _divergence_values(d: ArrayLike, name: str) -> np.ndarray:
    """Divergences as float64: non-negative, ``inf`` allowed, NaN refused."""
    arr = as_float_array(d, name)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN entries")
    if (arr < 0).any():
        raise ValueError(
            f"{name} must be a divergence, >= 0, got {arr[arr < 0].flat[0]!r}"
        )
    return arr


def pinsker_bound(kl: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""Pinsker's upper bound on total variation, from a KL divergence.

    .. math:: \delta(p, q) \le \sqrt{\tfrac12 D(p \,\|\, q)}, \qquad D \text{ in nats},

    for every pair of distributions. The constant :math:`\tfrac12` is the
    best possible (two coins near fair come as close as one likes); it is
    due to Csiszár (1967), Kullback (1967) and Kemperman (1969), after
    Pinsker's own weaker constant. The bound exceeds 1, and so says nothing,
    once :math:`D > 2` nats; :func:`bretagnolle_huber_bound` never does.

    Parameters
    ----------
    kl : array_like
        KL divergences :math:`D(p\|q) \ge 0` (either direction: the bound
        holds for both), ``inf`` allowed.
    base : float, optional
        Units of ``kl``: 2 (default) for bits, ``math.e`` for nats.

    Returns
    -------
    float or ndarray
        :math:`\sqrt{D \ln(\text{base}) / 2}`, unclipped (above 1 it is
        no constraint), the shape of ``kl``.

    Examples
    --------
    >>> import math
    >>> from kltools.families import pinsker_bound
    >>> pinsker_bound(2.0, base=math.e)  # the bound reaches 1 at 2 nats
    1.0
    >>> pinsker_bound(2 / math.log(2))  # the same divergence in bits
    1.0
    """
    nats = log_base(base)
    d = _divergence_values(kl, "kl")
    return result(np.sqrt(d * nats / 2))


def bretagnolle_huber_bound(kl: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""Bretagnolle-Huber upper bound on total variation, from a KL divergence.

    .. math:: \delta(p, q) \le \sqrt{1 - e^{-D(p \,\|\, q)}}, \qquad D \text{ in nats},

    for every pair of distributions (Bretagnolle and Huber 1979). It is
    below 1 for every finite :math:`D`, so it stays informative where
    Pinsker's bound (:func:`pinsker_bound`) exceeds 1, and it is the
    smaller of the two from :math:`D \approx 1.59` nats on. Proof: by
    Cauchy-Schwarz, :math:`\delta \le \sqrt{1 - \mathrm{BC}^2}` with the
    Bhattacharyya coefficient :math:`\mathrm{BC} = \sum_i \sqrt{p_i q_i}
    = e^{-D_{1/2}/2}` (nats), and :math:`D_{1/2} \le D` because Rényi
    divergences increase with their order.

    Parameters
    ----------
    kl : array_like
        KL divergences :math:`D(p\|q) \ge 0` (either direction), ``inf``
        allowed (the bound is then 1).
    base : float, optional
        Units of ``kl``: 2 (default) for bits, ``math.e`` for nats.

    Returns
    -------
    float or ndarray
        :math:`\sqrt{1 - e^{-D}}` with :math:`D` in nats, in [0, 1], the
        shape of ``kl``.

    Examples
    --------
    >>> import math
    >>> from kltools.families import bretagnolle_huber_bound
    >>> bretagnolle_huber_bound(math.log(2), base=math.e)  # sqrt(1 - 1/2)
    0.7071067812
    >>> bretagnolle_huber_bound(1.0)  # 1 bit: sqrt(1 - 1/2) as well
    0.7071067812
    >>> bretagnolle_huber_bound(math.inf)
    1.0
    """
    nats = log_base(base)
    d = _divergence_values(kl, "kl")
    return result(np.sqrt(-np.expm1(-d * nats)))


def reverse_pinsker_bound(
    tv: ArrayLike, q_min: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""Upper bound on KL divergence from total variation, for q bounded below.

    If every :math:`q_i \ge q_{\min} > 0`, then

    .. math::

        D(p \,\|\, q) \le \log\Bigl(1 + \frac{2\,\delta(p, q)^2}{q_{\min}}\Bigr)
        \le \frac{2\,\delta(p, q)^2}{q_{\min}} \text{ nats}.

    Proof: :math:`D = D_1 \le D_2 = \log(1 + \chi^2)` (Rényi divergences
    increase with their order), and
    :math:`\chi^2 = \sum_i (p_i - q_i)^2 / q_i \le \sum_i (p_i - q_i)^2 /
    q_{\min} \le 2 \delta^2 / q_{\min}`, because the differences
    :math:`p_i - q_i` sum to 0 and their absolute values to :math:`2\delta`,
    so their positive and negative parts each sum to :math:`\delta`. No bound
    of this kind holds without :math:`q_{\min}`: a :math:`q` with a zero
    where :math:`p` is positive has :math:`D = \infty` at any
    :math:`\delta`. Sason and Verdú (2016) collect this and sharper reverse
    Pinsker inequalities.

    Parameters
    ----------
    tv : array_like
        Total variation distances :math:`\delta(p, q)`, in [0, 1].
    q_min : array_like
        The smallest probability of ``q``, in (0, 1]; broadcasts with ``tv``.
    base : float, optional
        Units of the result: 2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        :math:`\log(1 + 2\delta^2 / q_{\min})` in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> from kltools.families import reverse_pinsker_bound
    >>> reverse_pinsker_bound(0.5, 0.5, base=math.e)  # log(1 + 1) nats
    0.6931471806
    >>> reverse_pinsker_bound(0.5, 0.5)  # 1 bit
    1.0
    """
    nats = log_base(base)
    t = as_probability(tv, "tv")
    floor = as_probability(q_min, "q_min")
    if (floor <= 0).any():
        raise ValueError(
            "q_min must be > 0: with a zero in q, D(p||q) can be infinite at "
            "any total variation, and no bound holds"
        )
    try:
        t, floor = np.broadcast_arrays(t, floor)
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast: tv {t.shape} and q_min {floor.shape}"
        ) from None
    return result(np.log1p(2 * t * t / floor) / nats)
