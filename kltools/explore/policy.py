"""Explorable of chapter 9: the KL-regularised policy and its reward-KL frontier."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validation import as_finite, as_positive
from ..discrete import kl_divergence
from ..mlkl import kl_regularized_policy, policy_value
from ._core import Explorable, make, pair_params, register

__all__ = ["kl_policy"]

#: Range of the log-scale slider of beta, in reward units per nat.
BETA_MIN, BETA_MAX = 0.01, 100.0

#: Range of the draggable rewards.
REWARD_MIN, REWARD_MAX = -1.0, 1.0


def _greedy(reward: np.ndarray) -> np.ndarray:
    """Uniform over the responses of largest reward (ignoring the reference)."""
    best = reward == reward.max()
    return best / best.sum()


@register("kl_policy", "the KL-regularised policy pi* ∝ pi_ref exp(r/beta)")
def _kl_policy_quantities(v: dict[str, Any]) -> dict[str, float]:
    reward = np.asarray(v["reward"], dtype=float)
    ref = np.asarray(v["reference"], dtype=float)
    beta = float(v["beta"])
    pi = kl_regularized_policy(reward, ref, beta)
    out = {f"pi{i}": float(x) for i, x in enumerate(pi)}
    out.update(
        {
            "expected_reward": float(pi @ reward),
            "kl": kl_divergence(pi, ref, base=math.e),
            "value": policy_value(reward, ref, beta),
            "reference_reward": float(ref @ reward),
            "greedy_kl": kl_divergence(_greedy(reward), ref, base=math.e),
        }
    )
    return out


def kl_policy(
    reference: Any = (0.4, 0.25, 0.2, 0.1, 0.05),
    reward: Any = (0.1, 0.3, 0.5, -0.2, 0.9),
    beta: float = 0.3,
    labels: Any = None,
) -> Explorable:
    r"""The policy that maximises expected reward minus :math:`\beta` times a KL
    divergence from a reference policy, and the frontier it moves along.

    Over a few responses, the reader drags the rewards (in [-1, 1]) and the
    reference probabilities (the others rescale to keep a distribution),
    and sets :math:`\beta` with a log-scale slider in [0.01, 100]. The
    widget shows :math:`\pi^* \propto \pi_{\mathrm{ref}}\, e^{r/\beta}` as
    bars beside :math:`\pi_{\mathrm{ref}}`, its expected reward, its
    divergence :math:`D(\pi^* \,\|\, \pi_{\mathrm{ref}})` in nats, the value
    :math:`\beta \log Z`, the reference's own expected reward, and the
    divergence of the *greedy* policy (uniform over the best responses,
    blind to the reference), which is infinite when the reference gives a
    best response probability 0. A second panel draws the reward-KL
    frontier over every :math:`\beta`, the current optimum, its tangent of
    slope :math:`\beta`, which meets :math:`D = 0` at the value, and the
    greedy policy's point, drawn as an arrow off the plot marked ∞ when its
    divergence is infinite.

    Parameters
    ----------
    reference : array_like
        :math:`\pi_{\mathrm{ref}}` over 2 to 8 responses, summing to 1.
    reward : array_like
        One reward per response, each in [-1, 1].
    beta : float, optional
        Initial :math:`\beta`, in [0.01, 100].
    labels : sequence of str, optional
        Names of the responses; "A", "B", ... by default.
    """
    checked = pair_params(reference, reference, None, max_outcomes=8)
    n = len(checked["p"])
    names = [chr(ord("A") + i) for i in range(n)] if labels is None else labels
    if isinstance(names, str) or len(names) != n:
        raise ValueError(f"labels must name the {n} responses, got {labels!r}")
    r = as_finite(reward, "reward")
    if r.shape != (len(checked["p"]),):
        raise ValueError(
            f"reward must give one number per response ({len(checked['p'])}), "
            f"got shape {r.shape}"
        )
    if ((r < REWARD_MIN) | (r > REWARD_MAX)).any():
        raise ValueError(
            f"reward must be in [{REWARD_MIN}, {REWARD_MAX}], got {reward!r}"
        )
    b = float(as_positive(beta, "beta"))
    if not BETA_MIN <= b <= BETA_MAX:
        raise ValueError(f"beta must be in [{BETA_MIN}, {BETA_MAX}], got {beta!r}")
    return make(
        "kl_policy",
        {
            "labels": [str(x) for x in names],
            "reference": checked["p"],
            "reward": [float(x) for x in r],
            "beta": b,
            "beta_min": BETA_MIN,
            "beta_max": BETA_MAX,
            "reward_min": REWARD_MIN,
            "reward_max": REWARD_MAX,
        },
    )
