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
in closed form, also for arms whose readings are flipped by a known noise,
and runs small multi-armed Bernoulli bandits in which an agent chooses arms
by information gain, by how little it knows of them (the least-counted
arm), at random or in turn.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betaln, digamma, logsumexp, roots_jacobi, xlog1py, xlogy

from ._validation import as_positive, as_probability, broadcast, log_base, result
from .continuous import bernoulli_kl, beta_kl

__all__ = [
    "POLICIES",
    "BanditRun",
    "expected_information_gain",
    "information_gain_entropy_form",
    "lautum_information_gain",
    "reading_information_gain",
    "run_bandit",
    "run_bandits",
    "stepwise_information_gains",
    "total_information_gain",
]

#: The arm-choosing rules :func:`run_bandit` knows.
POLICIES = ("information", "least_counted", "random", "round_robin")

#: Number of points of the grid on which :func:`run_bandit` keeps its
#: beliefs when readings are noisy (the posterior is then not a Beta).
GRID_SIZE = 512

#: Gains within this relative distance of the largest count as a tie.
TIE_TOLERANCE = 1e-9

#: Gauss-Jacobi nodes used by :func:`reading_information_gain`.
_QUAD_NODES = 256


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


def lautum_information_gain(
    a: ArrayLike, b: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    r"""Expected divergence of the prior *from* the posterior, under Beta(a, b).

    The order of :func:`expected_information_gain` reversed:

    .. math::

        L(a, b) = \mathbb{E}_{y}\Big[D\big(p(\theta) \,\|\,
        p(\theta \mid y)\big)\Big] = D\big(p(y)\, p(\theta) \,\|\,
        p(y, \theta)\big) = L(Y; \Theta),

    the lautum information of Palomar and Verdú (2008), not the mutual
    information. For one Bernoulli observation, with :math:`m = a / (a +
    b)` and :math:`\psi` the digamma function, it has the closed form

    .. math::

        L = -m\,[\psi(a) - \psi(a + b)] - (1 - m)\,[\psi(b) - \psi(a +
        b)] - H(m),

    the expected cross-entropy of the predictive under the arm's own
    Bernoulli(:math:`\theta`) minus its entropy, i.e.
    :math:`\mathbb{E}_\theta D(\mathrm{Bernoulli}(m) \,\|\,
    \mathrm{Bernoulli}(\theta))` (from :math:`\mathbb{E}[\ln \Theta] =
    \psi(a) - \psi(a + b)`). It is computed that way; the tests check it
    against the weighted Beta divergences of the definition.

    Parameters
    ----------
    a, b : array_like
        Beta parameters (``> 0``) of the current belief; they broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        :math:`L(Y; \Theta)` in units of ``log(base)``.

    Examples
    --------
    >>> import math
    >>> from kltools import curiosity
    >>> round(curiosity.lautum_information_gain(1, 1, base=math.e), 6)  # 1 - ln 2
    0.306853
    >>> round(curiosity.expected_information_gain(1, 1, base=math.e), 6)  # ln 2 - 1/2
    0.193147
    """
    a, b = _beta_params(a, b)
    nats = log_base(base)
    m = a / (a + b)
    s = digamma(a + b)
    cross = -(m * (digamma(a) - s) + (1 - m) * (digamma(b) - s))
    return result(np.maximum(cross - _binary_entropy_nats(m), 0.0) / nats)


def _binary_entropy_nats(s: np.ndarray) -> np.ndarray:
    """H(Bernoulli(s)) in nats, with 0 log 0 = 0."""
    return -(xlogy(s, s) + xlog1py(1 - s, -s))


def _reading_gain_nats(a: float, b: float, flip: float) -> float:
    """I(Y; Θ) in nats for one reading flipped with probability ``flip``."""
    if flip == 0.0:
        return float(_gain_nats(np.float64(a), np.float64(b)))
    if flip == 0.5:
        return 0.0
    x, w = roots_jacobi(_QUAD_NODES, b - 1, a - 1)  # weight (1-x)^(b-1)(1+x)^(a-1)
    theta = (1 + x) / 2
    w = w / w.sum()  # the Beta(a, b) expectation as a weighted sum
    m = a / (a + b)
    h_y = _binary_entropy_nats(np.float64(flip + (1 - 2 * flip) * m))
    h_given = w @ _binary_entropy_nats(flip + (1 - 2 * flip) * theta)
    return float(h_y - h_given)


def reading_information_gain(
    a: ArrayLike, b: ArrayLike, flip: ArrayLike = 0.0, *, base: float = 2
) -> float | np.ndarray:
    r"""Expected information gain of one noisy reading of a Beta(a, b) arm.

    The arm succeeds with the unknown probability :math:`\theta`, but the
    agent sees a *reading* that is the outcome flipped with the known
    probability ``flip`` (:math:`\epsilon`), so that
    :math:`P(Y = 1 \mid \theta) = s(\theta) = \epsilon + (1 - 2\epsilon)\theta`.
    By the entropy form of the mutual information,

    .. math::

        I(Y; \Theta) = H\big(s(m)\big) - \mathbb{E}_{\theta \sim
        \mathrm{Beta}(a, b)}\Big[H\big(s(\theta)\big)\Big], \qquad
        m = \frac{a}{a + b},

    with :math:`H` the binary entropy. With ``flip = 0`` it is
    :func:`expected_information_gain` (computed in closed form); it falls as
    ``flip`` grows, and a reading flipped with probability 1/2 is a fair coin
    whatever :math:`\theta`, so it teaches exactly nothing. For ``flip > 0``
    the expectation is a 256-point Gauss-Jacobi quadrature, exact to
    rounding for the smooth integrand.

    Parameters
    ----------
    a, b : array_like
        Beta parameters (``> 0``) of the belief about :math:`\theta`.
    flip : array_like, optional
        Probability that a reading is flipped, in [0, 1/2] (default 0).
        ``a``, ``b`` and ``flip`` broadcast.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        :math:`I(Y; \Theta)` in units of ``log(base)``.

    Examples
    --------
    >>> from kltools import curiosity
    >>> curiosity.reading_information_gain(1, 1, [0.0, 0.1, 0.5]).round(4)
    array([0.2787, 0.1663, 0.    ])
    """
    a_, b_ = _beta_params(a, b)
    eps = as_probability(flip, "flip")
    if (eps > 0.5).any():
        raise ValueError(
            f"flip must be in [0, 0.5], got {eps[eps > 0.5].flat[0]!r}; a "
            "reading flipped more often than not is a reading of 1 - theta"
        )
    nats = log_base(base)
    a_, b_, eps = broadcast((a_, "a"), (b_, "b"), (eps, "flip"))
    out = np.empty(a_.shape)
    for i in np.ndindex(a_.shape):
        out[i] = _reading_gain_nats(float(a_[i]), float(b_[i]), float(eps[i]))
    return result(np.maximum(out, 0.0) / nats)


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
        What the agent saw, 0 or 1: the arm's outcome, or with noisy readings
        (``flip > 0``) the possibly flipped reading.
    a, b : ndarray, shape (n_steps + 1, n_arms)
        The prior's pseudo-counts plus the ones and zeros seen from every arm,
        before the first step (row 0) and after each step. With clean
        readings the belief about arm ``k`` is exactly Beta(``a_k``, ``b_k``);
        ``a_k + b_k`` is what the ``"least_counted"`` policy counts.
    means : ndarray, shape (n_steps + 1, n_arms)
        The agent's prediction :math:`\\mathbb{E}[\\theta_k]` for every arm,
        before and after each step.
    model_error : ndarray, shape (n_steps + 1,)
        Sum over arms of :math:`D(\\mathrm{Bernoulli}(\\theta_k) \\,\\|\\,
        \\mathrm{Bernoulli}(m_k))`, with :math:`m_k` from ``means``, in bits:
        how far the agent's predictions are from the truth, before and after
        each step.
    learned : ndarray, shape (n_steps + 1,)
        Sum over arms of the divergence of the belief from the prior,
        :math:`D(p(\\theta_k \\mid \\text{data}) \\,\\|\\, p(\\theta_k))`, in
        bits: how far the agent's beliefs have moved.
    gains : ndarray, shape (n_steps,)
        The Bayesian surprise of each step's observation, in bits.
    """

    def __init__(self, arms, outcomes, a, b, means, model_error, learned, gains):
        self.arms, self.outcomes = arms, outcomes
        self.a, self.b, self.means = a, b, means
        self.model_error = model_error
        # ``learned`` and ``gains`` may be given as functions, computed (once)
        # only if asked for: Beta divergences of every step are not free.
        self._learned, self._gains = learned, gains

    @property
    def learned(self) -> np.ndarray:
        if callable(self._learned):
            self._learned = self._learned()
        return self._learned

    @property
    def gains(self) -> np.ndarray:
        if callable(self._gains):
            self._gains = self._gains()
        return self._gains

    def __repr__(self) -> str:
        return (
            f"BanditRun(n_steps={self.arms.size}, n_arms={self.a.shape[1]}, "
            f"final model_error={self.model_error[-1]:.4g} bits)"
        )


def _first_best(gain: np.ndarray) -> np.ndarray:
    """Per row, the lowest-numbered arm whose gain ties with the row's largest."""
    best = gain.max(axis=-1, keepdims=True)
    return np.argmax(gain >= best - TIE_TOLERANCE * np.abs(best), axis=-1)


def _grid_prior(a: np.ndarray, b: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Normalised log-weights of Beta(a_k, b_k) on the grid, shape (k, G)."""
    logw = xlogy(a[:, None] - 1, theta) + xlog1py(b[:, None] - 1, -theta)
    return logw - logsumexp(logw, axis=1, keepdims=True)


def _per_arm(x: np.ndarray, name: str, k: int) -> np.ndarray:
    try:
        return np.broadcast_to(x, (k,)).astype(float)
    except ValueError:
        raise ValueError(
            f"{name} must be one number or one per arm ({k}), got shape {np.shape(x)}"
        ) from None


def run_bandits(
    true_p: ArrayLike,
    policy: str,
    n_steps: int,
    *,
    seeds: ArrayLike,
    prior_a: ArrayLike = 1.0,
    prior_b: ArrayLike = 1.0,
    flip: ArrayLike = 0.0,
) -> list[BanditRun]:
    r"""Run :func:`run_bandit` for many seeds at once, vectorised over the runs.

    ``run_bandits(..., seeds=[s0, s1, ...])[i]`` is the run
    ``run_bandit(..., seed=seeds[i])`` (that function calls this one), but
    the steps are taken for all runs together, which is many times faster
    for the hundreds of runs a comparison of policies needs.

    Parameters
    ----------
    true_p, policy, n_steps, prior_a, prior_b, flip
        As for :func:`run_bandit`.
    seeds : array_like of int
        One seed per run (at least one).

    Returns
    -------
    list of BanditRun
        One record per seed, in the order of ``seeds``.

    Examples
    --------
    >>> from kltools import curiosity
    >>> runs = curiosity.run_bandits([0.2, 0.9], "random", 4, seeds=range(3))
    >>> [r.arms.tolist() for r in runs] == [
    ...     curiosity.run_bandit([0.2, 0.9], "random", 4, seed=s).arms.tolist()
    ...     for s in range(3)]
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
    seed_list = [int(x) for x in np.atleast_1d(np.asarray(seeds))]
    if not seed_list:
        raise ValueError("seeds must hold at least one seed")
    k, n_runs = p.size, len(seed_list)
    a0 = _per_arm(as_positive(prior_a, "prior_a"), "prior_a", k)
    b0 = _per_arm(as_positive(prior_b, "prior_b"), "prior_b", k)
    eps = _per_arm(as_probability(flip, "flip"), "flip", k)
    if (eps > 0.5).any():
        raise ValueError(f"flip must be in [0, 0.5], got {eps[eps > 0.5][0]!r}")

    # the random numbers of every run, drawn from its own seed in a fixed order
    draws = np.empty((n_runs, n_steps))  # outcome: draws < p[arm]
    choices = np.empty((n_runs, n_steps), dtype=int)  # the random policy's arm
    flips = np.empty((n_runs, n_steps))  # reading flipped: flips < eps[arm]
    for r, seed in enumerate(seed_list):
        rng = np.random.default_rng(seed)
        draws[r] = rng.random(n_steps)
        choices[r] = rng.integers(k, size=n_steps)
        flips[r] = rng.random(n_steps)

    rows = np.arange(n_runs)
    a = np.tile(a0, (n_runs, 1))
    b = np.tile(b0, (n_runs, 1))
    a_path = np.empty((n_runs, n_steps + 1, k))
    b_path = np.empty((n_runs, n_steps + 1, k))
    means = np.empty((n_runs, n_steps + 1, k))
    a_path[:, 0], b_path[:, 0] = a, b
    arms = np.empty((n_runs, n_steps), dtype=int)
    outcomes = np.empty((n_runs, n_steps), dtype=int)
    noisy = bool((eps > 0).any())
    if noisy:  # beliefs on a grid of theta, kept as log-weights
        theta = (np.arange(GRID_SIZE) + 0.5) / GRID_SIZE
        log_prior = _grid_prior(a0, b0, theta)  # (k, G)
        s_y1 = eps[:, None] + (1 - 2 * eps[:, None]) * theta  # P(Y = 1 | θ)
        h_given = _binary_entropy_nats(s_y1)  # H(Y | θ), nats
        log_lik = np.stack([np.log1p(-s_y1), np.log(s_y1)])  # (2, k, G)
        logw = np.tile(log_prior, (n_runs, 1, 1))
        w = np.exp(logw)
        means[:, 0] = w @ theta
        m1 = np.einsum("rkg,kg->rk", w, s_y1)
        gain = np.maximum(
            _binary_entropy_nats(m1) - np.einsum("rkg,kg->rk", w, h_given), 0.0
        )
        surprise = np.zeros((n_runs, n_steps))
        moved = np.zeros((n_runs, k))  # D(belief || prior) per arm, nats
        learned = np.zeros((n_runs, n_steps + 1))
    else:
        means[:, 0] = a / (a + b)
        gain = _gain_nats(a, b)  # expected gain of each arm's next pull, nats

    for t in range(n_steps):
        if policy == "information":
            arm = _first_best(gain)
        elif policy == "least_counted":
            arm = np.argmin(a + b, axis=1)
        elif policy == "random":
            arm = choices[:, t]
        else:
            arm = np.full(n_runs, t % k)
        y = (draws[:, t] < p[arm]).astype(int)
        y = np.where(flips[:, t] < eps[arm], 1 - y, y)
        a[rows, arm] += y
        b[rows, arm] += 1 - y
        arms[:, t], outcomes[:, t] = arm, y
        a_path[:, t + 1], b_path[:, t + 1] = a, b
        means[:, t + 1] = means[:, t]
        if noisy:
            old = logw[rows, arm]  # (R, G), a copy
            new = old + log_lik[y, arm]
            top = new.max(axis=1, keepdims=True)
            wt = np.exp(new - top)
            total = wt.sum(axis=1, keepdims=True)
            new -= top + np.log(total)
            wt /= total
            logw[rows, arm], w[rows, arm] = new, wt
            surprise[:, t] = np.einsum("rg,rg->r", wt, new - old)
            moved[rows, arm] = np.einsum("rg,rg->r", wt, new - log_prior[arm])
            learned[:, t + 1] = moved.sum(axis=1)
            m1 = np.einsum("rg,rg->r", wt, s_y1[arm])
            g = _binary_entropy_nats(m1) - np.einsum("rg,rg->r", wt, h_given[arm])
            gain[rows, arm] = np.maximum(g, 0.0)
            means[rows, t + 1, arm] = wt @ theta
        else:
            aa, bb = a[rows, arm], b[rows, arm]
            gain[rows, arm] = _gain_nats(aa, bb)
            means[rows, t + 1, arm] = aa / (aa + bb)

    error = bernoulli_kl(p, means).sum(axis=-1)  # (R, T + 1)
    steps = np.arange(n_steps)
    out = []
    for r in range(n_runs):
        ap, bp, ar = a_path[r], b_path[r], arms[r]
        if noisy:
            gains_r = surprise[r] / np.log(2)
            learned_r = learned[r] / np.log(2)
        else:

            def gains_r(ap=ap, bp=bp, ar=ar) -> np.ndarray:
                return np.atleast_1d(
                    beta_kl(
                        ap[steps + 1, ar],
                        bp[steps + 1, ar],
                        ap[steps, ar],
                        bp[steps, ar],
                    )
                )

            def learned_r(ap=ap, bp=bp) -> np.ndarray:
                return beta_kl(ap, bp, a0, b0).sum(axis=-1)

        out.append(
            BanditRun(ar, outcomes[r], ap, bp, means[r], error[r], learned_r, gains_r)
        )
    return out


def run_bandit(
    true_p: ArrayLike,
    policy: str,
    n_steps: int,
    *,
    prior_a: ArrayLike = 1.0,
    prior_b: ArrayLike = 1.0,
    flip: ArrayLike = 0.0,
    seed: int = 0,
) -> BanditRun:
    r"""Let an agent learn a multi-armed Bernoulli bandit for ``n_steps`` pulls.

    Arm :math:`k` pays 1 with the unknown probability ``true_p[k]``. The
    agent holds a belief about each arm, starting from a Beta(``prior_a``,
    ``prior_b``) prior, and updates it by Bayes' rule after each pull.
    Policies:

    * ``"information"``: pull the arm with the largest expected information
      gain of its next reading (:func:`reading_information_gain`, which is
      :func:`expected_information_gain` for clean readings); gains within a
      relative ``TIE_TOLERANCE`` of the largest tie, and a tie goes to the
      lowest-numbered arm, so that rounding cannot break it;
    * ``"least_counted"``: pull the arm with the smallest evidence count
      :math:`a_k + b_k` (prior pseudo-counts plus pulls), the lowest-numbered
      on ties: a rule that sees how much the agent knows of an arm but not
      what a reading of it can teach;
    * ``"random"``: pull an arm uniformly at random;
    * ``"round_robin"``: pull arms 0, 1, 2, ... in turn.

    With ``flip > 0`` an arm's reading is its outcome flipped with that known
    probability; the posterior is then no longer a Beta, and every belief is
    kept on a grid of ``GRID_SIZE`` values of :math:`\theta` (midpoints of
    equal cells), which reproduces the exact Beta model to about ``1e-5`` in
    the means and ``1e-4`` bits in the divergences (tested).

    Deterministic for a given ``seed`` (``numpy.random.default_rng``); the
    outcome of step ``t`` depends only on the seed, ``t`` and the arm pulled,
    so policies compared on one seed meet the same luck.
    :func:`run_bandits` runs many seeds at once.

    Parameters
    ----------
    true_p : array_like, shape (n_arms,)
        The arms' success probabilities, in [0, 1]; at least two arms.
    policy : {"information", "least_counted", "random", "round_robin"}
        How the agent chooses.
    n_steps : int
        Number of pulls, ``>= 1``.
    prior_a, prior_b : array_like, optional
        Prior Beta parameters (``> 0``), one per arm or one for all
        (default 1, uniform).
    flip : array_like, optional
        Probability, per arm or for all, that a reading is flipped, in
        [0, 1/2] (default 0: clean readings); 1/2 is a broken sensor whose
        readings are fair coin tosses.
    seed : int, optional
        Seed of the outcomes, the flips and the random policy's choices.

    Returns
    -------
    BanditRun
        Arms, readings, counts, predictions, model error, divergence from the
        prior and surprises, step by step.

    Examples
    --------
    >>> from kltools import curiosity
    >>> run = curiosity.run_bandit([0.2, 0.5, 0.9], "round_robin", 6, seed=1)
    >>> run.arms
    array([0, 1, 2, 0, 1, 2])
    >>> bool(run.model_error[-1] < run.model_error[0])
    True
    >>> broken = curiosity.run_bandit(
    ...     [0.2, 0.9], "information", 5, flip=[0.0, 0.5], seed=1)
    >>> broken.arms  # a broken sensor teaches nothing, so it is never read
    array([0, 0, 0, 0, 0])
    """
    return run_bandits(
        true_p,
        policy,
        n_steps,
        seeds=[seed],
        prior_a=prior_a,
        prior_b=prior_b,
        flip=flip,
    )[0]
