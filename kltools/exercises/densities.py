"""Numeric answers of the chapter "KL between densities".

Keys are the exercises' numbers within the chapter; the id a reader types,
"NN.k", takes its chapter number from the notebook's file name.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import scipy.stats as st

from ..continuous import gaussian_kl
from ..densities import family_entropy, family_kl, kl_quad


def _gaussians() -> float:
    """D(N(0, 1) ‖ N(1, 2²)) in nats: log 2 + (1 + 1)/8 - 1/2."""
    return gaussian_kl(0.0, 1.0, 1.0, 2.0, base=math.e)


def _uniform_normal() -> float:
    """D(Uniform(0, 1) ‖ N(0, 1)) in nats: 1/6 + log √(2π)."""
    return family_kl("uniform", 0.5, 0.5, "normal", 0.0, 1.0, base=math.e)


def _zero_entropy_sigma() -> float:
    """The σ at which h(N(0, σ²)) = 0: h(σ) = h(1) + log2 σ, so σ = 2^-h(1)."""
    return 2.0 ** -family_entropy("normal", 1.0)


def _normal_cauchy() -> float:
    """D(N(0, 1) ‖ Cauchy(0, 1)) in bits."""
    return family_kl("normal", 0.0, 1.0, "cauchy", 0.0, 1.0)


def _student_normal() -> float:
    """D(t₃ ‖ N(0, 1)) in bits, t₃ the Student t with 3 degrees of freedom."""
    return kl_quad(st.t(3), st.norm())


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: ("D(N(0, 1) ‖ N(1, 2²)) in nats", _gaussians),
    2: ("D(Uniform(0, 1) ‖ N(0, 1)) in nats", _uniform_normal),
    3: ("the standard deviation σ with h(N(0, σ²)) = 0", _zero_entropy_sigma),
    4: ("D(N(0, 1) ‖ Cauchy(0, 1)) in bits", _normal_cauchy),
    5: (
        "D(t₃ ‖ N(0, 1)) in bits, Student t with 3 degrees of freedom",
        _student_normal,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: (
        "Use the closed form for two Gaussians: log(σ_q/σ_p) + (σ_p² + (μ_p − "
        "μ_q)²)/(2σ_q²) − ½, in nats."
    ),
    2: "Cross entropy of Uniform(0, 1) against N(0, 1), minus h(Uniform(0, 1)) = 0.",
    3: "Set h(N(0, σ²)) = ½ ln(2πe σ²) to zero and solve for σ.",
    4: (
        "Integrate p·log₂(p/q) with the Cauchy density 1/(π(1 + x²)); the answer is "
        "in bits."
    ),
    5: (
        "The Gaussian's tails are far lighter than t₃'s, but the divergence stays "
        "finite; report bits."
    ),
}
