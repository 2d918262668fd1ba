"""Numeric answers of the chapter "KL as evidence" (notebooks/NN_evidence.ipynb)."""

from __future__ import annotations

from collections.abc import Callable

from ..discrete import chernoff_information
from ..evidence import gaussian_fisher, llr_drift, neyman_pearson_sample_size

_FAIR, _BIASED = [0.5, 0.5], [1 / 8, 7 / 8]  # heads probability 1/2 against 1/8


def _fair_drift() -> float:
    """Drift of the evidence for a fair coin over one with heads 1/8, the coin
    fair: D(p‖q) = 2 - log2(7)/2 bits per toss."""
    return llr_drift(_FAIR, _BIASED)


def _wald_tosses() -> float:
    """Wald's simple estimate log2(1/beta) / D(p‖q) of the mean number of
    tosses under the fair coin, for errors 2^-10: 10 / D."""
    return 10.0 / _fair_drift()


def _coin_sample_size() -> float:
    """Smallest n whose best test of heads 0.5 against 0.4 at alpha = 0.05 has
    beta_n <= 0.01 (exact binomial errors)."""
    return float(neyman_pearson_sample_size(0.5, 0.4, 0.05, 0.01))


def _coin_chernoff() -> float:
    """Chernoff information of Bernoulli(0.5) and Bernoulli(0.4), bits."""
    return float(chernoff_information([0.5, 0.5], [0.4, 0.6]).value)


def _variance_fisher() -> float:
    """Fisher information about the variance v = sigma^2 of N(0, v) at v = 4:
    I_sigma (d sigma / d v)^2 = (2 / sigma^2) / (4 sigma^2) = 1/32 nats."""
    sigma = 2.0
    return float(gaussian_fisher(sigma, "scale")) * (1 / (2 * sigma)) ** 2


ANSWERS: dict[int, tuple[str, Callable[[], float]]] = {
    1: (
        "drift D(p‖q) of the evidence, fair coin against heads 1/8, bits per toss",
        _fair_drift,
    ),
    2: (
        "Wald's estimate of the mean number of tosses for errors 2^-10, tosses",
        _wald_tosses,
    ),
    3: (
        "smallest n with beta_n <= 0.01 at alpha = 0.05, heads 0.5 against 0.4, tosses",
        _coin_sample_size,
    ),
    4: (
        "Chernoff information of Bernoulli(0.5) and Bernoulli(0.4), bits per toss",
        _coin_chernoff,
    ),
    5: (
        "Fisher information about the variance of N(0, v) at v = 4, nats per "
        "squared unit of variance",
        _variance_fisher,
    ),
}

#: A hint shown with a wrong answer (kt.check and the page's answer box).
HINTS: dict[int, str] = {
    1: (
        "A head carries log₂((1/2)/(1/8)) bits of evidence for p, a tail "
        "log₂((1/2)/(7/8)); weight them by p."
    ),
    2: "Wald: the threshold log₂(1/α) in bits, divided by the drift D(p‖q) per toss.",
    3: (
        "Increase n until the best test's β_n at level α = 0.05 first falls to 0.01: "
        "a whole number of tosses."
    ),
    4: (
        "Chernoff information is the largest, over λ, of −log₂ Σ p^λ q^(1−λ); it is "
        "smaller than either KL."
    ),
    5: (
        "Take δ small, but not so small that rounding swamps the curvature; "
        "the divergence in nats."
    ),
}
