"""Checks of the book: the built site in _build/html and the chapter sources.

`make test` builds the book before running these (cached, so cheap when
nothing changed). Run alone, the site checks fail with a clear message if
there is no build; `make unit` deselects them (`-m "not book"`).
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

# the one reading of _toc.yml, shared with the build (scripts/reader_notebooks.py)
from test_reader import rn as _reader

ROOT = Path(__file__).resolve().parents[1]
# A private build (another toc, another output folder) can be checked by
# setting KL_TOC and KL_SITE_DIR; by default, the book that `make book` builds.
TOC = Path(os.environ.get("KL_TOC", ROOT / "_toc.yml"))
HTML = Path(os.environ.get("KL_SITE_DIR", ROOT / "_build" / "html"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.book


def toc_files() -> list[str]:
    """Every document named in _toc.yml, the root first (the build script's reading)."""
    return _reader.toc_docnames(TOC)


@pytest.fixture(scope="module")
def site() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site in {HTML}: run `make book` first")
    return HTML


def built_pages(site: Path) -> list[Path]:
    return [site / f"{name}.html" for name in toc_files()]


def test_every_toc_entry_produced_a_page(site):
    missing = [str(p.relative_to(site)) for p in built_pages(site) if not p.exists()]
    assert not missing, f"pages in _toc.yml that the build did not produce: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = set(toc_files())
    orphans = [nb.stem for nb in NOTEBOOKS if f"notebooks/{nb.stem}" not in listed]
    assert not orphans, f"notebooks missing from _toc.yml: {orphans}"


class _OutputClasses(HTMLParser):
    """Collect the CSS classes of every element, to find error outputs."""

    def __init__(self):
        super().__init__()
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "class" and value:
                self.classes.append(value)


# myst-nb marks a traceback as "output traceback" and stderr as "output
# stderr"; docutils marks a failed role or directive "problematic" or
# "system-message".
ERROR_CLASSES = re.compile(r"\b(traceback|stderr|problematic|system-message)\b")


@pytest.mark.parametrize("name", toc_files())
def test_no_page_shows_an_error_output(site, name):
    page = site / f"{name}.html"
    if not page.exists():
        pytest.skip("missing page is reported by test_every_toc_entry_produced_a_page")
    parser = _OutputClasses()
    parser.feed(page.read_text(encoding="utf-8"))
    errors = [c for c in parser.classes if ERROR_CLASSES.search(c)]
    assert not errors, f"{name} shows error output: {errors[:5]}"


EMPTY_GLUE = re.compile(r'<span class="pasted-text">\s*</span>')


@pytest.mark.parametrize("name", toc_files())
def test_no_glued_value_renders_empty(site, name):
    """A glued value whose format spec fails (e.g. a numpy scalar's text under
    numpy 2 with `:.4f`) renders as an empty span, with no warning."""
    page = site / f"{name}.html"
    if not page.exists():
        pytest.skip("missing page is reported by test_every_toc_entry_produced_a_page")
    empty = len(EMPTY_GLUE.findall(page.read_text(encoding="utf-8")))
    assert not empty, f"{name}: {empty} glued value(s) render as nothing"


def test_site_states_the_licence(site):
    text = (site / "book" / "intro.html").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text and "MIT" in text


# --- chapter sources ---------------------------------------------------------


def cells(nb_path: Path) -> list[dict]:
    return json.loads(nb_path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_notebooks_carry_no_outputs(nb):
    dirty = [
        i
        for i, c in enumerate(cells(nb))
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, f"{nb.name}: cells {dirty} have outputs; clear them"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_chapter_skeleton(nb):
    """The parts of the chapter standard a machine can see."""
    assert re.fullmatch(r"\d{2}_[a-z0-9_]+\.ipynb", nb.name), "numbered file name"
    cs = cells(nb)
    markdown = "\n".join(source(c) for c in cs if c["cell_type"] == "markdown")
    code = "\n".join(source(c) for c in cs if c["cell_type"] == "code")
    titles = re.findall(r"^# \S", markdown, flags=re.MULTILINE)
    assert len(titles) == 1, "exactly one H1 title"
    assert "import kltools as kt" in code
    first = cs[0]
    assert first["cell_type"] == "code" and "remove-cell" in first.get(
        "metadata", {}
    ).get("tags", []), "first cell installs kltools on Colab and is hidden"
    assert "except ImportError" in source(first)
    assert len(re.findall(r"[`:]{3,}\{exercise\}", markdown)) >= 3, "3+ exercises"
    assert len(re.findall(r":class: dropdown", markdown)) >= 3, "hidden solutions"
    assert "default_rng(" in code or "random" not in code, "seeded randomness"


# --- budgets -----------------------------------------------------------------

PAGE_BUDGET = 2 * 1024 * 1024  # bytes: a chapter page with its own images and data


def page_weight(site: Path, page: Path) -> int:
    """Bytes of a page plus the images it embeds from _images (not _static,
    whose vendored libraries are shared by every page and cached once)."""
    html = page.read_text(encoding="utf-8")
    total = page.stat().st_size
    for src in set(re.findall(r'src="([^"]*_images/[^"]+)"', html)):
        total += (page.parent / src).resolve().stat().st_size
    return total


@pytest.mark.parametrize("name", [n for n in toc_files() if n.startswith("notebooks/")])
def test_chapter_page_within_budget(site, name):
    weight = page_weight(site, site / f"{name}.html")
    assert weight <= PAGE_BUDGET, f"{name}: {weight / 1e6:.2f} MB > 2 MB"
