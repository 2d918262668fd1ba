"""Approximation and compression: what a coarser description loses, in bits.

Three ways to replace a distribution ``p`` by a simpler one, and the
numbers that say how much was lost:

* **binning** a density on ``[0, 1]`` into ``k`` equal bins and spreading
  each bin's probability uniformly over the bin (:func:`beta_bin_probabilities`,
  :func:`binning_loss`, :func:`beta_entropy`), with the Fisher information
  that sets how fast the loss falls for fine bins
  (:func:`beta_fisher_information`), and a density with a jump, whose
  loss falls only like ``1/k`` (:func:`step_binning_loss`); the same for a discrete
  distribution whose outcomes are merged into groups (:func:`spread_within_groups`);
* **coarse-graining** a pair of distributions by a map ``T`` of the outcomes,
  and what it loses of their divergence, ``D(p || q) - D(Tp || Tq) >= 0``
  (:func:`coarse_grain`, :func:`data_processing_loss`);
* **moment matching** in an exponential family, the member ``q`` that
  minimises ``D(p || q)`` (:func:`fit_exponential_family`);
* **scalar quantisation** of a Gaussian source: the rate and the
  squared-error distortion of a uniform quantiser
  (:func:`gaussian_uniform_quantizer`), against Shannon's rate-distortion
  function ``R(D)`` of the source (:func:`gaussian_rate_distortion`).

Every amount of information takes a keyword-only ``base``, default 2 (bits).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betainc, betaln, digamma, ndtr

from ._validation import as_finite, as_positive, checked_distributions, log_base
from .discrete import entropy

__all__ = [
    "beta_bin_probabilities",
    "beta_entropy",
    "beta_fisher_information",
    "binning_loss",
    "coarse_grain",
    "data_processing_loss",
    "fit_exponential_family",
    "gaussian_rate_distortion",
    "gaussian_uniform_quantizer",
    "spread_within_groups",
    "step_binning_loss",
]

_SQRT_2PI = math.sqrt(2 * math.pi)


def _bins(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a whole number of bins >= 1, got {k!r}")
    return int(k)


def beta_bin_probabilities(a: float, b: float, k: int) -> np.ndarray:
    """Probabilities of ``k`` equal bins of ``[0, 1]`` under Beta(a, b).

    ``P_i = F(i/k) - F((i-1)/k)`` with ``F`` the regularised incomplete beta
    function, the Beta cumulative distribution.

    Parameters
    ----------
    a, b : float
        Shape parameters, > 0.
    k : int
        Number of bins, >= 1.

    Returns
    -------
    ndarray of shape (k,)
        The bin probabilities, summing to 1.

    Examples
    --------
    >>> beta_bin_probabilities(1, 1, 4).tolist()
    [0.25, 0.25, 0.25, 0.25]
    >>> beta_bin_probabilities(2, 1, 2).tolist()  # F(x) = x^2
    [0.25, 0.75]
    """
    a_, b_ = float(as_positive(a, "a")), float(as_positive(b, "b"))
    cdf = betainc(a_, b_, np.linspace(0.0, 1.0, _bins(k) + 1))
    cdf[0], cdf[-1] = 0.0, 1.0
    return np.diff(cdf)


def beta_entropy(a: float, b: float, *, base: float = 2) -> float:
    """Differential entropy of Beta(a, b), in units of ``log(base)``.

    ``h = ln B(a, b) - (a-1) psi(a) - (b-1) psi(b) + (a+b-2) psi(a+b)`` nats,
    with ``B`` the beta function and ``psi`` the digamma function. It is 0 for
    the uniform Beta(1, 1) and negative for any other Beta.

    Examples
    --------
    >>> beta_entropy(1, 1)
    0.0
    >>> round(beta_entropy(0.5, 0.5, base=math.e), 6)  # ln(pi / 4)
    -0.241564
    """
    a_, b_ = float(as_positive(a, "a")), float(as_positive(b, "b"))
    nats = (
        betaln(a_, b_)
        - (a_ - 1) * digamma(a_)
        - (b_ - 1) * digamma(b_)
        + (a_ + b_ - 2) * digamma(a_ + b_)
    )
    return float(nats) / log_base(base)


def beta_fisher_information(a: float, b: float) -> float:
    r"""Fisher information of Beta(a, b) for location, ``J = ∫ p'(x)^2 / p(x) dx``.

    :math:`J(p) = \int_0^1 p'(x)^2 / p(x)\,dx`, the Fisher information of the
    location family :math:`p(x - \theta)` at :math:`\theta = 0`, in units of
    one over the square of the unit of ``x``. It sets how fast the binning
    loss falls: for a smooth density with finite ``J``, ``k`` equal bins of
    width ``Delta = 1/k`` lose ``D(p || q_k) ≈ Delta^2 J / 24`` nats.
    With :math:`p'/p = (a-1)/x - (b-1)/(1-x)` and the Beta moments
    :math:`E[x^{-2}] = \frac{(a+b-1)(a+b-2)}{(a-1)(a-2)}`,
    :math:`E[1/(x(1-x))] = \frac{(a+b-1)(a+b-2)}{(a-1)(b-1)}` and its mirror
    image,

    .. math::

        J = \frac{(a+b-1)(a+b-2)(a+b-4)}{(a-2)(b-2)} \quad (a, b > 2),
        \qquad J = \frac{b (b-1)^2}{b-2} \quad (a = 1 < 2 < b),

    and ``J = 0`` for the uniform Beta(1, 1). ``J`` is infinite unless each
    of ``a`` and ``b`` is 1 or above 2: for ``1 < a <= 2`` the density
    leaves 0 too steeply (:math:`p'^2/p \sim x^{a-3}` near 0), and for
    ``a < 1`` it is unbounded there.

    Parameters
    ----------
    a, b : float
        Shape parameters, > 0.

    Returns
    -------
    float
        ``J``, or ``inf``.

    Examples
    --------
    >>> beta_fisher_information(8, 8)  # 15 * 14 * 12 / (6 * 6)
    70.0
    >>> beta_fisher_information(1, 3)  # p = 3 (1 - x)^2: p'^2 / p = 12
    12.0
    >>> beta_fisher_information(1, 1), beta_fisher_information(2, 5)
    (0.0, inf)
    """
    a_, b_ = float(as_positive(a, "a")), float(as_positive(b, "b"))
    if not ((a_ == 1 or a_ > 2) and (b_ == 1 or b_ > 2)):
        return math.inf
    if a_ == 1 and b_ == 1:
        return 0.0
    if a_ == 1 or b_ == 1:  # one flat end: only the other end's terms remain
        c = a_ if b_ == 1 else b_
        return c * (c - 1) ** 2 / (c - 2)
    s = a_ + b_
    return (s - 1) * (s - 2) * (s - 4) / ((a_ - 2) * (b_ - 2))


def binning_loss(
    probs: ArrayLike, widths: ArrayLike, differential_entropy: float, *, base: float = 2
) -> float:
    """``D(p || q)`` where ``q`` spreads each bin's probability over its bin.

    For a density ``p`` cut into bins of probability ``P_i`` and width
    ``w_i`` (covering its support), ``q(x) = P_i / w_i`` on bin ``i``, and

    .. math:: D(p \\| q) = -h(p) - \\sum_i P_i \\log \\frac{P_i}{w_i}
              = H(P) + \\sum_i P_i \\log w_i - h(p),

    what a model rebuilt from the bin probabilities alone misses of ``p``
    (the extra code length, per value, of coding data from ``p`` with ``q``;
    not the number of bits of data discarded, which for a density is
    infinite). With ``k`` equal bins of ``[0, 1]`` it is
    ``H(P) - log k - h(p)``.

    Parameters
    ----------
    probs : array_like, shape (k,)
        Bin probabilities, summing to 1.
    widths : array_like, shape (k,) or scalar
        Bin widths, > 0.
    differential_entropy : float
        ``h(p)`` in the same unit as ``base``.
    base : float, optional
        Logarithm base of the result and of ``differential_entropy``.

    Returns
    -------
    float
        The divergence, clipped at 0 (rounding).

    Examples
    --------
    >>> binning_loss([0.5, 0.5], 0.5, 0.0)  # uniform on [0, 1]: nothing lost
    0.0
    >>> P = beta_bin_probabilities(2, 1, 1)
    >>> round(binning_loss(P, 1.0, beta_entropy(2, 1)), 6)  # -h of Beta(2, 1)
    0.278652
    """
    (P,), _ = checked_distributions([probs], ["probs"], -1)
    P = P[0]
    w = np.broadcast_to(as_positive(widths, "widths"), P.shape)
    h = float(as_finite(differential_entropy, "differential_entropy"))
    lb = log_base(base)
    mean_log_w = float(np.sum(P * np.log(w))) / lb
    return max(entropy(P, base=base) + mean_log_w - h, 0.0)


def step_binning_loss(
    jump: float, mass_below: float, k: int, *, base: float = 2
) -> float:
    r"""Binning loss of a density with one jump: ``D(p || q_k)`` in closed form.

    The density is flat on each side of ``s = jump``: :math:`p = c_1 = m/s`
    on :math:`[0, s)` and :math:`c_2 = (1 - m)/(1 - s)` on :math:`[s, 1]`,
    with ``m = mass_below``. With ``k`` equal bins of width
    :math:`\Delta = 1/k`, every bin is flat except the one holding the jump,
    which it splits into fractions :math:`a = sk - \lfloor sk \rfloor` and
    :math:`1 - a`. With :math:`\bar c = a c_1 + (1 - a) c_2` that bin's mean
    height,

    .. math::

        D(p \,\|\, q_k) = \Delta\, \varphi(a), \qquad
        \varphi(a) = a c_1 \log \frac{c_1}{\bar c}
        + (1 - a) c_2 \log \frac{c_2}{\bar c} ,

    because only that bin is not flat (the loss is the average over bins of
    the divergence of the shape inside a bin from flat). The loss falls like
    ``1/k``, not ``1/k**2``: the density's Fisher information is infinite
    (its derivative is a point mass at the jump), and ``k * D`` does not
    settle but follows the position ``a`` of the jump inside its bin. It is
    0 whenever the jump falls on a bin edge (``a = 0``).

    Parameters
    ----------
    jump : float
        The position ``s`` of the jump, strictly between 0 and 1.
    mass_below : float
        The probability ``m`` below the jump, strictly between 0 and 1.
    k : int
        Number of equal bins of ``[0, 1]``, >= 1.
    base : float, optional
        Logarithm base of the result (default 2: bits).

    Returns
    -------
    float

    Examples
    --------
    Height 2 below 1/3 and 1/2 above. One bin holds the jump at
    ``a = 1/3``, where ``phi`` is exactly 1/3 bit; with 3 bins the jump is
    on an edge and nothing is lost.

    >>> round(step_binning_loss(1 / 3, 2 / 3, 1), 12)
    0.333333333333
    >>> step_binning_loss(1 / 3, 2 / 3, 3)
    0.0
    """
    s = float(as_finite(jump, "jump"))
    m = float(as_finite(mass_below, "mass_below"))
    for name, v in (("jump", s), ("mass_below", m)):
        if not 0.0 < v < 1.0:
            raise ValueError(f"{name} must be strictly between 0 and 1, got {v!r}")
    n = _bins(k)
    lb = log_base(base)
    pos = s * n
    a = pos - math.floor(pos)
    if a < 1e-12 or a > 1 - 1e-12:  # the jump is on a bin edge
        return 0.0
    c1, c2 = m / s, (1.0 - m) / (1.0 - s)
    mean = a * c1 + (1.0 - a) * c2
    phi = a * c1 * math.log(c1 / mean) + (1.0 - a) * c2 * math.log(c2 / mean)
    return max(phi / n / lb, 0.0)


def spread_within_groups(p: ArrayLike, group_size: int) -> np.ndarray:
    """Merge consecutive outcomes into groups and spread each group's mass evenly.

    ``q_j = (sum of p over j's group) / group_size``: the distribution a
    decoder rebuilds when only the group of each outcome was kept. Then
    ``D(p || q) = log(group_size) - H(X | group)``.

    Examples
    --------
    >>> spread_within_groups([0.1, 0.3, 0.6, 0.0], 2).tolist()
    [0.2, 0.2, 0.3, 0.3]
    """
    (P,), _ = checked_distributions([p], ["p"], -1)
    P = P[0]
    m = _bins(group_size)
    if P.size % m:
        raise ValueError(
            f"group_size must divide the {P.size} outcomes of p, got {group_size!r}"
        )
    groups = P.reshape(-1, m).sum(axis=1)
    return np.repeat(groups / m, m)


def _labels(labels: ArrayLike, n: int) -> np.ndarray:
    """Group labels as a 1-D array of non-negative integers, one per outcome."""
    lab = np.asarray(labels)
    if lab.dtype.kind == "b" or lab.dtype.kind not in "iuf":
        raise TypeError(f"labels must be integers, got dtype {lab.dtype}")
    if lab.ndim != 1 or lab.size != n:
        raise ValueError(
            f"labels must hold one group per outcome, shape ({n},), got {lab.shape}"
        )
    if lab.dtype.kind == "f" and not (
        np.isfinite(lab).all() and (lab == np.round(lab)).all()
    ):
        raise ValueError("labels must be whole numbers")
    if (lab < 0).any():
        raise ValueError(f"labels must be >= 0, got {lab.min():g}")
    return lab.astype(np.intp)


def coarse_grain(p: ArrayLike, labels: ArrayLike) -> np.ndarray:
    """Distribution ``Tp`` of ``T(X)``, ``X ~ p``, when ``T(i) = labels[i]``.

    ``(Tp)_y = sum of p_i over the outcomes i with labels[i] == y``, for
    ``y = 0, ..., max(labels)``: keeping only the group of each outcome (a
    deterministic coarse-graining, or compression, of the outcomes). A
    group with no outcomes gets probability 0.

    Parameters
    ----------
    p : array_like, shape (..., n)
        Distributions over ``n`` outcomes on the last axis (a batch
        broadcasts), summing to 1.
    labels : array_like of int, shape (n,)
        The group ``T(i) >= 0`` of each outcome.

    Returns
    -------
    ndarray, shape (..., max(labels) + 1)

    Examples
    --------
    >>> coarse_grain([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1]).tolist()
    [0.30000000000000004, 0.7]
    >>> coarse_grain([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], [1, 0, 1]).tolist()
    [[0.5, 0.5], [0.3, 0.7]]
    """
    (P,), lead = checked_distributions([p], ["p"], -1)
    lab = _labels(labels, P.shape[-1])
    onehot = lab[:, None] == np.arange(lab.max() + 1)
    return (P @ onehot).reshape(*lead, -1)


def data_processing_loss(
    p: ArrayLike, q: ArrayLike, labels: ArrayLike, *, base: float = 2
) -> float:
    """What coarse-graining loses of a divergence: ``D(p || q) - D(Tp || Tq)``.

    With ``Tp``, ``Tq`` as in :func:`coarse_grain` and, inside each group
    ``y``, the conditional distributions ``p(. | y) = p / Tp(y)`` and
    ``q(. | y)``, the chain rule gives

    .. math::

        D(p \\| q) - D(Tp \\| Tq) = \\sum_y Tp(y)\\, D\\bigl(p(\\cdot \\mid y)
        \\,\\big\\|\\, q(\\cdot \\mid y)\\bigr) \\ge 0,

    the data-processing inequality for a deterministic map (Kullback and
    Leibler 1951): a coarse-graining never increases the divergence, and it
    keeps all of it exactly when the conditionals agree in every group of
    positive ``Tp`` (``T`` is *sufficient* for the pair). The right-hand side
    is what is computed, so the result is never negative and is exact where
    the difference of two large divergences would lose digits.

    Parameters
    ----------
    p, q : array_like, shape (n,)
        Distributions over the same ``n`` outcomes.
    labels : array_like of int, shape (n,)
        The group of each outcome.
    base : float, optional
        Logarithm base of the result (default 2: bits).

    Returns
    -------
    float
        The loss, ``inf`` if ``D(p || q)`` is infinite while ``D(Tp || Tq)``
        is finite.

    Raises
    ------
    ValueError
        If ``D(Tp || Tq)`` is infinite (a group that ``q`` gives probability 0
        and ``p`` does not): the loss is then ``inf - inf``, undefined.

    Examples
    --------
    Two outcomes merged into one: everything is lost.

    >>> import kltools as kt
    >>> p, q = [0.5, 0.5], [0.25, 0.75]
    >>> data_processing_loss(p, q, [0, 0]) == kt.kl_divergence(p, q)
    True

    A grouping that keeps the likelihood ratio ``p/q`` loses nothing:

    >>> data_processing_loss([0.1, 0.3, 0.6], [0.2, 0.6, 0.2], [0, 0, 1])
    0.0
    """
    (P, Q), _ = checked_distributions([p, q], ["p", "q"], -1)
    if P.shape[0] != 1:
        raise ValueError(
            f"p and q must be single distributions over the same outcomes, got "
            f"shapes {np.shape(p)} and {np.shape(q)}"
        )
    P, Q = P[0], Q[0]
    lab = _labels(labels, P.size)
    Tp, Tq = np.bincount(lab, P), np.bincount(lab, Q)
    lb = log_base(base)
    if ((Tp > 0) & (Tq == 0)).any():
        raise ValueError(
            "D(Tp || Tq) is infinite (a group has probability > 0 under p and 0 "
            "under q), so the loss inf - inf is undefined"
        )
    if ((P > 0) & (Q == 0)).any():
        return math.inf
    keep = P > 0
    # p(x | y) / q(x | y) = (p(x) / q(x)) * (Tq(y) / Tp(y))
    ratio = P[keep] * Tq[lab[keep]] / (Q[keep] * Tp[lab[keep]])
    return max(float(np.sum(P[keep] * np.log(ratio))) / lb, 0.0)


def fit_exponential_family(
    p: ArrayLike, features: ArrayLike, *, tol: float = 1e-12, max_iter: int = 200
) -> np.ndarray:
    """The member ``q`` of an exponential family closest to ``p``: argmin D(p || q).

    The family is ``q_theta(x) ∝ exp(sum_j theta_j T_j(x))`` over the outcomes
    of ``p``. Minimising ``D(p || q_theta)`` is minimising the convex
    ``log Z(theta) - theta . E_p[T]``, whose minimum matches the moments,
    ``E_q[T] = E_p[T]``; it is found by damped Newton steps.

    Parameters
    ----------
    p : array_like, shape (n,)
        Target distribution, summing to 1.
    features : array_like, shape (n, d)
        Sufficient statistics ``T_j(x_i)``; well scaled (e.g. Legendre
        polynomials of x rescaled to [-1, 1]) for a fast fit.
    tol : float, optional
        Stop when the largest moment mismatch is below ``tol``.
    max_iter : int, optional
        Most Newton steps.

    Returns
    -------
    ndarray of shape (n,)
        The fitted distribution ``q``.

    Examples
    --------
    >>> x = np.array([-1.0, 0.0, 1.0])
    >>> q = fit_exponential_family([0.2, 0.3, 0.5], x[:, None])
    >>> round(float(q @ x), 12)  # the mean of p
    0.3
    """
    (P,), _ = checked_distributions([p], ["p"], -1)
    P = P[0]
    T = as_finite(features, "features")
    if T.ndim == 1:
        T = T[:, None]
    if T.ndim != 2 or T.shape[0] != P.size:
        raise ValueError(
            f"features must have shape ({P.size}, d) to match p, got {T.shape}"
        )
    target = P @ T
    theta = np.zeros(T.shape[1])

    def objective(th: np.ndarray) -> tuple[float, np.ndarray]:
        s = T @ th
        top = s.max()
        w = np.exp(s - top)
        z = w.sum()
        return float(top + math.log(z) - th @ target), w / z

    f, q = objective(theta)
    for _ in range(max_iter):
        grad = q @ T - target
        if np.max(np.abs(grad)) < tol:
            break
        centred = T - q @ T
        hess = (centred * q[:, None]).T @ centred
        step = np.linalg.lstsq(hess, -grad, rcond=None)[0]
        t = 1.0
        while True:
            f_new, q_new = objective(theta + t * step)
            if f_new <= f + 1e-4 * t * (grad @ step) or t < 1e-10:
                break
            t /= 2
        theta, f, q = theta + t * step, f_new, q_new
    return q


def gaussian_uniform_quantizer(
    step: float, sigma: float = 1.0, *, offset: float = 0.0, base: float = 2
) -> tuple[float, float]:
    """Rate and distortion of a uniform scalar quantiser of N(0, sigma^2).

    Cells ``[offset + (i - 1/2) step, offset + (i + 1/2) step)`` for every
    integer ``i``. With the default ``offset=0`` one cell is centred on 0 (a
    *midtread* quantiser: cells ``0 ± step/2``, ``step ± step/2``, ...);
    ``offset=step/2`` puts a cell edge at 0 instead (*midrise*). The rate and
    distortion depend on this choice, most at coarse steps. Each sample is
    replaced by the mean of its cell (the centroid, the best reconstruction
    for squared error). The *rate* is the entropy of the cell index,
    ``H(P)``: the bits per sample an ideal entropy coder needs to say which
    cell. The *distortion* is the mean squared error
    ``sigma^2 - sum_i P_i c_i^2``, with ``c_i`` the centroids. Both are
    computed from the normal distribution function, with no sampling.

    Parameters
    ----------
    step : float
        Cell width, > 0, in the units of ``sigma``.
    sigma : float, optional
        Standard deviation of the source, > 0 (default 1).
    offset : float, optional
        Shift of every cell edge, in the units of ``sigma`` (default 0: a
        cell centred on 0). Only ``offset`` modulo ``step`` matters.
    base : float, optional
        Logarithm base of the rate (default 2: bits).

    Returns
    -------
    (rate, distortion) : tuple of float
        Rate in units of ``log(base)`` per sample; distortion in the squared
        units of ``sigma``.

    Examples
    --------
    >>> r, d = gaussian_uniform_quantizer(1e6)  # one cell: rate 0
    >>> r, round(d, 12)
    (0.0, 1.0)

    With an edge at 0 and huge cells only the sign is kept: 1 bit, and
    error ``1 - 2/pi`` (the centroids are ``±sqrt(2/pi)``):

    >>> r, d = gaussian_uniform_quantizer(1e6, offset=5e5)
    >>> r, round(d - (1 - 2 / math.pi), 12)
    (1.0, 0.0)
    """
    d = float(as_positive(step, "step"))
    s = float(as_positive(sigma, "sigma"))
    shift = float(as_finite(offset, "offset")) % d / s  # in [0, step), in sigmas
    u = d / s
    n = math.ceil(12.0 / u) + 1  # cells out to beyond 12 sigma
    edges = (np.arange(-n, n + 2) - 0.5) * u + shift
    edges[0], edges[-1] = -np.inf, np.inf
    P = np.diff(ndtr(edges))
    phi = np.exp(-0.5 * np.where(np.isfinite(edges), edges, 0.0) ** 2) / _SQRT_2PI
    phi[~np.isfinite(edges)] = 0.0
    # sum P_i c_i^2 with P_i c_i = phi(lo) - phi(hi), in units of sigma
    mass = -np.diff(phi)
    keep = P > 0
    captured = float(np.sum(mass[keep] ** 2 / P[keep]))
    P = P[keep] / P[keep].sum()
    return entropy(P, base=base), max(1.0 - captured, 0.0) * s * s


def gaussian_rate_distortion(
    distortion: ArrayLike, sigma: float = 1.0, *, base: float = 2
) -> float | np.ndarray:
    """Shannon's ``R(D) = max(0, log(sigma^2 / D) / 2)`` of a Gaussian source.

    The fewest bits per sample (``base=2``) any code, however long its
    blocks, needs to describe N(mu, sigma^2) samples with mean squared error
    at most ``D`` (Cover & Thomas, Theorem 10.3.2).

    Examples
    --------
    >>> gaussian_rate_distortion(0.25)
    1.0
    >>> gaussian_rate_distortion([2.0, 1.0]).tolist()
    [0.0, 0.0]
    """
    D = as_positive(distortion, "distortion")
    s = float(as_positive(sigma, "sigma"))
    r = np.maximum(0.0, 0.5 * np.log(s * s / D)) / log_base(base)
    return float(r) if r.ndim == 0 else r
