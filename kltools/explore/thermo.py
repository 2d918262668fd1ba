"""Explorables of chapter 16: energy levels in a heat bath, and free energy."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validation import as_finite, as_positive
from ..discrete import entropy, kl_divergence
from ..thermo import BOLTZMANN_MEV, boltzmann, free_energy
from ._core import Explorable, make, register

__all__ = ["thermo_levels"]

#: Range of both temperature sliders, in kelvin.
T_LOW, T_HIGH = 10.0, 3000.0

#: Largest spread of the energies, in meV: 580 kT at the lowest temperature,
#: so no probability underflows to zero.
MAX_SPAN = 500.0


@register("thermo_levels", "Boltzmann populations, free energy and kT D(Q‖P)")
def _thermo_levels_quantities(v: dict[str, Any]) -> dict[str, float]:
    e = np.asarray(v["energies"], dtype=float)
    k = float(v["k"])
    t, tq = float(v["temperature"]), float(v["trial_temperature"])
    p = boltzmann(e, t, k=k)
    q = boltzmann(e, tq, k=k)
    f_p = free_energy(p, e, t, k=k)
    f_q = free_energy(q, e, t, k=k)
    out = {f"p{i}": float(pi) for i, pi in enumerate(p)}
    out.update(
        {
            "mean_energy": float(np.sum(p * e)),
            "entropy": entropy(p, base=math.e),
            "f_p": f_p,
            "f_q": f_q,
            "excess": f_q - f_p,
            "kt_kl": k * t * kl_divergence(q, p, base=math.e),
        }
    )
    return out


def _temperature(x: float, name: str) -> float:
    t = float(as_positive(x, name))
    if not T_LOW <= t <= T_HIGH:
        raise ValueError(f"{name} must be in [{T_LOW}, {T_HIGH}] K, got {x!r}")
    return t


def thermo_levels(
    energies: Any = (0.0, 10.0, 25.0, 40.0),
    temperature: float = 300.0,
    trial_temperature: float = 1000.0,
) -> Explorable:
    """A few energy levels in a heat bath, at equilibrium and away from it.

    Two log-scale sliders, each in [10, 3000] K, set the bath's temperature
    ``T`` and a *trial temperature* ``T_Q``; a button sets ``T_Q = T``. The
    equilibrium distribution is the Boltzmann distribution
    ``P = boltzmann(energies, T, k=BOLTZMANN_MEV)``; the trial distribution ``Q`` is
    the equilibrium distribution at ``T_Q`` (a system prepared at ``T_Q`` and
    just put into the bath at ``T``). The widget shows the probabilities of
    ``P``, its mean energy (meV) and entropy (nats), the free energies
    ``F(P)`` and ``F(Q)`` at the bath's temperature, their difference and
    ``kT D(Q‖P)`` (all meV), the populations of both distributions on a
    level diagram, and ``F`` over every trial temperature.

    Parameters
    ----------
    energies : array_like
        Energies of 2 to 6 levels in meV, finite, spanning at most 500 meV.
    temperature, trial_temperature : float, optional
        Initial ``T`` and ``T_Q`` in kelvin, in [10, 3000].
    """
    e = as_finite(energies, "energies")
    if e.ndim != 1 or not 2 <= e.size <= 6:
        raise ValueError(f"energies must list 2 to 6 levels, got shape {e.shape}")
    if np.ptp(e) > MAX_SPAN:
        raise ValueError(
            f"energies must span at most {MAX_SPAN} meV, got {float(np.ptp(e))!r}"
        )
    return make(
        "thermo_levels",
        {
            "energies": [float(x) for x in e],
            "k": BOLTZMANN_MEV,  # the renderer uses the same constant
            "temperature": _temperature(temperature, "temperature"),
            "trial_temperature": _temperature(trial_temperature, "trial_temperature"),
        },
    )
