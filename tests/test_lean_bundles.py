"""The bundles and lazy images of book/_ext/kl_lean.py, on a small made-up site.

No build and no browser: each test writes a few pages, stylesheets and
scripts into a temporary output folder, runs the build-finished step that
bundles them, and reads what it wrote. The built book is checked by
``test_book_bundles_every_page`` at the end (marked ``book``).
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import struct
import types
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location(
        "kl_lean", ROOT / "book" / "_ext" / "kl_lean.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kl_lean = _load()

HEAD = """<!DOCTYPE html>
<html><head>
<script data-cfasync="false">document.documentElement.dataset.mode = "light";</script>
    <link href="{s}styles/theme.css?digest=1" rel="stylesheet" />
<link href="{s}styles/extra.css?digest=1" rel="stylesheet" />
    <link rel="stylesheet" type="text/css" href="{s}plain.css?v=2" />
    <link rel="preload" as="script" href="{s}late.js" />
    <script src="{s}first.js?v=1"></script>
    <script>let hint = 'Click to show';</script>
    <script src="{s}second.js?v=1"></script>
    <script data-prefix="tab-" src="{s}third.js?v=1"></script>
    <script>var tail = 1;</script>
    <script type="application/json">{{"state": 1}}</script>
    <script type="module" src="{s}module.js"></script>
    <script defer src="{s}late.js"></script>
</head>
<body><article class="bd-article">
<img alt="A figure" src="{i}fig.png" />
<img alt="A drawing" src="{i}fig.svg">
<img alt="Sized" src="{i}fig.png" width="10" height="5" />
</article>
<img alt="Logo" src="{s}logo.png" />
</body></html>
"""


def _png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    crc = struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + crc


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "html"
    static = out / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "fonts").mkdir()
    (out / "_images").mkdir()
    (out / "notebooks").mkdir()
    (static / "basic.css").write_text("p { margin: 0 }\n")
    (static / "styles" / "theme.css").write_text(
        '@import "../basic.css";\nh1 { color: red }\n.nowhere { color: red }\n'
        ".bd-article img { max-width: 100% }\n"
        "@font-face { src: url(../fonts/a.woff2?x#y) }\n"
        "a { background: url('data:image/svg+xml;utf8,<svg/>') }\n"
        "/*# sourceMappingURL=theme.css.map*/\n"
    )
    (static / "styles" / "extra.css").write_text(
        'b { background: url("../img/b.png") }\n'
    )
    (static / "plain.css").write_text(
        "i { background: url(fonts/c.woff) } u { x: url(https://e.org/x.png) }\n"
    )
    for name in ("first", "second", "third", "late", "module"):
        (static / f"{name}.js").write_text(
            f"window.order = (window.order || []).concat('{name}');\n"
            "//# sourceMappingURL=x.js.map\n"
        )
    (static / "logo.png").write_bytes(_png(4, 4))
    (out / "_images" / "fig.png").write_bytes(_png(651, 391))
    (out / "_images" / "fig.svg").write_text("<svg/>")
    (out / "index.html").write_text(HEAD.format(s="_static/", i="_images/"))
    (out / "notebooks" / "ch.html").write_text(
        HEAD.format(s="../_static/", i="../_images/")
    )
    return out


def _run(out: Path, **config) -> None:
    options = {
        "kl_bundle_assets": True,
        "kl_lazy_images": True,
        "kl_ready_later": True,
        "kl_prune_css": True,
        **config,
    }
    app = types.SimpleNamespace(config=types.SimpleNamespace(**options))
    pages = [out / "index.html", out / "notebooks" / "ch.html"]
    kl_lean._bundle_pages(app, out, pages)


def _bundle(out: Path, page: Path, suffix: str) -> tuple[str, Path]:
    text = page.read_text()
    found = re.findall(
        r'(?:href|src)="([^"]*kl-bundle/[0-9a-f]{16}' + suffix + ')"', text
    )
    assert len(found) == 1, found
    return text, (page.parent / found[0]).resolve()


def test_stylesheets_become_one_in_order_with_imports_and_urls_rebased(site):
    _run(site)
    page = site / "notebooks" / "ch.html"
    text, css = _bundle(site, page, ".css")
    assert 'rel="stylesheet"' in text and text.count('rel="stylesheet"') == 1
    body = css.read_text()
    # the cascade keeps its order: the import first, then each sheet in turn
    order = [body.index(s) for s in ("p { margin", "h1 {", "b {", "i {")]
    assert order == sorted(order)
    assert "@import" not in body and "sourceMappingURL" not in body
    assert "url(../fonts/a.woff2?x#y)" in body
    assert 'url("../img/b.png")' in body
    assert "url(../fonts/c.woff)" in body
    assert "url(https://e.org/x.png)" in body
    assert "url('data:image/svg+xml;utf8,<svg/>')" in body
    # a rule that no page or script can match is left out; used ones stay
    assert ".nowhere" not in body and ".bd-article img" in body
    # pages at different depths share one bundle
    _, css_root = _bundle(site, site / "index.html", ".css")
    assert css_root == css


def test_classic_scripts_become_one_with_inline_settings_and_attributes(site):
    _run(site)
    page = site / "notebooks" / "ch.html"
    text, js = _bundle(site, page, ".js")
    body = js.read_text()
    pieces = ["'first'", "let hint = 'Click to show';", "'second'", "'third'"]
    order = [body.index(p) for p in pieces]
    assert order == sorted(order)
    assert body.startswith(";\n")  # no directive prologue for the whole file
    assert "sourceMappingURL" not in body
    # the attribute that third.js reads from its own tag moves to the bundle's
    tag = re.search(r"<script[^>]*kl-bundle[^>]*>", text).group(0)
    assert 'data-prefix="tab-"' in tag
    # a trailing inline script, JSON, modules and deferred scripts stay
    assert "<script>var tail = 1;</script>" in text
    assert "'tail'" not in body and "var tail" not in body
    assert '<script type="application/json">' in text
    assert 'type="module" src="../_static/module.js"' in text
    assert '<script defer src="../_static/late.js"></script>' in text
    for gone in ("first.js", "second.js", "third.js", "let hint"):
        assert gone not in text.replace(html.unescape(tag), "").split("kl-sources")[0]


def test_ready_work_waits_for_the_explorables_only_on_their_pages(site):
    page = site / "notebooks" / "ch.html"
    page.write_text(
        page.read_text().replace(
            '<script type="module" src="../_static/module.js"></script>',
            '<script type="module" src="../_static/kl-widgets.js"></script>',
        )
    )
    (site / "_static" / "kl-widgets.js").write_text("window.klWidgets = 1;\n")
    _run(site)
    _, js = _bundle(site, page, ".js")
    body = js.read_text()
    start, end = (
        body.index(kl_lean.READY_LATER_START),
        body.index("window.klReadyLater();"),
    )
    assert start < body.index("'first'") < body.index("'third'") < end
    # a page without explorables keeps the usual order
    _, plain = _bundle(site, site / "index.html", ".js")
    assert "klReadyLater" not in plain.read_text()
    _run(site, kl_ready_later=False)
    _, js = _bundle(site, page, ".js")
    assert "klReadyLater" not in js.read_text()


def test_bundling_again_gives_the_same_page_and_follows_changed_sources(site):
    _run(site)
    page = site / "notebooks" / "ch.html"
    once = page.read_text()
    _run(site)
    assert page.read_text() == once
    # a source edited after the page was written: the bundle is made again
    (site / "_static" / "plain.css").write_text("i { color: blue }\n")
    (site / "_static" / "second.js").write_text("window.edited = true;\n")
    _run(site)
    text, css = _bundle(site, page, ".css")
    _, js = _bundle(site, page, ".js")
    assert "color: blue" in css.read_text()
    assert "window.edited" in js.read_text()
    # the old bundles, which no page names any more, are gone
    assert sorted(p.name for p in (site / "_static" / "kl-bundle").iterdir()) == sorted(
        [css.name, js.name]
    )
    sources = re.search(r'<script[^>]*data-kl-sources="([^"]*)"', text).group(1)
    parts = json.loads(html.unescape(sources))
    assert [kind for kind, _ in parts] == ["src", "inline", "src", "src"]


def test_a_stylesheet_with_a_media_query_is_left_alone(site):
    page = site / "notebooks" / "ch.html"
    text = page.read_text().replace(
        'href="../_static/plain.css?v=2" />',
        'href="../_static/plain.css?v=2" media="print" />',
    )
    page.write_text(text)
    _run(site)
    assert 'media="print"' in page.read_text()
    assert page.read_text().count('rel="stylesheet"') == 3  # all three kept


def test_article_images_load_lazily_with_their_size(site):
    _run(site)
    text = (site / "notebooks" / "ch.html").read_text()
    figure = re.search(r'<img alt="A figure"[^>]*>', text).group(0)
    assert 'loading="lazy"' in figure and 'decoding="async"' in figure
    assert 'width="651" height="391"' in figure and figure.endswith("/>")
    drawing = re.search(r'<img alt="A drawing"[^>]*>', text).group(0)
    assert 'loading="lazy"' in drawing and "width=" not in drawing
    sized = re.search(r'<img alt="Sized"[^>]*>', text).group(0)
    assert 'width="10" height="5"' in sized and sized.count("width=") == 1
    logo = re.search(r'<img alt="Logo"[^>]*>', text).group(0)
    assert "loading" not in logo  # outside the article: the theme's, at the top


def _pruned(tmp_path: Path, css: str, page: str, script: str = "") -> str:
    (tmp_path / "page.html").write_text(page)
    (tmp_path / "tool.js").write_text(script)
    return kl_lean._CssPruner(tmp_path)(css)


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        (".used { a: 1 }", True),
        (".unused { a: 1 }", False),
        (".used, .unused { a: 1 }", True),  # one selector that can match keeps it
        ("p.unused { a: 1 }", False),
        ("p { a: 1 }", True),  # elements, attributes, pseudo-classes: kept
        ("[data-theme=dark] .used:hover { a: 1 }", True),
        ("#main .used { a: 1 }", True),
        ("#nav .used { a: 1 }", False),
        (".used:not(.unused) { a: 1 }", True),  # functional pseudo-classes: kept
        (".unused:is(p) { a: 1 }", True),
        (".kind-object { a: 1 }", True),  # a script builds "kind-" + name
        (".bs-tooltip-end { a: 1 }", True),  # `bs-${name}-end`
        (".unused-kind { a: 1 }", False),
        ("@font-face { font-family: X; src: url(x.woff) }", True),
        ("@keyframes spin { from { a: 1 } }", True),
    ],
)
def test_css_pruning_keeps_every_rule_a_page_can_match(tmp_path, css, kept):
    page = '<main id="main"><p class="used">Some words.</p></main>'
    script = 'el.classList.add("kind-" + kind); x = `bs-${name}-end`;'
    out = _pruned(tmp_path, css, page, script)
    assert (out.strip() == css) is kept, out


def test_css_pruning_looks_inside_media_blocks_and_keeps_licences(tmp_path):
    css = (
        "/*! Licence: keep me */\n/* a note */\n"
        "@media print { .unused { a: 1 } .used { b: 2 } }\n"
        "@media (min-width: 1px) { .unused { a: 1 } }\n"
        "@supports (display: grid) { p { c: 3 } }\n"
    )
    out = _pruned(tmp_path, css, '<p class="used">x</p>')
    assert "/*! Licence: keep me */" in out and "a note" not in out
    assert re.search(r"@media print \{\s*\.used \{ b: 2 \}\s*\}", out)
    assert "min-width" not in out and ".unused" not in out
    assert "@supports (display: grid)" in out and "p { c: 3 }" in out


def test_switched_off_nothing_changes(site):
    before = (site / "notebooks" / "ch.html").read_text()
    _run(site, kl_bundle_assets=False, kl_lazy_images=False)
    assert (site / "notebooks" / "ch.html").read_text() == before
    assert not (site / "_static" / "kl-bundle").exists()
    _run(site, kl_prune_css=False)
    _, css = _bundle(site, site / "notebooks" / "ch.html", ".css")
    assert ".nowhere" in css.read_text()


#: The stylesheet bundle blocks the first paint: 474 kB with every rule the
#: theme ships, 194 kB with only those a page can match (kl_prune_css).
CSS_BUDGET = 250_000


@pytest.mark.book
def test_book_bundles_every_page():
    from test_book import HTML, toc_files

    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site in {HTML}: run `make book` first")
    problems = []
    prune = kl_lean._CssPruner(HTML)
    for name in toc_files():
        page = HTML / f"{name}.html"
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        sheets = re.findall(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"', head)
        sheets += re.findall(r'<link\b[^>]*href="([^"]+)"[^>]*rel="stylesheet"', head)
        if len(sheets) != 1 or "kl-bundle/" not in sheets[0]:
            problems.append(f"{name}: stylesheets {sheets}")
            continue
        css = (page.parent / sheets[0]).resolve()
        # made from the sources as they are now (the theme rewrites
        # pygments.css as the build finishes: the bundle must come after),
        # less the rules no page can match
        link = re.search(r"<link\b[^>]*kl-bundle/[^>]*>", head).group(0)
        hrefs = html.unescape(re.search(r'data-kl-sources="([^"]*)"', link).group(1))
        made = prune(kl_lean._css_body(HTML, page, hrefs.split()))
        if made != css.read_text():
            problems.append(f"{name}: {css.name} is not made from its sources now")
        if css.stat().st_size > CSS_BUDGET:
            problems.append(
                f"{name}: {css.name} weighs {css.stat().st_size / 1e3:.0f} kB,"
                f" over {CSS_BUDGET / 1e3:.0f} kB: a rule no page uses came back?"
            )
        for url in re.findall(
            r"url\(\s*[\"']?([^\"')]+\.(?:woff2?|ttf))", css.read_text()
        ):
            if not (css.parent / url.split("?")[0]).resolve().is_file():
                problems.append(f"{name}: {css.name} names a missing font {url}")
        external = re.findall(r'<script src="([^"]+)"', head)
        if not any("kl-bundle/" in s for s in external):
            problems.append(f"{name}: no script bundle")
    assert not problems, "\n".join(problems[:20])
