"""The chapters' numbers: taken from the notebooks' file names, nowhere else.

Exercise answer modules are named after their chapter (``vae.py``), and the
id a reader sees (``07.1``) takes its number from ``notebooks/07_vae.ipynb``
through ``kltools/exercises/chapters.json``, so renumbering the course is a
change of file names and ``_toc.yml`` only.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import re
from pathlib import Path

import pytest

import kltools as kt
from kltools import exercises

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "chapter_numbers", ROOT / "scripts" / "chapter_numbers.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chapters_json_matches_the_notebooks_file_names():
    assert exercises.CHAPTERS == _script().numbers(), (
        "kltools/exercises/chapters.json is stale: run "
        "`python scripts/chapter_numbers.py` (make book does)"
    )


def test_every_answer_module_is_a_chapter_with_a_number():
    modules = [m.name for m in pkgutil.iter_modules(exercises.__path__)]
    strays = [
        m for m in modules if not m.startswith("_") and m not in exercises.CHAPTERS
    ]
    assert not strays, f"answer modules with no notebook of that name: {strays}"


def test_ids_follow_the_notebook_numbers():
    for exercise in exercises.ANSWERS:
        number = int(exercise.split(".")[0])
        assert number in exercises.CHAPTERS.values(), exercise
    assert exercises.exercise_id("variational_inference", 1) == (
        f"{exercises.CHAPTERS['variational_inference']:02d}.1"
    )


@pytest.mark.parametrize("nb", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=str)
def test_a_chapter_names_only_its_own_exercise_ids(nb):
    """kt.check("NN.k") and "exercise id `NN.k`" in a chapter use its own number."""
    text = nb.read_text(encoding="utf-8")
    own = nb.name[:2]
    ids = set(re.findall(r'kt\.check\(\\"(\d{2})\.\d+', text))
    ids |= set(re.findall(r"[Ee]xercise id `(\d{2})\.\d+`", text))
    assert ids <= {own}, (
        f"{nb.name} names exercise ids of chapters {sorted(ids - {own})}"
    )
    for exercise in re.findall(r'kt\.check\(\\"(\d{2}\.\d+)', text):
        assert exercise in kt.exercises.ANSWERS, f"{nb.name}: {exercise} has no answer"


def test_unknown_chapter_is_refused():
    with pytest.raises(ValueError, match="no number"):
        exercises.exercise_id("no_such_chapter", 1)
