r"""A small variational autoencoder in numpy alone: KL as a regulariser.

The model :cite:p:`kingma2014` encodes an example :math:`x` into a diagonal
Gaussian :math:`q(z \mid x) = \mathcal N(\mu(x), \operatorname{diag}
e^{v(x)})` over a low-dimensional latent :math:`z` (2-D by default, so the
latent space can be drawn), and decodes :math:`z` into Bernoulli pixel
probabilities :math:`\hat x(z)`. Training maximises the evidence lower bound

.. math::

    \mathrm{ELBO}_\beta(x)
    = \mathbb E_{q(z \mid x)}\big[\log p(x \mid z)\big]
      - \beta \, D\big(q(z \mid x) \,\|\, p(z)\big),
    \qquad p(z) = \mathcal N(0, I),

in nats per example; :math:`\beta = 1` gives the ELBO proper,
:math:`\log p(x) \ge \mathrm{ELBO}_1(x)`. The KL term is the closed form
``kltools.vae_kl`` (with ``base=math.e``); the expectation is estimated with
the reparameterisation :math:`z = \mu + e^{v/2} \odot \varepsilon`,
:math:`\varepsilon \sim \mathcal N(0, I)`, which makes the estimate a
differentiable function of the weights. Gradients are written out by hand
(backpropagation) and the weights follow Adam.

Why a Bernoulli decoder. The digits' pixels, scaled to [0, 1], are bounded
intensities, and a Bernoulli decoder's mean (a sigmoid) stays in [0, 1] with
no noise variance to choose: a fixed-variance Gaussian decoder would set
the exchange rate between reconstruction and KL through its arbitrary
:math:`\sigma`, acting as a hidden :math:`\beta`. The price: with soft
targets :math:`x_i \in [0, 1]` the Bernoulli "likelihood" is not a
normalised density on [0, 1] (the continuous Bernoulli of Loaiza-Ganem and
Cunningham, 2019, corrects this), so the reconstruction term is the negative
cross entropy

.. math::

    -\sum_i H\big(x_i, \hat x_i\big)
    = -\sum_i \Big[ H(x_i) + D\big(\mathrm{Bern}(x_i) \,\|\,
      \mathrm{Bern}(\hat x_i)\big) \Big],

a KL divergence per pixel plus a floor that depends on the data alone. The
ELBO is then a relative score, good for comparing models and epochs on the
same data, not an absolute log likelihood.

Everything random goes through ``numpy.random.default_rng(seed)``: the same
seed gives the same weights, the same history and the same pictures.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_finite
from .continuous import vae_kl

__all__ = [
    "RECOMMENDED",
    "VAE",
    "decode_exported",
    "train",
]

#: Settings that train a visibly good model of the 1797 digits in about 8 s
#: on this project's 2-core machines (``benchmarks/bench_vae.py`` measures it).
#: They are the defaults of :class:`VAE` (``n_hidden``, ``activation``) and
#: :func:`train` (the rest), so ``train(VAE(64), X)`` uses them.
RECOMMENDED: dict[str, Any] = {
    "n_hidden": 256,
    "activation": "relu",
    "epochs": 200,
    "batch_size": 64,
    "lr": 3e-3,
    "beta": 1.0,
}

#: Hidden-layer activations the model knows, by the name the export uses.
ACTIVATIONS = ("tanh", "relu")

#: Version tag of the dictionary :meth:`VAE.export_decoder` returns.
EXPORT_FORMAT = "kltools.vae.decoder/1"

_ADAM_BETA1 = 0.9
_ADAM_BETA2 = 0.999
_ADAM_EPS = 1e-8

# Parameter names in a fixed order (the order of the gradient check and of
# Adam's state); weights are (fan_in, fan_out) and act as ``x @ W + b``.
_PARAM_NAMES = (
    "enc_W",
    "enc_b",
    "mu_W",
    "mu_b",
    "logvar_W",
    "logvar_b",
    "dec_W",
    "dec_b",
    "out_W",
    "out_b",
)


# --------------------------------------------------------------------------
# checks


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _real(value: object, name: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0 or (positive and v == 0):
        what = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {what}, got {value!r}")
    return v


def _matrix(x: ArrayLike, name: str, n_cols: int) -> np.ndarray:
    arr = as_finite(x, name)
    if arr.ndim != 2 or arr.shape[1] != n_cols:
        raise ValueError(
            f"{name} must have shape (n, {n_cols}), one row per example, "
            f"got shape {arr.shape}"
        )
    return arr


def _pixels(x: ArrayLike, name: str, n_cols: int) -> np.ndarray:
    arr = _matrix(x, name, n_cols)
    if ((arr < 0) | (arr > 1)).any():
        bad = arr[(arr < 0) | (arr > 1)].flat[0]
        raise ValueError(
            f"{name} must hold pixel intensities in [0, 1] (the Bernoulli "
            f"decoder's targets), got {bad!r}; scale the data first"
        )
    return arr


def _generator(rng: np.random.Generator | int, name: str) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"{name} must be a numpy Generator or an integer seed")
    return np.random.default_rng(int(rng))


@contextlib.contextmanager
def _blas_threads(limit: int | None) -> Iterator[None]:
    """Cap the BLAS threads numpy uses, if ``threadpoolctl`` is installed.

    The model's matrices are small (a 64 x 256 batch product): a second BLAS
    thread saves nothing, and when another process holds a core the threads
    wait for each other, making training several times slower.
    """
    if limit is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings it
        yield
        return
    with threadpool_limits(limits=limit, user_api="blas"):
        yield


# --------------------------------------------------------------------------
# elementwise pieces, written so that nothing overflows


def _sigmoid(t: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^-t) for t >= 0 and e^t / (1 + e^t) for t < 0: e^-|t| <= 1.
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _act(t: np.ndarray, name: str) -> np.ndarray:
    if name == "tanh":
        return np.tanh(t)
    if name == "relu":
        return np.maximum(t, 0.0)
    if name == "sigmoid":
        return _sigmoid(t)
    raise ValueError(f"unknown activation {name!r}")


def _act_grad(out: np.ndarray, name: str) -> np.ndarray:
    """Derivative of the activation, from its output."""
    if name == "tanh":
        return 1.0 - out * out
    return (out > 0).astype(out.dtype)  # relu


def _bernoulli_log_lik(x: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """``sum_i x_i log s(l_i) + (1 - x_i) log(1 - s(l_i))`` per row, stably."""
    # = x l - softplus(l), softplus(l) = max(l, 0) + log1p(e^-|l|)
    softplus = np.maximum(logits, 0.0) + np.log1p(np.exp(-np.abs(logits)))
    return (x * logits - softplus).sum(axis=1)


def _layers_forward(layers: list[tuple[np.ndarray, np.ndarray, str]], z: np.ndarray):
    """Apply ``act(z @ W + b)`` layer by layer: the one decoder evaluation.

    Both :meth:`VAE.decode` and :func:`decode_exported` go through here, so
    an exported decoder reproduces the model bit for bit.
    """
    h = z
    for W, b, act in layers:
        h = _act(h @ W + b, act)
    return h


# --------------------------------------------------------------------------
# the model


class VAE:
    r"""A variational autoencoder with one hidden layer on each side.

    Encoder: :math:`h = a(x W_e + b_e)`, :math:`\mu = h W_\mu + b_\mu`,
    :math:`v = \log \sigma^2 = h W_v + b_v`. Decoder:
    :math:`g = a(z W_d + b_d)`, pixel probabilities
    :math:`\hat x = \mathrm{sigmoid}(g W_o + b_o)` (Bernoulli means). The
    hidden activation :math:`a` is ``tanh`` or ``relu``.

    Parameters
    ----------
    n_input : int
        Number of pixels per example (64 for the 8x8 digits).
    n_hidden : int, optional
        Width of each hidden layer; default ``RECOMMENDED["n_hidden"]``
        (256).
    n_latent : int, optional
        Dimension of the latent space; 2 (default) can be drawn.
    activation : {"relu", "tanh"}, optional
        Hidden-layer activation, default ``"relu"`` (on the digits it
        trains to a better ELBO than ``"tanh"``, which tends to stall with
        a barely used latent space).
    seed : int, optional
        Seed of the ``numpy.random.default_rng`` that draws the initial
        weights (Glorot-uniform; biases start at 0).

    Attributes
    ----------
    params : dict
        The weights (ndarrays), by name: ``enc_W`` (n_input, n_hidden), ``enc_b``,
        ``mu_W`` and ``logvar_W`` (n_hidden, n_latent), ``mu_b``,
        ``logvar_b``, ``dec_W`` (n_latent, n_hidden), ``dec_b``, ``out_W``
        (n_hidden, n_input), ``out_b``. Weights act as ``x @ W + b``.

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.vae import VAE
    >>> model = VAE(6, 8, seed=0)
    >>> X = np.random.default_rng(1).random((5, 6))
    >>> mu, log_var = model.encode(X)
    >>> mu.shape, log_var.shape, model.decode(mu).shape
    ((5, 2), (5, 2), (5, 6))
    """

    def __init__(
        self,
        n_input: int,
        n_hidden: int = RECOMMENDED["n_hidden"],
        n_latent: int = 2,
        *,
        activation: str = RECOMMENDED["activation"],
        seed: int = 0,
    ) -> None:
        self.n_input = _positive_int(n_input, "n_input")
        self.n_hidden = _positive_int(n_hidden, "n_hidden")
        self.n_latent = _positive_int(n_latent, "n_latent")
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {ACTIVATIONS}, got {activation!r}"
            )
        self.activation = activation
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        rng = np.random.default_rng(int(seed))
        shapes = {
            "enc": (self.n_input, self.n_hidden),
            "mu": (self.n_hidden, self.n_latent),
            "logvar": (self.n_hidden, self.n_latent),
            "dec": (self.n_latent, self.n_hidden),
            "out": (self.n_hidden, self.n_input),
        }
        self.params: dict[str, np.ndarray] = {}
        for layer, (fan_in, fan_out) in shapes.items():
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            self.params[f"{layer}_W"] = rng.uniform(-limit, limit, (fan_in, fan_out))
            self.params[f"{layer}_b"] = np.zeros(fan_out)

    def __repr__(self) -> str:
        return (
            f"VAE(n_input={self.n_input}, n_hidden={self.n_hidden}, "
            f"n_latent={self.n_latent}, activation={self.activation!r})"
        )

    @property
    def n_params(self) -> int:
        """Number of trainable numbers."""
        return sum(p.size for p in self.params.values())

    # ---- the two halves ---------------------------------------------------

    def _encode(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = self.params
        h = _act(X @ p["enc_W"] + p["enc_b"], self.activation)
        return h, h @ p["mu_W"] + p["mu_b"], h @ p["logvar_W"] + p["logvar_b"]

    def _decoder_layers(self) -> list[tuple[np.ndarray, np.ndarray, str]]:
        p = self.params
        return [
            (p["dec_W"], p["dec_b"], self.activation),
            (p["out_W"], p["out_b"], "sigmoid"),
        ]

    def encode(self, X: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        r"""Parameters of the approximate posterior :math:`q(z \mid x)`.

        Parameters
        ----------
        X : array_like, shape (n, n_input)
            Examples, one per row.

        Returns
        -------
        mu : ndarray, shape (n, n_latent)
            Posterior means.
        log_var : ndarray, shape (n, n_latent)
            Posterior log variances :math:`\log \sigma^2` (natural log).
        """
        _, mu, log_var = self._encode(_matrix(X, "X", self.n_input))
        return mu, log_var

    def decode(self, Z: ArrayLike) -> np.ndarray:
        r"""Pixel probabilities :math:`\hat x(z)`, the decoder's Bernoulli means.

        Parameters
        ----------
        Z : array_like, shape (n, n_latent)
            Points of the latent space.

        Returns
        -------
        ndarray, shape (n, n_input)
            Means in (0, 1), one image per row.
        """
        Z = _matrix(Z, "Z", self.n_latent)
        return _layers_forward(self._decoder_layers(), Z)

    def reconstruct(self, X: ArrayLike) -> np.ndarray:
        """Decode each example's posterior mean: ``decode(encode(X)[0])``."""
        mu, _ = self.encode(X)
        return self.decode(mu)

    # ---- the objective -----------------------------------------------------

    def elbo(
        self,
        X: ArrayLike,
        rng: np.random.Generator | int = 0,
        *,
        n_samples: int = 1,
    ) -> tuple[float, float, float]:
        r"""ELBO, reconstruction term and KL term, means per example in nats.

        .. math::

            \mathrm{ELBO}(x) = \underbrace{\mathbb E_{q(z \mid x)}
            \log p(x \mid z)}_{\text{recon}}
            - \underbrace{D\big(q(z \mid x) \,\|\, \mathcal N(0, I)\big)
            }_{\text{kl}}

        The KL term is exact (``kltools.vae_kl`` in nats); the
        reconstruction term is a Monte Carlo average over ``n_samples``
        reparameterised draws of :math:`z` per example.

        Parameters
        ----------
        X : array_like, shape (n, n_input)
            Examples with entries in [0, 1].
        rng : numpy Generator or int, optional
            Source of the noise :math:`\varepsilon`, or a seed for one
            (default 0, so repeated calls agree).
        n_samples : int, optional
            Draws of :math:`z` per example (default 1).

        Returns
        -------
        elbo, recon, kl : float
            Means over the examples, in nats; ``elbo == recon - kl``.
        """
        X = _pixels(X, "X", self.n_input)
        n_samples = _positive_int(n_samples, "n_samples")
        gen = _generator(rng, "rng")
        _, mu, log_var = self._encode(X)
        kl = float(np.mean(vae_kl(mu, log_var, base=math.e)))
        std = np.exp(0.5 * log_var)
        p = self.params
        recon = 0.0
        for _ in range(n_samples):
            z = mu + std * gen.standard_normal(mu.shape)
            g = _act(z @ p["dec_W"] + p["dec_b"], self.activation)
            logits = g @ p["out_W"] + p["out_b"]
            recon += float(np.mean(_bernoulli_log_lik(X, logits)))
        recon /= n_samples
        return recon - kl, recon, kl

    def loss_and_grads(
        self, X: ArrayLike, eps: ArrayLike, beta: float = 1.0
    ) -> tuple[float, dict[str, np.ndarray]]:
        r"""The loss :math:`-\mathrm{ELBO}_\beta` on a batch and its gradient.

        With the noise fixed, the loss

        .. math::

            L = \frac1n \sum_{k=1}^n \Big[ -\log p\big(x_k \mid
            z_k\big) + \beta\, D\big(q(z \mid x_k) \,\|\, \mathcal N(0,
            I)\big) \Big], \qquad z_k = \mu(x_k) + e^{v(x_k)/2} \odot
            \varepsilon_k,

        is a deterministic, differentiable function of the weights; its
        gradient is computed by hand-written backpropagation.

        Parameters
        ----------
        X : array_like, shape (n, n_input)
            A batch of examples with entries in [0, 1].
        eps : array_like, shape (n, n_latent)
            The standard-normal noise of the reparameterisation.
        beta : float, optional
            Weight of the KL term, >= 0 (default 1).

        Returns
        -------
        loss : float
            :math:`L` in nats per example.
        grads : dict of str to ndarray
            :math:`\partial L / \partial \theta` for every array in
            :attr:`params`, same names and shapes.
        """
        X = _pixels(X, "X", self.n_input)
        eps = _matrix(eps, "eps", self.n_latent)
        if eps.shape[0] != X.shape[0]:
            raise ValueError(
                f"eps must have one row per example of X: X has {X.shape[0]} "
                f"rows, eps {eps.shape[0]}"
            )
        beta = _real(beta, "beta", positive=False)
        recon, kl, grads = self._forward_backward(X, eps, beta)
        return -(recon - beta * kl), grads

    def _forward_backward(
        self, X: np.ndarray, eps: np.ndarray, beta: float
    ) -> tuple[float, float, dict[str, np.ndarray]]:
        """Batch-mean recon and KL (nats) and the gradient of -(recon - beta kl)."""
        p = self.params
        act = self.activation
        n = X.shape[0]
        # forward
        with np.errstate(over="ignore", invalid="ignore"):
            h, mu, log_var = self._encode(X)
            std = np.exp(0.5 * log_var)
            z = mu + std * eps
            g = _act(z @ p["dec_W"] + p["dec_b"], act)
            logits = g @ p["out_W"] + p["out_b"]
            recon = float(np.mean(_bernoulli_log_lik(X, logits)))
        if not (math.isfinite(recon) and np.isfinite(std).all()):
            raise FloatingPointError(
                "the ELBO is no longer finite: the weights diverged; "
                "train again with a smaller lr"
            )
        kl = float(np.mean(vae_kl(mu, log_var, base=math.e)))
        # backward: d(loss)/d(logits) of the Bernoulli negative log likelihood
        d_logits = (_sigmoid(logits) - X) / n
        grads = {
            "out_W": g.T @ d_logits,
            "out_b": d_logits.sum(axis=0),
        }
        d_pre_g = (d_logits @ p["out_W"].T) * _act_grad(g, act)
        grads["dec_W"] = z.T @ d_pre_g
        grads["dec_b"] = d_pre_g.sum(axis=0)
        d_z = d_pre_g @ p["dec_W"].T
        # z = mu + exp(v/2) eps; KL = 1/2 sum(mu^2 + e^v - v - 1)
        d_mu = d_z + (beta / n) * mu
        d_log_var = d_z * (0.5 * std * eps) + (beta / n) * 0.5 * np.expm1(log_var)
        grads["mu_W"] = h.T @ d_mu
        grads["mu_b"] = d_mu.sum(axis=0)
        grads["logvar_W"] = h.T @ d_log_var
        grads["logvar_b"] = d_log_var.sum(axis=0)
        d_pre_h = (d_mu @ p["mu_W"].T + d_log_var @ p["logvar_W"].T) * _act_grad(h, act)
        grads["enc_W"] = X.T @ d_pre_h
        grads["enc_b"] = d_pre_h.sum(axis=0)
        return recon, kl, {name: grads[name] for name in _PARAM_NAMES}

    # ---- the decoder, for the web site -------------------------------------

    def export_decoder(self) -> dict[str, Any]:
        """The decoder as plain, JSON-serialisable lists.

        The static web site evaluates it in JavaScript. Layer ``k`` maps a
        row vector ``h`` to ``activation(h @ weights + bias)``, with
        ``weights[i][j]`` the weight from input ``i`` to output ``j``
        (shape ``[fan_in, fan_out]``); the activations are ``"tanh"``
        (or ``"relu"``, ``max(t, 0)``) and then ``"sigmoid"``, computed as
        ``1 / (1 + exp(-t))`` for ``t >= 0`` and ``exp(t) / (1 + exp(t))``
        for ``t < 0``. Floats are Python floats, so ``json.dumps`` keeps
        every bit and :func:`decode_exported` reproduces :meth:`decode`
        exactly.

        Returns
        -------
        dict
            ``format`` (``"kltools.vae.decoder/1"``), ``n_latent``,
            ``n_output``, and ``layers``: a list of dicts with ``weights``
            (list of lists), ``bias`` (list), ``activation`` (str) and
            ``shape`` (``[fan_in, fan_out]``).
        """
        layers = [
            {
                "weights": W.tolist(),
                "bias": b.tolist(),
                "activation": act,
                "shape": list(W.shape),
            }
            for W, b, act in self._decoder_layers()
        ]
        return {
            "format": EXPORT_FORMAT,
            "n_latent": self.n_latent,
            "n_output": self.n_input,
            "layers": layers,
        }


def decode_exported(exported: dict[str, Any], Z: ArrayLike) -> np.ndarray:
    """Evaluate an exported decoder: the reference for the JavaScript port.

    Parameters
    ----------
    exported : dict
        What :meth:`VAE.export_decoder` returned, possibly after a round
        trip through JSON.
    Z : array_like, shape (n, n_latent)
        Points of the latent space.

    Returns
    -------
    ndarray, shape (n, n_output)
        Pixel probabilities, equal (bit for bit) to ``model.decode(Z)``.

    Examples
    --------
    >>> import json
    >>> import numpy as np
    >>> from kltools.vae import VAE, decode_exported
    >>> model = VAE(6, 8, seed=0)
    >>> d = json.loads(json.dumps(model.export_decoder()))
    >>> Z = [[0.5, -1.0]]
    >>> bool(np.array_equal(decode_exported(d, Z), model.decode(Z)))
    True
    """
    if not isinstance(exported, dict) or exported.get("format") != EXPORT_FORMAT:
        raise ValueError(
            f"exported must be a dict from VAE.export_decoder with format "
            f"{EXPORT_FORMAT!r}"
        )
    layers = []
    for k, layer in enumerate(exported["layers"]):
        W = np.array(layer["weights"], dtype=np.float64)
        b = np.array(layer["bias"], dtype=np.float64)
        if W.shape != tuple(layer["shape"]) or b.shape != (W.shape[1],):
            raise ValueError(
                f"exported layer {k} has weights {W.shape} and bias {b.shape}, "
                f"but says its shape is {layer['shape']}"
            )
        if layer["activation"] not in (*ACTIVATIONS, "sigmoid"):
            raise ValueError(
                f"exported layer {k} has unknown activation {layer['activation']!r}"
            )
        layers.append((W, b, layer["activation"]))
    Z = _matrix(Z, "Z", int(exported["n_latent"]))
    return _layers_forward(layers, Z)


# --------------------------------------------------------------------------
# training


def train(
    model: VAE,
    X: ArrayLike,
    *,
    epochs: int = RECOMMENDED["epochs"],
    batch_size: int = RECOMMENDED["batch_size"],
    lr: float = RECOMMENDED["lr"],
    beta: float = RECOMMENDED["beta"],
    seed: int = 0,
    blas_threads: int | None = 1,
) -> dict[str, list[float]]:
    r"""Fit ``model`` to ``X`` by Adam on minibatches; return the history.

    Each epoch shuffles the examples, and for each minibatch draws fresh
    noise :math:`\varepsilon`, takes the gradient of
    :math:`-\mathrm{ELBO}_\beta = -\mathbb E_q \log p(x \mid z) + \beta D(q
    \| p)` (see :meth:`VAE.loss_and_grads`) and makes one Adam step
    (:math:`\beta_1 = 0.9`, :math:`\beta_2 = 0.999`, :math:`\epsilon =
    10^{-8}`). The model's weights change in place; Adam's moment
    estimates start from zero in each call. If the weights diverge (lr far
    too large) it raises ``FloatingPointError``.

    Parameters
    ----------
    model : VAE
        The model to train.
    X : array_like, shape (n, n_input)
        Training examples with entries in [0, 1].
    epochs : int, optional
        Passes over the data, default 200.
    batch_size : int, optional
        Examples per Adam step, default 64 (the last batch may be smaller).
    lr : float, optional
        Adam's step size, > 0, default ``3e-3``.
    beta : float, optional
        Weight of the KL term, >= 0; 1 (default) is the VAE, larger values
        push the posterior towards the prior (a large one makes it collapse:
        KL near 0 and ``z`` ignored).
    seed : int, optional
        Seed of the ``numpy.random.default_rng`` that shuffles and draws the
        noise; the same seed and model give the same history and weights.
    blas_threads : int or None, optional
        BLAS threads numpy may use while training (through
        ``threadpoolctl``, which scikit-learn installs; without it the
        setting is ignored). Default 1: the matrices are too small to gain
        from a second thread, and with a busy core two threads can make
        training several times slower. ``None`` leaves the setting alone.

    Returns
    -------
    dict of str to list of float
        One entry per epoch, means per example in nats of the values seen
        during that epoch (each batch before its step): ``epoch``
        (1, 2, ...), ``elbo`` (= ``recon - kl``), ``recon``
        (:math:`\mathbb E_q \log p(x \mid z)`), ``kl``
        (:math:`D(q(z \mid x) \| \mathcal N(0, I))`) and ``objective``
        (= ``recon - beta * kl``, what the steps increase).

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.vae import VAE, train
    >>> X = np.random.default_rng(0).random((40, 6))
    >>> model = VAE(6, 8, seed=0)
    >>> history = train(model, X, epochs=3, batch_size=16, seed=0)
    >>> history["epoch"], sorted(history)
    ([1, 2, 3], ['elbo', 'epoch', 'kl', 'objective', 'recon'])
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE, got {type(model).__name__}")
    X = _pixels(X, "X", model.n_input)
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    lr = _real(lr, "lr", positive=True)
    beta = _real(beta, "beta", positive=False)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    if blas_threads is not None:
        blas_threads = _positive_int(blas_threads, "blas_threads")
    with _blas_threads(blas_threads):
        return _train(model, X, epochs, batch_size, lr, beta, int(seed))


def _train(
    model: VAE,
    X: np.ndarray,
    epochs: int,
    batch_size: int,
    lr: float,
    beta: float,
    seed: int,
) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    params = model.params
    m1 = {k: np.zeros_like(v) for k, v in params.items()}
    m2 = {k: np.zeros_like(v) for k, v in params.items()}
    step = 0
    history: dict[str, list[float]] = {
        "epoch": [],
        "elbo": [],
        "recon": [],
        "kl": [],
        "objective": [],
    }
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        recon_sum = kl_sum = 0.0
        for start in range(0, n, batch_size):
            batch = X[order[start : start + batch_size]]
            eps = rng.standard_normal((batch.shape[0], model.n_latent))
            recon, kl, grads = model._forward_backward(batch, eps, beta)
            recon_sum += recon * batch.shape[0]
            kl_sum += kl * batch.shape[0]
            step += 1
            # Adam, bias-corrected; step size folded into one scalar
            c1 = 1.0 - _ADAM_BETA1**step
            c2 = 1.0 - _ADAM_BETA2**step
            a = lr * math.sqrt(c2) / c1
            e = _ADAM_EPS * math.sqrt(c2)
            for name in _PARAM_NAMES:
                gr = grads[name]
                m1[name] *= _ADAM_BETA1
                m1[name] += (1.0 - _ADAM_BETA1) * gr
                m2[name] *= _ADAM_BETA2
                m2[name] += (1.0 - _ADAM_BETA2) * (gr * gr)
                params[name] -= a * m1[name] / (np.sqrt(m2[name]) + e)
        recon_mean = recon_sum / n
        kl_mean = kl_sum / n
        history["epoch"].append(epoch)
        history["elbo"].append(recon_mean - kl_mean)
        history["recon"].append(recon_mean)
        history["kl"].append(kl_mean)
        history["objective"].append(recon_mean - beta * kl_mean)
    return history
