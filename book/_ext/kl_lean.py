"""Lean pages (issue 18): what the reader's browser no longer has to fetch or run.

Seven changes to the built site, each behind a config value (defaults below;
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
from pathlib import Path

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
    named = "\n".join(pages)
    for path in static.rglob("*.js"):
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
    # pages of this build's documents: not a page left in the output folder
    # by an older build (a chapter since renamed), whose icons do not count
    current = set(app.env.all_docs) | {"genindex", "search", "index", "py-modindex"}
    for path in sorted(outdir.rglob("*.html")):
        if "_static" in path.relative_to(outdir).parts:
            continue
        if path.relative_to(outdir).with_suffix("").as_posix() not in current:
            continue
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
    if not todo:
        return
    result = _typeset([maths for _, _, maths, _ in todo])
    for err in result["errors"]:
        path, _, maths, _ = todo[err["page"]]
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


def _lazy_layout(app):
    if app.config.kl_lazy_layout:
        app.config.html_static_path.append(str(STATIC))
        app.add_css_file("kl-lean.css")


def setup(app):
    app.add_config_value("kl_prerender_math", True, "html", types=[bool])
    app.add_config_value("kl_fontawesome_js", False, "html", types=[bool])
    app.add_config_value("kl_fontawesome_subset", True, "html", types=[bool])
    app.add_config_value("kl_widget_modules", True, "html", types=[bool])
    app.add_config_value("kl_search_everywhere", False, "html", types=[bool])
    app.add_config_value("kl_lazy_layout", True, "html", types=[bool])
    app.add_config_value("kl_theme_scripts_later", True, "html", types=[bool])
    app.connect("builder-inited", _lazy_layout)
    app.connect("html-page-context", _math_scripts, priority=900)
    app.connect("build-finished", _lean_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
