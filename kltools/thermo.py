r"""Boltzmann distributions and free energy: KL divergence as wasted work.

A system with states of energy :math:`E_i` in equilibrium at temperature
:math:`T` occupies them with the Boltzmann probabilities
:math:`p_i \propto e^{-E_i / kT}` :cite:p:`jaynes1957`. The free energy of
any distribution :math:`q` over the states,
:math:`F(q) = \langle E \rangle_q - kT\,H(q)`, is least at equilibrium, and
the excess is a KL divergence :cite:p:`esposito2011`:

.. math:: F(q) - F(p) = kT \, D(q \,\|\, p) \quad \text{(} D \text{ in nats).}

Energies, ``k`` and ``k * temperature`` share one unit of energy (``k = 1``
measures temperature in energy units; ``k =`` :data:`BOLTZMANN` takes joules
and kelvin, ``k =`` :data:`BOLTZMANN_MEV` millielectronvolts and kelvin).
Energies run along the last axis; leading axes broadcast against each other
and against ``temperature``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._measure import measure
from ._validation import (
    _raw_array,
    as_finite,
    as_float_array,
    as_positive,
    broadcast,
    result,
)
from .discrete import _entropy_block

__all__ = ["BOLTZMANN", "BOLTZMANN_MEV", "boltzmann", "free_energy"]

#: The Boltzmann constant in J/K, exact since the 2019 redefinition of the SI.
BOLTZMANN = 1.380649e-23

#: The Boltzmann constant in meV/K: :data:`BOLTZMANN` over the (also exact)
#: elementary charge 1.602176634e-19 C, times 1000; about 8.617333262e-2.
BOLTZMANN_MEV = BOLTZMANN / 1.602176634e-19 * 1e3


def _energies(energies: ArrayLike) -> np.ndarray:
    """Finite energies with states on the last axis (an empty batch is fine)."""
    e = as_float_array(energies, "energies")
    if e.ndim == 0:
        raise ValueError(
            "energies must be an array with the states along the last axis, "
            f"not a scalar ({e[()]!r})"
        )
    if e.shape[-1] == 0:
        raise ValueError(
            f"energies is empty (shape {e.shape}): it has no states along the last axis"
        )
    return e if e.size == 0 else as_finite(e, "energies")


def _scale(temperature: ArrayLike, k: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Temperature and Boltzmann constant, checked > 0 and broadcast together."""
    t = as_positive(temperature, "temperature")
    kk = as_positive(k, "k")
    return tuple(broadcast((t, "temperature"), (kk, "k")))


def _lead_broadcast(
    e: np.ndarray, t: np.ndarray, kk: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Broadcast the energies' leading axes with ``temperature`` and ``k``."""
    try:
        lead = np.broadcast_shapes(e.shape[:-1], t.shape)
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast: energies {e.shape} (states on the last "
            f"axis) and temperature {t.shape}"
        ) from None
    e = np.broadcast_to(e, (*lead, e.shape[-1]))
    return e, np.broadcast_to(t, lead)[..., None], np.broadcast_to(kk, lead)[..., None]


def boltzmann(
    energies: ArrayLike, temperature: ArrayLike, *, k: ArrayLike = 1.0
) -> np.ndarray:
    r"""Boltzmann (Gibbs) distribution over states of given energies.

    .. math::

        p_i = \frac{e^{-E_i / kT}}{Z}, \qquad Z = \sum_j e^{-E_j / kT}

    the maximum-entropy distribution with a given mean energy
    :cite:p:`jaynes1957`. Computed as :math:`e^{-(E_i - E_{\min}) / kT}`
    normalised (the log-sum-exp shift), so energies of any finite size give
    no overflow and no NaN: the lowest state always keeps weight, and states
    far above it get exactly 0 (their probability underflows).

    Parameters
    ----------
    energies : array_like, shape (..., n)
        Finite energies of the ``n`` states along the last axis.
    temperature : array_like
        Temperature(s) ``> 0``; broadcasts against the leading axes of
        ``energies``, so a vector of temperatures gives one distribution each.
    k : array_like, optional
        Boltzmann's constant ``> 0`` in units of energy per unit of
        temperature; 1 (default) measures temperature in energy units.

    Returns
    -------
    ndarray, shape (..., n)
        Probabilities summing to 1 along the last axis.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.boltzmann([0.0, 1.0], temperature=1.0)  # 1 / (1 + e^-1)
    array([0.73105858, 0.26894142])
    >>> kt.boltzmann([0.0, 1.0, 2.0], temperature=[0.5, 1e9]).round(4)
    array([[0.8668, 0.1173, 0.0159],
           [0.3333, 0.3333, 0.3333]])
    >>> kt.boltzmann([-1e300, 0.0, 1e300], temperature=1.0)  # no overflow
    array([1., 0., 0.])
    >>> kt.boltzmann([-1e308, 1e308], temperature=1e308)  # 1 / (1 + e^-2)
    array([0.88079708, 0.11920292])
    """
    e = _energies(energies)
    t, kk = _scale(temperature, k)
    e, t, kk = _lead_broadcast(e, t, kk)
    with np.errstate(all="ignore"):
        # Non-negative, possibly inf: exp(-inf) = 0, and the minimum gives 1.
        x = _scaled_gaps(e, kk, t)
        w = np.exp(-x)
        return w / w.sum(axis=-1, keepdims=True)


def _scaled_gaps(e: np.ndarray, kk: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``(E_i - E_min) / (k T) >= 0`` for any finite energies, ``k``, ``T``.

    The gap ``E_i - E_min`` overflows when the energies span more than the
    float range (``[-1e308, 1e308]``); there it is taken as twice
    ``E_i / 2 - E_min / 2`` and divided first. ``k T`` is applied in the
    order that does not overflow on the way.
    """
    low = e.min(axis=-1, keepdims=True)
    gap = e - low
    kt_ = kk * t
    fine = np.isfinite(kt_) & (kt_ >= np.finfo(float).tiny)

    def scale(x):
        stepwise = np.where(kk >= 1.0, (x / kk) / t, (x / t) / kk)
        return np.where(fine, x / np.where(fine, kt_, 1.0), stepwise)

    x = scale(gap)
    huge = np.isinf(gap)
    if huge.any():
        x = np.where(huge, 2.0 * scale(0.5 * e - 0.5 * low), x)
    return x


def free_energy(
    q: ArrayLike,
    energies: ArrayLike,
    temperature: ArrayLike,
    *,
    k: ArrayLike = 1.0,
) -> float | np.ndarray:
    r"""Free energy of a distribution ``q`` over states of given energies.

    .. math::

        F(q) = \sum_i q_i E_i - kT \, H(q), \qquad
        H(q) = -\sum_i q_i \log q_i \ \text{(nats)}

    The Boltzmann distribution :math:`p` (:func:`boltzmann`) minimises it,
    at :math:`F(p) = -kT \log Z`, and for any :math:`q`
    :cite:p:`esposito2011`

    .. math:: F(q) - F(p) = kT \, D(q \,\|\, p) \quad (D \text{ in nats}).

    The left side stays finite where the right cannot be computed: for
    energies hundreds of :math:`kT` apart ``boltzmann`` underflows to exact
    zeros, and ``kl_divergence(q, p)`` is then ``inf``.

    Parameters
    ----------
    q : array_like, shape (..., n)
        Probabilities over the states along the last axis, summing to 1
        (within the tolerance of the API contract: 1e-9 for float64, 16 units
        of the dtype's epsilon for float32); ``0 log 0 = 0``.
    energies : array_like, shape (..., n)
        Finite energies of the states; leading axes broadcast with ``q``.
    temperature : array_like
        Temperature(s) ``> 0``, broadcasting against the leading axes.
    k : array_like, optional
        Boltzmann's constant ``> 0`` (default 1), as in :func:`boltzmann`.

    Returns
    -------
    float or ndarray
        :math:`F(q)` in the units of ``energies``: a float for one
        distribution, an array of the broadcast leading shape otherwise.

    Examples
    --------
    Two states of equal energy at :math:`kT = 1`: the uniform distribution
    has :math:`F = -\log 2`, and a pure state pays :math:`kT\,D = \log 2`
    more.

    >>> import kltools as kt
    >>> kt.free_energy([0.5, 0.5], [0.0, 0.0], temperature=1.0)
    -0.6931471805599453
    >>> kt.free_energy([1.0, 0.0], [0.0, 0.0], temperature=1.0)
    0.0
    """
    e = _energies(energies)
    q_given = _raw_array(q, "q")  # its dtype sets the sum tolerance
    qa = as_float_array(q_given, "q")
    if qa.ndim == 0:
        raise ValueError(
            f"q must be an array of probabilities, not a scalar ({qa[()]!r})"
        )
    if qa.shape[-1] == 0:
        raise ValueError(f"q is empty (shape {qa.shape}); it needs states")
    if qa.shape[-1] != e.shape[-1]:
        raise ValueError(
            "q and energies need the same number of states on the last axis, "
            f"got q {qa.shape} and energies {e.shape}"
        )
    try:
        shape = np.broadcast_shapes(qa.shape, e.shape)
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast: q {qa.shape} and energies {e.shape}"
        ) from None
    # Validates q as distributions (entries, sums) and returns H(q) in nats.
    h = np.asarray(
        measure(
            [q_given],
            ["q"],
            _entropy_block,
            axis=-1,
            base=math.e,
            normalize=False,
            hint="free_energy needs probabilities: rescale q, e.g. q / q.sum()",
        )
    )
    mean_e = (np.broadcast_to(qa, shape) * np.broadcast_to(e, shape)).sum(axis=-1)
    t, kk = _scale(temperature, k)
    with np.errstate(over="ignore"):
        kt_ = kk * t
    if not np.isfinite(kt_).all():
        raise ValueError("k * temperature overflows; use smaller units")
    try:
        mean_e, h, kt_ = np.broadcast_arrays(mean_e, h, kt_)
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast: leading axes {shape[:-1]} of q and "
            f"energies, and temperature {t.shape}"
        ) from None
    with np.errstate(over="ignore"):
        return result(mean_e - kt_ * h)
