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
* **Fitting one Gaussian to a mixture** on a grid: the forward fit
  (minimising :math:`D(p \,\|\, q)`) is moment matching; the reverse fit
  (minimising :math:`D(q \,\|\, p)`) is found numerically. Divergences
  between densities are computed by quadrature on a uniform grid, through
  :func:`kltools.kl_divergence` on the grid masses.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from ._validation import as_finite, as_positive, broadcast, log_base, result
from .continuous import gaussian_kl
from .discrete import kl_divergence

__all__ = [
    "elbo",
    "expected_log_likelihood",
    "forward_kl_fit",
    "gaussian_posterior",
    "grid_kl",
    "log_evidence",
    "mixture_grid",
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


def _mixture(weights, means, sds):
    w = as_finite(weights, "weights")
    if (w < 0).any() or not math.isclose(w.sum(), 1.0, rel_tol=1e-9):
        raise ValueError(f"weights must be non-negative and sum to 1, got {weights!r}")
    mu = as_finite(means, "means")
    sd = as_positive(sds, "sds")
    if not (w.ndim == mu.ndim == sd.ndim == 1 and w.size == mu.size == sd.size):
        raise ValueError(
            "weights, means and sds must be 1-D of one length, got shapes "
            f"{w.shape}, {mu.shape}, {sd.shape}"
        )
    return w, mu, sd


def mixture_pdf(
    x: ArrayLike, weights: ArrayLike, means: ArrayLike, sds: ArrayLike
) -> np.ndarray:
    r"""Density of a Gaussian mixture :math:`\sum_k w_k N(x; \mu_k, \sigma_k^2)`.

    Examples
    --------
    >>> mixture_pdf([0.0], [0.5, 0.5], [-1.0, 1.0], [1.0, 1.0]).round(6)
    array([0.241971])
    """
    w, mu, sd = _mixture(weights, means, sds)
    x = as_finite(x, "x")
    z = (x[..., None] - mu) / sd
    return np.sum(w * np.exp(-0.5 * z**2) / (sd * math.sqrt(2 * math.pi)), axis=-1)


def mixture_grid(means: ArrayLike, sds: ArrayLike, n: int = 4001) -> np.ndarray:
    """A uniform grid covering every component to 10 standard deviations."""
    mu, sd = as_finite(means, "means"), as_positive(sds, "sds")
    return np.linspace(float(np.min(mu - 10 * sd)), float(np.max(mu + 10 * sd)), n)


def grid_kl(p: ArrayLike, q: ArrayLike, *, base: float = 2) -> float:
    r"""KL divergence of two densities given on the same uniform grid.

    The densities are turned into grid masses (rescaled to sum to 1) and
    passed to :func:`kltools.kl_divergence`: a Riemann sum of
    :math:`\int p \log(p/q)`, which for smooth, fast-decaying densities on a
    fine grid that covers their mass is accurate to near rounding.
    Bits by default.

    Examples
    --------
    >>> x = np.linspace(-12, 12, 2401)
    >>> p = mixture_pdf(x, [1.0], [0.0], [1.0])
    >>> q = mixture_pdf(x, [1.0], [1.0], [1.0])
    >>> round(grid_kl(p, q, base=math.e), 10)  # exact: 1/2 nat
    0.5
    """
    return kl_divergence(p, q, normalize=True, base=base)


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
    grid: ArrayLike | None = None,
    base: float = 2,
) -> tuple[float, float, float]:
    r"""The Gaussian :math:`q` minimising :math:`D(q \,\|\, p)` for a mixture :math:`p`.

    Minimises :func:`grid_kl` ``(q, p)`` over :math:`(m, \log s)` with
    Nelder-Mead from ``n_starts`` starting points: one at each component
    and the rest drawn with ``np.random.default_rng(seed)``. The best local
    minimum wins; ties (a symmetric mixture has two) go to the larger mean.

    Returns
    -------
    (float, float, float)
        Mean, standard deviation and the divergence reached, in units of
        ``log(base)`` (bits by default).

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
    x = mixture_grid(mu, sd) if grid is None else as_finite(grid, "grid")
    p = mixture_pdf(x, w, mu, sd)
    with np.errstate(divide="ignore"):
        log_p = np.log(p / p.sum())  # log grid masses of p, fixed

    def objective(theta):
        # grid_kl(q, p) with q's log masses in closed form: the same value,
        # several times faster than rebuilding q and validating it per call.
        z = (x - theta[0]) * math.exp(-theta[1])
        log_q = -0.5 * z * z
        log_q -= log_q.max()
        q = np.exp(log_q)
        total = q.sum()
        q /= total
        log_q -= math.log(total)
        with np.errstate(invalid="ignore"):
            terms = q * (log_q - log_p)
        return float(np.sum(terms[q > 0])) / nats

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
        key = (round(float(fit.fun), 9), -float(fit.x[0]))
        if best is None or key < best[0]:
            best = (key, fit)
    fit = best[1]
    return float(fit.x[0]), math.exp(float(fit.x[1])), max(0.0, float(fit.fun))
