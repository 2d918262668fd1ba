"""Tests of the answer boxes: explore.answer (Python) and kinds/answer_box.js (Node).

The box on the page must judge an answer exactly as kt.check does: the same
expected value (computed by kltools), the same tolerance, the same words. The
JavaScript is run in Node on the same cases and compared with Python.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest

import kltools as kt
from kltools import explore
from kltools.exercises import ANSWERS, DEFAULT_HINT, HINTS, feedback, unit_of

ANSWER_JS = explore.STATIC / "kinds" / "answer_box.js"

RUNNER = """
const vm = require("vm");
const fs = require("fs");
const box = { RENDERERS: {}, h: () => null };
vm.createContext(box);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), box);
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const out = cases.map(([typed, ex, rtol]) => {
  const v = box.parseAnswer(typed);
  const e = Number(ex.expected);
  const right = box.answerIsRight(v, e, rtol);
  return { right, text: right ? null : box.answerFeedback(typed, v, ex, e, rtol).text,
           value: Number.isFinite(v) ? v : String(v) };
});
console.log(JSON.stringify(out));
"""


def run_js(cases: list) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed (a stated prerequisite of `make test`)")
    done = subprocess.run(
        [node, "-e", RUNNER, str(ANSWER_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_a_box_carries_the_answer_kltools_computes():
    box = explore.answer("01.1", "01.2")
    assert box.kind == "answer_box"
    entries = box.params["exercises"]
    assert [e["id"] for e in entries] == ["01.1", "01.2"]
    for entry in entries:
        asked, compute = ANSWERS[entry["id"]]
        assert float(entry["expected"]) == compute()  # exactly, as text
        assert entry["asked"] == asked
        assert entry["hint"] == HINTS.get(entry["id"], DEFAULT_HINT)
    assert [e["unit"] for e in entries] == ["bits", "nats"]
    assert box.params["rtol"] == 1e-3  # kt.check's default
    assert box.quantities() == {}


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: explore.answer(), ValueError, "at least one id"),
        (lambda: explore.answer("99.9"), ValueError, r"exercise '99\.9' is unknown"),
        (lambda: explore.answer(1.1), TypeError, "ids such as"),
        (lambda: explore.answer("01.1", rtol=0), ValueError, r"rtol must be in"),
        (lambda: explore.answer("01.1", rtol="x"), TypeError, "rtol must be a number"),
    ],
)
def test_answer_refuses_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_hints_belong_to_exercises():
    assert set(HINTS) <= set(ANSWERS)
    assert all(isinstance(h, str) and h.strip() for h in HINTS.values())


def test_units_are_read_from_the_question():
    assert unit_of("D(p‖q) in bits") == "bits"
    assert unit_of("the black-swan surprise in nats") == "nats"
    assert unit_of("growth, bits per bet") == "bits"
    assert unit_of("correlation of a bivariate normal") == ""


def test_feedback_names_the_slip_it_sees():
    bits = ANSWERS["01.1"][1]()
    in_nats = feedback("01.1", bits * math.log(2), bits, 1e-3)
    assert "too low" in in_nats and "answer in nats" in in_nats
    nats = ANSWERS["01.2"][1]()
    in_bits = feedback("01.2", nats / math.log(2), nats, 1e-3)
    assert "too high" in in_bits and "answer in bits" in in_bits
    assert "not a number" in feedback("01.1", math.nan, bits, 1e-3)
    assert feedback("01.1", 1.0, bits, 1e-3).endswith(HINTS["01.1"])


def _cases() -> list:
    """Typed answers, right and wrong, for every exercise, as kt.check sees them."""
    cases = []
    for exercise, (asked, compute) in sorted(ANSWERS.items()):
        e = compute()
        entry = explore.answer(exercise).params["exercises"][0]
        values = [e, e * (1 + 4e-4), e * (1 - 4e-4), e * 1.01, e * 0.5, -e, math.inf]
        if unit_of(asked) == "bits":
            values.append(e * math.log(2))
        if unit_of(asked) == "nats":
            values.append(e / math.log(2))
        cases += [(repr(v), entry, 1e-3, exercise, v) for v in values]
    return cases


def test_the_page_judges_as_kt_check_does(capsys):
    cases = _cases()
    got = run_js([c[:3] for c in cases])
    for (typed, _, rtol, exercise, value), js in zip(cases, got, strict=True):
        right = kt.check(exercise, value, rtol=rtol)
        said = capsys.readouterr().out.strip()
        assert js["right"] == right, (exercise, typed, js, said)
        if not right:
            assert js["text"] == said, (exercise, typed)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0.25", 0.25),
        ("  -1.5 ", -1.5),
        ("−2", -2.0),
        ("3e-4", 3e-4),
        ("2.5E+3", 2500.0),
        (".5", 0.5),
        ("0,75", 0.75),
        ("inf", math.inf),
        ("Infinity", math.inf),
        ("∞", math.inf),
        ("-inf", -math.inf),
        ("", "NaN"),
        ("abc", "NaN"),
        ("1/3", "NaN"),
        ("1e", "NaN"),
    ],
)
def test_the_page_reads_numbers_as_typed(typed, value):
    entry = explore.answer("01.1").params["exercises"][0]
    (got,) = run_js([(typed, entry, 1e-3)])
    if isinstance(value, float) and math.isinf(value):
        value = "Infinity" if value > 0 else "-Infinity"  # JSON has no inf
    assert got["value"] == value
