"""The built site in a real browser: headless Chromium driven by Playwright.

Every page of _build/html is served from localhost and loaded with every
request off localhost refused; each must show no console error, make no
request to another host, and typeset its maths. Every explorable is then
driven: each control is moved to several settings, and the numbers shown
(their full-precision data-value) must equal kltools' to 1e-9 for the
settings the page reports, with each redraw under 50 ms.

Chromium comes from Debian (`apt-get install chromium`, which `.ci/run`
does); Playwright launches it by path. Without it these tests are skipped
and say why.
"""

from __future__ import annotations

import functools
import http.server
import math
import os
import shutil
import threading
from pathlib import Path

import pytest
from test_book import HTML, toc_files

import kltools as kt

pytestmark = pytest.mark.book

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REDRAW_BUDGET_MS = 50.0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built site in {HTML}: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=HTML)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("KL_REQUIRE_BROWSER"):
            pytest.fail(
                f"KL_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}"
            )
        pytest.skip(
            f"browser tests skipped: no Chromium at {CHROMIUM}. Install Debian's "
            "chromium (apt-get install chromium; .ci/run does) or set CHROMIUM."
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


class Page:
    """A loaded page, with what it logged and requested."""

    def __init__(self, browser, url):
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        origin = url.split("/", 3)[:3]
        local = "/".join(origin)

        def route(r):
            if r.request.url.startswith(local) or r.request.url.startswith("data:"):
                r.continue_()
            else:
                self.offsite.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.goto(url, wait_until="networkidle")

    def close(self):
        self.page.close()


def settle(page):
    """Wait until MathJax has typeset and the widget manager has rendered."""
    page.wait_for_function(
        "!window.MathJax || !MathJax.startup || !MathJax.startup.promise"
        " || (MathJax.startup.promise.then(() => window.__kl_typeset = true),"
        " window.__kl_typeset === true)",
        timeout=15000,
    )
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("name", toc_files())
def test_page_loads_clean_and_offline(browser, base_url, name):
    p = Page(browser, f"{base_url}/{name}.html")
    try:
        settle(p.page)
        has_math = p.page.locator(".math").count() > 0
        if has_math:
            assert p.page.locator("mjx-container").count() > 0, "maths not typeset"
        if has_explorable(name):
            p.page.wait_for_selector(".kl-explorable output[data-value]", timeout=15000)
        assert not p.offsite, f"requests off localhost: {p.offsite}"
        assert not p.errors, f"console errors: {p.errors}"
    finally:
        p.close()


def has_explorable(name: str) -> bool:
    """Whether the built page saved the state of an anywidget explorable."""
    path = HTML / f"{name}.html"
    return path.exists() and '"_model_module": "anywidget"' in path.read_text(
        encoding="utf-8"
    )


def explorable_pages() -> list[str]:
    return [name for name in toc_files() if has_explorable(name)]


def test_every_chapter_has_an_explorable():
    chapters = [n for n in toc_files() if n.startswith("notebooks/")]
    missing = [n for n in chapters if not has_explorable(n)]
    assert chapters and not missing, f"chapters without an explorable: {missing}"


def set_range(locator, value: float) -> None:
    """Move a range input as a reader would: set it and fire 'input'."""
    locator.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }",
        value,
    )


def shown(widget) -> dict[str, float]:
    outs = widget.locator("output[data-quantity]")
    return {
        outs.nth(i).get_attribute("data-quantity"): float(
            outs.nth(i).get_attribute("data-value")
        )
        for i in range(outs.count())
    }


def controls(widget) -> dict[str, float]:
    ins = widget.locator("input[data-control]")
    return {
        ins.nth(i).get_attribute("data-control"): float(ins.nth(i).input_value())
        for i in range(ins.count())
    }


def assert_close(got: dict, want: dict):
    assert set(got) == set(want)
    for key, w in want.items():
        g = got[key]
        assert (
            (g == w)
            if math.isinf(w)
            else math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12)
        ), (key, g, w)


def assert_fast(widget):
    ms = float(widget.get_attribute("data-render-ms"))
    assert ms < REDRAW_BUDGET_MS, f"redraw took {ms} ms"


def check_black_swan(widget):
    for log10_prior, posterior in (
        (-4, 1),
        (-2, 1),
        (-1.3, 0.5),
        (math.log10(0.99), 0),
    ):
        set_range(widget.locator("input[data-control='prior']"), log10_prior)
        set_range(widget.locator("input[data-control='posterior']"), posterior)
        v = controls(widget)
        q, p = 10 ** v["prior"], v["posterior"]
        assert_close(
            shown(widget),
            {
                "kl_pq": kt.kl_divergence([p, 1 - p], [q, 1 - q]),
                "kl_qp": kt.kl_divergence([q, 1 - q], [p, 1 - p]),
            },
        )
        assert_fast(widget)


def check_gaussians(widget):
    settings = [
        {"mu_p": 0, "sigma_p": 1, "mu_q": 0, "sigma_q": 1},
        {"mu_p": -1.5, "sigma_p": 0.5, "mu_q": 2, "sigma_q": 2.5},
        {"mu_p": 3, "sigma_p": 3, "mu_q": -4, "sigma_q": 0.2},
    ]
    before = shown(widget)
    for setting in settings:
        for name, value in setting.items():
            set_range(widget.locator(f"input[data-control='{name}']"), value)
        v = controls(widget)
        assert_close(
            shown(widget),
            {
                "kl_pq": kt.gaussian_kl(
                    v["mu_p"], v["sigma_p"], v["mu_q"], v["sigma_q"]
                ),
                "kl_qp": kt.gaussian_kl(
                    v["mu_q"], v["sigma_q"], v["mu_p"], v["sigma_p"]
                ),
            },
        )
        assert_fast(widget)
    assert shown(widget) != before


def bars(widget, k: str) -> list[float]:
    rects = widget.locator(f"rect[data-bar^='{k}-']")
    return [
        float(rects.nth(i).get_attribute("data-value")) for i in range(rects.count())
    ]


def check_two_distributions(widget, page):
    def expected():
        p, q = bars(widget, "p"), bars(widget, "q")
        return {
            "kl_pq": kt.kl_divergence(p, q, normalize=True),
            "kl_qp": kt.kl_divergence(q, p, normalize=True),
            "js": kt.js_divergence(p, q, normalize=True),
        }

    assert_close(shown(widget), expected())
    for k, i, dy in (("p", 0, -60), ("q", 1, 40), ("q", 0, 400)):
        before = bars(widget, k)
        box = widget.locator(f"rect[data-bar='{k}-{i}']").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y + dy, steps=5)
        page.mouse.up()
        after = bars(widget, k)
        assert after != before, f"dragging {k}-{i} changed nothing"
        assert math.isclose(sum(after), 1.0, rel_tol=1e-12)
        assert_close(shown(widget), expected())
        assert_fast(widget)
    # dragged to the bottom, q(outcome 1) is 0 while p keeps weight there
    assert bars(widget, "q")[0] == 0.0
    assert shown(widget)["kl_pq"] == math.inf
    widget.locator("rect[data-bar='q-0']").focus()
    page.keyboard.press("ArrowUp")
    assert bars(widget, "q")[0] > 0
    assert_close(shown(widget), expected())


@pytest.mark.parametrize("name", explorable_pages())
def test_explorables_respond_without_a_kernel(browser, base_url, name):
    p = Page(browser, f"{base_url}/{name}.html")
    try:
        p.page.wait_for_selector(".kl-explorable output[data-value]", timeout=15000)
        widgets = p.page.locator(".kl-explorable")
        assert widgets.count() > 0
        for i in range(widgets.count()):
            w = widgets.nth(i)
            w.scroll_into_view_if_needed()
            kind = w.get_attribute("data-kind")
            if kind == "black_swan":
                check_black_swan(w)
            elif kind == "gaussians":
                check_gaussians(w)
            elif kind == "two_distributions":
                check_two_distributions(w, p.page)
            else:
                pytest.fail(f"no browser test for explorable kind {kind!r}")
        assert not p.errors, p.errors
    finally:
        p.close()


def test_search_works_offline(browser, base_url):
    p = Page(browser, f"{base_url}/search.html?q=divergence")
    try:
        p.page.wait_for_selector("#search-results li", timeout=15000)
        assert p.page.locator("#search-results li").count() > 0
        assert not p.offsite, p.offsite
        assert not p.errors, p.errors
    finally:
        p.close()
