r"""KL divergence as evidence: likelihood ratios, error exponents, Fisher information.

The companion module of the chapter "KL as evidence". Its subject is the
reading Kullback and Leibler gave the divergence: :math:`D(p \,\|\, q)` is
the mean information per observation for telling ``p`` from ``q``
(Kullback and Leibler 1951; Cover and Thomas 2006, chapter 11).

* **Log-likelihood ratios.** One observation ``x`` carries the evidence
  :math:`\log(p(x)/q(x))` for ``p`` over ``q``; ``n`` independent ones add
  up to a random walk whose drift per step is :math:`D(p\|q)` when ``p``
  is true and :math:`-D(q\|p)` when ``q`` is (:func:`llr_steps`,
  :func:`llr_drift`, :func:`llr_walks`).
* **Error exponents, exactly.** For ``n`` coin tosses the most powerful
  (Neyman-Pearson) test of ``Bernoulli(p)`` against ``Bernoulli(q)`` and
  the Bayes test are computed from exact binomial probabilities
  (:func:`neyman_pearson_bernoulli`, :func:`bayes_error_bernoulli`): the
  first's type-II error falls like :math:`2^{-n D(p\|q)}` (Stein's lemma),
  the second's like :math:`2^{-n C(p, q)}` (Chernoff).
* **Sanov and the method of types.** The exact probability that ``n`` draws
  from ``q`` look like ``p`` (:func:`type_class_probability`,
  :func:`sanov_tail_bernoulli`), against :math:`2^{-n D(p\|q)}`.
* **Sequential tests.** Wald's sequential probability ratio test, simulated
  (:func:`sprt`), and Wald's approximation of its mean sample size
  (:func:`wald_expected_n`).
* **Fisher information**, the curvature of KL divergence:
  :math:`D(p_\theta \,\|\, p_{\theta + \delta}) = \tfrac12 I(\theta)
  \delta^2 + O(\delta^3)` nats (:func:`bernoulli_fisher`,
  :func:`gaussian_fisher`, :func:`poisson_fisher`), and the KL "trust
  region" of a Gaussian against its Fisher ellipse
  (:func:`gaussian_kl_contour`, :func:`fisher_ellipse`).

Every amount of information is returned in units of ``log(base)``, bits by
default. Fisher informations are in natural units (per observation, per
squared unit of the parameter), as in every textbook.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from ._validation import (
    as_finite,
    as_positive,
    as_probability,
    checked_distributions,
    log_base,
    result,
)
from .continuous import bernoulli_kl, gaussian_kl
from .discrete import kl_divergence

__all__ = [
    "SPRT",
    "NeymanPearson",
    "Sanov",
    "bayes_error_bernoulli",
    "bernoulli_fisher",
    "fisher_ellipse",
    "gaussian_fisher",
    "gaussian_kl_contour",
    "llr_drift",
    "llr_steps",
    "llr_walks",
    "neyman_pearson_bernoulli",
    "neyman_pearson_sample_size",
    "poisson_fisher",
    "sanov_tail_bernoulli",
    "sprt",
    "type_class_probability",
    "wald_expected_n",
]


# --- checks -------------------------------------------------------------------


def _open_probability(x: ArrayLike, name: str) -> np.ndarray:
    """``x`` as float64 strictly inside (0, 1)."""
    arr = as_probability(x, name)
    if ((arr <= 0) | (arr >= 1)).any():
        bad = arr[(arr <= 0) | (arr >= 1)].flat[0]
        raise ValueError(f"{name} must be strictly between 0 and 1, got {bad!r}")
    return arr


def _count(n: object, name: str, minimum: int = 1) -> int:
    """``n`` as a Python int >= ``minimum`` (bools and floats refused)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {n!r}")
    if n < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {n!r}")
    return int(n)


def _counts(n: ArrayLike, name: str) -> np.ndarray:
    """``n`` as an integer array of entries >= 1 (any shape)."""
    arr = np.asarray(n)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got {np.asarray(n).tolist()!r}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if (arr < 1).any():
        raise ValueError(f"{name} must be >= 1, got {arr[arr < 1].flat[0]!r}")
    return arr.astype(np.int64)


def _level(alpha: object, name: str) -> float:
    """An error probability strictly between 0 and 1."""
    a = float(_open_probability(alpha, name))
    return a


def _generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


# --- log-likelihood ratios ----------------------------------------------------


def llr_steps(p: ArrayLike, q: ArrayLike, *, base: float = 2) -> np.ndarray:
    r"""The evidence one observation carries for ``p`` over ``q``.

    .. math:: \ell(x) = \log \frac{p(x)}{q(x)}

    for every outcome ``x``: positive where ``p`` makes ``x`` more likely than
    ``q`` does. It is ``+inf`` where ``q(x) = 0 < p(x)`` (one such
    observation rules ``q`` out), ``-inf`` where ``p(x) = 0 < q(x)``, and 0
    where both are 0 (the outcome never happens under either).

    Parameters
    ----------
    p, q : array_like, shape (n,)
        Single distributions over the same outcomes.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    ndarray, shape (n,)
        :math:`\log(p_i / q_i)` in units of ``log(base)``.

    Examples
    --------
    >>> from kltools import evidence
    >>> evidence.llr_steps([0.5, 0.5], [0.25, 0.75])  # heads: 1 bit for p
    array([ 1.       , -0.5849625])
    >>> evidence.llr_steps([0.5, 0.5, 0.0], [0.0, 0.5, 0.5])
    array([ inf,   0., -inf])
    """
    nats = log_base(base)
    (pp, qq), lead = checked_distributions([p, q], ["p", "q"], -1)
    if lead != ():
        raise ValueError(
            f"p and q must be single distributions, got batch shape {lead}"
        )
    pp, qq = pp[0], qq[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(pp) - np.log(qq)
    out[(pp == 0) & (qq == 0)] = 0.0
    return out / nats


def llr_drift(
    p: ArrayLike, q: ArrayLike, truth: ArrayLike | None = None, *, base: float = 2
) -> float:
    r"""Mean evidence per observation for ``p`` over ``q`` when ``truth`` is true.

    .. math::

        \mathbb{E}_{X \sim r}\left[\log \frac{p(X)}{q(X)}\right]
        = D(r \,\|\, q) - D(r \,\|\, p)

    With ``r = p`` (the default) it is :math:`D(p\|q) \ge 0`: the
    log-likelihood ratio drifts towards the truth. With ``r = q`` it is
    :math:`-D(q\|p) \le 0`. It is ``+inf`` or ``-inf`` when the truth puts
    mass where one hypothesis has none (and that hypothesis is then ruled
    out with probability one); ``truth`` may not put mass where both are 0.

    Parameters
    ----------
    p, q : array_like, shape (n,)
        The two hypotheses.
    truth : array_like, shape (n,), optional
        The distribution the observations follow; ``p`` if omitted.
    base : float, optional
        2 (default) gives bits per observation, ``math.e`` nats.

    Returns
    -------
    float
        The drift, in units of ``log(base)`` per observation.

    Examples
    --------
    >>> from kltools import evidence
    >>> evidence.llr_drift([0.5, 0.5], [0.25, 0.75])  # D(p||q) = 1 - log2(3)/2
    0.2075187496
    >>> evidence.llr_drift([0.5, 0.5], [0.25, 0.75], [0.25, 0.75])  # -D(q||p)
    -0.1887218755
    """
    log_base(base)
    r = p if truth is None else truth
    (pp, qq, rr), lead = checked_distributions([p, q, r], ["p", "q", "truth"], -1)
    if lead != ():
        raise ValueError(
            f"p, q and truth must be single distributions, got batch shape {lead}"
        )
    if ((rr > 0) & (pp == 0) & (qq == 0)).any():
        raise ValueError("truth puts mass on an outcome that both p and q rule out")
    return float(
        kl_divergence(rr[0], qq[0], base=base) - kl_divergence(rr[0], pp[0], base=base)
    )


def llr_walks(
    p: ArrayLike,
    q: ArrayLike,
    truth: ArrayLike | None = None,
    *,
    n_steps: int,
    n_paths: int,
    rng: np.random.Generator | int | None = None,
    base: float = 2,
) -> np.ndarray:
    r"""Paths of the log-likelihood ratio of ``p`` to ``q`` over ``n`` observations.

    .. math:: L_n = \sum_{k=1}^{n} \log \frac{p(X_k)}{q(X_k)},
              \qquad X_k \sim r \text{ independently}

    a random walk with drift :func:`llr_drift` per step: :math:`D(p\|q)`
    when ``r = p``, :math:`-D(q\|p)` when ``r = q``. The observations are
    drawn as ``rng.choice(n, size=(n_paths, n_steps), p=r)``, the same way
    :func:`kltools.betting.simulate_log_wealth` draws the winners of its
    races (a Kelly bettor's log-wealth is this walk, with the market as
    ``q``), so with the same seed the two give the same paths.

    Parameters
    ----------
    p, q : array_like, shape (n,)
        The two hypotheses.
    truth : array_like, shape (n,), optional
        The distribution the observations follow; ``p`` if omitted.
    n_steps, n_paths : int
        Observations per path, and the number of paths (both >= 1).
    rng : numpy.random.Generator or int, optional
        The random generator, or a seed for ``numpy.random.default_rng``.
    base : float, optional
        2 (default) gives bits, ``math.e`` nats.

    Returns
    -------
    ndarray, shape (n_paths, n_steps + 1)
        :math:`L_0 = 0, L_1, \dots, L_n` for each path, in units of
        ``log(base)``; ``+inf`` or ``-inf`` after an observation that one
        hypothesis rules out.

    Examples
    --------
    >>> from kltools import evidence
    >>> paths = evidence.llr_walks([0.5, 0.5], [0.25, 0.75], n_steps=3,
    ...                            n_paths=2, rng=0)
    >>> paths.shape
    (2, 4)
    """
    steps = llr_steps(p, q, base=base)
    r = p if truth is None else truth
    (rr,), _ = checked_distributions([r], ["truth"], -1)
    rr = rr[0]
    if rr.shape != steps.shape:
        raise ValueError(
            f"truth must have the {steps.size} outcomes of p and q, got {rr.size}"
        )
    pp, qq = checked_distributions([p, q], ["p", "q"], -1)[0]
    if ((rr > 0) & (pp[0] == 0) & (qq[0] == 0)).any():
        raise ValueError("truth puts mass on an outcome that both p and q rule out")
    n_steps = _count(n_steps, "n_steps")
    n_paths = _count(n_paths, "n_paths")
    gen = _generator(rng)
    outcomes = gen.choice(steps.size, size=(n_paths, n_steps), p=rr)
    paths = np.zeros((n_paths, n_steps + 1))
    with np.errstate(invalid="ignore"):  # +inf then -inf cannot both occur
        np.cumsum(steps[outcomes], axis=1, out=paths[:, 1:])
    return paths


# --- exact error probabilities of tests of two coins ---------------------------


class NeymanPearson(NamedTuple):
    """The most powerful test of ``Bernoulli(p)`` against ``Bernoulli(q)``."""

    #: Type-I error :math:`P_p(\text{decide } q)` the test achieves
    #: (equal to the level when randomized, at most the level otherwise).
    alpha: float | np.ndarray
    #: Type-II error :math:`\beta_n = P_q(\text{decide } p)`.
    beta: float | np.ndarray
    #: :math:`\log \beta_n` in units of ``log(base)``, finite even where
    #: :math:`\beta_n` underflows to 0.
    log_beta: float | np.ndarray
    #: The boundary count: counts on ``q``'s side of it decide ``q``.
    threshold: int | np.ndarray
    #: Probability of deciding ``q`` at the boundary count (0 unless
    #: randomized).
    gamma: float | np.ndarray


def _binom_logpmf(n: int, theta: float) -> np.ndarray:
    k = np.arange(n + 1)
    return stats.binom.logpmf(k, n, theta)


def _np_one(n: int, p: float, q: float, alpha: float, randomized: bool):
    """Neyman-Pearson test for one n, in nats: (alpha, log beta, k*, gamma)."""
    lp, lq = _binom_logpmf(n, p), _binom_logpmf(n, q)
    # The log-likelihood ratio of k successes is monotone in k: increasing
    # if p > q, so q is decided for the smallest counts; decreasing if p < q.
    order = np.arange(n + 1) if p >= q else np.arange(n, -1, -1)
    mass_p = np.exp(lp[order])
    before = np.concatenate([[0.0], np.cumsum(mass_p)])  # P_p of the first j
    # (a cumulative mass within 1e-12 of alpha counts as reaching it)
    m = min(int(np.searchsorted(before, alpha * (1 + 1e-12), side="right")) - 1, n)
    boundary = order[m]  # the count where the level is reached
    gamma = (alpha - before[m]) / mass_p[m] if randomized else 0.0
    gamma = min(max(gamma, 0.0), 1.0)
    achieved = before[m] + gamma * mass_p[m]
    accept = lq[order[m + 1 :]]  # counts that decide p, whole
    parts = [accept]
    if gamma < 1.0:
        parts.append([lq[boundary] + math.log1p(-gamma)])
    terms = np.concatenate(parts)
    log_beta = special.logsumexp(terms) if terms.size else -math.inf
    return achieved, float(log_beta), int(boundary), float(gamma)


def neyman_pearson_bernoulli(
    p: float,
    q: float,
    n: ArrayLike,
    alpha: float,
    *,
    randomized: bool = True,
    base: float = 2,
) -> NeymanPearson:
    r"""Exact errors of the most powerful test of two coins from ``n`` tosses.

    Tell :math:`H_p`: the tosses are ``Bernoulli(p)`` from :math:`H_q`: they
    are ``Bernoulli(q)``, keeping the type-I error
    :math:`\alpha = P_p(\text{decide } q)` at most ``alpha``. By the
    Neyman-Pearson lemma the test that makes the type-II error
    :math:`\beta_n = P_q(\text{decide } p)` smallest decides ``q`` when the
    likelihood ratio :math:`p^n(x)/q^n(x)` is small, that is, when the number
    of successes ``k`` is on ``q``'s side of a threshold. With
    ``randomized=True`` the test decides ``q`` with probability ``gamma`` at
    the threshold, so that its type-I error is exactly ``alpha``; otherwise
    it is the likelihood-ratio test with the largest threshold region whose
    type-I error is at most ``alpha``, without randomizing. Stein's lemma:
    :math:`-\frac1n \log \beta_n \to D(p\|q)`.

    Every probability is an exact binomial sum (``scipy.stats.binom``),
    summed in logarithms, so ``log_beta`` stays accurate far below the
    smallest float.

    Parameters
    ----------
    p, q : float
        Success probabilities of the two hypotheses, strictly in (0, 1).
    n : int or array_like of int
        Number of tosses (>= 1); an array gives one test per entry.
    alpha : float
        The level: the largest type-I error allowed, in (0, 1).
    randomized : bool, optional
        Whether the test may randomize at the threshold (default True).
    base : float, optional
        Base of ``log_beta``: 2 (default) gives bits.

    Returns
    -------
    NeymanPearson
        ``(alpha, beta, log_beta, threshold, gamma)``, floats (and an int)
        for a scalar ``n``, arrays of the shape of ``n`` otherwise. If
        ``p == q`` no test beats chance: :math:`\beta = 1 - \alpha`.

    Examples
    --------
    Three tosses, heads probability 1/2 against 1/4, level 1/8: deciding
    ``q`` on zero heads has type-I error exactly 1/8, and then
    :math:`\beta = P_q(k \ge 1) = 1 - (3/4)^3`:

    >>> from kltools import evidence
    >>> t = evidence.neyman_pearson_bernoulli(0.5, 0.25, 3, 0.125)
    >>> t.alpha, t.beta, t.threshold, t.gamma  # 37/64 = 0.578125
    (0.125, 0.578125, 1, 0.0)
    """
    nats = log_base(base)
    pp = float(_open_probability(p, "p"))
    qq = float(_open_probability(q, "q"))
    a = _level(alpha, "alpha")
    ns = _counts(n, "n")
    flat = [_np_one(int(k), pp, qq, a, bool(randomized)) for k in ns.ravel()]
    cols = [np.array(c).reshape(ns.shape) for c in zip(*flat, strict=True)]
    achieved, log_beta, k, gamma = cols
    beta = np.exp(log_beta)
    if ns.ndim == 0:
        return NeymanPearson(
            float(achieved),
            float(beta),
            float(log_beta) / nats,
            int(k),
            float(gamma),
        )
    return NeymanPearson(achieved, beta, log_beta / nats, k.astype(int), gamma)


def neyman_pearson_sample_size(
    p: float, q: float, alpha: float, beta: float, *, max_n: int = 1_000_000
) -> int:
    r"""Smallest number of tosses whose best test meets both error targets.

    The smallest ``n`` for which the randomized Neyman-Pearson test of
    ``Bernoulli(p)`` against ``Bernoulli(q)`` at level ``alpha`` (see
    :func:`neyman_pearson_bernoulli`) has type-II error
    :math:`\beta_n \le` ``beta``, from exact binomial probabilities. The
    best :math:`\beta_n` never increases with ``n`` (a test on ``n + 1``
    tosses may ignore the last one), so the search doubles ``n`` until the
    target is met and then bisects. Stein's lemma gives the first-order
    estimate :math:`\log(1/\beta) / D(p\|q)`, which is too small at
    practical sizes.

    Parameters
    ----------
    p, q : float
        Success probabilities of the two hypotheses, strictly in (0, 1),
        and different.
    alpha, beta : float
        Targets for :math:`P_p(\text{decide } q)` and
        :math:`P_q(\text{decide } p)`, in (0, 1).
    max_n : int, optional
        Give up (``ValueError``) beyond this many tosses.

    Returns
    -------
    int
        The smallest such ``n``.

    Examples
    --------
    >>> from kltools import evidence
    >>> evidence.neyman_pearson_sample_size(0.3, 0.1, 0.05, 1e-3)
    80
    """
    pp = float(_open_probability(p, "p"))
    qq = float(_open_probability(q, "q"))
    if pp == qq:
        raise ValueError("p and q are equal: no number of tosses tells them apart")
    a, b = _level(alpha, "alpha"), _level(beta, "beta")
    max_n = _count(max_n, "max_n")
    target = math.log(b)

    def meets(n: int) -> bool:
        return _np_one(n, pp, qq, a, True)[1] <= target

    hi = 1
    while not meets(hi):
        if hi >= max_n:
            raise ValueError(f"more than max_n = {max_n} tosses would be needed")
        hi = min(2 * hi, max_n)
    lo = hi // 2  # fails (or is 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if meets(mid):
            hi = mid
        else:
            lo = mid
    return hi


class ErrorProbability(NamedTuple):
    """An error probability and its logarithm."""

    #: The probability (it may underflow to 0 for large ``n``).
    value: float | np.ndarray
    #: Its logarithm in units of ``log(base)``, accurate where it underflows.
    log_value: float | np.ndarray


def bayes_error_bernoulli(
    p: float, q: float, n: ArrayLike, *, prior: float = 0.5, base: float = 2
) -> ErrorProbability:
    r"""Exact error of the Bayes test of two coins from ``n`` tosses.

    .. math::

        P_e(n) = \sum_{k=0}^{n} \min\big(\pi\, P_p(k),\;
                 (1 - \pi)\, P_q(k)\big)

    where :math:`P_p(k)` is the binomial probability of ``k`` successes in
    ``n`` tosses of ``Bernoulli(p)`` and :math:`\pi` the prior probability
    of ``p``: the smallest average probability of error, reached by deciding
    for the larger posterior. Chernoff (1952):
    :math:`-\frac1n \log P_e(n) \to C(p, q)`, whatever the prior in (0, 1)
    (see :func:`kltools.chernoff_information`).

    Parameters
    ----------
    p, q : float
        Success probabilities of the two hypotheses, strictly in (0, 1).
    n : int or array_like of int
        Number of tosses (>= 1).
    prior : float, optional
        Prior probability of ``p``, in (0, 1); 1/2 by default.
    base : float, optional
        Base of ``log_value``: 2 (default) gives bits.

    Returns
    -------
    ErrorProbability
        ``(value, log_value)``, floats for a scalar ``n``, arrays otherwise.

    Examples
    --------
    One toss of a fair coin against a coin that lands heads nine times in
    ten: decide ``q`` on heads, ``p`` on tails, and err with probability
    :math:`\tfrac12 (\tfrac12 + \tfrac1{10})`.

    >>> from kltools import evidence
    >>> evidence.bayes_error_bernoulli(0.5, 0.9, 1).value  # (0.5 + 0.1) / 2
    0.3
    """
    nats = log_base(base)
    pp = float(_open_probability(p, "p"))
    qq = float(_open_probability(q, "q"))
    pi = _level(prior, "prior")
    ns = _counts(n, "n")
    logs = []
    for k in ns.ravel():
        lp = math.log(pi) + _binom_logpmf(int(k), pp)
        lq = math.log1p(-pi) + _binom_logpmf(int(k), qq)
        logs.append(float(special.logsumexp(np.minimum(lp, lq))))
    log_e = np.array(logs).reshape(ns.shape)
    return ErrorProbability(result(np.exp(log_e)), result(log_e / nats))


# --- Sanov's theorem and the method of types ------------------------------------


class Sanov(NamedTuple):
    """An exact large-deviation probability and its Sanov bound."""

    #: The exact probability (it may underflow to 0).
    probability: float | np.ndarray
    #: Its logarithm in units of ``log(base)``.
    log_probability: float | np.ndarray
    #: :math:`-n D(p \,\|\, q)` in units of ``log(base)``: the log of the
    #: bound :math:`\text{base}^{-n D}`.
    log_bound: float | np.ndarray


def type_class_probability(
    counts: ArrayLike, q: ArrayLike, *, base: float = 2
) -> Sanov:
    r"""Exact probability that ``n`` draws from ``q`` have exactly these counts.

    With :math:`n = \sum_i k_i` and the type :math:`\hat p = k / n`, the
    probability of the type class (every sequence with these counts) is the
    multinomial

    .. math::

        Q^n(T(\hat p)) = \binom{n}{k_1, \dots, k_m} \prod_i q_i^{k_i},
        \qquad
        \frac{2^{-n D(\hat p \| q)}}{(n + 1)^{m}} \le Q^n(T(\hat p))
        \le 2^{-n D(\hat p \| q)}

    (Cover and Thomas 2006, theorem 11.1.4, in any base). The exact value
    is computed from log-gamma functions.

    Parameters
    ----------
    counts : array_like of int, shape (m,)
        Non-negative counts, not all zero.
    q : array_like, shape (m,)
        The distribution the draws come from.
    base : float, optional
        2 (default) gives logarithms in bits.

    Returns
    -------
    Sanov
        ``(probability, log_probability, log_bound)`` with
        ``log_bound = -n D(k/n || q)``; ``log_probability`` is ``-inf`` where
        ``q`` gives a positive count probability 0.

    Examples
    --------
    Two heads and one tail in three tosses of a fair coin, 3/8:

    >>> from kltools import evidence
    >>> evidence.type_class_probability([2, 1], [0.5, 0.5]).probability
    0.375
    """
    nats = log_base(base)
    k = np.asarray(counts)
    if k.dtype == bool or not np.issubdtype(k.dtype, np.integer):
        raise TypeError(f"counts must hold integers, got {np.asarray(counts)!r}")
    if k.ndim != 1 or k.size == 0:
        raise ValueError(f"counts must be one non-empty vector, got shape {k.shape}")
    if (k < 0).any():
        raise ValueError(f"counts must be >= 0, got {k.tolist()!r}")
    n = int(k.sum())
    if n == 0:
        raise ValueError("counts are all zero: there are no draws")
    (qq,), _ = checked_distributions([q], ["q"], -1)
    qq = qq[0]
    if qq.shape != k.shape:
        raise ValueError(f"q must have {k.size} outcomes like counts, got {qq.size}")
    kf = k.astype(np.float64)
    with np.errstate(divide="ignore"):
        log_q = special.xlogy(kf, qq).sum()
    log_p = special.gammaln(n + 1) - special.gammaln(kf + 1).sum() + log_q
    d = kl_divergence(kf / n, qq, base=math.e)
    return Sanov(float(np.exp(log_p)), float(log_p) / nats, -n * float(d) / nats)


def sanov_tail_bernoulli(p: float, q: float, n: ArrayLike, *, base: float = 2) -> Sanov:
    r"""Exact probability that ``n`` tosses of a ``q``-coin look at least like ``p``.

    The event is that the fraction of successes :math:`K/n` is at least
    ``p`` when :math:`p > q` (at most ``p`` when :math:`p < q`): the data
    are as far from ``q`` as a ``p``-coin's would typically be, or further.
    Its probability is an exact binomial tail (summed in logarithms, so it
    stays accurate far below the smallest float), and by Sanov's theorem
    (here the Chernoff bound)

    .. math::

        P_q\left(\tfrac{K}{n} \ge p\right) \le 2^{-n D(p \| q)},
        \qquad
        -\tfrac{1}{n} \log P_q\left(\tfrac{K}{n} \ge p\right)
        \to D(p \,\|\, q),

    with a polynomial factor, of order :math:`1/\sqrt{n}`, between the two.
    Counts within ``1e-9`` of :math:`np` count as :math:`np`.

    Parameters
    ----------
    p, q : float
        The fraction the data should reach, and the coin's success
        probability; both strictly in (0, 1).
    n : int or array_like of int
        Number of tosses (>= 1).
    base : float, optional
        2 (default) gives logarithms in bits.

    Returns
    -------
    Sanov
        ``(probability, log_probability, log_bound)``,
        ``log_bound = -n D(p || q)``; floats for a scalar ``n``.

    Examples
    --------
    At least three heads in four tosses of a fair coin, 5/16, below the
    bound :math:`2^{-4 D(3/4 \| 1/2)}`:

    >>> from kltools import evidence
    >>> s = evidence.sanov_tail_bernoulli(0.75, 0.5, 4)
    >>> s.probability, round(2**s.log_bound, 4)  # 5/16, and 2^(-4 * 0.1887)
    (0.3125, 0.5926)
    """
    nats = log_base(base)
    pp = float(_open_probability(p, "p"))
    qq = float(_open_probability(q, "q"))
    ns = _counts(n, "n")
    nf = ns.astype(np.float64)
    logs = []
    for m in ns.ravel():
        m = int(m)
        if pp >= qq:  # counts k with k/n >= p
            k = np.arange(math.ceil(m * pp - 1e-9), m + 1)
        else:  # counts k with k/n <= p
            k = np.arange(0, math.floor(m * pp + 1e-9) + 1)
        # summed in logarithms: the tail is far below the smallest float
        logs.append(special.logsumexp(stats.binom.logpmf(k, m, qq)))
    log_prob = np.array(logs, dtype=np.float64).reshape(ns.shape)
    d = bernoulli_kl(pp, qq, base=math.e)
    return Sanov(
        result(np.exp(log_prob)), result(log_prob / nats), result(-nf * d / nats)
    )


# --- Wald's sequential test ------------------------------------------------------


class SPRT(NamedTuple):
    """The outcome of simulated runs of Wald's sequential test."""

    #: Observations each run used before deciding (float; ``inf`` for a run
    #: still undecided after ``max_steps``).
    n: np.ndarray
    #: Whether each run decided ``p`` (False: decided ``q`` or undecided).
    decided_p: np.ndarray
    #: The log-likelihood ratio at which ``p`` is decided,
    #: :math:`\log((1 - \alpha)/\beta)`, in units of ``log(base)``.
    upper: float
    #: The one at which ``q`` is decided, :math:`\log(\alpha/(1 - \beta))`.
    lower: float


def _wald_thresholds(alpha: float, beta: float) -> tuple[float, float]:
    """Wald's thresholds in nats: (upper, lower)."""
    return math.log((1 - alpha) / beta), math.log(alpha / (1 - beta))


def sprt(
    p: ArrayLike,
    q: ArrayLike,
    truth: ArrayLike | None = None,
    *,
    alpha: float,
    beta: float | None = None,
    n_runs: int,
    rng: np.random.Generator | int | None = None,
    max_steps: int = 100_000,
    base: float = 2,
) -> SPRT:
    r"""Simulate Wald's sequential probability ratio test of ``p`` against ``q``.

    Observations are drawn one at a time from ``truth`` and their
    log-likelihood ratio :math:`L_n = \sum_k \log(p(X_k)/q(X_k))` is
    updated; the test stops at the first ``n`` with (to within ``1e-12``)

    .. math::

        L_n \ge \log\frac{1 - \alpha}{\beta} \;(\text{decide } p)
        \quad\text{or}\quad
        L_n \le \log\frac{\alpha}{1 - \beta} \;(\text{decide } q),

    Wald's (1945) thresholds for the error targets
    :math:`\alpha = P_p(\text{decide } q)` and
    :math:`\beta = P_q(\text{decide } p)`. The errors it achieves are close
    to the targets (Wald's inequalities give :math:`\alpha' + \beta' \le
    \alpha + \beta`), and its mean sample size is about
    :func:`wald_expected_n`, roughly :math:`\log(1/\beta)/D(p\|q)` when
    ``p`` is true. Runs are simulated together, in growing blocks of steps.

    Parameters
    ----------
    p, q : array_like, shape (m,)
        The two hypotheses.
    truth : array_like, shape (m,), optional
        The distribution the observations follow; ``p`` if omitted.
    alpha : float
        Target probability of deciding ``q`` when ``p`` is true, in (0, 1).
    beta : float, optional
        Target probability of deciding ``p`` when ``q`` is true; ``alpha``
        if omitted. ``alpha + beta`` must be below 1.
    n_runs : int
        Number of independent runs (>= 1).
    rng : numpy.random.Generator or int, optional
        The random generator, or a seed for ``numpy.random.default_rng``.
    max_steps : int, optional
        Runs still undecided after this many observations stop undecided.
    base : float, optional
        Units of the returned thresholds: 2 (default) gives bits.

    Returns
    -------
    SPRT
        ``(n, decided_p, upper, lower)``.

    Examples
    --------
    >>> from kltools import evidence
    >>> runs = evidence.sprt([0.5, 0.5], [0.25, 0.75], alpha=0.01,
    ...                      n_runs=1000, rng=1)
    >>> runs.upper  # log2(0.99 / 0.01) bits
    6.6293566200796
    >>> bool(runs.decided_p.mean() > 0.98)
    True
    """
    nats = log_base(base)
    steps = llr_steps(p, q, base=math.e)
    r = p if truth is None else truth
    (rr,), _ = checked_distributions([r], ["truth"], -1)
    rr = rr[0]
    if rr.shape != steps.shape:
        raise ValueError(
            f"truth must have the {steps.size} outcomes of p and q, got {rr.size}"
        )
    (pp, qq), _ = checked_distributions([p, q], ["p", "q"], -1)
    if np.array_equal(pp, qq):
        raise ValueError("p and q are equal: no observation can tell them apart")
    if ((rr > 0) & (pp[0] == 0) & (qq[0] == 0)).any():
        raise ValueError("truth puts mass on an outcome that both p and q rule out")
    a = _level(alpha, "alpha")
    b = a if beta is None else _level(beta, "beta")
    if a + b >= 1:
        raise ValueError(f"alpha + beta must be below 1, got {a} + {b}")
    n_runs = _count(n_runs, "n_runs")
    max_steps = _count(max_steps, "max_steps")
    gen = _generator(rng)
    upper, lower = _wald_thresholds(a, b)
    # a path within rounding of a threshold has reached it (sums of logs
    # that land exactly on it, as for steps of +-1 bit, must stop there)
    tol = 1e-12 * max(1.0, abs(upper), abs(lower))
    llr = np.zeros(n_runs)
    used = np.full(n_runs, math.inf)
    decided_p = np.zeros(n_runs, dtype=bool)
    active = np.arange(n_runs)
    t, block = 0, 64
    while active.size and t < max_steps:
        m = min(block, max_steps - t)
        x = gen.choice(steps.size, size=(active.size, m), p=rr)
        with np.errstate(invalid="ignore"):  # inf - inf only after a decision
            path = llr[active, None] + np.cumsum(steps[x], axis=1)
            up, down = path >= upper - tol, path <= lower + tol
        hit = up | down
        done = hit.any(axis=1)
        first = np.argmax(hit, axis=1)
        rows = active[done]
        used[rows] = t + first[done] + 1
        decided_p[rows] = up[done, first[done]]
        llr[active[~done]] = path[~done, -1]
        active = active[~done]
        t += m
        block = min(2 * block, 4096)
    return SPRT(used, decided_p, upper / nats, lower / nats)


def wald_expected_n(
    p: ArrayLike,
    q: ArrayLike,
    *,
    alpha: float,
    beta: float | None = None,
    under: str = "p",
) -> float:
    r"""Wald's approximation of the mean sample size of his sequential test.

    Ignoring how far the log-likelihood ratio overshoots the thresholds
    :math:`A = \log((1-\alpha)/\beta)` and
    :math:`B = \log(\alpha/(1-\beta))` (see :func:`sprt`), Wald's identity
    gives

    .. math::

        \mathbb{E}_p[N] \approx \frac{(1 - \alpha) A + \alpha B}{D(p\|q)},
        \qquad
        \mathbb{E}_q[N] \approx \frac{\beta A + (1 - \beta) B}{-D(q\|p)},

    about :math:`\log(1/\beta)/D(p\|q)` and :math:`\log(1/\alpha)/D(q\|p)`
    for small errors. The overshoot makes the true means somewhat larger.

    Parameters
    ----------
    p, q : array_like, shape (m,)
        The two hypotheses; both divergences must be finite.
    alpha, beta : float
        The error targets, as in :func:`sprt` (``beta`` defaults to
        ``alpha``).
    under : {"p", "q"}
        Which hypothesis is true.

    Returns
    -------
    float
        The approximate mean number of observations.

    Examples
    --------
    >>> from kltools import evidence
    >>> evidence.wald_expected_n([0.5, 0.5], [0.25, 0.75], alpha=0.01)
    31.3069
    """
    a = _level(alpha, "alpha")
    b = a if beta is None else _level(beta, "beta")
    if a + b >= 1:
        raise ValueError(f"alpha + beta must be below 1, got {a} + {b}")
    if under not in ("p", "q"):
        raise ValueError(f"under must be 'p' or 'q', got {under!r}")
    upper, lower = _wald_thresholds(a, b)
    if under == "p":
        d = kl_divergence(p, q, base=math.e)
        num = (1 - a) * upper + a * lower
    else:
        d = -kl_divergence(q, p, base=math.e)
        num = b * upper + (1 - b) * lower
    if d == 0 or not math.isfinite(d):
        raise ValueError(
            f"the divergence under {under} is {abs(d)}: Wald's approximation "
            "needs a finite, positive divergence"
        )
    return float(num / d)


# --- Fisher information -----------------------------------------------------------


def bernoulli_fisher(theta: ArrayLike) -> float | np.ndarray:
    r"""Fisher information of one ``Bernoulli(theta)`` observation about ``theta``.

    .. math::

        I(\theta) = \mathbb{E}\left[\left(\frac{\partial}{\partial\theta}
        \log p_\theta(X)\right)^2\right] = \frac{1}{\theta(1 - \theta)},
        \qquad
        D(p_\theta \,\|\, p_{\theta + \delta})
        = \tfrac12 I(\theta)\, \delta^2 + O(\delta^3) \text{ nats}.

    Parameters
    ----------
    theta : array_like
        Success probabilities, strictly in (0, 1).

    Returns
    -------
    float or ndarray
        :math:`I(\theta)` in nats per squared unit of ``theta``.

    Examples
    --------
    >>> from kltools import evidence
    >>> evidence.bernoulli_fisher([0.5, 0.1])
    array([ 4.        , 11.11111111])
    """
    t = _open_probability(theta, "theta")
    return result(1.0 / (t * (1.0 - t)))


def gaussian_fisher(sigma: ArrayLike, parameter: str = "mean") -> float | np.ndarray:
    r"""Fisher information of one ``N(mu, sigma**2)`` observation.

    .. math::

        I_\mu = \frac{1}{\sigma^2}, \qquad I_\sigma = \frac{2}{\sigma^2},
        \qquad I_{(\mu, \sigma)} =
        \begin{pmatrix} 1/\sigma^2 & 0 \\ 0 & 2/\sigma^2 \end{pmatrix}

    for the mean, for the standard deviation (the *scale*) and for both, in
    nats per squared unit of the parameter; none depends on :math:`\mu`. A
    small move :math:`\delta` of the parameters costs
    :math:`D \approx \tfrac12 \delta^\top I \delta` nats.

    Parameters
    ----------
    sigma : array_like
        Standard deviations, > 0.
    parameter : {"mean", "scale", "both"}
        Which parameter the information is about; ``"both"`` gives the
        2 x 2 matrix for :math:`(\mu, \sigma)`.

    Returns
    -------
    float or ndarray
        The information; for ``"both"`` an array of shape
        ``sigma.shape + (2, 2)``.

    Examples
    --------
    >>> from kltools import evidence
    >>> evidence.gaussian_fisher(2.0), evidence.gaussian_fisher(2.0, "scale")
    (0.25, 0.5)
    >>> evidence.gaussian_fisher(1.0, "both")
    array([[1., 0.],
           [0., 2.]])
    """
    s = as_positive(sigma, "sigma")
    if parameter == "mean":
        return result(1.0 / s**2)
    if parameter == "scale":
        return result(2.0 / s**2)
    if parameter == "both":
        out = np.zeros((*s.shape, 2, 2))
        out[..., 0, 0] = 1.0 / s**2
        out[..., 1, 1] = 2.0 / s**2
        return out
    raise ValueError(f"parameter must be 'mean', 'scale' or 'both', got {parameter!r}")


def poisson_fisher(rate: ArrayLike) -> float | np.ndarray:
    r"""Fisher information of one ``Poisson(rate)`` observation about the rate.

    .. math::

        I(\lambda) = \mathbb{E}\left[\left(\frac{X}{\lambda} - 1\right)^2
        \right] = \frac{1}{\lambda}

    in nats per squared unit of the rate, so
    :math:`D(\mathrm{Pois}(\lambda) \,\|\, \mathrm{Pois}(\lambda+\delta))
    \approx \delta^2 / (2\lambda)` nats.

    Parameters
    ----------
    rate : array_like
        Rates, > 0.

    Returns
    -------
    float or ndarray
        :math:`I(\lambda)`.

    Examples
    --------
    >>> from kltools import evidence
    >>> evidence.poisson_fisher(4.0)
    0.25
    """
    return result(1.0 / as_positive(rate, "rate"))


# --- trust regions ----------------------------------------------------------------


def fisher_ellipse(
    center: ArrayLike,
    fisher: ArrayLike,
    radius: float,
    *,
    n_points: int = 200,
    base: float = 2,
) -> np.ndarray:
    r"""The ellipse :math:`\tfrac12 \delta^\top I \delta = \epsilon` around a point.

    The quadratic approximation of a KL ball: the parameters ``theta`` with
    :math:`D(p_{\text{center}} \,\|\, p_\theta) \le \epsilon` are, for
    small :math:`\epsilon`, the inside of this ellipse, a ball of radius
    :math:`\sqrt{2\epsilon}` in the metric of the Fisher information.

    Parameters
    ----------
    center : array_like, shape (2,)
        The point (two parameters).
    fisher : array_like, shape (2, 2)
        The Fisher information at ``center``, symmetric positive definite,
        in nats.
    radius : float
        :math:`\epsilon`, in units of ``log(base)`` (bits by default), > 0.
    n_points : int, optional
        Number of points on the ellipse (>= 3).
    base : float, optional
        Unit of ``radius``.

    Returns
    -------
    ndarray, shape (n_points, 2)
        Points of the ellipse, at ``n_points`` equally spaced angles in
        :math:`[0, 2\pi)` of the Fisher metric (the curve is not closed:
        the first point is not repeated).

    Examples
    --------
    >>> import math
    >>> from kltools import evidence
    >>> pts = evidence.fisher_ellipse([0, 1], [[1, 0], [0, 2]], 0.5,
    ...                               n_points=4, base=math.e)
    >>> pts.round(6)  # semi-axes sqrt(2 eps / I): 1 and 1/sqrt(2)
    array([[ 1.      ,  1.      ],
           [ 0.      ,  1.707107],
           [-1.      ,  1.      ],
           [-0.      ,  0.292893]])
    """
    nats = log_base(base)
    c = as_finite(center, "center")
    f = as_finite(fisher, "fisher")
    if c.shape != (2,) or f.shape != (2, 2):
        raise ValueError(
            f"center must have shape (2,) and fisher (2, 2), got {c.shape} "
            f"and {f.shape}"
        )
    if not np.allclose(f, f.T):
        raise ValueError("fisher must be symmetric")
    vals, vecs = np.linalg.eigh(f)
    if (vals <= 0).any():
        raise ValueError("fisher must be positive definite")
    eps = float(as_positive(radius, "radius")) * nats
    n_points = _count(n_points, "n_points", 3)
    t = 2 * np.pi * np.arange(n_points) / n_points
    unit = np.stack([np.cos(t), np.sin(t)], axis=-1)
    # delta = sqrt(2 eps) I^(-1/2) u satisfies delta' I delta / 2 = eps
    inv_sqrt = vecs @ np.diag(1 / np.sqrt(vals)) @ vecs.T
    return c + math.sqrt(2 * eps) * unit @ inv_sqrt.T


def gaussian_kl_contour(
    mu: float,
    sigma: float,
    radius: float,
    *,
    n_points: int = 200,
    base: float = 2,
) -> np.ndarray:
    r"""The exact KL "trust region" boundary of a Gaussian in the (mean, sd) plane.

    The points :math:`(\mu', \sigma')` with
    :math:`D(N(\mu, \sigma^2) \,\|\, N(\mu', \sigma'^2)) = \epsilon`,
    found along ``n_points`` rays from :math:`(\mu, \sigma)` by bisection
    on :func:`kltools.gaussian_kl`, all rays at once, to the last bit of
    the step length (the divergence increases along every ray, without
    bound). For small :math:`\epsilon` the curve is close to
    :func:`fisher_ellipse` with :func:`gaussian_fisher` ``(sigma, "both")``.

    Parameters
    ----------
    mu : float
        Mean of the centre.
    sigma : float
        Standard deviation of the centre, > 0.
    radius : float
        :math:`\epsilon`, in units of ``log(base)`` (bits by default), > 0.
    n_points : int, optional
        Number of rays (>= 3), at the angles of :func:`fisher_ellipse`
        after scaling by the Fisher metric, so the two curves can be
        compared point by point.
    base : float, optional
        Unit of ``radius``.

    Returns
    -------
    ndarray, shape (n_points, 2)
        Points :math:`(\mu', \sigma')` on the contour.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> from kltools import evidence
    >>> pts = evidence.gaussian_kl_contour(0.0, 1.0, 0.01, n_points=8)
    >>> d = kt.gaussian_kl(0.0, 1.0, pts[:, 0], pts[:, 1])
    >>> bool(abs(d - 0.01).max() < 1e-12)
    True
    """
    log_base(base)
    m = float(as_finite(mu, "mu"))
    s = float(as_positive(sigma, "sigma"))
    eps = float(as_positive(radius, "radius"))
    n_points = _count(n_points, "n_points", 3)
    # rays in the directions of the Fisher ellipse's points
    directions = fisher_ellipse(
        [0.0, 0.0], gaussian_fisher(s, "both"), 1.0, n_points=n_points, base=math.e
    )
    dm, ds = directions[:, 0], directions[:, 1]
    # the largest step along each ray keeps the standard deviation positive
    limit = np.where(ds < 0, s / np.where(ds < 0, -ds, 1.0), np.inf)

    def gap(r):
        return gaussian_kl(m, s, m + r * dm, s + r * ds, base=base) - eps

    # bracket the root on every ray at once, then bisect all rays together
    lo = np.zeros(n_points)
    hi = np.where(np.isfinite(limit), 0.5 * limit, 1.0)
    for _ in range(200):
        short = gap(hi) < 0
        if not short.any():
            break
        lo = np.where(short, hi, lo)
        hi = np.where(
            short, np.where(np.isfinite(limit), 0.5 * (hi + limit), 2 * hi), hi
        )
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if not ((mid > lo) & (mid < hi)).any():
            break
        below = gap(mid) < 0
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    r = 0.5 * (lo + hi)
    out = np.stack([m + r * dm, s + r * ds], axis=-1)
    return out
