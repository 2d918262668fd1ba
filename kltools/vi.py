r"""Variational inference in one dimension: the ELBO and the two KL fits.

Two small toolkits for the chapter on variational inference.

* **A conjugate Gaussian model**, where everything is exact: a prior
  :math:`x \sim N(0, s_0^2)` on an unknown mean and observations
  :math:`y_i \mid x \sim N(x, \sigma^2)`. For a Gaussian approximation
  :math:`q = N(m, s^2)` the evidence lower bound
  :math:`\mathrm{ELBO}(q) = E_q[\log p(D \mid x)] - D(q \,\|\, p)` has a closed
  form, and so do the posterior :math:`p^*` and the log evidence
  :math:`\log p(D)`, so the identity
  :math:`\log p(D) = \mathrm{ELBO}(q) + D(q \,\|\, p^*)` can be checked to
  rounding. Log probabilities are natural logarithms: **nats**.
* **Fitting one Gaussian to a mixture**: the forward fit (minimising
  :math:`D(p \,\|\, q)`) is moment matching; the reverse fit (minimising
  :math:`D(q \,\|\, p)`) is found numerically. Divergences between
  Gaussian mixtures are computed by :func:`mixture_kl`, a quadrature that
  follows the tails of the first argument in log space, so it never
  truncates the integral and never renormalises.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from ._validation import as_finite, as_positive, broadcast, log_base, result
from .continuous import gaussian_kl

__all__ = [
    "MeanField",
    "MonteCarloEstimate",
    "coin_log_joint",
    "elbo",
    "elbo_monte_carlo",
    "expected_log_joint",
    "expected_log_likelihood",
    "fit_gaussian",
    "forward_kl_fit",
    "gaussian_elbo",
    "gaussian_entropy",
    "gaussian_posterior",
    "log_evidence",
    "log_normaliser",
    "mean_field_gaussian",
    "mixture_kl",
    "mixture_pdf",
    "reverse_kl_fit",
]

_LOG_2PI = math.log(2 * math.pi)


# --- the conjugate Gaussian model ---------------------------------------------


def _data(y: ArrayLike) -> np.ndarray:
    arr = as_finite(y, "y")
    if arr.ndim != 1:
        raise ValueError(
            f"y must be a 1-D array of observations, got shape {arr.shape}"
        )
    return arr


def gaussian_posterior(
    y: ArrayLike, noise_sd: float, prior_sd: float
) -> tuple[float, float]:
    r"""Exact posterior of a Gaussian mean under a N(0, prior_sd²) prior.

    With :math:`n` observations :math:`y_i \sim N(x, \sigma^2)`,

    .. math:: \frac{1}{s_n^2} = \frac{1}{s_0^2} + \frac{n}{\sigma^2}, \qquad
              m_n = s_n^2 \, \frac{\sum_i y_i}{\sigma^2}.

    Parameters
    ----------
    y : array_like, shape (n,)
        The observations.
    noise_sd, prior_sd : float
        Standard deviations :math:`\sigma` of the noise and :math:`s_0` of
        the prior, both > 0.

    Returns
    -------
    (float, float)
        The posterior mean :math:`m_n` and standard deviation :math:`s_n`.

    Examples
    --------
    >>> gaussian_posterior([1.0, 3.0], noise_sd=1.0, prior_sd=1.0)
    (1.3333333333333333, 0.5773502691896257)
    """
    y = _data(y)
    sigma = float(as_positive(noise_sd, "noise_sd"))
    s0 = float(as_positive(prior_sd, "prior_sd"))
    precision = 1 / s0**2 + y.size / sigma**2
    var = 1 / precision
    return float(var * y.sum() / sigma**2), math.sqrt(var)


def log_evidence(y: ArrayLike, noise_sd: float, prior_sd: float) -> float:
    r"""Log marginal likelihood :math:`\log p(D)` of the conjugate model, in nats.

    Integrating the mean out, :math:`y \sim N(0, \sigma^2 I + s_0^2
    \mathbf{1}\mathbf{1}^\top)`, whose log density is evaluated exactly
    (matrix determinant lemma and Sherman-Morrison).

    Examples
    --------
    >>> round(log_evidence([0.0], noise_sd=1.0, prior_sd=1.0), 12)  # N(0; 0, 2)
    -1.265512123484
    """
    y = _data(y)
    sigma = float(as_positive(noise_sd, "noise_sd"))
    s0 = float(as_positive(prior_sd, "prior_sd"))
    n, total = y.size, y.sum()
    a, b = sigma**2, s0**2
    logdet = n * math.log(a) + math.log1p(n * b / a)
    quad = (np.sum(y**2) - b * total**2 / (a + n * b)) / a
    return float(-0.5 * (n * _LOG_2PI + logdet + quad))


def expected_log_likelihood(
    y: ArrayLike, noise_sd: float, m: ArrayLike, s: ArrayLike
) -> float | np.ndarray:
    r""":math:`E_{x \sim N(m, s^2)}[\log p(D \mid x)]`, in nats.

    .. math:: \sum_i \left[-\tfrac12 \log(2\pi\sigma^2)
              - \frac{(y_i - m)^2 + s^2}{2\sigma^2}\right]

    ``m`` and ``s`` broadcast against each other.

    Examples
    --------
    >>> round(expected_log_likelihood([0.0], 1.0, m=0.0, s=1.0), 12)
    -1.418938533205
    """
    y = _data(y)
    sigma = float(as_positive(noise_sd, "noise_sd"))
    m, s = broadcast((as_finite(m, "m"), "m"), (as_positive(s, "s"), "s"))
    sq = np.sum((y - m[..., None]) ** 2, axis=-1)
    out = -0.5 * y.size * (_LOG_2PI + 2 * math.log(sigma)) - (sq + y.size * s**2) / (
        2 * sigma**2
    )
    return result(out)


def elbo(
    y: ArrayLike, noise_sd: float, prior_sd: float, m: ArrayLike, s: ArrayLike
) -> float | np.ndarray:
    r"""Evidence lower bound of :math:`q = N(m, s^2)`, in nats.

    .. math:: \mathrm{ELBO}(q) = E_q[\log p(D \mid x)] - D(q \,\|\, p),
              \qquad p = N(0, s_0^2),

    and :math:`\log p(D) = \mathrm{ELBO}(q) + D(q \,\|\, p^*) \ge
    \mathrm{ELBO}(q)`, with equality exactly at the posterior.

    Examples
    --------
    >>> y = [0.5, 1.5]
    >>> mn, sn = gaussian_posterior(y, 1.0, 1.0)
    >>> math.isclose(elbo(y, 1.0, 1.0, mn, sn), log_evidence(y, 1.0, 1.0))
    True
    """
    s0 = float(as_positive(prior_sd, "prior_sd"))
    fit = expected_log_likelihood(y, noise_sd, m, s)
    return result(fit - gaussian_kl(m, s, 0.0, s0, base=math.e))


# --- one Gaussian fitted to a mixture -----------------------------------------

#: Half-width, in standard deviations, of the quadrature around each component.
_Z_MAX = 12.0
#: Coarsest and finest steps, in standard deviations, of :func:`mixture_kl`.
_STEP_START, _STEP_MIN = 2.0**-2, 2.0**-13
#: Convergence test of :func:`mixture_kl`: successive refinements agree to
#: ``_RTOL * |D| + _ATOL`` nats.
_RTOL, _ATOL = 1e-13, 1e-15
#: Fixed step of the reverse-fit objective (the returned divergence is
#: recomputed with :func:`mixture_kl`).
_FIT_STEP = 2.0**-4


def _mixture(weights, means, sds, name=""):
    prefix = f"{name}: " if name else ""
    w = as_finite(weights, f"{prefix}weights")
    if (w < 0).any() or not math.isclose(w.sum(), 1.0, rel_tol=1e-9):
        raise ValueError(
            f"{prefix}weights must be non-negative and sum to 1, got {weights!r}"
        )
    mu = as_finite(means, f"{prefix}means")
    sd = as_positive(sds, f"{prefix}sds")
    if not (w.ndim == mu.ndim == sd.ndim == 1 and w.size == mu.size == sd.size):
        raise ValueError(
            f"{prefix}weights, means and sds must be 1-D of one length, got shapes "
            f"{w.shape}, {mu.shape}, {sd.shape}"
        )
    return w, mu, sd


def _triple(mixture, name):
    """Validate a mixture given as one ``(weights, means, sds)`` triple."""
    if isinstance(mixture, (str, bytes)) or not hasattr(mixture, "__len__"):
        raise TypeError(
            f"{name} must be a (weights, means, sds) triple, got {mixture!r}"
        )
    if len(mixture) != 3:
        raise ValueError(
            f"{name} must be a (weights, means, sds) triple, got {len(mixture)} items"
        )
    return _mixture(*mixture, name=name)


def _log_pdf(x: np.ndarray, w, mu, sd) -> np.ndarray:
    """Log density of a validated mixture, without underflow in the tails."""
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf
        lead = np.log(w) - np.log(sd) - 0.5 * _LOG_2PI
    out = None
    for lead_k, mu_k, sd_k in zip(lead, mu, sd, strict=True):
        z = (x - mu_k) / sd_k
        term = lead_k - 0.5 * z * z
        out = term if out is None else np.logaddexp(out, term)
    return out


def mixture_pdf(
    x: ArrayLike, weights: ArrayLike, means: ArrayLike, sds: ArrayLike
) -> np.ndarray:
    r"""Density of a Gaussian mixture :math:`\sum_k w_k N(x; \mu_k, \sigma_k^2)`.

    Far in the tails the density underflows to 0; :func:`mixture_kl` works
    with log densities instead.

    Examples
    --------
    >>> mixture_pdf([0.0], [0.5, 0.5], [-1.0, 1.0], [1.0, 1.0]).round(6)
    array([0.241971])
    """
    w, mu, sd = _mixture(weights, means, sds)
    x = as_finite(x, "x")
    z = (x[..., None] - mu) / sd
    return np.sum(w * np.exp(-0.5 * z**2) / (sd * math.sqrt(2 * math.pi)), axis=-1)


def _nodes(step: float, offset: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``(j + offset) * step`` in [-_Z_MAX, _Z_MAX], weights step * phi(z)."""
    n = round(_Z_MAX / step)
    z = (np.arange(-n, n + (offset == 0)) + offset) * step
    return z, step * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _expected_log_ratio(a, b, step, offset=0.0) -> float:
    """Trapezoid sum of E_a[log a - log b] (nats), component by component."""
    w, mu, sd = a
    keep = w > 0
    z, weights = _nodes(step, offset)
    x = mu[keep, None] + sd[keep, None] * z  # shape (components, nodes)
    ratio = _log_pdf(x, *a) - _log_pdf(x, *b)
    return float(np.sum(w[keep] * (ratio @ weights)))


def mixture_kl(p, q, *, base: float = 2) -> float:
    r"""KL divergence :math:`D(p \,\|\, q)` between two Gaussian mixtures.

    Each mixture is a ``(weights, means, sds)`` triple, as taken by
    :func:`mixture_pdf`; one Gaussian is ``([1.0], [mean], [sd])``. The
    divergence is split over the components of the first argument,

    .. math:: D(p \,\|\, q) = \sum_k w_k \int \varphi(z)\,
              \log \frac{p(\mu_k + \sigma_k z)}{q(\mu_k + \sigma_k z)}\,
              \mathrm{d}z ,

    with :math:`\varphi` the standard normal density, and each integral is a
    trapezoid sum over :math:`|z| \le 12` (the rest of :math:`\varphi`'s
    mass is below :math:`10^{-32}`). Only the first argument weights the
    integrand, so this covers *its* support, whatever the widths of the two
    mixtures, and the log densities are computed in log space, so neither
    underflows in the other's tails. No renormalisation is involved. The
    step starts at 1/4 of a standard deviation and is halved until two
    successive sums agree to :math:`10^{-13}` relative (plus
    :math:`10^{-15}` nats); for analytic integrands like these the
    trapezoid error falls geometrically, so the last sum is far better than
    that. Measured accuracy: on 200 random pairs of Gaussians (standard
    deviations from 0.01 to 100, so one up to :math:`10^4` times wider than
    the other, either way round) the result matches
    :func:`kltools.gaussian_kl` to a relative error below
    :math:`4 \times 10^{-15}`, and on 25 random mixtures of one to three
    components it matches mpmath quadrature at 30 digits to
    :math:`10^{-15}`. Bits by default.

    Raises ``RuntimeError`` if the sums have not settled at a step of
    :math:`2^{-13}` standard deviations (not seen in practice).

    Examples
    --------
    >>> round(mixture_kl(([1.0], [0.0], [1.0]), ([1.0], [1.0], [1.0])), 12)
    0.721347520444
    >>> round(1 / (2 * math.log(2)), 12)  # the closed form, 1/2 nat in bits
    0.721347520444
    """
    nats = log_base(base)
    a, b = _triple(p, "p"), _triple(q, "q")
    step = _STEP_START
    total = _expected_log_ratio(a, b, step)
    while True:
        # halving the step keeps every node and adds the midpoints
        finer = 0.5 * (total + _expected_log_ratio(a, b, step, offset=0.5))
        step /= 2
        if abs(finer - total) <= _RTOL * abs(finer) + _ATOL:
            return max(0.0, finer) / nats
        if step < _STEP_MIN:
            raise RuntimeError(
                "mixture_kl: the quadrature did not settle at a step of "
                f"{step:.2g} standard deviations (last two sums {total!r} and "
                f"{finer!r} nats)"
            )
        total = finer


def forward_kl_fit(
    weights: ArrayLike, means: ArrayLike, sds: ArrayLike
) -> tuple[float, float]:
    r"""The Gaussian :math:`q` minimising :math:`D(p \,\|\, q)` for a mixture :math:`p`.

    Minimising the forward divergence over Gaussians matches moments:

    .. math:: m = \sum_k w_k \mu_k, \qquad
              s^2 = \sum_k w_k (\sigma_k^2 + \mu_k^2) - m^2 .

    Examples
    --------
    >>> forward_kl_fit([0.5, 0.5], [-2.0, 2.0], [1.0, 1.0])
    (0.0, 2.23606797749979)
    """
    w, mu, sd = _mixture(weights, means, sds)
    m = float(np.sum(w * mu))
    var = float(np.sum(w * (sd**2 + (mu - m) ** 2)))
    return m, math.sqrt(var)


def reverse_kl_fit(
    weights: ArrayLike,
    means: ArrayLike,
    sds: ArrayLike,
    *,
    n_starts: int = 6,
    seed: int = 0,
    base: float = 2,
) -> tuple[float, float, float]:
    r"""The Gaussian :math:`q` minimising :math:`D(q \,\|\, p)` for a mixture :math:`p`.

    Minimises :math:`D(q \,\|\, p)` over :math:`(m, \log s)` with
    Nelder-Mead from ``n_starts`` starting points: one at each component
    and the rest drawn with ``np.random.default_rng(seed)``. The objective
    is the quadrature of :func:`mixture_kl` at a fixed step of 1/16 of
    :math:`s`, which is fast; each local minimum is then scored by
    :func:`mixture_kl` itself, at full accuracy. The best one wins; ties to
    :math:`10^{-9}` nats (a symmetric mixture has two) go to the larger
    mean.

    Returns
    -------
    (float, float, float)
        Mean, standard deviation and the divergence reached,
        ``mixture_kl(([1.0], [m], [s]), (weights, means, sds), base=base)``:
        in units of ``log(base)``, bits by default.

    Examples
    --------
    >>> m, s, d = reverse_kl_fit([1.0], [1.5], [0.5])  # a Gaussian fits itself
    >>> round(m, 4), round(s, 4), round(d, 8)
    (1.5, 0.5, 0.0)
    """
    w, mu, sd = _mixture(weights, means, sds)
    if isinstance(n_starts, bool) or not isinstance(n_starts, int) or n_starts < 1:
        raise ValueError(f"n_starts must be a positive integer, got {n_starts!r}")
    nats = log_base(base)
    z, weights_z = _nodes(_FIT_STEP)
    log_phi = -0.5 * z * z - 0.5 * _LOG_2PI

    def objective(theta):
        # E_q[log q - log p] in nats, q = N(m, s^2), on nodes m + s z
        x = theta[0] + math.exp(theta[1]) * z
        return float(weights_z @ (log_phi - theta[1] - _log_pdf(x, w, mu, sd)))

    rng = np.random.default_rng(seed)
    spread = float(np.sqrt(np.sum(w * (sd**2 + mu**2)) - np.sum(w * mu) ** 2))
    starts = [(m0, math.log(s0)) for m0, s0 in zip(mu, sd, strict=True)]
    while len(starts) < n_starts:
        lo, hi = float(mu.min() - sd.max()), float(mu.max() + sd.max())
        starts.append((rng.uniform(lo, hi), math.log(spread * rng.uniform(0.3, 1.5))))
    best = None
    for start in starts[:n_starts]:
        fit = minimize(
            objective,
            np.array(start),
            method="Nelder-Mead",
            options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 4000},
        )
        m, s = float(fit.x[0]), math.exp(float(fit.x[1]))
        d = mixture_kl(([1.0], [m], [s]), (w, mu, sd), base=math.e)
        key = (round(d, 9), -m)
        if best is None or key < best[0]:
            best = (key, m, s, d)
    _, m, s, d = best
    return m, s, d / nats


# --- energy plus entropy, and a Monte Carlo ELBO --------------------------------


def gaussian_entropy(s: ArrayLike) -> float | np.ndarray:
    r"""Differential entropy of :math:`N(m, s^2)`, in nats.

    .. math:: H(q) = \tfrac12 \log(2 \pi e s^2),

    whatever the mean; negative when :math:`s < 1 / \sqrt{2 \pi e}`.

    Examples
    --------
    >>> round(gaussian_entropy(1.0), 12)  # (1 + log 2 pi) / 2
    1.418938533205
    """
    s = as_positive(s, "s")
    return result(0.5 * (1.0 + _LOG_2PI) + np.log(s))


def expected_log_joint(
    y: ArrayLike, noise_sd: float, prior_sd: float, m: ArrayLike, s: ArrayLike
) -> float | np.ndarray:
    r"""The energy term :math:`E_{x \sim N(m, s^2)}[\log p(x, D)]`, in nats.

    For the conjugate model, :math:`\log p(x, D) = \log p(x) + \log p(D
    \mid x)` with :math:`p(x) = N(0, s_0^2)`, so

    .. math:: E_q[\log p(x, D)] = E_q[\log p(D \mid x)]
              - \tfrac12 \log(2 \pi s_0^2) - \frac{m^2 + s^2}{2 s_0^2},

    and :math:`\mathrm{ELBO}(q) = E_q[\log p(x, D)] + H(q)`
    (:func:`gaussian_entropy`).

    Examples
    --------
    >>> y, m, s = [0.5, 1.5], 0.3, 0.8
    >>> total = expected_log_joint(y, 1.0, 2.0, m, s) + gaussian_entropy(s)
    >>> math.isclose(total, elbo(y, 1.0, 2.0, m, s))
    True
    """
    s0 = float(as_positive(prior_sd, "prior_sd"))
    fit = expected_log_likelihood(y, noise_sd, m, s)
    m, s = broadcast((as_finite(m, "m"), "m"), (as_positive(s, "s"), "s"))
    prior = -0.5 * (_LOG_2PI + 2 * math.log(s0)) - (m**2 + s**2) / (2 * s0**2)
    return result(fit + prior)


class MonteCarloEstimate(NamedTuple):
    """A Monte Carlo average and its standard error, in the quantity's units."""

    estimate: float
    """The sample mean."""
    std_error: float
    """Sample standard deviation over the square root of the number of draws."""


def _seed_or_generator(rng: object, name: str) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"{name} must be a numpy Generator or an integer seed")
    return np.random.default_rng(int(rng))


def _count(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def elbo_monte_carlo(
    y: ArrayLike,
    noise_sd: float,
    prior_sd: float,
    m: float,
    s: float,
    *,
    n_samples: int = 1000,
    rng: np.random.Generator | int = 0,
) -> MonteCarloEstimate:
    r"""Reparameterised Monte Carlo estimate of the ELBO of :math:`N(m, s^2)`, nats.

    Draw :math:`\varepsilon_j \sim N(0, 1)`, set :math:`x_j = m + s
    \varepsilon_j` (the reparameterisation: the draw is a differentiable
    function of :math:`(m, s)`), and average

    .. math:: \ell_j = \log p(x_j, D) - \log q(x_j),
              \qquad \widehat{\mathrm{ELBO}} = \frac1J \sum_{j=1}^J \ell_j ,

    an unbiased estimate of :func:`elbo`, with standard error
    :math:`\mathrm{sd}(\ell) / \sqrt J` (sample standard deviation,
    ``ddof=1``). At the exact posterior every :math:`\ell_j` equals
    :math:`\log p(D)` and the error is zero.

    Parameters
    ----------
    y, noise_sd, prior_sd
        The conjugate model, as in :func:`elbo`.
    m : float
        Mean of :math:`q`.
    s : float
        Standard deviation of :math:`q`, > 0.
    n_samples : int, optional
        Number of draws :math:`J`, >= 2 (default 1000).
    rng : numpy Generator or int, optional
        Source of the draws, or a seed for one (default 0).

    Returns
    -------
    MonteCarloEstimate
        ``estimate`` and ``std_error``, in nats.

    Examples
    --------
    >>> y = [0.5, 1.5]
    >>> mn, sn = gaussian_posterior(y, 1.0, 1.0)
    >>> est = elbo_monte_carlo(y, 1.0, 1.0, mn, sn, n_samples=10)
    >>> math.isclose(est.estimate, log_evidence(y, 1.0, 1.0)), est.std_error < 1e-12
    (True, True)
    """
    y = _data(y)
    sigma = float(as_positive(noise_sd, "noise_sd"))
    s0 = float(as_positive(prior_sd, "prior_sd"))
    m = float(as_finite(m, "m"))
    s = float(as_positive(s, "s"))
    n_samples = _count(n_samples, "n_samples", 2)
    gen = _seed_or_generator(rng, "rng")
    eps = gen.standard_normal(n_samples)
    x = m + s * eps
    log_lik = -0.5 * y.size * (_LOG_2PI + 2 * math.log(sigma)) - np.sum(
        (y - x[:, None]) ** 2, axis=1
    ) / (2 * sigma**2)
    log_prior = -0.5 * (_LOG_2PI + 2 * math.log(s0)) - x**2 / (2 * s0**2)
    log_q = -0.5 * (_LOG_2PI + eps**2) - math.log(s)
    terms = log_lik + log_prior - log_q
    return MonteCarloEstimate(
        float(terms.mean()), float(terms.std(ddof=1) / math.sqrt(n_samples))
    )


# --- mean-field VI on a correlated Gaussian ------------------------------------


class MeanField(NamedTuple):
    """Result of :func:`mean_field_gaussian`; divergences in nats."""

    means: np.ndarray
    """Means of the factors, shape (d,)."""
    variances: np.ndarray
    """Variances of the factors, shape (d,): :math:`1 / \\Lambda_{ii}`."""
    kl: float
    """:math:`D(q \\| p)` at the end, in nats."""
    kl_history: np.ndarray
    """:math:`D(q \\| p)` after each single-coordinate update, in nats."""
    path: np.ndarray
    """The means after each update, shape (updates + 1, d), the start first."""


def mean_field_gaussian(
    mean: ArrayLike,
    cov: ArrayLike,
    *,
    start: ArrayLike | None = None,
    max_sweeps: int = 10_000,
    tol: float = 1e-12,
) -> MeanField:
    r"""Mean-field variational inference for a Gaussian target, by coordinate ascent.

    The target is :math:`p = N(\mu, \Sigma)` with precision :math:`\Lambda =
    \Sigma^{-1}`, and the family is the factorised Gaussians
    :math:`q(z) = \prod_i q_i(z_i)`. Coordinate ascent on the ELBO (CAVI)
    sets one factor at a time to :math:`q_i \propto \exp E_{q_{-i}}[\log p]`,
    which here is Gaussian :cite:p:`bishop2006` (§10.1.2):

    .. math:: q_i = N\Big(m_i,\ \Lambda_{ii}^{-1}\Big), \qquad
              m_i = \mu_i - \Lambda_{ii}^{-1} \sum_{k \ne i}
              \Lambda_{ik} (m_k - \mu_k).

    The variances are fixed by the first sweep; the means converge to
    :math:`\mu`, and each update lowers :math:`D(q \,\|\, p)` (nats). At
    the optimum :math:`D(q \,\|\, p) = \tfrac12 \log\big(\det \Sigma
    \prod_i \Lambda_{ii}\big)`, and since :math:`\Lambda_{ii}^{-1} \le
    \Sigma_{ii}` the factors are never wider than the true marginals.

    Parameters
    ----------
    mean : array_like, shape (d,)
        :math:`\mu`.
    cov : array_like, shape (d, d)
        :math:`\Sigma`, symmetric positive definite.
    start : array_like, shape (d,), optional
        Initial means of the factors (default: zeros).
    max_sweeps : int, optional
        Most passes over the coordinates (default 10 000).
    tol : float, optional
        Stop when a sweep moves no mean by more than ``tol`` (default
        :math:`10^{-12}`).

    Returns
    -------
    MeanField
        ``means``, ``variances``, ``kl``, ``kl_history`` and ``path``.

    Examples
    --------
    Unit variances and correlation 0.8: each factor has variance
    :math:`1 - 0.8^2 = 0.36`.

    >>> fit = mean_field_gaussian([1.0, -1.0], [[1.0, 0.8], [0.8, 1.0]])
    >>> fit.variances.round(12), fit.means.round(9)
    (array([0.36, 0.36]), array([ 1., -1.]))
    >>> round(fit.kl, 12) == round(-0.5 * math.log(1 - 0.8**2), 12)
    True
    """
    mu = as_finite(mean, "mean")
    if mu.ndim != 1:
        raise ValueError(f"mean must be a 1-D array, got shape {mu.shape}")
    d = mu.size
    sigma = as_finite(cov, "cov")
    if sigma.shape != (d, d):
        raise ValueError(f"cov must have shape ({d}, {d}), got {sigma.shape}")
    if not np.allclose(sigma, sigma.T, rtol=1e-12, atol=0.0):
        raise ValueError("cov must be symmetric")
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        raise ValueError("cov must be positive definite") from None
    eye = np.eye(d)
    lam = np.linalg.solve(chol.T, np.linalg.solve(chol, eye))
    lam = 0.5 * (lam + lam.T)
    m = np.zeros(d) if start is None else as_finite(start, "start").astype(float)
    if m.shape != (d,):
        raise ValueError(f"start must have shape ({d},), got {m.shape}")
    m = m.copy()
    max_sweeps = _count(max_sweeps, "max_sweeps")
    tol = float(as_positive(tol, "tol"))
    var = 1.0 / np.diag(lam)
    # D(q || p) = 1/2 [tr(Lam S) - d + (m - mu)' Lam (m - mu) + log det Sigma
    # - sum log var], and tr(Lam S) = d once var = 1 / diag(Lam)
    const = 2.0 * float(np.log(np.diag(chol)).sum()) + float(np.log(np.diag(lam)).sum())

    def kl_now() -> float:
        r = m - mu
        return max(0.0, 0.5 * (float(r @ lam @ r) + const))

    history, path = [], [m.copy()]
    for _ in range(max_sweeps):
        moved = 0.0
        for i in range(d):
            new = mu[i] - var[i] * (lam[i] @ (m - mu) - lam[i, i] * (m[i] - mu[i]))
            moved = max(moved, abs(new - m[i]))
            m[i] = new
            history.append(kl_now())
            path.append(m.copy())
        if moved <= tol:
            break
    return MeanField(m, var, history[-1], np.array(history), np.array(path))


# --- a Gaussian q for a posterior outside the family ---------------------------


def coin_log_joint(
    x: ArrayLike, heads: int, tosses: int, prior_sd: float
) -> float | np.ndarray:
    r"""Log joint :math:`\log p(x, D)` of a coin's log-odds, in nats.

    The coin lands heads with probability :math:`\sigma(x) = 1 / (1 +
    e^{-x})`; the prior is :math:`x \sim N(0, s_0^2)` and the data are
    ``heads`` heads in ``tosses`` tosses (in a fixed order), so

    .. math:: \log p(x, D) = k \log \sigma(x) + (n - k) \log \sigma(-x)
              - \tfrac12 \log(2 \pi s_0^2) - \frac{x^2}{2 s_0^2}.

    The posterior is not Gaussian (it is skewed unless :math:`k = n / 2`).

    Examples
    --------
    >>> round(coin_log_joint(0.0, 1, 2, 1.0), 12)  # 2 log(1/2) + log N(0; 0, 1)
    -2.305232894325
    """
    x = as_finite(x, "x")
    heads = _count(heads, "heads", 0)
    tosses = _count(tosses, "tosses", 0)
    if heads > tosses:
        raise ValueError(f"heads must be at most tosses={tosses}, got {heads}")
    s0 = float(as_positive(prior_sd, "prior_sd"))
    # log sigma(x) = -log(1 + e^-x) = -logaddexp(0, -x), stable both ways
    out = (
        -heads * np.logaddexp(0.0, -x)
        - (tosses - heads) * np.logaddexp(0.0, x)
        - 0.5 * (_LOG_2PI + 2 * math.log(s0))
        - x**2 / (2 * s0**2)
    )
    return result(out)


def _log_joint_callable(log_joint: object) -> Callable[[np.ndarray], np.ndarray]:
    if not callable(log_joint):
        raise TypeError(
            f"log_joint must be a callable taking an array of x, got {log_joint!r}"
        )
    return log_joint


@functools.lru_cache(maxsize=8)
def _hermite_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes and weights for the weight e^{-z^2/2} (cached)."""
    z, w = np.polynomial.hermite_e.hermegauss(n)
    z.flags.writeable = w.flags.writeable = False
    return z, w


def gaussian_elbo(
    log_joint: Callable[[np.ndarray], np.ndarray],
    m: float,
    s: float,
    *,
    n_nodes: int = 64,
) -> float:
    r"""ELBO of :math:`q = N(m, s^2)` for a one-dimensional log joint, in nats.

    .. math:: \mathrm{ELBO}(q) = E_q[\log \tilde p(x)] + H(q),

    the energy term by Gauss-Hermite quadrature on ``n_nodes`` nodes (exact
    for polynomials of degree below ``2 n_nodes``, and very accurate for
    smooth log joints), the entropy :math:`\tfrac12 \log(2 \pi e s^2)`
    exactly.

    Parameters
    ----------
    log_joint : callable
        Takes an ndarray of points :math:`x` and returns :math:`\log \tilde
        p(x) = \log p(x, D)` at each, in nats (vectorised).
    m, s : float
        Mean and standard deviation (> 0) of :math:`q`.
    n_nodes : int, optional
        Quadrature nodes (default 64).

    Examples
    --------
    For the conjugate model the energy term is a quadratic, so the
    quadrature is exact:

    >>> from scipy.stats import norm
    >>> y = np.array([0.5, 1.5])
    >>> def lj(x):  # log N(x; 0, 2^2) + sum_i log N(y_i; x, 1)
    ...     return norm.logpdf(x, 0, 2) + norm.logpdf(y, x[:, None], 1).sum(1)
    >>> math.isclose(gaussian_elbo(lj, 0.3, 0.8), elbo(y, 1.0, 2.0, 0.3, 0.8))
    True
    """
    f = _log_joint_callable(log_joint)
    m = float(as_finite(m, "m"))
    s = float(as_positive(s, "s"))
    n_nodes = _count(n_nodes, "n_nodes")
    z, w = _hermite_nodes(n_nodes)
    energy = float(np.asarray(f(m + s * z), dtype=float) @ w) / math.sqrt(2 * math.pi)
    return energy + float(gaussian_entropy(s))


def fit_gaussian(
    log_joint: Callable[[np.ndarray], np.ndarray],
    *,
    start: tuple[float, float] = (0.0, 1.0),
    n_nodes: int = 64,
) -> tuple[float, float, float]:
    r"""The Gaussian :math:`q = N(m, s^2)` of largest ELBO for a 1-D log joint.

    Maximises :func:`gaussian_elbo` over :math:`(m, \log s)` with BFGS from
    ``start = (m, s)``. When the posterior is not Gaussian the maximum is
    below the log evidence, by :math:`D(q \,\|\, p^*) > 0` at the optimum.

    Returns
    -------
    (float, float, float)
        :math:`m`, :math:`s` and the ELBO reached, in nats.

    Examples
    --------
    A Gaussian log joint is fitted exactly (here :math:`N(1, 0.5^2)`, times
    :math:`e^{-2}`):

    >>> lj = lambda x: -2.0 - 0.5 * ((x - 1.0) / 0.5) ** 2
    >>> m, s, e = fit_gaussian(lj)
    >>> log_z = -2.0 + math.log(0.5 * math.sqrt(2 * math.pi))  # exact
    >>> round(m, 6), round(s, 6), round(e - log_z, 9)
    (1.0, 0.5, 0.0)
    """
    _log_joint_callable(log_joint)
    if len(start) != 2:
        raise ValueError(f"start must be a pair (m, s), got {start!r}")
    m0 = float(as_finite(start[0], "start[0]"))
    s0 = float(as_positive(start[1], "start[1]"))

    def objective(theta):
        return -gaussian_elbo(log_joint, theta[0], math.exp(theta[1]), n_nodes=n_nodes)

    fit = minimize(
        objective, np.array([m0, math.log(s0)]), method="BFGS", options={"gtol": 1e-10}
    )
    m, s = float(fit.x[0]), math.exp(float(fit.x[1]))
    return m, s, gaussian_elbo(log_joint, m, s, n_nodes=n_nodes)


def log_normaliser(
    log_joint: Callable[[np.ndarray], np.ndarray], lo: float, hi: float
) -> float:
    r""":math:`\log \int_{lo}^{hi} \tilde p(x)\, dx` by the trapezoid rule, in nats.

    With :math:`\tilde p(x) = p(x, D)` this is the log evidence
    :math:`\log p(D)`, provided :math:`[lo, hi]` holds all but a negligible
    part of the mass (the integrand should be negligible at both ends). The
    sum is taken in log space (log-sum-exp), so nothing underflows, starting
    from 1024 intervals and halving the step until two successive values
    agree to :math:`10^{-12}` nats; for a smooth integrand that vanishes at
    the ends the trapezoid error falls geometrically. ``RuntimeError`` if
    they have not agreed at :math:`2^{20}` intervals.

    Examples
    --------
    >>> from scipy.stats import norm
    >>> y = np.array([0.5, 1.5])
    >>> def lj(x):  # log N(x; 0, 2^2) + sum_i log N(y_i; x, 1)
    ...     return norm.logpdf(x, 0, 2) + norm.logpdf(y, x[:, None], 1).sum(1)
    >>> math.isclose(log_normaliser(lj, -20, 20), log_evidence(y, 1.0, 2.0))
    True
    """
    f = _log_joint_callable(log_joint)
    lo = float(as_finite(lo, "lo"))
    hi = float(as_finite(hi, "hi"))
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo={lo!r}, hi={hi!r}")

    def log_trapezoid(n: int) -> float:
        x = np.linspace(lo, hi, n + 1)
        v = np.asarray(f(x), dtype=float)
        v[[0, -1]] -= math.log(2.0)
        top = float(v.max())
        return top + math.log(float(np.exp(v - top).sum()) * (hi - lo) / n)

    n = 1024
    last = log_trapezoid(n)
    while n < 2**20:
        n *= 2
        new = log_trapezoid(n)
        if abs(new - last) <= 1e-12:
            return new
        last = new
    raise RuntimeError(
        f"log_normaliser: the trapezoid sums did not settle at {n} intervals"
    )
