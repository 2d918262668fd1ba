r"""Closed-form KL divergences between parametric distributions.

Parameters broadcast elementwise (numpy rules) and results are in units of
``log(base)``, bits by default, like every measure in :mod:`kltools`.
Invalid parameters (a non-positive scale, rate or concentration, a
covariance that is not symmetric positive definite, a probability outside
[0, 1], NaN or infinite entries) raise ``ValueError`` naming the argument.

The formulas follow Penny (2001) and the Book of Statistical Proofs
:cite:p:`penny2001,soch2020`. Where two parameters are ratios of each other
(the scales of the normal distributions, the rates of the Poisson,
exponential and gamma, the Bernoulli probabilities) the formulas are
rearranged into non-negative terms that keep their accuracy near equality,
through

.. math:: h(\ell) = e^{\ell} - 1 - \ell \ge 0, \qquad \ell = \log(\text{ratio}),

evaluated as ``expm1(l) - l`` with the log ratio taken by ``log1p`` when the
ratio is near 1. Results are clipped at 0 (only rounding can push them
below).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import solve_triangular
from scipy.special import digamma, gammaln, polygamma

from ._kernel import accurate_sum, excess, log_ratio, rel_entr_terms, scaled_excess
from ._validation import (
    as_finite,
    as_positive,
    as_probability,
    broadcast,
    log_base,
    result,
)

__all__ = [
    "bernoulli_kl",
    "beta_kl",
    "dirichlet_kl",
    "exponential_kl",
    "gamma_kl",
    "gaussian_kl",
    "mvn_kl",
    "poisson_kl",
    "vae_kl",
]

#: Largest accepted ``max|C - C.T| / max|C|`` for a covariance matrix ``C``.
SYMMETRY_TOLERANCE = 1e-8


# --- shared pieces ------------------------------------------------------------

_log_ratio = log_ratio
_excess = excess
_scaled_excess = scaled_excess
_rel_entr = rel_entr_terms


def _poly_tail(t: np.ndarray, coefs: np.ndarray) -> np.ndarray:
    """``sum_k coefs[k - 2] t^k`` for k = 2, 3, ... (Horner)."""
    acc = np.zeros_like(t)
    for c in coefs[::-1]:
        acc = acc * t + c
    return acc * t * t


#: (-1)^k / (k (k - 1)), k = 2 .. 19: phi(t) = (1 + t) log(1 + t) - t.
_PHI_SERIES = np.array([(-1.0) ** k / (k * (k - 1)) for k in range(2, 20)])
#: (-1)^k / k, k = 2 .. 19: omega(t) = t - log(1 + t).
_OMEGA_SERIES = np.array([(-1.0) ** k / k for k in range(2, 20)])


def _log1p_ratio(d: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(b / a)`` given ``d = b - a`` (exact or accurately summed)."""
    with np.errstate(all="ignore"):
        t = d / a
        near = np.abs(t) < 0.5
        return np.where(near, np.log1p(np.where(near, t, 0.0)), np.log(b) - np.log(a))


def _a_phi(a, b, d, ell):
    """``a phi(d / a) = b log(b / a) - (b - a) >= 0``, accurate for ``b`` near ``a``."""
    with np.errstate(all="ignore"):
        t = d / a
        small = np.abs(t) < 0.1
        series = a * _poly_tail(np.where(small, t, 0.0), _PHI_SERIES)
        return np.where(small, series, b * ell - d)


def _omega(t, ell):
    """``omega(t) = t - log(1 + t) >= 0`` given ``ell = log(1 + t)``."""
    small = np.abs(t) < 0.1
    return np.where(small, _poly_tail(np.where(small, t, 0.0), _OMEGA_SERIES), t - ell)


# Stirling's series: log Gamma(x) = (x - 1/2) log x - x + log(2 pi) / 2 + r(x),
# r(x) ~ sum_k c_k x^(1 - 2k) with c_k = B_2k / (2k (2k - 1)) (Bernoulli numbers).
_BERNOULLI_2K = [
    Fraction(1, 6),
    Fraction(-1, 30),
    Fraction(1, 42),
    Fraction(-1, 30),
    Fraction(5, 66),
    Fraction(-691, 2730),
    Fraction(7, 6),
    Fraction(-3617, 510),
    Fraction(43867, 798),
    Fraction(-174611, 330),
]
_STIRLING = [
    (2 * k - 1, float(b / (2 * k * (2 * k - 1))))
    for k, b in enumerate(_BERNOULLI_2K, start=1)
]
#: Above this argument the remainder r(x) and its derivatives come from
#: Stirling's series (10 terms: relative error below 1e-19 there).
_STIRLING_FROM = 10.0
#: Terms of the Taylor series of the remainder's Bregman divergence.
_TAYLOR_TERMS = 32
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _remainder(x: np.ndarray) -> np.ndarray:
    """``r(x) = log Gamma(x) - (x - 1/2) log x + x``."""
    with np.errstate(all="ignore"):
        big = x >= _STIRLING_FROM
        xb = np.where(big, x, _STIRLING_FROM)
        series = np.full_like(xb, _HALF_LOG_2PI)
        for m, c in _STIRLING:
            series += c * xb ** (-m)
        xs = np.where(big, 1.0, x)
        direct = gammaln(xs) - (xs - 0.5) * np.log(xs) + xs
        return np.where(big, series, direct)


def _remainder_slope(x: np.ndarray) -> np.ndarray:
    """``r'(x) = psi(x) - log x + 1 / (2x)``."""
    with np.errstate(all="ignore"):
        big = x >= _STIRLING_FROM
        xb = np.where(big, x, _STIRLING_FROM)
        series = np.zeros_like(xb)
        for m, c in _STIRLING:
            series -= m * c * xb ** (-m - 1)
        xs = np.where(big, 1.0, x)
        direct = digamma(xs) - np.log(xs) + 0.5 / xs
        return np.where(big, series, direct)


def _remainder_bregman(a: np.ndarray, b: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``r(b) - r(a) - (b - a) r'(a) >= 0`` (r is convex), ``d = b - a``.

    For ``|d| <= a / 4`` by the Taylor series in ``d`` (no cancellation):
    from Stirling's series for ``a >= 10``, as
    ``sum_k c_k a^-m sum_j C(m + j - 1, j) (-t)^j`` with ``t = d / a``, and
    from polygamma functions below. Otherwise directly.
    """
    with np.errstate(all="ignore"):
        t = d / a
        near = np.abs(t) <= 0.25
        tn = np.where(near, t, 0.0)
        big = a >= _STIRLING_FROM
        ab = np.where(big, a, _STIRLING_FROM)
        large = np.zeros_like(tn)
        for m, c in _STIRLING:
            inner = np.zeros_like(tn)
            coef = float(m)  # C(m + j - 1, j) at j = 1
            power = -tn
            for j in range(2, _TAYLOR_TERMS + 1):
                coef *= (m + j - 1) / j
                power = power * -tn
                inner += coef * power
            large += c * ab ** (-m) * inner
        as_ = np.where(big, 1.0, a)
        ds = np.where(big, 0.0, np.where(near, d, 0.0))
        small = np.zeros_like(tn)
        fact = 1.0  # (j - 2)!
        for j in range(2, _TAYLOR_TERMS + 1):
            if j > 2:
                fact *= j - 2
            sign = (-1.0) ** j
            m_j = sign * (fact * as_ ** (1 - j) + 0.5 * fact * (j - 1) * as_ ** (-j))
            r_j = polygamma(j - 1, as_) - m_j
            small += r_j * ds**j / (fact * (j - 1) * j)  # / j!
        taylor = np.where(big, large, small)
        direct = _remainder(b) - _remainder(a) - d * _remainder_slope(a)
        return np.maximum(np.where(near, taylor, direct), 0.0)


def _finish(nats: np.ndarray, log_b: float) -> float | np.ndarray:
    """Clip rounding below 0, convert nats to units of ``log(base)``."""
    return result(np.maximum(nats, 0.0) / log_b)


# --- univariate Gaussian ------------------------------------------------------


def gaussian_kl(
    mu_p: ArrayLike,
    sigma_p: ArrayLike,
    mu_q: ArrayLike,
    sigma_q: ArrayLike,
    *,
    base: float = 2,
) -> float | np.ndarray:
    r"""KL divergence between two univariate normal distributions.

    .. math::

        D\big(\mathcal N(\mu_p, \sigma_p^2) \,\|\, \mathcal N(\mu_q, \sigma_q^2)\big)
        = \log\frac{\sigma_q}{\sigma_p}
          + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2 \sigma_q^2} - \frac12

    computed as :math:`\tfrac12 \big[h(2 \log(\sigma_p/\sigma_q)) +
    ((\mu_p - \mu_q)/\sigma_q)^2\big]` with :math:`h(\ell) = e^\ell - 1 - \ell`,
    two non-negative terms. With equal variances it is
    :math:`(\mu_p - \mu_q)^2 / (2\sigma^2)` nats.

    Parameters
    ----------
    mu_p, sigma_p : array_like
        Mean and standard deviation (not variance; ``> 0``) of ``p``.
    mu_q, sigma_q : array_like
        Mean and standard deviation (``> 0``) of ``q``. All four broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``, of the broadcast shape.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.gaussian_kl(0.0, 1.0, 0.0, 1.0)
    0.0
    >>> kt.gaussian_kl(1.0, 1.0, 0.0, 1.0, base=math.e)  # (1 - 0)^2 / 2
    0.5
    >>> kt.gaussian_kl(0.0, 1.0, 0.0, 2.0, base=math.e)  # log 2 + 1/8 - 1/2
    0.31814718056
    >>> kt.gaussian_kl([0.0, 2.0], 1.0, 0.0, 1.0)  # 2 / log 2 bits for the second
    array([0.        , 2.88539008])
    """
    log_b = log_base(base)
    mp, sp, mq, sq = broadcast(
        (as_finite(mu_p, "mu_p"), "mu_p"),
        (as_positive(sigma_p, "sigma_p"), "sigma_p"),
        (as_finite(mu_q, "mu_q"), "mu_q"),
        (as_positive(sigma_q, "sigma_q"), "sigma_q"),
    )
    with np.errstate(over="ignore"):
        z = (mp - mq) / sq
        nats = 0.5 * (_excess(2.0 * _log_ratio(sp, sq)) + z * z)
    return _finish(nats, log_b)


# --- multivariate Gaussian ----------------------------------------------------


def _cholesky(cov: ArrayLike, name: str) -> np.ndarray:
    """Lower Cholesky factor(s) of a (stack of) symmetric positive definite matrix."""
    c = as_finite(cov, name)
    if c.ndim < 2 or c.shape[-1] != c.shape[-2]:
        raise ValueError(
            f"{name} must be a square matrix (or a stack of them, shape "
            f"(..., d, d)), got shape {c.shape}"
        )
    scale = np.abs(c).max(axis=(-2, -1))
    asym = np.abs(c - np.swapaxes(c, -1, -2)).max(axis=(-2, -1))
    if (asym > SYMMETRY_TOLERANCE * scale).any():
        worst = float((asym / np.where(scale > 0, scale, 1.0)).max())
        raise ValueError(
            f"{name} is not symmetric (max |C - C.T| / max |C| = {worst:.3g}); "
            "a covariance must be symmetric positive definite"
        )
    try:
        return np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        flat = c.reshape(-1, *c.shape[-2:])
        for i, m in enumerate(flat):
            try:
                np.linalg.cholesky(m)
            except np.linalg.LinAlgError:
                where = "" if c.ndim == 2 else f" (matrix {i} of the stack)"
                smallest = np.linalg.eigvalsh(m)[0]
                raise ValueError(
                    f"{name} is not positive definite{where}: smallest eigenvalue "
                    f"{smallest:.6g}; a covariance must be symmetric positive "
                    "definite"
                ) from None
        raise  # pragma: no cover  (the loop finds the failing matrix)


def _solve_lower(lower: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve ``lower @ x = rhs`` by forward substitution, over leading axes."""
    if lower.ndim == 2:
        return solve_triangular(lower, rhs, lower=True, check_finite=False)
    out = np.empty(rhs.shape)
    for idx in np.ndindex(lower.shape[:-2]):
        out[idx] = solve_triangular(
            lower[idx], rhs[idx], lower=True, check_finite=False
        )
    return out


def mvn_kl(
    mean_p: ArrayLike,
    cov_p: ArrayLike,
    mean_q: ArrayLike,
    cov_q: ArrayLike,
    *,
    base: float = 2,
) -> float | np.ndarray:
    r"""KL divergence between two multivariate normal distributions.

    .. math::

        D\big(\mathcal N(\mu_p, \Sigma_p) \,\|\, \mathcal N(\mu_q, \Sigma_q)\big)
        = \tfrac12 \Big[\operatorname{tr}(\Sigma_q^{-1} \Sigma_p)
          + (\mu_q - \mu_p)^\top \Sigma_q^{-1} (\mu_q - \mu_p) - d
          + \log\frac{\det \Sigma_q}{\det \Sigma_p}\Big]

    No inverse or determinant is formed. With Cholesky factors
    :math:`\Sigma = L L^\top` and :math:`X = L_q^{-1} L_p`,
    :math:`y = L_q^{-1}(\mu_q - \mu_p)` (triangular solves), the divergence
    is :math:`\tfrac12 \big[\sum_{i > j} X_{ij}^2 + \sum_i h(2 \log X_{ii})
    + \lVert y \rVert^2\big]`, a sum of non-negative terms, with
    :math:`X_{ii} = (L_p)_{ii} / (L_q)_{ii}` and
    :math:`h(\ell) = e^\ell - 1 - \ell`. For diagonal covariances it is the
    sum of :func:`gaussian_kl` over the coordinates.

    Parameters
    ----------
    mean_p, mean_q : array_like, shape (..., d)
        Means.
    cov_p, cov_q : array_like, shape (..., d, d)
        Covariance matrices, symmetric (to a relative 1e-8) and positive
        definite. Leading (batch) axes of all four arguments broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``: a float for one pair, an
        array of the broadcast batch shape otherwise.

    Raises
    ------
    ValueError
        If a covariance is not square, not symmetric or not positive
        definite, or if the dimensions do not match.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.mvn_kl([0, 0], [[1, 0], [0, 1]], [0, 0], [[1, 0], [0, 1]])
    0.0
    >>> kt.mvn_kl([1, 0], [[1, 0], [0, 1]], [0, 0], [[1, 0], [0, 1]], base=math.e)
    0.5
    >>> kt.mvn_kl([0, 0], [[1, 0.5], [0.5, 1]], [0, 0], [[1, 0], [0, 1]],
    ...           base=math.e)  # -log det(cov_p) / 2 = -log(3/4) / 2
    0.1438410362
    """
    log_b = log_base(base)
    mp = as_finite(mean_p, "mean_p")
    mq = as_finite(mean_q, "mean_q")
    lp = _cholesky(cov_p, "cov_p")
    lq = _cholesky(cov_q, "cov_q")
    for m, name in ((mp, "mean_p"), (mq, "mean_q")):
        if m.ndim == 0:
            raise ValueError(f"{name} must be a vector (shape (..., d)), not a scalar")
    dims = {
        "mean_p": mp.shape[-1],
        "cov_p": lp.shape[-1],
        "mean_q": mq.shape[-1],
        "cov_q": lq.shape[-1],
    }
    if len(set(dims.values())) > 1:
        said = ", ".join(f"{n} {d}" for n, d in dims.items())
        raise ValueError(f"dimensions do not match: {said}")
    try:
        lead = np.broadcast_shapes(
            mp.shape[:-1], lp.shape[:-2], mq.shape[:-1], lq.shape[:-2]
        )
    except ValueError:
        said = " and ".join(
            f"{n} {a.shape}"
            for a, n in ((mp, "mean_p"), (lp, "cov_p"), (mq, "mean_q"), (lq, "cov_q"))
        )
        raise ValueError(f"batch shapes do not broadcast: {said}") from None
    d = dims["mean_p"]
    lp = np.broadcast_to(lp, (*lead, d, d))
    lq = np.broadcast_to(lq, (*lead, d, d))
    delta = np.broadcast_to(mq, (*lead, d)) - np.broadcast_to(mp, (*lead, d))
    rhs = np.concatenate([lp, delta[..., None]], axis=-1)  # one solve for both
    with np.errstate(over="ignore"):
        sol = _solve_lower(lq, rhs)
        x, y = sol[..., :d], sol[..., d]
        diag_p = np.diagonal(lp, axis1=-2, axis2=-1)
        diag_q = np.diagonal(lq, axis1=-2, axis2=-1)
        off = np.square(np.tril(x, -1)).sum(axis=(-2, -1))
        scale = _excess(2.0 * _log_ratio(diag_p, diag_q)).sum(axis=-1)
        nats = 0.5 * (off + scale + np.square(y).sum(axis=-1))
    return _finish(nats, log_b)


# --- diagonal Gaussian against the standard normal -----------------------------


def vae_kl(mu: ArrayLike, log_var: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""KL divergence of a diagonal Gaussian from the standard normal.

    .. math::

        D\big(\mathcal N(\mu, \operatorname{diag} e^{v}) \,\|\,
        \mathcal N(0, I)\big)
        = \tfrac12 \sum_j \left(\mu_j^2 + e^{v_j} - v_j - 1\right)

    with :math:`v = \log \sigma^2`, summed over the last axis: the KL term
    of a variational autoencoder's loss :cite:p:`kingma2014`.

    Parameters
    ----------
    mu : array_like, shape (..., d)
        Means of the approximate posterior.
    log_var : array_like, shape (..., d)
        Log variances (natural log), any real number.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats (what VAE code usually uses).

    Returns
    -------
    float or ndarray
        One divergence per leading index, in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.vae_kl([0.0, 0.0], [0.0, 0.0])
    0.0
    >>> kt.vae_kl([1.0], [0.0], base=math.e)  # mu^2 / 2
    0.5
    """
    nats = log_base(base)
    m = as_finite(mu, "mu")
    v = as_finite(log_var, "log_var")
    if m.ndim == 0 or v.ndim == 0:
        raise ValueError("mu and log_var need a last axis of latent dimensions")
    m, v = broadcast((m, "mu"), (v, "log_var"))
    with np.errstate(over="ignore"):
        terms = m * m + np.expm1(v) - v  # expm1(v) - v: exact near v = 0
    return result(np.maximum(0.5 * terms.sum(axis=-1), 0.0) / nats)


# --- discrete families --------------------------------------------------------


def bernoulli_kl(p: ArrayLike, q: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""KL divergence between two Bernoulli distributions.

    .. math::

        D\big(\mathrm{Bern}(p) \,\|\, \mathrm{Bern}(q)\big)
        = p \log\frac{p}{q} + (1 - p) \log\frac{1 - p}{1 - q}

    with :math:`0 \log 0 = 0`: it equals ``kl_divergence([p, 1 - p],
    [q, 1 - q])``. Infinite where :math:`q \in \{0, 1\}` and :math:`p \ne q`.

    Parameters
    ----------
    p, q : array_like
        Success probabilities in :math:`[0, 1]`; they broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.bernoulli_kl(1.0, 0.5)  # a sure thing against a fair coin
    1.0
    >>> kt.bernoulli_kl(0.5, [0.5, 0.0])
    array([ 0., inf])
    """
    log_b = log_base(base)
    pp, qq = broadcast((as_probability(p, "p"), "p"), (as_probability(q, "q"), "q"))
    nats = _rel_entr(pp, qq) + _rel_entr(1.0 - pp, 1.0 - qq)
    return _finish(nats, log_b)


def poisson_kl(
    rate_p: ArrayLike, rate_q: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""KL divergence between two Poisson distributions.

    .. math::

        D\big(\mathrm{Pois}(\lambda_p) \,\|\, \mathrm{Pois}(\lambda_q)\big)
        = \lambda_p \log\frac{\lambda_p}{\lambda_q} - \lambda_p + \lambda_q
        = \lambda_p \, h\big(\log(\lambda_q / \lambda_p)\big)

    with :math:`h(\ell) = e^\ell - 1 - \ell`: ``rate_p`` times
    :func:`exponential_kl` of the same rates.

    Parameters
    ----------
    rate_p, rate_q : array_like
        Rates (means), ``> 0``; they broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.poisson_kl(3.0, 3.0)
    0.0
    >>> kt.poisson_kl(2.0, 1.0, base=math.e)  # 2 log 2 - 1
    0.38629436112
    """
    log_b = log_base(base)
    lp, lq = broadcast(
        (as_positive(rate_p, "rate_p"), "rate_p"),
        (as_positive(rate_q, "rate_q"), "rate_q"),
    )
    nats = _rel_entr(lp, lq)
    return _finish(nats, log_b)


# --- gamma family -------------------------------------------------------------


def _gamma_nats(ap, bp, aq, bq):
    """D(Gamma(ap, rate bp) || Gamma(aq, rate bq)) in nats, as three terms >= 0.

    With ``t = (aq - ap) / ap``, ``L = log(aq / ap)`` and ``l = log(bq / bp)``,

    ``D = aq h(l - L) + omega(t) / 2 + [r(aq) - r(ap) - (aq - ap) r'(ap)]``

    where ``h(x) = e^x - 1 - x``, ``omega(t) = t - log(1 + t)`` and ``r`` is
    the remainder of Stirling's formula. The large terms of the textbook
    formula (``log Gamma``, ``psi`` times the shapes) cancel analytically, so
    the result keeps its relative accuracy for shapes up to 1e300 and for
    nearly equal parameters. ``l - L`` is the log ratio of the means.
    """
    with np.errstate(all="ignore"):
        d = aq - ap
        big_l = _log1p_ratio(d, ap, aq)
        ell = _log_ratio(bq, bp)
        t = d / ap
        return (
            _scaled_excess(aq, ell - big_l)
            + 0.5 * _omega(t, big_l)
            + _remainder_bregman(ap, aq, d)
        )


def gamma_kl(
    shape_p: ArrayLike,
    rate_p: ArrayLike,
    shape_q: ArrayLike,
    rate_q: ArrayLike,
    *,
    base: float = 2,
) -> float | np.ndarray:
    r"""KL divergence between two gamma distributions (shape-rate form).

    With density :math:`\beta^\alpha x^{\alpha - 1} e^{-\beta x} /
    \Gamma(\alpha)` (rate :math:`\beta`, not scale),

    .. math::

        D\big(\mathrm{Gamma}(\alpha_p, \beta_p) \,\|\,
              \mathrm{Gamma}(\alpha_q, \beta_q)\big)
        = (\alpha_p - \alpha_q) \psi(\alpha_p) - \log\Gamma(\alpha_p)
          + \log\Gamma(\alpha_q)
          + \alpha_q \log\frac{\beta_p}{\beta_q}
          + \alpha_p \frac{\beta_q - \beta_p}{\beta_p}

    where :math:`\psi` is the digamma function :cite:p:`penny2001`.

    Parameters
    ----------
    shape_p, rate_p : array_like
        Shape :math:`\alpha_p > 0` and rate :math:`\beta_p > 0` of ``p``.
    shape_q, rate_q : array_like
        Shape and rate of ``q``, ``> 0``. All four broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.gamma_kl(2.0, 1.0, 2.0, 1.0)
    0.0
    >>> kt.gamma_kl(1.0, 2.0, 1.0, 1.0, base=math.e)  # = exponential_kl(2, 1)
    0.19314718056
    >>> kt.gamma_kl(2.0, 1.0, 1.0, 1.0, base=math.e)  # psi(2) = 1 - Euler gamma
    0.4227843351
    """
    log_b = log_base(base)
    ap, bp, aq, bq = broadcast(
        (as_positive(shape_p, "shape_p"), "shape_p"),
        (as_positive(rate_p, "rate_p"), "rate_p"),
        (as_positive(shape_q, "shape_q"), "shape_q"),
        (as_positive(rate_q, "rate_q"), "rate_q"),
    )
    return _finish(_gamma_nats(ap, bp, aq, bq), log_b)


def exponential_kl(
    rate_p: ArrayLike, rate_q: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""KL divergence between two exponential distributions.

    .. math::

        D\big(\mathrm{Exp}(\lambda_p) \,\|\, \mathrm{Exp}(\lambda_q)\big)
        = \log\frac{\lambda_p}{\lambda_q} + \frac{\lambda_q}{\lambda_p} - 1

    the gamma divergence with both shapes 1 (:func:`gamma_kl`).

    Parameters
    ----------
    rate_p, rate_q : array_like
        Rates :math:`\lambda > 0` (the mean is :math:`1/\lambda`); they
        broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.exponential_kl(1.0, 1.0)
    0.0
    >>> kt.exponential_kl(2.0, 1.0, base=math.e)  # log 2 - 1/2
    0.19314718056
    """
    log_b = log_base(base)
    lp, lq = broadcast(
        (as_positive(rate_p, "rate_p"), "rate_p"),
        (as_positive(rate_q, "rate_q"), "rate_q"),
    )
    one = np.ones_like(lp)
    return _finish(_gamma_nats(one, lp, one, lq), log_b)


# --- Dirichlet and beta -------------------------------------------------------


def _dirichlet_nats(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """D(Dir(a) || Dir(b)) in nats over the last axis (validated, same shape).

    The textbook formula is ``sum_i G(a_i, b_i) - G(a_0, b_0)`` with the
    Bregman divergence ``G(a, b) = log Gamma(b) - log Gamma(a) - (b - a)
    psi(a)``. Splitting ``log Gamma`` into Stirling's main part and its
    remainder ``r`` turns it into three sums without large cancelling terms:

    * ``E = sum_i b_i h(L_0 - L_i)`` with ``L = log(b / a)``: ``b_0`` times
      the KL divergence between the mean vectors ``b / b_0`` and ``a / a_0``,
      from log ratios of the parameters (never from rounded means);
    * ``(sum_i omega(t_i) - omega(t_0)) / 2`` with ``t = (b - a) / a``;
    * ``sum_i R(a_i, b_i) - R(a_0, b_0)``, ``R`` the Bregman divergence of
      ``r``, of size ``1 / a``.

    ``b_0 - a_0`` enters as the compensated sum of the exact differences
    ``b_i - a_i``, so nearly equal parameters keep their relative accuracy.
    """
    with np.errstate(all="ignore"):
        d = b - a
        a0 = a.sum(axis=-1)
        d0 = accurate_sum(d)
        b0 = b.sum(axis=-1)  # not a0 + d0, which loses b0 when a0 is huge
        big_l = _log1p_ratio(d, a, b)
        big_l0 = _log1p_ratio(d0, a0, b0)
        e_part = _scaled_excess(b, big_l0[..., None] - big_l).sum(axis=-1)
        w_part = 0.5 * (_omega(d / a, big_l).sum(axis=-1) - _omega(d0 / a0, big_l0))
        r_part = _remainder_bregman(a, b, d).sum(axis=-1) - _remainder_bregman(
            a0, b0, d0
        )
        return e_part + w_part + r_part


def dirichlet_kl(
    alpha_p: ArrayLike, alpha_q: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""KL divergence between two Dirichlet distributions.

    .. math::

        D\big(\mathrm{Dir}(\alpha) \,\|\, \mathrm{Dir}(\beta)\big)
        = \log\Gamma(\alpha_0) - \log\Gamma(\beta_0)
          - \sum_i \big[\log\Gamma(\alpha_i) - \log\Gamma(\beta_i)\big]
          + \sum_i (\alpha_i - \beta_i)\big[\psi(\alpha_i) - \psi(\alpha_0)\big]

    with :math:`\alpha_0 = \sum_i \alpha_i`, :math:`\beta_0 = \sum_i \beta_i`
    and :math:`\psi` the digamma function :cite:p:`penny2001`. On two
    components it is :func:`beta_kl`.

    Parameters
    ----------
    alpha_p, alpha_q : array_like, shape (..., k)
        Concentrations (``> 0``) on the last axis, ``k >= 2`` of them; the
        last axes must have the same length, leading axes broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``, one per leading index.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.dirichlet_kl([1, 1, 1], [1, 1, 1])
    0.0
    >>> kt.dirichlet_kl([2, 1, 1], [1, 1, 1], base=math.e)  # log 3 - 5/6
    0.2652789553
    """
    log_b = log_base(base)
    a = as_positive(alpha_p, "alpha_p")
    b = as_positive(alpha_q, "alpha_q")
    for arr, name in ((a, "alpha_p"), (b, "alpha_q")):
        if arr.ndim == 0 or arr.shape[-1] < 2:
            raise ValueError(
                f"{name} needs at least 2 concentrations on its last axis, "
                f"got shape {arr.shape}"
            )
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"alpha_p has {a.shape[-1]} components and alpha_q {b.shape[-1]}; "
            "they must match"
        )
    a, b = broadcast((a, "alpha_p"), (b, "alpha_q"))
    return _finish(_dirichlet_nats(a, b), log_b)


def beta_kl(
    a_p: ArrayLike,
    b_p: ArrayLike,
    a_q: ArrayLike,
    b_q: ArrayLike,
    *,
    base: float = 2,
) -> float | np.ndarray:
    r"""KL divergence between two beta distributions.

    .. math::

        D\big(\mathrm{Beta}(a_p, b_p) \,\|\, \mathrm{Beta}(a_q, b_q)\big)
        = \log\frac{B(a_q, b_q)}{B(a_p, b_p)}
          + (a_p - a_q)\psi(a_p) + (b_p - b_q)\psi(b_p)
          + (a_q - a_p + b_q - b_p)\psi(a_p + b_p)

    the two-component case of :func:`dirichlet_kl`. ``Beta(1, 1)`` is the
    uniform distribution on [0, 1], so ``beta_kl(a, b, 1, 1)`` is minus the
    differential entropy of ``Beta(a, b)``.

    Parameters
    ----------
    a_p, b_p : array_like
        Shape parameters (``> 0``) of ``p``.
    a_q, b_q : array_like
        Shape parameters (``> 0``) of ``q``. All four broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.beta_kl(2.0, 3.0, 2.0, 3.0)
    0.0
    >>> kt.beta_kl(2.0, 1.0, 1.0, 1.0, base=math.e)  # log 2 - 1/2
    0.19314718056
    """
    log_b = log_base(base)
    ap, bp, aq, bq = broadcast(
        (as_positive(a_p, "a_p"), "a_p"),
        (as_positive(b_p, "b_p"), "b_p"),
        (as_positive(a_q, "a_q"), "a_q"),
        (as_positive(b_q, "b_q"), "b_q"),
    )
    nats = _dirichlet_nats(np.stack([ap, bp], axis=-1), np.stack([aq, bq], axis=-1))
    return _finish(nats, log_b)
