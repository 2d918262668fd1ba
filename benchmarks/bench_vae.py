"""Wall time and quality of the recommended VAE training on the digits.

Run with ``.venv/bin/python benchmarks/bench_vae.py``. It trains
``kltools.vae.VAE`` on all 1797 8x8 digits with ``kltools.vae.RECOMMENDED``
(the chapter's settings), prints the wall time, the number of BLAS threads
numpy may use, and the final ELBO, reconstruction and KL terms in nats per
example (the last epoch's training means, and a fresh 10-sample estimate of
the trained model). With ``--plot FILE`` it also draws originals against
reconstructions and the 2-D latent means coloured by digit.

With ``--sweep`` it then times the chapter's rate-distortion sweep: for each
beta in turn, a copy of the previous model (a warm start; the trained model
for the first, fresh weights for the collapsed beta = 8) gets
``SWEEP_EPOCHS`` epochs with the step size annealed to zero, and it prints each
point (rate, distortion), the change of the objective over the last ten
epochs, and whether any point is beaten on both axes by another. With
``--scratch`` it also trains each beta from scratch for the recommended 200
epochs, the reference the warm starts are compared with (slow: about a
minute).

The goal (issue: VAE chapter): under 30 s on 2 cores for the whole chapter,
so the chapter can train its models while the book builds.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from kltools.data import load_digits
from kltools.vae import RECOMMENDED, VAE, train

#: The chapter's sweep: its weights beta and its fine-tuning epochs.
SWEEP_BETAS = (0.0, 0.25, 1.0, 2.0, 8.0)
SWEEP_EPOCHS = 30


def _plot(model: VAE, X: np.ndarray, y: np.ndarray, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recon = model.reconstruct(X)
    mu, _ = model.encode(X)
    # the first two examples of each digit: originals above reconstructions
    idx = [int(i) for d in range(10) for i in np.flatnonzero(y == d)[:2]]
    fig = plt.figure(figsize=(13, 6))
    outer = fig.add_gridspec(1, 2, width_ratios=[0.55, 1], wspace=0.1)
    tiles = outer[0, 0].subgridspec(8, 5, wspace=0.08, hspace=0.25)
    for k, i in enumerate(idx):
        r, c = divmod(k, 5)
        for j, (images, label) in enumerate([(X, "x"), (recon, "x̂")]):
            ax = fig.add_subplot(tiles[2 * r + j, c])
            ax.imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(label, rotation=0, labelpad=10)
    ax = fig.add_subplot(outer[0, 1])
    sc = ax.scatter(mu[:, 0], mu[:, 1], c=y, cmap="tab10", s=6, vmin=-0.5, vmax=9.5)
    for d in range(10):
        cx, cy = np.median(mu[y == d], axis=0)
        ax.text(cx, cy, str(d), fontsize=14, weight="bold", ha="center")
    fig.colorbar(sc, ax=ax, ticks=range(10), label="digit")
    ax.set_xlabel(r"$\mu_1$")
    ax.set_ylabel(r"$\mu_2$")
    ax.set_title("posterior means of the 1797 digits")
    fig.suptitle("left: originals x above reconstructions x̂ = decode(μ(x))")
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def _point(model: VAE, X: np.ndarray, seed: int) -> tuple[float, float]:
    _, recon, kl = model.elbo(X, seed, n_samples=10)
    return kl, -recon


def _sweep(model: VAE, X: np.ndarray, seed: int, scratch: bool) -> None:
    points = {}
    start = time.perf_counter()
    previous = model
    for beta in SWEEP_BETAS:
        # as the chapter: a warm start from the previous model, fresh weights
        # for the collapsed beta = 8
        m = VAE(X.shape[1], seed=seed) if beta == 8.0 else previous.copy()
        h = train(m, X, epochs=SWEEP_EPOCHS, anneal=SWEEP_EPOCHS, beta=beta, seed=1)
        previous = m
        rate, dist = points[beta] = _point(m, X, seed)
        change = h["objective"][-1] - h["objective"][-11]
        print(
            f"  beta {beta:4}: rate {rate:6.3f}, distortion {dist:6.2f} nats; "
            f"objective change over the last 10 epochs {change:+.3f}"
        )
    seconds = time.perf_counter() - start
    epochs = SWEEP_EPOCHS * len(SWEEP_BETAS)
    per_epoch = seconds / epochs
    print(f"sweep wall time {seconds:.2f} s ({epochs} epochs, {per_epoch:.4f} s/epoch)")
    dominated = [
        a
        for a, (ra, da) in points.items()
        if any(rb <= ra and db <= da for b, (rb, db) in points.items() if b != a)
    ]
    print(f"points beaten on both axes: {dominated or 'none'}")
    if scratch:
        print(f"from scratch, {RECOMMENDED['epochs']} epochs each:")
        for beta in SWEEP_BETAS:
            m = VAE(X.shape[1], seed=seed)
            train(m, X, beta=beta, seed=seed)
            rate, dist = _point(m, X, seed)
            warm = points[beta][1] + beta * points[beta][0]
            print(
                f"  beta {beta:4}: rate {rate:6.3f}, distortion {dist:6.2f} nats; "
                f"D + beta R {dist + beta * rate:.3f} (warm start: {warm:.3f})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="FILE", help="save the picture here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sweep", action="store_true", help="time the beta sweep")
    parser.add_argument(
        "--scratch", action="store_true", help="with --sweep: train each beta anew"
    )
    args = parser.parse_args()

    X, y = load_digits()
    model = VAE(X.shape[1], seed=args.seed)  # n_hidden, activation: RECOMMENDED
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "(not set)")
    print(f"{model!r}, {model.n_params} parameters; OPENBLAS_NUM_THREADS={threads}")
    print(f"training on {X.shape[0]} digits with RECOMMENDED = {RECOMMENDED}")
    start = time.perf_counter()
    history = train(model, X, seed=args.seed)  # epochs, batch_size, lr, beta
    seconds = time.perf_counter() - start
    elbo, recon, kl = model.elbo(X, args.seed, n_samples=10)
    print(f"wall time {seconds:.2f} s ({seconds / len(history['epoch']):.4f} s/epoch)")
    print(
        "last epoch (training means): "
        f"ELBO {history['elbo'][-1]:.3f}, recon {history['recon'][-1]:.3f}, "
        f"KL {history['kl'][-1]:.3f} nats/example"
    )
    print(
        "trained model (10 samples):  "
        f"ELBO {elbo:.3f}, recon {recon:.3f}, KL {kl:.3f} nats/example"
    )
    if args.plot:
        _plot(model, X, y, args.plot)
        print(f"picture saved to {args.plot}")
    if args.sweep:
        print(f"the chapter's sweep, {SWEEP_EPOCHS} annealed epochs per beta:")
        _sweep(model, X, args.seed, args.scratch)


if __name__ == "__main__":
    main()
