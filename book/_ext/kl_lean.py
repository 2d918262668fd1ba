"""Lean pages (issue 18): what the reader's browser no longer has to fetch or run.

Ten changes to the built site, each behind a config value (defaults below;
set one in ``_config.yml``'s ``sphinx.config`` to go back):

``kl_prerender_math``
    The maths is typeset when the book is built, by MathJax in Node
    (``kl_math.mjs``; MathJax 3.2.2 from node_modules, the version the pages
    used to load), into the CommonHTML the browser produced (``mjx-container``
    elements with their assistive MathML), with a stylesheet of just the
    characters each page uses and MathJax's web fonts from
    ``_static/vendor/mathjax/fonts``. Pages load no MathJax at all. A TeX
    error (or an undefined macro) is a build warning, so the strict build
    (``-W``) fails on it. Equation numbers and ``{eq}``
    references are Sphinx's, unchanged. (Set to False, the pages load MathJax
    from ``mathjax_path`` again, which would then have to be vendored.)
``kl_fontawesome_js``
    When False (the default), drops the theme's ``fontawesome.js`` (1.5 MB): its
    icons are drawn a second time by the theme's CSS with Font Awesome's web
    fonts, which the page loads anyway for the icons in the theme's CSS.
``kl_fontawesome_subset``
    When True (the default), the web fonts of Font Awesome are cut down to the
    icons the site uses (the ``fa-*`` classes in its pages and scripts, and the
    icon characters in its CSS), a few kB instead of 275 kB. The full fonts
    stay, for any other icon: each ``@font-face`` of the theme's CSS becomes two
    faces of the same font, the subset for the icons it holds and the full
    font for every other character of the font (``unicode-range``), which the
    browser fetches only if a page shows such an icon. Neither range holds the
    space (U+0020), which the fonts lack: a face whose range holds it would be
    fetched by every page for its line metrics, icon or not. The theme's CSS
    also loses the rules of the 1,800 icon classes that nothing uses (86 kB).
``kl_widget_modules``
    When True (the default), each explorable's ES module (anywidget's
    ``_esm``, which the build embeds in the page's widget state) is written
    once to ``_static/kl-esm/<hash>.js``; the state names that file instead,
    and a small module script before ``kl-widgets.js`` imports the page's
    modules statically. The browser fetches them while it parses the page
    (and caches a kind shared by several pages), and kl-widgets.js can start
    the explorables as soon as the page is parsed, before the theme's
    scripts run, rather than after them through a dynamic ``import()``.
``kl_search_everywhere``
    When False (the default), drops Sphinx's search scripts and the search index
    from every page but the search page. The theme loads them on every page
    only for search-as-you-type, which this book does not turn on (the search
    box opens search.html, which loads them itself).
``kl_lazy_layout``
    When True (the default), adds ``kl_lean/kl-lean.css``: the sections of a
    page (h2 and deeper) get ``content-visibility: auto``, so the browser lays
    out and paints only the sections near the window. Laying out a whole
    chapter's maths and code before the first paint was most of the main
    thread's work before the explorables could start. This lasts only until
    the page has loaded and the browser is idle (``kl-a11y.js`` then sets
    ``data-kl-idle`` on the root element): after that the page is laid out
    as usual, so nothing shifts while the reader scrolls.
``kl_theme_scripts_later``
    When True (the default), the theme's two deferred scripts (Bootstrap and
    ``pydata-sphinx-theme.js``, about 0.25 s of main-thread work at start-up:
    the sidebar's scroll position, the table of contents' highlighting, the
    colour-mode and search buttons) run once the explorables have rendered
    and a frame has been drawn, instead of before: an explorable can be used
    that much sooner. The theme's colour mode is set by its inline script in
    the page's head, as before, so nothing flashes.

``kl_bundle_assets``
    When True (the default), the head's stylesheets (a dozen: the theme's,
    Sphinx's, each extension's, one importing another) become one file, and
    so does the run of small classic scripts that follows them (Sphinx's,
    the theme's, the extensions', with the one-line inline settings among
    them), both in ``_static/kl-bundle/``, named by the hash of their
    content and in the same order. They block the first paint and the
    parser, and a chapter waited for them one request at a time: chapter 05
    made 47 requests before, 19 now. The bundle's tag keeps its sources
    (``data-kl-sources``), so a later build remakes it from them even on a
    page it does not rewrite; bundles no page names are removed.
``kl_ready_later``
    When True (the default), on a page with explorables, what the bundled
    head scripts hand to ``DOMContentLoaded`` (copy buttons, toggles, tabs,
    the theme's observers: 80 ms on a long chapter) runs once the
    explorables have rendered and a frame has been drawn, in the same order.
    It used to run in the same task as the explorables' start, so the
    browser could show neither until both were done. On chapter 15, seven
    interleaved loads each: live 1.11 s before, 0.97 s after.
``kl_prune_css``
    When True (the default), the stylesheet bundle leaves out the rules that
    no page of the site can match: rules whose classes or ids are named in
    none of the site's pages and scripts (see ``_CssPruner``; mostly the
    parts of Bootstrap that the theme ships whole and never uses). The
    bundle went from 474 kB to 194 kB; on chapter 01, seven interleaved
    loads each, explorables were live in 0.85 s before and 0.70 s after,
    and screenshots of chapters 01, 05, 07, 14 and 15, the API page and the
    search page (desktop, 320 px, dark, print) were the same to the pixel.
``kl_lazy_images``
    When True (the default), the figures of a page's article load when they
    come near the window (``loading="lazy"``, ``decoding="async"``) rather
    than all at once with the page's scripts, and a PNG gets its width and
    height, so its box has its size before the file arrives
    (``kl_lean/kl-images.css`` keeps the proportions in a narrow column).

The pages are rewritten once all are written (``build-finished``), so a rebuild
that writes only some pages leaves the others as they were, already lean; a
page that still holds raw TeX is typeset whenever a build finishes.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import tinycss2
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "kl_lean"
FONT_URL = "KL_MATHJAX_FONTS"
FONTS = "_static/vendor/mathjax/fonts"

INLINE = re.compile(
    r'(<span class="math notranslate nohighlight">)\\\((.*?)\\\)(</span>)', re.S
)
DISPLAY = re.compile(
    r'(<div class="math notranslate nohighlight"[^>]*>)(.*?)(</div>)', re.S
)
EQNO = re.compile(r'\s*(<span class="eqno">.*?</span>)', re.S)
FONTAWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*scripts/fontawesome\.js[^"]*"></script>\n?'
)
SEARCH_JS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js'
    r'|searchindex\.js)"></script>\n?'
)
THEME_JS = re.compile(
    r'[ \t]*<script defer src="([^"]*scripts/(?:bootstrap|pydata-sphinx-theme)\.js'
    r'[^"]*)"></script>\n?'
)
#: Runs the theme's scripts (``srcs``, in order) once the explorables have
#: rendered (``window.klWidgets``, kl-widgets.js) and a frame has been drawn.
THEME_LATER = """<script>
// kl_lean.py: the theme's scripts, once the explorables are live
document.addEventListener("DOMContentLoaded", function () {
  var srcs = %s;
  var run = function () {
    srcs.forEach(function (src) {
      var s = document.createElement("script");
      s.src = src;
      s.async = false;
      document.body.append(s);
    });
  };
  var later = function () {
    requestAnimationFrame(function () { setTimeout(run, 0); });
  };
  Promise.resolve(window.klWidgets).then(later, later);
});
</script>
"""


def _theme_scripts_later(text: str) -> str:
    """Replace the theme's deferred scripts by :data:`THEME_LATER`."""
    srcs = [m.group(1) for m in THEME_JS.finditer(text)]
    if not srcs or "kl-widgets.js" not in text:
        return text
    text = THEME_JS.sub("", text)
    return text.replace("</body>", THEME_LATER % json.dumps(srcs) + "</body>", 1)


def _math_scripts(app, pagename, templatename, context, doctree):
    """Leave MathJax and its configuration out of the page."""
    if not app.config.kl_prerender_math or "script_files" not in context:
        return
    path = app.config.mathjax_path
    context["script_files"] = [
        f
        for f in context["script_files"]
        if path not in str(f)
        and "window.MathJax" not in getattr(f, "attributes", {}).get("body", "")
    ]


def _display_tex(body: str) -> tuple[str, str]:
    """Split a display block into its equation number (HTML) and its TeX."""
    eqno = ""
    m = EQNO.match(body)
    if m:
        eqno, body = m.group(1), body[m.end() :]
    tex = body.strip()
    if tex.startswith("\\[") and tex.endswith("\\]"):
        tex = tex[2:-2]
    return eqno, html.unescape(tex)


MATH_FACE = re.compile(
    r'@font-face[^{]*\{\s*font-family:\s*([\w-]+);\s*src:\s*url\("([^"]+)"\)'
)
MATH_FAMILY = re.compile(
    r"([^{}]+)\{\s*font-family:\s*([^;{}]+?)\s*(?:!\s*important)?;"
)


def _font_preloads(css: str, page: str) -> str:
    """``<link rel="preload">`` for the MathJax fonts the page's maths uses.

    A browser asks for a web font only once its layout meets a character in
    it, after the stylesheets are parsed: preloading the page's fonts starts
    them with the page. A font is used when an element of the page carries
    a class (``TEX-I``, ``MJX-TEX``) or is an element (``mjx-stretchy-v``)
    whose rule names the font's family.
    """
    urls = dict(MATH_FACE.findall(css))
    classes = {t for c in re.findall(r'class="([^"]*)"', page) for t in c.split()}
    used: list[str] = []
    for selector, families in MATH_FAMILY.findall(css):
        if "@font-face" in selector:
            continue
        for part in selector.split(","):
            first = (part.split() or [""])[0]  # .TEX-I, or mjx-stretchy-v
            if (first.startswith(".") and first[1:] in classes) or (
                first and not first.startswith(".") and f"<{first}" in page
            ):
                used += [f.strip() for f in families.split(",")]
    links = [
        f'<link rel="preload" href="{urls[f]}" as="font" type="font/woff" crossorigin>'
        for f in dict.fromkeys(used)
        if f in urls
    ]
    return "".join(link + "\n" for link in links)


def _typeset(pages: list[list[dict]]) -> dict:
    """Run kl_math.mjs on the TeX of several pages at once."""
    try:
        run = subprocess.run(
            ["node", str(HERE / "kl_math.mjs")],
            input=json.dumps({"pages": pages}),
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            cwd=HERE,
        )
    except FileNotFoundError as err:
        msg = "kl_prerender_math needs Node.js (node) on the PATH"
        raise ExtensionError(msg) from err
    if run.returncode:
        raise ExtensionError(
            "kl_math.mjs could not typeset the maths (is MathJax installed? "
            f"`make vendor` runs `npm ci`):\n{run.stderr}"
        )
    return json.loads(run.stdout)


FA_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
FA_CLASS = re.compile(r"\s*\.(fa-[a-z0-9-]+)::?(?:before|after)\s*")
FA_FACE = re.compile(
    r'@font-face\{([^{}]*?)src:url\(([^)]*/)([^/)]+)\.woff2\) format\("woff2"\),'
    r'url\([^)]*\.ttf\) format\("truetype"\)\}'
)
PUA = re.compile(r"[\ue000-\uf8ff]|\\([ef][0-9a-f]{3})\b")


def _icon_classes(selector: str) -> list[str]:
    """The icon classes of a rule like ``.fa-bars:before,.fa-navicon:before``
    (empty for any other rule)."""
    parts = [FA_CLASS.fullmatch(p) for p in selector.split(",")]
    return [m.group(1) for m in parts] if all(parts) else []


def _ranges(codepoints: set[int], within: tuple[int, int] | None = None) -> str:
    """A CSS unicode-range: the code points given or, with ``within=(lo, hi)``,
    every other code point from lo to hi."""
    cps = sorted(codepoints)
    if within is None:
        spans = [(c, c) for c in cps]
    else:
        spans, start = [], within[0]
        for c in cps:
            if c > start:
                spans.append((start, c - 1))
            start = c + 1
        if start <= within[1]:
            spans.append((start, within[1]))
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in spans)


def _subset_fontawesome(app, pages: list[str]) -> None:
    """Cut the theme's Font Awesome fonts down to the icons the site shows."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    static = Path(app.outdir) / "_static"
    out_css = static / "styles" / "pydata-sphinx-theme.css"
    name = Path("static", "styles", "pydata-sphinx-theme.css")
    source = next((d / name for d in _theme_dirs(app) if (d / name).exists()), None)
    if source is None or not out_css.exists():
        return
    css = source.read_text(encoding="utf-8")
    # the code point of each icon class (.fa-bars:before{content:"\f0c9"})
    by_class, used = {}, set()
    for sel, body in FA_RULE.findall(css):
        m = re.search(r'content:"\\([0-9a-f]+)"', body)
        for name in _icon_classes(sel) if m else []:
            by_class[name] = int(m.group(1), 16)
    # icons the CSS draws itself: icon characters outside the class rules
    for path in static.rglob("*.css"):
        if _bundled(path):
            continue
        if path == out_css:
            text = css
        else:
            text = path.read_text(encoding="utf-8", errors="ignore")
        for sel, body in FA_RULE.findall(text):
            if _icon_classes(sel):
                continue
            for m in PUA.finditer(body):
                used.add(int(m.group(1), 16) if m.group(1) else ord(m.group(0)))
    # icons named by class in the pages and the scripts
    names = set()
    for text in pages:
        for cls in re.findall(r'class="([^"]*)"', text):
            names.update(t for t in cls.split() if t.startswith("fa-"))
    # only scripts a page names: a stale file left in _static by an older
    # build (the old widget manager held 1,700 icon names) must not count
    # (unescaped: a bundle's tag lists its scripts in an attribute)
    named = html.unescape("\n".join(pages))
    for path in static.rglob("*.js"):
        if _bundled(path):
            continue
        loaded = re.search(  # a src, href or import naming the file
            r"[\"'][^\"'\s]*/" + re.escape(path.name) + r"(?:\?[^\"']*)?[\"']", named
        )
        if path.name != "fontawesome.js" and loaded:
            text = path.read_text(encoding="utf-8", errors="ignore")
            names.update(re.findall(r"\bfa-[a-z0-9-]+", text))
    used.update(by_class[n] for n in names if n in by_class)

    def face(m):
        descriptors, folder, name = m.group(1), m.group(2), m.group(3)
        font = TTFont(static / "vendor" / "fontawesome" / "webfonts" / f"{name}.ttf")
        cmap = set(font.getBestCmap())
        have = used & cmap
        if not have:
            return m.group(0)
        opts = subset.Options()
        opts.flavor = "woff"
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=have)
        sub.subset(font)
        font.flavor = "woff"
        font.save(static / "vendor" / "fontawesome" / "webfonts" / f"{name}.kl.woff")
        rest = _ranges(have, (min(cmap), max(cmap)))
        return (
            f'@font-face{{{descriptors}src:url({folder}{name}.kl.woff) format("woff");'
            f"unicode-range:{_ranges(have)}}}"
            f"{m.group(0)[:-1]};unicode-range:{rest}}}"
        )

    def icon_rule(m):
        icons = _icon_classes(m.group(1))
        if not icons or "content:" not in m.group(2) or names.intersection(icons):
            return m.group(0)
        return ""

    css = FA_RULE.sub(icon_rule, FA_FACE.sub(face, css))
    out_css.write_text(css, encoding="utf-8")


def _theme_dirs(app) -> list[Path]:
    theme = getattr(app.builder, "theme", None)
    return [Path(d) for d in theme.get_theme_dirs()] if theme else []


WIDGET_STATE = re.compile(
    r'(<script type="application/vnd\.jupyter\.widget-state\+json">)(.*?)(</script>)',
    re.S,
)
KL_WIDGETS = re.compile(
    r'<script type="module" src="([^"]*)kl-widgets\.js[^"]*"></script>'
)


def _widget_modules(outdir: Path, path: Path, text: str) -> str:
    """Move the page's anywidget modules into _static/kl-esm, imported statically."""
    state, loader = WIDGET_STATE.search(text), KL_WIDGETS.search(text)
    if not state or not loader or "window.klWidgetModules" in text:
        return text
    data = json.loads(state.group(2))
    static = loader.group(1)  # the page's path to _static/, as Sphinx wrote it
    urls: list[str] = []
    for model in data.get("state", {}).values():
        traits = model.get("state", {})
        esm = traits.get("_esm")
        if traits.get("_model_module") != "anywidget" or not isinstance(esm, str):
            continue
        if "\n" not in esm and esm.endswith(".js"):
            continue  # already a file
        name = hashlib.sha256(esm.encode("utf-8")).hexdigest()[:16] + ".js"
        target = outdir / "_static" / "kl-esm" / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(esm, encoding="utf-8")
        traits["_esm"] = f"{static}kl-esm/{name}"
        urls.append(traits["_esm"])
    if not urls:
        return text
    urls = list(dict.fromkeys(urls))
    imports = "".join(f'import * as m{i} from "{u}";\n' for i, u in enumerate(urls))
    table = ", ".join(f'"{u}": m{i}' for i, u in enumerate(urls))
    preload = (
        f'<script type="module">\n{imports}window.klWidgetModules = {{{table}}};\n'
        "</script>\n"
    )
    body = json.dumps(data).replace("</", "<\\/")
    text = text[: state.start(2)] + body + text[state.end(2) :]
    loader = KL_WIDGETS.search(text)
    return text[: loader.start()] + preload + text[loader.start() :]


def _lean_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    search_page = outdir / "search.html"
    todo: list[tuple[Path, str, list, list]] = []
    texts: list[str] = []
    for path in _current_pages(app, outdir):
        text = path.read_text(encoding="utf-8")
        new = text
        if not app.config.kl_fontawesome_js:
            new = FONTAWESOME_JS.sub("", new)
        if not app.config.kl_search_everywhere and path != search_page:
            new = SEARCH_JS.sub("", new)
        if app.config.kl_widget_modules:
            new = _widget_modules(outdir, path, new)
        if app.config.kl_theme_scripts_later:
            new = _theme_scripts_later(new)
        texts.append(new)  # with the names of the page's widget modules
        maths, spans = [], []
        if app.config.kl_prerender_math:
            for m in INLINE.finditer(new):
                maths.append({"tex": html.unescape(m.group(2)), "display": False})
                spans.append(("inline", m))
            for m in DISPLAY.finditer(new):
                eqno, tex = _display_tex(m.group(2))
                if "<mjx-container" in m.group(2):
                    continue
                maths.append({"tex": tex, "display": True})
                spans.append(("display", m, eqno))
        if maths:
            todo.append((path, new, maths, spans))
        elif new != text:
            path.write_text(new, encoding="utf-8")
    if app.config.kl_fontawesome_subset:
        _subset_fontawesome(app, texts)
    if todo:
        _typeset_pages(outdir, todo)


def _current_pages(app, outdir: Path) -> list[Path]:
    """The pages of this build's documents: not a page left in the output
    folder by an older build (a chapter since renamed), whose icons do not
    count and whose bundles need not be kept."""
    current = set(app.env.all_docs) | {"genindex", "search", "index", "py-modindex"}
    return [
        path
        for path in sorted(outdir.rglob("*.html"))
        if "_static" not in path.relative_to(outdir).parts
        and path.relative_to(outdir).with_suffix("").as_posix() in current
    ]


def _typeset_pages(outdir: Path, todo: list) -> None:
    """Replace the TeX of every page in ``todo`` by MathJax's CommonHTML."""
    result = _typeset([maths for _, _, maths, _ in todo])
    for err in result["errors"]:
        path = todo[err["page"]][0]
        logger.warning(
            "TeX error in %s: %s in %r",
            path.relative_to(outdir),
            err["message"],
            err["tex"],
            type="kl",
            subtype="math",
        )
    for (path, text, _, spans), page in zip(todo, result["pages"], strict=True):
        fonts = os.path.relpath(outdir / FONTS, path.parent).replace(os.sep, "/")
        pieces, last = [], 0
        rendered = page["html"]
        # Replace every match, in the order of the text.
        order = sorted(range(len(spans)), key=lambda i: spans[i][1].start())
        for i in order:
            kind, m = spans[i][0], spans[i][1]
            out = rendered[i]
            if out is None:  # a TeX error: leave the TeX as it was (warned above)
                continue
            pieces.append(text[last : m.start()])
            if kind == "inline":
                pieces.append(m.group(1) + out + m.group(3))
            else:
                pieces.append(m.group(1) + spans[i][2] + out + m.group(3))
            last = m.end()
        pieces.append(text[last:])
        new = "".join(pieces)
        css = page["css"].replace(FONT_URL, fonts)
        style = f'<style id="kl-math">\n{css}\n</style>\n'
        new = new.replace("</head>", _font_preloads(css, new) + style + "</head>", 1)
        path.write_text(new, encoding="utf-8")
    logger.info(
        "kl_lean: typeset %d equations on %d pages",
        sum(len(m) for _, _, m, _ in todo),
        len(todo),
    )


def _lean_css(app):
    if app.config.kl_lazy_layout or app.config.kl_lazy_images:
        app.config.html_static_path.append(str(STATIC))
    if app.config.kl_lazy_layout:
        app.add_css_file("kl-lean.css")
    if app.config.kl_lazy_images:
        app.add_css_file("kl-images.css")


def setup(app):
    app.add_config_value("kl_prerender_math", True, "html", types=[bool])
    app.add_config_value("kl_fontawesome_js", False, "html", types=[bool])
    app.add_config_value("kl_fontawesome_subset", True, "html", types=[bool])
    app.add_config_value("kl_widget_modules", True, "html", types=[bool])
    app.add_config_value("kl_search_everywhere", False, "html", types=[bool])
    app.add_config_value("kl_lazy_layout", True, "html", types=[bool])
    app.add_config_value("kl_theme_scripts_later", True, "html", types=[bool])
    app.add_config_value("kl_bundle_assets", True, "html", types=[bool])
    app.add_config_value("kl_lazy_images", True, "html", types=[bool])
    app.add_config_value("kl_ready_later", True, "html", types=[bool])
    app.add_config_value("kl_prune_css", True, "html", types=[bool])
    app.connect("builder-inited", _lean_css)
    app.connect("html-page-context", _math_scripts, priority=900)
    app.connect("build-finished", _lean_pages)
    app.connect("build-finished", _bundle_finished, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- one stylesheet, one script, lazy images ------------------------------------

BUNDLE_DIR = "_static/kl-bundle"
#: The attribute of a bundle's tag that lists what it was made from, so that a
#: later build can make it again (a page it does not write keeps its tag).
SOURCES = "data-kl-sources"
STYLESHEET = re.compile(r'[ \t]*<link\b(?=[^>]*\brel="stylesheet")[^>]*>\n?')
SCRIPT = re.compile(r"[ \t]*<script\b([^>]*)>(.*?)</script>\n?", re.S)
ATTR = re.compile(r'([\w:.-]+)(?:\s*=\s*"([^"]*)")?')
CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["']?)([^"')\s;]+)\1\s*\)?\s*;""")
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.I)
IMG = re.compile(r"<img\b[^>]*>")
#: A source map comment names a file next to its script; in a bundle it would
#: point into the bundle's folder, where there is none.
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*")


def _bundled(path: Path) -> bool:
    """Whether ``path`` is a bundle, made from other files of the site."""
    return path.parent.name == BUNDLE_DIR.rsplit("/", 1)[-1]


def _attrs(tag: str) -> dict[str, str]:
    """The attributes of an HTML start tag (or of the text inside one)."""
    inner = re.sub(r"^\s*<\w+|/?>\s*$", "", tag)
    return {k: html.unescape(v) for k, v in ATTR.findall(inner)}


def _local(outdir: Path, page: Path, url: str) -> Path | None:
    """The file of the site that ``url`` (relative to ``page``) names, if any."""
    if ABSOLUTE.match(url):
        return None
    path = (page.parent / url.split("?", 1)[0].split("#", 1)[0]).resolve()
    if not path.is_relative_to(outdir.resolve()) or not path.is_file():
        return None
    return path


def _site_path(outdir: Path, path: Path) -> str:
    return path.relative_to(outdir.resolve()).as_posix()


def _css_text(outdir: Path, path: Path, folder: Path, seen: set[Path]) -> str:
    """The stylesheet ``path``, its ``@import``s inlined in place (an import
    comes first in its sheet, so the cascade keeps its order) and its
    ``url()``s made relative to ``folder``."""
    if path in seen:
        return ""
    seen.add(path)

    def rebased(m):
        quote, url = m.group(1), m.group(2)
        if ABSOLUTE.match(url):
            return m.group(0)
        cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=None)
        file, rest = (url, "") if cut is None else (url[:cut], url[cut:])
        new = os.path.relpath((path.parent / file).resolve(), folder)
        return f"url({quote}{new.replace(os.sep, '/')}{rest}{quote})"

    def imported(m):
        inner = _local(outdir, path, m.group(2))
        return m.group(0) if inner is None else _css_text(outdir, inner, folder, seen)

    text = SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    return CSS_IMPORT.sub(imported, CSS_URL.sub(rebased, text))


def _write_bundle(outdir: Path, page: Path, body: str, suffix: str) -> tuple[str, str]:
    """Write ``body`` under :data:`BUNDLE_DIR`, named by its hash; the name,
    and the URL of the file from ``page``."""
    name = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16] + suffix
    target = outdir / BUNDLE_DIR / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    url = os.path.relpath(target.resolve(), page.parent.resolve())
    return name, url.replace(os.sep, "/")


def _next_to(text: str, a, b) -> bool:
    """Whether match ``b`` follows match ``a`` with only white space between."""
    return not text[a.end() : b.start()].strip()


def _run(text: str, matches: list) -> list:
    """The leading matches that follow one another with only white space between."""
    run = matches[:1]
    for m in matches[1:]:
        if not _next_to(text, run[-1], m):
            break
        run.append(m)
    return run


#: A class or id in a selector.
SELECTOR_NAME = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
#: A word of a page or script, which may name a class.
WORD = re.compile(r"-?[_a-zA-Z][\w-]*")
#: The start of a class name a script builds from pieces (``"kind-" + kind``,
#: `` `bs-${name}-auto` ``): a string that ends in ``-`` or in ``${``.
NAME_PREFIX = re.compile(r"""["'`](-?[_a-zA-Z][\w-]*-)(?:["'`]|\$\{)""")


class _CssPruner:
    """Drops the rules of a stylesheet that no page of the site can match.

    A rule is kept if one of its selectors could match: every class and id
    it names is a word somewhere in the site's pages or scripts (or starts
    with a piece from which a script builds names, such as ``"kind-"``).
    Selectors with a functional pseudo-class (``:not(.x)``, ``:is(...)``,
    ``:has(...)``) are always kept, and so is every at-rule that is not a
    ``@media``, ``@supports``, ``@layer`` or ``@container`` block (fonts,
    keyframes, imports); those blocks are pruned inside. What is kept is
    copied as it was written. The test is on words, so it keeps more than
    it needs to (a class named like a word of the prose stays), never less:
    what is dropped is named nowhere in the site. Most of it is Bootstrap's,
    which the theme ships whole.
    """

    BLOCKS = ("media", "supports", "layer", "container")

    def __init__(self, outdir: Path):
        words: set[str] = set()
        prefixes: set[str] = set()
        for path in sorted(outdir.rglob("*")):
            if path.suffix not in (".html", ".js", ".mjs") or not path.is_file():
                continue
            if _bundled(path):
                continue  # bundles are made of the files read here
            text = path.read_text(encoding="utf-8", errors="replace")
            words.update(WORD.findall(text))
            if path.suffix != ".html":
                prefixes.update(NAME_PREFIX.findall(text))
        self.words = words
        self.prefixes = tuple(sorted(prefixes))
        self._done: dict[str, str] = {}

    def _named(self, name: str) -> bool:
        return name in self.words or name.startswith(self.prefixes)

    def _could_match(self, selector: str) -> bool:
        if "(" in selector:
            return True
        return all(self._named(n) for n in SELECTOR_NAME.findall(selector))

    def _rules(self, css: str, starts: list[int], nodes, end: int) -> str:
        """The text of ``nodes`` (which run from their first start to ``end``
        in ``css``), less the rules that cannot match; kept rules are copied
        as they were written."""
        at = [_offset(starts, n) for n in nodes] + [end]
        out = []
        for node, lo, hi in zip(nodes, at[:-1], at[1:], strict=True):
            piece = css[lo:hi]
            if node.type == "qualified-rule":
                selectors = tinycss2.serialize(node.prelude).split(",")
                keep = any(self._could_match(s) for s in selectors)
                out.append(piece if keep else "")
            elif (
                node.type == "at-rule"
                and node.lower_at_keyword in self.BLOCKS
                and node.content
            ):
                inner = tinycss2.parse_rule_list(node.content)
                close = css.rindex("}", lo, hi)
                first = _offset(starts, node.content[0])
                body = self._rules(css, starts, inner, close)
                if body.strip():
                    out.append(css[lo:first] + body + css[close:hi])
            elif node.type == "comment":
                # the bundle's own notes (which file follows) and licences
                keep = node.value.startswith((" _", "!"))
                out.append(piece if keep else "")
            else:
                out.append(piece)
        return "".join(out)

    def __call__(self, css: str) -> str:
        if css not in self._done:
            starts = [0] + [m.end() for m in re.finditer("\n", css)]
            nodes = tinycss2.parse_stylesheet(css)
            self._done[css] = self._rules(css, starts, nodes, len(css))
        return self._done[css]


def _offset(starts: list[int], node) -> int:
    """Where a tinycss2 node starts in the text whose line starts are ``starts``."""
    return starts[node.source_line - 1] + node.source_column - 1


def _css_body(outdir: Path, page: Path, hrefs: list[str]) -> str | None:
    """The stylesheets ``hrefs`` (from ``page``) as one text, each after a
    comment naming it; None unless there are two or more, all on the site."""
    paths = [_local(outdir, page, h) for h in hrefs]
    if len(paths) < 2 or None in paths:
        return None
    folder = (outdir / BUNDLE_DIR).resolve()
    seen: set[Path] = set()
    return "".join(
        f"/* {_site_path(outdir, p)} */\n{_css_text(outdir, p, folder, seen)}\n"
        for p in paths
    )


def _bundle_css(
    outdir: Path, page: Path, text: str, prune: Callable[[str], str] | None = None
) -> tuple[str, str | None]:
    """The page with its head's stylesheets in one file; that file's name.

    The head listed a dozen stylesheets (the theme's, Sphinx's, each
    extension's, one importing another), each a request to wait for before
    the first paint. Their text is now one file, in the same order, passed
    through ``prune`` if given (see :class:`_CssPruner`).
    """
    head = text.find("</head>")
    links = list(STYLESHEET.finditer(text, 0, head))
    if not links:
        return text, None
    first = _attrs(links[0].group(0))
    if SOURCES in first:  # bundled by an earlier build: make it again
        run, hrefs = links[:1], first[SOURCES].split()
    else:
        run = [m for m in _run(text, links) if SOURCES not in m.group(0)]
        found = [_attrs(m.group(0)) for m in run]
        if any(set(a) - {"rel", "type", "href"} for a in found):
            return text, None  # a media query or another attribute: keep as is
        hrefs = [a.get("href", "") for a in found]
    body = _css_body(outdir, page, hrefs)
    if body is None:
        return text, None
    if prune is not None:
        body = prune(body)
    name, url = _write_bundle(outdir, page, body, ".css")
    sources = html.escape(" ".join(hrefs))
    link = f'<link rel="stylesheet" href="{url}" {SOURCES}="{sources}" />\n'
    return text[: run[0].start()] + link + text[run[-1].end() :], name


def _classic(m) -> tuple[str, str, dict] | None:
    """``("src", url, other attributes)`` or ``("inline", code, {})`` for a
    script that runs in order as the page is parsed; None for any other."""
    attrs = _attrs(m.group(1))
    if {"async", "defer", "type", "nomodule", SOURCES} & attrs.keys():
        return None
    if "src" in attrs:
        others = {k: v for k, v in attrs.items() if k != "src"}
        return None if m.group(2).strip() else ("src", attrs["src"], others)
    return None if attrs else ("inline", m.group(2), {})


#: Around the head's bundled scripts (``kl_ready_later``): the work they hand to
#: DOMContentLoaded (copy buttons, toggles, tabs, the theme's observers; 80 ms
#: on a long chapter) runs once the explorables have rendered and a frame has
#: been drawn, in the order it was registered, instead of in the same task as
#: the explorables, before the browser could show them.
READY_LATER_START = """// kl_lean.py: DOMContentLoaded work, once explorables are live
(function () {
  var add = document.addEventListener, later = [], root = document.documentElement;
  root.setAttribute("data-kl-ready", "pending");
  document.addEventListener = function (type, fn, options) {
    if (type === "DOMContentLoaded" && typeof fn === "function") later.push(fn);
    else add.call(document, type, fn, options);
  };
  window.klReadyLater = function () {
    document.addEventListener = add;
    delete window.klReadyLater;
    add.call(document, "DOMContentLoaded", function (event) {
      var run = function () {
        later.forEach(function (fn) {
          try {
            fn.call(document, event);
          } catch (err) {
            setTimeout(function () { throw err; });
          }
        });
        root.setAttribute("data-kl-ready", "done");
      };
      var next = function () {
        requestAnimationFrame(function () { setTimeout(run, 0); });
      };
      Promise.resolve(window.klWidgets).then(next, next);
    });
  };
})();
;
"""
READY_LATER_END = "// kl_lean.py: as usual from here on\nwindow.klReadyLater();\n"


def _bundle_scripts(
    outdir: Path, page: Path, text: str, ready_later: bool = False
) -> tuple[str, str | None]:
    """The page with the first run of its head's classic scripts in one file.

    Sphinx's, the theme's and the extensions' small scripts, with the
    one-line inline settings among them, block the parser one request at a
    time. They now run from one file, in the same order, with ``;`` between
    them. An attribute that a script reads from its own tag
    (``document.currentScript``) moves to the bundle's tag; the run stops
    before a script whose attributes would clash, and ends on a file.
    """
    head = text.find("</head>")
    scripts = list(SCRIPT.finditer(text, 0, head))
    run, parts, attrs = [], [], {}
    for i, m in enumerate(scripts):
        found = _attrs(m.group(1))
        if SOURCES in found:  # bundled by an earlier build: make it again
            run, parts = [m], [tuple(p) for p in json.loads(found[SOURCES])]
            attrs = {k: v for k, v in found.items() if k not in ("src", SOURCES)}
            break
        first = _classic(m)
        if first is None or first[0] != "src":
            continue
        for n in scripts[i:]:
            part = first if n is m else _classic(n)
            if part is None or (run and not _next_to(text, run[-1], n)):
                break
            if any(attrs.get(k, v) != v for k, v in part[2].items()):
                break
            attrs.update(part[2])
            run.append(n)
            parts.append(part[:2])
        while parts[-1][0] == "inline":
            parts.pop()
            run.pop()
        break
    if sum(kind == "src" for kind, _ in parts) < 2:
        return text, None
    pieces = [";\n"]  # no directive prologue: one part's "use strict" stays its own
    if ready_later:
        pieces.append(READY_LATER_START)
    for kind, value in parts:
        if kind == "inline":
            pieces.append(f"// inline\n{value}\n;\n")
            continue
        path = _local(outdir, page, value)
        if path is None:
            return text, None
        pieces.append(f"// {_site_path(outdir, path)}\n")
        pieces.append(SOURCE_MAP.sub("", path.read_text(encoding="utf-8")) + "\n;\n")
    if ready_later:
        pieces.append(READY_LATER_END)
    name, url = _write_bundle(outdir, page, "".join(pieces), ".js")
    extra = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
    sources = html.escape(json.dumps([list(p) for p in parts]))
    tag = f'<script src="{url}"{extra} {SOURCES}="{sources}"></script>\n'
    return text[: run[0].start()] + tag + text[run[-1].end() :], name


def _png_size(path: Path) -> tuple[int, int] | None:
    with path.open("rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _lazy_images(outdir: Path, page: Path, text: str) -> str:
    """The article's images load when they come near the window.

    A chapter's figures (up to eight PNGs) were fetched at once with the
    page's scripts and stylesheets, competing with them for the
    connections. Each now has ``loading="lazy"`` and ``decoding="async"``;
    a PNG also gets its width and height, so the space it takes is known
    before it arrives (``kl-images.css`` keeps its aspect ratio where the
    column is narrower).
    """
    start = text.find('<article class="bd-article"')
    if start < 0:
        return text

    def lazy(m):
        tag = m.group(0)
        attrs = _attrs(tag)
        if "loading" in attrs:
            return tag
        add = ' loading="lazy" decoding="async"'
        path = _local(outdir, page, attrs.get("src", ""))
        size = _png_size(path) if path and path.suffix == ".png" else None
        if size and not {"width", "height"} & attrs.keys():
            add += f' width="{size[0]}" height="{size[1]}"'
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return tag[:end].rstrip() + add + " " + tag[end:]

    end = text.find("</article>", start)
    end = len(text) if end < 0 else end
    return text[:start] + IMG.sub(lazy, text[start:end]) + text[end:]


def _bundle_finished(app, exception):
    """Bundles and lazy images, once every other step has written its files:
    the theme rewrites ``pygments.css`` when the build finishes (priority
    500), and kl_a11y fixes the pages (900)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    _bundle_pages(app, outdir, _current_pages(app, outdir))


def _bundle_pages(app, outdir: Path, paths: list[Path]) -> None:
    """Bundles and lazy images on every page; old bundles are removed."""
    used: set[str] = set()
    prune = None
    if app.config.kl_bundle_assets and app.config.kl_prune_css:
        prune = _CssPruner(outdir)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        new = text
        if app.config.kl_bundle_assets:
            new, css = _bundle_css(outdir, path, new, prune)
            later = app.config.kl_ready_later and "kl-widgets.js" in new
            new, js = _bundle_scripts(outdir, path, new, later)
            used.update(n for n in (css, js) if n)
        if app.config.kl_lazy_images:
            new = _lazy_images(outdir, path, new)
        if new != text:
            path.write_text(new, encoding="utf-8")
    folder = outdir / BUNDLE_DIR
    for old in folder.glob("*") if folder.is_dir() else []:
        if old.name not in used:
            old.unlink()
