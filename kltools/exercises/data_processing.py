"""Numeric answers of chapter 14, chain rules and data processing."""

from __future__ import annotations

from collections.abc import Callable

from ..channels import (
    binary_symmetric,
    fano_error_bound,
    kl_contraction,
    kl_ratio,
    push_forward,
)
from ..discrete import kl_divergence

#: The pair and the channel of exercises 14.1 and 14.2.
P, Q, FLIP = (0.75, 0.25), (0.25, 0.75), 0.25


def _after() -> float:
    """D(pK || qK) in bits for the pair P, Q through a BSC flipping 1/4."""
    k = binary_symmetric(FLIP)
    return kl_divergence(push_forward(P, k), push_forward(Q, k))


def _ratio() -> float:
    """D(pK || qK) / D(p || q) for the same pair and channel."""
    return kl_ratio(P, Q, binary_symmetric(FLIP))


def _cascade() -> float:
    """KL contraction coefficient of BSC(0.1) then BSC(0.2), found numerically."""
    return kl_contraction(binary_symmetric(0.1) @ binary_symmetric(0.2))


def _fano() -> float:
    """Least error of any guess of a 4-valued X when H(X | Y) = 1 bit."""
    return fano_error_bound(1.0, 4)


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: ("D(pK || qK) for p = (3/4, 1/4), q = (1/4, 3/4), flip 1/4, in bits", _after),
    2: ("the fraction D(pK || qK) / D(p || q) that survives (no unit)", _ratio),
    3: ("contraction coefficient of BSC(0.1) then BSC(0.2) (no unit)", _cascade),
    4: ("Fano's lower bound on the error, 4 values, H(X | Y) = 1 bit", _fano),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: (
        "First push p and q through the channel: pK = p(1 − ε) + (1 − p)ε for each "
        "symbol."
    ),
    2: "Divide D(pK‖qK) by D(p‖q), both in the same unit: the ratio has none.",
    3: (
        "The cascade is one binary symmetric channel; its coefficient is (1 − 2ε)² "
        "for its flip ε."
    ),
    4: "Fano: H(X | Y) ≤ h(P_e) + P_e·log₂(|X| − 1); solve for the smallest P_e.",
}
