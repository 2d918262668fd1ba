"""Numeric answers of chapter 6, variational inference and the ELBO."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..continuous import gaussian_kl
from ..vi import (
    coin_log_joint,
    elbo,
    fit_gaussian,
    forward_kl_fit,
    gaussian_posterior,
    log_normaliser,
    mean_field_gaussian,
    mixture_kl,
    reverse_kl_fit,
)

#: The one-observation model of exercises 06.1 and 06.2: y = 2, sigma = s0 = 1.
_Y, _NOISE, _PRIOR = [2.0], 1.0, 1.0
#: The mixture of exercises 06.3 and 06.4: modes at -3 and 3, equal weights.
_MIX = ([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0])
#: The correlated target of exercises 06.5 and 06.6: N(0, [[2, 1], [1, 1]]).
_COV = [[2.0, 1.0], [1.0, 1.0]]


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


def _mean_field_variance() -> float:
    """Variance of the first mean-field factor for N(0, [[2, 1], [1, 1]]): 1."""
    return float(mean_field_gaussian([0.0, 0.0], _COV).variances[0])


def _mean_field_kl() -> float:
    """D(q ‖ p) at the mean-field optimum for the same target, nats: ln(2)/2."""
    return mean_field_gaussian([0.0, 0.0], _COV).kl


def _coin_gap() -> float:
    """Gap of the best Gaussian, 3 heads in 3 tosses, N(0, 3²) prior, nats."""

    def log_joint(x):
        return coin_log_joint(x, 3, 3, 3.0)

    return log_normaliser(log_joint, -40.0, 40.0) - fit_gaussian(log_joint)[2]


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "J(q) = -ELBO(q), q = prior N(0, 1), y = 2, nats",
        _objective_of_prior,
    ),
    2: ("D(q ‖ p*) for q = prior, y = 2, in nats", _gap_of_prior),
    3: ("D(q_rev ‖ p), modes at ±3, in bits", _reverse_fit),
    4: ("D(p ‖ q_fwd), modes at ±3, in bits", _forward_fit),
    5: (
        "variance of the mean-field factor q₁ for Σ = [[2, 1], [1, 1]]",
        _mean_field_variance,
    ),
    6: ("D(q ‖ p) at the mean-field optimum for the same Σ, in nats", _mean_field_kl),
    7: (
        "gap log p(D) − ELBO(q*) of the best Gaussian, 3 heads in 3 tosses, nats",
        _coin_gap,
    ),
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
    5: "The factor's variance is 1/Λ₁₁, with Λ = Σ⁻¹; it is not Σ₁₁.",
    6: "½ log(det Σ · Λ₁₁ Λ₂₂), in nats; det Σ = 1 here.",
    7: (
        "Fit the Gaussian with vi.fit_gaussian, take log p(D) from vi.log_normaliser "
        "over a wide interval, and subtract; the gap is small but positive."
    ),
}
