"""Explorables of chapter 1: two beliefs about a swan, two dragged
distributions, and two Gaussians."""

from __future__ import annotations

import math
from typing import Any

from .._validation import as_positive, as_probability
from ..continuous import gaussian_kl
from ..discrete import js_divergence, kl_divergence
from ._core import Explorable, make, pair_params, register

__all__ = ["black_swan", "gaussians", "two_distributions"]


@register("black_swan", "two beliefs about one swan, KL both ways")
def _black_swan_quantities(v: dict[str, Any]) -> dict[str, float]:
    p, q = [v["posterior"], 1 - v["posterior"]], [v["prior"], 1 - v["prior"]]
    return {"kl_pq": kl_divergence(p, q), "kl_qp": kl_divergence(q, p)}


@register("two_distributions", "KL both ways and JS of two dragged distributions")
def _two_distributions_quantities(v: dict[str, Any]) -> dict[str, float]:
    p, q = v["p"], v["q"]
    return {
        "kl_pq": kl_divergence(p, q, normalize=True),
        "kl_qp": kl_divergence(q, p, normalize=True),
        "js": js_divergence(p, q, normalize=True),
    }


@register("gaussians", "KL both ways between two Gaussians")
def _gaussians_quantities(v: dict[str, Any]) -> dict[str, float]:
    pq = (v["mu_p"], v["sigma_p"], v["mu_q"], v["sigma_q"])
    qp = (v["mu_q"], v["sigma_q"], v["mu_p"], v["sigma_p"])
    return {"kl_pq": gaussian_kl(*pq), "kl_qp": gaussian_kl(*qp)}


def black_swan(prior: float = 0.01, posterior: float = 1.0) -> Explorable:
    """Two beliefs about one swan's colour, before and after meeting it.

    A log-scale slider sets the prior ``q(black)`` in [1e-4, 0.99] and a
    linear one the posterior ``p(black)`` in [0, 1]. The widget shows
    :math:`D(p\\|q)` (the Bayesian surprise of the update) and
    :math:`D(q\\|p)` in bits, both beliefs as bars, and the curve of
    :math:`D(p\\|q)` over every prior at the current posterior.

    Parameters
    ----------
    prior : float, optional
        Initial ``q(black)``, in [1e-4, 0.99].
    posterior : float, optional
        Initial ``p(black)``, in [0, 1]; 1 means the swan was black.
    """
    q = float(as_probability(prior, "prior"))
    p = float(as_probability(posterior, "posterior"))
    if not 1e-4 <= q <= 0.99:
        raise ValueError(f"prior must be in [1e-4, 0.99], got {prior!r}")
    return make("black_swan", {"prior": q, "posterior": p})


def two_distributions(
    p: Any = (0.4, 0.3, 0.2, 0.1),
    q: Any = (0.25,) * 4,
    labels: Any = None,
) -> Explorable:
    """Two distributions over a few outcomes whose bars the reader drags.

    Shows :math:`D(p\\|q)`, :math:`D(q\\|p)`, the JS divergence (bits) and the
    pointwise terms :math:`p_i \\log_2(p_i/q_i)` as bars.

    Parameters
    ----------
    p, q : array_like
        Initial distributions over the same 2 to 8 outcomes (sums to 1).
    labels : sequence of str, optional
        Names of the outcomes, shown under the bars; "outcome 1", ... if
        omitted.
    """
    return make("two_distributions", pair_params(p, q, labels, max_outcomes=8))


def gaussians(
    mu_p: float = 0.0, sigma_p: float = 1.0, mu_q: float = 1.0, sigma_q: float = 2.0
) -> Explorable:
    """Two Gaussians with sliders for their means and standard deviations.

    Shows both densities and both KL directions, in bits, live. Means range
    over [-4, 4] and standard deviations over [0.2, 3].
    """
    values = {"mu_p": mu_p, "sigma_p": sigma_p, "mu_q": mu_q, "sigma_q": sigma_q}
    for name, v in values.items():
        x = float(as_positive(v, name) if name.startswith("sigma") else v)
        lo, hi = (0.2, 3.0) if name.startswith("sigma") else (-4.0, 4.0)
        if not (lo <= x <= hi) or math.isnan(x):
            raise ValueError(f"{name} must be in [{lo}, {hi}], got {v!r}")
        values[name] = x
    return make("gaussians", values)
