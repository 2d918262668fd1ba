"""Explorables of chapter 2: one distribution whose entropy the reader shapes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validation import prepare_distributions
from ..discrete import entropy, kl_divergence
from ._core import Explorable, make, register

__all__ = ["entropy_bars"]


@register("shannon_bars", "entropy of a dragged distribution against log2 n")
def _shannon_bars_quantities(v: dict[str, Any]) -> dict[str, float]:
    p = np.asarray(v["p"], dtype=float)
    n = p.shape[0]
    return {
        "entropy": entropy(p, normalize=True),
        "max_entropy": math.log2(n),
        "gap": kl_divergence(p, np.full(n, 1 / n), normalize=True),
    }


def entropy_bars(p: Any = (0.5, 0.25, 0.125, 0.125), labels: Any = None) -> Explorable:
    """One distribution over 2 to 8 outcomes whose bars the reader drags.

    Shows the entropy :math:`H(p)`, its ceiling :math:`\\log_2 n` and the gap
    :math:`\\log_2 n - H(p) = D(p\\|u)` to the uniform distribution ``u``, all
    in bits, with each bar labelled by its surprisal. A menu changes the
    number of outcomes (kept bars keep their weight, new ones get ``1/n``,
    then all are rescaled); buttons put all mass on one outcome or make the
    distribution uniform.

    Parameters
    ----------
    p : array_like
        Initial distribution over 2 to 8 outcomes (sums to 1).
    labels : sequence of str, optional
        Names of the outcomes, shown under the bars while their number is
        unchanged; "outcome 1", ... otherwise.
    """
    (pp,), _ = prepare_distributions([p], ["p"], -1)
    if pp.shape[0] != 1 or not 2 <= pp.shape[1] <= 8:
        raise ValueError(
            f"p must be one distribution over 2 to 8 outcomes, got shape {np.shape(p)}"
        )
    entropy(p)  # checks the sum
    n = pp.shape[1]
    if labels is not None and (isinstance(labels, str) or len(labels) != n):
        raise ValueError(f"labels must name the {n} outcomes, got {labels!r}")
    params: dict[str, Any] = {"p": pp[0].tolist()}
    if labels is not None:
        params["labels"] = [str(x) for x in labels]
    return make("shannon_bars", params)
