"""Numeric answers of the chapter KL in today's machine learning."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq

from ..discrete import kl_divergence
from ..mlkl import CharNGram, kl_regularized_policy, load_paradise_lost, split_text


def _policy_bits() -> float:
    """D(pi* ‖ pi_ref) in bits, for the by-hand example of the exercise."""
    reference = [0.5, 0.25, 0.25]
    reward = [0.0, math.log(2.0), math.log(4.0)]
    pi = kl_regularized_policy(reward, reference, beta=1.0)
    return float(kl_divergence(pi, reference, base=2))


def _add_one_bits() -> float:
    """Held-out bits per character of the order-2 add-one model of Paradise Lost."""
    text = load_paradise_lost()
    train, test = split_text(text, 0.1)
    model = CharNGram(train, 2, alphabet="".join(sorted(set(text))))
    return model.bits_per_char(test, order=2, smoothing="add-k", k=1.0, history=train)


def _kl_budget() -> float:
    """Most expected reward within D(pi ‖ pi_ref) <= 0.5 nats, for the example."""
    reference = [0.4, 0.25, 0.2, 0.1, 0.05]
    reward = np.array([0.1, 0.3, 0.5, -0.2, 0.9])
    budget = 0.5

    def excess(beta: float) -> float:
        pi = kl_regularized_policy(reward, reference, beta)
        return kl_divergence(pi, reference, base=math.e) - budget

    beta = brentq(excess, 1e-3, 1e3, xtol=1e-14, rtol=1e-14)
    return float(kl_regularized_policy(reward, reference, beta) @ reward)


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "D(pi* ‖ pi_ref) for pi_ref = (1/2, 1/4, 1/4), r = (0, ln 2, ln 4), "
        "beta = 1, in bits",
        _policy_bits,
    ),
    2: (
        "held-out bits per character of the order-2 add-one model of Paradise Lost",
        _add_one_bits,
    ),
    3: (
        "largest expected reward within a KL budget of 0.5 nats, for the explorable's "
        "example, in units of reward",
        _kl_budget,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: (
        "The weights π_ref(y)·e^{r(y)} are ½, ½ and 1, so Z = 2; give the divergence "
        "in bits (log₂), not nats."
    ),
    2: (
        "Fit order 2 on the training part with the whole book's alphabet, score the "
        "held-out part with smoothing='add-k', k=1, and pass history=train so the "
        "first held-out characters have their contexts."
    ),
    3: (
        "Solve D(π*_β ‖ π_ref) = 0.5 nats (natural log) for β, then report "
        "E_π*[r] at that β, not β or the value β log Z."
    ),
}
