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
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_float_array, log_base, result
from .discrete import entropy
from .joint import joint_entropy

__all__ = [
    "column_entropies",
    "gaussian_mutual_information",
    "linfoot_correlation",
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
