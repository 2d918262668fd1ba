"""Explorable of chapter 12: what one pull of an arm is expected to teach."""

from __future__ import annotations

from typing import Any

from .._validation import as_positive
from ..continuous import beta_kl
from ._core import Explorable, make, register

__all__ = ["curiosity_beta_arm"]


@register(
    "curiosity_beta_arm",
    "surprise of each outcome and expected information gain of one Beta-Bernoulli pull",
)
def _curiosity_beta_arm_quantities(v: dict[str, Any]) -> dict[str, float]:
    a, b = float(v["a"]), float(v["b"])
    m = a / (a + b)
    s1 = beta_kl(a + 1, b, a, b)
    s0 = beta_kl(a, b + 1, a, b)
    return {
        "p_success": m,
        "surprise_success": s1,
        "surprise_failure": s0,
        "gain": m * s1 + (1 - m) * s0,
    }


def curiosity_beta_arm(a: float = 1.0, b: float = 1.0) -> Explorable:
    """A Beta(a, b) belief about one arm, and what pulling it would teach.

    Sliders set ``a`` and ``b`` in [0.5, 30] (steps of 0.5). The widget
    shows the predictive chance of a success, the Bayesian surprise
    :math:`D(\\text{posterior} \\,\\|\\, \\text{prior})` of a success and of
    a failure, and their average under the predictive, the expected
    information gain, all in bits; and the densities of the belief and of
    the two possible posteriors.

    Parameters
    ----------
    a, b : float, optional
        Initial Beta parameters, in [0.5, 30].
    """
    values = {}
    for name, x in (("a", a), ("b", b)):
        val = float(as_positive(x, name))
        if not 0.5 <= val <= 30:
            raise ValueError(f"{name} must be in [0.5, 30], got {x!r}")
        values[name] = val
    return make("curiosity_beta_arm", values)
