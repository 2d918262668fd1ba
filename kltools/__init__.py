"""kltools: Kullback-Leibler divergence and its relatives, in numpy.

The package behind the course. Import it as ``import kltools as kt``; the
public names below are a contract (see ``book/api.md``).
"""

from .continuous import vae_kl
from .discrete import (
    cross_entropy,
    entropy,
    js_distance,
    js_divergence,
    kl_divergence,
    surprisal,
)
from .exercises import check
from .joint import conditional_entropy, joint_entropy, mutual_information
from .surprise import bayesian_surprise

__version__ = "0.1.0"

__all__ = [
    "bayesian_surprise",
    "check",
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "joint_entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
    "surprisal",
    "vae_kl",
]
