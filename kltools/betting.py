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
    "bets_per_doubling",
    "first_passage_times",
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
