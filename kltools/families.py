r"""Families of divergences between discrete distributions.

Csiszár's f-divergences :cite:p:`csiszar1967,ali1966` (introduced
independently by Csiszár 1963, Morimoto 1963 and Ali and Silvey 1966),
Rényi's divergences of order :math:`\alpha` :cite:p:`renyi1961,vanerven2014`,
two members of the f-family used on their own: total variation and the
Hellinger distance, and three bounds between KL divergence and total
variation: Pinsker's, Bretagnolle and Huber's, and a reverse Pinsker
inequality for a reference distribution bounded below. Then what the
divergences mean operationally: the Bayes error of a test between two
distributions (:func:`bayes_error`) and Lin's bounds on it from
Jensen-Shannon (:func:`lin_error_bounds`); and the variational
representations, Donsker-Varadhan's for KL and the f-GAN form for any
f-divergence, with a critic fitted by gradient ascent (:func:`fit_dv_critic`)
and exact moments of a quadratic critic under a normal distribution
(:func:`gaussian_critic_moments`). KL divergence belongs
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
    as_finite,
    as_float_array,
    as_positive,
    as_probability,
    broadcast,
    checked_distributions,
    log_base,
    result,
)
from .discrete import _kl

__all__ = [
    "bayes_error",
    "bretagnolle_huber_bound",
    "donsker_varadhan",
    "f_divergence",
    "f_gan_bound",
    "fit_dv_critic",
    "gaussian_critic_moments",
    "hellinger",
    "lin_error_bounds",
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


# --- operational meanings: the Bayes error of a test ------------------------------


def bayes_error(
    p: ArrayLike,
    q: ArrayLike,
    *,
    prior: float = 0.5,
    axis: int = -1,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Smallest error probability of a test between two distributions.

    A coin with probability ``prior`` of heads picks :math:`p` (heads) or
    :math:`q` (tails), one outcome is drawn from the chosen distribution, and
    a test guesses which one it was. The best test guesses :math:`p` where
    :math:`\pi p_i > (1 - \pi) q_i`, and its error probability is

    .. math::

        P_e = \sum_i \min\bigl(\pi p_i, (1 - \pi) q_i\bigr),

    which for a fair coin (:math:`\pi = \tfrac12`) is
    :math:`\tfrac12 \sum_i \min(p_i, q_i) = \tfrac12 (1 - \delta(p, q))`,
    with :math:`\delta` the total variation (:func:`~kltools.total_variation`).

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    prior : float, optional
        Probability :math:`\pi` in [0, 1] that the outcome comes from ``p``;
        0.5 (default) is the fair coin.
    axis, normalize
        As in :func:`kltools.kl_divergence`. A probability, so no ``base``.

    Returns
    -------
    float or ndarray
        :math:`P_e`, in :math:`[0, \min(\pi, 1 - \pi)]`.

    Examples
    --------
    >>> from kltools.families import bayes_error
    >>> bayes_error([0.5, 0.5], [0.25, 0.75])  # (1 - 1/4) / 2
    0.375
    >>> bayes_error([1, 0], [0, 1])  # disjoint supports: never wrong
    0.0
    >>> bayes_error([0.5, 0.5], [0.5, 0.5], prior=0.9)  # guess p always
    0.1
    """
    pi = float(as_probability(prior, "prior"))
    (pp, qq), lead = checked_distributions(
        [p, q], ["p", "q"], axis, normalize=normalize
    )
    err = np.minimum(pi * pp, (1.0 - pi) * qq).sum(axis=-1)
    err = np.clip(err, 0.0, min(pi, 1.0 - pi))
    return float(err[0]) if lead == () else err.reshape(lead)


def lin_error_bounds(
    js: ArrayLike, *, base: float = 2
) -> tuple[float | np.ndarray, float | np.ndarray]:
    r"""Lin's bounds on the fair-coin Bayes error from the Jensen-Shannon divergence.

    For a fair coin choosing between :math:`p` and :math:`q`
    (:func:`bayes_error` with ``prior=0.5``), :cite:t:`lin1991` (Theorems 4
    and 5, two distributions, equal weights) bounds the error by

    .. math::

        \tfrac14 \bigl(1 - \mathrm{JS}(p, q)\bigr)^2 \le P_e
        \le \tfrac12 \bigl(1 - \mathrm{JS}(p, q)\bigr), \qquad
        \mathrm{JS} \text{ in bits},

    where :math:`1 = H(\tfrac12)` bit and :math:`1 - \mathrm{JS} = H(Z \mid X)`
    is what one draw :math:`X` leaves unknown about the coin :math:`Z`. The
    upper bound is :math:`\min(a, 1 - a) \le \tfrac12 h(a)` (binary entropy,
    bits) averaged over the draws; the lower one is
    :math:`h(a) \le 2\sqrt{a(1 - a)}` and Cauchy-Schwarz. Both are tight at
    :math:`p = q` (upper) and at disjoint supports (both).

    Parameters
    ----------
    js : array_like
        Jensen-Shannon divergences, in [0, 1] bit (in units of ``log(base)``).
    base : float, optional
        Units of ``js``: 2 (default) for bits, ``math.e`` for nats.

    Returns
    -------
    lower, upper : float or ndarray
        The two bounds on :math:`P_e`, probabilities, the shape of ``js``.

    Examples
    --------
    >>> from kltools.families import lin_error_bounds
    >>> lin_error_bounds(0.0)  # p = q: the error is 1/2, bounds 1/4 and 1/2
    (0.25, 0.5)
    >>> lin_error_bounds(1.0)  # disjoint supports: the error is 0
    (0.0, 0.0)
    """
    d = _divergence_values(js, "js") * log_base(base) / math.log(2)
    if (d > 1 + 1e-9).any():
        raise ValueError(
            "js must be a Jensen-Shannon divergence, at most 1 bit (ln 2 nats), "
            f"got {float(d[d > 1 + 1e-9].flat[0])!r} bits"
        )
    gap = np.clip(1.0 - d, 0.0, 1.0)  # H(Z | X) in bits
    return result(gap**2 / 4), result(gap / 2)


# --- variational representations -------------------------------------------------


def _critic_values(t: ArrayLike, name: str) -> np.ndarray:
    arr = as_float_array(t, name)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(
            f"{name} must hold critic values at samples along the last axis, "
            f"got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite critic values")
    return arr


def donsker_varadhan(
    t_p: ArrayLike, t_q: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""Donsker-Varadhan lower bound on KL divergence from a critic's values.

    For any function (*critic*) :math:`T` with :math:`\mathbb{E}_q e^T`
    finite :cite:p:`donsker1975`,

    .. math::

        D(p \,\|\, q) \ge \mathbb{E}_p[T] - \log \mathbb{E}_q\bigl[e^T\bigr]
        \quad (\text{nats}),

    with equality for :math:`T = \log(p/q) + c`. Given the critic's values
    at samples from :math:`p` (``t_p``) and from :math:`q` (``t_q``), this
    returns the sample version, :math:`\overline{T}_p - \log \overline{e^{T}}_q`
    (log-sum-exp, no overflow). Given exact expectations instead (one value
    each, ``t_p = E_p T`` and ``t_q = log E_q e^T``), use the formula
    directly. The sample version is an estimate: it can exceed the true
    divergence, above all when the critic was fitted to the same samples.

    Parameters
    ----------
    t_p, t_q : array_like, shape (..., n_p) and (..., n_q)
        Finite critic values at samples from ``p`` and from ``q``, samples
        on the last axis; leading axes broadcast.
    base : float, optional
        Units of the result: 2 (default) bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The bound, in units of ``log(base)`` (it can be negative: a poor
        critic gives a poor bound).

    Examples
    --------
    >>> import math
    >>> from kltools.families import donsker_varadhan
    >>> # p = (1/2, 1/2), q = (1/4, 3/4) as equally weighted samples, T = log p/q
    >>> t = [math.log(2), math.log(2 / 3)]
    >>> donsker_varadhan(t, [t[0], t[1], t[1], t[1]], base=math.e)  # = D(p||q)
    0.1438410362
    >>> donsker_varadhan([1.0, 1.0], [1.0, 1.0, 1.0])  # a constant critic: 0
    0.0
    """
    a = _critic_values(t_p, "t_p")
    b = _critic_values(t_q, "t_q")
    nats = log_base(base)
    top = b.max(axis=-1, keepdims=True)
    log_mean_exp = np.log(np.mean(np.exp(b - top), axis=-1)) + top[..., 0]
    try:
        value = a.mean(axis=-1) - log_mean_exp
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast: t_p {a.shape} and t_q {b.shape} "
            "(samples on the last axis)"
        ) from None
    return result(value / nats)


def f_gan_bound(
    t_p: ArrayLike, t_q: ArrayLike, conjugate: Callable[[np.ndarray], ArrayLike]
) -> float | np.ndarray:
    r"""Variational (f-GAN) lower bound on an f-divergence from a critic's values.

    For convex :math:`f` with convex conjugate
    :math:`f^\star(u) = \sup_t \{u t - f(t)\}`, every critic :math:`T`
    gives :cite:p:`nguyen2010,nowozin2016`

    .. math::

        D_f(p \,\|\, q) \ge \mathbb{E}_p[T] - \mathbb{E}_q\bigl[f^\star(T)\bigr],

    with equality for :math:`T = f'(p/q)`. For KL in nats
    (:math:`f(t) = t \ln t`), :math:`f^\star(u) = e^{u - 1}` and the best
    critic is :math:`1 + \ln(p/q)`; the bound is then never above the
    Donsker-Varadhan bound of the same critic (:func:`donsker_varadhan`),
    and equals it after the best constant shift. This returns the sample
    version :math:`\overline{T}_p - \overline{f^\star(T)}_q`.

    Parameters
    ----------
    t_p, t_q : array_like, shape (..., n_p) and (..., n_q)
        Finite critic values at samples from ``p`` and from ``q``.
    conjugate : callable
        :math:`f^\star`, vectorised (for KL: ``lambda u: np.exp(u - 1)``).

    Returns
    -------
    float or ndarray
        The bound, in the units of ``f`` (nats for :math:`t \ln t`).

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> from kltools.families import f_gan_bound
    >>> t = [1 + math.log(2), 1 + math.log(2 / 3)]  # 1 + log p/q
    >>> f_gan_bound(t, [t[0], t[1], t[1], t[1]], lambda u: np.exp(u - 1))
    0.1438410362
    """
    if not callable(conjugate):
        raise TypeError(f"conjugate must be a callable f*(u), got {conjugate!r}")
    a = _critic_values(t_p, "t_p")
    b = _critic_values(t_q, "t_q")
    with np.errstate(over="ignore"):
        star = np.asarray(conjugate(b), dtype=np.float64)
    if star.shape != b.shape:
        raise ValueError(
            f"conjugate must be vectorised: for shape {b.shape} it returned "
            f"shape {star.shape}"
        )
    if np.isnan(star).any():
        raise ValueError("conjugate returned NaN")
    try:
        value = a.mean(axis=-1) - star.mean(axis=-1)
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast: t_p {a.shape} and t_q {b.shape} "
            "(samples on the last axis)"
        ) from None
    return result(value)


def gaussian_critic_moments(
    a: ArrayLike, b: ArrayLike, mean: ArrayLike, sd: ArrayLike
) -> tuple[float | np.ndarray, float | np.ndarray]:
    r"""Exact moments of a quadratic critic under a normal distribution.

    For :math:`X \sim N(\mu, \sigma^2)` and :math:`T(x) = a x + b x^2`,

    .. math::

        \mathbb{E}[T] = a\mu + b(\mu^2 + \sigma^2), \qquad
        \log \mathbb{E}\bigl[e^{T}\bigr] =
        \frac{a\mu + b\mu^2 + a^2\sigma^2/2}{1 - 2b\sigma^2}
        - \tfrac12 \log(1 - 2b\sigma^2)

    (nats), the second finite only when :math:`2b\sigma^2 < 1` and ``inf``
    otherwise. With them the Donsker-Varadhan bound of a fitted critic,
    :math:`\mathbb{E}_p T - \log \mathbb{E}_q e^T`, is evaluated exactly
    rather than on samples. Quadratic critics contain the best one,
    :math:`\log(p/q)` up to a constant, for any two normal distributions.

    Parameters
    ----------
    a, b : array_like
        Coefficients of :math:`x` and :math:`x^2`; broadcast together.
    mean, sd : array_like
        :math:`\mu` and :math:`\sigma > 0` of the normal distribution.

    Returns
    -------
    mean_t, log_mean_exp_t : float or ndarray
        :math:`\mathbb{E}[T]` and :math:`\log \mathbb{E}[e^T]` (nats).

    Examples
    --------
    >>> from kltools.families import gaussian_critic_moments
    >>> gaussian_critic_moments(1.0, 0.0, 0.0, 1.0)  # E X = 0, log E e^X = 1/2
    (0.0, 0.5)
    >>> gaussian_critic_moments(0.0, 0.5, 0.0, 1.0)  # E e^(X^2 / 2) diverges
    (0.5, inf)
    """
    aa, bb, mu = (as_finite(x, n) for x, n in [(a, "a"), (b, "b"), (mean, "mean")])
    s = as_positive(sd, "sd")
    aa, bb, mu, s = broadcast((aa, "a"), (bb, "b"), (mu, "mean"), (s, "sd"))
    var = s * s
    mean_t = aa * mu + bb * (mu * mu + var)
    room = 1.0 - 2.0 * bb * var
    ok = room > 0
    safe = np.where(ok, room, 1.0)
    log_mgf = (aa * mu + bb * mu * mu + aa * aa * var / 2) / safe - 0.5 * np.log(safe)
    return result(mean_t), result(np.where(ok, log_mgf, np.inf))


def fit_dv_critic(
    features_p: ArrayLike,
    features_q: ArrayLike,
    *,
    steps: int = 300,
    learning_rate: float = 0.1,
) -> np.ndarray:
    r"""Fit a linear-in-features critic to the Donsker-Varadhan objective.

    The critic is :math:`T_\theta(x) = \theta \cdot \phi(x)`, and gradient
    ascent from :math:`\theta = 0` climbs the sample objective

    .. math::

        L(\theta) = \frac1{n_p} \sum_i \theta \cdot \phi(x_i)
        - \log \frac1{n_q} \sum_j e^{\theta \cdot \phi(y_j)},
        \qquad x_i \sim p, \; y_j \sim q,

    (nats), which is concave in :math:`\theta`: its gradient is the mean
    feature under ``p`` minus the mean feature under ``q`` reweighted by
    :math:`e^{T}`. A constant feature would be wasted (the objective ignores
    constants), so leave it out.

    Parameters
    ----------
    features_p, features_q : array_like, shape (n_p, d) and (n_q, d)
        Features :math:`\phi` of the samples from ``p`` and from ``q``.
    steps : int, optional
        Number of gradient steps (default 300).
    learning_rate : float, optional
        Step size ``> 0`` (default 0.1); scale the features to order 1.

    Returns
    -------
    ndarray, shape (steps + 1, d)
        :math:`\theta` after each step, starting with the zero vector.

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.families import fit_dv_critic
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(1.0, 1.0, 4000), rng.normal(0.0, 1.0, 4000)
    >>> # best critic log p/q = x - 1/2: slope 1
    >>> theta = fit_dv_critic(x[:, None], y[:, None], steps=200, learning_rate=0.5)
    >>> bool(abs(theta[-1, 0] - 1.0) < 0.1)
    True
    """
    fp = as_finite(features_p, "features_p")
    fq = as_finite(features_q, "features_q")
    for arr, name in [(fp, "features_p"), (fq, "features_q")]:
        if arr.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D (samples x features), got shape {arr.shape}"
            )
    if fp.shape[1] != fq.shape[1]:
        raise ValueError(
            f"features_p has {fp.shape[1]} features but features_q {fq.shape[1]}"
        )
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be an integer, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    rate = float(as_positive(learning_rate, "learning_rate"))
    mean_p = fp.mean(axis=0)
    theta = np.zeros(fp.shape[1])
    path = [theta.copy()]
    for _ in range(int(steps)):
        t = fq @ theta
        w = np.exp(t - t.max())
        theta = theta + rate * (mean_p - (w / w.sum()) @ fq)
        path.append(theta.copy())
    return np.array(path)
