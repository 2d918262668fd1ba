"""Numeric answers of chapter 16, free energy."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..discrete import kl_divergence
from ..thermo import BOLTZMANN_MEV as K_MEV
from ..thermo import boltzmann, free_energy, landauer_bound

#: Two levels whose gap is kT ln 3, in units of kT (so P = (3/4, 1/4)).
_TWO_LEVELS = [0.0, math.log(3.0)]


def _partition_function() -> float:
    """Z of the two levels at kT = 1: exp(-F(P) / kT) = 1 + 1/3 = 4/3."""
    p = boltzmann(_TWO_LEVELS, 1.0)
    return math.exp(-free_energy(p, _TWO_LEVELS, 1.0))


def _excess_uniform() -> float:
    """kT D(Q‖P) in units of kT for Q = (1/2, 1/2): (1/2) ln(4/3)."""
    p = boltzmann(_TWO_LEVELS, 1.0)
    return kl_divergence([0.5, 0.5], p, base=math.e)


def _quench() -> float:
    """F(Q) - F(P) in meV: levels 0, 10, 25, 40 meV, Q at 300 K, bath at 77 K."""
    energies = [0.0, 10.0, 25.0, 40.0]
    p = boltzmann(energies, 77.0, k=K_MEV)
    q = boltzmann(energies, 300.0, k=K_MEV)
    return free_energy(q, energies, 77.0, k=K_MEV) - free_energy(
        p, energies, 77.0, k=K_MEV
    )


def _prior_objective() -> float:
    """J(prior) = -ELBO in nats for the three-coin model, 7 heads in 10 flips."""
    prior = np.array([0.25, 0.5, 0.25])
    heads = np.array([0.2, 0.5, 0.8])
    likelihood = math.comb(10, 7) * heads**7 * (1 - heads) ** 3
    energies = -np.log(prior * likelihood)  # -log p(x, D)
    return free_energy(prior, energies, 1.0)


def _erase_byte() -> float:
    """Landauer's bound in meV for erasing 8 bits at 77 K: 8 kT ln 2."""
    return landauer_bound(77.0, 8.0, k=K_MEV)


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "partition function Z of two levels a gap kT ln 3 apart",
        _partition_function,
    ),
    2: (
        "kT D(Q‖P) for Q = (1/2, 1/2) on the same two levels, in units of kT",
        _excess_uniform,
    ),
    3: (
        "excess free energy in meV of levels 0, 10, 25, 40 meV equilibrated "
        "at 300 K, in a bath at 77 K",
        _quench,
    ),
    4: (
        "variational free energy J(q) = -ELBO, in nats, of the prior as q "
        "in the three-coin model",
        _prior_objective,
    ),
    5: (
        "least heat in meV released by erasing one byte (8 bits) at 77 K",
        _erase_byte,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: "Z sums e^(−E/kT) over the two levels; measure E in units of kT.",
    2: "D(Q‖P) in nats, times kT (here 1).",
    3: (
        "Energies in meV and k in meV per kelvin; use the bath's 77 K for F of both "
        "distributions."
    ),
    4: (
        "With q the prior, J(q) is the expected negative log-likelihood of the data, in"
        " nats."
    ),
    5: "Each bit costs at least kT ln 2, with k in meV per kelvin and T = 77 K.",
}
