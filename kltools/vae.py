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
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from ._validation import as_finite
from .continuous import vae_kl

__all__ = [
    "RECOMMENDED",
    "VAE",
    "Evidence",
    "RateSplit",
    "decode_exported",
    "evidence_by_quadrature",
    "gradient_estimates",
    "importance_weighted_bound",
    "optimise_posteriors",
    "rate_decomposition",
    "train",
]

#: Settings that train a visibly good model of the 1797 digits in about 5 s
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


def _sigmoid(t: np.ndarray, e: np.ndarray | None = None) -> np.ndarray:
    # 1 / (1 + e^-t) for t >= 0 and e^t / (1 + e^t) for t < 0: e^-|t| <= 1.
    # ``e`` is e^-|t| when the caller has it already.
    if e is None:
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


def _scale_by_act_grad(d: np.ndarray, out: np.ndarray, name: str) -> np.ndarray:
    """``d * _act_grad(out, name)``, in place in ``d`` (a fresh product)."""
    if name == "tanh":
        d *= 1.0 - out * out
    else:  # relu: multiplying by the boolean mask is multiplying by 1.0 or 0.0
        d *= out > 0
    return d


def _bernoulli_log_lik(
    x: np.ndarray, logits: np.ndarray, e: np.ndarray | None = None
) -> np.ndarray:
    """``sum_i x_i log s(l_i) + (1 - x_i) log(1 - s(l_i))`` per row, stably.

    ``e`` is ``e^-|l|`` when the caller has it already (it also serves
    :func:`_sigmoid`)."""
    # = x l - softplus(l), softplus(l) = max(l, 0) + log1p(e^-|l|)
    if e is None:
        e = np.exp(-np.abs(logits))
    softplus = np.maximum(logits, 0.0) + np.log1p(e)
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

    def copy(self) -> VAE:
        """An independent copy: the same sizes and activation, copied weights.

        Training the copy leaves this model alone, so one trained model can
        be the starting point of several runs (a warm start).

        Examples
        --------
        >>> from kltools.vae import VAE
        >>> a = VAE(6, 8, seed=0)
        >>> b = a.copy()
        >>> b.params["out_b"] += 1.0
        >>> float(a.params["out_b"][0]), float(b.params["out_b"][0])
        (0.0, 1.0)
        """
        twin = object.__new__(VAE)
        twin.n_input = self.n_input
        twin.n_hidden = self.n_hidden
        twin.n_latent = self.n_latent
        twin.activation = self.activation
        twin.params = {name: p.copy() for name, p in self.params.items()}
        return twin

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
            e = np.exp(-np.abs(logits))  # for the sigmoid below too
            recon = float(np.mean(_bernoulli_log_lik(X, logits, e)))
        if not (math.isfinite(recon) and np.isfinite(std).all()):
            raise FloatingPointError(
                "the ELBO is no longer finite: the weights diverged; "
                "train again with a smaller lr"
            )
        # the KL term in nats, as kltools.vae_kl computes it, without its checks
        kl_rows = 0.5 * (mu * mu + np.expm1(log_var) - log_var).sum(axis=-1)
        kl = float(np.mean(np.maximum(kl_rows, 0.0)))
        # backward: d(loss)/d(logits) of the Bernoulli negative log likelihood
        d_logits = (_sigmoid(logits, e) - X) / n
        grads = {
            "out_W": g.T @ d_logits,
            "out_b": d_logits.sum(axis=0),
        }
        d_pre_g = _scale_by_act_grad(d_logits @ p["out_W"].T, g, act)
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
        d_pre_h = _scale_by_act_grad(
            d_mu @ p["mu_W"].T + d_log_var @ p["logvar_W"].T, h, act
        )
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
    anneal: int = 0,
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
    estimates start from zero in each call, so a second call on a trained
    model is a warm start. If the weights diverge (lr far too large) it
    raises ``FloatingPointError``.

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
    anneal : int, optional
        Number of final epochs, from 0 (default: a constant step size) to
        ``epochs``, over which the step size falls linearly to zero: over
        the last :math:`S` steps, step :math:`s = 0, \dots, S - 1` of them
        uses :math:`\mathrm{lr} \cdot (S - s) / S`. A falling step size
        removes most of the minibatch noise from the final weights.
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
    if isinstance(anneal, bool) or not isinstance(anneal, numbers.Integral):
        raise TypeError(f"anneal must be an integer, got {anneal!r}")
    if not 0 <= anneal <= epochs:
        raise ValueError(
            f"anneal must be a number of epochs from 0 to epochs={epochs}, "
            f"got {anneal!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    if blas_threads is not None:
        blas_threads = _positive_int(blas_threads, "blas_threads")
    with _blas_threads(blas_threads):
        return _train(model, X, epochs, batch_size, lr, beta, int(anneal), int(seed))


def _train(
    model: VAE,
    X: np.ndarray,
    epochs: int,
    batch_size: int,
    lr: float,
    beta: float,
    anneal: int,
    seed: int,
) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    params = model.params
    # Adam works on one flat vector: the parameters become views into it
    # while training (five vector operations per step instead of fifty),
    # and are copied back into the model's own arrays at the end. The
    # arithmetic per number is unchanged, so the result is bit for bit that
    # of an update array by array.
    own = {name: params[name] for name in _PARAM_NAMES}
    flat = np.concatenate([own[name].ravel() for name in _PARAM_NAMES])
    start = 0
    for name in _PARAM_NAMES:
        size = own[name].size
        params[name] = flat[start : start + size].reshape(own[name].shape)
        start += size
    grad = np.empty_like(flat)
    m1 = np.zeros_like(flat)
    m2 = np.zeros_like(flat)
    tmp = np.empty_like(flat)
    upd = np.empty_like(flat)
    steps_per_epoch = -(-n // batch_size)
    total_steps = epochs * steps_per_epoch
    anneal_steps = anneal * steps_per_epoch
    step = 0
    history: dict[str, list[float]] = {
        "epoch": [],
        "elbo": [],
        "recon": [],
        "kl": [],
        "objective": [],
    }
    try:
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n)
            recon_sum = kl_sum = 0.0
            for begin in range(0, n, batch_size):
                batch = X[order[begin : begin + batch_size]]
                eps = rng.standard_normal((batch.shape[0], model.n_latent))
                recon, kl, grads = model._forward_backward(batch, eps, beta)
                recon_sum += recon * batch.shape[0]
                kl_sum += kl * batch.shape[0]
                left = total_steps - step  # steps still to make, this one too
                step += 1
                rate = lr if left > anneal_steps else lr * left / anneal_steps
                # Adam, bias-corrected; step size folded into one scalar
                c1 = 1.0 - _ADAM_BETA1**step
                c2 = 1.0 - _ADAM_BETA2**step
                a = rate * math.sqrt(c2) / c1
                e = _ADAM_EPS * math.sqrt(c2)
                np.concatenate([grads[name].ravel() for name in _PARAM_NAMES], out=grad)
                m1 *= _ADAM_BETA1
                np.multiply(grad, 1.0 - _ADAM_BETA1, out=tmp)
                m1 += tmp
                m2 *= _ADAM_BETA2
                np.multiply(grad, grad, out=tmp)
                tmp *= 1.0 - _ADAM_BETA2
                m2 += tmp
                np.sqrt(m2, out=tmp)
                tmp += e
                np.multiply(m1, a, out=upd)
                upd /= tmp
                flat -= upd
            recon_mean = recon_sum / n
            kl_mean = kl_sum / n
            history["epoch"].append(epoch)
            history["elbo"].append(recon_mean - kl_mean)
            history["recon"].append(recon_mean)
            history["kl"].append(kl_mean)
            history["objective"].append(recon_mean - beta * kl_mean)
    finally:
        for name in _PARAM_NAMES:
            own[name][...] = params[name]
            params[name] = own[name]
    return history


# --------------------------------------------------------------------------
# what the codes carry: the rate split, and the ELBO's gap


class RateSplit(NamedTuple):
    """The rate of an encoder on a data set, split in two; nats per example."""

    rate: float
    """:math:`R`, the mean KL term :math:`D(q(z \\mid x) \\| p(z))`."""
    information: float
    """:math:`I_q(x; z)`, with :math:`x` uniform over the examples."""
    marginal_kl: float
    """:math:`D(q(z) \\| p(z)) = R - I_q(x; z)`, the codes' mismatch with the prior."""


def _log_normal_pairs(z: np.ndarray, mu: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """``out[i, j] = log N(z_i; mu_j, diag e^{log_var_j})``, by matrix products."""
    inv = np.exp(-log_var)  # (m, d)
    const = (mu * mu * inv).sum(axis=1) + log_var.sum(axis=1)
    const += mu.shape[1] * math.log(2.0 * math.pi)
    quad = (z * z) @ inv.T - 2.0 * (z @ (mu * inv).T)
    return -0.5 * (quad + const)


def _logsumexp_rows(a: np.ndarray) -> np.ndarray:
    top = a.max(axis=1)
    return top + np.log(np.exp(a - top[:, None]).sum(axis=1))


def rate_decomposition(
    mu: ArrayLike,
    log_var: ArrayLike,
    *,
    n_samples: int = 1,
    rng: np.random.Generator | int = 0,
) -> RateSplit:
    r"""Split the rate into information about the examples and prior mismatch.

    Take :math:`x` uniform over the :math:`n` examples whose posteriors
    :math:`q(z \mid x_j) = \mathcal N(\mu_j, \operatorname{diag}
    e^{v_j})` are given, and let :math:`q(z) = \frac1n \sum_j q(z \mid x_j)`
    be the *aggregate posterior*, where the codes actually lie. Then the
    rate (the mean KL term of a VAE) splits exactly as

    .. math::

        R = \frac1n \sum_i D\big(q(z \mid x_i) \,\|\, p(z)\big)
          = I_q(x; z) + D\big(q(z) \,\|\, p(z)\big),
        \qquad p(z) = \mathcal N(0, I),

    :cite:p:`hoffman2016,alemi2018`: the mutual information between the
    example and its code, and the divergence of the codes' distribution
    from the prior. Since :math:`x` takes :math:`n` values,
    :math:`0 \le I_q(x; z) \le H(x) = \ln n`; the rate has no such ceiling.

    :math:`R` is exact (:func:`kltools.vae_kl`). :math:`I_q` is estimated
    without bias by drawing ``n_samples`` codes :math:`z \sim q(z \mid
    x_i)` for every :math:`i` and averaging :math:`\log q(z \mid x_i) -
    \log q(z)`, with :math:`q(z)` summed over all :math:`n` components
    exactly; every term is at most :math:`\ln n`, so the estimate is too.
    The mismatch is :math:`R` minus that estimate, so when it is near zero
    the estimate's noise can make it slightly negative. The cost is
    :math:`n^2` Gaussian densities per sample.

    Parameters
    ----------
    mu : array_like, shape (n, d)
        Posterior means, one row per example (``VAE.encode(X)[0]``).
    log_var : array_like, shape (n, d)
        Posterior log variances (natural log), same shape.
    n_samples : int, optional
        Codes drawn per example (default 1).
    rng : numpy Generator or int, optional
        Source of the draws, or a seed for one (default 0).

    Returns
    -------
    RateSplit
        ``rate``, ``information`` and ``marginal_kl``, in nats per example;
        ``rate == information + marginal_kl``.

    Examples
    --------
    Two posteriors far apart: the code tells which example it came from,
    so :math:`I = \ln 2`; the rest of the rate is mismatch with the prior.

    >>> import math
    >>> from kltools.vae import rate_decomposition
    >>> split = rate_decomposition([[-30.0], [30.0]], [[0.0], [0.0]])
    >>> split.rate, round(split.information / math.log(2), 12)
    (450.0, 1.0)
    """
    m = as_finite(mu, "mu")
    v = as_finite(log_var, "log_var")
    if m.ndim != 2:
        raise ValueError(
            f"mu must have shape (n, d), one row per example, got {m.shape}"
        )
    if v.shape != m.shape:
        raise ValueError(f"log_var must have the shape of mu, {m.shape}, got {v.shape}")
    n_samples = _positive_int(n_samples, "n_samples")
    gen = _generator(rng, "rng")
    n = m.shape[0]
    rate = float(np.mean(vae_kl(m, v, base=math.e)))
    std = np.exp(0.5 * v)
    chunk = max(1, 2**22 // n)  # rows of the n x n table held at once
    total = 0.0
    for _ in range(n_samples):
        eps = gen.standard_normal(m.shape)
        z = m + std * eps
        # log q(z_i | x_i) directly: -1/2 sum(eps^2 + v + log 2 pi)
        own = -0.5 * (eps * eps + v + math.log(2.0 * math.pi)).sum(axis=1)
        for lo in range(0, n, chunk):
            table = _log_normal_pairs(z[lo : lo + chunk], m, v)
            log_q = _logsumexp_rows(table) - math.log(n)
            total += float(np.sum(own[lo : lo + chunk] - log_q))
    information = total / (n * n_samples)
    return RateSplit(rate, information, rate - information)


class Evidence(NamedTuple):
    """Per-example log evidence, ELBO and their gap, in nats."""

    log_evidence: np.ndarray
    r""":math:`\log p_\theta(x)`."""
    elbo: np.ndarray
    r""":math:`\mathrm{ELBO}(x)`, its reconstruction term integrated on the grid."""
    gap: np.ndarray
    r""":math:`\log p_\theta(x) - \mathrm{ELBO}(x)`, which is
    :math:`D(q(z \mid x) \| p_\theta(z \mid x))`."""


def evidence_by_quadrature(
    model: VAE,
    X: ArrayLike,
    *,
    limit: float = 4.5,
    n_grid: int = 181,
    posterior: tuple[ArrayLike, ArrayLike] | None = None,
) -> Evidence:
    r"""The log evidence and the ELBO of each example, by a grid over the latents.

    With a latent space of one or two dimensions the evidence

    .. math::

        p_\theta(x) = \int p(z)\, p_\theta(x \mid z) \, dz

    is an ordinary integral, computed here by the rectangle rule on
    ``n_grid`` points per axis over :math:`[-\ell, \ell]^d`. For a smooth
    integrand that vanishes at the box's edges the rule is exponentially
    accurate; a ReLU decoder has kinks, which make its error fall like the
    square of the spacing (on the models of chapter 7, below :math:`10^{-3}`
    nats per example at the default, and far less on a mean over examples;
    compare two values of ``n_grid``).

    The ELBO's reconstruction term :math:`\mathbb E_{q(z \mid x)}
    \log p_\theta(x \mid z)` is integrated on the same grid, its weights
    :math:`q(z_g \mid x)` normalised to sum to 1, and its KL term is exact.
    The gap is then the divergence of the encoder from the true posterior,
    :math:`D(q(z \mid x) \,\|\, p_\theta(z \mid x)) \ge 0`
    (the lower-bound theorem of chapter 7). All in nats.

    Parameters
    ----------
    model : VAE
        A model with ``n_latent`` 1 or 2.
    X : array_like, shape (n, n_input)
        Examples with entries in [0, 1].
    limit : float, optional
        Half-width :math:`\ell` of the box, > 0 (default 4.5: the prior's
        mass outside it is below :math:`10^{-5}`).
    n_grid : int, optional
        Points per axis, >= 2 (default 181, a spacing of 0.05).
    posterior : (mu, log_var), optional
        Diagonal Gaussians :math:`q(z \mid x)` to score instead of the
        encoder's, arrays of shape (n, n_latent) (for instance the
        per-example optima of :func:`optimise_posteriors`). Default: the
        encoder's ``model.encode(X)``.

    Returns
    -------
    Evidence
        Arrays of shape (n,): ``log_evidence``, ``elbo`` and ``gap``.

    Raises
    ------
    ValueError
        If the grid is coarser than a posterior standard deviation (the
        reconstruction term would be mis-integrated), or a posterior reaches
        beyond the box (its mean plus three standard deviations); the
        message says to raise ``n_grid`` or ``limit``. The grid must also
        resolve the true posterior, which is not checked: compare two
        values of ``n_grid``.

    Examples
    --------
    A decoder that ignores :math:`z` has the prior as its true posterior,
    so the gap is the KL term itself:

    >>> import numpy as np
    >>> import kltools as kt
    >>> from kltools.vae import VAE, evidence_by_quadrature
    >>> model = VAE(4, 3, seed=0)
    >>> model.params["dec_W"][:] = 0.0
    >>> x = np.array([[0.0, 0.5, 1.0, 0.25]])
    >>> ev = evidence_by_quadrature(model, x)
    >>> mu, log_var = model.encode(x)
    >>> bool(np.allclose(ev.gap, kt.vae_kl(mu, log_var, base=np.e), atol=1e-4))
    True
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE, got {type(model).__name__}")
    if model.n_latent > 2:
        raise ValueError(
            f"a grid over the latents needs n_latent <= 2, the model has "
            f"{model.n_latent}"
        )
    X = _pixels(X, "X", model.n_input)
    limit = _real(limit, "limit", positive=True)
    n_grid = _positive_int(n_grid, "n_grid")
    if n_grid < 2:
        raise ValueError(f"n_grid must be at least 2, got {n_grid}")
    d = model.n_latent
    axis = np.linspace(-limit, limit, n_grid)
    h = axis[1] - axis[0]
    if posterior is None:
        mu, log_var = model.encode(X)
    else:
        mu, log_var = _posterior_pair(posterior, X.shape[0], d)
    std = np.exp(0.5 * log_var)
    if std.min() < h:
        raise ValueError(
            f"the grid spacing {h:.3g} is coarser than a posterior standard "
            f"deviation {std.min():.3g}; raise n_grid"
        )
    if (np.abs(mu) + 3.0 * std).max() > limit:
        raise ValueError(
            f"a posterior reaches beyond the box [-{limit:g}, {limit:g}]; raise limit"
        )
    # q(z | x) is a product over the coordinates, and so are its grid
    # weights: w[j][i, k] is proportional to N(axis_k; mu_ij, std_ij^2).
    w = []
    for j in range(d):
        logw = -0.5 * ((axis[None, :] - mu[:, j : j + 1]) / std[:, j : j + 1]) ** 2
        wj = np.exp(logw - logw.max(axis=1, keepdims=True))
        w.append(wj / wj.sum(axis=1, keepdims=True))
    # the grid, in slabs of fixed first coordinate: z = (axis_k, rest_l)
    rest = axis[:, None] if d == 2 else np.zeros((1, 0))
    n = X.shape[0]
    top = np.full(n, -np.inf)  # running log-sum-exp of log p(x | z) p(z) h^d
    total = np.zeros(n)
    recon = np.zeros(n)
    p = model.params
    k_chunk = max(1, 8192 // rest.shape[0])
    with _blas_threads(1):
        for lo in range(0, n_grid, k_chunk):
            ks = np.arange(lo, min(lo + k_chunk, n_grid))
            Z = np.concatenate(
                [
                    np.repeat(axis[ks], rest.shape[0])[:, None],
                    np.tile(rest, (ks.size, 1)),
                ],
                axis=1,
            )
            g = _act(Z @ p["dec_W"] + p["dec_b"], model.activation)
            logits = g @ p["out_W"] + p["out_b"]
            softplus = np.maximum(logits, 0.0) + np.log1p(np.exp(-np.abs(logits)))
            log_lik = X @ logits.T - softplus.sum(axis=1)  # (n, slab)
            joint = log_lik - 0.5 * (Z * Z).sum(axis=1)
            new_top = np.maximum(top, joint.max(axis=1))
            total = total * np.exp(top - new_top) + np.exp(
                joint - new_top[:, None]
            ).sum(axis=1)
            top = new_top
            # E_q log p(x | z) on this slab: weight by w[0] over k, w[1] over l
            slab = log_lik.reshape(n, ks.size, rest.shape[0])
            inner = slab @ w[1][:, :, None] if d == 2 else slab
            recon += (w[0][:, ks] * inner[:, :, 0]).sum(axis=1)
    log_evidence = top + np.log(total) + d * (math.log(h) - 0.5 * math.log(2 * math.pi))
    elbo = recon - vae_kl(mu, log_var, base=math.e)
    return Evidence(log_evidence, elbo, log_evidence - elbo)


# --------------------------------------------------------------------------
# the encoder against per-example optima, the importance-weighted bound, and
# two gradient estimators


def _posterior_pair(posterior: object, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(posterior, (str, bytes)) or not hasattr(posterior, "__len__"):
        raise TypeError("posterior must be a pair (mu, log_var) of arrays")
    if len(posterior) != 2:
        raise ValueError(
            f"posterior must be a pair (mu, log_var), got {len(posterior)} items"
        )
    mu = as_finite(posterior[0], "posterior mu")
    log_var = as_finite(posterior[1], "posterior log_var")
    for arr, name in ((mu, "mu"), (log_var, "log_var")):
        if arr.shape != (n, d):
            raise ValueError(
                f"posterior {name} must have shape ({n}, {d}), got {arr.shape}"
            )
    return mu, log_var


def _log_lik(model: VAE, X: np.ndarray, Z: np.ndarray, grad: bool = False):
    """``log p(x_r | z_r)`` per row (nats), and its gradient in ``z_r`` if asked."""
    p = model.params
    g = _act(Z @ p["dec_W"] + p["dec_b"], model.activation)
    logits = g @ p["out_W"] + p["out_b"]
    value = _bernoulli_log_lik(X, logits)
    if not grad:
        return value
    d_logits = X - _sigmoid(logits)  # d log p / d logits
    d_pre = (d_logits @ p["out_W"].T) * _act_grad(g, model.activation)
    return value, d_pre @ p["dec_W"].T


def optimise_posteriors(
    model: VAE,
    X: ArrayLike,
    *,
    start: tuple[ArrayLike, ArrayLike] | None = None,
    n_nodes: int = 8,
    max_iter: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The diagonal Gaussian of largest ELBO for each example, decoder fixed.

    An encoder gives every example its posterior :math:`q(z \mid x) =
    \mathcal N(\mu(x), \operatorname{diag} e^{v(x)})` through one shared
    network (*amortised* inference). Here instead :math:`(\mu, v)` is
    optimised separately for each example, maximising

    .. math::

        \mathrm{ELBO}(x; \mu, v) = \mathbb E_{\varepsilon \sim \mathcal N(0, I)}
        \log p_\theta\big(x \mid \mu + e^{v/2} \odot \varepsilon\big)
        - D\big(\mathcal N(\mu, \operatorname{diag} e^{v}) \,\|\,
        \mathcal N(0, I)\big),

    with the expectation on a fixed tensor grid of Gauss-Hermite nodes
    (``n_nodes`` per latent axis, deterministic, so the objective is
    smooth) and the KL term exact. L-BFGS runs on all examples at once with
    the exact gradient; the examples do not interact. The difference
    between the ELBO of these optima and the encoder's is the *amortisation
    gap* :cite:p:`cremer2018`; score both with
    :func:`evidence_by_quadrature` (``posterior=``) for accurate values.

    Parameters
    ----------
    model : VAE
        The trained model; only its decoder is used, unless ``start`` is
        omitted.
    X : array_like, shape (n, n_input)
        Examples with entries in [0, 1].
    start : (mu, log_var), optional
        Starting posteriors, shape (n, n_latent) each; default the
        encoder's, so every example starts where amortised inference put it.
    n_nodes : int, optional
        Gauss-Hermite nodes per latent axis (default 8).
    max_iter : int, optional
        Most L-BFGS iterations (default 200).

    Returns
    -------
    mu, log_var : ndarray, shape (n, n_latent)
        The optimised posteriors.

    Examples
    --------
    A decoder that ignores :math:`z` has the prior as its posterior, and the
    optimum is found from anywhere:

    >>> import numpy as np
    >>> from kltools.vae import VAE, optimise_posteriors
    >>> model = VAE(4, 3, seed=0)
    >>> model.params["dec_W"][:] = 0.0
    >>> x = np.array([[0.0, 0.5, 1.0, 0.25]])
    >>> start = ([[1.0, -2.0]], [[0.5, -1.0]])
    >>> mu, log_var = optimise_posteriors(model, x, start=start)
    >>> bool(np.allclose(mu, 0.0, atol=1e-6) and np.allclose(log_var, 0.0, atol=1e-6))
    True
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE, got {type(model).__name__}")
    X = _pixels(X, "X", model.n_input)
    n, d = X.shape[0], model.n_latent
    n_nodes = _positive_int(n_nodes, "n_nodes")
    max_iter = _positive_int(max_iter, "max_iter")
    if start is None:
        mu0, v0 = model.encode(X)
    else:
        mu0, v0 = _posterior_pair(start, n, d)
    z1, w1 = np.polynomial.hermite_e.hermegauss(n_nodes)
    w1 = w1 / w1.sum()
    grids = np.meshgrid(*([z1] * d), indexing="ij")
    eps = np.stack([g.ravel() for g in grids], axis=1)  # (K, d)
    weights = np.prod(np.meshgrid(*([w1] * d), indexing="ij"), axis=0).ravel()
    n_k = eps.shape[0]
    X_rep = np.repeat(X, n_k, axis=0)

    def negative_elbo(theta: np.ndarray) -> tuple[float, np.ndarray]:
        mu = theta[: n * d].reshape(n, d)
        v = theta[n * d :].reshape(n, d)
        std = np.exp(0.5 * v)
        Z = (mu[:, None, :] + std[:, None, :] * eps[None]).reshape(-1, d)
        value, g = _log_lik(model, X_rep, Z, grad=True)
        value = value.reshape(n, n_k) @ weights
        g = g.reshape(n, n_k, d) * weights[None, :, None]
        d_mu = g.sum(axis=1) - mu
        d_v = (g * eps[None]).sum(axis=1) * 0.5 * std - 0.5 * np.expm1(v)
        kl = 0.5 * (mu * mu + np.expm1(v) - v).sum(axis=1)
        total = float(np.sum(value - kl))
        return -total, -np.concatenate([d_mu.ravel(), d_v.ravel()])

    theta0 = np.concatenate([np.ravel(mu0), np.ravel(v0)]).astype(float)
    with _blas_threads(1):
        fit = minimize(
            negative_elbo,
            theta0,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": max_iter, "ftol": 1e-13, "gtol": 1e-8},
        )
    theta = fit.x
    return theta[: n * d].reshape(n, d).copy(), theta[n * d :].reshape(n, d).copy()


def importance_weighted_bound(
    model: VAE,
    X: ArrayLike,
    k: int,
    *,
    n_repeats: int = 1,
    rng: np.random.Generator | int = 0,
) -> np.ndarray:
    r"""Importance-weighted lower bounds :math:`\mathcal L_K(x)` on the log evidence.

    With :math:`K` independent draws :math:`z_1, \dots, z_K \sim q(z \mid x)`
    from the encoder :cite:p:`burda2016`,

    .. math::

        \mathcal L_K(x) = \log \frac1K \sum_{k=1}^K
        \frac{p(z_k)\, p_\theta(x \mid z_k)}{q(z_k \mid x)},
        \qquad \mathbb E\, \mathcal L_K(x) \le \log p_\theta(x)

    by Jensen's inequality; :math:`\mathbb E\,\mathcal L_1` is the ELBO,
    :math:`\mathbb E\,\mathcal L_K` never decreases as :math:`K` grows, and
    it tends to :math:`\log p_\theta(x)` (the weights have finite variance
    here). Each call returns ``n_repeats`` independent draws of the random
    variable :math:`\mathcal L_K(x)` per example, in nats; average them to
    estimate the expectation.

    Parameters
    ----------
    model : VAE
    X : array_like, shape (n, n_input)
        Examples with entries in [0, 1].
    k : int
        Draws per estimate, :math:`K \ge 1`.
    n_repeats : int, optional
        Independent estimates per example (default 1).
    rng : numpy Generator or int, optional
        Source of the draws, or a seed for one (default 0).

    Returns
    -------
    ndarray, shape (n_repeats, n)
        :math:`\mathcal L_K` in nats.

    Examples
    --------
    With a decoder that ignores :math:`z` and an encoder that returns the
    prior, every weight :math:`p(z)\, p_\theta(x \mid z) / q(z \mid x)` is
    exactly :math:`p_\theta(x)`, so every :math:`\mathcal L_K` is
    :math:`\log p_\theta(x)`:

    >>> import numpy as np
    >>> from kltools.vae import VAE, importance_weighted_bound
    >>> model = VAE(4, 3, seed=0)
    >>> model.params["dec_W"][:] = 0.0
    >>> for name in ("mu_W", "logvar_W"):
    ...     model.params[name][:] = 0.0
    >>> x = np.array([[0.0, 0.5, 1.0, 0.25]])
    >>> b1 = importance_weighted_bound(model, x, 1)
    >>> b8 = importance_weighted_bound(model, x, 8, n_repeats=3)
    >>> bool(np.allclose(b8, b1[0, 0]))
    True
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE, got {type(model).__name__}")
    X = _pixels(X, "X", model.n_input)
    k = _positive_int(k, "k")
    n_repeats = _positive_int(n_repeats, "n_repeats")
    gen = _generator(rng, "rng")
    n, d = X.shape[0], model.n_latent
    mu, log_var = model.encode(X)
    std = np.exp(0.5 * log_var)
    out = np.empty((n_repeats, n))
    chunk = max(1, 16384 // k)  # examples per block
    with _blas_threads(1):
        for r in range(n_repeats):
            eps = gen.standard_normal((n, k, d))
            for lo in range(0, n, chunk):
                sl = slice(lo, min(lo + chunk, n))
                m = sl.stop - sl.start
                z = mu[sl, None, :] + std[sl, None, :] * eps[sl]
                log_lik = _log_lik(
                    model, np.repeat(X[sl], k, axis=0), z.reshape(-1, d)
                ).reshape(m, k)
                # log p(z) - log q(z | x); the 2 pi constants cancel
                log_ratio = -0.5 * (z * z).sum(axis=2) + 0.5 * (
                    eps[sl] ** 2 + log_var[sl, None, :]
                ).sum(axis=2)
                a = log_lik + log_ratio
                top = a.max(axis=1)
                out[r, sl] = top + np.log(np.exp(a - top[:, None]).mean(axis=1))
    return out


def gradient_estimates(
    model: VAE,
    X: ArrayLike,
    n_samples: int,
    *,
    estimator: str = "reparameterisation",
    baseline: ArrayLike | None = None,
    rng: np.random.Generator | int = 0,
) -> np.ndarray:
    r"""Single-draw estimates of the reconstruction term's gradient.

    The target is the gradient of :math:`f(\mu, v) = \mathbb E_{z \sim
    q}\log p_\theta(x \mid z)`, :math:`q = \mathcal N(\mu, \operatorname{diag}
    e^{v})`, in the encoder's outputs :math:`(\mu, v)` for each example.
    Both estimators are unbiased; they differ in variance.

    * ``"reparameterisation"`` :cite:p:`kingma2014`: with :math:`z = \mu +
      \sigma \odot \varepsilon`, :math:`\sigma = e^{v/2}`,
      :math:`\nabla_\mu = g` and :math:`\nabla_v = \tfrac12\, g \odot
      \sigma \odot \varepsilon`, where :math:`g = \nabla_z \log
      p_\theta(x \mid z)`. It uses the slope of the decoder.
    * ``"score"`` (score function, REINFORCE): :math:`\big(\log
      p_\theta(x \mid z) - b\big)\, \nabla_{(\mu, v)} \log q(z)`, with
      :math:`\nabla_\mu \log q = \varepsilon / \sigma` and :math:`\nabla_v
      \log q = \tfrac12(\varepsilon^2 - 1)`. It uses only values of the
      decoder. A constant baseline :math:`b` leaves it unbiased (the score
      has mean zero) and, near :math:`b = f`, lowers its variance.

    Parameters
    ----------
    model : VAE
    X : array_like, shape (n, n_input)
        Examples with entries in [0, 1]; :math:`q` is the encoder's.
    n_samples : int
        Independent draws per example.
    estimator : {"reparameterisation", "score"}, optional
    baseline : array_like, shape (n,), optional
        The baseline :math:`b` of the score estimator, one per example, in
        nats (default none, :math:`b = 0`). Not allowed with
        ``"reparameterisation"``.
    rng : numpy Generator or int, optional
        Source of the draws, or a seed for one (default 0).

    Returns
    -------
    ndarray, shape (n_samples, n, 2 * n_latent)
        One estimate per draw and example: the :math:`\mu` components, then
        the :math:`v` components, in nats per unit.

    Examples
    --------
    A decoder that ignores :math:`z` has zero gradient; the
    reparameterisation estimate is exactly zero, the score estimate only on
    average:

    >>> import numpy as np
    >>> from kltools.vae import VAE, gradient_estimates
    >>> model = VAE(4, 3, seed=0)
    >>> model.params["dec_W"][:] = 0.0
    >>> x = np.array([[0.0, 0.5, 1.0, 0.25]])
    >>> bool(np.all(gradient_estimates(model, x, 5) == 0.0))
    True
    >>> sf = gradient_estimates(model, x, 20_000, estimator="score")
    >>> bool(np.abs(sf.mean(axis=0)).max() < 0.1), bool(sf.std() > 1.0)
    (True, True)
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE, got {type(model).__name__}")
    X = _pixels(X, "X", model.n_input)
    n_samples = _positive_int(n_samples, "n_samples")
    if estimator not in ("reparameterisation", "score"):
        raise ValueError(
            f"estimator must be 'reparameterisation' or 'score', got {estimator!r}"
        )
    n, d = X.shape[0], model.n_latent
    if baseline is not None:
        if estimator != "score":
            raise ValueError("baseline is only used by the score estimator")
        b = as_finite(baseline, "baseline")
        if b.shape != (n,):
            raise ValueError(f"baseline must have shape ({n},), got {b.shape}")
    else:
        b = np.zeros(n)
    gen = _generator(rng, "rng")
    mu, log_var = model.encode(X)
    std = np.exp(0.5 * log_var)
    eps = gen.standard_normal((n_samples, n, d))
    z = (mu + std * eps).reshape(-1, d)
    X_rep = np.tile(X, (n_samples, 1))
    with _blas_threads(1):
        if estimator == "reparameterisation":
            _, g = _log_lik(model, X_rep, z, grad=True)
            g = g.reshape(n_samples, n, d)
            return np.concatenate([g, 0.5 * g * std * eps], axis=2)
        f = _log_lik(model, X_rep, z).reshape(n_samples, n, 1) - b[:, None]
    return np.concatenate([f * eps / std, f * 0.5 * (eps * eps - 1.0)], axis=2)
