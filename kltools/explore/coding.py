"""Explorables of chapter 3, cross entropy: a code built for the wrong
distribution."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..coding import expected_length, shannon_lengths
from ..discrete import cross_entropy, entropy, kl_divergence
from ._core import Explorable, make, pair_params, register

__all__ = ["code_lengths"]


@register("coding_code_lengths", "Shannon code for q used on data from p, in bits")
def _code_lengths_quantities(v: dict[str, Any]) -> dict[str, float]:
    p = np.asarray(v["p"], dtype=float)
    q = np.asarray(v["q"], dtype=float)
    p, q = p / p.sum(), q / q.sum()
    length_p = expected_length(p, shannon_lengths(p))
    length_q = expected_length(p, shannon_lengths(q))
    return {
        "entropy_p": entropy(p),
        "cross_entropy": cross_entropy(p, q),
        "kl_pq": kl_divergence(p, q),
        "length_p": length_p,
        "length_q": length_q,
        "excess": length_q - length_p,
    }


def code_lengths(
    p: Any = (0.5, 0.25, 0.125, 0.125),
    q: Any = (0.25,) * 4,
    labels: Any = None,
) -> Explorable:
    r"""A Shannon code built for ``q`` and used on data drawn from ``p``.

    The reader drags the bars of both distributions. Each outcome shows its
    codeword length :math:`\lceil -\log_2 q(x) \rceil`; the widget shows, in
    bits, :math:`H(p)`, :math:`H(p, q)`, :math:`D(p\|q)`, the average
    lengths under ``p`` of the Shannon codes built for ``p`` and for ``q``,
    and their difference, the excess paid for coding with the wrong
    distribution.

    Parameters
    ----------
    p, q : array_like
        Initial distributions over the same 2 to 8 outcomes (sums to 1).
    labels : sequence of str, optional
        Names of the outcomes; "outcome 1", ... if omitted.
    """
    return make("coding_code_lengths", pair_params(p, q, labels, max_outcomes=8))
