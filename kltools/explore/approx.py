"""Explorable of chapter 8: a Beta density binned into k equal bins."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import beta as beta_dist

from ..approx import beta_bin_probabilities, beta_entropy, binning_loss
from ..discrete import entropy
from ._core import Explorable, make, register

__all__ = ["binning"]

#: The shapes the reader can pick: name -> (a, b).
SHAPES: dict[str, tuple[float, float]] = {
    "Beta(2, 5), skewed": (2.0, 5.0),
    "Beta(8, 8), peaked": (8.0, 8.0),
    "Beta(0.5, 0.5), U-shaped": (0.5, 0.5),
    "Beta(1, 1), uniform": (1.0, 1.0),
}
MAX_BINS = 40


@register("approx_binning", "a Beta density kept only as bin probabilities")
def _binning_quantities(v: dict[str, Any]) -> dict[str, float]:
    a, b = SHAPES[v["shape"]]
    k = int(v["bins"])
    probs = beta_bin_probabilities(a, b, k)
    return {
        "loss": binning_loss(probs, 1.0 / k, beta_entropy(a, b)),
        "rate": entropy(probs),
    }


def binning(shape: str = "Beta(2, 5), skewed", bins: int = 4) -> Explorable:
    """A Beta density on [0, 1] replaced by k equal bins, each filled flat.

    A select picks the density (see ``kltools.explore.approx.SHAPES``) and a
    slider the number of bins, 1 to 40. The widget shows the density, its
    binned approximation ``q`` (each bin's probability spread uniformly over
    the bin), the
    information lost ``D(p || q)`` and the bits needed to name the bin,
    ``H(P)``, both in bits, and the curve of the loss against k.

    Parameters
    ----------
    shape : str, optional
        A key of ``kltools.explore.approx.SHAPES``.
    bins : int, optional
        Initial number of bins, 1 to 40.
    """
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {sorted(SHAPES)}, got {shape!r}")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)):
        raise ValueError(
            f"bins must be a whole number in [1, {MAX_BINS}], got {bins!r}"
        )
    if not 1 <= bins <= MAX_BINS:
        raise ValueError(f"bins must be in [1, {MAX_BINS}], got {bins!r}")
    grid = np.linspace(0.0, 1.0, 201)
    mid = (grid[:-1] + grid[1:]) / 2  # midpoints: finite even for Beta(0.5, 0.5)
    tables = {}
    for name, (a, b) in SHAPES.items():
        tables[name] = {
            "h": beta_entropy(a, b),
            "probs": [
                beta_bin_probabilities(a, b, k).tolist() for k in range(1, MAX_BINS + 1)
            ],
            "x": mid.tolist(),
            "pdf": beta_dist.pdf(mid, a, b).tolist(),
        }
    return make(
        "approx_binning",
        {"shape": shape, "bins": int(bins), "shapes": list(SHAPES), "tables": tables},
    )
