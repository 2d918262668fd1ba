"""Explorables of chapter 7: walking through a VAE's 2-D latent space.

The decoder of a trained :class:`kltools.vae.VAE` is exported
(:meth:`~kltools.vae.VAE.export_decoder`), its weights rounded in Python to a
few significant digits so the page stays small, and the *rounded* export is
what both the browser and :func:`_latent_space_quantities` evaluate, so the
two agree to rounding error of the arithmetic, not of the weights.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..continuous import vae_kl
from ..vae import VAE, decode_exported
from ._core import Explorable, make, register

__all__ = ["latent_space", "round_export"]

#: Half-width of the square of the latent plane the explorer shows.
Z_LIMIT = 3.0

#: Ten colours, one per digit class (matplotlib's "tab10"), shared by the
#: chapter's scatter plot and the explorer.
DIGIT_COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


@register("latent_space", "decoded image at a point of a VAE's 2-D latent plane")
def _latent_space_quantities(v: dict[str, Any]) -> dict[str, float]:
    z = np.array([[float(v["z1"]), float(v["z2"])]])
    image = decode_exported(v["decoder"], z)[0]
    return {
        "mean_intensity": float(np.mean(image)),
        "kl_prior": float(vae_kl(z[0], np.zeros(2), base=math.e)),
    }


def round_export(exported: dict[str, Any], digits: int = 6) -> dict[str, Any]:
    """A copy of an exported decoder with every weight rounded.

    Parameters
    ----------
    exported : dict
        What :meth:`kltools.vae.VAE.export_decoder` returned.
    digits : int, optional
        Significant digits kept (default 6), between 1 and 17.

    Returns
    -------
    dict
        The same structure, weights and biases rounded to ``digits``
        significant digits (Python floats), for
        :func:`kltools.vae.decode_exported` and the browser alike.

    Examples
    --------
    >>> from kltools.vae import VAE
    >>> small = round_export(VAE(4, 3, seed=0).export_decoder(), digits=3)
    >>> small["layers"][0]["weights"][0]
    [0.253, -0.255, 1.09]
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an integer from 1 to 17, got {digits!r}")

    def rnd(x: float) -> float:
        return float(f"{x:.{digits}g}")

    layers = [
        {
            **layer,
            "weights": [[rnd(w) for w in row] for row in layer["weights"]],
            "bias": [rnd(b) for b in layer["bias"]],
        }
        for layer in exported["layers"]
    ]
    return {**exported, "layers": layers}


def latent_space(
    model: VAE,
    X: ArrayLike,
    y: ArrayLike,
    *,
    z: tuple[float, float] = (0.0, 0.0),
    digits: int = 6,
) -> Explorable:
    """Move a point through a trained VAE's latent plane; see what it decodes to.

    Two sliders (or dragging the marker over the scatter of the posterior
    means of ``X``) set :math:`z = (z_1, z_2)` in [-3, 3]². The browser
    decodes :math:`z` with the exported decoder and shows the 8x8 image, its
    mean pixel intensity, and :math:`D(\\mathcal N(z, I) \\| \\mathcal N(0,
    I)) = \\tfrac12 \\lVert z \\rVert^2` in nats, the KL term a posterior
    centred at :math:`z` with unit variances would pay.

    Parameters
    ----------
    model : VAE
        A trained model with a 2-D latent space and 64 pixels (8x8 images).
    X : array_like, shape (n, 64)
        Examples whose posterior means are drawn as the scatter.
    y : array_like, shape (n,)
        Their digit classes, 0 to 9, which colour the scatter.
    z : tuple of two floats, optional
        The starting point, inside [-3, 3]².
    digits : int, optional
        Significant digits kept of each decoder weight (see
        :func:`kltools.explore.round_export`).
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE, got {type(model).__name__}")
    if model.n_latent != 2 or model.n_input != 64:
        raise ValueError(
            "latent_space needs a VAE with n_latent=2 and n_input=64 (8x8 "
            f"images), got {model!r}"
        )
    mu, _ = model.encode(X)
    labels = np.asarray(y)
    if labels.shape != (mu.shape[0],) or not np.isin(labels, np.arange(10)).all():
        raise ValueError(
            f"y must hold one digit class 0..9 per row of X, got shape {labels.shape}"
        )
    z1, z2 = (float(c) for c in z)
    if not (abs(z1) <= Z_LIMIT and abs(z2) <= Z_LIMIT):
        raise ValueError(f"z must lie in [-{Z_LIMIT}, {Z_LIMIT}]², got {z!r}")
    return make(
        "latent_space",
        {
            "decoder": round_export(model.export_decoder(), digits),
            "means": np.round(mu, 2).tolist(),
            "labels": labels.astype(int).tolist(),
            "colors": list(DIGIT_COLORS),
            "z1": z1,
            "z2": z2,
        },
    )
