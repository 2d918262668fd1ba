"""Tests of kltools.vae (the numpy VAE) and kltools.data (the digits loader).

Covers: the digits loader (shape, range, labels); the hand-written gradients
against central finite differences for every parameter; the ELBO's parts
against a slow reference and against ``kt.vae_kl``; training (ELBO rises,
a huge ``beta`` collapses the posterior, same seed gives the same run); the
exported decoder against ``decode``, through JSON; and bad input. Models and
runs are small: the whole file takes a few seconds.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import kltools as kt
from kltools.data import load_digits
from kltools.vae import RECOMMENDED, VAE, decode_exported, train


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(scope="module")
def small_digits(digits):
    """300 digits: enough for short runs that show the effects."""
    X, y = digits
    return X[:300], y[:300]


def _small_model(activation: str, rng: np.random.Generator) -> VAE:
    """A tiny model with non-zero biases, so every gradient term is exercised."""
    model = VAE(5, 4, 2, activation=activation, seed=3)
    for name, p in model.params.items():
        if name.endswith("_b"):
            p[:] = rng.normal(0.0, 0.5, p.shape)
    return model


# ---------------------------------------------------------------- data


def test_load_digits_shape_range_labels(digits):
    X, y = digits
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    # 0..16 scaled by 1/16: every pixel is a multiple of 1/16
    np.testing.assert_array_equal(X * 16, np.round(X * 16))
    assert set(y.tolist()) == set(range(10))
    assert np.bincount(y).min() >= 170  # about 180 of each digit


# ------------------------------------------------------------ gradients


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("beta", [1.0, 0.3, 5.0])
def test_gradients_match_central_differences(activation, beta, rng):
    model = _small_model(activation, rng)
    X = rng.random((3, 5))
    eps = rng.standard_normal((3, 2))
    loss, grads = model.loss_and_grads(X, eps, beta)
    assert set(grads) == set(model.params)

    if activation == "relu":  # no pre-activation near the kink, or FD lies
        p = model.params
        pre_h = X @ p["enc_W"] + p["enc_b"]
        mu, log_var = model.encode(X)
        z = mu + np.exp(log_var / 2) * eps
        pre_g = z @ p["dec_W"] + p["dec_b"]
        assert min(np.abs(pre_h).min(), np.abs(pre_g).min()) > 1e-3

    h = 1e-6
    for name, param in model.params.items():
        numeric = np.zeros_like(param)
        for i in np.ndindex(param.shape):
            saved = param[i]
            param[i] = saved + h
            up, _ = model.loss_and_grads(X, eps, beta)
            param[i] = saved - h
            down, _ = model.loss_and_grads(X, eps, beta)
            param[i] = saved
            numeric[i] = (up - down) / (2 * h)
        err = np.linalg.norm(grads[name] - numeric)
        scale = np.linalg.norm(grads[name]) + np.linalg.norm(numeric)
        assert err / scale < 1e-5, f"{name}: relative error {err / scale:.2e}"
    assert loss == model.loss_and_grads(X, eps, beta)[0]  # params restored


# ------------------------------------------------------------- the ELBO


def test_kl_term_is_vae_kl_in_nats(small_digits):
    X, _ = small_digits
    model = VAE(64, 16, seed=1)
    train(model, X, epochs=2, batch_size=50, seed=1)
    _, _, kl = model.elbo(X)
    mu, log_var = model.encode(X)
    expected = np.mean(kt.vae_kl(mu, log_var, base=math.e))
    assert kl == pytest.approx(expected, rel=1e-12)
    assert kl > 0


def test_elbo_parts_against_slow_reference(rng):
    model = _small_model("tanh", rng)
    X = rng.random((7, 5))
    elbo, recon, kl = model.elbo(X, rng=np.random.default_rng(5))
    # the same noise, by hand, with the textbook formulas
    eps = np.random.default_rng(5).standard_normal((7, 2))
    mu, log_var = model.encode(X)
    xhat = model.decode(mu + np.exp(log_var / 2) * eps)
    log_lik = X * np.log(xhat) + (1 - X) * np.log(1 - xhat)
    kl_ref = 0.5 * (mu**2 + np.exp(log_var) - log_var - 1).sum(axis=1)
    assert recon == pytest.approx(log_lik.sum(axis=1).mean(), rel=1e-12)
    assert kl == pytest.approx(kl_ref.mean(), rel=1e-12)
    assert elbo == recon - kl
    loss, _ = model.loss_and_grads(X, eps, beta=2.0)
    assert loss == pytest.approx(-(recon - 2.0 * kl), rel=1e-12)


def test_elbo_is_reproducible_with_a_seed(small_digits):
    X, _ = small_digits
    model = VAE(64, 16, seed=0)
    assert model.elbo(X, 7) == model.elbo(X, 7)
    assert model.elbo(X, 7) != model.elbo(X, 8)
    one = model.elbo(X, 7, n_samples=1)
    many = model.elbo(X, 7, n_samples=20)
    assert one[2] == many[2]  # the KL term is exact, not sampled


# ------------------------------------------------------------- training


def test_training_raises_the_elbo(small_digits):
    X, _ = small_digits
    model = VAE(64, 32, seed=0)
    before = model.elbo(X, 0, n_samples=5)[0]
    history = train(model, X, epochs=10, batch_size=32, seed=0)
    after = model.elbo(X, 0, n_samples=5)[0]
    assert history["epoch"] == list(range(1, 11))
    assert history["elbo"][-1] > history["elbo"][0] + 5  # nats per example
    assert after > before + 5
    np.testing.assert_allclose(
        history["elbo"], np.subtract(history["recon"], history["kl"]), rtol=1e-12
    )
    assert history["objective"] == history["elbo"]  # beta = 1


def test_large_beta_collapses_the_posterior(small_digits):
    X, _ = small_digits
    used = VAE(64, 32, seed=0)
    train(used, X, epochs=10, batch_size=32, beta=1.0, seed=0)
    collapsed = VAE(64, 32, seed=0)
    history = train(collapsed, X, epochs=10, batch_size=32, beta=100.0, seed=0)
    assert used.elbo(X)[2] > 0.5
    assert history["kl"][-1] < 0.05
    assert collapsed.elbo(X)[2] < 0.05
    np.testing.assert_allclose(
        history["objective"],
        np.subtract(history["recon"], np.multiply(100.0, history["kl"])),
        rtol=1e-12,
    )


def test_same_seed_same_run(small_digits):
    X, _ = small_digits
    runs = []
    for _ in range(2):
        model = VAE(64, 16, seed=4)
        runs.append((model, train(model, X, epochs=3, batch_size=64, seed=9)))
    (m1, h1), (m2, h2) = runs
    assert h1 == h2
    for name in m1.params:
        np.testing.assert_array_equal(m1.params[name], m2.params[name])
    other = VAE(64, 16, seed=4)
    assert train(other, X, epochs=3, batch_size=64, seed=10) != h1


def test_divergence_is_reported(small_digits):
    X, _ = small_digits
    with pytest.raises(FloatingPointError, match="smaller lr"):
        train(VAE(64, 64, seed=0), X, epochs=20, lr=10.0)


def test_recommended_settings_are_the_defaults():
    model = VAE(64)
    assert model.n_hidden == RECOMMENDED["n_hidden"]
    assert model.activation == RECOMMENDED["activation"]
    assert model.n_latent == 2
    defaults = train.__kwdefaults__
    for key in ("epochs", "batch_size", "lr", "beta"):
        assert defaults[key] == RECOMMENDED[key]


# --------------------------------------------------------------- export


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_exported_decoder_reproduces_decode_exactly(activation, small_digits):
    X, _ = small_digits
    model = VAE(64, 24, activation=activation, seed=2)
    train(model, X, epochs=2, batch_size=64, seed=2)
    exported = json.loads(json.dumps(model.export_decoder()))
    assert exported["format"] == "kltools.vae.decoder/1"
    assert exported["n_latent"] == 2 and exported["n_output"] == 64
    assert [layer["shape"] for layer in exported["layers"]] == [[2, 24], [24, 64]]
    assert [layer["activation"] for layer in exported["layers"]] == [
        activation,
        "sigmoid",
    ]
    grid = np.stack(np.meshgrid(np.linspace(-4, 4, 9), np.linspace(-4, 4, 9)), -1)
    Z = np.vstack([grid.reshape(-1, 2), [[60.0, -60.0]], model.encode(X)[0]])
    np.testing.assert_array_equal(decode_exported(exported, Z), model.decode(Z))


def test_decoder_means_are_probabilities():
    model = VAE(64, 16, seed=0)
    xhat = model.decode([[0.0, 0.0], [1e3, -1e3]])  # no overflow warning
    assert ((xhat >= 0) & (xhat <= 1)).all()


def test_vae_module_reachable_from_the_package():
    assert kt.vae.VAE is VAE


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"epochs": -3}, "epochs must be a positive integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"lr": 0.0}, r"lr must be a finite number > 0"),
        ({"lr": -1e-3}, r"lr must be a finite number > 0"),
        ({"lr": float("nan")}, r"lr must be a finite number > 0"),
        ({"beta": -1.0}, r"beta must be a finite number >= 0"),
        ({"beta": float("inf")}, r"beta must be a finite number >= 0"),
        ({"blas_threads": 0}, "blas_threads must be a positive integer"),
    ],
)
def test_train_refuses_bad_settings(kwargs, match):
    X = np.full((4, 3), 0.5)
    with pytest.raises(ValueError, match=match):
        train(VAE(3, 4), X, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 2.5}, TypeError, "epochs must be an integer"),
        ({"lr": "fast"}, TypeError, "lr must be a real number"),
        ({"seed": None}, TypeError, "seed must be an integer"),
    ],
)
def test_train_refuses_wrong_types(kwargs, error, match):
    with pytest.raises(error, match=match):
        train(VAE(3, 4), np.full((4, 3), 0.5), **kwargs)


@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.full(3, 0.5), r"X must have shape \(n, 3\)"),
        (np.full((4, 5), 0.5), r"X must have shape \(n, 3\).*\(4, 5\)"),
        (np.array([[0.5, np.nan, 0.5]]), "X contains NaN entries"),
        (np.array([[0.5, np.inf, 0.5]]), "X contains infinite entries"),
        (np.array([[0.5, 16.0, 0.5]]), r"X must hold pixel intensities in \[0, 1\]"),
        (np.array([[0.5, -0.1, 0.5]]), r"X must hold pixel intensities in \[0, 1\]"),
        (np.empty((0, 3)), "X is empty"),
    ],
)
def test_bad_data_is_refused_everywhere(X, match):
    model = VAE(3, 4)
    with pytest.raises(ValueError, match=match):
        train(model, X, epochs=1)
    with pytest.raises(ValueError, match=match):
        model.elbo(X)
    with pytest.raises(ValueError, match=match):
        model.loss_and_grads(X, np.zeros((1, 2)))


def test_encode_checks_shape_but_not_range():
    model = VAE(3, 4)
    mu, _ = model.encode([[2.0, -1.0, 0.5]])  # any finite input encodes
    assert mu.shape == (1, 2)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 3\)"):
        model.encode([[0.5, 0.5]])


@pytest.mark.parametrize(
    ("Z", "match"),
    [
        ([0.0, 0.0], r"Z must have shape \(n, 2\)"),
        ([[0.0, 0.0, 0.0]], r"Z must have shape \(n, 2\)"),
        ([[0.0, np.nan]], "Z contains NaN entries"),
    ],
)
def test_decode_refuses_bad_latents(Z, match):
    model = VAE(3, 4)
    with pytest.raises(ValueError, match=match):
        model.decode(Z)
    with pytest.raises(ValueError, match=match):
        decode_exported(model.export_decoder(), Z)


def test_loss_and_grads_refuses_mismatched_noise():
    model = VAE(3, 4)
    X = np.full((4, 3), 0.5)
    with pytest.raises(ValueError, match=r"eps must have shape \(n, 2\)"):
        model.loss_and_grads(X, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="eps must have one row per example"):
        model.loss_and_grads(X, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="beta must be a finite number >= 0"):
        model.loss_and_grads(X, np.zeros((4, 2)), beta=-1)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0,), {}, ValueError, "n_input must be a positive integer"),
        ((3, 0), {}, ValueError, "n_hidden must be a positive integer"),
        ((3, 4, 0), {}, ValueError, "n_latent must be a positive integer"),
        ((3.0,), {}, TypeError, "n_input must be an integer"),
        ((3,), {"activation": "sigmoid"}, ValueError, "activation must be one of"),
        ((3,), {"seed": 1.5}, TypeError, "seed must be an integer"),
    ],
)
def test_model_refuses_bad_sizes(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        VAE(*args, **kwargs)


def test_decode_exported_refuses_foreign_dicts():
    model = VAE(3, 4)
    with pytest.raises(ValueError, match="exported must be a dict"):
        decode_exported({"layers": []}, [[0.0, 0.0]])
    broken = model.export_decoder()
    broken["layers"][0]["shape"] = [3, 3]
    with pytest.raises(ValueError, match="exported layer 0 has weights"):
        decode_exported(broken, [[0.0, 0.0]])
