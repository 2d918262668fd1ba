"""Page weight and load time of the built site, in a real browser (issue 18).

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_pages.py``)
after ``make book``. It serves the built site (``_build/html``, or
``KL_SITE_DIR``) from localhost and loads pages in headless Chromium (Debian's
``/usr/bin/chromium``, driven by Playwright, with the browser tests' launch
arguments), each time in a fresh browser context, so with a cold cache. For
each page it records

* **transfer**: the bytes received (headers and bodies) for every request the
  page made until the network was idle and everything below had happened.
  The test server does not compress, so this is the uncompressed weight;
  **gzip** is what the same files weigh gzipped (level 6, each on its own),
  roughly what a static host sends;
* **requests**: how many requests went to the server (``data:`` and ``blob:``
  URLs are not requests), and how many went off-site (must be none);
* **explorables live**: from navigation start until every explorable on the
  page (one per widget view the page embeds) has drawn itself and shows its
  numbers (``.kl-explorable[data-values]`` with ``output[data-value]``), and
  every answer box shows its form (``.kl-answer`` with ``.kle-answer-box``), timed
  by a poll on the page's own main thread, so a page busy with other work
  counts as not live yet; once loaded, every explorable with a slider is
  also checked to respond (moving the slider changes its ``data-values``);
* **maths typeset**: from navigation start until every ``.math`` element
  holds its ``mjx-container`` (and, if MathJax runs in the browser, its
  start-up typesetting has finished) and the fonts in use have loaded.

Chapter 01 (the first chapter of ``_toc.yml``, whatever its file is called)
and the heaviest chapter are loaded ``--runs`` times (median times), every
other page of the table of contents once, for its weight; chapter 01's bytes
are also split by what they are for. With ``--slow``, chapter 01 is loaded
once more over an emulated slow connection (150 ms round trip, 1.6 Mbit/s).

The figures print next to the site's before issue 18: ``BEFORE`` below
(measured with this benchmark on this 2-core machine, while it was shared, so
the times are slower than on a quiet one), or, with ``--baseline DIR``, a
built site in DIR measured in the same run, its key pages interleaved with
this one's, so both see the same machine load. The goals of issue 18 are
checked last: chapter 01 at most 3 MB (aim 1.5 MB), no chapter above 3.5 MB,
explorables live and maths typeset within 1 s of navigation on localhost.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("KL_SITE_DIR", ROOT / "_build" / "html"))
TOC = Path(os.environ.get("KL_TOC", ROOT / "_toc.yml"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [  # as tests/test_site.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: No host resolves but localhost: a request off the site fails at once.
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
MB = 1e6
#: The goals of issue 18.
GOAL_CH01 = 3.0 * MB
AIM_CH01 = 1.5 * MB
GOAL_CHAPTER = 3.5 * MB
GOAL_S = 1.0
#: The emulated slow connection: round trip (ms), down and up speeds (bit/s).
SLOW = {"latency": 150, "down": 1.6e6, "up": 0.75e6}

#: The site before issue 18 (require.js and the ipywidgets HTML manager to
#: start the explorables, Font Awesome as JavaScript and as web fonts,
#: MathJax's tex-mml-chtml in the browser, the search index on every page),
#: measured with this benchmark (``--baseline`` on a copy of that build,
#: medians of 3 loads) on this 2-core machine while it was shared (load
#: average 5 to 10). The issue's own figures, from a quieter machine: 8.07 MB
#: in 51 requests, live at about 2.4 s, about 40 s over the slow connection.
BEFORE = {
    "chapter 01": {
        "transfer": 8.07 * MB,
        "gzip": 2.59 * MB,
        "requests": 49,
        "live": 6.02,
        "math": 5.85,
    },
    "heaviest": {
        "name": "notebooks/05_vae",
        "transfer": 8.38 * MB,
        "gzip": 2.74 * MB,
        "requests": 51,
        "live": 7.18,
        "math": 7.01,
    },
    "slow": {"transfer": 8.07 * MB, "requests": 49, "live": 44.57, "math": 44.02},
}

#: What each file of a page is for, by the first pattern its path matches.
PARTS = [
    (
        "widgets: require.js, HTML manager, anywidget",
        r"vendor/(require|html-manager|anywidget|widgets-config)",
    ),
    ("widgets: kl-widgets.js", r"kl-widgets\.js"),
    ("stylesheets, in one bundle (theme's included)", r"kl-bundle/.*\.css$"),
    ("head scripts, in one bundle", r"kl-bundle/.*\.js$"),
    ("Font Awesome JavaScript", r"fontawesome\.js"),
    ("Font Awesome web fonts", r"fontawesome/webfonts/"),
    (
        "MathJax JavaScript",
        r"mathjax/.*\.js|mathjax/(input|output|a11y|ui|adaptors|sre)/.*\.js",
    ),
    ("MathJax fonts", r"mathjax/.*\.woff"),
    ("search index and tools", r"searchindex\.js|searchtools\.js|language_data\.js"),
    ("theme CSS (pydata-sphinx-theme)", r"styles/pydata-sphinx-theme\.css"),
    ("other CSS", r"\.css$"),
    ("other JavaScript", r"\.js$"),
    ("images", r"\.(png|svg|jpe?g|gif)$"),
    ("the page's HTML", r"\.html$"),
]

#: Runs in every page before its own scripts: records when each explorable
#: first shows its numbers and when the maths is typeset (with its fonts).
TIMING_JS = r"""
(() => {
  const t = { live: [], math: null, mathDom: null };
  window.__kl_t = t;
  const seen = new WeakSet();
  const mathjaxPage = () => !!document.querySelector('script[src*="mathjax"]');
  function mathTypeset() {
    if (document.readyState === "loading") return false;
    const maths = document.querySelectorAll(".math");
    if (!maths.length) return false;
    if (mathjaxPage()) {
      const mj = window.MathJax;
      if (!mj || !mj.startup || !mj.startup.promise) return false;
      if (!t._hooked) {
        t._hooked = true;
        mj.startup.promise.then(() => (t._mjDone = true));
      }
      if (!t._mjDone) return false;
    }
    for (const m of maths) if (!m.querySelector("mjx-container")) return false;
    return true;
  }
  function poll() {
    // an explorable shows its numbers; an answer box (a widget view too)
    // shows its form
    const ready = [
      ...document.querySelectorAll(".kl-explorable[data-values]"),
    ].filter((el) => el.querySelector("output[data-value]"));
    ready.push(...document.querySelectorAll(".kl-answer:has(.kle-answer-box)"));
    for (const el of ready) {
      if (!seen.has(el)) {
        seen.add(el);
        t.live.push(performance.now());
      }
    }
    if (t.mathDom === null && mathTypeset()) {
      t.mathDom = performance.now();
      document.fonts.ready.then(() => (t.math = performance.now()));
    }
  }
  setInterval(poll, 5);
})();
"""

#: After loading: move the first slider of every explorable; did it respond?
RESPONDS_JS = r"""
() => [...document.querySelectorAll(".kl-explorable")].map((w) => {
  const s = w.querySelector("input[type='range'][data-control]");
  if (!s) return null;
  const before = w.getAttribute("data-values");
  s.value = s.value === s.min ? s.max : s.min;
  s.dispatchEvent(new Event("input"));
  return w.getAttribute("data-values") !== before;
})
"""


def toc_files(toc: Path = TOC) -> list[str]:
    """Every document named in _toc.yml, the root first (read as the build reads it)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from reader_notebooks import toc_docnames
    finally:
        sys.path.pop(0)
    return toc_docnames(toc)


class Site:
    """A built site served from localhost, and the pages to measure on it."""

    def __init__(self, root: Path, pages: list[str]):
        self.root = root
        self.pages = [p for p in pages if (root / f"{p}.html").exists()]
        self.chapters = [p for p in self.pages if p.startswith("notebooks/")]
        handler = functools.partial(_QuietHandler, directory=root)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def expected(self, name: str) -> tuple[int, bool]:
        """Explorable views the page embeds, and whether it has maths."""
        text = (self.root / f"{name}.html").read_text(encoding="utf-8")
        state = re.search(
            r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
            text,
            re.S,
        )
        models = json.loads(state.group(1))["state"] if state else {}
        n = 0
        for view in re.findall(
            r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>',
            text,
            re.S,
        ):
            model = models.get(json.loads(view)["model_id"], {})
            n += model.get("state", {}).get("_model_module") == "anywidget"
        return n, 'class="math' in text

    def gzipped(self, url: str) -> int:
        path = self.root / unquote(urlsplit(url).path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        return _gzipped_size(path) if path.is_file() else 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@functools.cache
def _gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def measure(browser, site: Site, name: str, *, slow: bool = False) -> dict:
    """Load one page cold; its weight (bytes) and timings (seconds)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    n_live, has_math = site.expected(name)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if slow:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": SLOW["latency"],
                "downloadThroughput": SLOW["down"] / 8,
                "uploadThroughput": SLOW["up"] / 8,
            },
        )
    urls: dict[str, str] = {}
    received: dict[str, float] = {}
    errors: list[str] = []
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]),
    )

    # Requests are not intercepted (routing every request through Playwright
    # would add its own delay to each): the browser is launched with no host
    # but localhost resolvable (OFFLINE_ARGS), so a request off the site fails
    # at once, and the DevTools events above say which URLs were asked for.
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(TIMING_JS)
    timeout = 240_000 if slow else 30_000
    page.goto(f"{site.base}/{name}.html", wait_until="load", timeout=timeout)
    try:
        page.wait_for_function(
            "([n, m]) => window.__kl_t.live.length >= n && (!m || window.__kl_t.math)",
            arg=[n_live, has_math],
            timeout=timeout,
            polling=50,
        )
    except PlaywrightTimeout:
        errors.append(f"not live or not typeset after {timeout / 1000:g} s")
    page.wait_for_load_state("networkidle", timeout=timeout)
    t = page.evaluate("window.__kl_t")
    responds = [r for r in page.evaluate(RESPONDS_JS) if r is not None]
    context.close()
    offsite = [
        u for u in urls.values() if not u.startswith((site.base, "data:", "blob:"))
    ]
    sizes = {urls[k]: v for k, v in received.items() if k in urls}
    sizes = {u: v for u, v in sizes.items() if not u.startswith(("data:", "blob:"))}
    live = max(t["live"]) / 1000 if n_live and t["live"] else None
    math = t["math"] / 1000 if has_math and t["math"] else None
    print(  # progress, while the table waits for every page
        f"  loaded {site.root.name}:{name}{' (slow)' if slow else ''}:"
        f" {fmt_mb(sum(sizes.values()))}, live {fmt_s(live)}, maths {fmt_s(math)}"
        f"{', ' + errors[0] if errors else ''}",
        file=sys.stderr,
        flush=True,
    )
    return {
        "name": name,
        "transfer": sum(sizes.values()),
        "gzip": sum(site.gzipped(u) for u in sizes),
        "requests": len(sizes),
        "offsite": offsite,
        "errors": errors,
        "explorables": n_live,
        "responding": f"{sum(responds)}/{len(responds)}",
        "live": live,
        "math": math,
        "sizes": sizes,
    }


def median_of(runs: list[dict]) -> dict:
    out = dict(runs[0])
    for key in ("live", "math"):
        vals = [r[key] for r in runs if r[key] is not None]
        out[key] = statistics.median(vals) if vals else None
    out["runs"] = len(runs)
    out["errors"] = [e for r in runs for e in r["errors"]]
    out["offsite"] = [u for r in runs for u in r["offsite"]]
    return out


def parts(sizes: dict[str, float]) -> dict[str, float]:
    out = {label: 0.0 for label, _ in PARTS}
    out["other"] = 0.0
    for url, n in sizes.items():
        path = urlsplit(url).path
        label = next((lbl for lbl, rx in PARTS if re.search(rx, path)), "other")
        out[label] += n
    return out


def fmt_mb(x) -> str:
    return "-" if x is None else f"{x / MB:.2f} MB"


def fmt_s(x) -> str:
    return "-" if x is None else f"{x:.2f} s"


def row(label: str, m: dict) -> str:
    return (
        f"  {label:<34}{fmt_mb(m.get('transfer')):>10}{fmt_mb(m.get('gzip')):>10}"
        f"{m.get('requests', '-')!s:>9}{fmt_s(m.get('live')):>10}"
        f"{fmt_s(m.get('math')):>9}"
    )


HEADER = (
    f"  {'':<34}{'transfer':>10}{'gzip':>10}{'requests':>9}{'live':>10}{'maths':>9}"
)


def measure_site(browser, site: Site, runs: int, baseline=None) -> dict:
    """Every page once, then chapter 01 and the heaviest chapter ``runs`` times,
    interleaved with the same pages of ``baseline`` (a (Site, dict) pair)."""
    results = {name: measure(browser, site, name) for name in site.pages}
    first = site.chapters[0]
    heaviest = max(site.chapters, key=lambda n: results[n]["transfer"])
    key = list(dict.fromkeys([first, heaviest]))
    repeats = {name: [results[name]] for name in key}
    for _ in range(runs - 1):
        for name in key:
            repeats[name].append(measure(browser, site, name))
        if baseline is not None:
            bsite, bres = baseline
            for name in bres["key"]:
                bres["repeats"][name].append(measure(browser, bsite, name))
    for name in key:
        results[name] = median_of(repeats[name])
    return {
        "pages": results,
        "first": first,
        "heaviest": heaviest,
        "key": key,
        "repeats": repeats,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="loads of the key pages")
    ap.add_argument("--slow", action="store_true", help="also over a slow connection")
    ap.add_argument("--baseline", type=Path, help="a site built before, to compare")
    ap.add_argument("--json", type=Path, help="write every measurement here")
    ap.add_argument("--detail", action="store_true", help="list the key pages' files")
    args = ap.parse_args(argv)
    # `make bench` runs this after the other benchmarks: without a site or a
    # browser it says why and stops, without failing them.
    if not (SITE / "index.html").exists():
        print(f"bench_pages: skipped, no built site in {SITE} (run `make book`)")
        return 0
    if not Path(CHROMIUM).exists():
        print(f"bench_pages: skipped, no Chromium at {CHROMIUM} (apt-get install it)")
        return 0
    if args.baseline and not (args.baseline / "index.html").exists():
        print(f"no built site in {args.baseline}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    site = Site(SITE, toc_files())
    base = None
    if args.baseline:
        # the baseline's own chapters: its notebooks, in the order of their names
        names = sorted(p.stem for p in (args.baseline / "notebooks").glob("*.html"))
        base = Site(args.baseline, [f"notebooks/{n}" for n in names])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS + OFFLINE_ARGS
        )
        bres = None
        if base is not None:
            bres = {"pages": {n: measure(browser, base, n) for n in base.pages}}
            bres["first"] = base.chapters[0]
            bres["heaviest"] = max(
                base.chapters, key=lambda n: bres["pages"][n]["transfer"]
            )
            bres["key"] = list(dict.fromkeys([bres["first"], bres["heaviest"]]))
            bres["repeats"] = {n: [bres["pages"][n]] for n in bres["key"]}
        now = measure_site(browser, site, args.runs, (base, bres) if base else None)
        if bres is not None:
            for name in bres["key"]:
                bres["pages"][name] = median_of(bres["repeats"][name])
        slow = slow_base = None
        if args.slow:
            slow = measure(browser, site, now["first"], slow=True)
            if base is not None:
                slow_base = measure(browser, base, bres["first"], slow=True)
        browser.close()
    for s in (site, base):
        if s is not None:
            s.server.shutdown()
    load = os.getloadavg()[0]

    pages, first, heaviest = now["pages"], now["first"], now["heaviest"]
    if bres is not None:
        before = {
            "chapter 01": bres["pages"][bres["first"]],
            "heaviest": bres["pages"][bres["heaviest"]],
            "slow": slow_base or {},
        }
        origin = f"measured now in {args.baseline}"
    else:
        before = BEFORE
        origin = "BEFORE in this file"
    print(f"Page weight and load time: Chromium, cold cache, localhost ({SITE})")
    print(f"before issue 18: {origin}; medians of {args.runs} loads")
    print(HEADER)
    print(f"chapter 01 ({first})")
    print(row("before", before["chapter 01"]))
    print(row("now", pages[first]))
    bname = before["heaviest"].get("name", "")
    print(f"heaviest chapter (now {heaviest}, before {bname})")
    print(row("before", before["heaviest"]))
    print(row("now", pages[heaviest]))
    if slow:
        print(
            f"chapter 01 over a slow connection ({SLOW['latency']} ms round trip, "
            f"{SLOW['down'] / 1e6:g} Mbit/s)"
        )
        print(row("before", before["slow"]))
        print(row("now", slow))
    print("chapter 01, bytes by what they are for:")
    now_parts = parts(pages[first]["sizes"])
    base_parts = parts(before["chapter 01"]["sizes"]) if bres is not None else None
    for label in now_parts:
        b = f"{base_parts[label] / 1e3:8.0f} kB -> " if base_parts else ""
        if now_parts[label] or (base_parts and base_parts[label]):
            print(f"  {label:<46}{b}{now_parts[label] / 1e3:8.0f} kB")
    print("every page of the table of contents, once (times of one load):")
    for name, m in pages.items():
        print(row(name, m))
    if args.detail:
        for name in now["key"]:
            print(f"files of {name}:")
            sizes = sorted(pages[name]["sizes"].items(), key=lambda x: -x[1])
            for url, n in sizes:
                print(f"  {n / 1e3:9.1f} kB  {urlsplit(url).path.lstrip('/')}")
    bad = {n: (m["offsite"], m["errors"]) for n, m in pages.items()}
    bad = {n: v for n, v in bad.items() if v[0] or v[1]}
    responding = {n: pages[n]["responding"] for n in now["key"]}
    worst = max(pages[n]["transfer"] for n in site.chapters)
    goals = [
        ("chapter 01 at most 3 MB", pages[first]["transfer"] <= GOAL_CH01),
        ("chapter 01 at most 1.5 MB (the aim)", pages[first]["transfer"] <= AIM_CH01),
        ("no chapter above 3.5 MB", worst <= GOAL_CHAPTER),
        (
            "explorables live within 1 s (chapter 01, heaviest)",
            all((pages[n]["live"] or 0) <= GOAL_S for n in now["key"]),
        ),
        (
            "maths typeset within 1 s (chapter 01, heaviest)",
            all((pages[n]["math"] or 0) <= GOAL_S for n in now["key"]),
        ),
        ("no request off the site, no console error", not bad),
    ]
    print(f"goals of issue 18 (load average now {load:.1f} on {os.cpu_count()} cores):")
    for label, ok in goals:
        print(f"  {'holds' if ok else 'FAILS'}: {label}")
    print(f"  explorables responding to a slider: {responding}")
    for name, (off, err) in bad.items():
        print(f"  {name}: off-site {off[:3]}, errors {err[:3]}")
    print(f"({len(pages)} pages, {time.perf_counter() - t0:.0f} s)")
    if args.json:
        out = {"now": now["pages"], "baseline": bres and bres["pages"], "slow": slow}
        args.json.write_text(json.dumps(out, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
