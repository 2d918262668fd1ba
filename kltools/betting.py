"""Kelly betting against a market: growth rates of wealth as KL divergences.

A market offers *fair odds* ``1/q_i`` on each outcome ``i`` of a race: a
unit staked on ``i`` returns ``1/q_i`` if ``i`` wins and nothing otherwise,
so ``q`` is the market's implied distribution. A bettor who believes ``p``
and stakes the fraction ``b_i = p_i`` of their wealth on each outcome (the
Kelly bet) multiplies their wealth by ``p_X / q_X`` when ``X`` wins. If the
outcomes really follow ``r``, the expected growth of log-wealth per race is

.. math:: W(p, q; r) = \\sum_i r_i \\log \\frac{p_i}{q_i}
          = D(r \\,\\|\\, q) - D(r \\,\\|\\, p),

which is :math:`D(p \\,\\|\\, q)` when the bettor is right (``r = p``)
(Kelly 1956; Cover and Thomas 2006, chapter 6).

At odds ``o_i`` that are not fair, with part of the wealth kept as cash,
the log-optimal stakes are no longer ``b = p`` (:func:`kelly_with_cash`,
and :func:`margin_thresholds` for the margin at which each outcome drops out);
the growth rate of any stakes, :math:`\\sum_i r_i \\log(b_0 + b_i o_i)`, is
:func:`stakes_growth_rate`, and :func:`simulate_stakes` and
:func:`max_drawdown` follow such bettors (fractional Kelly, mis-estimated
beliefs) race by race.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_finite, as_positive, checked_distributions, log_base, result
from .discrete import kl_divergence

__all__ = [
    "bets_per_doubling",
    "first_passage_times",
    "growth_rate",
    "kelly_fractions",
    "kelly_with_cash",
    "margin_thresholds",
    "max_drawdown",
    "simulate_log_wealth",
    "simulate_stakes",
    "stakes_growth_rate",
]


def _race(
    p: ArrayLike, q: ArrayLike, r: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, ...]]:
    """Check belief, market and truth; refuse a market with a zero price."""
    arrays = [p, q, p if r is None else r]
    (pp, qq, rr), lead = checked_distributions(arrays, ["p", "q", "r"], -1)
    if (qq <= 0).any():
        raise ValueError(
            "q must give every outcome a probability > 0: the fair odds 1/q "
            f"are infinite where q is 0 (got q = {np.asarray(q).tolist()!r})"
        )
    return pp, qq, rr, lead


def kelly_fractions(p: ArrayLike) -> float | np.ndarray:
    """The log-optimal stakes at fair odds: the fraction ``b_i = p_i`` of wealth.

    With fair odds ``1/q_i`` (they sum to one over the market's ``q``),
    the stakes that maximise the bettor's expected log-wealth
    :math:`\\sum_i p_i \\log(b_i / q_i)` are the beliefs themselves,
    whatever the odds: proportional betting (Kelly 1956).

    Parameters
    ----------
    p : array_like
        The bettor's belief, a distribution over the outcomes (last axis).

    Returns
    -------
    ndarray
        The fractions of wealth to stake on each outcome; they sum to 1.

    Examples
    --------
    >>> from kltools import betting
    >>> betting.kelly_fractions([0.5, 0.3, 0.2])
    array([0.5, 0.3, 0.2])
    """
    (pp,), lead = checked_distributions([p], ["p"], -1)
    return pp.reshape(*lead, pp.shape[-1]).copy()


def growth_rate(
    p: ArrayLike, q: ArrayLike, r: ArrayLike | None = None, *, base: float = 2
) -> float | np.ndarray:
    """Expected growth of log-wealth per race of a Kelly bettor.

    .. math:: W = \\sum_i r_i \\log \\frac{p_i}{q_i}
              = D(r \\,\\|\\, q) - D(r \\,\\|\\, p)

    for a bettor who believes ``p`` and stakes ``b = p`` at the fair odds
    ``1/q`` when the outcomes follow ``r``. With ``r = p`` (the default)
    it is :math:`D(p \\,\\|\\, q)`, never negative; with ``r != p`` it is
    negative whenever the truth is closer to the market than to the
    bettor. By the law of large numbers :math:`\\frac{1}{n}\\log S_n \\to W`
    with probability one (for :math:`S_0 = 1`), so the wealth after ``n``
    races is ``base ** (n * (W + e_n))`` with ``e_n -> 0``; the gap
    :math:`\\log S_n - n W` itself does not settle, its spread grows like
    :math:`\\sqrt{n}`.

    Parameters
    ----------
    p : array_like
        The bettor's belief (and stakes), along the last axis.
    q : array_like
        The market's implied distribution; every entry must be > 0.
    r : array_like, optional
        The distribution the outcomes really follow; ``p`` if omitted.
    base : float, optional
        Logarithm base: 2 (default) gives bits per race, ``math.e`` nats.

    Returns
    -------
    float or ndarray
        The growth rate in units of ``log(base)`` per race; ``-inf`` if the
        bettor stakes nothing on an outcome that can win (ruin).

    Examples
    --------
    >>> from kltools import betting
    >>> betting.growth_rate([0.75, 0.25], [0.5, 0.5])  # 1 - H(3/4) bits
    0.188721875540867
    >>> betting.growth_rate([0.75, 0.25], [0.5, 0.5], r=[0.5, 0.5])
    -0.207518749639422
    """
    log_base(base)
    pp, qq, rr, lead = _race(p, q, r)
    g = kl_divergence(rr, qq, base=base) - kl_divergence(rr, pp, base=base)
    return result(np.asarray(g).reshape(lead))


def bets_per_doubling(growth: ArrayLike) -> float | np.ndarray:
    """The reciprocal growth rate ``1 / W``: bets per doubling of typical wealth.

    With a growth rate of ``W`` bits per bet, the log-average wealth
    :math:`2^{\\mathbb{E}[\\log_2 S_n]} = S_0\\, 2^{n W}` doubles every
    ``1 / W`` bets, and :math:`\\frac{1}{n}\\log_2 (S_n / S_0) \\to W` for a single
    bettor. ``1 / W`` is *not* the mean number of bets until the
    wealth first doubles: by Wald's identity that mean is
    :math:`\\mathbb{E}[\\log_2 (S_\\tau / S_0)] / W \\ge 1 / W`, larger because
    the first doubling overshoots; see :func:`first_passage_times`.

    Parameters
    ----------
    growth : array_like
        Growth rates in bits per bet (as from :func:`growth_rate`).

    Returns
    -------
    float or ndarray
        ``1 / growth``, in bets, where the growth is positive; ``inf`` where
        it is zero or negative (the typical wealth never doubles).

    Examples
    --------
    >>> from kltools import betting
    >>> betting.bets_per_doubling([0.25, 0.0, -1.0])
    array([ 4., inf, inf])
    """
    g = np.asarray(growth, dtype=np.float64)
    if np.isnan(g).any():
        raise ValueError("growth contains NaN entries")
    safe = np.where(g > 0, g, 1.0)
    return result(np.where(g > 0, 1.0 / safe, math.inf))


def first_passage_times(log_wealth: ArrayLike, level: float = 1.0) -> np.ndarray:
    """The first bet after which each path of log-wealth reaches ``level``.

    For paths :math:`\\log_2 (S_n / S_0)`, ``n = 0, 1, ...`` (as from
    :func:`simulate_log_wealth`), the first passage time is
    :math:`\\tau = \\min\\{n \\ge 1 : \\log_2 (S_n / S_0) \\ge \\text{level}\\}`;
    with ``level = 1`` bit it is the number of bets until the wealth first
    doubles. A path counts as reaching the level when it comes within
    ``1e-12 * max(1, |level|)`` of it, so that an exact doubling reached
    through rounded logarithms is not missed.

    Parameters
    ----------
    log_wealth : array_like, shape (..., n_races + 1)
        Log-wealth paths along the last axis, starting at bet 0.
    level : float, optional
        The level to reach, in the units of the paths (1 bit: a doubling).

    Returns
    -------
    ndarray of float, shape (...)
        The first passage time of each path in bets, ``inf`` for a path that
        does not reach the level within its length.

    Examples
    --------
    >>> from kltools import betting
    >>> paths = [[0, 0.6, -0.4, 0.2, 1.2], [0, -1, -2, -1, 0], [0, 1, 2, 3, 4]]
    >>> betting.first_passage_times(paths)
    array([ 4., inf,  1.])
    """
    w = np.asarray(log_wealth)
    if not np.issubdtype(w.dtype, np.number) or np.iscomplexobj(w):
        raise TypeError(f"log_wealth must hold real numbers, got dtype {w.dtype}")
    w = w.astype(np.float64)
    if w.ndim < 1 or w.shape[-1] < 2:
        raise ValueError(
            "log_wealth must have paths of at least 2 entries (bets 0 and 1) "
            f"along its last axis, got shape {w.shape}"
        )
    if np.isnan(w).any():
        raise ValueError("log_wealth contains NaN entries")
    lev = float(level)
    if not math.isfinite(lev):
        raise ValueError(f"level must be a finite number, got {level!r}")
    hit = w[..., 1:] >= lev - 1e-12 * max(1.0, abs(lev))
    first = np.argmax(hit, axis=-1) + 1.0
    return np.where(hit.any(axis=-1), first, math.inf)


def simulate_log_wealth(
    p: ArrayLike,
    q: ArrayLike,
    r: ArrayLike | None = None,
    *,
    n_bettors: int,
    n_races: int,
    rng: np.random.Generator | int | None = None,
    base: float = 2,
) -> np.ndarray:
    """Log-wealth paths of independent Kelly bettors over repeated races.

    Each bettor starts with wealth 1 (log-wealth 0), stakes ``b = p`` at the
    fair odds ``1/q`` in every race, and the winner of each race is drawn
    from ``r``, independently for every bettor and race. A race won by
    ``x`` adds :math:`\\log(p_x / q_x)` to the log-wealth, so the mean slope
    of the paths estimates :func:`growth_rate`.

    Parameters
    ----------
    p, q : array_like
        Belief and market, single distributions of shape ``(n,)``.
    r : array_like, optional
        The distribution of the winners; ``p`` if omitted.
    n_bettors, n_races : int
        How many bettors, and how many races each bets on (both >= 1).
    rng : numpy.random.Generator or int, optional
        The random generator, or a seed for ``numpy.random.default_rng``.
    base : float, optional
        Logarithm base of the log-wealth (2, bits, by default).

    Returns
    -------
    ndarray, shape (n_bettors, n_races + 1)
        Log-wealth after 0, 1, ..., ``n_races`` races.

    Examples
    --------
    >>> from kltools import betting
    >>> paths = betting.simulate_log_wealth(
    ...     [0.75, 0.25], [0.5, 0.5], n_bettors=2, n_races=3, rng=0)
    >>> paths.shape
    (2, 4)
    """
    lb = log_base(base)
    pp, qq, rr, _ = _race(p, q, r)
    if pp.shape[0] != 1:
        raise ValueError(
            f"p, q and r must be single distributions, got {pp.shape[0]} rows"
        )
    sizes = {"n_bettors": n_bettors, "n_races": n_races}
    for name, v in sizes.items():
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    n = pp.shape[1]
    winners = gen.choice(n, size=(n_bettors, n_races), p=rr[0])
    with np.errstate(divide="ignore"):
        step = (np.log(pp[0]) - np.log(qq[0])) / lb  # log(p_x / q_x) per win
    paths = np.zeros((n_bettors, n_races + 1))
    np.cumsum(step[winners], axis=1, out=paths[:, 1:])
    return paths


def _odds(odds: ArrayLike, n: int | None = None) -> np.ndarray:
    """Check the odds: finite numbers > 0 on one axis (a unit pays ``o_i``)."""
    o = as_positive(odds, "odds")
    if o.ndim != 1:
        raise ValueError(f"odds must be one-dimensional, got shape {o.shape}")
    if n is not None and o.size != n:
        raise ValueError(f"odds must have {n} entries to match, got {o.size}")
    return o


def _stakes(stakes: ArrayLike, n: int) -> np.ndarray:
    """Check stakes: non-negative fractions of wealth whose sum is at most 1."""
    b = as_finite(stakes, "stakes")
    if b.shape[-1] != n or b.ndim < 1:
        raise ValueError(
            f"stakes must have {n} entries on the last axis, got {b.shape}"
        )
    if (b < 0).any():
        raise ValueError(f"stakes has negative entries (smallest {b.min():.6g})")
    total = b.sum(axis=-1)
    if (total > 1 + 1e-9).any():
        raise ValueError(
            "stakes must sum to at most 1 (the rest is kept as cash), "
            f"got a sum of {float(total.max()):.12g}"
        )
    return b


def kelly_with_cash(p: ArrayLike, odds: ArrayLike) -> tuple[np.ndarray, float]:
    """The log-optimal stakes and cash at any odds (Kelly 1956).

    A unit staked on outcome ``i`` pays ``o_i`` if ``i`` wins; the bettor
    may keep a fraction ``b_0`` of their wealth as cash. The stakes
    ``b_1, ..., b_n`` and the cash, with :math:`b_0 + \\sum_i b_i = 1`, that
    maximise :math:`W(b) = \\sum_i p_i \\log(b_0 + b_i o_i)` are:

    * if :math:`\\sum_i 1/o_i \\le 1` (fair or superfair odds): ``b = p``,
      ``b_0 = 0`` (unique when superfair; at fair odds cash is the same as
      staking ``1/o_i`` on every outcome, so other optima exist);
    * if :math:`\\sum_i 1/o_i > 1` (*subfair* odds, a bookmaker's margin):
      sort the outcomes by their expected return :math:`p_i o_i`, largest
      first, and add them one by one to the set ``S`` of backed outcomes
      while :math:`p_i o_i > b_0(S)`, where

      .. math:: b_0(S) = \\frac{1 - \\sum_{i \\in S} p_i}{1 - \\sum_{i \\in S} 1/o_i};

      then ``b_i = p_i - b_0 / o_i`` on ``S`` and ``0`` elsewhere. The
      Karush-Kuhn-Tucker conditions hold with multiplier 1: the wealth
      after a win of ``i`` in ``S`` is ``p_i o_i``, after any other win it
      is the cash ``b_0``, and an outcome is backed only if its expected
      return beats the cash, a water-filling rule
      (Kelly 1956; Smoczynski and Tomkins 2010).

    Parameters
    ----------
    p : array_like, shape (n,)
        The bettor's belief.
    odds : array_like, shape (n,)
        The payout per unit staked on each outcome, > 0.

    Returns
    -------
    stakes : ndarray, shape (n,)
        The fraction of wealth staked on each outcome.
    cash : float
        The fraction kept, ``1 - sum(stakes)``.

    Examples
    --------
    A coin with p = 0.6 at odds 1.9 each way (a 5 % margin): back heads with
    ``0.6 - b_0 / 1.9`` where ``b_0 = 0.4 / (1 - 1/1.9)``, keep the rest.

    >>> from kltools import betting
    >>> stakes, cash = betting.kelly_with_cash([0.6, 0.4], [1.9, 1.9])
    >>> stakes.round(6).tolist(), round(cash, 6)
    ([0.155556, 0.0], 0.844444)
    >>> betting.kelly_with_cash([0.6, 0.4], [2.0, 2.0])  # fair: b = p
    (array([0.6, 0.4]), 0.0)
    """
    (pp,), _ = checked_distributions([p], ["p"], -1)
    if pp.shape[0] != 1:
        raise ValueError(f"p must be a single distribution, got {pp.shape[0]} rows")
    pp = pp[0]
    o = _odds(odds, pp.size)
    if np.sum(1.0 / o) <= 1.0:
        return pp.copy(), 0.0
    order = np.argsort(-pp * o, kind="stable")
    cash, mass, inverse = 1.0, 0.0, 0.0
    backed = []
    for i in order:
        if pp[i] * o[i] <= cash:
            break  # sorted: no later outcome beats the cash either
        mass, inverse = mass + pp[i], inverse + 1.0 / o[i]
        cash = max(1.0 - mass, 0.0) / (1.0 - inverse)  # 1 - inverse > 0: see docs
        backed.append(i)
    stakes = np.zeros_like(pp)
    idx = np.array(backed, dtype=np.intp)
    stakes[idx] = np.maximum(pp[idx] - cash / o[idx], 0.0)
    return stakes, float(1.0 - stakes.sum())


def margin_thresholds(p: ArrayLike, q: ArrayLike) -> np.ndarray:
    """The bookmaker's margin at which Kelly with cash stops backing each outcome.

    A bookmaker who keeps a margin ``t`` (``0 < t < 1``) offers the odds
    ``o_i = (1 - t) / q_i`` on a market ``q``, so that
    :math:`\\sum_i 1/o_i = 1/(1 - t) > 1`. Number the outcomes so that
    :math:`p_1/q_1 \\ge p_2/q_2 \\ge \\dots` (the order of their expected
    returns :math:`p_i o_i`, whatever ``t``) and write :math:`P_{k-1}` and
    :math:`Q_{k-1}` for the sums of ``p`` and ``q`` over the first
    ``k - 1``. The rule of :func:`kelly_with_cash` backs outcome ``k``
    when :math:`p_k o_k > b_0(S_{k-1}) = (1 - P_{k-1}) / (1 - Q_{k-1}/(1 - t))`,
    that is when :math:`1 - t > Q_{k-1} + (1 - P_{k-1})\\, q_k / p_k`. So
    outcome ``k`` gets a positive stake exactly when the margin is below

    .. math:: t_k^* = 1 - Q_{k-1} - (1 - P_{k-1}) \\frac{q_k}{p_k} ,

    and a zero stake at ``t_k^*`` and above (its stake
    :math:`p_k - b_0/o_k` falls continuously to zero there). The thresholds
    never increase along the order, so the backed outcomes form a prefix
    of it; the outcome with the smallest ``p_k / q_k`` has ``t_k^* = 0``
    (no positive margin leaves it backed), and an outcome with ``p_k = 0``
    gets 0 too.

    Parameters
    ----------
    p : array_like, shape (n,)
        The bettor's belief.
    q : array_like, shape (n,)
        The market's implied distribution; every entry must be > 0. At
        margin ``t`` the odds are ``(1 - t) / q``.

    Returns
    -------
    ndarray, shape (n,)
        ``t_k^*`` for each outcome, in the order of ``p``, in ``[0, 1)``.

    Examples
    --------
    The race p = (0.25, 0.4, 0.35) against q = (0.5, 0.3, 0.2): C comes
    first (p/q = 1.75) and is backed while ``1 - t > 0.2 / 0.35``; then B
    while ``1 - t > 0.2 + 0.65 * 0.3 / 0.4 = 0.6875``; A, last, never.

    >>> from kltools import betting
    >>> betting.margin_thresholds([0.25, 0.4, 0.35], [0.5, 0.3, 0.2]).round(6)
    array([0.      , 0.3125  , 0.428571])
    """
    pp, qq, _, lead = _race(p, q, None)
    if lead != ():
        raise ValueError(f"p and q must be single distributions, got shape {lead}")
    pp, qq = pp[0], qq[0]
    order = np.argsort(-(pp / qq), kind="stable")  # p_k = 0 sorts last
    ps, qs = pp[order], qq[order]
    p_before = np.concatenate(([0.0], np.cumsum(ps)[:-1]))  # P_{k-1}
    q_before = np.concatenate(([0.0], np.cumsum(qs)[:-1]))  # Q_{k-1}
    live = ps > 0
    t_sorted = np.zeros_like(ps)  # p_k = 0: never backed at a positive margin
    rest = np.maximum(1.0 - p_before[live], 0.0)
    t_sorted[live] = 1.0 - q_before[live] - rest * qs[live] / ps[live]
    if live.any():  # the last live outcome: exactly 1 - Q_m, the q where p = 0
        t_sorted[np.flatnonzero(live)[-1]] = qs[~live].sum()
    thresholds = np.empty_like(pp)
    thresholds[order] = np.clip(t_sorted, 0.0, 1.0)  # clip rounding errors
    return thresholds


def stakes_growth_rate(
    stakes: ArrayLike, odds: ArrayLike, r: ArrayLike, *, base: float = 2
) -> float | np.ndarray:
    """Growth rate of any stakes at any odds, with the rest kept as cash.

    .. math:: W(b) = \\sum_i r_i \\log\\bigl(b_0 + b_i o_i\\bigr),
              \\qquad b_0 = 1 - \\sum_i b_i ,

    the expected log of the factor by which one race multiplies the wealth
    when a fraction ``b_i`` is staked on outcome ``i`` at odds ``o_i`` (a
    unit pays ``o_i`` if ``i`` wins) and the winners follow ``r``. At fair
    odds ``o_i = 1/q_i`` with ``b = p`` it is :func:`growth_rate`. By the
    law of large numbers the slope of log-wealth, :math:`\\frac1n \\log
    S_n`, tends to ``W`` (:func:`simulate_stakes`).

    Parameters
    ----------
    stakes : array_like, shape (..., n)
        Fractions of wealth staked, >= 0, summing to at most 1 on the last
        axis; leading axes are a batch of bettors.
    odds : array_like, shape (n,)
        Payout per unit staked, > 0.
    r : array_like, shape (n,) or (..., n)
        The distribution of the winners.
    base : float, optional
        Logarithm base: 2 (bits per race, the default) or ``math.e``.

    Returns
    -------
    float or ndarray
        ``W`` per race; ``-inf`` if an outcome that can win leaves nothing.

    Examples
    --------
    Half Kelly on a 3/4 coin at even odds: stake 3/8 on heads, 1/8 on
    tails, keep 1/2; the wealth becomes 5/4 or 3/4.

    >>> from kltools import betting
    >>> w = betting.stakes_growth_rate([0.375, 0.125], [2, 2], [0.75, 0.25])
    >>> round(w, 12) == round(0.75 * math.log2(1.25) + 0.25 * math.log2(0.75), 12)
    True
    """
    lb = log_base(base)
    (rr,), lead_r = checked_distributions([r], ["r"], -1)
    n = rr.shape[-1]
    o = _odds(odds, n)
    b = _stakes(stakes, n)
    cash = 1.0 - b.sum(axis=-1, keepdims=True)
    factor = np.maximum(cash, 0.0) + b * o  # wealth multiplier per winner
    r_full = rr.reshape(*lead_r, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(r_full > 0, r_full * np.log(factor), 0.0)  # 0 log 0 = 0
    return result(terms.sum(axis=-1) / lb)


def simulate_stakes(
    stakes: ArrayLike,
    odds: ArrayLike,
    r: ArrayLike,
    *,
    n_races: int,
    n_bettors: int | None = None,
    rng: np.random.Generator | int | None = None,
    base: float = 2,
) -> np.ndarray:
    """Log-wealth paths of bettors with fixed stakes (and cash) over many races.

    Every bettor starts with wealth 1, keeps the fraction
    ``b_0 = 1 - sum(b)`` as cash and stakes ``b_i`` on outcome ``i`` in every
    race; a race won by ``x`` multiplies the wealth by ``b_0 + b_x o_x``. The
    winners are drawn from ``r`` independently for every bettor and race, so
    each path's slope estimates that bettor's :func:`stakes_growth_rate`.

    Parameters
    ----------
    stakes : array_like, shape (n,) or (n_bettors, n)
        One set of stakes for all bettors, or one row per bettor.
    odds : array_like, shape (n,)
        Payout per unit staked, > 0.
    r : array_like, shape (n,)
        The distribution of the winners.
    n_races : int
        Races per bettor, >= 1.
    n_bettors : int, optional
        Number of bettors when ``stakes`` is one row (default 1); must match
        the rows otherwise.
    rng : numpy.random.Generator or int, optional
        The generator, or a seed for ``numpy.random.default_rng``.
    base : float, optional
        Logarithm base of the log-wealth (2, bits, by default).

    Returns
    -------
    ndarray, shape (n_bettors, n_races + 1)
        Log-wealth after 0, 1, ..., ``n_races`` races (``-inf`` after ruin).

    Examples
    --------
    >>> from kltools import betting
    >>> paths = betting.simulate_stakes(
    ...     [0.375, 0.125], [2, 2], [0.75, 0.25], n_races=4, n_bettors=3, rng=0)
    >>> paths.shape
    (3, 5)
    """
    lb = log_base(base)
    (rr,), _ = checked_distributions([r], ["r"], -1)
    if rr.shape[0] != 1:
        raise ValueError(f"r must be a single distribution, got {rr.shape[0]} rows")
    n = rr.shape[1]
    o = _odds(odds, n)
    b = _stakes(stakes, n)
    if b.ndim == 1:
        rows = 1 if n_bettors is None else n_bettors
        if isinstance(rows, bool) or not isinstance(rows, int | np.integer) or rows < 1:
            raise ValueError(f"n_bettors must be an integer >= 1, got {n_bettors!r}")
        b = np.broadcast_to(b, (int(rows), n))
    elif b.ndim != 2:
        raise ValueError(f"stakes must be 1-D or 2-D, got shape {b.shape}")
    elif n_bettors is not None and n_bettors != b.shape[0]:
        raise ValueError(f"n_bettors is {n_bettors!r} but stakes has {b.shape[0]} rows")
    ok = not isinstance(n_races, bool) and isinstance(n_races, int | np.integer)
    if not ok or n_races < 1:
        raise ValueError(f"n_races must be an integer >= 1, got {n_races!r}")
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    cash = np.maximum(1.0 - b.sum(axis=1, keepdims=True), 0.0)
    with np.errstate(divide="ignore"):
        step = np.log(cash + b * o) / lb  # (bettors, n): log-factor per winner
    winners = gen.choice(n, size=(b.shape[0], n_races), p=rr[0])
    paths = np.zeros((b.shape[0], n_races + 1))
    np.cumsum(np.take_along_axis(step, winners, axis=1), axis=1, out=paths[:, 1:])
    return paths


def max_drawdown(log_wealth: ArrayLike) -> np.ndarray:
    """The largest fall of each log-wealth path from its running peak.

    .. math:: \\mathrm{DD} = \\max_{n} \\Bigl(\\max_{m \\le n} \\log S_m
              - \\log S_n\\Bigr),

    in the units of the paths (bits for :func:`simulate_stakes`); the
    largest fraction of wealth lost from a peak is ``1 - 2 ** -DD`` for
    paths in bits. A ruined path has ``DD = inf``.

    Parameters
    ----------
    log_wealth : array_like, shape (..., n_races + 1)
        Log-wealth paths along the last axis.

    Returns
    -------
    ndarray of float, shape (...)

    Examples
    --------
    >>> from kltools import betting
    >>> betting.max_drawdown([[0, 1, -1, 2, 1.5], [0, 1, 2, 3, 4]])
    array([2., 0.])
    """
    w = np.asarray(log_wealth)
    if not np.issubdtype(w.dtype, np.number) or np.iscomplexobj(w):
        raise TypeError(f"log_wealth must hold real numbers, got dtype {w.dtype}")
    w = w.astype(np.float64)
    if w.ndim < 1 or w.shape[-1] < 1:
        raise ValueError(
            f"log_wealth must have paths along its last axis, got {w.shape}"
        )
    if np.isnan(w).any() or (w == np.inf).any():
        raise ValueError("log_wealth contains NaN or +inf entries")
    peak = np.maximum.accumulate(w, axis=-1)
    with np.errstate(invalid="ignore"):
        fall = np.where(np.isneginf(w), np.inf, peak - w)
    return fall.max(axis=-1)
