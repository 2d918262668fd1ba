"""Reader notebooks: each chapter as plain Jupyter, Colab and Binder show it.

The chapters in ``notebooks/`` are written in MyST Markdown for Jupyter Book:
glued numbers (``{glue:text}``), equation and figure references, citations,
definition and exercise boxes, solutions in dropdowns. Outside the site these
show as raw markup. This script writes, for every chapter of ``_toc.yml``, a
*reader notebook* for running:

- every glued value is written in as the number the build computed (read from
  the executed notebooks of the build, formatted with the role's format spec,
  exactly as myst-nb does);
- ``{eq}``, ``{numref}``, ``{ref}``, ``{prf:ref}`` and ``{doc}`` become the text
  the site shows ("(3)", "Fig. 2", "Theorem 1", a title) linking to the site;
- ``{cite}``, ``{cite:p}`` and ``{cite:t}`` become author-year citations that
  link to the entry on the site's bibliography page;
- definition, theorem, proof, exercise and admonition boxes become block
  quotes with a bold title; labelled equations get their number as ``\\tag``;
- every solution is folded in an HTML ``<details>`` element (the text of a
  solution that runs over several cells is folded cell by cell, and its code
  cells are kept, in order and unchanged, with their source collapsed);
- code cells are kept as they are, without outputs; the hidden install cell
  pins ``kltools`` to the commit the site was built from.

It needs a built site (``make book``): the numbers come from the executed
notebooks in ``_build/jupyter_execute`` (or the jupyter-cache), the
reference texts from the pages in ``_build/html``. Output, by default
``_build/html/_reader/``: ``notebooks/*.ipynb``, ``binder/`` (the Binder
environment, kltools pinned to the same commit) and a ``README.md``: the
tree that the Pages workflow publishes to the ``notebooks`` branch, which the
site's Binder and Colab buttons open.

Usage::

    python scripts/reader_notebooks.py [--site-dir _build/html] [--out DIR]
        [--site-url URL] [--commit SHA] [--toc _toc.yml]

Anything the script cannot convert (a role or directive it does not know, a
glued value or a reference it cannot find) stops it with a message naming the
chapter, so the build fails rather than publishing raw MyST.
"""

from __future__ import annotations

import argparse
import codecs
import copy
import json
import os
import re
import subprocess
import sys
from ast import literal_eval
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: The notebook format written; nbformat 4.5 has cell ids.
NB_MINOR = 5


class ReaderError(RuntimeError):
    """Something in a chapter the conversion cannot render faithfully."""


# --- the book: table of contents, configuration, sources ---------------------


def toc_docnames(toc: Path) -> list[str]:
    """Every document of a Jupyter Book table of contents, in reading order."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    names = [data["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                names.append(str(node["file"]))
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key, []))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return [re.sub(r"\.(ipynb|md)$", "", n) for n in names]


def chapters(root: Path, toc: Path) -> list[str]:
    """The documents of the table of contents that are Jupyter notebooks."""
    return [d for d in toc_docnames(toc) if (root / f"{d}.ipynb").exists()]


def pages_url(repository_url: str) -> str:
    """The GitHub Pages address of a GitHub repository, with a final slash.

    >>> pages_url("https://github.com/kl-course/kl-course")
    'https://kl-course.github.io/kl-course/'
    """
    parts = urlsplit(repository_url.rstrip("/"))
    owner, repo = parts.path.strip("/").removesuffix(".git").split("/")[:2]
    if parts.netloc != "github.com":
        raise ReaderError(f"cannot tell the site of {repository_url}: --site-url")
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def current_commit(root: Path) -> str:
    """The commit being built: ``GITHUB_SHA`` in CI, else git's HEAD."""
    sha = os.environ.get("GITHUB_SHA", "").strip()
    if sha:
        return sha
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "main"
    return out.stdout.strip()


def doc_title(root: Path, docname: str) -> str:
    """The first level-one heading of a document's source."""
    ipynb, md = root / f"{docname}.ipynb", root / f"{docname}.md"
    if ipynb.exists():
        nb = nbformat.read(ipynb, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    elif md.exists():
        text = md.read_text(encoding="utf-8")
    else:
        raise ReaderError(f"no document {docname!r} for a {{doc}} reference")
    match = re.search(r"^# +(.+?)\s*$", text, flags=re.MULTILINE)
    if not match:
        raise ReaderError(f"{docname} has no title for a {{doc}} reference")
    return match.group(1)


# --- glued values --------------------------------------------------------------


def format_plain_text(text: str, fmt_spec: str) -> str:
    """Format a glued ``text/plain`` value as myst-nb's ``{glue:text}`` does.

    A copy of ``myst_nb.core.variables.format_plain_text`` (myst-nb 1.x), so
    that the numbers written into the reader notebooks are the site's.

    >>> format_plain_text("0.42072558405480937", ".4f")
    '0.4207'
    >>> format_plain_text("'100,000'", "s")
    '100,000'
    """
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    type_char = fmt_spec[-1]
    if type_char == "s":
        value = str(value)
    elif type_char in ("b", "c", "d", "o", "x", "X"):
        value = int(value)
    elif type_char in ("e", "E", "f", "F", "g", "G", "n", "%"):
        value = float(value)
    return format(value, fmt_spec)


def glue_outputs(nb) -> dict[str, dict]:
    """The glued values of an executed notebook: name -> mime bundle.

    ``glue`` stores a value as a display output whose metadata name it
    (``scrapbook.name``) and whose mime types carry a prefix; a later glue of
    the same name replaces an earlier one, as in myst-nb.
    """
    found: dict[str, dict] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta or "name" not in meta:
                continue
            prefix = meta.get("mime_prefix", "")
            found[meta["name"]] = {
                k.removeprefix(prefix): v for k, v in out.get("data", {}).items()
            }
    return found


def code_sources(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def executed_glue(root: Path, site_dir: Path, docname: str) -> dict[str, dict]:
    """The glued values the build computed for a chapter.

    From the values myst-nb stored beside the executed notebook it wrote
    (``_build/jupyter_execute/<docname>.glue.json``), if that notebook's code
    is the source's; else from the jupyter-cache, which matches a notebook on
    its code and keeps the glue outputs in it. A chapter whose code changed
    since the last build has no values: build the book first.
    """
    source = nbformat.read(root / f"{docname}.ipynb", as_version=4)
    build = site_dir.parent
    executed = build / "jupyter_execute" / f"{docname}.ipynb"
    store = executed.with_suffix(".glue.json")  # myst-nb moves glue here
    if executed.exists() and store.exists():
        nb = nbformat.read(executed, as_version=4)
        if code_sources(nb) == code_sources(source):
            outputs = json.loads(store.read_text(encoding="utf-8"))
            return glue_outputs(
                nbformat.from_dict({"cells": [{"outputs": list(outputs.values())}]})
            )
    cache_dir = build / ".jupyter_cache"
    if cache_dir.exists():
        try:
            from jupyter_cache import get_cache
        except ImportError:  # pragma: no cover - the build installs it
            get_cache = None
        if get_cache is not None:
            cache = get_cache(str(cache_dir))
            try:
                record = cache.match_cache_notebook(source)
            except KeyError:
                record = None
            if record is not None:
                return glue_outputs(cache.get_cache_bundle(record.pk).nb)
    raise ReaderError(
        f"{docname}: no executed copy matches its code (looked in {executed} and "
        f"{cache_dir}); build the book first (make book)"
    )


# --- the built site: numbers and link texts ----------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _norm(text: str) -> str:
    """Lower-case letters and digits only, to compare titles."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


@dataclass
class Page:
    """What a built page shows: its links, numbered targets and citations."""

    url: str
    #: fragment -> (absolute URL, link text), from the page's internal links
    links: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: element id -> caption number ("Fig. 2", "Theorem 1", "(3)")
    numbers: dict[str, str] = field(default_factory=dict)
    #: section id -> heading text
    headings: dict[str, str] = field(default_factory=dict)
    #: (normalised entry text, absolute URL) of each citation link
    citations: list[tuple[str, str]] = field(default_factory=list)


def read_page(path: Path, url: str) -> Page:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one("article") or soup
    page = Page(url=url)
    for a in body.find_all("a", class_="reference"):
        href = a.get("href", "")
        if "internal" not in a.get("class", []) or "#" not in href:
            continue
        target = urljoin(url, href)
        if a.get("title"):  # a citation's title is its bibliography entry
            page.citations.append((_norm(a["title"]), target))
        page.links.setdefault(href.split("#", 1)[1], (target, _squash(a.get_text())))
    for div in body.select("div.math[id]"):
        eqno = div.select_one("span.eqno")
        if eqno is not None and eqno.contents:
            page.numbers[div["id"]] = _squash(str(eqno.contents[0]))
    for el in body.select("[id]"):
        number = el.select_one("span.caption-number")
        if number is not None and el.name in ("figure", "div", "table"):
            page.numbers.setdefault(el["id"], _squash(number.get_text()))
        if el.name == "section":
            heading = el.find(re.compile(r"^h[1-6]$"))
            if heading is not None:
                text = heading.get_text().replace("#", "")
                page.headings[el["id"]] = _squash(text)
        for span in el.find_all("span", id=True, recursive=False):
            page.headings.setdefault(span["id"], page.headings.get(el["id"], ""))
    return page


class Site:
    """The built site, read lazily page by page."""

    def __init__(self, site_dir: Path, site_url: str, docnames: list[str]):
        self.dir = site_dir
        self.url = site_url.rstrip("/") + "/"
        self.docnames = docnames
        self._pages: dict[str, Page] = {}

    def page_url(self, docname: str) -> str:
        return f"{self.url}{docname}.html"

    def page(self, docname: str) -> Page:
        if docname not in self._pages:
            path = self.dir / f"{docname}.html"
            if not path.exists():
                raise ReaderError(f"no built page {path}: build the book first")
            self._pages[docname] = read_page(path, self.page_url(docname))
        return self._pages[docname]

    def find_number(self, target: str) -> tuple[str, str] | None:
        """(URL, number) of an element id anywhere on the site."""
        for docname in self.docnames:
            if not (self.dir / f"{docname}.html").exists():
                continue
            page = self.page(docname)
            if target in page.numbers:
                return f"{page.url}#{target}", page.numbers[target]
        return None

    def find_heading(self, target: str) -> tuple[str, str] | None:
        for docname in self.docnames:
            if not (self.dir / f"{docname}.html").exists():
                continue
            page = self.page(docname)
            if target in page.headings:
                return f"{page.url}#{target}", page.headings[target]
        return None


# --- the bibliography ----------------------------------------------------------


def _latex_text(text: str) -> str:
    """BibTeX's LaTeX as plain text: ``J{\\"u}rgen`` -> ``Jürgen``."""
    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    return codecs.decode(text, "ulatex").replace("{", "").replace("}", "")


class Bibliography:
    """Author-year labels of the book's BibTeX entries."""

    def __init__(self, files: list[Path]):
        from pybtex.database import parse_file

        self.entries = {}
        for f in files:
            self.entries.update(parse_file(str(f), bib_format="bibtex").entries)

    def authors(self, key: str) -> str:
        entry = self.entry(key)
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_latex_text(" ".join(p.prelast_names + p.last_names)) for p in people]
        if not names:
            return _latex_text(entry.fields.get("organization", key))
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} and {names[1]}"
        return f"{names[0]} et al."

    def year(self, key: str) -> str:
        return self.entry(key).fields.get("year", "n.d.")

    def title(self, key: str) -> str:
        return _latex_text(self.entry(key).fields.get("title", ""))

    def entry(self, key: str):
        try:
            return self.entries[key]
        except KeyError:
            raise ReaderError(f"no bibliography entry {key!r}") from None


# --- Markdown conversion -------------------------------------------------------

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\s*\{(?P<name>[\w:.+-]+)\}\s*(?P<arg>.*?)\s*$")
OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
MATH_OPEN = re.compile(r"^(?P<indent>[ \t]*)\$\$(?P<rest>.*)$")
MATH_CLOSE = re.compile(r"^(?P<body>.*?)\$\$\s*(?:\((?P<label>[\w:.-]+)\))?\s*$")
TARGET = re.compile(r"^\s*\([\w:.-]+\)=\s*$")
INLINE = re.compile(
    r"(?P<code>(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))"
    r"|\{(?P<role>[\w:.+-]+)\}`(?P<content>[^`]*)`",
    flags=re.DOTALL,
)

PRF_KINDS = {
    "algorithm",
    "assumption",
    "axiom",
    "conjecture",
    "corollary",
    "criterion",
    "definition",
    "example",
    "lemma",
    "notation",
    "observation",
    "property",
    "proposition",
    "remark",
    "theorem",
}
ADMONITIONS = {
    "attention",
    "caution",
    "danger",
    "error",
    "hint",
    "important",
    "note",
    "seealso",
    "tip",
    "warning",
}

#: Code spans, display maths and inline maths, to join the lines of a formula.
INLINE_MATH = re.compile(
    r"(?P<code>(?<!`)(`+)(?!`).+?(?<!`)\2(?!`))|(?P<display>\$\$.*?\$\$)|(?<!\\)\$(?=\S)(?:[^$\\]|\\.)+?\$",
    flags=re.DOTALL,
)

#: What a reader notebook must not contain (outside code): MyST syntax.
LEFTOVERS = {
    "role": re.compile(r"\{[\w:.+-]+\}`"),
    "directive": re.compile(r"^[ \t>]*(`{3,}|~{3,}|:{3,})[ \t]*\{", re.MULTILINE),
    "directive option": re.compile(
        r"^[ \t>]*:(label|class|name|nonumber|hidden|width|align|dropdown):",
        re.MULTILINE,
    ),
    "equation label": re.compile(r"\$\$[ \t]*\([\w:.-]+\)"),
    "target": re.compile(r"^[ \t]*\([\w:.-]+\)=[ \t]*$", re.MULTILINE),
}


def strip_code(markdown: str) -> str:
    """Markdown without its fenced code blocks and inline code spans."""
    out, fence = [], None
    for line in markdown.split("\n"):
        bare = re.sub(r"^[ \t>]*", "", line)
        if fence is None:
            m = re.match(r"(`{3,}|~{3,})(?![^`]*\{)", bare)
            if m:
                fence = m.group(1)
                continue
            if not re.match(r"(`{3,}|~{3,}|:{3,})", bare):
                line = re.sub(r"(?<![}`])(`+)(?!`).+?(?<!`)\1(?!`)", "", line)
            out.append(line)
        elif re.match(re.escape(fence[0]) + f"{{{len(fence)},}}\\s*$", bare):
            fence = None
    return "\n".join(out)


def leftover_myst(markdown: str) -> list[str]:
    """The MyST constructs left in Markdown, outside code: empty when clean.

    >>> leftover_myst("A {glue:text}`kl:.4f` bit")
    ['role: {glue:text}`']
    >>> leftover_myst("`{glue:text}` in code is fine")
    []
    """
    text = strip_code(markdown)
    return [
        f"{kind}: {m.group(0).strip()}"
        for kind, pattern in LEFTOVERS.items()
        for m in pattern.finditer(text)
    ]


def link(text: str, url: str) -> str:
    text = text.replace("[", r"\[").replace("]", r"\]")
    return f"[{text}]({url})"


def quote(markdown: str) -> str:
    """Markdown as a block quote; display maths is first put on one line.

    Jupyter takes the maths out of a cell before it renders the Markdown, so
    a ``$$`` block spread over quoted lines would carry the ``>`` marks into
    the formula; on one line it renders as display maths inside the quote.
    """

    def one_line(m: re.Match) -> str:
        body = m.group("body")
        if re.search(r"(?<!\\)%", body):
            return m.group(0)  # a TeX comment would swallow the rest
        joined = " ".join(line.strip() for line in body.split("\n") if line.strip())
        return f"{m.group('indent')}$$ {joined} $$"

    markdown = re.sub(
        r"^(?P<indent>[ \t]*)\$\$\n(?P<body>.*?)\n[ \t]*\$\$[ \t]*$",
        one_line,
        markdown,
        flags=re.MULTILINE | re.DOTALL,
    )
    markdown = INLINE_MATH.sub(
        lambda m: (
            m.group(0)
            if m.group("code") or m.group("display")
            else re.sub(r"\s*\n\s*", " ", m.group(0))
        ),
        markdown,
    )
    return "\n".join(f"> {line}".rstrip() for line in markdown.strip("\n").split("\n"))


@dataclass
class Solution:
    """An open solution-start ... solution-end region."""

    summary: str


class Chapter:
    """Converts one chapter's Markdown, cell after cell."""

    def __init__(self, book: Book, docname: str):
        self.book = book
        self.docname = docname
        self.page = book.site.page(docname)
        self.glue = executed_glue(book.root, book.site.dir, docname)
        self.exercises: dict[str, tuple[str, str]] = {}  # label -> (number, title)
        self.solution: Solution | None = None
        self.cell_id = ""

    def fail(self, message: str) -> ReaderError:
        where = f" (cell {self.cell_id})" if self.cell_id else ""
        return ReaderError(f"{self.docname}{where}: {message}")

    # -- cells --

    def markdown_cell(self, source: str) -> str:
        """A Markdown cell converted; folds the parts that are solution."""
        pieces: list[str] = []
        if self.solution is not None:
            pieces.append(self.open_details(f"{self.solution.summary}, continued"))
        pieces.append(self.blocks(source.split("\n"), top=True))
        if self.solution is not None:
            pieces.append("\n</details>")
        text = "\n".join(pieces)
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
        # a folded part with nothing in it (the cell ended at solution-start)
        empty = re.compile(
            r"<details>\n<summary>(?P<summary>.*?)</summary>\s*</details>", re.DOTALL
        )
        return empty.sub(
            lambda m: m.group(0).replace(
                "</summary>",
                "</summary>\n\nThe solution goes on in the code below "
                "(folded in JupyterLab: click the dots to show it).",
            ),
            text,
        )

    @staticmethod
    def open_details(summary: str) -> str:
        return f"<details>\n<summary>{summary}</summary>\n"

    # -- blocks --

    def blocks(self, lines: list[str], top: bool = False) -> str:
        """Convert MyST block syntax (fences, maths, targets) and inline roles."""
        out: list[str] = []
        para: list[str] = []

        def flush():
            if para:
                out.append(self.inline("\n".join(para)))
                para.clear()

        i = 0
        while i < len(lines):
            line = lines[i]
            fence = FENCE.match(line)
            if fence:
                flush()
                end = self.closing_fence(lines, i, fence)
                info = fence.group("info")
                directive = DIRECTIVE.match(info)
                if directive:
                    indent = fence.group("indent")
                    converted = self.directive(
                        directive.group("name"),
                        directive.group("arg"),
                        lines[i + 1 : end],
                        indent,
                        top,
                    )
                    out.extend(f"{indent}{x}".rstrip() for x in converted.split("\n"))
                else:
                    out.extend(lines[i : end + 1])
                i = end + 1
                continue
            math = MATH_OPEN.match(line)
            if math and not inline_display(math.group("rest")):
                flush()
                i = self.display_math(lines, i, math, out)
                continue
            if TARGET.match(line):
                i += 1
                continue
            if not line.strip():
                flush()
                out.append(line)
            else:
                para.append(line)
            i += 1
        flush()
        return "\n".join(out)

    def closing_fence(self, lines: list[str], start: int, opening: re.Match) -> int:
        char, size = opening.group("fence")[0], len(opening.group("fence"))
        closing = re.compile(r"^[ \t]*" + re.escape(char) + f"{{{size},}}[ \t]*$")
        for j in range(start + 1, len(lines)):
            if closing.match(lines[j]):
                return j
        raise self.fail(f"unclosed fence {opening.group(0).strip()!r}")

    def display_math(self, lines, i, opening: re.Match, out: list[str]) -> int:
        indent, rest = opening.group("indent"), opening.group("rest")
        body: list[str] = []
        close = MATH_CLOSE.match(rest)
        j = i
        if close is None:
            if rest.strip():
                body.append(rest)
            for j in range(i + 1, len(lines)):
                close = MATH_CLOSE.match(lines[j])
                if close:
                    break
                body.append(lines[j])
            else:
                raise self.fail("unclosed $$ block")
        if close.group("body").strip():
            body.append(close.group("body"))
        label = close.group("label")
        if label:
            number = self.equation(label)[1].strip("()")
            body.append(f"{indent}\\tag{{{number}}}")
        out.append(f"{indent}$$")
        out.extend(body)
        out.append(f"{indent}$$")
        return j + 1

    # -- directives --

    def directive(self, name: str, arg: str, body: list[str], indent: str, top: bool):
        options, content = parse_options(body)
        classes = options.get("class", "").split()
        label = options.get("label", "")
        inner = self.blocks(dedent(content, indent)) if content else ""
        if name.startswith("prf:"):
            kind = name[4:]
            if kind == "proof":
                return quote(f"**Proof.** {inner.lstrip()}" if inner else "**Proof.**")
            if kind not in PRF_KINDS:
                raise self.fail(f"no conversion for the directive {{{name}}}")
            heading = self.numbered(kind.capitalize(), label, arg, options)
            return quote(f"**{heading}**\n\n{inner}")
        if name == "exercise":
            heading = self.numbered("Exercise", label, arg, options)
            if label:
                self.exercises[label] = (heading.split(" (")[0], arg)
            return quote(f"**{heading}**\n\n{inner}")
        if name == "solution":
            summary = self.solution_summary(arg)
            return f"{self.open_details(summary)}\n{inner}\n\n</details>"
        if name == "solution-start":
            if not top:
                raise self.fail("solution-start inside another block")
            self.solution = Solution(self.solution_summary(arg))
            return self.open_details(self.solution.summary)
        if name == "solution-end":
            if self.solution is None:
                raise self.fail("solution-end without solution-start")
            self.solution = None
            return "\n</details>\n"
        if name == "admonition" or name in ADMONITIONS:
            title = self.inline(arg) if name == "admonition" else name.capitalize()
            if "dropdown" in classes:
                return f"{self.open_details(f'<b>{title}</b>')}\n{inner}\n\n</details>"
            return quote(f"**{title}**\n\n{inner}")
        if name == "math":
            number = ""
            if label:
                number = f"\n\\tag{{{self.equation(label)[1].strip('()')}}}"
            return f"$$\n{chr(10).join(content)}{number}\n$$"
        raise self.fail(
            f"no conversion for the directive {{{name}}}: add one in "
            "scripts/reader_notebooks.py"
        )

    def numbered(self, kind: str, label: str, arg: str, options: dict) -> str:
        """ "Theorem 2 (title)": the number the site gives the box."""
        number = kind
        if label and "nonumber" not in options:
            number = self.page.numbers.get(label) or ""
            if not number:
                raise self.fail(f"the site has no numbered box {label!r}")
        title = self.inline(arg) if arg else ""
        return f"{number} ({title})" if title else number

    def solution_summary(self, label: str) -> str:
        label = label.strip()
        if label not in self.exercises:
            raise self.fail(f"solution to an unknown exercise {label!r}")
        number, title = self.exercises[label]
        text = f"Solution to {number}"
        if title:
            text += f" ({self.inline(title)})"
        return f"<b>{text}</b>"

    # -- inline roles --

    def inline(self, text: str) -> str:
        def replace(m: re.Match) -> str:
            if m.group("code"):
                return m.group("code")
            return self.role(m.group("role"), m.group("content"))

        return INLINE.sub(replace, text)

    def role(self, name: str, content: str) -> str:
        if name in ("glue", "glue:", "glue:any", "glue:text", "glue:md"):
            return self.glued(name, content)
        if name == "eq":
            text, label = explicit(content)
            url, number = self.equation(label)
            return link(text or number, url)
        if name in ("numref", "ref", "prf:ref"):
            text, label = explicit(content)
            url, shown = self.reference(name, label)
            if name == "numref" and text:
                digits = re.search(r"[\d.]+\d|\d", shown)
                text = text.replace("%s", digits.group(0) if digits else shown)
                text = text.replace("{number}", digits.group(0) if digits else shown)
            return link(text or shown, url)
        if name == "doc":
            text, target = explicit(content)
            docname = self.resolve_doc(target)
            return link(
                text or doc_title(self.book.root, docname), self.page_url(docname)
            )
        if name in ("cite", "cite:p", "cite:ps", "cite:t", "cite:ts"):
            return self.cite(name, content)
        if name == "math":
            return f"${content}$"
        raise self.fail(
            f"no conversion for the role {{{name}}}: add one in "
            "scripts/reader_notebooks.py"
        )

    def glued(self, name: str, content: str) -> str:
        key, fmt = content, ""
        if name == "glue:text":
            parts = content.rsplit(":", 1)
            key, fmt = (parts[0], parts[1]) if len(parts) == 2 else (content, "s")
        store = self.glue
        if "::" in key:
            other, key = key.split("::", 1)
            docname = self.resolve_doc(other.removesuffix(".ipynb"))
            store = executed_glue(self.book.root, self.book.site.dir, docname)
        if key not in store:
            raise self.fail(f"no glued value {key!r} in the executed notebook")
        data = store[key]
        if name == "glue:md" and "text/markdown" in data:
            return data["text/markdown"]
        if "text/plain" not in data:
            raise self.fail(f"the glued value {key!r} is not text")
        try:
            return format_plain_text(data["text/plain"], fmt)
        except (TypeError, ValueError) as exc:
            raise self.fail(f"cannot format {key!r} with {fmt!r}: {exc}") from None

    def equation(self, label: str) -> tuple[str, str]:
        target = f"equation-{label}"
        if target in self.page.numbers:
            return f"{self.page.url}#{target}", self.page.numbers[target]
        if target in self.page.links:
            return self.page.links[target]
        found = self.book.site.find_number(target)
        if found is None:
            raise self.fail(f"the site has no equation {label!r}")
        return found

    def reference(self, role: str, label: str) -> tuple[str, str]:
        if label in self.page.links:
            return self.page.links[label]
        site = self.book.site
        found = site.find_heading(label) if role == "ref" else site.find_number(label)
        if found is None and role == "ref":
            found = site.find_number(label)
        if found is None:
            raise self.fail(f"the site has no target {label!r} for {{{role}}}")
        return found

    def resolve_doc(self, target: str) -> str:
        target = target.strip()
        if target.startswith("/"):
            docname = target.lstrip("/")
        else:
            base = self.docname.rsplit("/", 1)[0] + "/" if "/" in self.docname else ""
            docname = os.path.normpath(base + target).replace(os.sep, "/")
        return re.sub(r"\.(ipynb|md)$", "", docname)

    def page_url(self, docname: str) -> str:
        return self.book.site.page_url(docname)

    def cite(self, name: str, content: str) -> str:
        bib = self.book.bibliography
        keys = [k.strip() for k in content.split(",") if k.strip()]
        parts = []
        for key in keys:
            url = self.citation_url(key)
            authors, year = bib.authors(key), bib.year(key)
            if name in ("cite:t", "cite:ts"):
                parts.append(link(f"{authors} ({year})", url))
            else:
                parts.append(link(f"{authors}, {year}", url))
        if name in ("cite:t", "cite:ts"):
            return (
                ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
            )
        return "(" + "; ".join(parts) + ")"

    def citation_url(self, key: str) -> str:
        title = _norm(self.book.bibliography.title(key))
        for entry, url in self.page.citations:
            if title and title in entry:
                return url
        return self.page_url(self.book.bibliography_doc)


def inline_display(rest: str) -> bool:
    """After an opening ``$$``: text goes on past a closing ``$$`` (inline)."""
    return "$$" in rest and MATH_CLOSE.match(rest) is None


def explicit(content: str) -> tuple[str, str]:
    """``text <target>`` -> (text, target); a bare target -> ("", target)."""
    m = re.fullmatch(r"\s*(?P<text>.*?)\s*<(?P<target>[^<>]+)>\s*", content, re.DOTALL)
    if m and m.group("text"):
        return _squash(m.group("text")), m.group("target").strip()
    return "", content.strip()


def parse_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """A directive's ``:key: value`` options (or YAML block) and its content."""
    options: dict[str, str] = {}
    k = 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is not None:
            options = {
                str(a): str(b)
                for a, b in (yaml.safe_load("\n".join(body[1:end])) or {}).items()
            }
            k = end + 1
    while k < len(body):
        m = OPTION.match(body[k])
        if not m:
            break
        options[m.group("key")] = m.group("value")
        k += 1
    content = body[k:]
    while content and not content[0].strip():
        content = content[1:]
    while content and not content[-1].strip():
        content = content[:-1]
    return options, content


def dedent(lines: list[str], indent: str) -> list[str]:
    if not indent:
        return lines
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


# --- notebooks -------------------------------------------------------------------

INSTALL_URL = re.compile(
    r"(?P<url>git\+https://github\.com/[\w.-]+/[\w-]+(?:\.[\w-]+)*?)"
    r"(?:\.git)?(?:@[\w./-]+)?(?=[\"'\s#]|$)"
)


def pin_install(source: str, commit: str) -> str:
    """The install cell with kltools' git URL pinned to ``commit``.

    >>> pin_install('%pip install "kltools @ git+https://github.com/o/r"', "abc")
    '%pip install "kltools @ git+https://github.com/o/r@abc"'
    """
    pinned, count = INSTALL_URL.subn(lambda m: f"{m.group('url')}@{commit}", source)
    if not count:
        raise ReaderError("the install cell installs kltools from no git URL")
    return pinned


def is_install_cell(cell) -> bool:
    return (
        cell.cell_type == "code"
        and "remove-cell" in cell.metadata.get("tags", [])
        and "install" in cell.source
        and "kltools" in cell.source
    )


def fold_code(cell) -> None:
    """Collapse a code cell's source in JupyterLab (its text is unchanged)."""
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


class Book:
    """The book being converted: sources, built site, bibliography."""

    def __init__(
        self,
        root: Path = ROOT,
        site_dir: Path | None = None,
        site_url: str | None = None,
        commit: str | None = None,
        toc: Path | None = None,
    ):
        self.root = root
        self.toc = toc or root / "_toc.yml"
        self.config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
        self.docnames = toc_docnames(self.toc)
        self.chapters = chapters(root, self.toc)
        repo = self.config.get("repository", {}).get("url", "")
        self.repository = repo.rstrip("/")
        url = site_url or os.environ.get("KL_SITE_URL") or pages_url(repo)
        self.site = Site(site_dir or root / "_build" / "html", url, self.docnames)
        self.commit = commit or current_commit(root)
        self.title = self.config.get("title", "")

    @cached_property
    def bibliography(self) -> Bibliography:
        files = self.config.get("bibtex_bibfiles", [])
        return Bibliography([self.root / f for f in files])

    @cached_property
    def bibliography_doc(self) -> str:
        for docname in self.docnames:
            md = self.root / f"{docname}.md"
            if md.exists() and "{bibliography}" in md.read_text(encoding="utf-8"):
                return docname
        return self.docnames[0]

    def reader(self, docname: str):
        """The reader notebook of one chapter (an nbformat notebook)."""
        source = nbformat.read(self.root / f"{docname}.ipynb", as_version=4)
        chapter = Chapter(self, docname)
        nb = nbformat.v4.new_notebook()
        nb.nbformat_minor = NB_MINOR
        nb.metadata = copy.deepcopy(source.metadata)
        nb.metadata.setdefault(
            "kernelspec",
            {"display_name": "Python 3", "language": "python", "name": "python3"},
        )
        nb.metadata["kl_reader"] = {
            "source": f"{docname}.ipynb",
            "commit": self.commit,
            "site": self.site.page_url(docname),
        }
        titled = False
        for index, cell in enumerate(source.cells):
            cell = copy.deepcopy(cell)
            cell_id = cell.get("id") or f"cell-{index}"
            chapter.cell_id = cell_id
            if cell.cell_type == "markdown":
                text = chapter.markdown_cell(cell.source)
                if not titled and re.search(r"^# ", text, flags=re.MULTILINE):
                    text = self.with_note(text, docname)
                    titled = True
                problems = leftover_myst(text)
                if problems:
                    raise chapter.fail(f"MyST left after conversion: {problems[:3]}")
                new = nbformat.v4.new_markdown_cell(text, id=cell_id)
                new.metadata = {k: v for k, v in cell.metadata.items() if k != "tags"}
                nb.cells.append(new)
                continue
            if cell.cell_type != "code":
                nb.cells.append(cell)
                continue
            new = nbformat.v4.new_code_cell(cell.source, id=cell_id)
            new.metadata = copy.deepcopy(cell.metadata)
            if is_install_cell(cell):
                new.source = pin_install(cell.source, self.commit)
            if "remove-cell" in cell.metadata.get("tags", []) or chapter.solution:
                fold_code(new)
            nb.cells.append(new)
            caption = self.caption(chapter, cell)
            if caption:
                nb.cells.append(
                    nbformat.v4.new_markdown_cell(caption, id=f"{cell_id}-caption")
                )
        if chapter.solution is not None:
            raise chapter.fail("solution-start without solution-end")
        nbformat.validate(nb)
        return nb

    def caption(self, chapter: Chapter, cell) -> str:
        """A figure cell's caption, as the site shows it under the figure."""
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if not figure.get("caption"):
            return ""
        name = figure.get("name", "")
        number = chapter.page.numbers.get(name, "Figure") if name else "Figure"
        return f"**{number}.** {chapter.inline(figure['caption'])}"

    def with_note(self, text: str, docname: str) -> str:
        """The title cell, with a line on where this notebook comes from."""
        short = (
            self.commit[:7]
            if re.fullmatch(r"[0-9a-f]{40}", self.commit)
            else self.commit
        )
        here = link("this chapter of the course", self.site.page_url(docname))
        note = (
            f"*This is {here} as a notebook to run, built from commit `{short}`:"
            " the numbers in the text are the site's, and running the cells"
            " computes them again. References and citations link to the site;"
            " solutions are folded (click to open them).*"
        )
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("# "):
                lines[i + 1 : i + 1] = ["", note]
                break
        return "\n".join(lines)

    def binder_files(self) -> dict[str, str]:
        """binder/ of the repository, kltools pinned to the commit."""
        files = {}
        for path in sorted((self.root / "binder").glob("*")):
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            if path.name == "requirements.txt":
                text = pin_install(text, self.commit)
            files[f"binder/{path.name}"] = text
        return files

    def branch_readme(self) -> str:
        return (
            f"# {self.title}: notebooks to run\n\n"
            "Generated by the course's build (`scripts/reader_notebooks.py`) from\n"
            f"commit {self.commit} of {self.repository}; do not edit here.\n\n"
            "Each chapter of the course site, as a notebook that plain Jupyter,\n"
            "JupyterLab, Colab and Binder render: numbers written in, references\n"
            "linked to the site, solutions folded. `binder/` installs kltools at\n"
            "the same commit. The site: " + self.site.url + "\n"
        )

    def write(self, out: Path) -> list[Path]:
        written = []
        for docname in self.chapters:
            nb = self.reader(docname)
            path = out / f"{docname}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            written.append(path)
        for name, text in self.binder_files().items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (out / "README.md").write_text(self.branch_readme(), encoding="utf-8")
        return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder")
    parser.add_argument("--toc", type=Path, help="table of contents (_toc.yml)")
    parser.add_argument("--site-dir", type=Path, help="built site (_build/html)")
    parser.add_argument("--out", type=Path, help="output folder (SITE_DIR/_reader)")
    parser.add_argument("--site-url", help="the published site's address")
    parser.add_argument("--commit", help="commit to pin kltools to (git HEAD)")
    args = parser.parse_args(argv)
    site_dir = args.site_dir or args.root / "_build" / "html"
    book = Book(args.root, site_dir, args.site_url, args.commit, args.toc)
    out = args.out or site_dir / "_reader"
    try:
        written = book.write(out)
    except ReaderError as exc:
        print(f"reader_notebooks: {exc}", file=sys.stderr)
        return 1
    pin = book.commit[:12]
    print(f"reader_notebooks: {len(written)} notebooks in {out} (kltools @ {pin})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
