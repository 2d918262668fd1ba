"""Explorables of the chapter "KL as evidence": two coins, their log-likelihood
walks and the exact error probabilities of tests between them."""

from __future__ import annotations

from typing import Any

from .._validation import as_probability
from ..discrete import chernoff_information, kl_divergence
from ..evidence import bayes_error_bernoulli, neyman_pearson_bernoulli
from ._core import Explorable, make, register

__all__ = ["evidence_walks"]

#: Range of the two coin sliders (no coin is sure of its toss).
COIN_LOW, COIN_HIGH = 0.02, 0.98
#: Range of the level slider.
ALPHA_LOW, ALPHA_HIGH = 0.01, 0.25
#: Range of the number of tosses, in steps of 10.
N_LOW, N_HIGH = 10, 400


@register("evidence_llr", "log-likelihood-ratio walks and error exponents of two coins")
def _evidence_llr_quantities(v: dict[str, Any]) -> dict[str, float]:
    p, q, alpha, n = float(v["p"]), float(v["q"]), float(v["alpha"]), int(v["n"])
    P, Q = [p, 1 - p], [q, 1 - q]
    c = chernoff_information(P, Q)
    test = neyman_pearson_bernoulli(p, q, n, alpha)
    bayes = bayes_error_bernoulli(p, q, n)
    return {
        "kl_pq": kl_divergence(P, Q),
        "kl_qp": kl_divergence(Q, P),
        "chernoff": c.value,
        "lam": c.lam,
        "beta": test.beta,
        "stein_rate": -test.log_beta / n,
        "bayes_error": bayes.value,
        "bayes_rate": -bayes.log_value / n,
    }


def evidence_walks(
    p: float = 0.3, q: float = 0.1, alpha: float = 0.05, n: int = 200, seed: int = 1
) -> Explorable:
    """Two coins: evidence that accumulates, and errors that fall exponentially.

    Sliders set the heads probability of hypothesis ``p`` and of hypothesis
    ``q`` (each in [0.02, 0.98]), the level ``alpha`` (the probability of
    deciding ``q`` when ``p`` is true, in [0.01, 0.25]) and the number of
    tosses ``n`` (10 to 400, in steps of 10). The top plot draws ten walks
    of the log-likelihood ratio (in bits) with ``p`` true and ten with ``q``
    true, from a seeded generator (a button draws new ones), with the drift
    lines :math:`+n D(p\\|q)` and :math:`-n D(q\\|p)`. The bottom plot draws,
    on a log scale for about 60 numbers of tosses up to ``n``, the exact
    type-II error :math:`\\beta_n` of the randomized Neyman-Pearson test at
    level ``alpha`` and the exact Bayes error (prior 1/2), with the lines
    :math:`2^{-n D(p\\|q)}` and :math:`2^{-n C(p, q)}`.

    The numbers shown are exact and deterministic (no simulation):
    :math:`D(p\\|q)`, :math:`D(q\\|p)`, the Chernoff information and its
    :math:`\\lambda^*`, :math:`\\beta_n` and :math:`-\\frac1n\\log_2\\beta_n`,
    :math:`P_e(n)` and :math:`-\\frac1n\\log_2 P_e(n)`.

    Parameters
    ----------
    p, q : float, optional
        Initial heads probabilities, in [0.02, 0.98].
    alpha : float, optional
        Initial level, in [0.01, 0.25].
    n : int, optional
        Initial number of tosses: a multiple of 10 in [10, 400].
    seed : int, optional
        Seed of the first walks drawn (>= 0).
    """
    values: dict[str, Any] = {}
    for name, x, lo, hi in [
        ("p", p, COIN_LOW, COIN_HIGH),
        ("q", q, COIN_LOW, COIN_HIGH),
        ("alpha", alpha, ALPHA_LOW, ALPHA_HIGH),
    ]:
        x = float(as_probability(x, name))
        if not lo <= x <= hi:
            raise ValueError(f"{name} must be in [{lo}, {hi}], got {x!r}")
        values[name] = x
    for name, k in [("n", n), ("seed", seed)]:
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"{name} must be an integer, got {k!r}")
    if not (N_LOW <= n <= N_HIGH and n % 10 == 0):
        raise ValueError(
            f"n must be a multiple of 10 in [{N_LOW}, {N_HIGH}], got {n!r}"
        )
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed!r}")
    values["n"], values["seed"] = n, seed
    return make("evidence_llr", values)
