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
entropy of the belief :math:`H(\pi_t)`. The surprise is computed from its
decomposition into surprisal minus the expected surprisal under the new
belief,

.. math::

    D(\pi_t \,\|\, \pi_t^-) = \sum_\theta \pi_t(\theta) \log p(x_t \mid \theta)
    - \log p(x_t),

which is exact (Bayes' rule makes :math:`\pi_t / \pi_t^- = p(x_t \mid \theta)
/ p(x_t)`) and costs one dot product per observation; the tests check it
against :func:`kltools.bayesian_surprise`. The surprisal and the entropy
come from :func:`kltools.surprisal` and :func:`kltools.entropy`.
With ``hazard=0`` it is Bayes' rule on a grid with a uniform prior, which
approaches :class:`kltools.BetaBernoulli` ``(1, 1)`` as the grid is refined.
With ``hazard > 0`` it is the exact Bayesian filter, on the grid, for a rate
that is redrawn from the uniform prior with probability ``h`` before each
observation: the constant-hazard change-point model of Adams and MacKay
(2007, "Bayesian online changepoint detection"), summed over the time since
the last change. Many streams can be tracked at once (one per row).

:func:`window_totals` and :func:`change_detected` score a per-observation
statistic (surprise, surprisal, entropy) as a detector of a change at a
known time, judging every statistic on the same windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from ._validation import as_finite, log_base
from .discrete import entropy, surprisal

__all__ = ["BeliefTrack", "change_detected", "track_bernoulli", "window_totals"]

_TINY = np.finfo(np.float64).tiny  # smallest normal float64


@dataclass(frozen=True)
class BeliefTrack:
    """What a belief did, one row per observation (see :func:`track_bernoulli`).

    For a batch of streams (observations of shape ``(m, n)``) every array
    below gains a leading axis of length ``m``.

    Attributes
    ----------
    grid : ndarray, shape (n_grid,)
        The hypotheses :math:`\\theta`, midpoints of equal cells of [0, 1].
    beliefs : ndarray, shape (n, n_grid), or None
        The belief after each observation (None if not kept).
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
    beliefs: np.ndarray | None
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
    keep_beliefs: bool = True,
) -> BeliefTrack:
    r"""Track a belief about a Bernoulli rate that may change, flip by flip.

    Starts from the uniform belief on ``n_grid`` hypotheses
    :math:`\theta_i = (i + \tfrac12)/n_{\text{grid}}` and applies the
    forget-then-update step of the module docstring to each observation.

    Parameters
    ----------
    observations : array_like, shape (n,) or (m, n)
        A non-empty sequence of 0s and 1s, in order; or ``m`` such streams,
        one per row, each tracked by its own belief.
    hazard : float, optional
        Probability :math:`h \in [0, 1)` that the rate is redrawn before an
        observation; 0 (default) is plain Bayesian updating.
    n_grid : int, optional
        Number of hypotheses, at least 2 (default 200).
    base : float, optional
        Units of surprise, surprisal and entropy: 2 (default) gives bits,
        ``math.e`` nats.
    keep_beliefs : bool, optional
        Keep the belief after every observation (default True). For many
        long streams that is ``m * n * n_grid`` numbers; pass False to keep
        only the per-observation summaries (``beliefs`` is then None).

    Returns
    -------
    BeliefTrack
        Beliefs, surprise, surprisal, entropy and mean, one row per
        observation (one more leading axis for a batch of streams).

    Examples
    --------
    A first head moves a uniform belief by about 0.279 bits, the
    :class:`~kltools.BetaBernoulli` value :math:`1 - 1/(2 \ln 2)`, and has
    surprisal 1 bit:

    >>> from kltools import beliefs
    >>> track = beliefs.track_bernoulli([1], n_grid=1000)
    >>> round(float(track.surprise[0]), 4), round(float(track.surprisal[0]), 4)
    (0.2787, 1.0)

    Two streams at once; each row is tracked as if it were alone:

    >>> both = beliefs.track_bernoulli([[1, 1], [0, 1]], keep_beliefs=False)
    >>> both.surprise.shape, both.beliefs is None
    ((2, 2), True)
    """
    lb = log_base(base)
    x = as_finite(observations, "observations")
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ValueError(
            "observations must be a 1-D sequence or a 2-D array of streams (one "
            f"per row), got shape {x.shape}"
        )
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

    single = x.ndim == 1
    X = x[None, :] if single else x
    m, n = X.shape
    grid = (np.arange(n_grid) + 0.5) / n_grid
    likelihood = np.stack([1 - grid, grid])  # row 0: P(0 | theta), row 1: P(1 | theta)
    log_lik = np.log(likelihood)  # finite: the grid avoids 0 and 1
    uniform = np.full(n_grid, 1.0 / n_grid)
    out = {k: np.empty((m, n)) for k in ("surprise", "surprisal", "entropy", "mean")}
    posts = np.empty((m, n, n_grid)) if keep_beliefs else None
    belief = np.broadcast_to(uniform, (m, n_grid))
    for t in range(n):
        prior = (1 - h) * belief + h * uniform
        xt = X[:, t].astype(np.intp)
        joint = prior * likelihood[xt]
        predictive = joint.sum(axis=1)
        belief = joint / predictive[:, None]
        # flush subnormal beliefs (< 2.2e-308) to 0: they change no sum, and
        # arithmetic on them is many times slower than on normal numbers
        belief[belief < _TINY] = 0.0
        # D(belief || prior) = E_belief[log p(x | theta)] - log p(x), exactly
        expected_log_lik = np.einsum("ij,ij->i", belief, log_lik[xt])
        nats = np.maximum(expected_log_lik - np.log(predictive), 0.0)
        out["surprise"][:, t] = nats / lb
        out["surprisal"][:, t] = surprisal(predictive, base=base)
        out["entropy"][:, t] = entropy(belief, base=base)
        out["mean"][:, t] = belief @ grid
        if posts is not None:
            posts[:, t] = belief
    if single:
        out = {k: v[0] for k, v in out.items()}
        posts = None if posts is None else posts[0]
    return BeliefTrack(grid=grid, beliefs=posts, **out)


def window_totals(values: ArrayLike, width: int) -> np.ndarray:
    """Totals of ``width`` consecutive values along the last axis.

    ``out[..., j] = values[..., j] + ... + values[..., j + width - 1]``: the
    window that ends at observation ``j + width`` (counting from 1). With
    ``width=1`` the values themselves.

    Parameters
    ----------
    values : array_like, shape (..., n)
        Finite numbers, one per observation (a batch of streams broadcasts).
    width : int
        Window length, ``1 <= width <= n``.

    Returns
    -------
    ndarray, shape (..., n - width + 1)

    Examples
    --------
    >>> window_totals([1.0, 2.0, 3.0, 4.0], 2).tolist()
    [3.0, 5.0, 7.0]
    """
    v = as_finite(values, "values")
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)):
        raise TypeError(f"width must be an integer, got {width!r}")
    if v.ndim == 0 or not 1 <= width <= v.shape[-1]:
        n = v.shape[-1] if v.ndim else 0
        raise ValueError(
            f"width must be between 1 and the {n} observations, got {width}"
        )
    return sliding_window_view(v, int(width), axis=-1).sum(axis=-1)


def change_detected(
    statistic: ArrayLike,
    change_at: int,
    *,
    width: int = 1,
    skip: int = 0,
    horizon: int = 40,
) -> np.ndarray | bool:
    """Whether a statistic is loudest just after a known change, stream by stream.

    The statistic (one value per observation) is totalled over windows of
    ``width`` consecutive observations (:func:`window_totals`). The windows
    *before* are those lying wholly within observations ``skip + 1`` to
    ``change_at`` (counting from 1); the windows *after* are those ending at
    one of the ``horizon`` observations after the change (so a wide window
    may straddle it). A stream counts as a detection when its largest total
    after exceeds its largest total before: an alarm threshold set just
    above everything seen before the change would then ring within
    ``horizon`` observations of it, with no false alarm. Every contender
    judged this way is judged on the same windows.

    Parameters
    ----------
    statistic : array_like, shape (..., n)
        One value per observation; leading axes are a batch of streams.
    change_at : int
        Number of observations before the change.
    width : int, optional
        Window length (default 1: single observations).
    skip : int, optional
        Observations left out at the start, while every belief is vague
        (default 0).
    horizon : int, optional
        How many observations after the change may ring the alarm
        (default 40).

    Returns
    -------
    bool or ndarray of bool, shape (...)

    Examples
    --------
    >>> change_detected([0.0, 1.0, 0.0, 0.0, 2.0, 0.0], 3, horizon=2)
    True
    >>> change_detected([0.0, 3.0, 0.0, 0.0, 2.0, 0.0], 3, horizon=2)
    False
    >>> change_detected([[0, 3, 0, 0, 2, 2]], 3, width=2, horizon=3).tolist()
    [True]
    """
    v = as_finite(statistic, "statistic")
    n = v.shape[-1] if v.ndim else 0
    for name, val in (
        ("change_at", change_at),
        ("width", width),
        ("skip", skip),
        ("horizon", horizon),
    ):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {val!r}")
    if width < 1 or horizon < 1 or skip < 0:
        raise ValueError(
            f"need width >= 1, horizon >= 1 and skip >= 0, got width={width}, "
            f"horizon={horizon}, skip={skip}"
        )
    if skip + width > change_at or change_at + horizon > n:
        raise ValueError(
            f"need skip + width <= change_at and change_at + horizon <= n: got "
            f"skip={skip}, width={width}, change_at={change_at}, horizon={horizon} "
            f"for {n} observations"
        )
    totals = window_totals(v, width)
    before = totals[..., skip : change_at - width + 1].max(axis=-1)
    after = totals[..., change_at - width + 1 : change_at + horizon - width + 1]
    found = after.max(axis=-1) > before
    return bool(found) if np.ndim(found) == 0 else found
