r"""Channels (Markov kernels) and the data-processing inequality.

A *channel* from ``m`` inputs to ``n`` outputs is a row-stochastic matrix
``kernel[i, j] = P(Y = y_j | X = x_i)``: every row is a distribution. A
distribution ``p`` of the input becomes the distribution ``pK`` of the
output, :math:`(pK)_j = \sum_i p_i K_{ij}` (:func:`push_forward`). The
data-processing inequality says that no channel increases a KL divergence,
:math:`D(pK \| qK) \le D(p \| q)`; the *contraction coefficient*
:math:`\eta_{KL}(K) = \sup_{p \ne q} D(pK \| qK) / D(p \| q) \le 1` says by
how much a channel must shrink it (:func:`kl_contraction`, and the closed
form :func:`bsc_contraction` of a binary symmetric channel).

Also here: channels to build with (:func:`binary_symmetric`,
:func:`binary_erasure`, :func:`deterministic`), joint tables of a channel's
input and output and of a Markov chain ``X -> Y -> Z`` (:func:`joint`,
:func:`markov_chain`), the conditional divergence of the chain rule for KL
(:func:`conditional_kl`), and Fano's inequality (:func:`fano_entropy_bound`,
:func:`fano_error_bound`, with the best guess's error :func:`map_error`).

Every amount of information takes a keyword-only ``base``, default 2 (bits).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq, minimize

from ._validation import as_probability, checked_distributions, log_base
from .discrete import entropy, kl_divergence

__all__ = [
    "binary_erasure",
    "binary_symmetric",
    "bsc_contraction",
    "bsc_ratio",
    "conditional_kl",
    "deterministic",
    "fano_entropy_bound",
    "fano_error_bound",
    "joint",
    "kl_contraction",
    "kl_ratio",
    "map_error",
    "markov_chain",
    "push_forward",
]


def _kernel(kernel: ArrayLike, name: str = "kernel") -> np.ndarray:
    """A checked channel matrix: 2-D, non-negative, every row summing to 1."""
    arr = np.asarray(kernel)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(
            f"{name} must be a non-empty 2-D matrix (inputs x outputs), "
            f"got shape {arr.shape}"
        )
    (rows,), _ = checked_distributions(
        [arr], [f"every row of {name}"], -1, hint="each row is P(Y | X = x)."
    )
    return rows.reshape(arr.shape)


def _dist(p: ArrayLike, name: str) -> np.ndarray:
    """One checked distribution (1-D)."""
    (laid,), lead = checked_distributions([p], [name], -1)
    if lead != ():
        raise ValueError(f"{name} must be a single distribution, got batch {lead}")
    return laid[0]


def push_forward(p: ArrayLike, kernel: ArrayLike) -> np.ndarray:
    r"""Distribution of the output of a channel fed with ``p``.

    .. math:: (pK)_j = \sum_i p_i\, K_{ij}

    Parameters
    ----------
    p : array_like, shape (..., m)
        Input distributions on the last axis (a batch broadcasts), summing
        to 1.
    kernel : array_like, shape (m, n)
        The channel, ``kernel[i, j] = P(Y = y_j | X = x_i)``; rows sum to 1.

    Returns
    -------
    ndarray, shape (..., n)

    Examples
    --------
    >>> push_forward([1.0, 0.0], binary_symmetric(0.1)).tolist()
    [0.9, 0.1]
    >>> push_forward([[0.5, 0.5], [0.25, 0.75]], [[1, 0, 0], [0, 0.5, 0.5]]).tolist()
    [[0.5, 0.25, 0.25], [0.25, 0.375, 0.375]]
    """
    k = _kernel(kernel)
    (laid,), lead = checked_distributions([p], ["p"], -1)
    if laid.shape[-1] != k.shape[0]:
        raise ValueError(
            f"p has {laid.shape[-1]} outcomes but kernel has {k.shape[0]} rows"
        )
    return (laid @ k).reshape(*lead, k.shape[1])


def binary_symmetric(flip: float) -> np.ndarray:
    r"""The binary symmetric channel: a bit flipped with probability ``flip``.

    .. math:: K = \begin{pmatrix} 1 - \varepsilon & \varepsilon \\
              \varepsilon & 1 - \varepsilon \end{pmatrix}

    Examples
    --------
    >>> binary_symmetric(0.25).tolist()
    [[0.75, 0.25], [0.25, 0.75]]
    """
    e = float(as_probability(flip, "flip"))
    return np.array([[1.0 - e, e], [e, 1.0 - e]])


def binary_erasure(erasure: float) -> np.ndarray:
    r"""The binary erasure channel: a bit lost (output 2, "?") with probability α.

    Outputs are ``0``, ``1`` and ``?``; a bit that arrives is never wrong.
    For every pair, :math:`D(pK \| qK) = (1 - \alpha) D(p \| q)`.

    Examples
    --------
    >>> binary_erasure(0.5).tolist()
    [[0.5, 0.0, 0.5], [0.0, 0.5, 0.5]]
    """
    a = float(as_probability(erasure, "erasure"))
    return np.array([[1.0 - a, 0.0, a], [0.0, 1.0 - a, a]])


def deterministic(labels: ArrayLike, n_outputs: int | None = None) -> np.ndarray:
    """The channel of a function (a statistic): ``K[i, labels[i]] = 1``.

    Parameters
    ----------
    labels : array_like of int, shape (m,)
        The output ``T(x_i) >= 0`` of each input.
    n_outputs : int, optional
        Number of outputs; default ``max(labels) + 1``.

    Examples
    --------
    >>> deterministic([0, 1, 1]).tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    """
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.size == 0 or not np.issubdtype(lab.dtype, np.integer):
        raise ValueError(
            f"labels must be a non-empty 1-D array of integers, got {labels!r}"
        )
    if lab.min() < 0:
        raise ValueError("labels must be >= 0")
    n = int(lab.max()) + 1 if n_outputs is None else int(n_outputs)
    if n <= lab.max():
        raise ValueError(f"n_outputs must exceed max(labels) = {lab.max()}, got {n}")
    k = np.zeros((lab.size, n))
    k[np.arange(lab.size), lab] = 1.0
    return k


def joint(px: ArrayLike, kernel: ArrayLike) -> np.ndarray:
    """Joint table of a channel's input and output, ``p(x, y) = p(x) K[x, y]``.

    Examples
    --------
    >>> joint([0.5, 0.5], binary_symmetric(0.1)).tolist()
    [[0.45, 0.05], [0.05, 0.45]]
    """
    k = _kernel(kernel)
    p = _dist(px, "px")
    if p.size != k.shape[0]:
        raise ValueError(f"px has {p.size} outcomes but kernel has {k.shape[0]} rows")
    return p[:, None] * k


def markov_chain(px: ArrayLike, k_xy: ArrayLike, k_yz: ArrayLike) -> np.ndarray:
    """Joint table ``pxyz[i, j, k]`` of a Markov chain X -> Y -> Z.

    .. math:: p(x, y, z) = p(x)\\, K_1(x, y)\\, K_2(y, z)

    so that Z depends on X only through Y, and :math:`I(X; Z \\mid Y) = 0`.

    Examples
    --------
    >>> import kltools as kt
    >>> pxyz = markov_chain([0.5, 0.5], binary_symmetric(0.1), binary_symmetric(0.2))
    >>> pxyz.shape
    (2, 2, 2)
    >>> round(kt.conditional_mutual_information(pxyz.transpose(0, 2, 1)), 12)
    0.0
    """
    pxy = joint(px, k_xy)
    k2 = _kernel(k_yz, "k_yz")
    if k2.shape[0] != pxy.shape[1]:
        raise ValueError(
            f"k_yz has {k2.shape[0]} rows but k_xy has {pxy.shape[1]} outputs"
        )
    return pxy[:, :, None] * k2[None, :, :]


def conditional_kl(pxy: ArrayLike, qxy: ArrayLike, *, base: float = 2) -> float:
    r"""The conditional divergence of the chain rule for KL.

    .. math::

        D(p_{Y|X} \| q_{Y|X} \mid p_X)
        = \sum_x p(x)\, D\bigl(p(\cdot \mid x) \,\big\|\, q(\cdot \mid x)\bigr),

    so that :math:`D(p_{XY} \| q_{XY}) = D(p_X \| q_X) + D(p_{Y|X} \| q_{Y|X}
    \mid p_X)` :cite:p:`cover2006`. Rows of ``p(x) = 0`` contribute nothing;
    a row with ``p(x) > 0 = q(x)`` has no conditional ``q(. | x)`` and gives
    ``inf`` (as the joint divergence is then infinite too).

    Parameters
    ----------
    pxy, qxy : array_like, shape (m, n)
        Joint tables, X along the rows, each summing to 1.

    Examples
    --------
    >>> conditional_kl([[0.25, 0.25], [0.5, 0.0]], [[0.25, 0.25], [0.25, 0.25]])
    0.5
    """
    shape = np.shape(pxy)
    if len(shape) != 2 or np.shape(qxy) != shape:
        raise ValueError(
            f"pxy and qxy must be 2-D tables of one shape, got {shape} and "
            f"{np.shape(qxy)}"
        )
    (p, q), _ = checked_distributions(
        [np.ravel(pxy), np.ravel(qxy)], ["pxy", "qxy"], -1
    )
    p, q = p.reshape(shape), q.reshape(shape)
    px, qx = p.sum(axis=1), q.sum(axis=1)
    total = 0.0
    for i in np.flatnonzero(px > 0):
        if qx[i] == 0:
            return math.inf
        total += px[i] * kl_divergence(p[i] / px[i], q[i] / qx[i], base=base)
    return float(total)


def kl_ratio(p: ArrayLike, q: ArrayLike, kernel: ArrayLike) -> float:
    r"""How much of ``D(p || q)`` survives a channel: ``D(pK || qK) / D(p || q)``.

    Between 0 and 1 by the data-processing inequality. Needs
    :math:`0 < D(p \| q) < \infty`.

    Examples
    --------
    >>> round(kl_ratio([0.75, 0.25], [0.25, 0.75], binary_symmetric(0.25)), 6)
    0.232487
    """
    before = kl_divergence(p, q)
    if not 0 < before < math.inf:
        raise ValueError(f"the ratio needs 0 < D(p || q) < inf, got {before}")
    after = push_forward(np.stack([_dist(p, "p"), _dist(q, "q")]), kernel)
    return kl_divergence(after[0], after[1]) / before


def bsc_ratio(p1: float, q1: float, flip: float, uses: int = 1) -> float:
    r"""The ratio :func:`kl_ratio` for ``n`` uses of a binary symmetric channel.

    ``p1`` and ``q1`` are the probabilities of a 1 under ``p`` and ``q``,
    both in (0, 1). ``uses`` channels in series are one binary symmetric
    channel with :math:`1 - 2\varepsilon_n = (1 - 2\varepsilon)^n`. When
    ``p1 == q1`` the ratio is 0/0, and its limit as ``q1 -> p1`` is returned,
    the ratio of the chi-square (Fisher) terms,

    .. math::

        \lim_{q \to p} \frac{D(pK \| qK)}{D(p \| q)}
        = (1 - 2\varepsilon_n)^2 \frac{p_1 (1 - p_1)}{r_1 (1 - r_1)},
        \qquad r_1 = \varepsilon_n + (1 - 2\varepsilon_n)\, p_1,

    largest, equal to the contraction coefficient, at ``p1 = 1/2``.

    Examples
    --------
    >>> bsc_ratio(0.5, 0.5, 0.25)
    0.25
    >>> round(bsc_ratio(0.25, 0.75, 0.25), 6)
    0.232487
    """
    a = float(as_probability(p1, "p1"))
    b = float(as_probability(q1, "q1"))
    for name, v in (("p1", a), ("q1", b)):
        if not 0 < v < 1:
            raise ValueError(f"{name} must be in the open interval (0, 1), got {v}")
    if isinstance(uses, bool) or not isinstance(uses, (int, np.integer)) or uses < 1:
        raise ValueError(f"uses must be a whole number >= 1, got {uses!r}")
    slope = (1.0 - 2.0 * float(as_probability(flip, "flip"))) ** int(uses)
    e_n = (1.0 - slope) / 2.0
    if a == b:
        r = e_n + slope * a
        return slope**2 * a * (1.0 - a) / (r * (1.0 - r))
    return kl_ratio([1 - a, a], [1 - b, b], binary_symmetric(e_n))


def bsc_contraction(flip: ArrayLike, uses: int = 1) -> float | np.ndarray:
    r"""KL contraction coefficient of ``uses`` binary symmetric channels in series.

    .. math:: \eta_{KL} = (1 - 2\varepsilon)^{2n}

    the largest fraction of any :math:`D(p \| q)` that survives the channel
    (Ahlswede and Gács 1976); :func:`kl_contraction` finds it numerically.

    Examples
    --------
    >>> bsc_contraction(0.25)
    0.25
    >>> bsc_contraction(0.1, uses=2)
    0.4096000000000001
    >>> bsc_contraction([0.0, 0.5, 1.0]).tolist()
    [1.0, 0.0, 1.0]
    """
    e = as_probability(flip, "flip")
    if isinstance(uses, bool) or not isinstance(uses, (int, np.integer)) or uses < 1:
        raise ValueError(f"uses must be a whole number >= 1, got {uses!r}")
    eta = (1.0 - 2.0 * e) ** (2 * int(uses))
    return float(eta) if eta.ndim == 0 else eta


def _kl_nats_nonneg(p: np.ndarray, q: np.ndarray) -> float:
    """D(p || q) in nats as a sum of non-negative terms q phi(p / q).

    phi(t) = t log t - t + 1 >= 0, evaluated as (1 + u) log1p(u) - u with
    u = (p - q) / q, so that nearly equal p and q do not cancel to noise.
    """
    if np.any((q == 0) & (p > 0)):
        return math.inf
    with np.errstate(all="ignore"):
        u = (p - q) / q  # q > 0 wherever p > 0; elsewhere the term is q
        terms = np.where(p > 0, q * ((1 + u) * np.log1p(u) - u), q)
    return float(terms.sum())


def kl_contraction(
    kernel: ArrayLike, *, starts: int = 3, seed: int = 0, floor: float = 1e-8
) -> float:
    r"""The KL contraction coefficient of a channel, found numerically.

    .. math::

        \eta_{KL}(K) = \sup_{p \ne q} \frac{D(pK \| qK)}{D(p \| q)} \le 1,

    the strong data-processing constant of ``K``. The ratio is maximised by
    Nelder-Mead over pairs ``p = softmax(a, 0)``, ``q = softmax(b, 0)`` from
    ``starts`` seeded random starting points, among pairs with
    :math:`D(p \| q) \ge` ``floor`` nats (the supremum is often approached
    as ``q -> p``, where the ratio is 0/0). The result is the best ratio
    found: a lower bound that, for the channels of the tests, is within
    ``1e-9`` of the exact value ((1 - 2ε)² for a binary symmetric channel,
    1 - α for an erasure channel). About a second for a 2-input channel.

    Parameters
    ----------
    kernel : array_like, shape (m, n)
        The channel; rows sum to 1.
    starts : int, optional
        Number of random starting pairs.
    seed : int, optional
        Seed of the starting points.
    floor : float, optional
        Smallest :math:`D(p \| q)`, in nats, of a pair tried.

    Examples
    --------
    >>> eta = kl_contraction(binary_symmetric(0.1))
    >>> bool(abs(eta - bsc_contraction(0.1)) < 1e-8)
    True
    """
    k = _kernel(kernel)
    if isinstance(starts, bool) or not isinstance(starts, int) or starts < 1:
        raise ValueError(f"starts must be a whole number >= 1, got {starts!r}")
    m = k.shape[0]
    if m == 1:
        raise ValueError("kernel must have at least 2 inputs (rows)")

    def softmax(v: np.ndarray) -> np.ndarray:
        w = np.exp(np.append(v, 0.0) - max(v.max(), 0.0))  # last logit fixed at 0
        return w / w.sum()

    def negative_ratio(x: np.ndarray) -> float:
        p, q = softmax(x[: m - 1]), softmax(x[m - 1 :])
        before = _kl_nats_nonneg(p, q)
        if not floor <= before < math.inf:
            return 0.0
        return -_kl_nats_nonneg(p @ k, q @ k) / before

    rng = np.random.default_rng(seed)
    best = 0.0
    for _ in range(starts):
        res = minimize(
            negative_ratio,
            rng.normal(size=2 * (m - 1)),
            method="Nelder-Mead",
            options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 400 * m},
        )
        best = max(best, -float(res.fun))
    return min(best, 1.0)


def map_error(pxy: ArrayLike) -> float:
    """Error probability of the best guess of X from Y: ``1 - sum_y max_x p(x, y)``.

    Examples
    --------
    >>> map_error([[0.4, 0.1], [0.1, 0.4]])
    0.2
    """
    (flat,), _ = checked_distributions([np.ravel(pxy)], ["pxy"], -1)
    table = flat[0].reshape(np.shape(pxy))
    if table.ndim != 2:
        raise ValueError(f"pxy must be a 2-D table, got shape {table.shape}")
    return float(max(1.0 - table.max(axis=0).sum(), 0.0))


def _check_values(n_values: int) -> int:
    if isinstance(n_values, bool) or not isinstance(n_values, (int, np.integer)):
        raise TypeError(f"n_values must be a whole number, got {n_values!r}")
    if n_values < 2:
        raise ValueError(f"n_values must be >= 2, got {n_values}")
    return int(n_values)


def fano_entropy_bound(p_error: float, n_values: int, *, base: float = 2) -> float:
    r"""Fano's inequality: the most doubt an error rate allows.

    Any guess :math:`\hat X(Y)` of ``X`` (with ``n_values`` values) that is
    wrong with probability :math:`P_e` satisfies

    .. math:: H(X \mid Y) \le h(P_e) + P_e \log(m - 1),

    :math:`h` the binary entropy :cite:p:`cover2006`. Returns the right-hand side.

    Examples
    --------
    >>> fano_entropy_bound(0.5, 2)
    1.0
    >>> round(fano_entropy_bound(0.2, 4), 6)
    1.038921
    """
    nats = log_base(base)
    m = _check_values(n_values)
    pe = float(as_probability(p_error, "p_error"))
    h = entropy([pe, 1.0 - pe], base=math.e)
    return (h + pe * math.log(m - 1)) / nats


def fano_error_bound(h_cond: float, n_values: int, *, base: float = 2) -> float:
    r"""Fano's inequality turned round: the least error any guess can have.

    The smallest :math:`P_e \in [0, (m - 1)/m]` with
    :math:`h(P_e) + P_e \log(m - 1) \ge H(X \mid Y)`, for ``h_cond`` the
    conditional entropy in units of ``log(base)``, between 0 and
    :math:`\log m`. Every guess of ``X`` from ``Y`` errs at least this often.

    Examples
    --------
    >>> fano_error_bound(1.0, 2)
    0.5
    >>> round(fano_error_bound(fano_entropy_bound(0.2, 4), 4), 12)
    0.2
    """
    nats = log_base(base)
    m = _check_values(n_values)
    h = float(h_cond) * nats
    top = math.log(m)
    if math.isnan(h) or h < 0 or h > top * (1 + 1e-12):
        raise ValueError(f"h_cond must be in [0, log {m}], got {h_cond!r}")
    if h == 0:
        return 0.0
    if h >= top:
        return (m - 1) / m
    return brentq(
        lambda pe: fano_entropy_bound(pe, m, base=math.e) - h,
        0.0,
        (m - 1) / m,
        xtol=1e-15,
        rtol=4 * np.finfo(float).eps,
    )
