"""Answer checks for the numeric exercises of the course.

Each chapter's exercises that have a number for an answer are registered
here under an id like ``"01.1"``; the answer is computed by ``kltools``
itself, never typed in, and the tests recompute every one. In a notebook:

>>> import kltools as kt
>>> kt.check("01.1", 0.2075)
Correct: 0.2075 matches the answer to within 0.1%.
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

from .discrete import kl_divergence

__all__ = ["ANSWERS", "check"]


def _ch01_by_hand() -> float:
    """D((1/2, 1/2) ‖ (1/4, 3/4)) in bits: 1 - log2(3)/2."""
    return kl_divergence([0.5, 0.5], [0.25, 0.75])


def _ch01_nats() -> float:
    """The black-swan surprise in nats: ln 100."""
    return kl_divergence([1, 0], [0.01, 0.99], base=math.e)


def _ch01_loaded_die() -> float:
    """D(fair die ‖ die that shows six half the time), in bits."""
    return kl_divergence([1 / 6] * 6, [0.1] * 5 + [0.5])


def _ch01_loaded_die_reverse() -> float:
    """D(die that shows six half the time ‖ fair die), in bits."""
    return kl_divergence([0.1] * 5 + [0.5], [1 / 6] * 6)


#: Exercise id -> (what is asked, function computing the answer).
ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {
    "01.1": ("D(p‖q) for p = (1/2, 1/2), q = (1/4, 3/4), in bits", _ch01_by_hand),
    "01.2": ("the black-swan surprise in nats", _ch01_nats),
    "01.3": ("D(fair die ‖ loaded die) in bits", _ch01_loaded_die),
    "01.4": ("D(loaded die ‖ fair die) in bits", _ch01_loaded_die_reverse),
}


def check(exercise: str, value: float, *, rtol: float = 1e-3) -> bool:
    """Say whether ``value`` answers a numeric exercise, and return the verdict.

    Parameters
    ----------
    exercise : str
        The exercise id printed beside the exercise, e.g. ``"01.1"``.
    value : float
        Your answer, in the units the exercise asks for.
    rtol : float, optional
        Relative tolerance; the default accepts answers rounded to about
        four significant figures.

    Returns
    -------
    bool
        True if the answer is right to within ``rtol``.
    """
    if exercise not in ANSWERS:
        known = ", ".join(sorted(ANSWERS))
        raise ValueError(f"exercise {exercise!r} is unknown; known ids: {known}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a number, got {value!r}")
    expected = ANSWERS[exercise][1]()
    ok = math.isclose(float(value), expected, rel_tol=rtol) or (
        math.isinf(expected) and value == expected
    )
    if ok:
        print(f"Correct: {value} matches the answer to within {rtol:.1%}.")
    else:
        hint = "too high" if value > expected else "too low"
        print(f"Not yet: {value} is {hint}. Check the units and the log base.")
    return ok
