r"""KL divergence in machine learning: language models, distillation, policies.

The companion module of the chapter *KL in today's machine learning*. Three
places where a practitioner meets the divergence every day, each with the
small, exact tools the chapter computes with:

* **Language models.** :class:`CharNGram` counts the characters of a text
  after every context of up to ``max_order`` characters and predicts with
  add-:math:`k` or interpolated (Witten-Bell) smoothing; its
  :meth:`~CharNGram.bits_per_char` on held-out text is a cross entropy, and
  :func:`arithmetic_encode` turns the model into a real compressor whose
  output is that many bits (:func:`quantize` makes the integer tables it
  needs, :func:`arithmetic_decode` inverts it).
  :func:`compressed_bits_per_char` measures the standard library's
  compressors on the same text. The text is :func:`load_paradise_lost`,
  shipped with the package (see ``kltools/texts/README.md``).
* **Distillation.** :func:`softmax` with a temperature,
  :func:`distillation_loss` (cross entropy to soft targets = the teacher's
  entropy + :math:`D(\text{teacher} \,\|\, \text{student})`, with the
  :math:`T^2` scale of :cite:t:`hinton2015`), and a small numpy
  :class:`MLPClassifier` to act as teacher and student, trained by Adam
  for a set number of steps (:meth:`~MLPClassifier.fit`) or by L-BFGS
  until the objective stops falling (:meth:`~MLPClassifier.fit_lbfgs`,
  which reports how it stopped in a :class:`FitReport`).
  :func:`fit_softmax_regression` trains the simplest such classifier by
  gradient descent on the cross entropy (the chapter on cross entropy uses
  it to show what hard and soft labels do to the loss).
* **KL-regularised policies.** :func:`kl_regularized_policy`, the maximiser
  :math:`\pi^* \propto \pi_{\mathrm{ref}}\, e^{r/\beta}` of
  :math:`\mathbb E_\pi[r] - \beta D(\pi \,\|\, \pi_{\mathrm{ref}})`;
  :func:`policy_value` (:math:`\beta \log Z`), :func:`policy_objective`,
  :func:`policy_frontier`; and :func:`softmax_fisher`, the curvature
  that trust regions bound.

Divergences and entropies are in nats (natural logarithms) unless a
``base`` says otherwise; code lengths are in bits.
"""

from __future__ import annotations

import bz2
import collections
import contextlib
import functools
import itertools
import lzma
import math
import numbers
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg.blas import daxpy, ddot

from ._validation import as_finite, as_positive, checked_distributions
from .discrete import cross_entropy, entropy, kl_divergence

__all__ = [
    "PARADISE_LOST",
    "CharNGram",
    "DistillationLoss",
    "FitReport",
    "Frontier",
    "MLPClassifier",
    "SoftmaxFit",
    "arithmetic_decode",
    "arithmetic_encode",
    "code_length",
    "compressed_bits_per_char",
    "distillation_loss",
    "fit_softmax_regression",
    "kl_regularized_policy",
    "load_paradise_lost",
    "policy_frontier",
    "policy_objective",
    "policy_value",
    "quantize",
    "softmax",
    "softmax_fisher",
    "split_text",
]

#: The shipped text: Milton's *Paradise Lost* (ten books), from Project
#: Gutenberg; provenance and licence in ``kltools/texts/README.md``.
PARADISE_LOST = Path(__file__).resolve().with_name("texts") / "paradise_lost.txt"


# --- small checks -------------------------------------------------------------


def _integer(x: object, name: str, low: int) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {x!r}")
    if x < low:
        raise ValueError(f"{name} must be >= {low}, got {x!r}")
    return int(x)


def _scalar(x: object, name: str) -> float:
    arr = as_finite(x, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr)


def _text(x: object, name: str) -> str:
    if not isinstance(x, str):
        raise TypeError(f"{name} must be a str, got {type(x).__name__}")
    return x


def _one_distribution(p: ArrayLike, name: str) -> np.ndarray:
    (rows,), lead = checked_distributions([p], [name], -1)
    if lead != ():
        raise ValueError(
            f"{name} must be one distribution (1-D), got shape {(*lead, -1)}"
        )
    return rows[0]


# --- the text -----------------------------------------------------------------


def load_paradise_lost() -> str:
    """The text of Milton's *Paradise Lost*, as shipped with kltools.

    John Milton's poem in ten books (the arrangement of its first edition,
    1667), from Project Gutenberg's plain-text transcription, with the
    transcribers' header removed, trailing spaces stripped and line ends
    ``"\\n"``. The poem is in the public domain; where the file comes from,
    and its licence, are in ``kltools/texts/README.md``.

    Returns
    -------
    str
        454,480 ASCII characters: 65 distinct ones, letters, punctuation,
        space and newline.

    Examples
    --------
    >>> from kltools import mlkl
    >>> text = mlkl.load_paradise_lost()
    >>> len(text), len(set(text))
    (454480, 65)
    >>> text.splitlines()[3]
    '  Of Mans First Disobedience, and the Fruit'
    """
    return PARADISE_LOST.read_text(encoding="ascii")


def split_text(text: str, held_out: float = 0.1) -> tuple[str, str]:
    """Split a text into a training part and the held-out part that follows it.

    The split is contiguous: the held-out part is the last ``held_out``
    fraction of the characters, so no sentence is shared between the two and
    the model is scored on text it has never seen, as it would be in use.

    Parameters
    ----------
    text : str
        At least two characters.
    held_out : float, optional
        Fraction of the characters held out, in (0, 1); 0.1 by default.

    Returns
    -------
    train, test : str
        ``train + test == text``; ``len(test) == round(held_out * len(text))``,
        and neither part is empty.

    Examples
    --------
    >>> from kltools.mlkl import split_text
    >>> split_text("abcdefghij", 0.3)
    ('abcdefg', 'hij')
    """
    text = _text(text, "text")
    frac = _scalar(held_out, "held_out")
    if not 0 < frac < 1:
        raise ValueError(f"held_out must be in (0, 1), got {held_out!r}")
    if len(text) < 2:
        raise ValueError(f"text must have at least 2 characters, got {len(text)}")
    n_test = min(max(round(frac * len(text)), 1), len(text) - 1)
    return text[: len(text) - n_test], text[len(text) - n_test :]


# --- character n-gram models --------------------------------------------------

_SMOOTHINGS = ("witten-bell", "add-k")


class _Table(NamedTuple):
    """Counts of one order: sorted keys with their counts."""

    joint_keys: np.ndarray  # context id * V + symbol, sorted
    joint_counts: np.ndarray
    context_keys: np.ndarray  # context id, sorted
    context_counts: np.ndarray  # c(h): how often the context occurred
    context_types: np.ndarray  # T(h): how many distinct symbols followed it


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``values`` at ``query`` in the sorted ``keys``; 0 where a key is absent."""
    if keys.size == 0:
        return np.zeros(query.shape, dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys, query), keys.size - 1)
    return np.where(keys[pos] == query, values[pos], 0)


class CharNGram:
    r"""A character n-gram language model: counts, and smoothed predictions.

    The model is fitted once, by counting every character of ``text`` after
    each context of 0 to ``max_order`` preceding characters (a context at
    the very start is padded with a boundary mark that is never predicted).
    Predictions of any order up to ``max_order`` then come from those
    counts. Write :math:`c(h, x)` for the number of times character
    :math:`x` followed context :math:`h`, :math:`c(h) = \sum_x c(h, x)`,
    :math:`T(h)` for the number of distinct characters seen after
    :math:`h`, :math:`h'` for :math:`h` without its oldest character, and
    :math:`V` for the size of the alphabet.

    * ``"add-k"``: :math:`q(x \mid h) = \dfrac{c(h, x) + k}{c(h) + k V}`.
      With :math:`k = 0` this is the maximum-likelihood (unsmoothed) model,
      which gives probability 0 to every character never seen after
      :math:`h`; a context never seen at all gets the uniform distribution,
      the limit :math:`k \to 0`.
    * ``"witten-bell"`` (interpolated) :cite:p:`witten1991`:
      :math:`q(x \mid h) = \dfrac{c(h, x) + T(h)\, q(x \mid h')}{c(h) +
      T(h)}`, from the uniform :math:`1/V` below order 0; a context never
      seen passes :math:`q(x \mid h')` on unchanged. The weight of the
      shorter context is larger where more distinct characters followed
      :math:`h`. It has no parameter to tune.

    Both give every character a positive probability unless ``k = 0``.

    Parameters
    ----------
    text : str
        The training text.
    max_order : int
        Longest context counted, ``>= 0``.
    alphabet : str, optional
        The characters the model predicts (each once). By default the
        characters of ``text``. A text to score may use only these.

    Attributes
    ----------
    alphabet : str
        The characters predicted, in the order of the distributions' last
        axis.
    max_order : int
        Longest context available.

    Examples
    --------
    >>> from kltools.mlkl import CharNGram
    >>> m = CharNGram("abab", max_order=1)
    >>> m.distribution("a", order=1, smoothing="add-k", k=0)  # b always follows a
    array([0., 1.])
    >>> m.distribution("a", order=1, smoothing="add-k", k=1)  # (0 + 1)/(2 + 2)
    array([0.25, 0.75])
    >>> m.distribution("a", order=1).round(4)  # Witten-Bell: (2 + 1 q0(b)) / 3
    array([0.1667, 0.8333])
    >>> m.bits_per_char("abab", order=0, smoothing="add-k", k=0)  # half a, half b
    1.0
    """

    def __init__(self, text: str, max_order: int, *, alphabet: str | None = None):
        text = _text(text, "text")
        if not text:
            raise ValueError("text is empty: there is nothing to count")
        self.max_order = _integer(max_order, "max_order", 0)
        chars = sorted(set(text)) if alphabet is None else _text(alphabet, "alphabet")
        if len(set(chars)) != len(chars) or not chars:
            raise ValueError("alphabet must list at least one character, each once")
        self.alphabet = "".join(chars)
        self._index = {c: i for i, c in enumerate(self.alphabet)}
        self._V = len(self.alphabet)
        self._B = self._V + 1  # context symbols: the alphabet and a boundary
        if self._B**self.max_order * self._V >= 2**62:
            raise ValueError(
                f"max_order {max_order} is too large for {self._V} characters: "
                "the context ids would overflow 64-bit integers"
            )
        x = self._encode(text, "text")
        self._tables = []
        for order, ctx in enumerate(self._contexts(x, np.empty(0, np.int64))):
            joint_keys, joint_counts = np.unique(ctx * self._V + x, return_counts=True)
            context_keys, context_counts = np.unique(ctx, return_counts=True)
            _, types = np.unique(joint_keys // self._V, return_counts=True)
            self._tables.append(
                _Table(joint_keys, joint_counts, context_keys, context_counts, types)
            )
            if order == self.max_order:
                break

    # the plumbing: characters to integers, contexts to ids

    def _encode(self, text: str, name: str) -> np.ndarray:
        try:
            return np.fromiter(
                (self._index[c] for c in text), dtype=np.int64, count=len(text)
            )
        except KeyError as err:
            raise ValueError(
                f"{name} contains {err.args[0]!r}, which is not in the alphabet"
            ) from None

    def _contexts(self, x: np.ndarray, history: np.ndarray):
        """Yield the context ids of every position of ``x``, order 0, 1, ..."""
        pad = np.full(self.max_order, self._V, dtype=np.int64)  # the boundary
        full = np.concatenate([pad, history, x])
        start = self.max_order + history.size  # index of x[0] in full
        ids = np.zeros(x.size, dtype=np.int64)
        yield ids
        for j in range(1, self.max_order + 1):
            ids = ids + full[start - j : start - j + x.size] * self._B ** (j - 1)
            yield ids

    def _check(self, order: int, smoothing: str, k: float) -> tuple[int, str, float]:
        order = _integer(order, "order", 0)
        if order > self.max_order:
            raise ValueError(
                f"order must be at most max_order = {self.max_order}, got {order}"
            )
        if smoothing not in _SMOOTHINGS:
            raise ValueError(
                f"smoothing must be one of {_SMOOTHINGS}, got {smoothing!r}"
            )
        k = _scalar(k, "k")
        if k < 0:
            raise ValueError(f"k must be >= 0, got {k!r}")
        return order, smoothing, k

    def _predict(self, x, history, order, smoothing, k, symbols, *, every=False):
        """q(x_t | h_t) at every position (``symbols`` True), or the whole
        distribution q(. | h_t) (``symbols`` False, shape (n, V)); with
        ``every``, a list of the results of orders 0..order."""
        V = self._V
        ctxs = list(itertools.islice(self._contexts(x, history), order + 1))
        if not symbols:
            # the distribution depends on the longest context only: compute it
            # once per distinct context, then spread it over the positions
            _, first, back = np.unique(
                ctxs[order], return_index=True, return_inverse=True
            )
            ctxs = [c[first][:, None] for c in ctxs]
            grid = np.arange(V)
        q = np.full(x.shape if symbols else (first.size, V), 1.0 / V)
        results = []
        for o, ctx in enumerate(ctxs):
            if smoothing == "add-k" and o < order and not every:
                continue
            t = self._tables[o]
            keys = ctx * V + (x if symbols else grid)
            c_hx = _lookup(t.joint_keys, t.joint_counts, keys)
            c_h = _lookup(t.context_keys, t.context_counts, ctx)
            if smoothing == "add-k":
                with np.errstate(invalid="ignore", divide="ignore"):
                    q = np.where(c_h > 0, (c_hx + k) / (c_h + k * V), 1.0 / V)
            else:
                T_h = _lookup(t.context_keys, t.context_types, ctx)
                q = np.where(c_h > 0, (c_hx + T_h * q) / np.maximum(c_h + T_h, 1), q)
            results.append(q if symbols else q[back.reshape(-1)])
        return results if every else results[-1]

    # the public methods

    def probabilities(
        self,
        text: str,
        *,
        order: int,
        smoothing: str = "witten-bell",
        k: float = 1.0,
        history: str = "",
    ) -> np.ndarray:
        r"""The probability the model gave each character of ``text``.

        Entry :math:`t` is :math:`q(x_t \mid h_t)`, with :math:`h_t` the
        ``order`` characters before :math:`x_t`, taken from ``history +
        text`` (pad with the boundary mark where there are fewer).

        Parameters
        ----------
        text : str
            The characters to score.
        order : int
            Context length, 0 to ``max_order``.
        smoothing : {"witten-bell", "add-k"}, optional
        k : float, optional
            The pseudo-count of add-:math:`k`, ``>= 0``; ignored by
            Witten-Bell.
        history : str, optional
            The text before ``text`` (for held-out text, the end of the
            training text), so that its first characters have full contexts.

        Returns
        -------
        ndarray, shape (len(text),)
            Probabilities in [0, 1].
        """
        order, smoothing, k = self._check(order, smoothing, k)
        x = self._encode(_text(text, "text"), "text")
        h = self._encode(_text(history, "history"), "history")
        return self._predict(x, h, order, smoothing, k, True)

    def bits_per_char(
        self,
        text: str,
        *,
        order: int,
        smoothing: str = "witten-bell",
        k: float = 1.0,
        history: str = "",
    ) -> float:
        r"""Cross entropy of the model on ``text``, in bits per character.

        .. math::

            \frac{1}{n} \sum_{t=1}^{n} -\log_2 q(x_t \mid h_t),

        the average code length an ideal coder driven by the model spends on
        each character: ``inf`` if the model gave some character probability
        0 (possible only with ``k = 0``). Arguments as in
        :meth:`probabilities`; the perplexity per character is ``2 **`` this.

        Examples
        --------
        >>> from kltools.mlkl import CharNGram
        >>> m = CharNGram("aab", max_order=1)
        >>> m.bits_per_char("ab", order=0, smoothing="add-k", k=0)  # q = 2/3, 1/3
        1.0849625007211563
        >>> m.bits_per_char("ba", order=1, smoothing="add-k", k=0)  # b never led
        inf
        """
        q = self.probabilities(
            text, order=order, smoothing=smoothing, k=k, history=history
        )
        if q.size == 0:
            raise ValueError("text is empty: there is nothing to score")
        if (q == 0).any():
            return math.inf
        return float(-np.mean(np.log2(q)))

    def bits_per_char_by_order(
        self,
        text: str,
        *,
        smoothing: str = "witten-bell",
        k: float = 1.0,
        history: str = "",
    ) -> np.ndarray:
        """:meth:`bits_per_char` for every order 0 to ``max_order`` at once.

        The same numbers as calling :meth:`bits_per_char` once per order,
        in one pass over ``text`` (Witten-Bell builds each order on the one
        below it). Arguments as in :meth:`probabilities`.

        Returns
        -------
        ndarray, shape (max_order + 1,)
            Bits per character; ``inf`` for an order that gave some
            character probability 0.

        Examples
        --------
        >>> from kltools.mlkl import CharNGram
        >>> CharNGram("aab", max_order=1).bits_per_char_by_order(
        ...     "ba", smoothing="add-k", k=0)
        array([1.08496250, inf])
        """
        _, smoothing, k = self._check(self.max_order, smoothing, k)
        x = self._encode(_text(text, "text"), "text")
        if x.size == 0:
            raise ValueError("text is empty: there is nothing to score")
        h = self._encode(_text(history, "history"), "history")
        out = []
        for q in self._predict(x, h, self.max_order, smoothing, k, True, every=True):
            out.append(math.inf if (q == 0).any() else float(-np.mean(np.log2(q))))
        return np.array(out)

    def probabilities_by_order(
        self,
        text: str,
        *,
        smoothing: str = "witten-bell",
        k: float = 1.0,
        history: str = "",
    ) -> np.ndarray:
        """:meth:`probabilities` for every order 0 to ``max_order``, in one pass.

        Returns
        -------
        ndarray, shape (max_order + 1, len(text))
            Row ``o`` is ``probabilities(text, order=o, ...)``.

        Examples
        --------
        >>> from kltools.mlkl import CharNGram
        >>> CharNGram("aab", max_order=1).probabilities_by_order(
        ...     "ba", smoothing="add-k", k=0).round(4)
        array([[0.3333, 0.6667],
               [0.    , 0.5   ]])
        """
        _, smoothing, k = self._check(self.max_order, smoothing, k)
        x = self._encode(_text(text, "text"), "text")
        h = self._encode(_text(history, "history"), "history")
        rows = self._predict(x, h, self.max_order, smoothing, k, True, every=True)
        return np.array(rows).reshape(self.max_order + 1, x.size)

    def distributions(
        self,
        text: str,
        *,
        order: int,
        smoothing: str = "witten-bell",
        k: float = 1.0,
        history: str = "",
    ) -> np.ndarray:
        """The model's whole predictive distribution at every position of ``text``.

        Row :math:`t` is :math:`q(\\cdot \\mid h_t)` over :attr:`alphabet`, the
        distribution the model predicts *before* seeing :math:`x_t` (what an
        arithmetic coder needs). Arguments as in :meth:`probabilities`.

        Returns
        -------
        ndarray, shape (len(text), len(alphabet))
            Rows summing to 1.
        """
        order, smoothing, k = self._check(order, smoothing, k)
        x = self._encode(_text(text, "text"), "text")
        h = self._encode(_text(history, "history"), "history")
        return self._predict(x, h, order, smoothing, k, False)

    def distribution(
        self,
        context: str,
        *,
        order: int,
        smoothing: str = "witten-bell",
        k: float = 1.0,
    ) -> np.ndarray:
        """The predictive distribution after ``context`` (its last ``order``
        characters count), over :attr:`alphabet`; it sums to 1."""
        order, smoothing, k = self._check(order, smoothing, k)
        h = self._encode(_text(context, "context"), "context")
        x = np.zeros(1, dtype=np.int64)  # a placeholder position after the context
        return self._predict(x, h, order, smoothing, k, False)[0]

    def encode(self, text: str) -> np.ndarray:
        """``text`` as integer symbols: each character's index in :attr:`alphabet`."""
        return self._encode(_text(text, "text"), "text")


# --- arithmetic coding --------------------------------------------------------


def quantize(probabilities: ArrayLike, total_bits: int = 32) -> np.ndarray:
    r"""Integer frequency tables for an arithmetic coder.

    Each row :math:`q` becomes integers :math:`f_i \ge 1` summing to exactly
    :math:`2^{\text{total\_bits}}`, with :math:`f_i \approx q_i 2^{\text{
    total\_bits}}`: :math:`f_i = 1 + \lfloor q_i (2^b - V) \rfloor`, the
    few units left over going to the largest entry. Every symbol, even one
    with :math:`q_i = 0`, keeps a frequency of at least 1, so a coder can
    always code it, at a cost of about ``total_bits`` bits.

    Parameters
    ----------
    probabilities : array_like, shape (..., V)
        Distributions along the last axis (each summing to 1).
    total_bits : int, optional
        :math:`b`, with :math:`2^b > 2V`; 32 by default.

    Returns
    -------
    ndarray of int64, same shape

    Examples
    --------
    >>> from kltools.mlkl import quantize
    >>> quantize([0.5, 0.25, 0.25, 0.0], total_bits=4)
    array([7, 4, 4, 1])
    """
    (rows,), lead = checked_distributions([probabilities], ["probabilities"], -1)
    b = _integer(total_bits, "total_bits", 1)
    if b > 48:
        raise ValueError(f"total_bits must be at most 48, got {b}")
    total, V = 2**b, rows.shape[-1]
    if total <= 2 * V:
        raise ValueError(
            f"2**total_bits must exceed twice the {V} symbols, got {total}"
        )
    f = 1 + np.floor(rows * (total - V)).astype(np.int64)
    short = total - f.sum(axis=-1)
    f[np.arange(f.shape[0]), np.argmax(rows, axis=-1)] += short
    return f.reshape(*lead, V)


def code_length(symbols: ArrayLike, frequencies: ArrayLike) -> float:
    r"""The ideal code length of ``symbols`` under integer tables, in bits.

    .. math:: \sum_t -\log_2 \frac{f_t(x_t)}{\sum_x f_t(x)},

    which an arithmetic coder achieves to within 2 bits
    (:func:`arithmetic_encode`).

    Examples
    --------
    >>> from kltools.mlkl import code_length
    >>> code_length([0, 1], [[2, 2], [3, 1]])  # 1 bit, then 2 bits
    3.0
    """
    x, f = _coder_inputs(symbols, frequencies)
    chosen = f[np.arange(x.size), x]
    return float(np.sum(np.log2(f.sum(axis=1)) - np.log2(chosen)))


def _coder_inputs(symbols, frequencies) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(symbols)
    f = np.asarray(frequencies)
    if x.ndim != 1 or x.dtype.kind not in "iu":
        raise ValueError("symbols must be a 1-D array of integers")
    if f.ndim != 2 or f.dtype.kind not in "iu" or f.shape[0] != x.size:
        raise ValueError(
            "frequencies must be a 2-D integer array with one row per symbol, "
            f"got shape {f.shape} for {x.size} symbols"
        )
    if x.size and (x.min() < 0 or x.max() >= f.shape[1]):
        raise ValueError(f"symbols must be in [0, {f.shape[1]}), the table's columns")
    if (f < 0).any():
        raise ValueError("frequencies must be >= 0")
    if x.size and (f[np.arange(x.size), x] == 0).any():
        raise ValueError("a symbol to code has frequency 0: no code can name it")
    return x.astype(np.int64), f.astype(np.int64)


def arithmetic_encode(
    symbols: ArrayLike, frequencies: ArrayLike, *, precision: int = 64
) -> np.ndarray:
    r"""Arithmetic-code a sequence of symbols, each with its own frequency table.

    The coder of :cite:t:`witten1987` with ``precision``-bit integers: it
    narrows an interval by the fraction :math:`f_t(x_t) / \sum_x f_t(x)` at
    each step, sends the leading bits as soon as they are settled, and ends
    with two more. The output has at most
    ``code_length(symbols, frequencies) + 2`` bits (with 64-bit precision
    and 32-bit tables the rounding costs about :math:`10^{-9}` bit per
    symbol): the cross entropy of the data under the model, as a real
    message.

    Parameters
    ----------
    symbols : array_like of int, shape (n,)
        The message, symbols in ``range(V)``.
    frequencies : array_like of int, shape (n, V)
        Row :math:`t` is the table used for symbol :math:`t` (from
        :func:`quantize`); each row's sum at most ``2 ** (precision - 2)``,
        the coded symbol's frequency positive.
    precision : int, optional
        Bits of the coder's interval, 64 by default (Python integers, so no
        overflow).

    Returns
    -------
    ndarray of uint8
        The bits of the message, 0s and 1s.

    Examples
    --------
    >>> from kltools.mlkl import arithmetic_decode, arithmetic_encode, code_length
    >>> f = [[1, 1, 2]] * 4  # q = (1/4, 1/4, 1/2) at every step
    >>> bits = arithmetic_encode([2, 2, 0, 1], f)
    >>> code_length([2, 2, 0, 1], f), bits.size  # 1 + 1 + 2 + 2 bits, then 2 more
    (6.0, 8)
    >>> arithmetic_decode(bits, 4, f).tolist()
    [2, 2, 0, 1]
    """
    x, f = _coder_inputs(symbols, frequencies)
    p = _integer(precision, "precision", 16)
    totals = f.sum(axis=1)
    if x.size and totals.max() > 2 ** (p - 2):
        raise ValueError(f"table sums must be at most 2**{p - 2} for precision {p}")
    cum = np.cumsum(f, axis=1) - f  # frequency of the symbols below each one
    lows = cum[np.arange(x.size), x].tolist()
    widths = f[np.arange(x.size), x].tolist()
    whole, half, quarter = 1 << p, 1 << (p - 1), 1 << (p - 2)
    low, high, pending = 0, whole - 1, 0
    out: list[int] = []

    def emit(bit: int) -> None:
        nonlocal pending
        out.append(bit)
        out.extend([1 - bit] * pending)
        pending = 0

    for c, w, total in zip(lows, widths, totals.tolist(), strict=True):
        span = high - low + 1
        high = low + span * (c + w) // total - 1
        low = low + span * c // total
        while True:
            if high < half:
                emit(0)
            elif low >= half:
                emit(1)
                low -= half
                high -= half
            elif low >= quarter and high < half + quarter:
                pending += 1
                low -= quarter
                high -= quarter
            else:
                break
            low, high = 2 * low, 2 * high + 1
    pending += 1
    emit(0 if low < quarter else 1)
    return np.array(out, dtype=np.uint8)


def arithmetic_decode(
    bits: ArrayLike,
    n: int,
    frequencies: ArrayLike | Callable[[list[int]], ArrayLike],
    *,
    precision: int = 64,
) -> np.ndarray:
    """Decode ``n`` symbols from the bits of :func:`arithmetic_encode`.

    Parameters
    ----------
    bits : array_like of {0, 1}
        The message.
    n : int
        How many symbols to decode (the first ``n`` of the message).
    frequencies : array_like of int, shape (>= n, V), or callable
        The encoder's tables, or a function that takes the symbols decoded
        so far (a list) and returns the next table: a real decoder, which
        knows the model but not the message, works this way.
    precision : int, optional
        As given to the encoder.

    Returns
    -------
    ndarray of int64, shape (n,)
    """
    b = np.asarray(bits)
    if b.ndim != 1 or not np.isin(b, (0, 1)).all():
        raise ValueError("bits must be a 1-D array of 0s and 1s")
    n = _integer(n, "n", 0)
    p = _integer(precision, "precision", 16)
    table = frequencies if callable(frequencies) else np.asarray(frequencies)
    if not callable(table) and (table.ndim != 2 or table.shape[0] < n):
        raise ValueError(f"frequencies must have at least n = {n} rows")
    stream = b.astype(np.int64).tolist()
    whole, half, quarter = 1 << p, 1 << (p - 1), 1 << (p - 2)
    value = 0
    for i in range(p):
        value = 2 * value + (stream[i] if i < len(stream) else 0)
    nxt = p
    low, high = 0, whole - 1
    out: list[int] = []
    for t in range(n):
        row = np.asarray(table(out) if callable(table) else table[t], dtype=np.int64)
        cum = np.cumsum(row)
        total = int(cum[-1])
        span = high - low + 1
        target = ((value - low + 1) * total - 1) // span
        s = int(np.searchsorted(cum, target, side="right"))
        c_hi = int(cum[s])
        c_lo = c_hi - int(row[s])
        high = low + span * c_hi // total - 1
        low = low + span * c_lo // total
        while True:
            if high < half:
                pass
            elif low >= half:
                low, high, value = low - half, high - half, value - half
            elif low >= quarter and high < half + quarter:
                low, high, value = low - quarter, high - quarter, value - quarter
            else:
                break
            bit = stream[nxt] if nxt < len(stream) else 0
            nxt += 1
            low, high, value = 2 * low, 2 * high + 1, 2 * value + bit
        out.append(s)
    return np.array(out, dtype=np.int64)


# --- general-purpose compressors ----------------------------------------------

_COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "zlib": lambda b: zlib.compress(b, 9),
    "bz2": lambda b: bz2.compress(b, 9),
    "lzma": lambda b: lzma.compress(b),
}


@functools.lru_cache(maxsize=16)
def _compressed_size(method: str, data: bytes) -> int:
    return len(_COMPRESSORS[method](data))


def compressed_bits_per_char(
    text: str, method: str = "bz2", *, given: str = ""
) -> float:
    """Bits per character that a standard-library compressor spends on ``text``.

    ``8 * (len(C(given + text)) - len(C(given))) / len(text)`` for the
    compressor ``C`` (``zlib`` at level 9, ``bz2`` at level 9, or ``lzma``
    at its default preset), on the UTF-8 bytes. With ``given`` empty this is
    the compressed size of ``text`` alone; with ``given`` the training text
    it is the extra cost of ``text`` after the compressor has seen
    ``given``, which is the fair comparison with a model trained on
    ``given``. The sizes include the formats' headers (a few bytes).

    Examples
    --------
    >>> from kltools.mlkl import compressed_bits_per_char
    >>> round(compressed_bits_per_char("ab" * 5000, "zlib"), 3)  # repeats are cheap
    0.027
    """
    text = _text(text, "text")
    given = _text(given, "given")
    if not text:
        raise ValueError("text is empty: there is nothing to compress")
    if method not in _COMPRESSORS:
        raise ValueError(
            f"method must be one of {sorted(_COMPRESSORS)}, got {method!r}"
        )
    size = functools.partial(_compressed_size, method)
    extra = size((given + text).encode()) - (size(given.encode()) if given else 0)
    return 8.0 * extra / len(text)


# --- distillation ---------------------------------------------------------------


def softmax(
    logits: ArrayLike, temperature: float = 1.0, *, axis: int = -1
) -> np.ndarray:
    r"""The softmax of ``logits / temperature`` along ``axis``.

    .. math:: \sigma_T(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}

    A temperature above 1 softens the distribution towards uniform, one
    below 1 sharpens it towards the arg max. Computed with the max shifted
    out, so large logits do not overflow.

    Parameters
    ----------
    logits : array_like
        Finite real numbers.
    temperature : float, optional
        :math:`T > 0`; 1 by default.
    axis : int, optional
        The axis of the classes; the last by default.

    Examples
    --------
    >>> from kltools.mlkl import softmax
    >>> softmax([0.0, 2.0 * 0.6931471805599453]).round(4)  # e^0 : e^(2 ln 2) = 1 : 4
    array([0.2, 0.8])
    >>> softmax([0.0, 2.0 * 0.6931471805599453], temperature=2).round(4)  # 1 : 2
    array([0.3333, 0.6667])
    >>> softmax([1000.0, 0.0]).tolist()
    [1.0, 0.0]
    """
    z = as_finite(logits, "logits")
    t = float(as_positive(temperature, "temperature"))
    return _softmax(z, t, axis)


def _softmax(z: np.ndarray, t: float, axis: int = -1) -> np.ndarray:
    """:func:`softmax` of checked input: finite ``z``, ``t > 0``."""
    e = z / t
    e -= e.max(axis=axis, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=axis, keepdims=True)
    return e


class SoftmaxFit(NamedTuple):
    """What :func:`fit_softmax_regression` returns."""

    #: The fitted model's class probabilities, shaped like ``labels``.
    probs: np.ndarray
    #: Mean cross entropy (nats) before each recorded step's update:
    #: shape ``(len(record),)``, or ``(len(record), D)`` for ``D`` label sets.
    losses: np.ndarray
    #: The weights, shape ``(F, K)``, or ``(F, D, K)``.
    weights: np.ndarray


def fit_softmax_regression(
    features: ArrayLike,
    labels: ArrayLike,
    *,
    steps: int = 3000,
    rate: float = 0.5,
    record: Sequence[int] = (),
) -> SoftmaxFit:
    r"""Softmax regression fitted by gradient descent on the mean cross entropy.

    The model gives example :math:`i` (features :math:`x_i`) the class
    probabilities :math:`q_i = \mathrm{softmax}(W^\top x_i)`; starting from
    :math:`W = 0`, each step moves the weights against the gradient of

    .. math::

        L(W) = \frac1N \sum_i H(p_i, q_i), \qquad
        \nabla_W L = \frac1N \sum_i x_i (q_i - p_i)^\top ,

    :math:`W \leftarrow W - \eta \nabla_W L`, where :math:`p_i` is the
    label of example :math:`i` as a distribution over the classes (one-hot,
    or soft). :math:`L` is convex in :math:`W`, and equals the mean of
    :math:`H(p_i) + D(p_i \,\|\, q_i)`, so the fit lowers the divergence
    from the labels to the model. Losses are in nats.

    Parameters
    ----------
    features : array_like, shape (N, F)
        Finite features, one row per example; add a column of ones for a
        bias.
    labels : array_like, shape (N, K) or (N, D, K)
        Distributions over ``K`` classes. With ``D`` sets of labels, ``D``
        independent models are trained at once on the same features.
    steps : int, optional
        Gradient steps, at least 1.
    rate : float, optional
        Step size :math:`\eta > 0`.
    record : sequence of int, optional
        Steps (from 1 to ``steps``) at which the loss is recorded, before
        that step's update.

    Returns
    -------
    SoftmaxFit
        ``probs`` (shaped like ``labels``), ``losses`` at the ``record``
        steps, ``weights``.

    Examples
    --------
    Two examples, one feature and a bias, one-hot labels: the loss falls
    from :math:`\log 2` nats (uniform predictions at :math:`W = 0`).

    >>> import numpy as np
    >>> from kltools.mlkl import fit_softmax_regression
    >>> X = np.array([[1.0, 1.0], [-1.0, 1.0]])
    >>> fit = fit_softmax_regression(X, np.eye(2), steps=200, record=[1, 200])
    >>> fit.losses.round(4)
    array([0.6931, 0.0051])
    >>> bool(fit.probs[0, 0] > 0.97)
    True
    """
    X = as_finite(features, "features")
    if X.ndim != 2:
        raise ValueError(f"features must be 2-D (examples, features), got {X.shape}")
    y = as_finite(labels, "labels")
    if y.ndim not in (2, 3) or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"labels must have shape (N, K) or (N, D, K) with N = {X.shape[0]}"
            f" examples, got {y.shape}"
        )
    (stack,), _ = checked_distributions(
        [y.reshape(X.shape[0], -1, y.shape[-1])], ["labels"], -1
    )
    stack = stack.reshape(X.shape[0], -1, y.shape[-1])
    steps = _integer(steps, "steps", 1)
    eta = float(as_positive(rate, "rate"))
    marks = set()
    for r in record:
        r = _integer(r, "record", 1)
        if r > steps:
            raise ValueError(f"record holds step {r}, after the last step ({steps})")
        marks.add(r)
    n, d, k = stack.shape
    W = np.zeros((X.shape[1], d * k))
    losses = []
    for step in range(1, steps + 1):
        probs = _softmax((X @ W).reshape(n, d, k), 1.0)
        if step in marks:
            losses.append(cross_entropy(stack, probs, base=math.e).mean(axis=0))
        W -= eta * (X.T @ (probs - stack).reshape(n, d * k)) / n
    probs = _softmax((X @ W).reshape(n, d, k), 1.0)
    shape_w = (X.shape[1], k) if y.ndim == 2 else (X.shape[1], d, k)
    out = np.array(losses).reshape(len(losses), d)
    return SoftmaxFit(
        probs.reshape(y.shape),
        out[:, 0] if y.ndim == 2 else out,
        W.reshape(shape_w),
    )


class DistillationLoss(NamedTuple):
    """The soft-target loss and its parts, means over examples, in nats."""

    loss: float  #: T**2 * cross entropy (or the plain cross entropy if scale=False)
    cross_entropy: float  #: H(teacher_T, student_T)
    entropy: float  #: H(teacher_T)
    kl: float  #: D(teacher_T ‖ student_T)
    grad: np.ndarray  #: d loss / d student logits, shape of the logits


def distillation_loss(
    student_logits: ArrayLike,
    teacher_logits: ArrayLike,
    temperature: float = 1.0,
    *,
    scale: bool = True,
) -> DistillationLoss:
    r"""The distillation loss of a student against a teacher's soft targets.

    With :math:`t = \sigma_T(v)` and :math:`s = \sigma_T(z)` the teacher's
    and the student's softened predictions (:func:`softmax` at temperature
    :math:`T`), the loss per example is the cross entropy

    .. math:: H(t, s) = H(t) + D(t \,\|\, s),

    minimised over the student by :math:`s = t`, where it equals the
    teacher's entropy. Its gradient in the student's logits is
    :math:`(s - t) / T`, which shrinks like :math:`1/T^2` once :math:`T` is
    much larger than the logits' spread; ``scale=True`` multiplies the loss
    by :math:`T^2`, as :cite:t:`hinton2015` do, so that the size of the
    gradients, and the balance with any hard-label term, does not change
    with :math:`T`.

    Parameters
    ----------
    student_logits, teacher_logits : array_like, shape (m, K) or (K,)
        Logits of ``m`` examples over ``K`` classes.
    temperature : float, optional
        :math:`T > 0`.
    scale : bool, optional
        Multiply the loss and its gradient by :math:`T^2` (default True).

    Returns
    -------
    DistillationLoss
        ``loss``, ``cross_entropy``, ``entropy``, ``kl`` (means over the
        examples, nats) and ``grad`` (of ``loss``, with the mean's
        :math:`1/m`).

    Examples
    --------
    >>> from kltools.mlkl import distillation_loss
    >>> r = distillation_loss([0.0, 0.0], [0.0, 1.0], temperature=1.0)
    >>> round(r.cross_entropy, 6) == round(r.entropy + r.kl, 6)
    True
    >>> distillation_loss([1.0, 2.0], [1.0, 2.0], 3.0).kl  # student = teacher
    0.0
    """
    z = as_finite(student_logits, "student_logits")
    v = as_finite(teacher_logits, "teacher_logits")
    if z.shape != v.shape or z.ndim not in (1, 2):
        raise ValueError(
            f"student_logits {z.shape} and teacher_logits {v.shape} must have one "
            "shape, (m, K) or (K,)"
        )
    t_ = float(as_positive(temperature, "temperature"))
    zz, vv = np.atleast_2d(z), np.atleast_2d(v)
    s, t = softmax(zz, t_), softmax(vv, t_)
    log_s = zz / t_ - (zz / t_).max(axis=1, keepdims=True)
    log_s = log_s - np.log(np.exp(log_s).sum(axis=1, keepdims=True))
    ce = float(np.mean(-(t * log_s).sum(axis=1)))
    h = float(np.mean(entropy(t, base=math.e)))
    kl = float(np.mean(kl_divergence(t, s, base=math.e)))
    factor = t_**2 if scale else 1.0
    grad = factor * (s - t) / (t_ * zz.shape[0])
    return DistillationLoss(factor * ce, ce, h, kl, grad.reshape(z.shape))


class FitReport(NamedTuple):
    """How :meth:`MLPClassifier.fit_lbfgs` stopped (objective values in nats).

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.mlkl import MLPClassifier
    >>> X = np.array([[0.0], [1.0]]); Y = np.eye(2)
    >>> m = MLPClassifier((1, 2), seed=0).fit_lbfgs(X, Y, max_iter=3)
    >>> m.report.converged, m.report.iterations, m.report.message
    (False, 3, '3 iterations, the most allowed')
    >>> m.fit_lbfgs(X, Y, weight_decay=0.1).report.message
    'the stopping rule held'
    """

    #: The stopping rule held (or no step along the gradient lowered the
    #: objective) before ``max_iter`` iterations.
    converged: bool
    #: L-BFGS iterations taken.
    iterations: int
    #: The training objective at the returned weights.
    objective: float
    #: :math:`T^2` times the mean entropy of the targets: the part of the
    #: objective that no network can lower (0 for one-hot labels).
    floor: float
    #: How much the last ``window`` iterations (all of them, if fewer)
    #: lowered ``objective - floor``, as a fraction of its final value.
    decrease: float
    #: The largest absolute component of the objective's gradient at the end.
    grad_max: float
    #: Why the fit stopped.
    message: str


class MLPClassifier:
    r"""A small numpy neural network classifier, for teachers and students.

    ``sizes = (d, h_1, ..., K)``: inputs of dimension ``d``, hidden layers
    of rectified linear units, and ``K`` logits; ``(d, K)`` is multinomial
    logistic regression. :meth:`fit` (full-batch Adam, a set number of
    steps) and :meth:`fit_lbfgs` (full-batch L-BFGS, until the objective
    stops falling) minimise the same objective, :meth:`objective`: the mean
    over examples of :math:`T^2 H(y, \sigma_T(z))`, the cross entropy from
    each example's target distribution :math:`y` (a one-hot label or a
    teacher's soft prediction) to the softened prediction (nats), plus
    ``weight_decay / 2`` times the squared weights.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, at least two, each ``>= 1``.
    seed : int
        Seeds the initial weights (He-normal; zero biases).

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.mlkl import MLPClassifier
    >>> X = np.array([[0.0], [1.0]]); Y = np.eye(2)  # two points, two classes
    >>> m = MLPClassifier((1, 2), seed=0).fit(X, Y, steps=300, learning_rate=0.1)
    >>> m.predict_proba(X).argmax(axis=1).tolist()
    [0, 1]
    """

    def __init__(self, sizes: Sequence[int], seed: int):
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least 2 layer widths, got {sizes!r}")
        self.sizes = tuple(_integer(s, "sizes", 1) for s in sizes)
        rng = np.random.default_rng(seed)
        pairs = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        # every weight and bias is a view into one flat vector, so that an
        # optimiser step is a few operations on that vector
        self._flat = np.zeros(sum(a * b + b for a, b in pairs))
        self.weights, self.biases = self._views(self._flat, pairs)
        for w, (a, _) in zip(self.weights, pairs, strict=True):
            w[...] = rng.normal(0.0, math.sqrt(2.0 / a), w.shape)
        #: How the last :meth:`fit_lbfgs` stopped (None before one).
        self.report: FitReport | None = None

    @staticmethod
    def _views(flat: np.ndarray, pairs) -> tuple[list[np.ndarray], list[np.ndarray]]:
        weights, biases, at = [], [], 0
        for a, b in pairs:
            weights.append(flat[at : at + a * b].reshape(a, b))
            at += a * b
        for _, b in pairs:
            biases.append(flat[at : at + b])
            at += b
        return weights, biases

    @property
    def n_params(self) -> int:
        """How many weights and biases the network has."""
        return sum(
            w.size + b.size for w, b in zip(self.weights, self.biases, strict=True)
        )

    def _forward(self, X: np.ndarray) -> list[np.ndarray]:
        acts = [X]
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = acts[-1] @ w + b
            acts.append(z if i == len(self.weights) - 1 else np.maximum(z, 0.0))
        return acts

    def _inputs(self, X: ArrayLike) -> np.ndarray:
        x = as_finite(X, "X")
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (m, {self.sizes[0]}), got {x.shape}")
        return x

    def logits(self, X: ArrayLike) -> np.ndarray:
        """The logits, shape (m, K)."""
        return self._forward(self._inputs(X))[-1]

    def predict_proba(self, X: ArrayLike, temperature: float = 1.0) -> np.ndarray:
        """The predicted distributions over the classes at ``temperature``, (m, K)."""
        return softmax(self.logits(X), temperature)

    def fit(
        self,
        X: ArrayLike,
        targets: ArrayLike,
        *,
        temperature: float = 1.0,
        steps: int = 500,
        learning_rate: float = 0.01,
        weight_decay: float = 0.0,
    ) -> MLPClassifier:
        """Train on target distributions; returns the model itself.

        Parameters
        ----------
        X : array_like, shape (m, d)
        targets : array_like, shape (m, K)
            One distribution over the classes per example.
        temperature : float, optional
            :math:`T` of the softened prediction in the loss.
        steps : int, optional
            Full-batch Adam steps (moment decays 0.9 and 0.999).
        learning_rate : float, optional
        weight_decay : float, optional
            L2 penalty on the weights (not the biases), ``>= 0``.
        """
        x, y, t, wd = self._training_inputs(X, targets, temperature, weight_decay)
        n_steps = _integer(steps, "steps", 0)
        lr = float(as_positive(learning_rate, "learning_rate"))
        pairs = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        grad = np.zeros_like(self._flat)
        gw, gb = self._views(grad, pairs)
        m1, m2 = np.zeros_like(grad), np.zeros_like(grad)
        decay = np.zeros_like(grad)
        decay[: sum(a * b for a, b in pairs)] = wd  # on the weights, not the biases
        L = len(self.weights)
        with _one_blas_thread():
            for step in range(1, n_steps + 1):
                acts = self._forward(x)
                g = _softmax(acts[-1], t)
                g -= y
                g *= t / x.shape[0]  # T^2 * (s - y) / T / m
                for i in range(L - 1, -1, -1):
                    np.matmul(acts[i].T, g, out=gw[i])
                    g.sum(axis=0, out=gb[i])
                    if i:
                        g = (g @ self.weights[i].T) * (acts[i] > 0)
                grad += decay * self._flat
                m1 += 0.1 * (grad - m1)
                m2 += 0.001 * (grad * grad - m2)
                self._flat -= (
                    (lr / (1 - 0.9**step))
                    * m1
                    / (np.sqrt(m2 / (1 - 0.999**step)) + 1e-8)
                )
        return self

    def _training_inputs(self, X, targets, temperature, weight_decay):
        x = self._inputs(X)
        (y,), _ = checked_distributions([targets], ["targets"], -1)
        if y.shape != (x.shape[0], self.sizes[-1]):
            raise ValueError(
                f"targets must have shape ({x.shape[0]}, {self.sizes[-1]}), "
                f"got {y.shape}"
            )
        t = float(as_positive(temperature, "temperature"))
        wd = _scalar(weight_decay, "weight_decay")
        if wd < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")
        return x, y, t, wd

    def _objective_function(self, x, y, t, wd):
        """f(flat) -> (objective, gradient), for these data; sets the weights."""
        pairs = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        n_weights = sum(a * b for a, b in pairs)  # the penalised part of flat
        grad = np.zeros_like(self._flat)
        gw, gb = self._views(grad, pairs)
        L, m = len(self.weights), x.shape[0]
        acts = [x] + [np.empty((m, b)) for _, b in pairs]  # reused by every call
        # sums over rows and columns as products with ones: for matrices this
        # small, much faster than .sum(axis=...)
        ones_k, ones_m = np.ones(self.sizes[-1]), np.ones(m)

        def f(flat: np.ndarray) -> tuple[float, np.ndarray]:
            self._flat[...] = flat
            for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                np.matmul(acts[i], w, out=acts[i + 1])
                acts[i + 1] += b
                if i < L - 1:
                    np.maximum(acts[i + 1], 0.0, out=acts[i + 1])
            z = acts[-1]  # the logits, overwritten below: nothing else needs them
            if t != 1.0:
                z /= t
            z -= z.max(axis=1, keepdims=True)
            # mean H(y, softmax(z)) = mean log(sum e^z) - mean <y, z>, as the
            # rows of y sum to 1
            ce = -float(np.vdot(y, z))
            e = np.exp(z, out=z)
            total = e @ ones_k
            ce = (ce + float(np.log(total).sum())) / m
            e /= total[:, None]
            e -= y
            g = e
            g *= t / m  # d(T^2 H) / dz = T (s - y), with the mean's 1/m
            for i in range(L - 1, -1, -1):
                np.matmul(acts[i].T, g, out=gw[i])
                np.matmul(ones_m, g, out=gb[i])
                if i:
                    g = g @ self.weights[i].T
                    g *= acts[i] > 0
            w = flat[:n_weights]
            grad[:n_weights] += wd * w
            return t * t * ce + 0.5 * wd * float(np.dot(w, w)), grad.copy()

        return f

    def objective(
        self,
        X: ArrayLike,
        targets: ArrayLike,
        *,
        temperature: float = 1.0,
        weight_decay: float = 0.0,
    ) -> tuple[float, np.ndarray]:
        r"""The training objective at the current weights, and its gradient.

        The objective is the mean over the examples of
        :math:`T^2 H(y, \sigma_T(z))` (nats) plus ``weight_decay / 2`` times
        the sum of the squared weights (not the biases), the loss that
        :meth:`fit` and :meth:`fit_lbfgs` minimise. The gradient is with
        respect to all parameters, flattened: the weights of each layer
        (row-major), then the biases of each layer.

        Parameters
        ----------
        X, targets, temperature, weight_decay
            As for :meth:`fit`.

        Returns
        -------
        value : float
            The objective, in nats.
        grad : ndarray, shape (n_params,)
            Its gradient; the weights are not changed.

        Examples
        --------
        >>> import numpy as np
        >>> from kltools.mlkl import MLPClassifier
        >>> m = MLPClassifier((1, 2), seed=0)
        >>> m.weights[0][...] = 0.0  # uniform predictions: log 2 nats
        >>> value, grad = m.objective(np.array([[1.0]]), np.array([[1.0, 0.0]]))
        >>> round(value, 6), grad.tolist()
        (0.693147, [-0.5, 0.5, -0.5, 0.5])
        """
        x, y, t, wd = self._training_inputs(X, targets, temperature, weight_decay)
        flat = self._flat.copy()
        with _one_blas_thread():
            return self._objective_function(x, y, t, wd)(flat)

    def fit_lbfgs(
        self,
        X: ArrayLike,
        targets: ArrayLike,
        *,
        temperature: float = 1.0,
        weight_decay: float = 0.0,
        rtol: float = 1e-3,
        window: int = 100,
        max_iter: int = 10_000,
    ) -> MLPClassifier:
        r"""Train by full-batch L-BFGS until the objective stops falling.

        Minimises :meth:`objective` by L-BFGS (the last 10 steps, and a
        backtracking line search with the Armijo condition), from the
        current weights, and stops at the first iteration :math:`k \ge` ``window``
        at which the last ``window`` iterations have lowered the reducible
        part of the objective, :math:`e_k = f_k - T^2 \bar H(y)` (the
        divergence from the targets times :math:`T^2`, plus the weight
        penalty), by at most ``rtol`` of itself:
        :math:`e_{k - \text{window}} - e_k \le \text{rtol}\, e_k`. The
        weights are those of iteration :math:`k`; :attr:`report`, a
        :class:`FitReport`, says how the fit stopped: ``converged`` is also
        True if even a step along the gradient no longer lowers the
        objective (a minimum to rounding error), and False after
        ``max_iter`` iterations. A network's objective is not convex, so the
        result is a local minimum (or a plateau), the one that L-BFGS
        reaches from the initial weights. The optimiser works on the inputs
        centred on their mean, with the first layer's biases shifted to give
        the same network: as the biases are not penalised that is the same
        objective, better conditioned, and the returned network takes the
        raw inputs.

        Parameters
        ----------
        X, targets, temperature, weight_decay
            As for :meth:`fit`.
        rtol : float, optional
            Relative fall of :math:`e` over the window that counts as
            stopped, ``> 0``.
        window : int, optional
            Iterations over which the fall is measured, ``>= 1``.
        max_iter : int, optional
            Iterations at most; stopping there leaves
            ``report.converged`` False.

        Returns
        -------
        MLPClassifier
            The model itself, trained, with :attr:`report` set.

        Examples
        --------
        >>> import numpy as np
        >>> from kltools.mlkl import MLPClassifier
        >>> X = np.array([[0.0], [1.0]]); Y = np.eye(2)
        >>> m = MLPClassifier((1, 2), seed=0).fit_lbfgs(X, Y, weight_decay=0.1)
        >>> m.report.converged, m.predict_proba(X).argmax(axis=1).tolist()
        (True, [0, 1])
        """
        x, y, t, wd = self._training_inputs(X, targets, temperature, weight_decay)
        tol = float(as_positive(rtol, "rtol"))
        w = _integer(window, "window", 1)
        n_max = _integer(max_iter, "max_iter", 1)
        floor = t * t * float(np.mean(entropy(y, base=math.e)))
        # optimise on centred inputs, the first biases shifted to match
        mu = x.mean(axis=0)
        self.biases[0] += mu @ self.weights[0]
        f = self._objective_function(x - mu, y, t, wd)
        excess: list[float] = []  # e_k, from the initial weights (k = 0) on

        def stop(_: np.ndarray, value: float) -> bool:
            excess.append(value - floor)
            k = len(excess) - 1  # iterations so far
            return k >= w and excess[k - w] - excess[k] <= tol * excess[k]

        start = self._flat.copy()
        with _one_blas_thread():
            try:
                stop(start, f(start)[0])
                result, message, converged = _lbfgs(f, start, stop, n_max)
                self._flat[...] = result
            finally:
                self.biases[0] -= mu @ self.weights[0]  # back to the raw inputs
            value, g = self._objective_function(x, y, t, wd)(self._flat.copy())
        k = len(excess) - 1
        e_then, e_now = excess[max(k - w, 0)], excess[k]
        decrease = (e_then - e_now) / e_now if e_now > 0 else 0.0
        self.report = FitReport(
            converged,
            k,
            value,
            floor,
            float(decrease),
            float(np.abs(g).max()),
            message,
        )
        return self


def _lbfgs(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: np.ndarray,
    stop: Callable[[np.ndarray, float], bool],
    max_iter: int,
    memory: int = 10,
) -> tuple[np.ndarray, str, bool]:
    r"""Minimise ``fun`` (value, gradient) from ``x0`` by L-BFGS.

    The direction is the two-loop recursion of Nocedal and Wright
    (*Numerical Optimization*, algorithm 7.4) over the last ``memory``
    steps, with :math:`H_0 = (s^\top y / y^\top y) I` from the newest, and
    the step length comes from backtracking (quadratic interpolation, at
    least a tenth and at most half of the step before) until the Armijo
    condition holds; if no step lowers ``fun`` along the direction, it
    tries again along the gradient. ``stop(x, f)`` is called after every
    iteration; when it returns True, so does the optimiser. Returns the
    last point, a message and whether it converged: stopped by ``stop``, or
    at a point that no step along the gradient improves (a zero gradient,
    or a minimum to rounding).
    """
    x = x0.copy()
    f, g = fun(x)
    pairs: collections.deque = collections.deque(maxlen=memory)  # (s, y, 1/s.y)
    for _ in range(max_iter):
        while True:  # until a step lowers f; at most twice
            d = -g  # BLAS's ddot and daxpy: for vectors this short, far faster
            alphas = []  # than numpy's dot and a * y + x
            for s, yv, rho in reversed(pairs):
                a = rho * ddot(s, d)
                d = daxpy(yv, d, a=-a)
                alphas.append(a)
            if pairs:
                s, yv, rho = pairs[-1]
                d *= 1.0 / (rho * ddot(yv, yv))
                for (s, yv, rho), a in zip(pairs, reversed(alphas), strict=True):
                    d = daxpy(s, d, a=a - rho * ddot(yv, d))
            slope = float(g @ d)
            if not (pairs and slope < 0):  # the first step, or no descent
                pairs.clear()
                norm = float(np.linalg.norm(g))
                if norm == 0.0:
                    return x, "the gradient is zero", True
                d, slope = -g / norm, -norm
            length = 1.0
            while length >= 1e-20:
                x_new = x + length * d
                f_new, g_new = fun(x_new)
                if f_new <= f + 1e-4 * length * slope:
                    break
                curve = 2.0 * (f_new - f - slope * length)
                guess = -slope * length * length / curve if curve > 0 else 0.0
                length = min(max(guess, 0.1 * length), 0.5 * length)
            if length >= 1e-20:
                break
            if not pairs:  # not even along the gradient: stationary, to rounding
                return x, "no lower point along the gradient", True
            pairs.clear()  # try again along the gradient
        s, yv = x_new - x, g_new - g
        sy = float(s @ yv)
        if sy > 1e-12 * math.sqrt(float(s @ s) * float(yv @ yv)):
            pairs.append((s, yv, 1.0 / sy))
        x, f, g = x_new, f_new, g_new
        if stop(x, f):
            return x, "the stopping rule held", True
    return x, f"{max_iter} iterations, the most allowed", False


def _one_blas_thread():
    """Run BLAS on one thread, if threadpoolctl is installed: for matrices this
    small, waking a second thread costs more than it saves, and on a busy
    machine far more."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - depends on the environment
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


# --- KL-regularised policies ----------------------------------------------------


def _policy_inputs(reward, reference, beta) -> tuple[np.ndarray, np.ndarray, float]:
    r = as_finite(reward, "reward")
    ref = _one_distribution(reference, "reference")
    if r.shape != ref.shape:
        raise ValueError(
            f"reward {r.shape} and reference {ref.shape} must have one entry "
            "per response"
        )
    b = float(as_positive(beta, "beta")) if np.ndim(beta) == 0 else None
    if b is None:
        raise ValueError(f"beta must be a single number, got shape {np.shape(beta)}")
    return r, ref, b


def _log_weights(r: np.ndarray, ref: np.ndarray, b: float) -> np.ndarray:
    """log(ref) + r / beta, -inf where ref = 0."""
    with np.errstate(divide="ignore"):
        return np.log(ref) + r / b


def kl_regularized_policy(
    reward: ArrayLike, reference: ArrayLike, beta: float
) -> np.ndarray:
    r"""The policy that maximises expected reward minus a KL penalty.

    Over distributions :math:`\pi` on a finite set of responses,

    .. math::

        \pi^* = \arg\max_\pi\; \mathbb E_\pi[r] - \beta\,
        D(\pi \,\|\, \pi_{\mathrm{ref}})
        \quad\Longrightarrow\quad
        \pi^*(y) = \frac{\pi_{\mathrm{ref}}(y)\, e^{r(y)/\beta}}{Z},
        \quad Z = \sum_y \pi_{\mathrm{ref}}(y)\, e^{r(y)/\beta},

    with :math:`D` in nats: a Boltzmann distribution with energies
    :math:`-r` at temperature :math:`\beta`, relative to
    :math:`\pi_{\mathrm{ref}}`. A response the reference never gives keeps
    probability 0. Computed with the log-sum-exp shift, so a small
    :math:`\beta` neither overflows nor gives NaN.

    Parameters
    ----------
    reward : array_like, shape (n,)
        Finite rewards of the ``n`` responses.
    reference : array_like, shape (n,)
        :math:`\pi_{\mathrm{ref}}`, summing to 1.
    beta : float
        The weight of the penalty, ``> 0``, in units of reward per nat.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> import math
    >>> from kltools.mlkl import kl_regularized_policy
    >>> kl_regularized_policy([0.0, math.log(3)], [0.5, 0.5], beta=1.0)  # 1 : 3
    array([0.25, 0.75])
    >>> kl_regularized_policy([0.0, 1.0, 5.0], [0.5, 0.5, 0.0], beta=1e-3)
    array([0., 1., 0.])
    """
    r, ref, b = _policy_inputs(reward, reference, beta)
    w = _log_weights(r, ref, b)
    w = np.exp(w - w.max())
    return w / w.sum()


def policy_value(reward: ArrayLike, reference: ArrayLike, beta: float) -> float:
    r"""The optimal value :math:`\beta \log Z` of the KL-regularised objective.

    .. math::

        \max_\pi\; \mathbb E_\pi[r] - \beta D(\pi \,\|\, \pi_{\mathrm{ref}})
        = \beta \log \sum_y \pi_{\mathrm{ref}}(y)\, e^{r(y)/\beta},

    in units of reward (:math:`D` in nats). It lies between
    :math:`\mathbb E_{\pi_{\mathrm{ref}}}[r]` (as :math:`\beta \to \infty`)
    and the largest reward the reference allows (as :math:`\beta \to 0`).

    Examples
    --------
    >>> import math
    >>> from kltools.mlkl import policy_value
    >>> round(policy_value([0.0, math.log(3)], [0.5, 0.5], beta=1.0), 12)  # log 2
    0.693147180560
    """
    r, ref, b = _policy_inputs(reward, reference, beta)
    w = _log_weights(r, ref, b)
    top = w.max()
    return float(b * (top + np.log(np.sum(np.exp(w - top)))))


def policy_objective(
    policy: ArrayLike, reward: ArrayLike, reference: ArrayLike, beta: float
) -> float:
    r""":math:`\mathbb E_\pi[r] - \beta D(\pi \,\|\, \pi_{\mathrm{ref}})` for any
    policy :math:`\pi` (``-inf`` if it gives mass where the reference gives
    none); at most :func:`policy_value`, with equality only at
    :func:`kl_regularized_policy`.

    Examples
    --------
    >>> import math
    >>> from kltools.mlkl import policy_objective
    >>> policy_objective([0.25, 0.75], [0.0, math.log(3)], [0.5, 0.5], 1.0)  # log 2
    0.6931471805599453
    >>> policy_objective([0.5, 0.5], [0.0, 1.0], [1.0, 0.0], 1.0)
    -inf
    """
    r, ref, b = _policy_inputs(reward, reference, beta)
    pi = _one_distribution(policy, "policy")
    if pi.shape != r.shape:
        raise ValueError(
            f"policy {pi.shape} must have one entry per response {r.shape}"
        )
    d = kl_divergence(pi, ref, base=math.e)
    return -math.inf if math.isinf(d) else float(pi @ r - b * d)


class Frontier(NamedTuple):
    """The KL-regularised optimum along a sweep of ``beta``."""

    beta: np.ndarray  #: the penalty weights, shape (m,)
    expected_reward: np.ndarray  #: E under pi*_beta of the reward, (m,)
    kl: np.ndarray  #: D(pi*_beta ‖ reference), nats, (m,)
    value: np.ndarray  #: beta log Z = expected_reward - beta * kl, (m,)
    policies: np.ndarray  #: pi*_beta, shape (m, n)


def policy_frontier(
    reward: ArrayLike, reference: ArrayLike, betas: ArrayLike
) -> Frontier:
    r"""The reward-KL frontier: :math:`\pi^*_\beta` for each ``beta``.

    Each optimum has the most expected reward of all policies with at most
    its divergence from the reference, so the points
    :math:`\bigl(D(\pi^*_\beta \,\|\, \pi_{\mathrm{ref}}),
    \mathbb E_{\pi^*_\beta}[r]\bigr)` trace the frontier; its slope there is
    :math:`\beta`, and the tangent meets the axis :math:`D = 0` at the value
    :math:`\beta \log Z`.

    Parameters
    ----------
    reward, reference : array_like, shape (n,)
        As in :func:`kl_regularized_policy`.
    betas : array_like, shape (m,)
        Penalty weights, each ``> 0``.

    Examples
    --------
    >>> from kltools.mlkl import policy_frontier
    >>> f = policy_frontier([0.0, 1.0], [0.5, 0.5], [1e-3, 1.0, 1e3])
    >>> f.expected_reward.round(4)  # from the best response to the reference's mean
    array([1.    , 0.7311, 0.5001])
    >>> bool(abs(f.value - (f.expected_reward - f.beta * f.kl)).max() < 1e-12)
    True
    """
    bs = as_positive(betas, "betas").reshape(-1)
    r, ref, _ = _policy_inputs(reward, reference, float(bs[0]))
    w = _log_weights(r[None, :], ref[None, :], bs[:, None])  # shape (m, n)
    top = w.max(axis=1, keepdims=True)
    e = np.exp(w - top)
    z = e.sum(axis=1, keepdims=True)
    pols = e / z
    er = pols @ r
    kl = np.asarray(kl_divergence(pols, ref, base=math.e), dtype=float).reshape(-1)
    value = bs * (top[:, 0] + np.log(z[:, 0]))
    return Frontier(bs, er, kl, value, pols)


def softmax_fisher(p: ArrayLike) -> np.ndarray:
    r"""Fisher information of a softmax policy in its logits.

    For :math:`\pi_\theta = \mathrm{softmax}(\theta)`,

    .. math::

        F(\theta) = \mathbb E_{\pi_\theta}\bigl[\nabla \log \pi_\theta\,
        \nabla \log \pi_\theta^{\top}\bigr]
        = \operatorname{diag}(\pi) - \pi \pi^\top ,

    the Hessian of :math:`\delta \mapsto D(\pi_\theta \,\|\,
    \pi_{\theta + \delta})` at :math:`\delta = 0` (nats), so that
    :math:`D \approx \tfrac12 \delta^\top F \delta` for a small step: the
    quadratic that a trust region :math:`D \le \epsilon` bounds. It is
    singular along :math:`\delta \propto (1, \dots, 1)`, which does not
    change the policy.

    Examples
    --------
    >>> from kltools.mlkl import softmax_fisher
    >>> softmax_fisher([0.5, 0.5])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    pi = _one_distribution(p, "p")
    return np.diag(pi) - np.outer(pi, pi)
