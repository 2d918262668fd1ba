"""Page weight (issue 18): what a reader's browser fetches, kept within budget.

Every page of the table of contents is loaded in headless Chromium (the
browser tests' set-up: Debian's chromium, driven by Playwright) with a cold
cache, and the bytes it receives are added up until it is idle with its
explorables drawn and its fonts loaded. No page may fetch more than 3.5 MB,
and chapter 01 (the first chapter of _toc.yml) no more than 3 MB; the site
weighed about 8 MB a chapter when widgets started through require.js and the
ipywidgets HTML manager, with Font Awesome and MathJax in the browser. A
failure lists the largest files. ``make bench`` (benchmarks/bench_pages.py)
prints the weights and load times next to those before issue 18.

The maths is typeset when the book is built (book/_ext/kl_lean.py), so these
tests also check, without a browser, that every equation on every page was
typeset without a TeX error, that no page loads MathJax, and that every
equation reference points at a typeset, numbered equation.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import urlsplit

import pytest
from test_book import HTML, toc_files

# The browser and server fixtures are test_site's, imported by name.
from test_site import base_url, browser, has_explorable  # noqa: F401  (fixtures)

pytestmark = pytest.mark.book

MB = 1e6
#: Chapter 01's budget and every other page's (issue 18).
CHAPTER_01_BUDGET = 3.0 * MB
PAGE_BUDGET = 3.5 * MB


def chapter_01() -> str:
    return next(name for name in toc_files() if name.startswith("notebooks/"))


def budget(name: str) -> float:
    return CHAPTER_01_BUDGET if name == chapter_01() else PAGE_BUDGET


def cold_transfer(chromium, url: str, explorable: bool) -> dict[str, int]:
    """Bytes received per URL by a cold load of ``url``, until it is idle."""
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls, sizes = {}, {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        page.goto(url, wait_until="load")
        if explorable:
            page.wait_for_selector(".kl-explorable[data-values]", timeout=15000)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
        return {urls.get(k, k): v for k, v in sizes.items()}
    finally:
        context.close()


@pytest.mark.parametrize("name", toc_files())
def test_page_weight_within_budget(browser, base_url, name):  # noqa: F811
    sizes = cold_transfer(browser, f"{base_url}/{name}.html", has_explorable(name))
    total = sum(sizes.values())
    largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:8]
    detail = ", ".join(
        f"{urlsplit(u).path.rsplit('/', 1)[-1]} {n / 1e3:.0f} kB" for u, n in largest
    )
    assert total <= budget(name), (
        f"{name} transfers {total / MB:.2f} MB cold, over its budget of "
        f"{budget(name) / MB:g} MB; the largest files: {detail}"
    )


MATH = re.compile(
    r'<(span|div) class="math notranslate nohighlight"([^>]*)>(.*?)</\1>', re.S
)


def pages() -> list[tuple[str, str]]:
    out = []
    for name in toc_files():
        path = HTML / f"{name}.html"
        if path.exists():
            out.append((name, path.read_text(encoding="utf-8")))
    return out


def test_every_equation_is_typeset_at_build_time():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site in {HTML}: run `make book` first")
    n_math, problems = 0, []
    for name, text in pages():
        if re.search(r"<script[^>]*mathjax", text, re.I):
            problems.append(f"{name}: loads MathJax in the browser")
        for m in MATH.finditer(text):
            n_math += 1
            body = m.group(3)
            if "<mjx-container" not in body:
                problems.append(f"{name}: not typeset: {html.unescape(body)[:80]!r}")
            elif "<mjx-merror" in body:
                problems.append(f"{name}: TeX error in {body[:80]!r}")
        if "<mjx-container" in text and '<style id="kl-math">' not in text:
            problems.append(f"{name}: typeset maths without its stylesheet")
    assert n_math > 100, f"only {n_math} equations found: is the site built?"
    assert not problems, "\n".join(problems[:20])


def test_equation_references_reach_typeset_equations():
    texts = dict(pages())
    ids = {
        name: dict(
            re.findall(
                r'<div class="math[^"]*" id="(equation-[^"]+)">(.*?)</div>', t, re.S
            )
        )
        for name, t in texts.items()
    }
    n_refs, problems = 0, []
    for name, text in texts.items():
        for href in re.findall(r'href="([^"]*#equation-[^"]+)"', text):
            n_refs += 1
            path, anchor = href.split("#", 1)
            target = name
            if path:
                here = posixpath.dirname(name)
                target = posixpath.normpath(posixpath.join(here, path))
                target = target.removesuffix(".html")
            body = ids.get(target, {}).get(anchor)
            if body is None:
                problems.append(f"{name}: {href} has no equation to point at")
            elif "<mjx-container" not in body or 'class="eqno"' not in body:
                problems.append(
                    f"{name}: {href} points at an untypeset or unnumbered equation"
                )
    assert n_refs > 0, "no equation references found"
    assert not problems, "\n".join(problems[:20])
