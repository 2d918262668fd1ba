r"""Bayesian surprise: how far an observation moves a belief.

Itti and Baldi (2005) measure the surprise of data as the KL divergence of
the posterior belief from the prior one. :func:`bayesian_surprise` measures
it between two discrete beliefs (for example on a grid of hypotheses).

The conjugate models below keep a belief about one parameter in closed form
and update it one observation at a time, reporting each observation's
surprise :math:`D(\text{posterior} \,\|\, \text{prior})` from the closed
forms of :mod:`kltools.continuous`:

=============================  ======================  =========================
model                          observations            belief (parameters)
=============================  ======================  =========================
:class:`BetaBernoulli`         0 or 1                  Beta(``a``, ``b``)
:class:`GammaPoisson`          counts 0, 1, 2, ...     Gamma(``shape``, ``rate``)
:class:`NormalKnownVariance`   real numbers            Normal(``mu``, ``sigma``)
:class:`DirichletCategorical`  categories 0 ... K - 1  Dirichlet(``alpha``)
=============================  ======================  =========================

The models are **mutable**: :meth:`~BetaBernoulli.update` and
:meth:`~BetaBernoulli.surprises` move the belief in place (the posterior
becomes the prior of the next observation) and return the surprise. The
parameters are read-only attributes, changed only by updates; call
``copy()`` to keep a snapshot of a belief.
"""

from __future__ import annotations

import copy as _copy

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_finite, as_positive, log_base
from .continuous import beta_kl, dirichlet_kl, gamma_kl, gaussian_kl
from .discrete import _kl

__all__ = [
    "BetaBernoulli",
    "DirichletCategorical",
    "GammaPoisson",
    "NormalKnownVariance",
    "bayesian_surprise",
]


def bayesian_surprise(
    prior: ArrayLike,
    posterior: ArrayLike,
    *,
    axis: int = -1,
    base: float = 2,
    normalize: bool = False,
) -> float | np.ndarray:
    r"""Bayesian surprise of an update from ``prior`` to ``posterior``.

    .. math::

        S = D(\text{posterior} \,\|\, \text{prior})
          = \sum_i \pi'_i \log \frac{\pi'_i}{\pi_i}

    The posterior comes first inside the divergence: surprise is measured in
    the coordinates of the new belief. It is infinite when the posterior puts
    weight where the prior put none, but a posterior obtained from the prior
    by Bayes' rule never does, so the surprise of an actual update is finite
    (for a discrete observation it is at most the surprisal
    :math:`-\log p(x)`). An observation the prior gives probability 0 has
    no posterior at all: its surprisal is infinite and its surprise is
    undefined.

    Parameters
    ----------
    prior, posterior : array_like
        Beliefs over the same hypotheses, along ``axis``; leading axes
        broadcast.
    axis, base, normalize
        As in :func:`kltools.entropy`.

    Returns
    -------
    float or ndarray
        The surprise in units of ``log(base)`` (bits by default).

    Examples
    --------
    A prior that gave black swans 1 % meets a black swan:

    >>> import kltools as kt
    >>> kt.bayesian_surprise(prior=[0.01, 0.99], posterior=[1, 0])
    6.643856189774724
    >>> kt.bayesian_surprise(prior=[0.5, 0.5], posterior=[1, 0])
    1.0
    """
    return _kl(
        posterior,
        prior,
        ("posterior", "prior"),
        axis=axis,
        base=base,
        normalize=normalize,
    )


# --------------------------------------------------------------------------
# Conjugate models
# --------------------------------------------------------------------------


def _scalar_positive(x: object, name: str) -> float:
    arr = as_positive(x, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single number, got shape {arr.shape}")
    return float(arr)


def _stream(observations: ArrayLike, name: str, single: bool) -> np.ndarray:
    """Observations as a 1-D float array (empty allowed for a stream)."""
    try:
        arr = np.asarray(observations)
    except ValueError as err:
        raise ValueError(f"{name} is not a rectangular array: {err}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if single and arr.ndim != 0:
        raise ValueError(
            f"{name} must be one observation, got shape {arr.shape}; "
            "use surprises() for a sequence"
        )
    if not single and arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence, got shape {arr.shape}")
    arr = arr.astype(np.float64).reshape(-1)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN entries")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite entries")
    return arr


def _integers(arr: np.ndarray, name: str, low: int, high: float, what: str) -> None:
    bad = (arr != np.round(arr)) | (arr < low) | (arr > high)
    if bad.any():
        raise ValueError(f"{name} must hold {what}, got {arr[bad][0]:g}")


class _ConjugateModel:
    """Shared update loop: subclasses give the trajectory and the divergence.

    A subclass implements

    * ``_check(obs, name)``: refuse impossible observations;
    * ``_trajectory(obs)``: the parameters before and after each
      observation, as a tuple of arrays with ``len(obs) + 1`` rows;
    * ``_divergence(post, prior)``: D(post || prior) per row, in nats;
    * ``_params``: names of the parameters, stored as ``_<name>``.
    """

    _params: tuple[str, ...] = ()

    def __init__(self, base: float) -> None:
        self._nats = log_base(base)
        self._base = base
        self._n = 0

    @property
    def base(self) -> float:
        """Base of the logarithm in which surprises are reported."""
        return self._base

    @property
    def n_observations(self) -> int:
        """Number of observations absorbed so far."""
        return self._n

    def update(self, x: ArrayLike) -> float:
        r"""Absorb one observation; return its Bayesian surprise.

        The surprise is :math:`D(\text{posterior} \,\|\, \text{prior})`
        in units of ``log(base)``; the posterior becomes the model's belief.
        """
        return float(self._run(_stream(x, "x", single=True), "x")[0])

    def surprises(self, observations: ArrayLike) -> np.ndarray:
        """Absorb a sequence of observations in order; return each surprise.

        Equivalent to calling :meth:`update` on each observation in turn
        (the belief after observation ``t`` is the prior for ``t + 1``),
        but computed in one vectorised pass. Invalid input anywhere in the
        sequence raises before the belief changes.
        """
        return self._run(
            _stream(observations, "observations", single=False), "observations"
        )

    def copy(self):
        """An independent copy of the model and its current belief."""
        return _copy.deepcopy(self)

    def _run(self, obs: np.ndarray, name: str) -> np.ndarray:
        self._check(obs, name)
        if obs.size == 0:
            return np.empty(0)
        path = self._trajectory(obs)
        post = tuple(p[1:] for p in path)
        prior = tuple(p[:-1] for p in path)
        s = np.atleast_1d(np.asarray(self._divergence(post, prior), dtype=float))
        for name_, p in zip(self._params, path, strict=True):
            last = np.array(p[-1], dtype=np.float64)
            last.flags.writeable = False
            setattr(self, "_" + name_, last if last.ndim else float(last))
        self._n += obs.size
        return s / self._nats

    def _check(self, obs: np.ndarray, name: str) -> None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(
            f"{p}={getattr(self, '_' + p)!r}".replace("\n", "") for p in self._params
        )
        return f"{type(self).__name__}({args})"


class BetaBernoulli(_ConjugateModel):
    r"""Belief about a coin's probability of heads, updated flip by flip.

    Prior :math:`\theta \sim \mathrm{Beta}(a, b)`; each observation
    :math:`x \in \{0, 1\}` is Bernoulli(:math:`\theta`). The posterior
    after :math:`x` is :math:`\mathrm{Beta}(a + x,\ b + 1 - x)`, and the
    surprise of :math:`x` :cite:p:`itti2005` is

    .. math:: S(x) = D\big(\mathrm{Beta}(a + x, b + 1 - x) \,\|\,
              \mathrm{Beta}(a, b)\big),

    computed by :func:`kltools.beta_kl`. After :math:`n` observations with
    :math:`h` ones the belief is :math:`\mathrm{Beta}(a + h, b + n - h)`
    whatever the order.

    Parameters
    ----------
    a, b : float, optional
        Prior pseudo-counts of ones and zeros, ``> 0``; the default
        ``Beta(1, 1)`` is uniform.
    base : float, optional
        Units of the surprises: 2 (default) gives bits, ``math.e`` nats.

    Notes
    -----
    Mutable: :meth:`update` and :meth:`surprises` move the belief, held in
    the read-only attributes ``a`` and ``b``, in place;
    :meth:`copy` keeps a snapshot.

    Examples
    --------
    >>> import kltools as kt
    >>> coin = kt.BetaBernoulli(1, 1)
    >>> coin.update(1)  # 1 - 1/(2 ln 2) bits
    0.2786524796
    >>> coin.a, coin.b
    (2.0, 1.0)
    >>> coin.surprises([1, 1, 1, 0]).round(3)  # the first 0 surprises most
    array([0.104, 0.054, 0.033, 0.493])
    >>> coin
    BetaBernoulli(a=5.0, b=2.0)
    """

    _params = ("a", "b")

    def __init__(self, a: float = 1.0, b: float = 1.0, *, base: float = 2) -> None:
        super().__init__(base)
        self._a = _scalar_positive(a, "a")
        self._b = _scalar_positive(b, "b")

    @property
    def a(self) -> float:
        """Current pseudo-count of ones (the Beta's first parameter)."""
        return self._a

    @property
    def b(self) -> float:
        """Current pseudo-count of zeros (the Beta's second parameter)."""
        return self._b

    def _check(self, obs, name):
        if ((obs != 0) & (obs != 1)).any():
            bad = obs[(obs != 0) & (obs != 1)][0]
            raise ValueError(f"{name} must be 0 or 1 (Bernoulli), got {bad:g}")

    def _trajectory(self, obs):
        a = np.concatenate([[self._a], self._a + np.cumsum(obs)])
        b = np.concatenate([[self._b], self._b + np.cumsum(1.0 - obs)])
        return a, b

    def _divergence(self, post, prior):
        return beta_kl(*post, *prior, base=np.e)


class GammaPoisson(_ConjugateModel):
    r"""Belief about a Poisson rate, updated count by count.

    Prior :math:`\lambda \sim \mathrm{Gamma}(\alpha, \beta)` (shape
    :math:`\alpha`, rate :math:`\beta`, mean :math:`\alpha / \beta`); each
    observation is a count :math:`x \sim \mathrm{Poisson}(\lambda)` in one
    unit of exposure. The posterior is
    :math:`\mathrm{Gamma}(\alpha + x, \beta + 1)` and the surprise

    .. math:: S(x) = D\big(\mathrm{Gamma}(\alpha + x, \beta + 1) \,\|\,
              \mathrm{Gamma}(\alpha, \beta)\big),

    computed by :func:`kltools.gamma_kl`. After :math:`n` counts summing to
    :math:`s` the belief is :math:`\mathrm{Gamma}(\alpha + s, \beta + n)`.

    Parameters
    ----------
    shape, rate : float, optional
        Prior shape and rate, ``> 0`` (default 1 and 1).
    base : float, optional
        Units of the surprises: 2 (default) gives bits, ``math.e`` nats.

    Notes
    -----
    Mutable: :meth:`update` and :meth:`surprises` move the belief, held in
    the read-only attributes ``shape`` and ``rate``, in place;
    :meth:`copy` keeps a snapshot.

    Examples
    --------
    >>> import kltools as kt
    >>> model = kt.GammaPoisson(shape=2.0, rate=1.0)
    >>> model.surprises([2, 1, 3, 9]).round(3)  # the 9 stands out
    array([0.154, 0.108, 0.199, 2.121])
    >>> model.shape, model.rate
    (17.0, 5.0)
    """

    _params = ("shape", "rate")

    def __init__(
        self, shape: float = 1.0, rate: float = 1.0, *, base: float = 2
    ) -> None:
        super().__init__(base)
        self._shape = _scalar_positive(shape, "shape")
        self._rate = _scalar_positive(rate, "rate")

    @property
    def shape(self) -> float:
        """Current shape of the Gamma belief."""
        return self._shape

    @property
    def rate(self) -> float:
        """Current rate (inverse scale) of the Gamma belief."""
        return self._rate

    def _check(self, obs, name):
        _integers(obs, name, 0, np.inf, "counts (integers >= 0)")

    def _trajectory(self, obs):
        shape = np.concatenate([[self._shape], self._shape + np.cumsum(obs)])
        rate = self._rate + np.arange(obs.size + 1, dtype=np.float64)
        return shape, rate

    def _divergence(self, post, prior):
        return gamma_kl(*post, *prior, base=np.e)


class NormalKnownVariance(_ConjugateModel):
    r"""Belief about the mean of a Normal with known noise, updated point by point.

    Prior :math:`\mu \sim \mathcal N(m, s^2)`; each observation is
    :math:`x \sim \mathcal N(\mu, \sigma_{\text{noise}}^2)`. Precisions add:

    .. math::

        \frac1{s'^2} = \frac1{s^2} + \frac1{\sigma_{\text{noise}}^2}, \qquad
        m' = s'^2 \left(\frac m{s^2} + \frac x{\sigma_{\text{noise}}^2}\right),

    and the surprise is
    :math:`S(x) = D(\mathcal N(m', s'^2) \,\|\, \mathcal N(m, s^2))`,
    computed by :func:`kltools.gaussian_kl`. After :math:`n` observations
    with sum :math:`\Sigma x` the belief has precision
    :math:`1/s^2 + n/\sigma_{\text{noise}}^2` and mean
    :math:`s_n^2 (m/s^2 + \Sigma x / \sigma_{\text{noise}}^2)`.

    Parameters
    ----------
    mu : float, optional
        Prior mean :math:`m` of the unknown mean (default 0).
    sigma : float, optional
        Prior standard deviation :math:`s > 0` (default 1).
    noise_sigma : float, optional
        Known standard deviation of each observation, ``> 0`` (default 1).
    base : float, optional
        Units of the surprises: 2 (default) gives bits, ``math.e`` nats.

    Notes
    -----
    Mutable: :meth:`update` and :meth:`surprises` move the belief, held in
    the read-only attributes ``mu`` and ``sigma``, in place;
    :meth:`copy` keeps a snapshot.

    Examples
    --------
    >>> import math
    >>> import kltools as kt
    >>> model = kt.NormalKnownVariance(mu=0.0, sigma=1.0, noise_sigma=1.0)
    >>> s = model.update(0.0)  # the belief narrows to N(0, 1/2)
    >>> math.isclose(s, kt.gaussian_kl(0.0, math.sqrt(0.5), 0.0, 1.0))
    True
    >>> model.surprises([0.1, 5.0]).round(3)  # an outlier surprises
    array([0.054, 3.364])
    >>> round(model.mu, 4), round(model.sigma, 4)  # (0 + 0.1 + 5) / 4, 1/2
    (1.275, 0.5)
    """

    _params = ("mu", "sigma")

    def __init__(
        self,
        mu: float = 0.0,
        sigma: float = 1.0,
        *,
        noise_sigma: float = 1.0,
        base: float = 2,
    ) -> None:
        super().__init__(base)
        m = as_finite(mu, "mu")
        if m.ndim != 0:
            raise ValueError(f"mu must be a single number, got shape {m.shape}")
        self._mu = float(m)
        self._sigma = _scalar_positive(sigma, "sigma")
        self._noise_sigma = _scalar_positive(noise_sigma, "noise_sigma")

    @property
    def mu(self) -> float:
        """Current mean of the belief about the unknown mean."""
        return self._mu

    @property
    def sigma(self) -> float:
        """Current standard deviation of the belief."""
        return self._sigma

    @property
    def noise_sigma(self) -> float:
        """Known standard deviation of each observation."""
        return self._noise_sigma

    def _check(self, obs, name):
        pass  # any finite real number, already checked

    def _trajectory(self, obs):
        tau0 = 1.0 / self._sigma**2
        tau_n = 1.0 / self._noise_sigma**2
        steps = np.arange(obs.size + 1, dtype=np.float64)
        precision = tau0 + steps * tau_n
        weighted = tau0 * self._mu + tau_n * np.concatenate([[0.0], np.cumsum(obs)])
        return weighted / precision, 1.0 / np.sqrt(precision)

    def _divergence(self, post, prior):
        return gaussian_kl(*post, *prior, base=np.e)


class DirichletCategorical(_ConjugateModel):
    r"""Belief about the probabilities of K categories, updated draw by draw.

    Prior :math:`\pi \sim \mathrm{Dir}(\alpha)`; each observation is a
    category index :math:`x \in \{0, \dots, K - 1\}` drawn with
    probabilities :math:`\pi`. The posterior adds one to :math:`\alpha_x`,
    and the surprise is

    .. math:: S(x) = D\big(\mathrm{Dir}(\alpha + e_x) \,\|\,
              \mathrm{Dir}(\alpha)\big),

    computed by :func:`kltools.dirichlet_kl`. After :math:`n` draws the
    belief is :math:`\mathrm{Dir}(\alpha + c)` with :math:`c` the counts.
    With :math:`K = 2` it is :class:`BetaBernoulli` with :math:`x = 1`
    meaning category 0.

    Parameters
    ----------
    alpha : array_like, shape (K,)
        Prior concentrations, ``> 0``, for :math:`K \ge 2` categories.
    base : float, optional
        Units of the surprises: 2 (default) gives bits, ``math.e`` nats.

    Notes
    -----
    Mutable: :meth:`update` and :meth:`surprises` move the belief, held in
    the read-only attributes ``alpha`` (a read-only array), in place;
    :meth:`copy` keeps a snapshot.

    Examples
    --------
    >>> import kltools as kt
    >>> die = kt.DirichletCategorical([1, 1, 1])
    >>> die.surprises([0, 0, 0, 2]).round(3)
    array([0.383, 0.158, 0.088, 0.493])
    >>> die.alpha
    array([4., 1., 2.])
    """

    _params = ("alpha",)

    def __init__(self, alpha: ArrayLike, *, base: float = 2) -> None:
        super().__init__(base)
        arr = as_positive(alpha, "alpha")
        if arr.ndim != 1 or arr.size < 2:
            raise ValueError(
                f"alpha must be a 1-D array of K >= 2 concentrations, got shape "
                f"{arr.shape}"
            )
        arr = arr.copy()
        arr.flags.writeable = False
        self._alpha = arr

    @property
    def alpha(self) -> np.ndarray:
        """Current concentrations (read-only array)."""
        return self._alpha

    def _check(self, obs, name):
        k = self._alpha.size
        _integers(obs, name, 0, k - 1, f"category indices 0 ... {k - 1}")

    def _trajectory(self, obs):
        onehot = np.zeros((obs.size, self._alpha.size))
        onehot[np.arange(obs.size), obs.astype(np.intp)] = 1.0
        counts = np.concatenate([np.zeros((1, self._alpha.size)), np.cumsum(onehot, 0)])
        return (self._alpha + counts,)

    def _divergence(self, post, prior):
        return dirichlet_kl(post[0], prior[0], base=np.e)
