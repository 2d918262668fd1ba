"""Speed of kltools' discrete measures against scipy and bare numpy.

Run with ``make bench``. Every contender is timed in a fresh Python process of
its own (this script runs itself with ``--worker``): the allocator state that
one library leaves behind changes another's timings several-fold within one
process, so sharing a process would not be a fair race. Each worker builds
the same arrays from the same seed, calls its function once to warm up, and
reports the median of repeated calls.

A shared machine's speed drifts by tens of per cent within a minute (other
tenants, clock boost), which would favour whichever contender ran in a fast
moment. So every case is run in several rounds, each round timing every
contender once, in a rotating order, and a ratio is formed within each
round, from timings a few seconds apart. The parent prints, for every case,

* the median over the rounds of each contender's seconds per call: kltools,
  scipy and the bare numpy expression (no checks, and wrong where some p
  is 0),
* ``scipy/kt``: the median over the rounds of how many times faster
  kltools is than scipy, with the lowest and highest round in brackets,
* ``kt/bare``: likewise, kltools' time as a multiple of the bare
  expression's,

with the goals of issue 19 and whether the medians meet them. The cases: KL
divergence of dense distributions for n = 10^3 ... 10^7;
KL, entropy and Jensen-Shannon of sparse ones (one zero of p in every 1000
outcomes, as in a histogram with empty bins); one-hot cross entropy
(10^6 labels over 10 classes against predicted probabilities); and a batch
of 10^6 KL divergences over 10 outcomes. The values of kltools and scipy are
checked against each other on the way.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time

#: How each contender is called, by case. ``p``, ``q`` (and ``y``) are the
#: arrays the worker builds; the strings are evaluated in the worker.
CASES: dict[str, dict[str, str]] = {
    "kl": {
        "kltools": "kt.kl_divergence(p, q, base=math.e)",
        "scipy": "scipy.stats.entropy(p, q)",
        "bare": "np.sum(p * np.log(p / q))",
    },
    "entropy": {
        "kltools": "kt.entropy(p, base=math.e)",
        "scipy": "scipy.stats.entropy(p)",
        "bare": "-np.sum(p * np.log(p))",
    },
    "cross_entropy": {
        "kltools": "kt.cross_entropy(p, q, base=math.e)",
        "scipy": "scipy.stats.entropy(p) + scipy.stats.entropy(p, q)",
        "bare": "-np.sum(p * np.log(q))",
    },
    "js": {
        "kltools": "kt.js_divergence(p, q, base=math.e)",
        "scipy": "scipy.spatial.distance.jensenshannon(p, q) ** 2",
        "bare": "0.5 * np.sum(p * np.log(2 * p / (p + q)))"
        " + 0.5 * np.sum(q * np.log(2 * q / (p + q)))",
    },
    "onehot_ce": {
        "kltools": "kt.cross_entropy(y, q, base=math.e)",
        "bare": "-(y * np.log(q)).sum(1)",
    },
    "batch_kl": {
        "kltools": "kt.kl_divergence(p, q, base=math.e)",
        "scipy": "scipy.stats.entropy(p, q, axis=1)",
        "bare": "np.sum(p * np.log(p / q), axis=1)",
    },
}


def build(layout: str, n: int):
    """The arrays of one case, identical in every process (fixed seed)."""
    import numpy as np

    rng = np.random.default_rng(0)
    if layout in ("dense", "sparse"):
        p = rng.random(n) + 0.01
        q = rng.random(n) + 0.01
        if layout == "sparse":
            p[::1000] = 0.0  # one empty bin per 1000
        return {"p": p / p.sum(), "q": q / q.sum()}
    if layout == "onehot":
        labels = rng.integers(0, 10, n)
        y = np.zeros((n, 10))
        y[np.arange(n), labels] = 1.0
        logits = rng.normal(size=(n, 10))
        q = np.exp(logits - logits.max(axis=1, keepdims=True))
        return {"y": y, "q": q / q.sum(axis=1, keepdims=True)}
    if layout == "batch":
        p = rng.random((n, 10)) + 0.01
        q = rng.random((n, 10)) + 0.01
        return {
            "p": p / p.sum(axis=1, keepdims=True),
            "q": q / q.sum(axis=1, keepdims=True),
        }
    raise ValueError(f"unknown layout {layout!r}")


def worker(case: str, contender: str, layout: str, n: int, budget: float) -> None:
    """Time one contender on one case in this (fresh) process; print JSON."""
    import numpy as np
    import scipy.spatial.distance
    import scipy.stats

    import kltools as kt

    env = {"np": np, "scipy": scipy, "kt": kt, "math": math, **build(layout, n)}
    code = compile(CASES[case][contender], "<bench>", "eval")
    value = eval(code, env)  # warm-up call, also the value to compare
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < 7 or (time.perf_counter() - start < budget and len(times) < 500):
        t0 = time.perf_counter()
        eval(code, env)
        times.append(time.perf_counter() - t0)
    summary = np.asarray(value, dtype=float).ravel()[:1000]
    print(
        json.dumps(
            {
                "median": statistics.median(times),
                "calls": len(times),
                "value": [float(v) for v in summary],
            }
        )
    )


def run(case: str, contender: str, layout: str, n: int, budget: float) -> dict:
    """Run :func:`worker` in a fresh interpreter and read its report."""
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        case,
        contender,
        "--layout",
        layout,
        "--n",
        str(n),
        "--budget",
        str(budget),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"worker {case}/{contender} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def race(case: str, layout: str, n: int, budget: float, rounds: int) -> dict:
    """Per-round medians of every contender of ``case``, one process each.

    Returns ``{contender: [seconds per call, one per round]}``; in round
    ``r`` the contenders run in an order rotated by ``r``.
    """
    names = list(CASES[case])
    times: dict[str, list[float]] = {c: [] for c in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        results = {c: run(case, c, layout, n, budget) for c in order}
        if "scipy" in results:
            ours = results["kltools"]["value"]
            theirs = results["scipy"]["value"]
            if not all(
                math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
                for a, b in zip(ours, theirs, strict=True)
            ):
                raise AssertionError(f"{case}: kltools and scipy disagree")
        for c in names:
            times[c].append(results[c]["median"])
    return times


def ratios(num: list[float], den: list[float]) -> tuple[float, float, float]:
    """Median, lowest and highest of the per-round ratios ``num / den``."""
    r = [a / b for a, b in zip(num, den, strict=True)]
    return statistics.median(r), min(r), max(r)


#: (label, case, layout, n, goal on scipy/kt or None, goal on kt/bare or None)
GOALS = [
    ("KL dense", "kl", "dense", 10**7, 5.0, 1.0),
    ("KL sparse", "kl", "sparse", 10**7, 5.0, 1.0),
    ("entropy sparse", "entropy", "sparse", 10**7, 2.0, None),
    ("JS sparse", "js", "sparse", 10**7, 3.0, None),
    ("one-hot cross entropy 1e6x10", "onehot_ce", "onehot", 10**6, None, 1.3),
    ("batched KL 1e6x10", "batch_kl", "batch", 10**6, 3.0, None),
    ("entropy dense", "entropy", "dense", 10**7, None, None),
    ("cross entropy dense", "cross_entropy", "dense", 10**7, None, None),
    ("JS dense", "js", "dense", 10**7, None, None),
]


def fmt(t: float | None, width: int = 9) -> str:
    return f"{t * 1e3:{width}.2f}" if t is not None else f"{'-':>{width}}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-exp", type=int, default=7)
    parser.add_argument(
        "--budget",
        type=float,
        default=0.6,
        help="seconds spent timing each contender in its process, per round"
        " (at least 7 calls; the median is kept)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds per case; the ratios reported are medians over rounds",
    )
    parser.add_argument(
        "--goals-only", action="store_true", help="skip the table over n"
    )
    parser.add_argument("--worker", nargs=2, metavar=("CASE", "CONTENDER"))
    parser.add_argument("--layout", default="dense")
    parser.add_argument("--n", type=int, default=10**6)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker, args.layout, args.n, args.budget)
        return 0

    import kltools._kernel

    print(f"kltools uses {kltools._kernel.threads()} thread(s) for arrays of")
    print(f"{kltools._kernel.THREADED_FROM} elements or more (KLTOOLS_THREADS);")
    print(f"{args.rounds} rounds per case, each contender in a fresh process")
    print("\nkl_divergence, dense: median ms per call")
    cols = ("kltools", "scipy", "bare", "scipy/kt")
    print(f"{'n':>9} " + " ".join(f"{c:>9}" for c in cols) + f" {'kt/bare':>8}")
    for e in range(3, 2 if args.goals_only else args.max_exp + 1):
        t = race("kl", "dense", 10**e, args.budget, args.rounds)
        med = {c: statistics.median(v) for c, v in t.items()}
        print(
            f"{10**e:>9} {fmt(med['kltools'])} {fmt(med['scipy'])} {fmt(med['bare'])}"
            f" {ratios(t['scipy'], t['kltools'])[0]:>9.2f}"
            f" {ratios(t['kltools'], t['bare'])[0]:>8.2f}",
            flush=True,
        )

    print("\ngoals of issue 19 (median ms per call; scipy/kt: x faster than scipy,")
    print("kt/bare: kltools' time over the bare expression's; medians over rounds,")
    print("[lowest, highest round])")
    header = (
        f"{'case':<29} {'kltools':>8} {'scipy':>8} {'bare':>8}"
        f" {'scipy/kt':>18} {'goal':>5} {'kt/bare':>18} {'goal':>6}  verdict"
    )
    print(header)
    all_met = True
    scale = 10 ** (args.max_exp - 7)  # smaller sizes with --max-exp < 7
    for label, case, layout, n, goal_sp, goal_bare in GOALS:
        n = max(1000, int(n * scale))
        t = race(case, layout, n, args.budget, args.rounds)
        med = {c: statistics.median(v) for c, v in t.items()}
        r_sp = ratios(t["scipy"], t["kltools"]) if "scipy" in t else None
        r_bare = ratios(t["kltools"], t["bare"]) if "bare" in t else None
        ok = (goal_sp is None or r_sp[0] >= goal_sp) and (
            goal_bare is None or r_bare[0] <= goal_bare
        )
        has_goal = goal_sp is not None or goal_bare is not None
        all_met &= ok

        def show(r):
            return f"{r[0]:.2f} [{r[1]:.2f}, {r[2]:.2f}]" if r else "-"

        print(
            f"{label:<29} {fmt(med['kltools'], 8)} {fmt(med.get('scipy'), 8)}"
            f" {fmt(med.get('bare'), 8)}"
            f" {show(r_sp):>18} {(f'>={goal_sp:g}' if goal_sp else ''):>5}"
            f" {show(r_bare):>18} {(f'<={goal_bare:g}' if goal_bare else ''):>6}"
            f"  {('met' if ok else 'MISSED') if has_goal else ''}",
            flush=True,
        )
    print(f"\nall goals {'met' if all_met else 'NOT met'}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
