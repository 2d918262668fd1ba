r"""Prefix codes built from a distribution: Shannon and Huffman code lengths.

A binary prefix code gives outcome :math:`x` a codeword of :math:`\ell(x)`
bits. Data drawn from :math:`p` and coded with lengths built for :math:`q`
cost :math:`\mathbb{E}_p[\ell] = \sum_x p(x) \ell(x)` bits per outcome on
average, close to the cross entropy :math:`H(p, q)`. This module builds the
lengths, checks them against the Kraft inequality, and averages them:

* :func:`shannon_lengths`: :math:`\lceil -\log_2 q(x) \rceil`;
* :func:`huffman_lengths`: the lengths of an optimal (Huffman) code for
  :math:`q`;
* :func:`kraft_sum`: :math:`\sum_x 2^{-\ell(x)}`, at most 1 for every
  prefix code;
* :func:`expected_length`: :math:`\sum_x p(x) \ell(x)`, with
  :math:`0 \cdot \infty = 0`;
* :func:`canonical_code`: the codewords themselves, for lengths that satisfy
  the Kraft inequality;
* :func:`block_distribution`: the distribution of a block of :math:`n`
  independent outcomes, to code blocks instead of single outcomes;
* :func:`is_prefix_free` and :func:`is_uniquely_decodable`: whether a set
  of codewords can be read back, the second by the Sardinas-Patterson test.

Lengths are in bits (binary codes). An outcome with :math:`q(x) = 0` gets no
codeword: its length is ``inf``.
"""

from __future__ import annotations

import heapq
import itertools

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_float_array, checked_distributions

__all__ = [
    "MAX_BLOCK_OUTCOMES",
    "block_distribution",
    "canonical_code",
    "expected_length",
    "huffman_lengths",
    "is_prefix_free",
    "is_uniquely_decodable",
    "kraft_sum",
    "shannon_lengths",
]

#: The largest block distribution :func:`block_distribution` builds.
MAX_BLOCK_OUTCOMES = 2**22

#: Slack when rounding -log2 q up, so that a q a rounding error away from a
#: power of two still gets the integer length it is meant to have. The Kraft
#: sum of Shannon lengths may then exceed 1 by about 1e-12, never more.
_ROUND_SLACK = 1e-12


def _distribution(q: ArrayLike, name: str) -> np.ndarray:
    """``q`` checked as one distribution or a batch along the last axis."""
    (rows,), lead = checked_distributions([q], [name], -1)
    return rows.reshape(*lead, rows.shape[-1])


def shannon_lengths(q: ArrayLike) -> np.ndarray:
    r"""Codeword lengths of the Shannon code for ``q``, in bits.

    .. math:: \ell(x) = \left\lceil -\log_2 q(x) \right\rceil

    These lengths satisfy the Kraft inequality, so a prefix code with them
    exists, and for data drawn from any :math:`p`,
    :math:`H(p, q) \le \sum_x p(x) \ell(x) < H(p, q) + 1`.

    Parameters
    ----------
    q : array_like
        A distribution along the last axis (sums to 1); leading axes are a
        batch of distributions.

    Returns
    -------
    ndarray
        Lengths (whole numbers, as floats), same shape as ``q``; ``inf``
        where :math:`q(x) = 0` (no codeword). A value of
        :math:`-\log_2 q(x)` within ``1e-12`` of a whole number of bits is
        taken as that number before rounding up (floating-point slack).

    Examples
    --------
    >>> from kltools import coding
    >>> coding.shannon_lengths([0.5, 0.25, 0.125, 0.125])
    array([1., 2., 3., 3.])
    >>> coding.shannon_lengths([0.6, 0.4, 0.0])
    array([ 1.,  2., inf])
    """
    qq = _distribution(q, "q")
    with np.errstate(divide="ignore"):
        bits = -np.log2(qq)
    return np.maximum(np.ceil(bits - _ROUND_SLACK), 0.0)


def huffman_lengths(q: ArrayLike) -> np.ndarray:
    r"""Codeword lengths of a binary Huffman code for ``q``, in bits.

    Huffman's algorithm repeatedly merges the two least probable nodes; the
    depth of each outcome in the resulting tree is its codeword length. No
    prefix code has a smaller expected length :math:`\sum_x q(x) \ell(x)`
    under ``q``, which lies in :math:`[H(q), H(q) + 1)`. Ties are broken by
    outcome order, so the result is deterministic.

    Parameters
    ----------
    q : array_like
        One distribution (1-D, sums to 1).

    Returns
    -------
    ndarray
        Lengths, shape of ``q``; ``inf`` where :math:`q(x) = 0` (no
        codeword). With a single possible outcome its length is 0: nothing
        needs to be sent.

    Examples
    --------
    Cover and Thomas, Example 5.6.1:

    >>> from kltools import coding
    >>> coding.huffman_lengths([0.25, 0.25, 0.2, 0.15, 0.15])
    array([2., 2., 2., 3., 3.])
    """
    qq = _distribution(q, "q")
    if qq.ndim != 1:
        raise ValueError(f"q must be one distribution (1-D), got shape {qq.shape}")
    lengths = np.full(qq.shape, np.inf)
    support = np.flatnonzero(qq > 0)
    lengths[support] = 0.0
    # heap of (probability, tie-breaker, outcomes under this node)
    heap = [(float(qq[i]), int(i), [int(i)]) for i in support]
    heapq.heapify(heap)
    counter = len(qq)
    while len(heap) > 1:
        w1, _, a = heapq.heappop(heap)
        w2, _, b = heapq.heappop(heap)
        lengths[a + b] += 1.0
        heapq.heappush(heap, (w1 + w2, counter, a + b))
        counter += 1
    return lengths


def _lengths(lengths: ArrayLike) -> np.ndarray:
    ell = as_float_array(lengths, "lengths")
    if ell.size == 0:
        raise ValueError(f"lengths is empty (shape {ell.shape})")
    if np.isnan(ell).any():
        raise ValueError("lengths contains NaN entries")
    finite = ell[np.isfinite(ell)]
    if (ell < 0).any() or (finite != np.round(finite)).any():
        bad = ell[(ell < 0) | (np.isfinite(ell) & (ell != np.round(ell)))].flat[0]
        raise ValueError(
            f"lengths must be whole numbers of bits >= 0 (or inf), got {bad!r}"
        )
    return ell


def kraft_sum(lengths: ArrayLike) -> float | np.ndarray:
    r"""The Kraft sum :math:`\sum_x 2^{-\ell(x)}` of codeword lengths.

    A binary prefix code with these lengths exists if and only if the sum is
    at most 1 (the Kraft inequality); an infinite length (no codeword)
    contributes 0.

    Parameters
    ----------
    lengths : array_like
        Whole numbers of bits along the last axis, or ``inf``.

    Returns
    -------
    float or ndarray
        The sum over the last axis.

    Examples
    --------
    >>> from kltools import coding
    >>> coding.kraft_sum([1, 2, 3, 3])
    1.0
    >>> coding.kraft_sum([1, 1, 2])  # no prefix code has these lengths
    1.25
    """
    ell = _lengths(lengths)
    total = np.sum(np.exp2(-ell), axis=-1)
    return float(total) if np.ndim(total) == 0 else total


def expected_length(p: ArrayLike, lengths: ArrayLike) -> float | np.ndarray:
    r"""Average codeword length :math:`\sum_x p(x) \ell(x)`, in bits.

    Outcomes with :math:`p(x) = 0` cost nothing, whatever their length
    (:math:`0 \cdot \infty = 0`); an outcome that can happen but has no
    codeword makes the average infinite.

    Parameters
    ----------
    p : array_like
        The distribution the data follow, along the last axis (sums to 1).
    lengths : array_like
        Codeword lengths in bits, broadcasting against ``p``.

    Returns
    -------
    float or ndarray
        Expected length in bits per outcome.

    Examples
    --------
    >>> from kltools import coding
    >>> coding.expected_length([0.5, 0.25, 0.25], [1, 2, 2])
    1.5
    >>> coding.expected_length([1.0, 0.0], [1, float("inf")])
    1.0
    """
    pp = _distribution(p, "p")
    ell = _lengths(lengths)
    try:
        pp, ell = np.broadcast_arrays(pp, ell)
    except ValueError:
        raise ValueError(
            f"shapes do not broadcast: p {pp.shape} and lengths {ell.shape}"
        ) from None
    terms = np.where(pp > 0, pp * np.where(pp > 0, ell, 0.0), 0.0)
    total = np.sum(terms, axis=-1)
    return float(total) if np.ndim(total) == 0 else total


def canonical_code(lengths: ArrayLike) -> list[str | None]:
    r"""Codewords of the canonical prefix code with the given lengths.

    Outcomes are sorted by length (ties by position) and given consecutive
    binary numbers, shifted left whenever the length grows; the Kraft
    inequality guarantees that no codeword is a prefix of another.

    Parameters
    ----------
    lengths : array_like
        One whole number of bits per outcome (1-D), or ``inf`` for none.

    Returns
    -------
    list of str or None
        The codeword of each outcome, in input order; ``None`` for an
        infinite length.

    Examples
    --------
    >>> from kltools import coding
    >>> coding.canonical_code([2, 1, 3, 3])
    ['10', '0', '110', '111']
    """
    ell = _lengths(lengths)
    if ell.ndim != 1:
        raise ValueError(f"lengths must be 1-D, got shape {ell.shape}")
    if kraft_sum(ell) > 1:
        raise ValueError(
            f"lengths have Kraft sum {kraft_sum(ell):g} > 1; no prefix code has them"
        )
    codes: list[str | None] = [None] * len(ell)
    order = sorted(np.flatnonzero(np.isfinite(ell)), key=lambda i: (ell[i], i))
    value, prev = 0, 0
    for k, i in enumerate(order):
        n = int(ell[i])
        if k > 0:
            value = (value + 1) << (n - prev)
        prev = n
        codes[i] = format(value, f"0{n}b") if n > 0 else ""
    return codes


def block_distribution(p: ArrayLike, n: int) -> np.ndarray:
    r"""The distribution of ``n`` independent outcomes of ``p``, as one outcome.

    .. math:: p^{(n)}(x_1, \dots, x_n) = p(x_1) \, p(x_2) \cdots p(x_n),

    over the :math:`m^n` blocks of an alphabet of :math:`m` outcomes, in
    lexicographic order (block :math:`(x_1, \dots, x_n)` at index
    :math:`\sum_t x_t m^{n - t}`, the first outcome most significant). Its
    entropy is :math:`n H(p)`; a code for blocks of :math:`n` outcomes is a
    code for this distribution.

    Parameters
    ----------
    p : array_like
        One distribution (1-D, sums to 1).
    n : int
        Block length, ``>= 1``; :math:`m^n` may not exceed
        :data:`MAX_BLOCK_OUTCOMES` (about four million).

    Returns
    -------
    ndarray, shape (m ** n,)

    Examples
    --------
    >>> from kltools import coding
    >>> coding.block_distribution([0.75, 0.25], 2)
    array([0.5625, 0.1875, 0.1875, 0.0625])
    """
    pp = _distribution(p, "p")
    if pp.ndim != 1:
        raise ValueError(f"p must be one distribution (1-D), got shape {pp.shape}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"n must be an integer, got {n!r}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    if pp.size ** int(n) > MAX_BLOCK_OUTCOMES:
        raise ValueError(
            f"n = {n} gives {pp.size}**{n} blocks, more than "
            f"MAX_BLOCK_OUTCOMES = {MAX_BLOCK_OUTCOMES}"
        )
    block = pp
    for _ in range(int(n) - 1):
        block = np.multiply.outer(block, pp).ravel()
    return block


def _codewords(codewords: object) -> list[str]:
    if isinstance(codewords, str | bytes) or not hasattr(codewords, "__iter__"):
        raise TypeError(
            f"codewords must be a list of strings of 0s and 1s, got {codewords!r}"
        )
    words = list(codewords)
    if not words:
        raise ValueError("codewords is empty")
    for w in words:
        if not isinstance(w, str) or not w or set(w) - {"0", "1"}:
            raise ValueError(
                f"codewords must be non-empty strings of 0s and 1s, got {w!r}"
            )
    if len(set(words)) < len(words):
        dup = next(w for w in words if words.count(w) > 1)
        raise ValueError(f"codewords repeats {dup!r}: two outcomes, one codeword")
    return words


def is_prefix_free(codewords: object) -> bool:
    """Whether no codeword is the start of another (a prefix code).

    Parameters
    ----------
    codewords : list of str
        Distinct, non-empty strings of 0s and 1s.

    Examples
    --------
    >>> from kltools import coding
    >>> coding.is_prefix_free(["0", "10", "11"]), coding.is_prefix_free(["0", "01"])
    (True, False)
    """
    words = sorted(_codewords(codewords))
    # in sorted order, a word that starts another comes just before one of them
    return not any(b.startswith(a) for a, b in itertools.pairwise(words))


def is_uniquely_decodable(codewords: object) -> bool:
    r"""Whether every string of codewords has only one reading.

    A code is *uniquely decodable* when no two different sequences of
    codewords concatenate to the same string of bits. The test of
    :cite:t:`sardinas1953`: let :math:`S_1` be the "dangling suffixes"
    :math:`w` with :math:`uw = v` for codewords :math:`u \ne v`, and
    :math:`S_{i+1}` the dangling suffixes between :math:`S_i` and the
    codewords, either way round. The code is uniquely decodable if and only
    if no :math:`S_i` contains a codeword; the sets are made of suffixes of
    codewords, so the search ends. Every prefix code passes
    (:math:`S_1` is empty).

    Parameters
    ----------
    codewords : list of str
        Distinct, non-empty strings of 0s and 1s.

    Examples
    --------
    >>> from kltools import coding
    >>> coding.is_uniquely_decodable(["0", "01", "11"])  # not prefix-free
    True
    >>> coding.is_uniquely_decodable(["0", "1", "01"])  # "01" reads two ways
    False
    """
    code = set(_codewords(codewords))

    def dangling(a: set[str], b: set[str]) -> set[str]:
        return {v[len(u) :] for u in a for v in b if v != u and v.startswith(u)}

    seen: set[str] = set()
    current = dangling(code, code)
    while current:
        if current & code:
            return False
        seen |= current
        current = (dangling(current, code) | dangling(code, current)) - seen
    return True
