"""Numeric answers of chapter 6, variational inference and the ELBO."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..continuous import gaussian_kl
from ..vi import (
    elbo,
    forward_kl_fit,
    gaussian_posterior,
    mixture_kl,
    reverse_kl_fit,
)

#: The one-observation model of exercises 06.1 and 06.2: y = 2, sigma = s0 = 1.
_Y, _NOISE, _PRIOR = [2.0], 1.0, 1.0
#: The mixture of exercises 06.3 and 06.4: modes at -3 and 3, equal weights.
_MIX = ([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0])


def _objective_of_prior() -> float:
    """J(q) = -ELBO(q) for q = prior = N(0, 1), y = 2: ln(2 pi)/2 + 5/2 nats."""
    return -elbo(_Y, _NOISE, _PRIOR, 0.0, 1.0)


def _gap_of_prior() -> float:
    """D(prior ‖ posterior) = D(N(0, 1) ‖ N(1, 1/2)) in nats."""
    mn, sn = gaussian_posterior(_Y, _NOISE, _PRIOR)
    return gaussian_kl(0.0, 1.0, mn, sn, base=math.e)


def _reverse_fit() -> float:
    """D(q_rev ‖ p) in bits for the mixture with modes at -3 and 3."""
    return reverse_kl_fit(*_MIX)[2]


def _forward_fit() -> float:
    """D(p ‖ q_fwd) in bits for the same mixture, q_fwd by moment matching."""
    m, s = forward_kl_fit(*_MIX)
    return mixture_kl(_MIX, ([1.0], [m], [s]))


ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
    1: (
        "J(q) = -ELBO(q), q = prior N(0, 1), y = 2, nats",
        _objective_of_prior,
    ),
    2: ("D(q ‖ p*) for q = prior, y = 2, in nats", _gap_of_prior),
    3: ("D(q_rev ‖ p), modes at ±3, in bits", _reverse_fit),
    4: ("D(p ‖ q_fwd), modes at ±3, in bits", _forward_fit),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: (
        "J(q) is D(q‖prior) minus the expected log-likelihood; with q the prior, only "
        "the expected negative log-likelihood remains."
    ),
    2: (
        "Use the closed form for two Gaussians, with the posterior N(1, ½) as the "
        "second argument."
    ),
    3: (
        "A reverse fit locks onto one mode: its divergence is close to −log₂ of the "
        "mass it covers."
    ),
    4: "A forward fit spreads over both modes: compute D(p‖q_fwd) over both supports.",
}
