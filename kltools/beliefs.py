r"""Beliefs that can notice a change: a Bernoulli rate tracked on a grid.

The conjugate models of ``kltools.surprise`` assume the coin never
changes, so after many flips their belief is too firm to move much. The
tracker here keeps a belief about a Bernoulli rate :math:`\theta` on a grid
of hypotheses and, before each observation, lets it leak towards the
uniform belief with probability ``hazard`` (the chance that the rate has
just been redrawn, a simple change-point model):

.. math::

    \pi_t^- = (1 - h)\,\pi_{t-1} + h\,u, \qquad
    \pi_t(\theta) = \frac{\pi_t^-(\theta)\, \theta^{x_t} (1 - \theta)^{1 - x_t}}
                         {p(x_t)}, \qquad
    p(x_t) = \sum_\theta \pi_t^-(\theta)\, \theta^{x_t} (1 - \theta)^{1 - x_t}.

For each observation it reports the Bayesian surprise
:math:`D(\pi_t \,\|\, \pi_t^-)`, the surprisal :math:`-\log p(x_t)` and the
entropy of the belief :math:`H(\pi_t)`, all computed with
:func:`kltools.entropy` and its relatives.
With ``hazard=0`` it is Bayes' rule on a grid with a uniform prior, which
approaches :class:`kltools.BetaBernoulli` ``(1, 1)`` as the grid is refined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_finite, log_base
from .discrete import entropy, surprisal
from .surprise import bayesian_surprise

__all__ = ["BeliefTrack", "track_bernoulli"]


@dataclass(frozen=True)
class BeliefTrack:
    """What a belief did, one row per observation (see :func:`track_bernoulli`).

    Attributes
    ----------
    grid : ndarray, shape (n_grid,)
        The hypotheses :math:`\\theta`, midpoints of equal cells of [0, 1].
    beliefs : ndarray, shape (n, n_grid)
        The belief after each observation.
    surprise : ndarray, shape (n,)
        Bayesian surprise of each observation, :math:`D(\\pi_t \\| \\pi_t^-)`.
    surprisal : ndarray, shape (n,)
        Surprisal of each observation, :math:`-\\log p(x_t)`.
    entropy : ndarray, shape (n,)
        Entropy of the grid belief after each observation.
    mean : ndarray, shape (n,)
        Mean of :math:`\\theta` under the belief after each observation.
    """

    grid: np.ndarray
    beliefs: np.ndarray
    surprise: np.ndarray
    surprisal: np.ndarray
    entropy: np.ndarray
    mean: np.ndarray


def track_bernoulli(
    observations: ArrayLike,
    *,
    hazard: float = 0.0,
    n_grid: int = 200,
    base: float = 2,
) -> BeliefTrack:
    r"""Track a belief about a Bernoulli rate that may change, flip by flip.

    Starts from the uniform belief on ``n_grid`` hypotheses
    :math:`\theta_i = (i + \tfrac12)/n_{\text{grid}}` and applies the
    forget-then-update step of the module docstring to each observation.

    Parameters
    ----------
    observations : array_like, shape (n,)
        A non-empty sequence of 0s and 1s, in order.
    hazard : float, optional
        Probability :math:`h \in [0, 1)` that the rate is redrawn before an
        observation; 0 (default) is plain Bayesian updating.
    n_grid : int, optional
        Number of hypotheses, at least 2 (default 200).
    base : float, optional
        Units of surprise, surprisal and entropy: 2 (default) gives bits,
        ``math.e`` nats.

    Returns
    -------
    BeliefTrack
        Beliefs, surprise, surprisal, entropy and mean, one row per
        observation.

    Examples
    --------
    A first head moves a uniform belief by about 0.279 bits, the
    :class:`~kltools.BetaBernoulli` value :math:`1 - 1/(2 \ln 2)`, and has
    surprisal 1 bit:

    >>> from kltools import beliefs
    >>> track = beliefs.track_bernoulli([1], n_grid=1000)
    >>> round(float(track.surprise[0]), 4), round(float(track.surprisal[0]), 4)
    (0.2787, 1.0)
    """
    log_base(base)
    x = as_finite(observations, "observations")
    if x.ndim != 1:
        raise ValueError(f"observations must be a 1-D sequence, got shape {x.shape}")
    if ((x != 0) & (x != 1)).any():
        bad = x[(x != 0) & (x != 1)][0]
        raise ValueError(f"observations must be 0 or 1, got {bad:g}")
    h = float(as_finite(hazard, "hazard"))
    if not 0 <= h < 1:
        raise ValueError(f"hazard must be in [0, 1), got {hazard!r}")
    if isinstance(n_grid, bool) or not isinstance(n_grid, (int, np.integer)):
        raise TypeError(f"n_grid must be an integer, got {n_grid!r}")
    if n_grid < 2:
        raise ValueError(f"n_grid must be at least 2, got {n_grid}")

    grid = (np.arange(n_grid) + 0.5) / n_grid
    uniform = np.full(n_grid, 1.0 / n_grid)
    priors = np.empty((x.size, n_grid))
    posts = np.empty((x.size, n_grid))
    predictive = np.empty(x.size)
    belief = uniform
    for t, xt in enumerate(x):
        prior = (1 - h) * belief + h * uniform
        joint = prior * (grid if xt == 1 else 1 - grid)
        predictive[t] = joint.sum()
        belief = joint / predictive[t]
        priors[t], posts[t] = prior, belief
    return BeliefTrack(
        grid=grid,
        beliefs=posts,
        surprise=np.atleast_1d(bayesian_surprise(priors, posts, base=base)),
        surprisal=np.atleast_1d(surprisal(predictive, base=base)),
        entropy=np.atleast_1d(entropy(posts, base=base)),
        mean=posts @ grid,
    )
