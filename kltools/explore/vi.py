"""Explorable of chapter 6: one Gaussian fitted to a two-component mixture,
under the forward and the reverse KL divergence."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from .._validation import as_finite
from ..vi import forward_kl_fit, mixture_kl, reverse_kl_fit
from ._core import Explorable, make, register

__all__ = ["vi_mixture_fits"]

#: Separations of the two modes and weights of the left one, in the table.
SEPARATIONS = tuple(0.5 * i for i in range(15))  # 0, 0.5, ..., 7
WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9)


def _mixture(separation: float, weight: float):
    return [weight, 1 - weight], [-separation / 2, separation / 2], [1.0, 1.0]


@cache
def fit_table() -> dict[str, list[list[float]]]:
    """Both fits and their divergences (bits) for every table entry.

    Rows follow :data:`WEIGHTS`, columns :data:`SEPARATIONS`. The mixture is
    ``weight * N(-d/2, 1) + (1 - weight) * N(d/2, 1)``; the forward fit
    minimises D(p‖q) (moment matching), the reverse fit D(q‖p)
    (:func:`kltools.vi.reverse_kl_fit`, four starts, seed 0). Divergences are
    by :func:`kltools.vi.mixture_kl`.
    """
    keys = ("m_fwd", "s_fwd", "m_rev", "s_rev", "kl_fwd", "kl_rev")
    table: dict[str, list[list[float]]] = {k: [] for k in keys}
    for w in WEIGHTS:
        rows: dict[str, list[float]] = {k: [] for k in keys}
        for d in SEPARATIONS:
            mix = _mixture(d, w)
            m_f, s_f = forward_kl_fit(*mix)
            m_r, s_r, kl_r = reverse_kl_fit(*mix, n_starts=4, seed=0)
            kl_f = mixture_kl(mix, ([1.0], [m_f], [s_f]))
            values = (m_f, s_f, m_r, s_r, kl_f, kl_r)
            for k, v in zip(keys, values, strict=True):
                rows[k].append(float(v))
        for k in keys:
            table[k].append(rows[k])
    return table


def _index(grid: list[float], value: float, name: str) -> int:
    i = int(np.argmin(np.abs(np.asarray(grid) - value)))
    if abs(grid[i] - value) > 1e-6:
        raise ValueError(f"{name} must be one of {grid}, got {value!r}")
    return i


@register("vi_mixture_fits", "forward and reverse KL fits of a Gaussian to a mixture")
def _vi_mixture_fits_quantities(v: dict[str, Any]) -> dict[str, float]:
    j = _index(v["separations"], v["separation"], "separation")
    i = _index(v["weights"], v["weight"], "weight")
    return {"kl_fwd": v["kl_fwd"][i][j], "kl_rev": v["kl_rev"][i][j]}


def vi_mixture_fits(separation: float = 3.0, weight: float = 0.5) -> Explorable:
    """A two-mode mixture p and the Gaussians fitted to it in each direction.

    Sliders set the distance between the modes (0 to 7, in steps of 0.5;
    both modes have standard deviation 1) and the weight of the left mode
    (0.5 to 0.9). The widget draws p, the forward fit (minimising D(p‖q),
    mass-covering) and the reverse fit (minimising D(q‖p), mode-seeking),
    and shows each fit's divergence in bits. The fits are precomputed in
    Python by ``fit_table()`` and passed in ``params``.
    """
    d = float(as_finite(separation, "separation"))
    w = float(as_finite(weight, "weight"))
    _index(list(SEPARATIONS), d, "separation")
    _index(list(WEIGHTS), w, "weight")
    params: dict[str, Any] = {
        "separation": d,
        "weight": w,
        "separations": list(SEPARATIONS),
        "weights": list(WEIGHTS),
        **fit_table(),
    }
    return make("vi_mixture_fits", params)
