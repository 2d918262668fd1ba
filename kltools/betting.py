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
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validation import checked_distributions, log_base, result
from .discrete import kl_divergence

__all__ = [
    "doubling_time",
    "growth_rate",
    "kelly_fractions",
    "simulate_log_wealth",
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
    bettor. Wealth after ``n`` races is about ``base ** (n * W)``.

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


def doubling_time(growth: ArrayLike) -> float | np.ndarray:
    """Races needed, on average, to double wealth: ``1 / W`` for ``W`` in bits.

    Parameters
    ----------
    growth : array_like
        Growth rates in bits per race (as from :func:`growth_rate`).

    Returns
    -------
    float or ndarray
        ``1 / growth`` where the growth is positive; ``inf`` where it is zero
        or negative (wealth never doubles in the long run).

    Examples
    --------
    >>> from kltools import betting
    >>> betting.doubling_time([0.25, 0.0, -1.0])
    array([ 4., inf, inf])
    """
    g = np.asarray(growth, dtype=np.float64)
    if np.isnan(g).any():
        raise ValueError("growth contains NaN entries")
    safe = np.where(g > 0, g, 1.0)
    return result(np.where(g > 0, 1.0 / safe, math.inf))


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
