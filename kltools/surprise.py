"""Bayesian surprise: how far an observation moves a belief.

Itti and Baldi (2005) measure the surprise of data as the KL divergence of
the posterior belief from the prior one.  Later issues add conjugate models
that update one observation at a time; the discrete measure lives here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .discrete import _kl

__all__ = ["bayesian_surprise"]


def bayesian_surprise(
    prior: ArrayLike,
    posterior: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Bayesian surprise of an update from ``prior`` to ``posterior``.

    .. math::

        S = D(\text{posterior} \,\|\, \text{prior})
          = \sum_i \pi'_i \log \frac{\pi'_i}{\pi_i}

    The posterior comes first inside the divergence: surprise is measured in
    the coordinates of the new belief. It is infinite when the posterior puts
    weight where the prior put none.

    Parameters
    ----------
    prior, posterior : array_like
        Beliefs over the same hypotheses, along ``axis``; leading axes
        broadcast.
    axis, base, normalize
        As in :func:`kltools.entropy`.

    Returns
    -------
    float or ndarray
        The surprise in units of ``log(base)`` (bits by default).

    Examples
    --------
    A prior that gave black swans 1 % meets a black swan:

    >>> import kltools as kt
    >>> kt.bayesian_surprise(prior=[0.01, 0.99], posterior=[1, 0])
    6.643856189774724
    >>> kt.bayesian_surprise(prior=[0.5, 0.5], posterior=[1, 0])
    1.0
    """
    return _kl(
        posterior,
        prior,
        ("posterior", "prior"),
        axis=axis,
        base=base,
        normalize=normalize,
    )
