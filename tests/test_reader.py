"""Reader notebooks (scripts/reader_notebooks.py) and the output filter.

The first part converts a small made-up book, so every MyST construct the
chapters use is checked against the exact Markdown it must become, without a
build. The part marked ``book`` checks the reader notebooks that `make book`
wrote into _build/html/_reader for every chapter of _toc.yml: no MyST left,
every glued value written in, solutions folded, code cells as in the source,
the install cell pinned, the download and launch buttons pointing at them,
and each one running top to bottom in a fresh kernel. The last part checks
scripts/strip_outputs.py, the git filter that keeps outputs out of commits.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOC = Path(os.environ.get("KL_TOC", ROOT / "_toc.yml"))
HTML = Path(os.environ.get("KL_SITE_DIR", ROOT / "_build" / "html"))
READER = HTML / "_reader"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


rn = load_script("reader_notebooks")
so = load_script("strip_outputs")


# --- a made-up book ----------------------------------------------------------

SITE = "https://example.org/course/"
COMMIT = "0123456789abcdef0123456789abcdef01234567"

CHAPTER_MD = [
    "# A chapter\n\nIt uses {cite:t}`ada2001` and {cite}`ada2001,bob1999`.",
    textwrap.dedent(
        """\
        ```{prf:theorem} Small
        :label: thm-small

        For all $x$,

        $$
        f(x) \\ge 0 .
        $$ (eq-small)
        ```

        By {eq}`eq-small` and {prf:ref}`thm-small`, see {numref}`fig-one`,
        {doc}`02_other` and {doc}`the intro <../intro>`. The value is
        {glue:text}`kl:.3f` bits, and `{glue:text}` in code is kept."""
    ),
    textwrap.dedent(
        """\
        ```{exercise} By hand
        :label: ex-one

        Compute it.
        ```

        ```{solution} ex-one
        :class: dropdown

        It is {glue:text}`kl:.2f`.
        ```

        ```{exercise} Code
        :label: ex-two

        Run it.
        ```

        ````{solution-start} ex-two
        :class: dropdown
        ````

        First the code:"""
    ),
    textwrap.dedent(
        """\
        and then the words, {glue:text}`count:d` of them.

        ````{solution-end}
        ````

        ```{admonition} Careful
        :class: note

        A note.
        ```"""
    ),
]

PAGE = """<html><body><article>
<div class="math notranslate nohighlight" id="equation-eq-small">
<span class="eqno">(7)<a class="headerlink" href="#equation-eq-small">#</a></span>
</div>
<div class="proof theorem admonition" id="thm-small"><p class="admonition-title">
<span class="caption-number">Theorem 3 </span> (Small)</p></div>
<div class="exercise admonition" id="ex-one"><p class="admonition-title">
<span class="caption-number">Exercise 1 </span> (By hand)</p></div>
<div class="exercise admonition" id="ex-two"><p class="admonition-title">
<span class="caption-number">Exercise 2 </span> (Code)</p></div>
<figure id="fig-one"><figcaption>
<span class="caption-number">Fig. 4 </span></figcaption></figure>
<a class="reference internal" href="#equation-eq-small">(7)</a>
<a class="reference internal" href="#thm-small">Theorem 3</a>
<a class="reference internal" href="#fig-one">
<span class="std std-numref">Fig. 4</span></a>
<a class="reference internal" href="../book/bib.html#id9"
   title="Ada Lovelace. Notes on the engine. 2001.">Lovelace, 2001</a>
</article></body></html>"""

BIB = """
@book{ada2001, author = {Lovelace, Ada}, title = {Notes on the Engine}, year = {2001}}
@book{bob1999, author = {Babbage, Charles and Somerville, Mary and Herschel, John},
  title = {Difference}, year = {1999}}
"""


GLUE = {"kl": "0.12345", "count": "3"}
PREFIX = "application/papermill.record/"


def glue_output(key: str, value: str) -> dict:
    return nbformat.v4.new_output(
        "display_data",
        data={f"{PREFIX}text/plain": value},
        metadata={"scrapbook": {"name": key, "mime_prefix": PREFIX}},
    )


def code(source: str, **meta):
    return nbformat.v4.new_code_cell(source, metadata=meta)


@pytest.fixture
def book(tmp_path: Path):
    """A book of one chapter, built: its page, executed copy and glue."""
    (tmp_path / "_config.yml").write_text(
        yaml.safe_dump(
            {
                "title": "T",
                "repository": {"url": "https://github.com/o/r"},
                "bibtex_bibfiles": ["book/refs.bib"],
            }
        )
    )
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n"
        "  - file: notebooks/01_one\n  - file: notebooks/02_other\n"
        "  - file: book/bib\n"
    )
    (tmp_path / "intro.md").write_text("# The intro\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "bib.md").write_text(
        "# Bibliography\n\n```{bibliography}\n```\n"
    )
    (tmp_path / "book" / "refs.bib").write_text(BIB)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code(
            "try:\n    import kltools\nexcept ImportError:\n"
            '    %pip install -q "kltools[notebooks] @ git+https://github.com/o/r"',
            tags=["remove-cell"],
        ),
        nbformat.v4.new_markdown_cell(CHAPTER_MD[0]),
        code("kl = 0.12345\nglue('kl', kl)"),
        nbformat.v4.new_markdown_cell(CHAPTER_MD[1]),
        nbformat.v4.new_markdown_cell(CHAPTER_MD[2]),
        code("print('solution code')"),
        nbformat.v4.new_markdown_cell(CHAPTER_MD[3]),
        code(
            "plt.plot()", mystnb={"figure": {"caption": "A *plot*.", "name": "fig-one"}}
        ),
    ]
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks" / "01_one.ipynb")
    other = nbformat.v4.new_notebook()
    other.cells = [nbformat.v4.new_markdown_cell("# The other one")]
    nbformat.write(other, tmp_path / "notebooks" / "02_other.ipynb")
    site = tmp_path / "_build" / "html"
    (site / "notebooks").mkdir(parents=True)
    (site / "notebooks" / "01_one.html").write_text(PAGE)
    # what myst-nb leaves: the executed notebook, and its glue beside it
    done = tmp_path / "_build" / "jupyter_execute" / "notebooks" / "01_one.ipynb"
    done.parent.mkdir(parents=True)
    nbformat.write(nb, done)
    glue = {key: glue_output(key, value) for key, value in GLUE.items()}
    done.with_suffix(".glue.json").write_text(json.dumps(glue))
    return rn.Book(tmp_path, site, SITE, COMMIT)


def test_made_up_chapter_converts_to_plain_markdown(book):
    assert book.chapters == ["notebooks/01_one", "notebooks/02_other"]
    cells = book.reader("notebooks/01_one").cells
    md = {c.id: c.source for c in cells if c.cell_type == "markdown"}
    page = f"{SITE}notebooks/01_one.html"
    bib = f"{SITE}book/bib.html"
    assert md["c1"].startswith(
        f"# A chapter\n\n*This is [this chapter of the course]({page}) as a notebook"
    )
    assert (
        f"It uses [Lovelace (2001)]({SITE}book/bib.html#id9) and "
        f"([Lovelace, 2001]({SITE}book/bib.html#id9); [Babbage et al., 1999]({bib}))."
    ) in md["c1"]
    assert md["c3"] == "\n".join(
        [
            "> **Theorem 3 (Small)**",
            ">",
            "> For all $x$,",
            ">",
            "> $$ f(x) \\ge 0 . \\tag{7} $$",
            "",
            f"By [(7)]({page}#equation-eq-small) and [Theorem 3]({page}#thm-small),"
            f" see [Fig. 4]({page}#fig-one),",
            f"[The other one]({SITE}notebooks/02_other.html) and"
            f" [the intro]({SITE}intro.html). The value is",
            "0.123 bits, and `{glue:text}` in code is kept.",
        ]
    )
    assert md["c4"] == textwrap.dedent(
        """\
        > **Exercise 1 (By hand)**
        >
        > Compute it.

        <details>
        <summary><b>Solution to Exercise 1 (By hand)</b></summary>

        It is 0.12.

        </details>

        > **Exercise 2 (Code)**
        >
        > Run it.

        <details>
        <summary><b>Solution to Exercise 2 (Code)</b></summary>

        First the code:

        </details>"""
    )
    assert md["c6"] == textwrap.dedent(
        """\
        <details>
        <summary><b>Solution to Exercise 2 (Code)</b>, continued</summary>

        and then the words, 3 of them.

        </details>

        > **Careful**
        >
        > A note."""
    )
    assert md["c7-caption"] == "**Fig. 4.** A *plot*."
    for text in md.values():
        assert rn.leftover_myst(text) == []


def test_made_up_chapter_keeps_code_and_pins_the_install(book):
    nb = book.reader("notebooks/01_one")
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.id for c in code_cells] == ["c0", "c2", "c5", "c7"]
    assert code_cells[0].source.endswith(f'git+https://github.com/o/r@{COMMIT}"')
    assert [c.source for c in code_cells[1:]] == [
        "kl = 0.12345\nglue('kl', kl)",
        "print('solution code')",
        "plt.plot()",
    ]
    hidden = [
        c.metadata.get("jupyter", {}).get("source_hidden", False) for c in code_cells
    ]
    assert hidden == [True, False, True, False], "install and solution code folded"
    assert all(c.outputs == [] and c.execution_count is None for c in code_cells)
    assert nb.metadata["kl_reader"]["commit"] == COMMIT


def test_made_up_chapter_fails_loudly(book, tmp_path):
    path = tmp_path / "notebooks" / "01_one.ipynb"
    nb = nbformat.read(path, as_version=4)
    original = copy.deepcopy(nb)
    nb.cells[1].source += "\n\nA {term}`word`."
    nbformat.write(nb, path)
    with pytest.raises(rn.ReaderError, match=r"role \{term\}"):
        book.reader("notebooks/01_one")
    nb.cells[1].source = "# A chapter\n\n{glue:text}`missing:.2f`"
    nbformat.write(nb, path)
    with pytest.raises(rn.ReaderError, match="no glued value 'missing'"):
        book.reader("notebooks/01_one")
    nb = original
    nb.cells[2].source = "kl = 0.5\nglue('kl', kl)"  # code changed since the build
    nbformat.write(nb, path)
    with pytest.raises(rn.ReaderError, match="no executed copy matches"):
        book.reader("notebooks/01_one")


def test_glue_comes_from_the_jupyter_cache_without_an_executed_copy(book, tmp_path):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    executed = tmp_path / "_build" / "jupyter_execute"
    nb = nbformat.read(executed / "notebooks" / "01_one.ipynb", as_version=4)
    shutil.rmtree(executed)
    nb.cells[2].outputs = [glue_output(k, v) for k, v in GLUE.items()]
    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    cache.cache_notebook_bundle(
        CacheBundleIn(nb, str(tmp_path / "notebooks" / "01_one.ipynb")),
        check_validity=False,
    )
    text = "\n".join(c.source for c in book.reader("notebooks/01_one").cells)
    assert "0.123 bits" in text and "3 of them" in text


def test_format_is_myst_nb_s():
    from myst_nb.core.variables import format_plain_text

    for text, spec in [
        ("0.42072558405480937", ".4f"),
        ("'100,000'", "s"),
        ("12", "d"),
        ("inf", ".3f"),
        ("6.6e-05", ".1e"),
        ("0.25", ".0%"),
        ("'bits'", ""),
    ]:
        assert rn.format_plain_text(text, spec) == format_plain_text(text, spec)


def test_leftovers_are_found_outside_code():
    assert rn.leftover_myst("```{note}\nx\n```")
    assert rn.leftover_myst(":label: eq-x")
    assert rn.leftover_myst("$$ x $$ (eq-x)")
    assert rn.leftover_myst("(sec-x)=")
    assert rn.leftover_myst("see {eq}`eq-x`")
    assert not rn.leftover_myst("```python\n{eq}`x`\n```\n`{cite}` and $x$")
    # an unmatched run of backticks is text, as in CommonMark: the role after
    # it is still a role
    assert rn.leftover_myst("`{glue:text}`x`` and then {eq}`y`") == ["role: {eq}`"]


def test_quote_puts_display_maths_on_one_line():
    assert rn.quote("a\n\n$$\nx \\\\\ny\n$$") == "> a\n>\n> $$ x \\\\ y $$"
    # inline maths across lines too: Jupyter takes it out before the quote marks
    assert rn.quote("a $x\n+ y$ b, `$` c") == "> a $x + y$ b, `$` c"
    # a TeX comment would hide the rest of a joined formula: kept as it is
    assert "%" in rn.quote("$$\nx % c\n$$").split("\n")[1]


# --- the reader notebooks the build wrote ------------------------------------


def toc_chapters() -> list[str]:
    return rn.chapters(ROOT, TOC)


def source(docname: str):
    return nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def reader_dir() -> Path:
    if not READER.is_dir():
        pytest.fail(f"no reader notebooks in {READER}: run `make book` first")
    return READER


def reader(reader_dir: Path, docname: str):
    path = reader_dir / f"{docname}.ipynb"
    assert path.exists(), f"the build wrote no reader notebook for {docname}"
    return nbformat.read(path, as_version=4)


@pytest.mark.book
@pytest.mark.parametrize("docname", toc_chapters())
def test_no_myst_left(reader_dir, docname):
    nb = reader(reader_dir, docname)
    nbformat.validate(nb)
    left = {
        c.id: rn.leftover_myst(c.source) for c in nb.cells if c.cell_type == "markdown"
    }
    left = {k: v for k, v in left.items() if v}
    assert not left, f"{docname}: MyST in cells {left}"


@pytest.mark.book
@pytest.mark.parametrize("docname", toc_chapters())
def test_every_glued_value_is_written_in(reader_dir, docname):
    nb = reader(reader_dir, docname)
    glue = rn.executed_glue(ROOT, HTML, docname)
    by_id = {c.id: c.source for c in nb.cells}
    count = 0
    for cell in source(docname).cells:
        if cell.cell_type != "markdown":
            continue
        for key, spec in re.findall(r"\{glue:text\}`([^`:]+):?([^`]*)`", cell.source):
            value = rn.format_plain_text(glue[key]["text/plain"], spec or "s")
            assert value.strip(), f"{docname}: {key} is empty"
            assert value in by_id[cell.id], f"{docname}: {key} = {value} missing"
            count += 1
    assert count == sum(
        c.source.count("{glue:text}")
        for c in source(docname).cells
        if c.cell_type == "markdown"
    )


@pytest.mark.book
@pytest.mark.parametrize("docname", toc_chapters())
def test_solutions_are_folded(reader_dir, docname):
    src = "\n".join(
        c.source for c in source(docname).cells if c.cell_type == "markdown"
    )
    solutions = len(re.findall(r"[`:]{3,}\{solution(-start)?\}", src))
    assert solutions >= 3
    nb = reader(reader_dir, docname)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    opened = sum(
        len(re.findall(r"<summary><b>Solution to [^<]*</b></summary>", m))
        for m in markdown
    )
    assert opened == solutions, f"{docname}: {opened} folded of {solutions} solutions"
    for m in markdown:
        assert m.count("<details>") == m.count("</details>"), "every <details> closed"
    # the code cells of a solution-start ... solution-end are folded too
    hidden = {
        c.id: c.metadata.get("jupyter", {}).get("source_hidden", False)
        for c in nb.cells
        if c.cell_type == "code"
    }
    inside = False
    for cell in source(docname).cells:
        if cell.cell_type == "markdown":
            for m in re.finditer(r"\{solution-(start|end)\}", cell.source):
                inside = m.group(1) == "start"
        elif inside:
            assert hidden[cell.id], f"{docname}: solution code {cell.id} not folded"


@pytest.mark.book
@pytest.mark.parametrize("docname", toc_chapters())
def test_code_cells_are_the_sources_without_outputs(reader_dir, docname):
    nb = reader(reader_dir, docname)
    commit = nb.metadata["kl_reader"]["commit"]
    ours = [c for c in nb.cells if c.cell_type == "code"]
    theirs = [c for c in source(docname).cells if c.cell_type == "code"]
    assert [c.id for c in ours] == [c.id for c in theirs]
    assert all(c.outputs == [] and c.execution_count is None for c in ours)
    install = ours[0]
    assert re.search(
        rf"kltools\[notebooks\] @ git\+https://github\.com/\S+@{commit}\"",
        install.source,
    )
    assert rn.pin_install(theirs[0].source, commit) == install.source
    assert [c.source for c in ours[1:]] == [c.source for c in theirs[1:]]


@pytest.mark.book
@pytest.mark.parametrize("docname", toc_chapters())
def test_buttons_serve_the_reader_notebook(reader_dir, docname):
    html = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    depth = "../" * docname.count("/")
    assert f'href="{depth}_reader/{docname}.ipynb"' in html, "download button"
    assert (reader_dir / f"{docname}.ipynb").exists()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    branch = config["repository"]["branch"]
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    assert (
        f"mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{docname}.ipynb" in html
    )
    assert (
        f"colab.research.google.com/github/{repo}/blob/{branch}/{docname}.ipynb" in html
    )


@pytest.mark.book
def test_binder_environment_is_only_what_running_needs(reader_dir):
    commit = json.loads((reader_dir / f"{toc_chapters()[0]}.ipynb").read_text())[
        "metadata"
    ]["kl_reader"]["commit"]
    lines = [
        line
        for line in (reader_dir / "binder" / "requirements.txt")
        .read_text()
        .splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == [
        f"kltools[notebooks] @ git+https://github.com/kl-course/kl-course@{commit}",
        "jupyterlab>=4",
    ]
    assert (reader_dir / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


@pytest.mark.book
@pytest.mark.parametrize("docname", toc_chapters())
def test_reader_notebook_runs_in_a_fresh_kernel(reader_dir, docname, tmp_path):
    """Top to bottom, as a student runs it, in a folder of its own."""
    from nbclient import NotebookClient

    nb = reader(reader_dir, docname)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    errors = [
        c.id
        for c in nb.cells
        if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)
    ]
    assert not errors


# --- keeping outputs out of git ------------------------------------------------

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def with_outputs(text: str) -> str:
    """A notebook as JupyterLab saves it after a run."""
    nb = json.loads(text)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = i + 1
            cell["outputs"] = [
                {"name": "stdout", "output_type": "stream", "text": ["ran\n"]}
            ]
            cell["metadata"]["execution"] = {
                "iopub.status.idle": "2026-01-01T00:00:00Z"
            }
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_filter_keeps_clean_notebooks_to_the_byte(nb):
    text = nb.read_text(encoding="utf-8")
    assert so.clean(text) == text


def test_filter_strips_what_a_run_saves():
    text = NOTEBOOKS[0].read_text(encoding="utf-8")
    dirty = with_outputs(text)
    assert dirty != text
    assert so.clean(dirty) == text
    assert so.clean("not json") == "not json"


def test_git_stores_notebooks_without_outputs(tmp_path):
    """The filter as `make setup` installs it: a run leaves git status clean."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("no git")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def run(*args):
        return subprocess.run(
            [git, *args],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    run("init", "-q")
    run("config", "user.email", "t@example.org")
    run("config", "user.name", "t")
    run(
        "config",
        "filter.kl-strip-outputs.clean",
        f"{sys.executable} {ROOT}/scripts/strip_outputs.py",
    )
    run("config", "filter.kl-strip-outputs.smudge", "cat")
    shutil.copy(ROOT / ".gitattributes", tmp_path / ".gitattributes")
    (tmp_path / "notebooks").mkdir()
    target = tmp_path / "notebooks" / NOTEBOOKS[0].name
    clean = NOTEBOOKS[0].read_text(encoding="utf-8")
    target.write_text(clean, encoding="utf-8")
    run("add", ".")
    run("commit", "-q", "-m", "clean")
    target.write_text(with_outputs(clean), encoding="utf-8")
    # git status may still list the file (its size changed) until git add
    # refreshes the index; its diff is empty and git add stages nothing
    assert run("diff") == ""
    run("add", ".")
    assert run("status", "--porcelain") == ""
    assert run("diff", "--cached") == ""
    assert run("show", f"HEAD:notebooks/{target.name}") == clean


def test_lab_and_build_outputs_are_outside_git():
    """`make lab`'s working folder and python -m build's folders are ignored."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git clone")
    for path in ("work/01_kl_divergence.ipynb", "build/lib/x.py", "dist/x.whl"):
        ignored = subprocess.run([git, "check-ignore", "-q", path], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} is not ignored"
    assert subprocess.run(
        [git, "check-ignore", "-q", "notebooks/x.ipynb"], cwd=ROOT
    ).returncode
