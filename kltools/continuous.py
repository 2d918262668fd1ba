"""Closed-form KL divergences between parametric distributions.

Parameters broadcast elementwise (numpy rules) and results are in units of
``log(base)``, bits by default, like every measure in :mod:`kltools`.
Invalid parameters (a non-positive scale, rate or concentration) raise
``ValueError`` naming the argument.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_finite, broadcast, log_base, result

__all__ = ["vae_kl"]


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
