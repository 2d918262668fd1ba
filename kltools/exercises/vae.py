"""Numeric answers of chapter 7, variational autoencoders."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..continuous import vae_kl
from ..data import load_digits
from ..discrete import cross_entropy


def _by_hand() -> float:
    """KL term of q = N((1, -1), diag(1, 1/4)) from N(0, I), in nats."""
    return float(vae_kl([1.0, -1.0], [0.0, math.log(0.25)], base=math.e))


def _bits() -> float:
    """KL term of q = N((0.5, -1.5), diag(0.3, 2.0)) from N(0, I), in bits."""
    return float(vae_kl([0.5, -1.5], np.log([0.3, 2.0]), base=2))


def _collapse_floor() -> float:
    """Distortion of the best constant decoder on the digits, nats per example.

    The best constant image is the mean image; the distortion is the mean
    over examples of sum_i H(Bern(x_i), Bern(xbar_i)).
    """
    X, _ = load_digits()
    xbar = X.mean(axis=0)
    p = np.stack([X, 1 - X], axis=-1)
    q = np.broadcast_to(np.stack([xbar, 1 - xbar], axis=-1), p.shape)
    return float(cross_entropy(p, q, base=math.e).sum(axis=1).mean())


def _two_draws() -> float:
    """L_2 minus the mean of the one-draw estimates, log weights -24 and -23, nats."""
    two = float(np.logaddexp(-24.0, -23.0) - math.log(2.0))
    return two - (-24.0 + -23.0) / 2


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "D(N((1, -1), diag(1, 1/4)) ‖ N(0, I)) in nats",
        _by_hand,
    ),
    2: (
        "D(N((0.5, -1.5), diag(0.3, 2.0)) ‖ N(0, I)) in bits",
        _bits,
    ),
    3: (
        "distortion of the best constant decoder on the digits, nats per example",
        _collapse_floor,
    ),
    5: (
        "gain of log((W₁ + W₂)/2) over the mean of log W₁ and log W₂, log weights "
        "−24 and −23, in nats",
        _two_draws,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Per coordinate ½(σ² + μ² − 1 − ln σ²); add the two coordinates.",
    2: "Pass log variances, not variances, and divide nats by ln 2 for bits.",
    3: (
        "The best constant image is the mean image; sum the Bernoulli entropies of its "
        "pixels."
    ),
    5: (
        "Average the weights, not their logarithms: factor out e^(−23), use "
        "log(1 + e^(−1)) − log 2, then subtract the mean of −24 and −23."
    ),
}
