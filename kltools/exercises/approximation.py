"""Numeric answers of chapter 8, approximation and compression."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..approx import (
    beta_bin_probabilities,
    beta_entropy,
    binning_loss,
    gaussian_rate_distortion,
    gaussian_uniform_quantizer,
    step_binning_loss,
)
from ..discrete import kl_divergence


def _two_bins() -> float:
    """p(x) = 2x on [0, 1] kept as two bins: H(1/4, 3/4) - 1 - h(p), in bits."""
    return binning_loss(beta_bin_probabilities(2, 1, 2), 0.5, beta_entropy(2, 1))


def _bins_needed() -> float:
    """Fewest equal bins that keep the loss of Beta(2, 5) under 0.01 bits."""
    h = beta_entropy(2, 5)
    k = 1
    while binning_loss(beta_bin_probabilities(2, 5, k), 1 / k, h) >= 0.01:
        k += 1
    return float(k)


def _quantizer_gap() -> float:
    """Bits above R(D) of the uniform quantiser of N(0, 1) with step 2.

    Cells centred on 0 (``[-1, 1)``, ``[1, 3)``, ...), the quantiser's default.
    """
    rate, distortion = gaussian_uniform_quantizer(2.0, offset=0.0)
    return rate - gaussian_rate_distortion(distortion)


def _one_group() -> float:
    """D(p ‖ uniform) in bits, p = Beta(2, 5) on 64 equal bins, all merged."""
    p64 = beta_bin_probabilities(2, 5, 64)
    return kl_divergence(p64, np.full(64, 1 / 64))


def _jump_four_bins() -> float:
    """Density 2 on [0, 1/3) and 1/2 on [1/3, 1], four equal bins: the jump sits
    a third of the way into [1/4, 1/2), so D = phi(1/3) / 4 = 1/12 bit."""
    return step_binning_loss(1 / 3, 2 / 3, 4)


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: ("D(p‖q) for p(x) = 2x kept as two bins, in bits", _two_bins),
    2: (
        "fewest bins keeping Beta(2, 5)'s loss under 0.01 bits",
        _bins_needed,
    ),
    3: (
        "bits above R(D) of the step-2 quantiser of N(0, 1), cells centred on 0",
        _quantizer_gap,
    ),
    4: (
        "D(p‖q) in bits when the 64 outcomes of Beta(2, 5) form one group",
        _one_group,
    ),
    5: (
        "D(p‖q_4) in bits for the density 2 on [0, 1/3) and 1/2 on [1/3, 1], "
        "kept as 4 equal bins",
        _jump_four_bins,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: (
        "The bin probabilities are ¼ and ¾; the loss is H(P) − log₂ k − h(p), with h(p)"
        " in bits."
    ),
    2: "The loss falls as k grows: find the first k below 0.01 bits, a whole number.",
    3: "Compare the quantiser's rate with R(D) = ½ log₂(σ²/D) at its distortion D.",
    4: "With a single group, q is uniform over the 64 outcomes.",
    5: (
        "Only the bin [¼, ½) holds the jump, a third of the way in; its mean height"
        " is 1, and the loss is ¼ of that bin's divergence from flat."
    ),
}
