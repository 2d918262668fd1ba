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
import numbers
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._measure import measure
from ._validation import (
    _raw_array,
    as_finite,
    as_float_array,
    as_positive,
    broadcast,
    checked_distributions,
    log_base,
    result,
)
from .discrete import _entropy_block, entropy, kl_divergence
from .joint import mutual_information

__all__ = [
    "BOLTZMANN",
    "BOLTZMANN_MEV",
    "ExpectedFreeEnergy",
    "Protocol",
    "boltzmann",
    "expected_free_energy",
    "free_energy",
    "landauer_bound",
    "level_shift_protocol",
    "markov_relaxation",
    "metropolis_kernel",
    "stationary_distribution",
]

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

    The Boltzmann distribution :math:`p` (:func:`~kltools.boltzmann`) minimises it,
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
        Boltzmann's constant ``> 0`` (default 1), as in :func:`~kltools.boltzmann`.

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


# --- a protocol that extracts the excess free energy --------------------------------


class Protocol(NamedTuple):
    """Work extracted and heat lost by :func:`level_shift_protocol`."""

    work: float
    heat: float


def level_shift_protocol(
    q: ArrayLike,
    energies: ArrayLike,
    temperature: float,
    steps: int,
    *,
    k: float = 1.0,
) -> Protocol:
    r"""Work and heat of the level-shift protocol that extracts :math:`F(q) - F(p)`.

    A system in :math:`q` (every :math:`q_i > 0`) sits in a bath at
    temperature :math:`T`, with levels :math:`E_i` whose Boltzmann
    distribution is :math:`p`. The protocol :cite:p:`esposito2011`:

    1. shift the levels at once to :math:`E'_i = -kT \ln q_i`, whose
       Boltzmann distribution is :math:`q` (the probabilities do not move
       during a sudden shift, and extract :math:`\sum_i q_i (E_i - E'_i)`);
    2. bring them back to :math:`E_i` along a straight line in ``steps``
       equal moves; each move from :math:`E^{(j)}` to :math:`E^{(j+1)}`, at
       the equilibrium :math:`r = ` ``boltzmann(E^(j))``, extracts
       :math:`\sum_i r_i (E^{(j)}_i - E^{(j+1)}_i)`, then the system relaxes
       in the bath to ``boltzmann(E^(j+1))`` and
       :math:`kT\, D(r \,\|\, \text{boltzmann}(E^{(j+1)}))` (nats) is lost
       as heat.

    Work plus heat is always :math:`F(q) - F(p) = kT\, D(q \,\|\, p)`; with one
    step no work is extracted, and as ``steps`` grows the heat falls like
    ``1 / steps`` and the work tends to the whole excess (the quasi-static
    limit).

    Parameters
    ----------
    q : array_like, shape (n,)
        The starting distribution, every entry ``> 0``.
    energies : array_like, shape (n,)
        Finite energies of the levels.
    temperature : float
        Bath temperature ``> 0``.
    steps : int
        Number of moves on the way back, ``>= 1``.
    k : float, optional
        Boltzmann's constant, as in :func:`~kltools.boltzmann`.

    Returns
    -------
    Protocol
        ``work`` extracted and ``heat`` lost, in the units of ``energies``.

    Examples
    --------
    >>> import math
    >>> from kltools.thermo import level_shift_protocol
    >>> one = level_shift_protocol([0.5, 0.5], [0.0, math.log(3)], 1.0, 1)
    >>> abs(one.work) < 1e-15, round(one.heat, 10)  # all heat: (1/2) ln(4/3)
    (True, 0.1438410362)
    >>> slow = level_shift_protocol([0.5, 0.5], [0.0, math.log(3)], 1.0, 1000)
    >>> round(slow.work + slow.heat, 10), slow.heat < 1e-3
    (0.1438410362, True)
    """
    e = _energies(energies)
    if e.ndim != 1:
        raise ValueError(f"energies must be 1-D (one set of levels), got {e.shape}")
    qq = _dist(q, "q")
    if qq.shape != e.shape:
        raise ValueError(
            f"q has {qq.size} states but energies {e.size}; they must match"
        )
    if (qq <= 0).any():
        raise ValueError(
            "every entry of q must be > 0: the protocol shifts level i to "
            "-kT ln q_i, which is infinite where q_i = 0"
        )
    n_steps = _count(steps, "steps")
    t, kk = _scale(temperature, k)
    if t.ndim or kk.ndim:
        raise ValueError("temperature and k must be scalars here")
    kt_ = float(kk * t)
    shifted = -kt_ * np.log(qq)
    path = shifted + np.linspace(0.0, 1.0, n_steps + 1)[:, None] * (e - shifted)
    # equilibrium at every stop of the way back, all at once: shape (steps + 1, n)
    at_stop = boltzmann(path, float(t), k=float(kk))
    moves = path[:-1] - path[1:]
    work = float(np.sum(qq * (e - shifted)))  # the sudden first move
    work += float(np.sum(at_stop[:-1] * moves))  # each move, probabilities fixed
    relax = kl_divergence(at_stop[:-1], at_stop[1:], base=math.e)  # nats, per move
    heat = kt_ * float(np.sum(relax))
    return Protocol(work, heat)


# --- Markov dynamics: the second law as KL monotonicity -------------------------------


def _dist(p: ArrayLike, name: str) -> np.ndarray:
    (laid,), lead = checked_distributions([p], [name], -1)
    if lead != ():
        raise ValueError(f"{name} must be one distribution, got a batch {lead}")
    return laid[0]


def _count(n: object, name: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {n!r}")
    if n < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {n}")
    return int(n)


def _transition(kernel: ArrayLike) -> np.ndarray:
    arr = np.asarray(kernel)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(
            "kernel must be a square, non-empty transition matrix "
            f"(kernel[i, j] = P(next = j | now = i)), got shape {arr.shape}"
        )
    (rows,), _ = checked_distributions(
        [arr], ["every row of kernel"], -1, hint="each row is P(next | now = i)."
    )
    return rows.reshape(arr.shape)


def stationary_distribution(kernel: ArrayLike) -> np.ndarray:
    r"""The stationary distribution :math:`p = pK` of a Markov chain.

    Solves :math:`p K = p`, :math:`\sum_i p_i = 1` (least squares on the
    stacked system, exact for a unique solution). The solution is unique
    when the chain has a single closed class, for example when every entry
    of some power :math:`K^m` is positive; otherwise ``ValueError``.

    Parameters
    ----------
    kernel : array_like, shape (n, n)
        Transition matrix, ``kernel[i, j] = P(next = j | now = i)``; rows sum
        to 1.

    Returns
    -------
    ndarray, shape (n,)
        The stationary distribution.

    Examples
    --------
    >>> from kltools.thermo import stationary_distribution
    >>> stationary_distribution([[0.9, 0.1], [0.3, 0.7]]).round(12).tolist()
    [0.75, 0.25]
    """
    kk = _transition(kernel)
    n = kk.shape[0]
    system = np.vstack([kk.T - np.eye(n), np.ones((1, n))])
    if np.linalg.matrix_rank(system[:-1], tol=1e-10) < n - 1:
        raise ValueError(
            "kernel has more than one stationary distribution (it has several "
            "closed classes of states); the second law needs a unique one"
        )
    rhs = np.zeros(n + 1)
    rhs[-1] = 1.0
    p, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    p = np.clip(p, 0.0, None)
    return p / p.sum()


def markov_relaxation(q0: ArrayLike, kernel: ArrayLike, steps: int) -> np.ndarray:
    r"""Distributions :math:`q_t = q_0 K^t` of a Markov chain, for t = 0 to ``steps``.

    For any chain with stationary distribution :math:`p`
    (:func:`stationary_distribution`), :math:`D(q_t \,\|\, p)` and
    :math:`D(p \,\|\, q_t)` never increase with :math:`t`: both are the data
    processing inequality for the channel :math:`K`, which leaves :math:`p`
    fixed (Cover and Thomas, section 4.4 :cite:p:`cover2006`).

    Parameters
    ----------
    q0 : array_like, shape (..., n)
        Starting distribution(s), states on the last axis.
    kernel : array_like, shape (n, n)
        Transition matrix, rows summing to 1.
    steps : int
        Number of steps, ``>= 0``.

    Returns
    -------
    ndarray, shape (..., steps + 1, n)
        :math:`q_0, q_1, \dots`; time on the second-to-last axis, so
        ``kt.kl_divergence(out, p)`` has shape ``(..., steps + 1)``.

    Examples
    --------
    >>> from kltools.thermo import markov_relaxation
    >>> markov_relaxation([1.0, 0.0], [[0.5, 0.5], [0.5, 0.5]], 2).tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.5, 0.5]]
    """
    kk = _transition(kernel)
    (laid,), lead = checked_distributions([q0], ["q0"], -1)
    if laid.shape[-1] != kk.shape[0]:
        raise ValueError(f"q0 has {laid.shape[-1]} states but kernel {kk.shape[0]}")
    n_steps = _count(steps, "steps", minimum=0)
    out = np.empty((laid.shape[0], n_steps + 1, kk.shape[0]))
    out[:, 0] = laid
    for t in range(n_steps):
        out[:, t + 1] = out[:, t] @ kk
    return out.reshape(*lead, n_steps + 1, kk.shape[0])


def metropolis_kernel(
    energies: ArrayLike, temperature: float, *, k: float = 1.0
) -> np.ndarray:
    r"""Transition matrix of a system kept in a heat bath (Metropolis dynamics).

    From level :math:`i`, propose one of the other :math:`n - 1` levels
    :math:`j` uniformly and accept the move with probability
    :math:`\min(1, e^{-(E_j - E_i)/kT})`; otherwise stay. The chain obeys
    detailed balance, :math:`p_i K_{ij} = p_j K_{ji}`, with the Boltzmann
    distribution :math:`p` (:func:`~kltools.boltzmann`), which is therefore
    stationary; along the chain :math:`F(q_t) - F(p) = kT\,D(q_t \,\|\, p)`
    never increases (:func:`markov_relaxation`).

    Parameters
    ----------
    energies : array_like, shape (n,)
        Finite energies of ``n >= 2`` levels.
    temperature : float
        Bath temperature ``> 0``.
    k : float, optional
        Boltzmann's constant, as in :func:`~kltools.boltzmann`.

    Returns
    -------
    ndarray, shape (n, n)
        ``K[i, j] = P(next = j | now = i)``, rows summing to 1.

    Examples
    --------
    >>> import math
    >>> from kltools.thermo import metropolis_kernel
    >>> metropolis_kernel([0.0, math.log(2)], 1.0).round(12).tolist()  # up: 1/2
    [[0.5, 0.5], [1.0, 0.0]]
    """
    e = _energies(energies)
    if e.ndim != 1 or e.size < 2:
        raise ValueError(
            f"energies must be 1-D with at least 2 levels, got shape {e.shape}"
        )
    t, kk = _scale(temperature, k)
    if t.ndim or kk.ndim:
        raise ValueError("temperature and k must be scalars here")
    n = e.size
    gap = e[None, :] - e[:, None]  # E_j - E_i
    with np.errstate(over="ignore"):
        accept = np.exp(-np.clip(gap, 0.0, None) / float(kk * t))
    kernel = accept / (n - 1)
    np.fill_diagonal(kernel, 0.0)
    np.fill_diagonal(kernel, 1.0 - kernel.sum(axis=1))
    return kernel


def landauer_bound(
    temperature: ArrayLike, bits: ArrayLike = 1.0, *, k: ArrayLike = 1.0
) -> float | np.ndarray:
    r"""Landauer's bound: the least heat released by erasing information.

    .. math:: Q \ge k T \ln 2 \ \text{per bit erased}

    :cite:p:`landauer1961`: resetting a memory that holds one of two equally
    likely values to a fixed value lowers its entropy by :math:`\ln 2` nats,
    and the bath at temperature :math:`T` must take up at least
    :math:`kT \ln 2` of heat. At 300 K that is about 17.9 meV, or
    :math:`2.87 \times 10^{-21}` J.

    Parameters
    ----------
    temperature : array_like
        Bath temperature(s) ``> 0``.
    bits : array_like, optional
        Information erased, in bits (``>= 0``; default 1).
    k : array_like, optional
        Boltzmann's constant (default 1: temperature in energy units;
        :data:`BOLTZMANN` for joules, :data:`BOLTZMANN_MEV` for meV).

    Returns
    -------
    float or ndarray
        :math:`k T\, \text{bits} \ln 2`, in the energy unit of ``k``.

    Examples
    --------
    >>> from kltools.thermo import BOLTZMANN_MEV, landauer_bound
    >>> round(landauer_bound(300.0, k=BOLTZMANN_MEV), 4)  # meV per bit
    17.9192
    >>> landauer_bound(1.0)  # kT = 1: ln 2
    0.6931471805599453
    """
    t, kk = _scale(temperature, k)
    b = as_finite(bits, "bits")
    if (b < 0).any():
        raise ValueError(f"bits must be >= 0, got {b[b < 0].flat[0]!r}")
    t, kk, b = broadcast((t, "temperature"), (kk, "k"), (b, "bits"))
    return result(kk * t * b * math.log(2))


# --- expected free energy (active inference) ------------------------------------------


class ExpectedFreeEnergy(NamedTuple):
    """The parts of :func:`expected_free_energy`, in units of ``log(base)``."""

    total: float
    risk: float
    ambiguity: float
    epistemic: float
    pragmatic: float


def expected_free_energy(
    states: ArrayLike,
    likelihood: ArrayLike,
    preferences: ArrayLike,
    *,
    base: float = math.e,
) -> ExpectedFreeEnergy:
    r"""Expected free energy of a predicted state, in its two decompositions.

    An agent predicts that a course of action leaves the hidden state
    :math:`s` distributed as :math:`q(s)` (``states``); observations follow
    :math:`A_{so} = p(o \mid s)` (``likelihood``), so it expects
    :math:`q(o) = \sum_s q(s) A_{so}`; and :math:`\tilde p(o)`
    (``preferences``) says which observations it wants. The expected free
    energy of active inference :cite:p:`friston2015,dacosta2020` is

    .. math::

        G = \underbrace{D\bigl(q(o) \,\|\, \tilde p(o)\bigr)}_{\text{risk}}
          + \underbrace{\mathbb{E}_{q(s)} H[p(o \mid s)]}_{\text{ambiguity}}
          = -\underbrace{I_q(S; O)}_{\text{epistemic value}}
            - \underbrace{\mathbb{E}_{q(o)} \log \tilde p(o)}_{\text{pragmatic value}},

    where the epistemic value :math:`I_q(S; O) = \mathbb{E}_{q(o)}
    D\bigl(q(s \mid o) \,\|\, q(s)\bigr)` is the expected information gain
    about the state. The two forms agree because
    :math:`D(q(o)\|\tilde p) = -H(O) - \mathbb{E}\log\tilde p` and
    :math:`I = H(O) - H(O \mid S)`.

    Parameters
    ----------
    states : array_like, shape (n_s,)
        :math:`q(s)`, a distribution.
    likelihood : array_like, shape (n_s, n_o)
        :math:`p(o \mid s)`, each row a distribution.
    preferences : array_like, shape (n_o,)
        :math:`\tilde p(o)`, a distribution.
    base : float, optional
        Units: ``math.e`` (default) nats, 2 bits.

    Returns
    -------
    ExpectedFreeEnergy
        ``total`` (:math:`G`), ``risk``, ``ambiguity``, ``epistemic``
        (:math:`\ge 0`) and ``pragmatic`` (:math:`\le 0`), with
        ``total == risk + ambiguity == -epistemic - pragmatic``. An outcome
        the agent expects but does not allow in ``preferences`` makes risk
        and ``total`` infinite and ``pragmatic`` ``-inf``.

    Examples
    --------
    One fair coin flip seen perfectly, when heads is wanted with
    probability 3/4 (nats):

    >>> from kltools.thermo import expected_free_energy
    >>> g = expected_free_energy([0.5, 0.5], [[1, 0], [0, 1]], [0.75, 0.25])
    >>> round(g.total, 10), round(g.epistemic, 10), g.ambiguity
    (0.1438410362, 0.6931471806, 0.0)
    """
    qs = _dist(states, "states")
    a = np.asarray(likelihood)
    if a.ndim != 2 or a.shape[0] != qs.size or a.shape[1] == 0:
        raise ValueError(
            f"likelihood must have shape (states, observations) = ({qs.size}, n_o), "
            f"got {a.shape}"
        )
    (rows,), _ = checked_distributions(
        [a], ["every row of likelihood"], -1, hint="each row is p(o | s)."
    )
    a = rows.reshape(a.shape)
    pref = _dist(preferences, "preferences")
    if pref.size != a.shape[1]:
        raise ValueError(
            f"preferences has {pref.size} outcomes but likelihood {a.shape[1]}"
        )
    log_b = log_base(base)
    qo = np.clip(qs @ a, 0.0, None)
    qo = qo / qo.sum()
    risk = float(kl_divergence(qo, pref, base=base))
    ambiguity = float(np.dot(qs, entropy(a, base=base)))
    joint = qs[:, None] * a
    epistemic = float(mutual_information(joint, base=base))
    seen = qo > 0
    with np.errstate(divide="ignore"):
        pragmatic = float(np.sum(qo[seen] * np.log(pref[seen]))) / log_b
    return ExpectedFreeEnergy(risk + ambiguity, risk, ambiguity, epistemic, pragmatic)
