r"""Conditional entropy column by column, the seed's equation (12), and the
mutual information of a bivariate Gaussian.

The chapter on mutual information takes a joint table ``pxy`` (X indexes
rows, Y columns, as in :func:`kltools.joint_entropy`) apart column by column: each
column, rescaled, is the conditional distribution of X given one value of
Y, and the conditional entropy :math:`H(X \mid Y)` is the average of their
entropies, weighted by :math:`p(y)` (Cover and Thomas 2006, section 2.2).

The seed post (Keydana 2020) writes its equation (12) with a logarithm
around that inner entropy; :func:`seed_conditional_entropy` reproduces it
so that the chapter can show, by computation, that it is not the
conditional entropy. :func:`gaussian_mutual_information` is the closed form
the nearest-neighbour estimator of Kraskov et al. (2004) is tested against,
and :func:`linfoot_correlation` (Linfoot 1957) turns a mutual information
back into a number on the scale of a correlation coefficient.

:func:`lautum_information` is the divergence with its arguments the other
way round, :math:`D(p(x)\, p(y) \,\|\, p(x, y))` (Palomar and Verdú
2008), and :func:`g_statistic` and :func:`g_test` turn a plug-in mutual
information into the likelihood-ratio test of independence, the G-test.
:func:`normal_scores` replaces samples by a function of their ranks only,
so that an estimate of mutual information made from it cannot change when
a variable is passed through an increasing map, as the mutual information
itself does not. :func:`noisy_curve_sample` draws the chapter's pairs that
are linked along a circle, a parabola or a sine wave but uncorrelated, and
:func:`noisy_curve_mutual_information` gives their exact mutual
information by quadrature, the value an estimator of it aims at.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from scipy.special import xlogy

from ._validation import as_float_array, log_base, result
from .discrete import entropy
from .joint import joint_entropy

__all__ = [
    "CURVE_NOISE",
    "GTest",
    "column_entropies",
    "g_statistic",
    "g_test",
    "gaussian_mutual_information",
    "lautum_information",
    "linfoot_correlation",
    "noisy_curve_mutual_information",
    "noisy_curve_sample",
    "normal_scores",
    "seed_conditional_entropy",
]


def _checked_table(pxy: ArrayLike, normalize: bool) -> np.ndarray:
    """A valid joint table as a float array, rescaled if ``normalize``."""
    joint_entropy(pxy, normalize=normalize)  # checks shape, entries and sum
    table = as_float_array(pxy, "pxy")
    return table / table.sum() if normalize else table


def column_entropies(
    pxy: ArrayLike, *, base: float = 2, normalize: bool = False
) -> np.ndarray:
    r"""Entropy of X given each value of Y: one number per column.

    .. math::

        H(X \mid Y = y_j) = -\sum_i \frac{p(x_i, y_j)}{p(y_j)}
                            \log \frac{p(x_i, y_j)}{p(y_j)},
        \qquad p(y_j) = \sum_i p(x_i, y_j).

    Their average weighted by :math:`p(y_j)` is
    :func:`kltools.conditional_entropy`. A single value can exceed
    :math:`H(X)`; the average cannot.

    Parameters
    ----------
    pxy : array_like, shape (n_x, n_y)
        Joint probabilities, summing to 1; X indexes rows, Y columns.
    base : float, optional
        Base of the logarithm: 2 (default) gives bits, ``math.e`` nats.
    normalize : bool, optional
        If True, ``pxy`` holds counts or weights, rescaled to sum to 1.

    Returns
    -------
    ndarray, shape (n_y,)
        :math:`H(X \mid Y = y_j)` in units of ``log(base)``; NaN for a
        column of zeros, where Y never takes that value and the
        conditional distribution does not exist.

    Examples
    --------
    >>> from kltools.mutual import column_entropies
    >>> column_entropies([[0.25, 0.25], [0.5, 0.0]])
    array([0.91829583, 0.        ])
    """
    log_base(base)
    table = _checked_table(pxy, normalize)
    py = table.sum(axis=0)
    out = np.full(py.shape, np.nan)
    for j in np.flatnonzero(py > 0):
        out[j] = entropy(table[:, j], base=base, normalize=True)
    return out


def seed_conditional_entropy(
    pxy: ArrayLike, *, base: float = 2, normalize: bool = False
) -> float:
    r"""The seed's equation (12), which is *not* the conditional entropy.

    Keydana (2020) writes

    .. math:: -\sum_j p(y_j) \log H(X \mid Y = y_j),

    a logarithm of an entropy. This function computes exactly that (columns
    with :math:`p(y_j) = 0` carry no weight and are left out), with both
    the logarithm and the inner entropy in units of ``log(base)``, for the
    chapter's errata. The right formula,
    :math:`\sum_j p(y_j) H(X \mid Y = y_j)`, is
    :func:`kltools.conditional_entropy`. Unlike it, this quantity is
    ``inf`` as soon as Y determines X for some value (an inner entropy of
    0), can be negative, and does not change with the unit by the factor
    a quantity of information does.

    Parameters
    ----------
    pxy : array_like, shape (n_x, n_y)
        Joint probabilities, summing to 1; X indexes rows, Y columns.
    base, normalize
        As in :func:`column_entropies`.

    Returns
    -------
    float
        The value of the seed's formula.

    Examples
    --------
    Two independent fair bits: every column has 1 bit of entropy, and the
    log of 1 is 0, whereas :math:`H(X \mid Y) = 1` bit.

    >>> from kltools.mutual import seed_conditional_entropy
    >>> seed_conditional_entropy([[0.25, 0.25], [0.25, 0.25]])
    0.0
    >>> seed_conditional_entropy([[0.5, 0.0], [0.0, 0.5]])  # Y = X
    inf
    """
    nats = log_base(base)
    table = _checked_table(pxy, normalize)
    py = table.sum(axis=0)
    inner = column_entropies(table, base=base)
    used = py > 0
    if (inner[used] == 0).any():
        return math.inf
    return float(-np.sum(py[used] * np.log(inner[used])) / nats)


def gaussian_mutual_information(
    rho: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""Mutual information of a bivariate normal with correlation ``rho``.

    .. math:: I(X; Y) = -\tfrac12 \log\bigl(1 - \rho^2\bigr)

    whatever the means and variances (Cover and Thomas 2006, example 8.5.1):
    it follows from :math:`I = h(X) + h(Y) - h(X, Y)` with the differential
    entropies of normals. It is 0 at :math:`\rho = 0` and grows without
    bound as :math:`|\rho| \to 1`.

    Parameters
    ----------
    rho : array_like
        Correlation coefficients in [-1, 1]; ``inf`` at :math:`\pm 1`.
    base : float, optional
        Units: 2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        :math:`I(X; Y)` in units of ``log(base)``, the shape of ``rho``.

    Examples
    --------
    >>> import math
    >>> from kltools.mutual import gaussian_mutual_information
    >>> gaussian_mutual_information(math.sqrt(3) / 2)  # 1 - rho^2 = 1/4
    1.0
    >>> gaussian_mutual_information([0.0, 1.0])
    array([ 0., inf])
    """
    nats = log_base(base)
    r = as_float_array(rho, "rho")
    if np.isnan(r).any() or (np.abs(r) > 1).any():
        raise ValueError(f"rho must hold correlations in [-1, 1], got {rho!r}")
    with np.errstate(divide="ignore"):
        value = -0.5 * np.log1p(-(r * r)) / nats
    return result(np.abs(value) + 0.0)


def linfoot_correlation(mi: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""Linfoot's informational coefficient of correlation.

    .. math:: r_I = \sqrt{1 - e^{-2 I}}, \qquad I \text{ in nats}

    (:math:`\sqrt{1 - 2^{-2I}}` with :math:`I` in bits), the inverse of
    :func:`gaussian_mutual_information`: for a bivariate normal pair it
    gives back :math:`|\rho|` (Linfoot 1957). For any pair it maps a
    mutual information in :math:`[0, \infty]` to :math:`[0, 1]`: 0 exactly
    for independent variables and 1 for an infinite mutual information.
    Unlike a correlation coefficient it has no sign.

    Parameters
    ----------
    mi : array_like
        Mutual informations, :math:`\ge 0` (``inf`` allowed). An estimate
        below 0 is refused: clip it at 0 first if that is what you mean.
    base : float, optional
        Units of ``mi``: 2 (default) for bits, ``math.e`` for nats.

    Returns
    -------
    float or ndarray
        :math:`r_I` in [0, 1], the shape of ``mi``.

    Examples
    --------
    >>> from kltools.mutual import gaussian_mutual_information, linfoot_correlation
    >>> linfoot_correlation(1.0)  # 1 bit: sqrt(1 - 1/4)
    0.8660254038
    >>> linfoot_correlation(gaussian_mutual_information(-0.6))
    0.6
    """
    nats = log_base(base)
    value = as_float_array(mi, "mi")
    if np.isnan(value).any():
        raise ValueError("mi contains NaN entries")
    if (value < 0).any():
        raise ValueError(
            f"mi must be a mutual information, >= 0, got {value[value < 0].flat[0]!r}"
            " (clip an estimate below 0 at 0 first)"
        )
    return result(np.sqrt(-np.expm1(-2.0 * value * nats)))


def lautum_information(
    pxy: ArrayLike, *, base: float = 2, normalize: bool = False
) -> float:
    r"""Lautum information: the KL divergence of mutual information reversed.

    .. math::

        L(X; Y) = D\big(p(x)\, p(y) \,\big\|\, p(x, y)\big)
                = \sum_{x, y} p(x)\, p(y) \log \frac{p(x)\, p(y)}{p(x, y)}

    (Palomar and Verdú 2008; *lautum* is *mutual* spelt backwards). Like
    :math:`I(X; Y)` it is symmetric in X and Y, never negative, and zero
    exactly when they are independent, but it is a different number, and
    ``inf`` as soon as a pair of values with :math:`p(x) p(y) > 0` has
    :math:`p(x, y) = 0`. It is also the expected divergence of the prior
    from the posterior, :math:`\sum_y p(y)\, D(p(x) \,\|\, p(x \mid y))`.

    Parameters
    ----------
    pxy : array_like, shape (n_x, n_y)
        Joint probabilities, summing to 1; X indexes rows, Y columns.
    base, normalize
        As in :func:`column_entropies`.

    Returns
    -------
    float
        :math:`L(X; Y)` in units of ``log(base)``, in :math:`[0, \infty]`.

    Examples
    --------
    >>> from kltools.mutual import lautum_information
    >>> lautum_information([[0.25, 0.25], [0.25, 0.25]])
    0.0
    >>> lautum_information([[0.5, 0.0], [0.0, 0.5]])  # Y = X: I is 1 bit
    inf
    >>> round(lautum_information([[0.4, 0.1], [0.1, 0.4]]), 6)
    0.321928
    """
    nats = log_base(base)
    table = _checked_table(pxy, normalize)
    prod = np.outer(table.sum(axis=1), table.sum(axis=0))
    used = prod > 0
    if (table[used] == 0).any():
        return math.inf
    value = float(np.sum(xlogy(prod[used], prod[used] / table[used])))
    return max(value, 0.0) / nats


def _counts(counts: ArrayLike, name: str = "counts") -> np.ndarray:
    table = as_float_array(counts, name)
    if table.ndim < 2:
        raise ValueError(
            f"{name} must be a table of counts (at least 2-D), got shape {table.shape}"
        )
    if not np.isfinite(table).all() or (table < 0).any():
        raise ValueError(f"{name} must hold finite counts >= 0")
    if (table.sum(axis=(-2, -1)) == 0).any():
        raise ValueError(f"{name} must hold at least one observation per table")
    return table


def g_statistic(counts: ArrayLike) -> float | np.ndarray:
    r"""The G statistic of a contingency table: twice N times the plug-in MI in nats.

    .. math::

        G = 2 \sum_{x, y} n_{xy} \ln \frac{n_{xy}\, N}{n_x\, n_y}
          = 2 N\, \hat I(X; Y) \quad (\text{nats}),

    with :math:`n_{xy}` the count of the pair, :math:`n_x`, :math:`n_y` the
    row and column totals and :math:`N` the total: the log-likelihood-ratio
    statistic of independence (Wilks 1938). Vectorised: a stack of tables
    of shape ``(..., m_x, m_y)`` gives one G per table, so that a simulated
    null distribution takes one call.

    Parameters
    ----------
    counts : array_like, shape (..., m_x, m_y)
        Non-negative counts (they need not be integers), X along the rows
        of each table and Y along its columns; every table holds at least
        one observation.

    Returns
    -------
    float or ndarray
        G, dimensionless (a statistic in nats times 2N), one per table.

    Examples
    --------
    >>> import math
    >>> from kltools.mutual import g_statistic
    >>> g_statistic([[10, 10], [10, 10]])  # counts that factorise
    0.0
    >>> round(g_statistic([[30, 10], [10, 30]]) / 160, 6)  # = I-hat, nats
    0.130812
    """
    table = _counts(counts)
    n = table.sum(axis=(-2, -1), keepdims=True)
    nx = table.sum(axis=-1, keepdims=True)
    ny = table.sum(axis=-2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(table > 0, table * n / (nx * ny), 1.0)
    g = 2.0 * np.sum(xlogy(table, ratio), axis=(-2, -1))
    return result(np.maximum(g, 0.0))


class GTest(NamedTuple):
    """The result of :func:`g_test`."""

    #: G = 2 N I-hat (I-hat in nats).
    statistic: float
    #: Degrees of freedom of the chi-squared null, (m_x - 1)(m_y - 1).
    dof: int
    #: P(chi2_dof >= G): the chance of a G this large under independence.
    pvalue: float
    #: The plug-in mutual information G / (2N), in bits.
    mi_bits: float


def g_test(counts: ArrayLike) -> GTest:
    r"""The G-test of independence of the two variables of a table of counts.

    Under independence, and for large :math:`N`,

    .. math::

        G = 2 N\, \hat I(X; Y) \;\dot\sim\; \chi^2_{(m_x - 1)(m_y - 1)}
        \quad (\hat I \text{ in nats})

    (Wilks 1938), so the p-value is the chi-squared upper tail at
    :math:`G`. The mean of that chi-squared law is its number of degrees of
    freedom, hence :math:`\mathbb{E}[\hat I] \approx (m_x - 1)(m_y -
    1)/(2N)` nats: the leading bias of the plug-in estimate. This is
    ``scipy.stats.chi2_contingency`` with ``lambda_="log-likelihood"``
    and ``correction=False``.

    Parameters
    ----------
    counts : array_like, shape (m_x, m_y)
        Non-negative counts, with no row or column of zeros (its
        variable's value was never seen, and the degrees of freedom would
        be wrong).

    Returns
    -------
    GTest
        ``statistic`` (G), ``dof``, ``pvalue`` and ``mi_bits``
        (:math:`\hat I = G / (2N)`, converted to bits).

    Examples
    --------
    >>> from kltools.mutual import g_test
    >>> res = g_test([[30, 10], [10, 30]])
    >>> res.dof, round(res.statistic, 4), f"{res.pvalue:.2e}"
    (1, 20.9299, '4.76e-06')
    """
    table = _counts(counts)
    if table.ndim != 2:
        raise ValueError(f"counts must be one 2-D table, got shape {table.shape}")
    if min(table.shape) < 2:
        raise ValueError(
            f"counts must have at least 2 rows and 2 columns, got {table.shape}"
        )
    if (table.sum(axis=1) == 0).any() or (table.sum(axis=0) == 0).any():
        raise ValueError("counts has a row or a column of zeros; drop it first")
    g = float(g_statistic(table))
    dof = (table.shape[0] - 1) * (table.shape[1] - 1)
    mi_bits = g / (2 * float(table.sum()) * math.log(2))
    return GTest(g, dof, float(stats.chi2.sf(g, dof)), mi_bits)


def normal_scores(x: ArrayLike) -> np.ndarray:
    r"""Rank-based normal scores of a sample: :math:`\Phi^{-1}(r_i / (N + 1))`.

    .. math::

        s_i = \Phi^{-1}\Big(\frac{r_i}{N + 1}\Big),

    with :math:`r_i` the rank of :math:`x_i` among the :math:`N` values
    (1 for the smallest; tied values share their average rank) and
    :math:`\Phi^{-1}` the standard normal quantile function. The scores
    depend on the sample only through its ranks, so they are the same for
    :math:`x` and for :math:`f(x)` with any strictly increasing :math:`f`:
    an estimator of mutual information fed with them gives exactly the same
    estimate for :math:`(X, Y)` and :math:`(f(X), g(Y))`, as the mutual
    information itself is the same. Their distribution is close to a
    standard normal whatever the distribution of :math:`x`.

    Parameters
    ----------
    x : array_like, shape (N,)
        A 1-D sample of finite values, at least two.

    Returns
    -------
    ndarray, shape (N,)
        The scores, dimensionless; symmetric about 0.

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.mutual import normal_scores
    >>> normal_scores([10.0, 30.0, 20.0]).round(4)  # ranks 1, 3, 2 of 3
    array([-0.6745,  0.6745,  0.    ])
    >>> x = np.array([0.3, -1.2, 2.5, 0.9])
    >>> bool(np.array_equal(normal_scores(x), normal_scores(np.exp(x))))
    True
    """
    arr = as_float_array(x, "x")
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(
            f"x must be a 1-D sample of at least 2 values, got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError("x must hold finite values")
    ranks = stats.rankdata(arr)
    return stats.norm.ppf(ranks / (arr.size + 1))


#: The noise of each pair of :func:`noisy_curve_sample` (its default): the
#: standard deviation of the radius of the circle, and of y about the
#: parabola and the sine wave.
CURVE_NOISE = {"circle": 0.05, "parabola": 0.05, "sine": 0.1}
_SHAPES = ("independent", *CURVE_NOISE)


def _curve_noise(shape: str, noise: float | None) -> float:
    """The checked noise of ``shape`` (0 for the independent pair)."""
    if shape not in _SHAPES:
        raise ValueError(f"shape must be one of {_SHAPES}, got {shape!r}")
    if shape == "independent":
        if noise is not None:
            raise ValueError("the independent pair has no noise to set")
        return 0.0
    value = CURVE_NOISE[shape] if noise is None else noise
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        raise TypeError(f"noise must be a real number, got {noise!r}")
    value = float(value)
    top = 0.1 if shape == "circle" else 1.0
    if not 0.01 <= value <= top:
        raise ValueError(
            f"noise of the {shape} must be in [0.01, {top}], got {noise!r}"
        )
    return value


def noisy_curve_sample(
    shape: str, n: int, rng: np.random.Generator, *, noise: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""``n`` pairs (x, y) linked along a curve, plus Gaussian noise.

    The four pairs the chapter on mutual information sets against Pearson's
    correlation, each with correlation exactly 0 and (but for the first)
    a strong link:

    - ``"independent"``: two independent standard normals;
    - ``"circle"``: :math:`(R \cos\Theta, R \sin\Theta)` with
      :math:`\Theta` uniform on :math:`[0, 2\pi)` and radius
      :math:`R = 1 + \sigma Z`;
    - ``"parabola"``: :math:`x` uniform on :math:`[-1, 1]`,
      :math:`y = x^2 + \sigma Z`;
    - ``"sine"``: :math:`x` uniform on :math:`[\pi/2, 9\pi/2]` (two
      periods, symmetric about the middle), :math:`y = \sin x + \sigma Z`;

    :math:`Z` standard normal, :math:`\sigma` = ``noise``.
    :func:`noisy_curve_mutual_information` gives their exact mutual
    information.

    Parameters
    ----------
    shape : {"independent", "circle", "parabola", "sine"}
        The kind of link.
    n : int
        Number of pairs.
    rng : numpy.random.Generator
        The source of randomness (seed it for reproducible pairs).
    noise : float, optional
        :math:`\sigma`; default :data:`CURVE_NOISE` of the shape. In
        [0.01, 1], and at most 0.1 for the circle (so that the radius is
        positive but with a chance below :math:`10^{-23}`), the range on
        which :func:`noisy_curve_mutual_information` computes the exact
        value. Not allowed for ``"independent"``.

    Returns
    -------
    x, y : ndarray, shape (n,)
        The pairs, dimensionless.

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.mutual import noisy_curve_sample
    >>> x, y = noisy_curve_sample("circle", 5, np.random.default_rng(0))
    >>> np.sqrt(x**2 + y**2).round(2)  # radii near 1
    array([1.02, 1.07, 1.05, 0.96, 0.94])
    """
    sigma = _curve_noise(shape, noise)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, got {rng!r}")
    if shape == "independent":
        return rng.normal(size=n), rng.normal(size=n)
    if shape == "circle":
        angle = rng.uniform(0, 2 * np.pi, n)
        radius = 1 + sigma * rng.normal(size=n)
        return radius * np.cos(angle), radius * np.sin(angle)
    if shape == "parabola":
        x = rng.uniform(-1, 1, n)
        return x, x**2 + sigma * rng.normal(size=n)
    x = rng.uniform(np.pi / 2, 9 * np.pi / 2, n)
    return x, np.sin(x) + sigma * rng.normal(size=n)


def _normal_pdf(z: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(-0.5 * (z / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))


def _grid_entropy(lo: float, hi: float, step: float, density) -> float:
    """Differential entropy (nats) of a density on [lo, hi], by trapezoid.

    The densities here are smooth and negligible at both ends, where the
    trapezoid rule converges faster than any power of the step.
    """
    t = np.linspace(lo, hi, math.ceil((hi - lo) / step) + 1)
    p = density(t)
    return float(-np.sum(xlogy(p, p)) * (t[1] - t[0]))


def noisy_curve_mutual_information(
    shape: str, *, noise: float | None = None, base: float = 2
) -> float:
    r"""Exact :math:`I(X; Y)` of the pairs of :func:`noisy_curve_sample`, by quadrature.

    For the parabola and the sine wave, :math:`Y = f(X) + \sigma Z`, so
    :math:`h(Y \mid X)` is the entropy :math:`\tfrac12 \log(2\pi e\sigma^2)`
    of the noise and :math:`I = h(Y) - \tfrac12 \log(2\pi e \sigma^2)`, with
    the density of :math:`Y` an average of normal densities,
    :math:`p(y) = \int_0^1 \varphi_\sigma(y - u^2)\, du` (parabola) or
    :math:`\frac1{2\pi} \int_0^{2\pi} \varphi_\sigma(y - \sin t)\, dt`
    (sine). For the circle :math:`I = h(X) + h(Y) - h(X, Y)` with
    :math:`h(X) = h(Y)` by symmetry; in polar coordinates
    :math:`h(X, Y) = h(R) + \log 2\pi + \mathbb{E}[\log R]`, and

    .. math::

        p(x) = \frac1\pi \int_0^\infty
               \frac{\varphi_\sigma\bigl(\sqrt{x^2 + s^2} - 1\bigr)}
                    {\sqrt{x^2 + s^2}}\, ds .

    Every integral is computed on a grid of step :math:`\sigma / 8` or
    finer, with Gauss-Legendre nodes on panels of :math:`[0, 1]` and the
    trapezoid rule elsewhere; halving the step changes the result by less than
    :math:`10^{-12}` bits at the default noises. As :math:`\sigma \to 0` the
    joint law concentrates on the curve and :math:`I \to \infty`.

    Parameters
    ----------
    shape : {"independent", "circle", "parabola", "sine"}
        The kind of link, as in :func:`noisy_curve_sample`; the
        independent pair has :math:`I = 0`.
    noise : float, optional
        :math:`\sigma`, as in :func:`noisy_curve_sample`.
    base : float, optional
        Units: 2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float
        :math:`I(X; Y)` in units of ``log(base)``.

    Examples
    --------
    >>> from kltools.mutual import noisy_curve_mutual_information
    >>> round(noisy_curve_mutual_information("parabola"), 3)
    2.279
    >>> round(noisy_curve_mutual_information("sine", noise=0.05), 3)  # thinner: more
    3.298
    """
    nats = log_base(base)
    sigma = _curve_noise(shape, noise)
    if shape == "independent":
        return 0.0
    step, pad = sigma / 8, 12 * sigma  # the densities vanish 12 sigma out
    h_noise = 0.5 * math.log(2 * math.pi * math.e * sigma**2)
    if shape == "parabola":
        # 16-point Gauss-Legendre on panels of [0, 1], nodes about step / 2 apart
        g, gw = np.polynomial.legendre.leggauss(16)
        panels = max(4, math.ceil(1 / (8 * step)))
        left = np.arange(panels)[:, None] / panels
        u = (left + 0.5 * (g + 1) / panels).ravel()
        w = np.tile(0.5 * gw / panels, panels)
        h_y = _grid_entropy(
            -pad, 1 + pad, step, lambda y: _normal_pdf(y[:, None] - u**2, sigma) @ w
        )
        return (h_y - h_noise) / nats
    if shape == "sine":
        t = np.arange(max(64, math.ceil(2 * math.pi / step))) * (2 * math.pi)
        t /= t.size
        h_y = _grid_entropy(
            -1 - pad,
            1 + pad,
            step,
            lambda y: _normal_pdf(y[:, None] - np.sin(t), sigma).mean(axis=1),
        )
        return (h_y - h_noise) / nats
    # circle: the integrand of p(x) is even in s, so the trapezoid rule on
    # [0, 1 + pad] (half weight at 0) is accurate to all orders
    s = np.linspace(0, 1 + pad, math.ceil((1 + pad) / step) + 1)
    ws = np.full(s.size, s[1] - s[0])
    ws[0] /= 2

    def p_x(x: np.ndarray) -> np.ndarray:
        r = np.hypot(x[:, None], s)
        # drop r = 0, where the radius (a normal, so with a tail below 0)
        # has a density of order exp(-1 / (2 sigma^2)) < 1e-21
        ratio = np.divide(
            _normal_pdf(r - 1, sigma), r, out=np.zeros_like(r), where=r > 0
        )
        return ratio @ ws / math.pi

    h_x = _grid_entropy(-1 - pad, 1 + pad, step, p_x)
    z = np.linspace(-9, 9, 1801)  # E[log R], R = 1 + sigma Z > 0.1 on this range
    e_log_r = float(np.sum(_normal_pdf(z, 1.0) * np.log1p(sigma * z)) * (z[1] - z[0]))
    h_xy = h_noise + math.log(2 * math.pi) + e_log_r
    return (2 * h_x - h_xy) / nats
