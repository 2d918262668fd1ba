"""Small real data sets that need no download.

The course trains its variational autoencoder on scikit-learn's bundled
8x8 handwritten digits (a copy of the test set of the UCI "Optical
Recognition of Handwritten Digits" data, Alpaydin and Kaynak 1998): 1797
images shipped inside the scikit-learn package, so the chapter runs offline
and on Binder. The loader reads scikit-learn's data file directly, without
importing scikit-learn (which takes about 2 s); ``kltools`` itself needs
numpy alone.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np

__all__ = ["load_digits"]

#: Largest pixel value of the 8x8 digits (4x4 blocks of 32x32 bitmaps, 0..16).
DIGITS_MAX_INTENSITY = 16.0


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Load the 8x8 handwritten digits, pixels scaled to [0, 1].

    Each image counts the set pixels in 4x4 blocks of a 32x32 bitmap, so its
    64 intensities are integers 0..16; they are divided by 16, which makes
    every pixel a number in [0, 1] that a Bernoulli decoder can use as a
    soft target.

    Returns
    -------
    X : ndarray, shape (1797, 64), float64
        One flattened image per row (row-major 8x8), values in [0, 1].
    y : ndarray, shape (1797,), int64
        The digit each image shows, 0 to 9.

    Raises
    ------
    ImportError
        If scikit-learn, which ships the data, is not installed.

    Examples
    --------
    >>> from kltools.data import load_digits
    >>> X, y = load_digits()
    >>> X.shape, y.shape
    ((1797, 64), (1797,))
    >>> float(X.min()), float(X.max()), sorted(set(y.tolist())) == list(range(10))
    (0.0, 1.0, True)
    """
    path = _sklearn_file("digits.csv.gz")
    if path is not None:
        with gzip.open(path, "rt") as f:
            table = np.loadtxt(f, delimiter=",")
        X = table[:, :-1] / DIGITS_MAX_INTENSITY
        y = table[:, -1].astype(np.int64)
        return X, y
    try:  # pragma: no cover - a scikit-learn that keeps its data elsewhere
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "load_digits needs scikit-learn, which ships the data: "
            "pip install 'scikit-learn>=1.3'"
        ) from err
    bunch = _sk_load_digits()  # pragma: no cover
    X = np.asarray(bunch.data, dtype=np.float64) / DIGITS_MAX_INTENSITY
    y = np.asarray(bunch.target, dtype=np.int64)
    return X, y


def _sklearn_file(name: str) -> Path | None:
    """A data file of ``sklearn.datasets``, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = (
        Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / name
    )
    return path if path.is_file() else None
