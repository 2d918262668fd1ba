r"""Estimating KL divergence, entropy and mutual information from samples.

Three families, from the most to the least that is known about the
distributions:

* :func:`monte_carlo_kl` knows both log densities and has samples of ``p``:
  it averages :math:`\log p - \log q` and reports a standard error;
* :func:`knn_kl_divergence` and :func:`knn_mutual_information` know only
  samples of continuous distributions and use distances to the k-th
  nearest neighbour (Wang, Kulkarni and Verdú; Kraskov, Stögbauer and
  Grassberger);
* :func:`plugin_entropy` and :func:`plugin_mutual_information` count
  discrete samples (:func:`joint_counts`) and measure the empirical
  distribution, optionally with the Miller-Madow bias correction.

Every result is in units of ``log(base)``, bits by default. These are
*estimates*, not measures: they carry sampling error, and the nearest
neighbour and Miller-Madow estimates are not clipped at 0, so they can be
slightly negative when the true value is near 0 (clipping would bias their
average). Random numbers are the caller's business: pass samples drawn with
a seeded ``numpy.random.default_rng``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree
from scipy.special import digamma

from ._validation import as_finite, log_base
from .discrete import entropy
from .joint import mutual_information

__all__ = [
    "Estimate",
    "joint_counts",
    "knn_kl_divergence",
    "knn_mutual_information",
    "monte_carlo_kl",
    "plugin_entropy",
    "plugin_mutual_information",
]


class Estimate(NamedTuple):
    """A Monte Carlo estimate and its standard error, in the same units."""

    value: float
    stderr: float


# --------------------------------------------------------------------------
# Input checks used only here
# --------------------------------------------------------------------------


def _as_points(x: ArrayLike, name: str) -> np.ndarray:
    """Samples as a float array of shape (n_samples, d); 1-D means d = 1."""
    arr = as_finite(x, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n_samples, d) or (n_samples,), got {arr.shape}"
        )
    return arr


def _check_k(k: object, n: int, name: str) -> int:
    """``k`` as an int with 1 <= k < n (the point itself is not a neighbour)."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"k must be an integer, got {k!r}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if k >= n:
        raise ValueError(
            f"k must be smaller than the number of samples in {name} ({n}), got {k}"
        )
    return int(k)


def _as_labels(x: ArrayLike, name: str) -> np.ndarray:
    """Discrete samples: a non-empty 1-D array of labels, or 2-D (rows are labels)."""
    try:
        arr = np.asarray(x)
    except ValueError as err:
        raise ValueError(f"{name} is not a rectangular array: {err}") from None
    if arr.dtype.kind not in "biufUS":
        raise TypeError(
            f"{name} must hold numbers, booleans or strings as labels, "
            f"got dtype {arr.dtype}"
        )
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (n_samples,) or (n_samples, d), got {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs samples")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN entries, which are not labels")
    return arr


def _codes(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct labels (sorted) and each sample's index into them."""
    values, inverse = np.unique(arr, axis=0, return_inverse=True)
    return values, inverse.reshape(-1)


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------


def _log_density(fn: Callable, x: np.ndarray, n: int, name: str) -> np.ndarray:
    if not callable(fn):
        raise TypeError(f"{name} must be a callable returning log densities")
    out = np.asarray(fn(x))
    if out.dtype.kind not in "iuf":
        raise TypeError(f"{name} must return real numbers, got dtype {out.dtype}")
    out = out.astype(np.float64, copy=False)
    if out.shape != (n,):
        raise ValueError(
            f"{name} must return one log density per sample, shape ({n},); "
            f"got shape {out.shape}"
        )
    if np.isnan(out).any():
        raise ValueError(f"{name} returned NaN for some samples")
    if (out == np.inf).any():
        raise ValueError(f"{name} returned +inf; log densities must be < inf")
    return out


def monte_carlo_kl(
    samples: ArrayLike,
    log_p: Callable[[np.ndarray], ArrayLike],
    log_q: Callable[[np.ndarray], ArrayLike],
    *,
    base: float = 2,
) -> Estimate:
    r"""Monte Carlo estimate of :math:`D(p \,\|\, q)` from samples of ``p``.

    .. math::

        \hat D = \frac1n \sum_{i=1}^n \big(\log p(x_i) - \log q(x_i)\big),
        \qquad x_i \sim p,

    with standard error :math:`s / \sqrt n`, where :math:`s` is the sample
    standard deviation of the log ratios. The estimate is unbiased but not
    clipped: with few samples it can fall below 0.

    Parameters
    ----------
    samples : array_like, shape (n_samples,) or (n_samples, d)
        At least two independent draws from ``p``, finite numbers, passed
        to the two callables as an array of their own dtype (so integer
        outcomes can index a probability table).
    log_p, log_q : callable
        Natural-log densities (or probability mass functions): each maps
        ``samples`` to an array of shape ``(n_samples,)``. ``log_q`` may
        return ``-inf`` (``q`` gives the sample zero density), which makes
        the estimate ``inf``; ``-inf`` from ``log_p`` means the sample could
        not have come from ``p`` and is refused, as is NaN.
    base : float, optional
        Units of the result: 2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    Estimate
        ``(value, stderr)``, both in units of ``log(base)``. Both are
        ``inf`` when some sample has :math:`q(x_i) = 0`.

    Examples
    --------
    :math:`D(\mathcal N(1, 1) \,\|\, \mathcal N(0, 1)) = \tfrac12` nat:

    >>> import math
    >>> import numpy as np
    >>> import kltools as kt
    >>> x = np.random.default_rng(0).normal(1.0, 1.0, size=100_000)
    >>> est = kt.monte_carlo_kl(
    ...     x, lambda x: -0.5 * (x - 1) ** 2, lambda x: -0.5 * x**2, base=math.e
    ... )
    >>> round(est.value, 2), round(est.stderr, 3)
    (0.5, 0.003)
    """
    nats = log_base(base)
    checked = as_finite(samples, "samples")
    if checked.ndim == 0:
        raise ValueError("samples must be an array of draws, not a scalar")
    x = np.asarray(samples)  # integer outcomes stay integers (for indexing)
    n = x.shape[0]
    if n < 2:
        raise ValueError(
            f"samples needs at least 2 draws for a standard error, got {n}"
        )
    lp = _log_density(log_p, x, n, "log_p")
    lq = _log_density(log_q, x, n, "log_q")
    if (lp == -np.inf).any():
        raise ValueError(
            "log_p returned -inf: some samples have zero density under p, so "
            "they were not drawn from p"
        )
    if (lq == -np.inf).any():
        return Estimate(math.inf, math.inf)
    mean, sd = _mean_and_std(lp, lq)
    return Estimate(mean / nats, sd / math.sqrt(n) / nats)


def _mean_and_std(lp: np.ndarray, lq: np.ndarray) -> tuple[float, float]:
    """Mean and sample standard deviation of ``lp - lq``, for any finite inputs.

    Log densities near the float limits (``+-1e308``) make ``lp - lq``, its
    sum and its squares overflow; so the differences are formed halved and
    scaled by a power of two (exact) before they are averaged, and scaled
    back at the end, where only a result beyond the float range is ``inf``.
    """
    with np.errstate(all="ignore"):
        half = 0.5 * lp - 0.5 * lq  # never overflows
        top = float(np.max(np.abs(half)))
        if top == 0.0:
            return 0.0, 0.0
        scale = math.ldexp(1.0, math.frexp(top)[1] - 1)  # a power of two near top
        z = half / scale
        mean = float(z.mean())
        sd = float(z.std(ddof=1))
        return scale * (2.0 * mean), scale * (2.0 * sd)


# --------------------------------------------------------------------------
# Nearest neighbours
# --------------------------------------------------------------------------


def knn_kl_divergence(
    x: ArrayLike, y: ArrayLike, *, k: int = 1, base: float = 2
) -> float:
    r"""k-nearest-neighbour estimate of :math:`D(P \,\|\, Q)` from samples.

    The estimator of :cite:t:`wang2009`: with ``n`` samples :math:`x_i` of
    :math:`P` and ``m`` samples of :math:`Q` in :math:`\mathbb R^d`,

    .. math::

        \hat D = \frac dn \sum_{i=1}^n \log \frac{\nu_k(i)}{\rho_k(i)}
                 + \log \frac{m}{n - 1},

    where :math:`\rho_k(i)` is the Euclidean distance from :math:`x_i` to
    its k-th nearest neighbour among the other :math:`x_j` and
    :math:`\nu_k(i)` the distance to its k-th nearest neighbour among the
    samples of :math:`Q`. It is consistent (it converges to the divergence
    as ``n`` and ``m`` grow) for continuous densities; for small samples it
    is biased and can be negative.

    Parameters
    ----------
    x : array_like, shape (n, d) or (n,)
        Independent samples of :math:`P`; 1-D input means :math:`d = 1`.
    y : array_like, shape (m, d) or (m,)
        Independent samples of :math:`Q`, in the same dimension.
    k : int, optional
        Which neighbour: ``1 <= k < n`` and ``k <= m``. Larger ``k`` lowers
        the variance and raises the bias. Default 1.
    base : float, optional
        Units: 2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float
        The estimate in units of ``log(base)``.

    Raises
    ------
    ValueError
        For a zero distance, which makes a term :math:`\log 0`: a point of
        ``x`` repeated more than ``k`` times in ``x``, or occurring at least
        ``k`` times in ``y``. The estimator assumes continuous densities,
        where ties have probability 0; for rounded data add noise far below
        the rounding step (from a seeded generator) or raise ``k``, and for
        genuinely discrete data use :func:`plugin_entropy` and friends.

    Examples
    --------
    Two Gaussians in 2-D, one unit apart: the divergence is 1/2 nat.

    >>> import math
    >>> import numpy as np
    >>> import kltools as kt
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(5000, 2))
    >>> y = rng.normal(size=(5000, 2)) + [1.0, 0.0]
    >>> round(kt.knn_kl_divergence(x, y, k=5, base=math.e), 1)
    0.5
    """
    nats = log_base(base)
    xs = _as_points(x, "x")
    ys = _as_points(y, "y")
    n, d = xs.shape
    m = ys.shape[0]
    if ys.shape[1] != d:
        raise ValueError(
            f"x and y must be samples in the same dimension, got x {xs.shape} "
            f"and y {ys.shape}"
        )
    k = _check_k(k, n, "x")
    if k > m:
        raise ValueError(f"k must be at most the number of samples in y ({m}), got {k}")
    # The estimate is scale-invariant: rescale both samples by a power of two
    # (exactly) so that squared distances neither overflow nor underflow.
    xs, ys = _rescaled(xs, ys)
    # k + 1 neighbours in x because x_i is its own nearest neighbour.
    rho = cKDTree(xs).query(xs, k=[k + 1])[0][:, 0]
    nu = cKDTree(ys).query(xs, k=[k])[0][:, 0]
    if (rho == 0).any():
        count = int((rho == 0).sum())
        raise ValueError(
            f"x has repeated points: {count} sample(s) of x have their {k}-th "
            "nearest neighbour in x at distance 0, so log(0) enters the "
            "estimate; the estimator needs continuous data (add tiny seeded "
            "noise or raise k)"
        )
    if (nu == 0).any():
        count = int((nu == 0).sum())
        raise ValueError(
            f"x and y share points: {count} sample(s) of x have their {k}-th "
            "nearest neighbour in y at distance 0, so log(0) enters the "
            "estimate; the estimator needs continuous data (add tiny seeded "
            "noise or raise k)"
        )
    value = d * float(np.mean(np.log(nu) - np.log(rho))) + math.log(m / (n - 1))
    return value / nats


def _rescaled(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both samples centred and scaled by one power of two to a spread near 1.

    Distances between points change by the same exact factor (a power of
    two), so the log distance ratios of the k-NN estimate are unchanged,
    while their squares stay inside the float range for data of any scale
    (``1e-170`` or ``1e160``). Centring on the midpoint of the bounding box
    keeps coordinates small even when the data sit far from the origin.
    """
    with np.errstate(all="ignore"):
        lo = np.minimum(xs.min(axis=0), ys.min(axis=0))
        hi = np.maximum(xs.max(axis=0), ys.max(axis=0))
        centre = 0.5 * lo + 0.5 * hi
        spread = float(np.max(0.5 * hi - 0.5 * lo))
        if not spread > 0 or not math.isfinite(spread):
            return xs, ys
        exponent = math.frexp(spread)[1]
        if -64 <= exponent <= 64 and float(np.max(np.abs(centre))) <= 2.0**64:
            return xs, ys  # ordinary data: leave it exactly as given
        return (
            np.ldexp(xs - centre, -exponent),
            np.ldexp(ys - centre, -exponent),
        )


def knn_mutual_information(
    x: ArrayLike, y: ArrayLike, *, k: int = 3, base: float = 2
) -> float:
    r"""Kraskov-Stögbauer-Grassberger estimate of :math:`I(X; Y)` from samples.

    Algorithm 1 of :cite:t:`kraskov2004`: for each joint sample
    :math:`z_i = (x_i, y_i)` let :math:`\epsilon_i` be the distance, in the
    max (Chebyshev) norm, to its k-th nearest neighbour among the other
    :math:`z_j`, and :math:`n_x(i)`, :math:`n_y(i)` the numbers of other
    samples whose :math:`x`, respectively :math:`y`, lie strictly closer
    than :math:`\epsilon_i` to :math:`x_i`, :math:`y_i`. Then

    .. math::

        \hat I = \psi(k) + \psi(N)
                 - \big\langle \psi(n_x + 1) + \psi(n_y + 1) \big\rangle,

    with :math:`\psi` the digamma function and :math:`N` the number of
    samples. It is exact on average for independent variables (up to
    sampling noise, so it can be slightly negative) and consistent for
    continuous joint densities.

    Parameters
    ----------
    x : array_like, shape (N, d_x) or (N,)
        Samples of X; 1-D input means :math:`d_x = 1`.
    y : array_like, shape (N, d_y) or (N,)
        Samples of Y, paired with ``x`` row by row.
    k : int, optional
        Which neighbour, ``1 <= k < N``. Default 3; Kraskov et al. suggest
        2 to 4 as a balance of bias and variance.
    base : float, optional
        Units: 2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float
        The estimate in units of ``log(base)``.

    Raises
    ------
    ValueError
        When a joint sample has its k-th neighbour at distance 0 (the pair
        ``(x_i, y_i)`` is repeated more than ``k`` times): the counts are
        then meaningless. As for :func:`knn_kl_divergence`, the estimator
        assumes continuous data; add tiny seeded noise to rounded data, or
        use :func:`plugin_mutual_information` for discrete data.

    Examples
    --------
    A bivariate Gaussian with correlation 0.6 has
    :math:`I = -\tfrac12 \log(1 - 0.6^2) \approx 0.223` nat:

    >>> import math
    >>> import numpy as np
    >>> import kltools as kt
    >>> rng = np.random.default_rng(2)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=4000)
    >>> round(kt.knn_mutual_information(z[:, 0], z[:, 1], base=math.e), 2)
    0.23
    """
    nats = log_base(base)
    xs = _as_points(x, "x")
    ys = _as_points(y, "y")
    n = xs.shape[0]
    if ys.shape[0] != n:
        raise ValueError(
            f"x and y must hold the same number of paired samples, got x "
            f"{xs.shape} and y {ys.shape}"
        )
    k = _check_k(k, n, "x and y")
    z = np.hstack([xs, ys])
    eps = cKDTree(z).query(z, k=[k + 1], p=np.inf)[0][:, 0]
    if (eps == 0).any():
        count = int((eps == 0).sum())
        raise ValueError(
            f"x and y have repeated pairs: {count} joint sample(s) have their "
            f"{k}-th nearest neighbour at distance 0; the estimator needs "
            "continuous data (add tiny seeded noise or raise k)"
        )
    # Strictly closer than eps: the largest radius below eps, then drop the
    # point itself, which query_ball_point counts.
    radius = np.nextafter(eps, 0.0)
    n_x = cKDTree(xs).query_ball_point(xs, radius, p=np.inf, return_length=True) - 1
    n_y = cKDTree(ys).query_ball_point(ys, radius, p=np.inf, return_length=True) - 1
    value = (
        digamma(k) + digamma(n) - float(np.mean(digamma(n_x + 1) + digamma(n_y + 1)))
    )
    return float(value) / nats


# --------------------------------------------------------------------------
# Plug-in estimates from discrete samples
# --------------------------------------------------------------------------


def joint_counts(
    x: ArrayLike, y: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contingency table of paired discrete samples.

    Parameters
    ----------
    x, y : array_like, shape (N,) or (N, d)
        Paired samples: numbers, booleans or strings used as labels (for
        2-D input each row is one label).

    Returns
    -------
    counts : ndarray of int, shape (n_x, n_y)
        ``counts[i, j]`` is the number of samples with ``x == x_values[i]``
        and ``y == y_values[j]``; a joint table for
        :func:`kltools.mutual_information` with ``normalize=True``.
    x_values, y_values : ndarray
        The distinct labels, sorted, indexing the rows and columns.

    Examples
    --------
    >>> import kltools as kt
    >>> counts, xv, yv = kt.joint_counts([0, 0, 1, 1, 1], ["a", "b", "b", "b", "a"])
    >>> counts
    array([[1, 1],
           [1, 2]])
    >>> xv, yv
    (array([0, 1]), array(['a', 'b'], dtype='<U1'))
    """
    xa = _as_labels(x, "x")
    ya = _as_labels(y, "y")
    if xa.shape[0] != ya.shape[0]:
        raise ValueError(
            f"x and y must hold the same number of paired samples, got "
            f"{xa.shape[0]} and {ya.shape[0]}"
        )
    xv, xi = _codes(xa)
    yv, yi = _codes(ya)
    counts = np.zeros((len(xv), len(yv)), dtype=np.int64)
    np.add.at(counts, (xi, yi), 1)
    return counts, xv, yv


def _miller_madow(nonzero: int, n: int) -> float:
    """The Miller-Madow bias correction (m - 1) / (2N), in nats."""
    return (nonzero - 1) / (2 * n)


def plugin_entropy(
    samples: ArrayLike, *, base: float = 2, miller_madow: bool = False
) -> float:
    r"""Entropy of the empirical distribution of discrete samples.

    .. math::

        \hat H = -\sum_i \hat p_i \log \hat p_i, \qquad
        \hat p_i = \frac{N_i}{N},

    with :math:`N_i` the count of label :math:`i` among :math:`N` samples.
    The plug-in estimate is biased low; :cite:t:`miller1955` showed the
    leading term of the bias is :math:`-(m - 1) / (2N)` nats, with
    :math:`m` the number of bins, and ``miller_madow=True`` adds back

    .. math:: \frac{m - 1}{2N} \text{ nats}, \qquad m = \#\{i : N_i > 0\}.

    Parameters
    ----------
    samples : array_like, shape (N,) or (N, d)
        Discrete samples: numbers, booleans or strings used as labels (for
        2-D input each row is one label).
    base : float, optional
        Units: 2 (default) gives bits, ``math.e`` nats.
    miller_madow : bool, optional
        Add the Miller-Madow correction (default False).

    Returns
    -------
    float
        The estimate in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> kt.plugin_entropy(["H", "T", "H", "T"])
    1.0
    >>> kt.plugin_entropy(["H", "T", "H", "T"], miller_madow=True)  # + 1/8 nat
    1.1803368801
    >>> kt.plugin_entropy([1, 1, 1], base=math.e, miller_madow=True)
    0.0
    """
    nats = log_base(base)
    arr = _as_labels(samples, "samples")
    _, counts = np.unique(arr, axis=0, return_counts=True)
    value = entropy(counts, normalize=True, base=math.e)
    if miller_madow:
        value += _miller_madow(len(counts), arr.shape[0])
    return value / nats


def plugin_mutual_information(
    x: ArrayLike, y: ArrayLike, *, base: float = 2, miller_madow: bool = False
) -> float:
    r"""Mutual information of the empirical joint distribution of samples.

    .. math::

        \hat I = \hat H(X) + \hat H(Y) - \hat H(X, Y)
               = D\big(\hat p(x, y) \,\|\, \hat p(x)\,\hat p(y)\big),

    measured on the table of :func:`joint_counts`. The plug-in estimate is
    biased high (it is positive for independent samples). With
    ``miller_madow=True`` each of the three entropies gets the Miller-Madow
    correction :cite:p:`miller1955`, which adds

    .. math:: \frac{m_x + m_y - m_{xy} - 1}{2N} \text{ nats}

    (:math:`m` counts the non-empty bins of each table); the corrected
    estimate can be slightly negative.

    Parameters
    ----------
    x, y : array_like, shape (N,) or (N, d)
        Paired discrete samples (numbers, booleans or strings as labels).
    base : float, optional
        Units: 2 (default) gives bits, ``math.e`` nats.
    miller_madow : bool, optional
        Apply the Miller-Madow correction (default False).

    Returns
    -------
    float
        The estimate in units of ``log(base)``.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.plugin_mutual_information([0, 0, 1, 1], [0, 0, 1, 1])  # Y = X
    1.0
    >>> kt.plugin_mutual_information([0, 0, 1, 1], [0, 1, 0, 1])  # independent
    0.0
    """
    nats = log_base(base)
    counts, _, _ = joint_counts(x, y)
    value = mutual_information(counts, normalize=True, base=math.e)
    if miller_madow:
        n = int(counts.sum())
        m_x = int((counts.sum(axis=1) > 0).sum())
        m_y = int((counts.sum(axis=0) > 0).sum())
        m_xy = int((counts > 0).sum())
        value += _miller_madow(m_x, n) + _miller_madow(m_y, n) - _miller_madow(m_xy, n)
    return value / nats
