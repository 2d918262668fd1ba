"""Answer checks for the numeric exercises of the course.

Each chapter's numeric answers live in a module of this package named after
the chapter, not its number (``variational_inference.py`` for
``notebooks/06_variational_inference.ipynb``), as a dict ``ANSWERS`` from the
exercise's number within the chapter to ``(what is asked, function computing
the answer)``: the answer is computed by ``kltools`` itself, never typed in,
and the tests recompute every one.

A module may also define ``HINTS``, from the exercise's number to a hint
shown with a wrong answer (by :func:`check` and by the page's answer box,
``kltools.explore.answer``).

The id a reader sees, ``"06.1"``, is the chapter's number and the exercise's:
the numbers come from the notebooks' file names, recorded in
``chapters.json`` (written by ``scripts/chapter_numbers.py``, which
``make book`` runs, and checked by the tests). Renumbering the course is then
a change of file names and the table of contents only. In a notebook:

>>> import kltools as kt
>>> kt.check("01.1", 0.2075)
Correct: 0.2075 matches the answer to within 0.1%.
True
"""

from __future__ import annotations

import importlib
import json
import math
import numbers
import pkgutil
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "ANSWERS",
    "CHAPTERS",
    "HINTS",
    "check",
    "exercise_id",
    "feedback",
    "unit_of",
]

#: Chapter name (the notebook's file name without its number) -> its number.
CHAPTERS: dict[str, int] = json.loads(
    (Path(__file__).with_name("chapters.json")).read_text(encoding="utf-8")
)


def exercise_id(chapter: str, k: int) -> str:
    """The id a reader sees for exercise ``k`` of ``chapter``, e.g. ``"06.1"``."""
    if chapter not in CHAPTERS:
        raise ValueError(f"chapter {chapter!r} has no number in chapters.json")
    return f"{CHAPTERS[chapter]:02d}.{k}"


#: Exercise id -> (what is asked, function computing the answer), all chapters.
ANSWERS: dict[str, tuple[str, Callable[[], float]]] = {}
#: Exercise id -> a hint for a wrong answer, where the chapter gives one.
HINTS: dict[str, str] = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_") or _info.name not in CHAPTERS:
        continue  # the tests insist that every answer module has a number
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _k, _entry in _module.ANSWERS.items():
        ANSWERS[exercise_id(_info.name, _k)] = _entry
    for _k, _hint in getattr(_module, "HINTS", {}).items():
        HINTS[exercise_id(_info.name, _k)] = _hint

#: Said of a wrong answer when the chapter gives no hint of its own.
DEFAULT_HINT = "Work through it again from the definitions in the chapter."


def unit_of(asked: str) -> str:
    """The unit of information an exercise asks for: "bits", "nats" or "".

    >>> unit_of("D(p‖q) in bits"), unit_of("surprise in nats"), unit_of("n")
    ('bits', 'nats', '')
    """
    words = asked.replace(",", " ").split()
    for unit in ("bits", "nats"):
        if unit in words or unit[:-1] in words:
            return unit
    return ""


def feedback(exercise: str, value: float, expected: float, rtol: float) -> str:
    """What :func:`check` (and the page's answer box) says of a wrong ``value``.

    Whether it is too high or too low, then the likely slip: an answer in the
    other unit of information (nats for bits, or bits for nats) is named as
    such; otherwise the exercise's hint. A NaN is neither high nor low.

    >>> print(feedback("01.1", 0.1438, 0.2075, 1e-3))
    Not yet: 0.1438 is too low. It is the answer in nats; the exercise asks for bits.
    >>> print(feedback("01.1", 0.3, 0.2075, 1e-3))  # doctest: +ELLIPSIS
    Not yet: 0.3 is too high. Two terms, each p(x)·log₂(p(x)/q(x)); ...
    """
    if math.isnan(value):
        return (
            "Not yet: that is not a number. Type a number, such as 0.25, 3e-4 or inf."
        )
    side = "too high" if value > expected else "too low"
    unit = unit_of(ANSWERS[exercise][0]) if exercise in ANSWERS else ""
    other = {"bits": ("nats", math.log(2)), "nats": ("bits", 1 / math.log(2))}
    if unit and math.isfinite(expected):
        name, factor = other[unit]
        if math.isclose(value, expected * factor, rel_tol=rtol):
            return (
                f"Not yet: {value} is {side}. It is the answer in {name}; "
                f"the exercise asks for {unit}."
            )
    return f"Not yet: {value} is {side}. {HINTS.get(exercise, DEFAULT_HINT)}"


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
        print(feedback(exercise, float(value), expected, rtol))
    return ok
