"""Answer checks for the numeric exercises of the course.

Each chapter's numeric answers live in a module of this package,
``chNN.py``, as a dict ``ANSWERS`` from an exercise id like ``"01.1"`` to
``(what is asked, function computing the answer)``: the answer is computed by
``kltools`` itself, never typed in, and the tests recompute every one. The
modules are found and merged here, so adding a chapter's answers needs no
edit to this file. In a notebook:

>>> import kltools as kt
>>> kt.check("01.1", 0.2075)
Correct: 0.2075 matches the answer to within 0.1%.
True
"""

from __future__ import annotations

import importlib
import math
import numbers
import pkgutil
from collections.abc import Callable

__all__ = ["ANSWERS", "check"]

#: Exercise id -> (what is asked, function computing the answer), all chapters.
ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _chapter = importlib.import_module(f"{__name__}.{_info.name}").ANSWERS
    _clash = set(_chapter) & set(ANSWERS)
    if _clash:
        raise ValueError(f"exercise ids registered twice: {sorted(_clash)}")
    ANSWERS.update(_chapter)


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
