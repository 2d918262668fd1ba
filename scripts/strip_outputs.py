"""Strip outputs from notebooks: a git "clean" filter, or a command.

Chapters are committed without outputs; the book build executes them. Run in
place in Jupyter, a chapter gains outputs, execution counts and widget state
as soon as it is saved. `make setup` (and so `make book` and `make test`)
registers this script as the git filter ``kl-strip-outputs``, which
``.gitattributes`` applies to ``notebooks/*.ipynb``: git then stores and
compares the notebook without them, so they never reach a commit (the file
on disk keeps them until you clear it).

As a filter it reads a notebook on standard input and writes it, stripped,
on standard output::

    git config filter.kl-strip-outputs.clean "python3 scripts/strip_outputs.py"

With file names it strips the files in place (``--check`` only reports the
ones that carry outputs and exits 1 if any does)::

    python scripts/strip_outputs.py notebooks/*.ipynb

A notebook that has nothing to strip is passed through byte for byte, so the
committed chapters never look modified because of the filter. What it
removes: code cells' outputs and execution counts, per-cell execution
metadata (``execution``, ``ExecuteTime``, ``collapsed``, ``scrolled``), the
notebook's saved widget state (``widgets``), and everything of
``language_info`` except its ``name``, which JupyterLab rewrites on save.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CELL_KEYS = ("execution", "ExecuteTime", "collapsed", "scrolled")


def strip(nb: dict) -> bool:
    """Strip ``nb`` (a notebook's JSON) in place; True if anything changed."""
    changed = False
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        for key in CELL_KEYS:
            if key in meta:
                del meta[key]
                changed = True
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            cell["outputs"] = []
            changed = True
        if cell.get("execution_count") is not None:
            cell["execution_count"] = None
            changed = True
    meta = nb.get("metadata", {})
    if "widgets" in meta:
        del meta["widgets"]
        changed = True
    info = meta.get("language_info")
    if isinstance(info, dict) and set(info) - {"name"}:
        meta["language_info"] = {"name": info.get("name", "python")}
        changed = True
    return changed


def dumps(nb: dict) -> str:
    """A notebook's JSON as nbformat and JupyterLab write it.

    Standard library only, so that git can run the filter with any Python 3.
    """
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def clean(text: str) -> str:
    """A notebook's text, stripped; unchanged (to the byte) if already clean."""
    try:
        nb = json.loads(text)
    except json.JSONDecodeError:
        return text  # not JSON (a conflict, a half-written file): leave it to git
    if not isinstance(nb, dict) or not strip(nb):
        return text
    return dumps(nb)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"]
    if not paths:
        data = sys.stdin.buffer.read().decode("utf-8")
        sys.stdout.buffer.write(clean(data).encode("utf-8"))
        return 0
    dirty = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        stripped = clean(text)
        if stripped != text:
            dirty.append(path)
            if not check:
                path.write_text(stripped, encoding="utf-8")
    for path in dirty:
        print(f"{'has outputs' if check else 'stripped'}: {path}")
    return 1 if check and dirty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
