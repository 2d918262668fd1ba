"""Accessibility fixes of the theme's own pages (a local Sphinx extension).

The explorables' accessibility lives in ``kltools/static``; this extension
fixes what the theme and its extensions write into every page, as measured by
axe-core in ``tests/test_a11y.py``:

- the search buttons' accessible name is "Search" while they show "Search
  Ctrl+K" (axe's ``label-content-name-mismatch``): their name becomes their
  text; the colour-mode switch is named for the mode it shows;
- a hidden code cell's toggle is named "Toggle hidden content" while it
  shows "Show code cell source": its name becomes its text;
- the bibliography is a list (``role="list"``) of deprecated
  ``doc-biblioentry`` entries, which a list may not hold: they become list
  items;
- ``index.html``, the redirect to the first page (written by
  sphinx-external-toc), gets a language and a title;
- links inside admonitions and proof boxes get a colour with at least 4.5:1
  contrast on their tinted background, the page prints light whatever the
  reader's theme, and buttons such as "Click to hide" are not printed
  (``kl_a11y/kl-a11y.css``, ``kl_a11y/kl-a11y.js``);
- in the dark theme the explorables and answer boxes lose the light slab
  the theme puts under every widget (they follow the theme themselves).
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent / "kl_a11y"

#: (pattern, replacement) applied to every HTML page the build writes.
FIXES: list[tuple[re.Pattern[str], str]] = [
    # a search button that shows its label names itself by that text
    (
        re.compile(
            r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'
        ),
        r"\1",
    ),
    (re.compile(r'role="doc-biblioentry"'), 'role="listitem"'),
    # a hidden cell's toggle shows "Show code cell source": that is its name
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
]

REDIRECT_HEAD = (
    '<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
    "<title>{title}</title>\n"
)


def fix_page(text: str) -> str:
    """``text`` of a built page with the fixes applied (idempotent).

    >>> fix_page('<div class="citation" role="doc-biblioentry">')
    '<div class="citation" role="listitem">'
    """
    for pattern, replacement in FIXES:
        text = pattern.sub(replacement, text)
    return text


def fix_redirect(text: str, title: str, lang: str = "en") -> str:
    """The bare redirect page (index.html), given a language and a title.

    >>> page = fix_redirect('<meta http-equiv="Refresh" content="0; url=a" />', "T")
    >>> '<html lang="en">' in page and "<title>T</title>" in page
    True
    """
    if 'http-equiv="Refresh"' not in text or len(text) > 2000:
        return text  # not the bare redirect
    head = REDIRECT_HEAD.format(lang=lang, title=title)
    target = _target(text)
    meta = f'<meta http-equiv="Refresh" content="0; url={target}" />'
    body = f'<body><p><a href="{target}">{title}</a></p></body>'
    return f"{head}{meta}\n</head>\n{body}\n</html>\n"


def _target(text: str) -> str:
    found = re.search(r"url=([^\"']+)", text)
    return found.group(1).strip() if found else ""


def _finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        fixed = fix_page(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    # index.html, the redirect to the root page, is written by
    # sphinx-external-toc's own build-finished handler, which runs first
    _fix_index(out, app.config.html_title or app.config.project)


def _fix_index(out: Path, title: str) -> None:
    index = out / "index.html"
    if index.exists():
        text = index.read_text(encoding="utf-8")
        fixed = fix_redirect(text, title, "en")
        if fixed != text:
            index.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _add_static)
    app.connect("build-finished", _finish, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _add_static(app):
    app.config.html_static_path.append(str(HERE))
    app.add_css_file("kl-a11y.css")
    app.add_js_file("kl-a11y.js")
