"""Accessibility of the built site, in headless Chromium (as tests/test_site.py).

- axe-core (from npm, pinned in package-lock.json) runs on every page with
  the WCAG 2.1 A and AA rules, in the light theme and, for contrast, in the
  dark theme; any serious or critical violation fails;
- at 320 CSS px no page is wider than the window (WCAG 1.4.10, reflow);
- every draggable mark of every explorable is a WAI-ARIA slider: a name,
  aria-valuenow/min/max and an aria-valuetext; the arrow keys, Page Up/Down,
  Home and End move it (and do not scroll the page), and after each key the
  numbers shown equal kltools' to 1e-9; range sliders say the value they
  show; the numbers are announced by one polite summary, not each on its own;
- touch: a finger drags a bar, a table cell, a marker and a range slider
  (one kind of each interaction) without scrolling the page;
- every numeric exercise (every id of kltools.exercises) has an answer box on
  its chapter's page that says "Correct" to the right value and not to a
  wrong one.

The axe-core script is read from node_modules (`make book` installs it with
`npm ci`) and injected into each page; it is not part of the site.
"""

# The browser and server fixtures are test_site's, imported by name, so the
# tests' parameters shadow the imports (F811) by design.
# ruff: noqa: F811

from __future__ import annotations

import json
import math
import re

import pytest
from test_book import HTML, ROOT, toc_files
from test_site import (  # noqa: F401  (fixtures)
    Page,
    base_url,
    browser,
    check_against_kltools,
    explorable_pages,
    has_explorable,
    set_range,
    settle,
)

from kltools.exercises import ANSWERS

pytestmark = pytest.mark.book

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
PHONE = 320


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"no {AXE}: run `make book` (npm ci installs axe-core)")
    return AXE.read_text(encoding="utf-8")


def pages() -> list[str]:
    """Every page of the book, and index.html (the redirect to the first)."""
    return ["index", *toc_files()]


class _Redirect:
    """index.html itself, as served, but kept from following its redirect."""

    def __init__(self, browser, base_url):
        self.errors: list[str] = []
        text = (HTML / "index.html").read_text(encoding="utf-8")
        assert 'http-equiv="Refresh"' in text, "index.html is not the redirect"
        held = text.replace('http-equiv="Refresh"', 'data-http-equiv="Refresh"')
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.route(
            "**/index.html",
            lambda r: r.fulfill(body=held, content_type="text/html; charset=utf-8"),
        )
        self.page.goto(f"{base_url}/index.html", wait_until="domcontentloaded")

    def close(self):
        self.page.close()


def open_page(browser, base_url, name: str):
    """A loaded page with its explorables rendered and its maths typeset."""
    if name == "index":
        return _Redirect(browser, base_url)
    p = Page(browser, f"{base_url}/{name}.html")
    settle(p.page)
    if has_explorable(name):  # an explorable, or an answer box, has rendered
        p.page.wait_for_selector(
            ".kl-explorable[data-values], .kl-answer .kle-answer-box", timeout=15000
        )
    return p


def axe(page, source: str, rules: list[str] | None = None) -> list[dict]:
    """The serious and critical violations axe-core finds on the page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    options = (
        {"runOnly": {"type": "rule", "values": rules}}
        if rules
        else {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    )
    found = page.evaluate(
        "async (o) => (await axe.run(document, o)).violations.map(v => ({"
        "id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n =>"
        " n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n')[1])}))",
        {**options, "resultTypes": ["violations"]},
    )
    return [v for v in found if v["impact"] in SERIOUS]


@pytest.mark.parametrize("name", pages())
def test_no_serious_accessibility_violations(browser, base_url, axe_source, name):
    p = open_page(browser, base_url, name)
    try:
        light = axe(p.page, axe_source)
        assert not light, f"axe, light theme: {json.dumps(light, indent=1)}"
        if name == "index":
            return
        p.page.evaluate(
            "document.documentElement.dataset.theme = 'dark';"
            "document.documentElement.dataset.mode = 'dark'"
        )
        p.page.wait_for_timeout(300)
        dark = axe(p.page, axe_source, ["color-contrast"])
        assert not dark, f"axe, dark theme: {json.dumps(dark, indent=1)}"
        # the explorables follow the theme: no light slab on a dark page
        slabs = p.page.evaluate(
            "() => [...document.querySelectorAll('.kl-explorable .kle-plot,"
            " .widget-subarea:has(> .kl-explorable, > .kl-answer)')]"
            ".map(s => getComputedStyle(s).backgroundColor)"
            ".filter(c => c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent')"
        )
        assert not slabs, f"figures with their own background in the dark: {slabs}"
        assert not p.errors, p.errors
    finally:
        p.close()


#: Displayed equations (MathJax's) that a phone cannot read in full: wider
#: than their box without scrolling, or cut off by a box around them.
CLIPPED_MATHS = """(w) =>
  [...document.querySelectorAll('mjx-container[display="true"]')]
  .filter(m => m.getBoundingClientRect().width > 0).map(m => {
    const own = getComputedStyle(m).overflowX;
    const scrolls = own === 'auto' || own === 'scroll';
    const wider = m.scrollWidth > m.clientWidth + 1;
    let right = m.getBoundingClientRect().right;
    if (!scrolls) {
      for (const c of m.children) {
        right = Math.max(right, c.getBoundingClientRect().right);
      }
    }
    let a = m.parentElement, cut = false;
    for (; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === 'visible') continue;
      cut = right > a.getBoundingClientRect().right + 1;
      break;
    }
    const where = (m.closest('[id]')?.id || '?') + ': ';
    return (wider && !scrolls) || cut || right > w + 1
      ? where + (m.textContent || '').slice(0, 40) : null;
  }).filter(Boolean).slice(0, 5)"""


@pytest.mark.parametrize("name", toc_files())
def test_no_sideways_scrolling_at_320px(browser, base_url, name):
    p = open_page(browser, base_url, name)
    try:
        p.page.set_viewport_size({"width": PHONE, "height": 800})
        p.page.wait_for_timeout(400)
        width = p.page.evaluate("document.documentElement.scrollWidth")
        wide = p.page.evaluate(
            "(w) => [...document.querySelectorAll('.bd-article *')]"
            ".filter(e => e.getBoundingClientRect().right > w + 1"
            " && !e.closest('pre, .highlight, .cell_output, mjx-container, table'))"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className)",
            PHONE,
        )
        assert width <= PHONE and not wide, (
            f"{name} is {width} px wide at {PHONE} px: {wide}"
        )
        # a displayed equation wider than the page scrolls inside its own box,
        # and nothing around it cuts it off (as a proof box's overflow would)
        clipped = p.page.evaluate(CLIPPED_MATHS, PHONE)
        assert not clipped, f"equations cut off at {PHONE} px: {clipped}"
        small = p.page.evaluate(
            """() => [...document.querySelectorAll('.kl-explorable text')]
              .filter(t => t.textContent.trim() && t.getBoundingClientRect().width
                && getComputedStyle(t).visibility !== 'hidden')
              .map(t => {
                const svg = t.ownerSVGElement;
                const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * k];
              }).filter(([, px]) => px < 10.9).slice(0, 5)"""
        )
        assert not small, f"explorable text under 11 px at {PHONE} px: {small}"
    finally:
        p.close()


#: The keys every slider answers, in an order where each one moves it.
KEYS = ("Home", "ArrowUp", "PageUp", "End", "ArrowDown", "PageDown")


def slider_state(mark) -> dict:
    return mark.evaluate(
        "m => ({role: m.getAttribute('role'), name: m.getAttribute('aria-label'),"
        " now: m.getAttribute('aria-valuenow'), min: m.getAttribute('aria-valuemin'),"
        " max: m.getAttribute('aria-valuemax'), text: m.getAttribute('aria-valuetext'),"
        " inImg: !!m.parentElement.closest('[role=img]')})"
    )


@pytest.mark.parametrize("name", explorable_pages())
def test_explorables_work_by_keyboard_and_screen_reader(browser, base_url, name):
    p = Page(browser, f"{base_url}/{name}.html")
    page = p.page
    try:
        page.wait_for_selector(".kl-explorable[data-values]", timeout=15000)
        widgets = page.locator(".kl-explorable")
        for w in range(widgets.count()):
            widget = widgets.nth(w)
            kind = widget.get_attribute("data-kind")
            # one polite summary; the numbers themselves are not live regions
            assert widget.locator(".kle-live[aria-live='polite']").count() == 1, kind
            loud = widget.locator("output:not([aria-live='off'])").count()
            assert loud == 0, f"{kind}: {loud} outputs announce themselves"
            sliders = widget.locator("input[type='range']")
            for i in range(sliders.count()):
                ctl = sliders.nth(i)
                text = ctl.get_attribute("aria-valuetext")
                value = ctl.evaluate(
                    "e => e.parentElement.querySelector('.kle-value')?.textContent"
                )
                assert text and (value is None or text == value.strip()), (
                    kind,
                    ctl.get_attribute("data-control"),
                    text,
                    value,
                )
            marks = widget.locator("[data-drag]")
            for i in range(marks.count()):
                mark = marks.nth(i)
                state = slider_state(mark)
                label = f"{kind}: {state['name']!r}"
                assert state["role"] == "slider", label
                assert state["name"] and not state["inImg"], label
                lo, hi = float(state["min"]), float(state["max"])
                assert lo < hi, label
                assert state["text"] and state["name"] in state["text"], label
                mark.scroll_into_view_if_needed()
                mark.focus()
                top = page.evaluate("scrollY")
                for key in KEYS:
                    before = slider_state(mark)
                    page.keyboard.press(key)
                    after = slider_state(mark)
                    now = float(after["now"])
                    if key == "Home":
                        assert now == pytest.approx(lo), (label, key)
                    elif key == "End":
                        assert now == pytest.approx(hi), (label, key)
                    else:  # a 2-D marker's Up/Down move what its text says
                        moved = (after["now"], after["text"]) != (
                            before["now"],
                            before["text"],
                        )
                        assert moved, (label, key, before, after)
                    check_against_kltools(widget)
                assert page.evaluate("scrollY") == top, f"{label}: keys scrolled"
        assert not p.errors, p.errors
    finally:
        p.close()


# one kind of each interaction: a bar, a table cell, a 2-D marker, a slider
TOUCH = [
    ("notebooks/01_kl_divergence", "two_distributions", "rect[data-bar='p-0']", -40),
    ("notebooks/13_mutual_information", "mi_joint_table", "[data-cell='0-0']", -40),
    ("notebooks/07_vae", "latent_space", "[data-drag]", -40),
    ("notebooks/01_kl_divergence", "black_swan", "input[type='range']", 0),
]


def _chapter_page(kind_page: str) -> str | None:
    """The page in the toc whose name ends like ``kind_page`` (numbers move)."""
    stem = kind_page.split("/", 1)[1].split("_", 1)[1]
    for name in toc_files():
        if name.startswith("notebooks/") and name.split("_", 1)[1] == stem:
            return name
    return None


@pytest.mark.parametrize(("where", "kind", "target", "dy"), TOUCH)
def test_touch_drags_without_scrolling(browser, base_url, where, kind, target, dy):
    name = _chapter_page(where)
    if name is None:
        pytest.skip(f"no chapter like {where} in the book")
    context = browser.new_context(
        viewport={"width": 400, "height": 800}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto(f"{base_url}/{name}.html", wait_until="networkidle")
        page.wait_for_selector(f".kl-explorable[data-kind='{kind}']", timeout=15000)
        widget = page.locator(f".kl-explorable[data-kind='{kind}']").first
        mark = widget.locator(target).first
        mark.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        box = mark.bounding_box()
        x = box["x"] + box["width"] * (0.2 if dy == 0 else 0.5)
        y = box["y"] + box["height"] / 2
        to_x, to_y = (x + box["width"] * 0.6, y) if dy == 0 else (x, y + dy)
        before = widget.get_attribute("data-values")
        top = page.evaluate("scrollY")
        cdp = context.new_cdp_session(page)
        touch = "Input.dispatchTouchEvent"
        cdp.send(touch, {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for k in range(1, 9):
            f = k / 8
            point = {"x": x + f * (to_x - x), "y": y + f * (to_y - y)}
            cdp.send(touch, {"type": "touchMove", "touchPoints": [point]})
        cdp.send(touch, {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(200)
        assert widget.get_attribute("data-values") != before, f"{kind}: no change"
        assert page.evaluate("scrollY") == top, f"{kind}: the page scrolled"
        check_against_kltools(widget)
    finally:
        context.close()


def answer_pages() -> list[str]:
    """Chapter pages whose chapter has numeric exercises."""
    numbers = {int(ex.split(".")[0]) for ex in ANSWERS}
    names = []
    for name in toc_files():
        match = re.match(r"notebooks/(\d+)_", name)
        if match and int(match.group(1)) in numbers:
            names.append(name)
    return names


def test_every_chapter_with_answers_is_a_page():
    listed = {int(re.match(r"notebooks/(\d+)_", n).group(1)) for n in answer_pages()}
    missing = sorted({ex for ex in ANSWERS if int(ex.split(".")[0]) not in listed})
    assert not missing, f"exercises whose chapter is not in the book: {missing}"


def _typed(x: float) -> str:
    return "inf" if x == math.inf else "-inf" if x == -math.inf else f"{x:.7g}"


@pytest.mark.parametrize("name", answer_pages())
def test_every_exercise_is_answered_on_its_page(browser, base_url, name):
    number = int(re.match(r"notebooks/(\d+)_", name).group(1))
    ids = sorted(ex for ex in ANSWERS if int(ex.split(".")[0]) == number)
    p = Page(browser, f"{base_url}/{name}.html")
    page = p.page
    try:
        page.wait_for_load_state("networkidle")
        if ids:
            page.wait_for_selector(".kle-answer-box[data-exercise]", timeout=15000)
        missing = [ex for ex in ids if not page.locator(_box(ex)).count()]
        assert not missing, f"{name}: no answer box for {missing}"
        for ex in ids:
            value = ANSWERS[ex][1]()
            box = page.locator(_box(ex)).first
            said = box.locator("[data-feedback]")
            wrong = value * 1.5 if math.isfinite(value) and value else value + 1
            for typed, right in ((_typed(value), True), (_typed(wrong), False)):
                box.locator("input").fill(typed)
                box.locator("input").press("Enter")
                text = said.inner_text()
                assert text.startswith("Correct") == right, (ex, typed, text)
            assert "too high" in text or "too low" in text, (ex, text)
            box.locator("input").fill("not a number")
            box.locator("button").click()
            text = said.inner_text()
            assert "too" not in text and not text.startswith("Correct"), (ex, text)
        assert not p.errors, p.errors
    finally:
        p.close()


def _box(exercise: str) -> str:
    return f".kle-answer-box[data-exercise='{exercise}']"
