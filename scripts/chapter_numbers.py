"""Write kltools/exercises/chapters.json from the chapters' file names.

A chapter's number is the prefix of its notebook's file name
(``notebooks/06_variational_inference.ipynb`` -> ``variational_inference``
is chapter 6). The exercise answer modules are keyed by the name, so
renumbering the course is a change of file names and ``_toc.yml`` only;
``make book`` runs this script, and a test checks the file is current.

Usage: python scripts/chapter_numbers.py [--check]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "kltools" / "exercises" / "chapters.json"


def numbers() -> dict[str, int]:
    found = {}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        m = re.fullmatch(r"(\d{2})_([a-z0-9_]+)", nb.stem)
        if m:
            found[m.group(2)] = int(m.group(1))
    return found


def render() -> str:
    return json.dumps(numbers(), indent=2) + "\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        sys.exit(0 if current == text else "chapters.json is stale: run make book")
    if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")
