"""Numeric answers of chapter 11, disagreement and betting."""

from __future__ import annotations

from collections.abc import Callable

from ..betting import (
    bets_per_doubling,
    growth_rate,
    kelly_with_cash,
    stakes_growth_rate,
)


def _coin_growth() -> float:
    """Kelly bettor on a coin, belief (3/4, 1/4), even odds, right: 1 - H(3/4)."""
    return growth_rate([0.75, 0.25], [0.5, 0.5])


def _coin_bets_per_doubling() -> float:
    """The reciprocal growth rate 1 / D of that bettor: tosses per doubling of
    the log-average wealth (not the mean wait for a first doubling)."""
    return float(bets_per_doubling(_coin_growth()))


def _race_growth() -> float:
    """Three horses: belief (0.2, 0.5, 0.3), market (0.4, 0.4, 0.2), truth
    (0.25, 0.45, 0.3); growth D(r‖q) - D(r‖p) in bits per race."""
    return growth_rate([0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.25, 0.45, 0.3])


def _break_even() -> float:
    """The true r(A) at which a bettor with p(A) = 0.7 against q(A) = 0.5
    neither gains nor loses; growth is linear in r, so interpolate its ends."""
    g0 = growth_rate([0.7, 0.3], [0.5, 0.5], [0.0, 1.0])
    g1 = growth_rate([0.7, 0.3], [0.5, 0.5], [1.0, 0.0])
    return g0 / (g0 - g1)


def _margin_cash() -> float:
    """Coin with p(heads) = 0.6 at odds 1.9 each way (subfair: 2/1.9 > 1): the
    Kelly cash b_0 = (1 - 0.6) / (1 - 1/1.9); heads alone is backed."""
    return kelly_with_cash([0.6, 0.4], [1.9, 1.9])[1]


def _margin_growth() -> float:
    """Growth of that bettor, 0.6 log2(0.6 * 1.9) + 0.4 log2(b_0), bits per toss."""
    stakes, _ = kelly_with_cash([0.6, 0.4], [1.9, 1.9])
    return stakes_growth_rate(stakes, [1.9, 1.9], [0.6, 0.4])


def _half_kelly_coin() -> float:
    """Half Kelly on the 3/4 coin at even odds: stakes (3/8, 1/8), cash 1/2;
    0.75 log2(5/4) + 0.25 log2(3/4) bits per toss."""
    return stakes_growth_rate([0.375, 0.125], [2.0, 2.0], [0.75, 0.25])


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "growth of a right Kelly bettor on a 3/4 coin at even odds, bits per bet",
        _coin_growth,
    ),
    2: (
        "reciprocal growth rate 1/D of that bettor: bets per doubling of the "
        "log-average wealth",
        _coin_bets_per_doubling,
    ),
    3: (
        "growth of the three-horse bettor under the truth r, bits per race",
        _race_growth,
    ),
    4: (
        "the break-even truth r(A) for p(A) = 0.7 against q(A) = 0.5",
        _break_even,
    ),
    5: (
        "the fraction of wealth kept as cash by the Kelly bettor on a 0.6 coin "
        "at odds 1.9 each way",
        _margin_cash,
    ),
    6: (
        "growth of that bettor, bits per toss",
        _margin_growth,
    ),
    7: (
        "growth of a half-Kelly bettor on the 3/4 coin at even odds, bits per toss",
        _half_kelly_coin,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "The growth of a right Kelly bettor is D(p‖q) with p = (¾, ¼) and q = (½, ½).",
    2: "It is the reciprocal of the growth rate in bits per bet.",
    3: "Growth is D(r‖q) − D(r‖p): the truth r weights both terms.",
    4: "At the break-even truth D(r‖q) = D(r‖p); the growth is linear in r.",
    5: (
        "Back heads only (0.6 × 1.9 > 1 > 0.4 × 1.9); the cash is"
        " (1 − 0.6) / (1 − 1/1.9)."
    ),
    6: "After heads the wealth is 0.6 × 1.9, after tails it is the cash b₀.",
    7: "Stake 3/8 on heads and 1/8 on tails, keep ½: the wealth becomes 5/4 or 3/4.",
}
