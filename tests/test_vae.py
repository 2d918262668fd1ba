"""Tests of kltools.vae (the numpy VAE) and kltools.data (the digits loader).

Covers: the digits loader (shape, range, labels); the hand-written gradients
against central finite differences for every parameter; the ELBO's parts
against a slow reference and against ``kt.vae_kl``; training (ELBO rises,
a huge ``beta`` collapses the posterior, same seed gives the same run, the
flat Adam loop against an array-by-array reference, the annealed step size,
warm starts from ``VAE.copy``); the rate split against closed cases, scipy
quadrature and a one-table computation; the log evidence on a grid against
a decoder that ignores ``z``, importance sampling and ``scipy.integrate``;
the exported decoder against ``decode``, through JSON; the decoder's
gradient in ``z`` against finite differences; per-example optima against
the encoder; the importance-weighted bound against the ELBO and the
evidence; both gradient estimators against a finite-difference gradient of
a Gauss-Hermite expectation; and bad input.
Models and runs are small: the whole file takes some seconds.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import integrate, special, stats

import kltools as kt
from kltools.data import load_digits
from kltools.vae import (
    RECOMMENDED,
    VAE,
    decode_exported,
    evidence_by_quadrature,
    gradient_estimates,
    importance_weighted_bound,
    optimise_posteriors,
    rate_decomposition,
    train,
)


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


def test_load_digits_is_scikit_learns_data(digits):
    """Read from scikit-learn's file without importing it: the same arrays."""
    from sklearn.datasets import load_digits as sk_load_digits

    X, y = digits
    bunch = sk_load_digits()
    np.testing.assert_array_equal(X, bunch.data / 16.0)
    np.testing.assert_array_equal(y, bunch.target)


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


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_fused_backward_is_bit_for_bit_the_plain_one(activation, rng):
    """The training step shares e^-|l| and scales in place; nothing changes."""
    from kltools.vae import _act, _act_grad, _bernoulli_log_lik, _sigmoid

    model = VAE(5, 7, activation=activation, seed=3)
    X = rng.random((6, 5))
    eps = rng.standard_normal((6, 2))
    recon, _, grads = model._forward_backward(X, eps, 0.7)
    p, n = model.params, X.shape[0]
    h = _act(X @ p["enc_W"] + p["enc_b"], activation)
    mu, log_var = h @ p["mu_W"] + p["mu_b"], h @ p["logvar_W"] + p["logvar_b"]
    z = mu + np.exp(0.5 * log_var) * eps
    g = _act(z @ p["dec_W"] + p["dec_b"], activation)
    logits = g @ p["out_W"] + p["out_b"]
    assert recon == float(np.mean(_bernoulli_log_lik(X, logits)))
    d_logits = (_sigmoid(logits) - X) / n
    d_pre_g = (d_logits @ p["out_W"].T) * _act_grad(g, activation)
    np.testing.assert_array_equal(grads["out_W"], g.T @ d_logits)
    np.testing.assert_array_equal(grads["dec_W"], z.T @ d_pre_g)
    std = np.exp(0.5 * log_var)
    d_z = d_pre_g @ p["dec_W"].T
    d_mu = d_z + (0.7 / n) * mu
    d_log_var = d_z * (0.5 * std * eps) + (0.7 / n) * 0.5 * np.expm1(log_var)
    d_pre_h = (d_mu @ p["mu_W"].T + d_log_var @ p["logvar_W"].T) * _act_grad(
        h, activation
    )
    np.testing.assert_array_equal(grads["enc_W"], X.T @ d_pre_h)


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


# ----------------------------------------------- the training loop itself


def _reference_train(model, X, epochs, batch_size, lr, beta, seed, anneal=0):
    """The Adam loop written array by array, with the step size per step."""
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    m1 = {k: np.zeros_like(v) for k, v in model.params.items()}
    m2 = {k: np.zeros_like(v) for k, v in model.params.items()}
    steps = epochs * -(-n // batch_size)
    window = anneal * -(-n // batch_size)
    kls, step = [], 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = X[order[start : start + batch_size]]
            eps = rng.standard_normal((batch.shape[0], model.n_latent))
            mu, log_var = model.encode(batch)
            kls.append(float(np.mean(kt.vae_kl(mu, log_var, base=math.e))))
            _, grads = model.loss_and_grads(batch, eps, beta)
            left = steps - step
            step += 1
            rate = lr if left > window else lr * left / window
            c1, c2 = 1 - 0.9**step, 1 - 0.999**step
            a, e = rate * math.sqrt(c2) / c1, 1e-8 * math.sqrt(c2)
            for k, g in grads.items():
                m1[k] = 0.9 * m1[k] + (1 - 0.9) * g
                m2[k] = 0.999 * m2[k] + (1 - 0.999) * (g * g)
                model.params[k] -= a * m1[k] / (np.sqrt(m2[k]) + e)
    return kls


@pytest.mark.parametrize("anneal", [0, 1, 3])
def test_training_matches_an_array_by_array_reference(small_digits, anneal):
    X, _ = small_digits
    fast, slow = VAE(64, 16, seed=5), VAE(64, 16, seed=5)
    fast_params = dict(fast.params)  # the model keeps its own arrays
    history = train(fast, X, epochs=3, batch_size=64, lr=3e-3, anneal=anneal, seed=2)
    _reference_train(slow, X, 3, 64, 3e-3, 1.0, seed=2, anneal=anneal)
    for name, p in fast.params.items():
        assert p is fast_params[name]
        np.testing.assert_allclose(p, slow.params[name], rtol=1e-10, atol=1e-13)
    assert len(history["kl"]) == 3


def test_history_kl_is_vae_kl_of_the_batch(small_digits):
    X, _ = small_digits
    model = VAE(64, 16, seed=1)
    mu, log_var = model.encode(X)
    history = train(model, X, epochs=1, batch_size=X.shape[0], seed=0)
    expected = np.mean(kt.vae_kl(mu, log_var, base=math.e))
    assert history["kl"][0] == pytest.approx(expected, rel=1e-13)  # batch shuffled


def test_annealing_ends_with_a_tiny_step(small_digits):
    # anneal = epochs: the last of S steps uses lr / S, so the weights barely
    # move at the end; without annealing they keep moving at full speed.
    X, _ = small_digits
    moves = {}
    for anneal in (0, 4):
        model = VAE(64, 16, seed=0)
        train(model, X, epochs=4, batch_size=100, anneal=anneal, seed=0)
        before = model.copy()
        # one more step of the same schedule's last step size
        steps = 4 * 3
        lr = 3e-3 if anneal == 0 else 3e-3 / steps
        train(model, X[:100], epochs=1, batch_size=100, lr=lr, seed=9)
        moves[anneal] = max(
            float(np.abs(model.params[k] - before.params[k]).max())
            for k in model.params
        )
    # Adam's first step moves each weight by about lr
    assert moves[0] == pytest.approx(3e-3, rel=0.05)
    assert moves[4] == pytest.approx(3e-3 / 12, rel=0.05)


def test_copy_is_independent(small_digits):
    X, _ = small_digits
    model = VAE(64, 16, activation="tanh", seed=3)
    twin = model.copy()
    assert repr(twin) == repr(model)
    for name in model.params:
        assert twin.params[name] is not model.params[name]
        np.testing.assert_array_equal(twin.params[name], model.params[name])
    saved = {k: v.copy() for k, v in model.params.items()}
    train(twin, X, epochs=1, seed=0)
    for name in model.params:
        np.testing.assert_array_equal(model.params[name], saved[name])
    assert not np.array_equal(twin.params["enc_W"], saved["enc_W"])


def test_warm_start_continues_from_the_weights(small_digits):
    X, _ = small_digits
    model = VAE(64, 32, seed=0)
    train(model, X, epochs=10, batch_size=32, seed=0)
    trained = model.elbo(X, 0, n_samples=5)[0]
    fresh = VAE(64, 32, seed=0).elbo(X, 0, n_samples=5)[0]
    warm = model.copy()
    history = train(warm, X, epochs=2, batch_size=32, anneal=2, seed=1)
    assert history["elbo"][0] > fresh + 5  # the first epoch starts where it was
    assert warm.elbo(X, 0, n_samples=5)[0] > trained - 0.5


# ------------------------------------------------------ the rate split


def test_rate_split_of_identical_posteriors_has_no_information(rng):
    mu = np.tile([0.7, -1.2], (6, 1))
    log_var = np.tile([-0.5, 0.3], (6, 1))
    split = rate_decomposition(mu, log_var, n_samples=3, rng=rng)
    assert split.rate == pytest.approx(kt.vae_kl(mu[0], log_var[0], base=math.e))
    assert abs(split.information) < 1e-12
    assert split.marginal_kl == pytest.approx(split.rate, abs=1e-12)


def test_rate_split_of_separated_posteriors_is_log_n():
    mu = np.arange(5.0)[:, None] * np.array([[100.0, 0.0]])
    split = rate_decomposition(mu, np.zeros((5, 2)), rng=0)
    assert split.information == pytest.approx(math.log(5), abs=1e-10)
    assert split.rate == pytest.approx(np.mean(0.5 * (mu**2).sum(axis=1)))


def test_rate_split_against_quadrature_for_two_gaussians():
    # x in {1, 2}, q(z | x) = N(-+a, 1): I = h(mixture) - h(N(0, 1))
    a = 0.8
    mix = lambda z: 0.5 * (stats.norm.pdf(z, -a) + stats.norm.pdf(z, a))  # noqa: E731
    h_mix = integrate.quad(lambda z: -mix(z) * math.log(mix(z)), -12, 12)[0]
    exact = h_mix - 0.5 * math.log(2 * math.pi * math.e)
    split = rate_decomposition([[-a], [a]], [[0.0], [0.0]], n_samples=50_000, rng=7)
    assert split.information == pytest.approx(exact, abs=0.01)  # 4 standard errors
    # D(q(z) || p(z)) of the mixture from N(0, 1), by quadrature too
    kl = integrate.quad(
        lambda z: mix(z) * math.log(mix(z) / stats.norm.pdf(z)), -12, 12
    )[0]
    assert split.marginal_kl == pytest.approx(kl, abs=0.01)
    assert split.rate == a * a / 2


def test_rate_split_in_chunks_matches_one_table(rng):
    n = 2500  # more rows than one chunk holds
    mu = rng.normal(0, 1.5, (n, 2))
    log_var = rng.normal(-2, 0.5, (n, 2))
    split = rate_decomposition(mu, log_var, rng=3)
    eps = np.random.default_rng(3).standard_normal((n, 2))
    z = mu + np.exp(log_var / 2) * eps
    table = stats.norm.logpdf(z[:, None, :], mu[None], np.exp(log_var / 2)[None]).sum(
        axis=-1
    )
    own = np.diag(table)
    expected = np.mean(own - (special.logsumexp(table, axis=1) - math.log(n)))
    assert split.information == pytest.approx(expected, rel=1e-10)
    assert split.information <= math.log(n)
    assert split.rate == pytest.approx(split.information + split.marginal_kl)


@pytest.mark.parametrize(
    ("mu", "log_var", "kwargs", "error", "match"),
    [
        ([0.0, 1.0], [0.0, 0.0], {}, ValueError, r"mu must have shape \(n, d\)"),
        ([[0.0, 1.0]], [[0.0]], {}, ValueError, "log_var must have the shape of mu"),
        ([[0.0]], [[np.nan]], {}, ValueError, "log_var contains NaN"),
        ([[0.0]], [[0.0]], {"n_samples": 0}, ValueError, "n_samples must be a"),
        ([[0.0]], [[0.0]], {"rng": 1.5}, TypeError, "rng must be a numpy Generator"),
    ],
)
def test_rate_split_refuses_bad_input(mu, log_var, kwargs, error, match):
    with pytest.raises(error, match=match):
        rate_decomposition(mu, log_var, **kwargs)


# ------------------------------------------------- evidence on a grid


def test_evidence_of_a_decoder_that_ignores_z(small_digits):
    X, _ = small_digits
    model = VAE(64, 16, seed=2)
    train(model, X, epochs=2, seed=2)
    model.params["dec_W"][:] = 0.0  # the decoder now draws one image for every z
    x = X[:5]
    ev = evidence_by_quadrature(model, x)
    xhat = model.decode(np.zeros((1, 2)))[0]
    log_lik = (x * np.log(xhat) + (1 - x) * np.log1p(-xhat)).sum(axis=1)
    np.testing.assert_allclose(ev.log_evidence, log_lik, atol=1e-4)  # prior mass lost
    kl = kt.vae_kl(*model.encode(x), base=math.e)
    np.testing.assert_allclose(ev.elbo, log_lik - kl)
    np.testing.assert_allclose(ev.gap, kl, atol=1e-4)


@pytest.fixture(scope="module")
def trained_small(small_digits):
    X, _ = small_digits
    model = VAE(64, 32, seed=0)
    train(model, X, epochs=20, batch_size=32, seed=0)
    return model


def test_evidence_against_importance_sampling(trained_small, small_digits):
    X, _ = small_digits
    x = X[:4]
    ev = evidence_by_quadrature(trained_small, x)
    mu, log_var = trained_small.encode(x)
    gen = np.random.default_rng(11)
    n = 200_000
    for i in range(len(x)):
        # proposal: the posterior, twice as wide
        sd = 2 * np.exp(log_var[i] / 2)
        z = mu[i] + sd * gen.standard_normal((n, 2))
        xhat = trained_small.decode(z)
        log_lik = (x[i] * np.log(xhat) + (1 - x[i]) * np.log1p(-xhat)).sum(axis=1)
        log_w = (
            log_lik
            + stats.norm.logpdf(z).sum(axis=1)
            - stats.norm.logpdf(z, mu[i], sd).sum(axis=1)
        )
        estimate = special.logsumexp(log_w) - math.log(n)
        w = np.exp(log_w - log_w.max())
        se = w.std() / (w.mean() * math.sqrt(n))  # of the log of the mean weight
        assert abs(ev.log_evidence[i] - estimate) < 4 * se + 1e-3
    # the ELBO on the grid against many reparameterised draws
    sampled = trained_small.elbo(x, rng=3, n_samples=4000)[0]
    assert ev.elbo.mean() == pytest.approx(sampled, abs=0.02)
    assert (ev.gap > 0).all()


def test_evidence_does_not_depend_on_the_grid(trained_small, small_digits):
    X, _ = small_digits
    # ReLU kinks make the rule second order, not exponentially accurate
    coarse = evidence_by_quadrature(trained_small, X[:20], n_grid=181)
    fine = evidence_by_quadrature(trained_small, X[:20], limit=5.0, n_grid=301)
    np.testing.assert_allclose(coarse.log_evidence, fine.log_evidence, atol=2e-4)
    np.testing.assert_allclose(coarse.elbo, fine.elbo, atol=2e-4)


def test_evidence_in_one_dimension_against_quad(small_digits):
    X, _ = small_digits
    model = VAE(64, 8, 1, seed=4)
    train(model, X, epochs=3, seed=4)
    x = X[7:8]
    ev = evidence_by_quadrature(model, x, limit=6.0, n_grid=801)

    def lik(z):
        xhat = model.decode([[z]])[0]
        return math.exp((x[0] * np.log(xhat) + (1 - x[0]) * np.log1p(-xhat)).sum())

    top = max(math.log(lik(z)) for z in np.linspace(-3, 3, 61))  # keep it O(1)
    ref = integrate.quad(
        lambda z: stats.norm.pdf(z) * math.exp(math.log(lik(z)) - top),
        -8,
        8,
        limit=400,
        epsabs=0,
        epsrel=1e-6,
    )[0]
    assert ev.log_evidence[0] == pytest.approx(math.log(ref) + top, abs=1e-5)


def test_evidence_refuses_what_a_grid_cannot_do(trained_small, small_digits):
    X, _ = small_digits
    with pytest.raises(ValueError, match="needs n_latent <= 2"):
        evidence_by_quadrature(VAE(64, 8, 3), X[:2])
    with pytest.raises(ValueError, match="raise n_grid"):
        evidence_by_quadrature(trained_small, X[:50], n_grid=11)
    with pytest.raises(ValueError, match="raise limit"):
        evidence_by_quadrature(trained_small, X[:50], limit=1.0, n_grid=201)
    with pytest.raises(ValueError, match="n_grid must be at least 2"):
        evidence_by_quadrature(trained_small, X[:2], n_grid=1)
    with pytest.raises(TypeError, match="model must be a VAE"):
        evidence_by_quadrature("model", X[:2])


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
        ({"anneal": -1}, "anneal must be a number of epochs from 0 to"),
        ({"epochs": 3, "anneal": 4}, "anneal must be a number of epochs from 0 to"),
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
        ({"anneal": 1.5}, TypeError, "anneal must be an integer"),
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


# ------------------- per-example optima, importance weighting, two gradients


def test_decoder_gradient_in_z_against_finite_differences(rng):
    from kltools.vae import _log_lik

    for activation in ("relu", "tanh"):
        model = _small_model(activation, rng)
        X = rng.random((3, 5))
        Z = rng.normal(size=(3, 2))
        _, g = _log_lik(model, X, Z, grad=True)
        h = 1e-6
        for j in range(2):
            step = np.zeros_like(Z)
            step[:, j] = h
            fd = (_log_lik(model, X, Z + step) - _log_lik(model, X, Z - step)) / (2 * h)
            np.testing.assert_allclose(g[:, j], fd, rtol=1e-5, atol=1e-7)


def test_evidence_with_the_encoders_posterior_is_the_default(
    trained_small, small_digits
):
    x = small_digits[0][:5]
    a = evidence_by_quadrature(trained_small, x)
    b = evidence_by_quadrature(trained_small, x, posterior=trained_small.encode(x))
    np.testing.assert_array_equal(a.elbo, b.elbo)
    with pytest.raises(ValueError, match="shape"):
        evidence_by_quadrature(trained_small, x, posterior=(np.zeros((4, 2)),) * 2)
    with pytest.raises(TypeError, match="pair"):
        evidence_by_quadrature(trained_small, x, posterior=3.0)


def test_per_example_optima_beat_the_encoder(trained_small, small_digits):
    x = small_digits[0][:8]
    enc = evidence_by_quadrature(trained_small, x)
    mu, log_var = optimise_posteriors(trained_small, x)
    opt = evidence_by_quadrature(trained_small, x, posterior=(mu, log_var))
    # same decoder: the same evidence, and a higher ELBO for every example
    np.testing.assert_allclose(opt.log_evidence, enc.log_evidence, rtol=1e-12)
    assert (opt.elbo > enc.elbo).all()
    assert (opt.gap > 0).all()  # still a diagonal Gaussian: a gap remains
    # a stationary point of the objective: nudging a parameter lowers the ELBO
    for k in range(2):
        for delta in (0.05, -0.05):
            nudged = mu.copy()
            nudged[:, k] += delta
            worse = evidence_by_quadrature(
                trained_small, x, posterior=(nudged, log_var)
            )
            assert (worse.elbo < opt.elbo + 1e-3).all()


def test_importance_weighted_bound_rises_towards_the_evidence(
    trained_small, small_digits
):
    x = small_digits[0][:6]
    ev = evidence_by_quadrature(trained_small, x)
    l1 = importance_weighted_bound(trained_small, x, 1, n_repeats=4000, rng=1)
    l64 = importance_weighted_bound(trained_small, x, 64, n_repeats=200, rng=2)
    se1 = l1.std(axis=0) / math.sqrt(l1.shape[0])
    # L_1 is the ELBO in expectation
    assert (np.abs(l1.mean(axis=0) - ev.elbo) < 4 * se1 + 1e-3).all()
    # L_64 is closer to log p(x), and below it in expectation
    assert (l64.mean(axis=0) > l1.mean(axis=0)).all()
    se64 = l64.std(axis=0) / math.sqrt(l64.shape[0])
    assert (l64.mean(axis=0) < ev.log_evidence + 4 * se64 + 1e-3).all()
    assert (ev.log_evidence - l64.mean(axis=0) < 0.5 * ev.gap).all()


def test_importance_weighted_bound_is_seeded(trained_small, small_digits):
    x = small_digits[0][:3]
    a = importance_weighted_bound(trained_small, x, 5, n_repeats=2, rng=7)
    b = importance_weighted_bound(trained_small, x, 5, n_repeats=2, rng=7)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="k"):
        importance_weighted_bound(trained_small, x, 0)


def _expected_recon(model, x, mu, log_var, n=40):
    """E_q log p(x | z) for one example, by a Gauss-Hermite grid of n^2 nodes."""
    z1, w1 = np.polynomial.hermite_e.hermegauss(n)
    w1 = w1 / w1.sum()
    e = np.stack(np.meshgrid(z1, z1, indexing="ij"), -1).reshape(-1, 2)
    w = np.outer(w1, w1).ravel()
    xhat = model.decode(mu + np.exp(0.5 * log_var) * e)
    ll = (x * np.log(xhat) + (1 - x) * np.log1p(-xhat)).sum(axis=1)
    return float(ll @ w)


def test_both_gradient_estimators_are_unbiased(trained_small, small_digits):
    model = trained_small
    x = small_digits[0][10:11]
    mu, log_var = model.encode(x)
    params = np.concatenate([mu[0], log_var[0]])
    h = 1e-4
    exact = []
    for j in range(4):
        up, down = params.copy(), params.copy()
        up[j] += h
        down[j] -= h
        f_up = _expected_recon(model, x[0], up[:2], up[2:])
        f_down = _expected_recon(model, x[0], down[:2], down[2:])
        exact.append((f_up - f_down) / (2 * h))
    exact = np.array(exact)
    rp = gradient_estimates(model, x, 20_000, rng=1)[:, 0]
    sf = gradient_estimates(model, x, 200_000, estimator="score", rng=2)[:, 0]
    for est in (rp, sf):
        se = est.std(axis=0) / math.sqrt(est.shape[0])
        assert (np.abs(est.mean(axis=0) - exact) < 4 * se + 2e-3).all()
    # the reparameterisation estimates vary far less
    assert (rp.var(axis=0) < sf.var(axis=0)).all()


def test_gradient_estimates_refuse_bad_input(trained_small, small_digits):
    x = small_digits[0][:2]
    with pytest.raises(ValueError, match="estimator"):
        gradient_estimates(trained_small, x, 3, estimator="reinforce")
    with pytest.raises(ValueError, match="baseline"):
        gradient_estimates(trained_small, x, 3, baseline=[0.0, 0.0])
    with pytest.raises(ValueError, match="baseline"):
        gradient_estimates(trained_small, x, 3, estimator="score", baseline=[0.0])
