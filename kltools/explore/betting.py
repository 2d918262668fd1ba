"""Explorables of chapter 11: a Kelly bettor's belief, the market and the truth."""

from __future__ import annotations

from typing import Any

from .._validation import as_probability
from ..betting import bets_per_doubling, growth_rate
from ..discrete import kl_divergence
from ._core import Explorable, make, register

__all__ = ["betting_kelly"]

#: Range of the three sliders: no probability of exactly 0 or 1.
LOW, HIGH = 0.01, 0.99


@register("betting_kelly", "a Kelly bettor's disagreement with a market and growth")
def _betting_kelly_quantities(v: dict[str, Any]) -> dict[str, float]:
    p, q, r = ([x, 1 - x] for x in (v["belief"], v["market"], v["truth"]))
    g = growth_rate(p, q, r)
    return {
        "kl_pq": kl_divergence(p, q),
        "kl_rq": kl_divergence(r, q),
        "kl_rp": kl_divergence(r, p),
        "growth": g,
        "bets_per_doubling": float(bets_per_doubling(g)),
    }


def betting_kelly(
    belief: float = 0.7, market: float = 0.5, truth: float | None = None
) -> Explorable:
    """A bet on one event (A or not A) at the market's fair odds.

    Three sliders set the bettor's belief ``p(A)``, the market's implied
    probability ``q(A)`` and the true probability ``r(A)``, each in
    [0.01, 0.99]; a button sets the truth equal to the belief. The widget
    shows :math:`D(p\\|q)`, :math:`D(r\\|q)`, :math:`D(r\\|p)`, the growth
    rate :math:`G = D(r\\|q) - D(r\\|p)` of a Kelly bettor (bits per bet), the
    reciprocal growth rate :math:`1/G` (bets per doubling of the log-average
    wealth, not the mean wait for a first doubling), and the growth rate as a
    line over every truth ``r(A)``.

    Parameters
    ----------
    belief, market : float, optional
        Initial ``p(A)`` and ``q(A)``, in [0.01, 0.99].
    truth : float, optional
        Initial ``r(A)``, in [0.01, 0.99]; the belief if omitted.
    """
    values = {"belief": belief, "market": market}
    values["truth"] = belief if truth is None else truth
    for name, x in values.items():
        x = float(as_probability(x, name))
        if not LOW <= x <= HIGH:
            raise ValueError(f"{name} must be in [{LOW}, {HIGH}], got {x!r}")
        values[name] = x
    return make("betting_kelly", values)
