"""Shared test set-up: a fixed hypothesis profile and distribution strategies.

Property tests draw distributions from the strategies here, so every test
file means the same thing by "a distribution". The profile fixes the seed
(``derandomize``) so a run is reproducible, and has no deadline because
timing is the benchmarks' business, not the tests'.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st

settings.register_profile("kl", deadline=None, derandomize=True, max_examples=150)
settings.load_profile("kl")

#: Positive weights bounded away from overflow and underflow.
_positive = st.floats(min_value=1e-6, max_value=1e3)
#: The same with zeros, which appear often on purpose.
_weight = st.one_of(st.just(0.0), _positive)


@st.composite
def distributions(draw, n=None, min_size=2, max_size=8, positive=False):
    """A probability vector (float64, sums to 1), optionally of length ``n``."""
    size = n if n is not None else draw(st.integers(min_size, max_size))
    elem = _positive if positive else _weight
    w = np.array(draw(st.lists(elem, min_size=size, max_size=size)))
    if w.sum() == 0:
        w[draw(st.integers(0, size - 1))] = 1.0
    return w / w.sum()


@st.composite
def distribution_pairs(draw, positive_q=False, min_size=2, max_size=8):
    """Two distributions over the same outcomes."""
    n = draw(st.integers(min_size, max_size))
    return draw(distributions(n=n)), draw(distributions(n=n, positive=positive_q))


@st.composite
def joint_tables(draw, max_side=5):
    """A joint probability table of shape (n_x, n_y)."""
    nx = draw(st.integers(1, max_side))
    ny = draw(st.integers(1, max_side))
    return draw(distributions(n=nx * ny)).reshape(nx, ny)


@pytest.fixture
def rng():
    """A seeded generator: tests that draw random numbers are reproducible."""
    return np.random.default_rng(20260225)
