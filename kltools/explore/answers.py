"""Answer boxes: a numeric exercise answered on the page, with or without a kernel.

``explore.answer("01.1")`` shows a box where the reader types a number and
presses Enter (or the button). The answer is computed by kltools when the
chapter runs (``kltools.exercises.ANSWERS``, exactly as :func:`kltools.check`
computes it) and saved in the widget's state, so the box checks answers on
the static site, where no kernel runs, as well as in Jupyter. It says what
``kt.check`` says: "Correct" and the tolerance, or too high / too low with the
exercise's hint (``kltools.exercises.feedback``).
"""

from __future__ import annotations

import inspect
import math
from typing import Any

from ..exercises import ANSWERS, DEFAULT_HINT, HINTS, check, unit_of
from ._core import Explorable, make, register

__all__ = ["answer"]

#: The tolerance of kt.check, which the box uses unless told otherwise.
RTOL: float = inspect.signature(check).parameters["rtol"].default


def _encode(x: float) -> str:
    """A float as text JavaScript's Number() reads back exactly (JSON has no inf)."""
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(float(x))


@register("answer_box", "a box that checks the answer to a numeric exercise")
def _answer_quantities(settings: dict[str, Any]) -> dict[str, float]:
    """An answer box shows no computed numbers: there is nothing to compare."""
    return {}


def answer(*exercises: str, rtol: float = RTOL) -> Explorable:
    """An answer box for each of the numeric exercises ``exercises``.

    Parameters
    ----------
    *exercises : str
        Exercise ids as printed beside the exercises, e.g. ``"06.1"``.
    rtol : float, optional
        Relative tolerance, as in :func:`kltools.check` (its default).

    Returns
    -------
    Explorable
        A widget of kind ``answer_box``; each box carries
        ``data-exercise="NN.k"``. In a live kernel its ``values`` hold the
        last answer tried for each id.

    Examples
    --------
    >>> box = answer("01.1")
    >>> box.kind, box.params["exercises"][0]["id"], box.params["exercises"][0]["unit"]
    ('answer_box', '01.1', 'bits')
    >>> float(box.params["exercises"][0]["expected"]) == ANSWERS["01.1"][1]()
    True
    """
    if not exercises:
        raise ValueError("exercises must name at least one id, e.g. answer('01.1')")
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)):
        raise TypeError(f"rtol must be a number, got {rtol!r}")
    if not 0 < rtol < 1:
        raise ValueError(f"rtol must be in (0, 1), got {rtol!r}")
    entries = []
    for exercise in exercises:
        if not isinstance(exercise, str):
            raise TypeError(f"exercises must be ids such as '01.1', got {exercise!r}")
        if exercise not in ANSWERS:
            known = ", ".join(sorted(ANSWERS))
            raise ValueError(f"exercise {exercise!r} is unknown; known ids: {known}")
        asked, compute = ANSWERS[exercise]
        entries.append(
            {
                "id": exercise,
                "asked": asked,
                "expected": _encode(float(compute())),
                "unit": unit_of(asked),
                "hint": HINTS.get(exercise, DEFAULT_HINT),
            }
        )
    return make("answer_box", {"exercises": entries, "rtol": float(rtol)})
