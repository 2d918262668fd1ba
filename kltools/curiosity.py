r"""Curiosity: information gain as the reward of an exploring agent.

An agent that holds a Bayesian belief about its world can score an action
by how much it expects the next observation to change that belief
:cite:p:`sun2011`. For a belief :math:`p(\theta)` and an observation
:math:`Y` whose distribution depends on :math:`\theta`, the *expected
information gain* is the expected Bayesian surprise,

.. math::

    G = \mathbb{E}_{y \sim p(y)}\Big[D\big(p(\theta \mid y) \,\|\,
        p(\theta)\big)\Big] = I(Y; \Theta),

the mutual information between the observation and the parameter.

This module works it out for the Beta-Bernoulli model of
:class:`kltools.BetaBernoulli` (one unknown success probability per arm),
in closed form, and runs small multi-armed Bernoulli bandits in which an
agent chooses arms by information gain, at random or in turn.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betaln, digamma

from ._validation import as_positive, as_probability, broadcast, log_base, result
from .continuous import bernoulli_kl, beta_kl

__all__ = [
    "POLICIES",
    "BanditRun",
    "expected_information_gain",
    "information_gain_entropy_form",
    "run_bandit",
    "stepwise_information_gains",
    "total_information_gain",
]

#: The arm-choosing rules :func:`run_bandit` knows.
POLICIES = ("information", "random", "round_robin")


def _beta_params(a: ArrayLike, b: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    return tuple(broadcast((as_positive(a, "a"), "a"), (as_positive(b, "b"), "b")))


def expected_information_gain(
    a: ArrayLike, b: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""Expected Bayesian surprise of one Bernoulli observation under Beta(a, b).

    .. math::

        G(a, b) = \frac{a}{a + b}\, D\big(\mathrm{Beta}(a + 1, b) \,\|\,
        \mathrm{Beta}(a, b)\big) + \frac{b}{a + b}\, D\big(\mathrm{Beta}(a,
        b + 1) \,\|\, \mathrm{Beta}(a, b)\big)

    The weights are the predictive probabilities of a success and a
    failure; the divergences come from :func:`kltools.beta_kl`. ``G`` equals
    the mutual information :math:`I(Y; \Theta)`
    (:func:`information_gain_entropy_form` computes it that way).

    Parameters
    ----------
    a, b : array_like
        Beta parameters (``> 0``) of the current belief; they broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The expected information gain in units of ``log(base)``.

    Examples
    --------
    >>> import kltools as kt
    >>> from kltools import curiosity
    >>> round(curiosity.expected_information_gain(1, 1), 6)  # 1 - 1/(2 ln 2)
    0.278652
    >>> curiosity.expected_information_gain([1, 10], [1, 10]).round(4)
    array([0.2787, 0.0352])
    """
    a, b = _beta_params(a, b)
    nats = log_base(base)
    m = a / (a + b)
    g = m * beta_kl(a + 1, b, a, b, base=np.e) + (1 - m) * beta_kl(
        a, b + 1, a, b, base=np.e
    )
    return result(np.maximum(g, 0.0) / nats)


def _gain_nats(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unchecked I(Y; Θ) in nats for valid arrays (the bandit's inner loop)."""
    m = a / (a + b)
    s = digamma(a + b + 1)
    h_y = -(m * np.log(m) + (1 - m) * np.log1p(-m))
    return h_y + m * (digamma(a + 1) - s) + (1 - m) * (digamma(b + 1) - s)


def information_gain_entropy_form(
    a: ArrayLike, b: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""The mutual information I(Y; Θ) under Beta(a, b), as H(Y) - E[H(Y | Θ)].

    With :math:`m = a / (a + b)` the predictive probability of a success,
    :math:`H(Y) = -m \ln m - (1 - m) \ln(1 - m)`, and the expected entropy
    of a Bernoulli(:math:`\theta`) outcome is, with :math:`\psi` the
    digamma function,

    .. math::

        \mathbb{E}[H(Y \mid \Theta)] = -m\,[\psi(a + 1) - \psi(a + b + 1)]
        - (1 - m)\,[\psi(b + 1) - \psi(a + b + 1)]

    (from :math:`\mathbb{E}[\Theta \ln \Theta] = m\,[\psi(a + 1) -
    \psi(a + b + 1)]`). An independent route to the number
    :func:`expected_information_gain` computes.

    Parameters
    ----------
    a, b : array_like
        Beta parameters (``> 0``); they broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        :math:`I(Y; \Theta)` in units of ``log(base)``.

    Examples
    --------
    >>> from kltools import curiosity
    >>> round(curiosity.information_gain_entropy_form(1, 1), 6)
    0.278652
    """
    a, b = _beta_params(a, b)
    nats = log_base(base)
    m = a / (a + b)
    h_y = -(m * np.log(m) + (1 - m) * np.log1p(-m))
    s = digamma(a + b + 1)
    h_given = -(m * (digamma(a + 1) - s) + (1 - m) * (digamma(b + 1) - s))
    return result(np.maximum(h_y - h_given, 0.0) / nats)


def _beta_binomial_pmf(a: float, b: float, n: int) -> np.ndarray:
    """P(K = k) for k = 0..n successes in n draws under a Beta(a, b) belief."""
    k = np.arange(n + 1)
    log_choose = -np.log(n + 1) - betaln(k + 1, n - k + 1)
    logp = log_choose + betaln(a + k, b + n - k) - betaln(a, b)
    p = np.exp(logp)
    return p / p.sum()


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return int(n)


def _scalar(x: ArrayLike, name: str) -> float:
    arr = as_positive(x, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr)


def total_information_gain(a: float, b: float, n: int, *, base: float = 2) -> float:
    r"""I(Y_1, ..., Y_n; Θ): the expected divergence of the final belief from the prior.

    .. math::

        I(Y_{1:n}; \Theta) = \mathbb{E}\Big[D\big(\mathrm{Beta}(a + K,
        b + n - K) \,\|\, \mathrm{Beta}(a, b)\big)\Big]

    with :math:`K` the number of successes in :math:`n` draws, which under
    the prior is beta-binomial (the posterior depends on the data only
    through :math:`K`).

    Parameters
    ----------
    a, b : float
        Prior Beta parameters, ``> 0``.
    n : int
        Number of observations, ``>= 1``.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float
        The mutual information in units of ``log(base)``.

    Examples
    --------
    >>> from kltools import curiosity
    >>> round(curiosity.total_information_gain(1, 1, 1), 6)
    0.278652
    """
    a, b, n = _scalar(a, "a"), _scalar(b, "b"), _check_n(n)
    nats = log_base(base)
    k = np.arange(n + 1)
    d = beta_kl(a + k, b + n - k, a, b, base=np.e)
    return float(np.dot(_beta_binomial_pmf(a, b, n), d) / nats)


def stepwise_information_gains(
    a: float, b: float, n: int, *, base: float = 2
) -> np.ndarray:
    r"""I(Y_t; Θ | Y_1, ..., Y_{t-1}) for t = 1, ..., n: expected gain of each step.

    .. math::

        I(Y_t; \Theta \mid Y_{<t}) = \mathbb{E}_{K_{t-1}}\big[
        G(a + K_{t-1},\ b + t - 1 - K_{t-1})\big]

    with :math:`G` from :func:`expected_information_gain` and
    :math:`K_{t-1}` the beta-binomial number of successes before step
    :math:`t`. By the chain rule of mutual information the entries add up to
    :func:`total_information_gain`.

    Parameters
    ----------
    a, b : float
        Prior Beta parameters, ``> 0``.
    n : int
        Number of steps, ``>= 1``.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    ndarray, shape (n,)
        The expected gain of each step in units of ``log(base)``.

    Examples
    --------
    >>> from kltools import curiosity
    >>> gains = curiosity.stepwise_information_gains(1, 1, 3)
    >>> gains.round(4)
    array([0.2787, 0.1969, 0.1528])
    >>> import math
    >>> math.isclose(gains.sum(), curiosity.total_information_gain(1, 1, 3))
    True
    """
    a, b, n = _scalar(a, "a"), _scalar(b, "b"), _check_n(n)
    log_base(base)
    out = np.empty(n)
    for t in range(n):
        k = np.arange(t + 1)
        g = expected_information_gain(a + k, b + t - k, base=base)
        out[t] = np.dot(_beta_binomial_pmf(a, b, t), np.atleast_1d(g))
    return out


class BanditRun:
    """The record of one bandit run (see :func:`run_bandit`).

    Attributes
    ----------
    arms : ndarray of int, shape (n_steps,)
        The arm pulled at each step.
    outcomes : ndarray of int, shape (n_steps,)
        What it returned, 0 or 1.
    a, b : ndarray, shape (n_steps + 1, n_arms)
        The Beta belief about every arm before the first step (row 0) and
        after each step.
    model_error : ndarray, shape (n_steps + 1,)
        Sum over arms of :math:`D(\\mathrm{Bernoulli}(\\theta_k) \\,\\|\\,
        \\mathrm{Bernoulli}(a_k / (a_k + b_k)))` in bits: how far the
        agent's predictions are from the truth, before and after each step.
    gains : ndarray, shape (n_steps,)
        The Bayesian surprise of each step's observation, in bits.
    """

    def __init__(self, arms, outcomes, a, b, model_error, gains):
        self.arms, self.outcomes = arms, outcomes
        self.a, self.b = a, b
        self.model_error, self.gains = model_error, gains

    def __repr__(self) -> str:
        return (
            f"BanditRun(n_steps={self.arms.size}, n_arms={self.a.shape[1]}, "
            f"final model_error={self.model_error[-1]:.4g} bits)"
        )


def run_bandit(
    true_p: ArrayLike,
    policy: str,
    n_steps: int,
    *,
    prior_a: ArrayLike = 1.0,
    prior_b: ArrayLike = 1.0,
    seed: int = 0,
) -> BanditRun:
    r"""Let an agent learn a multi-armed Bernoulli bandit for ``n_steps`` pulls.

    Arm :math:`k` pays 1 with the unknown probability ``true_p[k]``. The
    agent holds a Beta(``a_k``, ``b_k``) belief about each arm, starting
    from the prior, and updates it after each pull. Policies:

    * ``"information"``: pull the arm with the largest
      :func:`expected_information_gain` (the first such arm on ties);
    * ``"random"``: pull an arm uniformly at random;
    * ``"round_robin"``: pull arms 0, 1, 2, ... in turn.

    Deterministic for a given ``seed`` (``numpy.random.default_rng``).

    Parameters
    ----------
    true_p : array_like, shape (n_arms,)
        The arms' success probabilities, in [0, 1]; at least two arms.
    policy : {"information", "random", "round_robin"}
        How the agent chooses.
    n_steps : int
        Number of pulls, ``>= 1``.
    prior_a, prior_b : array_like, optional
        Prior Beta parameters (``> 0``), one per arm or one for all
        (default 1, uniform).
    seed : int, optional
        Seed of the outcomes (and of the random policy's choices).

    Returns
    -------
    BanditRun
        Arms, outcomes, beliefs, model error and surprises, step by step.

    Examples
    --------
    >>> from kltools import curiosity
    >>> run = curiosity.run_bandit([0.2, 0.5, 0.9], "round_robin", 6, seed=1)
    >>> run.arms
    array([0, 1, 2, 0, 1, 2])
    >>> bool(run.model_error[-1] < run.model_error[0])
    True
    """
    p = as_probability(true_p, "true_p")
    if p.ndim != 1 or p.size < 2:
        raise ValueError(
            f"true_p must be a 1-D array of >= 2 arms, got shape {p.shape}"
        )
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    n_steps = _check_n(n_steps)
    k = p.size
    a = np.broadcast_to(as_positive(prior_a, "prior_a"), (k,)).astype(float)
    b = np.broadcast_to(as_positive(prior_b, "prior_b"), (k,)).astype(float)
    rng = np.random.default_rng(seed)
    draws = rng.random(n_steps)  # outcome of step t is draws[t] < p[arm]
    choices = rng.integers(k, size=n_steps)  # used by the random policy
    arms = np.empty(n_steps, dtype=int)
    outcomes = np.empty(n_steps, dtype=int)
    a_path = np.empty((n_steps + 1, k))
    b_path = np.empty((n_steps + 1, k))
    a_path[0], b_path[0] = a, b
    gain = _gain_nats(a, b)  # expected gain of each arm, updated as arms move
    for t in range(n_steps):
        if policy == "information":
            arm = int(np.argmax(gain))
        elif policy == "random":
            arm = int(choices[t])
        else:
            arm = t % k
        y = int(draws[t] < p[arm])
        a[arm] += y
        b[arm] += 1 - y
        gain[arm] = _gain_nats(a[arm], b[arm])
        arms[t], outcomes[t] = arm, y
        a_path[t + 1], b_path[t + 1] = a, b
    steps = np.arange(n_steps)
    gains = beta_kl(
        a_path[steps + 1, arms],
        b_path[steps + 1, arms],
        a_path[steps, arms],
        b_path[steps, arms],
    )
    error = bernoulli_kl(p, a_path / (a_path + b_path)).sum(axis=-1)
    return BanditRun(arms, outcomes, a_path, b_path, error, np.atleast_1d(gains))
