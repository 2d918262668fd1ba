"""Give every numeric exercise of the chapters an answer box on the page.

Each code cell that checks answers with ``kt.check`` (the chapters' "your
value for NN.k" cells) becomes a cell that shows answer boxes,
``explore.answer("NN.k", ...)``, which work on the static site and in a live
kernel, with a comment saying how to check from code. The exercise ids are
read from each cell; a cell naming an id that ``kltools.exercises`` does not
know is left alone and reported (exit status 1). A converted cell keeps its
id and metadata. The chapters' sentence on checking answers is updated
to match. Running it again changes nothing.

Usage: python scripts/answer_boxes.py [--check] [notebooks ...]
(``--check`` changes no file and exits 1 if a notebook would change).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kltools.exercises import ANSWERS  # noqa: E402

ID = re.compile(r'"(\d{2}\.\d+)"')
OLD_SENTENCE = re.compile(
    r"Numeric answers can be checked in a live notebook: put your value in the\s+"
    r"cell below the exercise and run it\. `kt\.check` says whether it is right\."
)
NEW_SENTENCE = (
    "Type a numeric answer into the box below its exercise and press Enter: the\n"
    "box says whether it is right, on this page as in a live notebook. In code,\n"
    '`kt.check("NN.k", value)` does the same.'
)


def answer_cell(ids: list[str]) -> str:
    """The source of a cell showing the answer boxes of ``ids``."""
    args = ", ".join(f'"{i}"' for i in ids)
    lines = [f"explore.answer({args})"]
    lines += [f'# or, in code: kt.check("{i}", value)' for i in ids]
    return "\n".join(lines)


def convert(nb) -> list[str]:
    """Rewrite ``nb`` in place; returns the exercise ids given a box."""
    done, skipped = [], len(SKIPPED)
    for cell in nb.cells:
        if cell.cell_type != "code" or "kt.check(" not in cell.source:
            continue
        if cell.source.startswith("explore.answer("):
            done += ID.findall(cell.source.splitlines()[0])
            continue
        ids = list(dict.fromkeys(ID.findall(cell.source)))
        unknown = [i for i in ids if i not in ANSWERS]
        if not ids or unknown:
            # left as it is: its answers are not in kltools.exercises yet
            SKIPPED.append(f"cell {cell.get('id')} names {unknown or 'no id'}")
            continue
        cell.source = answer_cell(ids)
        done += ids
    if done and len(SKIPPED) == skipped:  # every answer cell is now a box
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = OLD_SENTENCE.sub(NEW_SENTENCE, cell.source)
    return done


#: Cells left alone, with why: reported, and the exit status is then 1.
SKIPPED: list[str] = []


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    paths = paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        ids = convert(nb)
        nbformat.validate(nb)
        after = nbformat.writes(nb)
        if after == before:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(
                after + ("" if after.endswith("\n") else "\n"), encoding="utf-8"
            )
        print(f"{path.name}: answer boxes for {', '.join(ids)}")
    for why in SKIPPED:
        print(f"left alone, no answer in kltools.exercises: {why}")
    if check and stale:
        print(f"would change: {', '.join(stale)}")
        return 1
    return 1 if SKIPPED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
