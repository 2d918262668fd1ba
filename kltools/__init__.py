"""kltools: Kullback-Leibler divergence and its relatives, in numpy.

The package behind the course. Import it as ``import kltools as kt``; the
public names below are a contract (see ``book/api.md``).
"""

from . import data, notebook, plotting, vae  # noqa: F401  (kt.vae, kt.data, ...)
from .continuous import (
    bernoulli_kl,
    beta_kl,
    dirichlet_kl,
    exponential_kl,
    gamma_kl,
    gaussian_kl,
    mvn_kl,
    poisson_kl,
    vae_kl,
)
from .discrete import (
    Chernoff,
    chernoff_information,
    cross_entropy,
    entropy,
    js_distance,
    js_divergence,
    kl_divergence,
    surprisal,
)
from .estimators import (
    Estimate,
    joint_counts,
    knn_kl_divergence,
    knn_mutual_information,
    monte_carlo_kl,
    plugin_entropy,
    plugin_mutual_information,
)
from .exercises import check
from .families import f_divergence, hellinger, renyi_divergence, total_variation
from .joint import (
    conditional_entropy,
    conditional_mutual_information,
    joint_entropy,
    mutual_information,
)
from .surprise import (
    BetaBernoulli,
    DirichletCategorical,
    GammaPoisson,
    NormalKnownVariance,
    bayesian_surprise,
)
from .thermo import boltzmann, free_energy

# The one place the version is written: pyproject.toml reads it from here.
__version__ = "0.1.0"

__all__ = [
    "BetaBernoulli",
    "Chernoff",
    "DirichletCategorical",
    "Estimate",
    "GammaPoisson",
    "NormalKnownVariance",
    "bayesian_surprise",
    "bernoulli_kl",
    "beta_kl",
    "boltzmann",
    "check",
    "chernoff_information",
    "conditional_entropy",
    "conditional_mutual_information",
    "cross_entropy",
    "dirichlet_kl",
    "entropy",
    "exponential_kl",
    "f_divergence",
    "free_energy",
    "gamma_kl",
    "gaussian_kl",
    "hellinger",
    "joint_counts",
    "joint_entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "knn_kl_divergence",
    "knn_mutual_information",
    "monte_carlo_kl",
    "mutual_information",
    "mvn_kl",
    "plugin_entropy",
    "plugin_mutual_information",
    "poisson_kl",
    "renyi_divergence",
    "surprisal",
    "total_variation",
    "vae_kl",
]
