"""Bias and spread of kltools' sample estimators against closed forms.

Run with ``.venv/bin/python benchmarks/bench_estimators.py`` (not part of the
tests: a full run takes some seconds). For n = 100, 300, 1000, 3000 samples
it draws ``--seeds`` seeded data sets (``numpy.random.default_rng(seed)``)
and prints, for each estimator, the mean and standard deviation of the
estimate over seeds, the bias (mean - truth) and the root mean square
error, all in nats, next to the closed form:

* ``knn_kl_divergence`` (k = 1 and k = 5) for D(N(0, I) || N((1, 0), S)) in
  2-D with S = [[2, 0.5], [0.5, 1]]: 0.42267 nats;
* ``knn_mutual_information`` (KSG, k = 3) for a bivariate Gaussian with
  correlation 0.6: -1/2 log(1 - 0.36) = 0.22314 nats;
* ``monte_carlo_kl`` for the same 2-D Gaussian pair, with the mean reported
  standard error next to the observed spread;
* ``plugin_entropy`` with and without the Miller-Madow correction for the
  uniform distribution on 32 symbols: log 32 = 3.46574 nats.

The tests (tests/test_estimators.py) take their tolerances from these
numbers.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

import kltools as kt

SIZES = (100, 300, 1000, 3000)

MEAN_P, COV_P = np.zeros(2), np.eye(2)
MEAN_Q, COV_Q = np.array([1.0, 0.0]), np.array([[2.0, 0.5], [0.5, 1.0]])
RHO = 0.6
N_SYMBOLS = 32


def gaussian_kl_truth() -> float:
    """D(N(MEAN_P, COV_P) || N(MEAN_Q, COV_Q)) in nats, by the closed form."""
    return kt.mvn_kl(MEAN_P, COV_P, MEAN_Q, COV_Q, base=math.e)


def log_mvn(mean: np.ndarray, cov: np.ndarray):
    inv = np.linalg.inv(cov)
    log_norm = -0.5 * math.log((2 * math.pi) ** len(mean) * np.linalg.det(cov))

    def log_pdf(x: np.ndarray) -> np.ndarray:
        d = x - mean
        return log_norm - 0.5 * np.einsum("ni,ij,nj->n", d, inv, d)

    return log_pdf


def gaussian_pair(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.multivariate_normal(MEAN_P, COV_P, size=n)
    y = rng.multivariate_normal(MEAN_Q, COV_Q, size=n)
    return x, y


def correlated(n: int, seed: int) -> np.ndarray:
    cov = [[1.0, RHO], [RHO, 1.0]]
    return np.random.default_rng(seed).multivariate_normal([0.0, 0.0], cov, size=n)


def estimators():
    """(name, truth in nats, function (n, seed) -> estimate in nats)."""
    log_p, log_q = log_mvn(MEAN_P, COV_P), log_mvn(MEAN_Q, COV_Q)
    kl = gaussian_kl_truth()
    mi = -0.5 * math.log(1 - RHO**2)
    h = math.log(N_SYMBOLS)

    def knn(k):
        def run(n, seed):
            x, y = gaussian_pair(n, seed)
            return kt.knn_kl_divergence(x, y, k=k, base=math.e)

        return run

    def ksg(n, seed):
        z = correlated(n, seed)
        return kt.knn_mutual_information(z[:, 0], z[:, 1], k=3, base=math.e)

    def mc(n, seed):
        x, _ = gaussian_pair(n, seed)
        return kt.monte_carlo_kl(x, log_p, log_q, base=math.e)

    def plugin(mm):
        def run(n, seed):
            s = np.random.default_rng(seed).integers(0, N_SYMBOLS, size=n)
            return kt.plugin_entropy(s, base=math.e, miller_madow=mm)

        return run

    return [
        ("knn_kl_divergence k=1", kl, knn(1)),
        ("knn_kl_divergence k=5", kl, knn(5)),
        ("knn_mutual_information k=3", mi, ksg),
        ("monte_carlo_kl", kl, mc),
        ("plugin_entropy", h, plugin(False)),
        ("plugin_entropy miller_madow", h, plugin(True)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="data sets per cell")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)

    print(f"Estimates in nats over {args.seeds} seeds (0 ... {args.seeds - 1})")
    header = (
        f"{'estimator':<28} {'n':>5} {'truth':>8} {'mean':>8} {'sd':>7} "
        f"{'bias':>8} {'rmse':>7} {'ms/call':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, truth, fn in estimators():
        for n in args.sizes:
            start = time.perf_counter()
            results = [fn(n, seed) for seed in range(args.seeds)]
            per_call = (time.perf_counter() - start) / args.seeds * 1e3
            extra = ""
            if isinstance(results[0], kt.Estimate):
                extra = f"  (mean stderr {np.mean([r.stderr for r in results]):.4f})"
                results = [r.value for r in results]
            est = np.array(results)
            bias = est.mean() - truth
            rmse = math.sqrt(np.mean((est - truth) ** 2))
            print(
                f"{name:<28} {n:>5} {truth:>8.4f} {est.mean():>8.4f} "
                f"{est.std(ddof=1):>7.4f} {bias:>+8.4f} {rmse:>7.4f} "
                f"{per_call:>8.2f}{extra}"
            )
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
