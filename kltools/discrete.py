"""Entropy, cross entropy, KL divergence and Jensen-Shannon for discrete tables.

All functions follow the package conventions (see the API contract): the
distribution runs along ``axis`` (default the last) and leading axes
broadcast; sums are checked against 1, and ``normalize=True`` rescales
weights instead; results are in units of ``log(base)``, bits by default;
``0 log 0 = 0``, and a positive probability where the reference has 0 gives
``inf``.  All four share one kernel (:mod:`kltools._kernel`).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._kernel import xlogy_block
from ._measure import measure
from ._validation import as_probability, log_base, result

__all__ = [
    "cross_entropy",
    "entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "surprisal",
]


def _entropy_block(blocks, bufs):
    (p,) = blocks
    return -xlogy_block(p, p, None, bufs[0])


def _cross_entropy_block(blocks, bufs):
    p, q = blocks
    return -xlogy_block(p, q, None, bufs[0])


def _kl_block(blocks, bufs):
    p, q = blocks
    return xlogy_block(p, p, q, bufs[0])


def _js_block(blocks, bufs):
    p, q = blocks
    m = bufs[1]
    np.add(p, q, out=m)
    m *= 0.5
    return 0.5 * (xlogy_block(p, p, m, bufs[0]) + xlogy_block(q, q, m, bufs[0]))


def entropy(
    p: ArrayLike, *, axis: int = -1, base: float = 2, normalize: bool = False
) -> float | np.ndarray:
    r"""Shannon entropy of a discrete distribution.

    .. math:: H(p) = -\sum_i p_i \log p_i

    with :math:`0 \log 0 = 0`.

    Parameters
    ----------
    p : array_like
        Probabilities along ``axis``; they must sum to 1 (within 1e-9).
    axis : int, optional
        Axis holding the outcomes. Other axes are a batch of distributions.
    base : float, optional
        Base of the logarithm: 2 (default) gives bits, ``math.e`` nats.
    normalize : bool, optional
        If True, ``p`` holds non-negative weights (e.g. counts) rescaled to
        sum to 1; otherwise a sum other than 1 raises ``ValueError``.

    Returns
    -------
    float or ndarray
        Entropy in units of ``log(base)``: a float for one distribution, an
        array of the batch shape otherwise. Between 0 and ``log(n)``.

    Examples
    --------
    A fair coin carries one bit; a fair die :math:`\log_2 6` bits.

    >>> import kltools as kt
    >>> kt.entropy([0.5, 0.5])
    1.0
    >>> kt.entropy([1/6] * 6)
    2.584962500721156
    >>> kt.entropy([3, 1], normalize=True, base=math.e)  # nats
    0.5623351446188083
    """
    return measure(
        [p], ["p"], _entropy_block, axis=axis, base=base, normalize=normalize
    )


def cross_entropy(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Cross entropy of ``q`` relative to ``p``.

    .. math:: H(p, q) = -\sum_i p_i \log q_i = H(p) + D(p \,\|\, q)

    The expected code length, in units of ``log(base)``, of data drawn from
    ``p`` and coded with a code built for ``q``. Infinite when some
    :math:`p_i > 0` has :math:`q_i = 0`.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, base, normalize
        As in :func:`entropy`.

    Returns
    -------
    float or ndarray
        Cross entropy, at least :math:`H(p)`.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.cross_entropy([0.5, 0.5], [0.25, 0.75])  # = 1 + D(p||q)
    1.2075187496
    >>> kt.cross_entropy([1, 0], [0, 1])
    inf
    """
    return measure(
        [p, q],
        ["p", "q"],
        _cross_entropy_block,
        axis=axis,
        base=base,
        normalize=normalize,
    )


def kl_divergence(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Kullback-Leibler divergence of ``p`` from ``q``.

    .. math:: D(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}

    Terms with :math:`p_i = 0` are 0; a term with :math:`p_i > 0` and
    :math:`q_i = 0` makes the divergence infinite (infinite surprise).
    Not symmetric: in general :math:`D(p\|q) \ne D(q\|p)`.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast, so a batch
        ``P`` of shape ``(m, n)`` against one ``q`` of shape ``(n,)`` gives
        ``m`` divergences.
    axis, base, normalize
        As in :func:`entropy`.

    Returns
    -------
    float or ndarray
        The divergence, :math:`\ge 0` (Gibbs' inequality), in units of
        ``log(base)``.

    Examples
    --------
    Seeing a black swan when you gave black swans probability 0.01:

    >>> import kltools as kt
    >>> kt.kl_divergence([1, 0], [0.01, 0.99])
    6.643856189774724
    >>> kt.kl_divergence([1, 0], [0.5, 0.5])
    1.0
    >>> kt.kl_divergence([0.5, 0.5], [1, 0])
    inf
    >>> kt.kl_divergence([[1, 0], [0.5, 0.5]], [0.5, 0.5])
    array([1., 0.])
    """
    return _kl(p, q, ("p", "q"), axis=axis, base=base, normalize=normalize)


def _kl(p, q, names, *, axis, base, normalize):
    return measure(
        [p, q], list(names), _kl_block, axis=axis, base=base, normalize=normalize
    )


def js_divergence(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Jensen-Shannon divergence between ``p`` and ``q``.

    .. math::

        \mathrm{JS}(p, q) = \tfrac12 D(p \,\|\, m) + \tfrac12 D(q \,\|\, m),
        \qquad m = \tfrac12 (p + q)

    Symmetric, always finite, and between 0 and :math:`\log 2` (1 bit).

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, base, normalize
        As in :func:`entropy`.

    Returns
    -------
    float or ndarray
        The divergence in units of ``log(base)``, in ``[0, log_base(2)]``.

    Examples
    --------
    Distributions with disjoint supports are one bit apart:

    >>> import kltools as kt
    >>> kt.js_divergence([1, 0], [0, 1])
    1.0
    >>> kt.js_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    """
    return measure(
        [p, q],
        ["p", "q"],
        _js_block,
        axis=axis,
        base=base,
        normalize=normalize,
        upper=math.log(2),
        scratch=2,
    )


def js_distance(
    p: ArrayLike,
    q: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Jensen-Shannon distance, the square root of :func:`js_divergence`.

    .. math:: d_{\mathrm{JS}}(p, q) = \sqrt{\mathrm{JS}(p, q)}

    Unlike the divergence, the distance is a metric: symmetric, zero only
    for equal distributions, and it obeys the triangle inequality. It matches
    ``scipy.spatial.distance.jensenshannon`` for the same ``base``.

    Parameters
    ----------
    p, q : array_like
        Distributions along ``axis``; leading axes broadcast.
    axis, base, normalize
        As in :func:`entropy`; the divergence is taken in ``base`` first.

    Returns
    -------
    float or ndarray
        The distance, never NaN; between 0 and 1 in base 2.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.js_distance([1, 0], [0, 1])
    1.0
    >>> kt.js_distance([1, 0], [0.5, 0.5])  # sqrt(3/2 - (3/4) log2 3) bits
    0.5579230453
    """
    js = js_divergence(p, q, axis=axis, base=base, normalize=normalize)
    return math.sqrt(js) if isinstance(js, float) else np.sqrt(js)


def surprisal(p: ArrayLike, *, base: float = 2) -> float | np.ndarray:
    r"""Surprisal (self-information) of events with probability ``p``.

    .. math:: I(p) = -\log p

    Elementwise, for probabilities in :math:`[0, 1]`; an impossible event
    (:math:`p = 0`) has infinite surprisal. Entropy is the expected
    surprisal, :math:`H(p) = \sum_i p_i I(p_i)`.

    Parameters
    ----------
    p : array_like
        Probabilities, any shape.
    base : float, optional
        Base of the logarithm: 2 (default) gives bits.

    Returns
    -------
    float or ndarray
        A float for a scalar ``p``, an array of the same shape otherwise.

    Examples
    --------
    >>> import kltools as kt
    >>> kt.surprisal(0.5)
    1.0
    >>> kt.surprisal([0.01, 1.0, 0.0])
    array([6.64385619, 0.        ,        inf])
    """
    nats = log_base(base)
    arr = as_probability(p, "p")
    with np.errstate(divide="ignore"):
        out = -np.log(arr) / nats
    return result(out + 0.0)  # + 0.0 turns -0.0 (at p = 1) into 0.0
