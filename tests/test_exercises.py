"""Tests of kltools.exercises: every registered answer, and the checker."""

from __future__ import annotations

import math
import re

import pytest

import kltools as kt
from kltools.exercises import ANSWERS


@pytest.mark.parametrize("exercise", sorted(ANSWERS))
def test_every_answer_is_a_number_computed_by_kltools(exercise):
    assert re.fullmatch(r"\d{2}\.\d+", exercise), "ids look like 01.2"
    asked, compute = ANSWERS[exercise]
    assert asked
    value = compute()
    assert isinstance(value, float) and not math.isnan(value)


@pytest.mark.parametrize("exercise", sorted(ANSWERS))
def test_check_accepts_the_answer_and_refuses_others(exercise, capsys):
    value = ANSWERS[exercise][1]()
    assert kt.check(exercise, value) is True
    assert "Correct" in capsys.readouterr().out
    if math.isfinite(value) and value != 0:
        assert kt.check(exercise, value * 1.01) is False
        assert "too high" in capsys.readouterr().out


def test_reference_answers_of_chapter_1():
    assert ANSWERS["01.1"][1]() == pytest.approx(1 - math.log2(3) / 2)
    assert ANSWERS["01.2"][1]() == pytest.approx(math.log(100))


def test_check_refuses_bad_input():
    with pytest.raises(ValueError, match=r"exercise '99\.9' is unknown"):
        kt.check("99.9", 1.0)
    with pytest.raises(TypeError, match="value must be a number"):
        kt.check("01.1", "0.2")
