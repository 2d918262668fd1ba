"""Numeric answers of chapter 11, disagreement and betting."""

from __future__ import annotations

from collections.abc import Callable

from ..betting import bets_per_doubling, growth_rate


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


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
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
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "The growth of a right Kelly bettor is D(p‖q) with p = (¾, ¼) and q = (½, ½).",
    2: "It is the reciprocal of the growth rate in bits per bet.",
    3: "Growth is D(r‖q) − D(r‖p): the truth r weights both terms.",
    4: "At the break-even truth D(r‖q) = D(r‖p); the growth is linear in r.",
}
