"""Bad input gets a clear error naming the argument, never a silent NaN.

One table per class of bad input in the API contract, run against every
public discrete function that can receive it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import kltools as kt

GOOD = [0.5, 0.5]

# (function, how to call it with one argument replaced, that argument's name)
TWO_ARG = [
    (kt.kl_divergence, lambda f, bad: f(GOOD, bad), "q"),
    (kt.kl_divergence, lambda f, bad: f(bad, GOOD), "p"),
    (kt.cross_entropy, lambda f, bad: f(GOOD, bad), "q"),
    (kt.js_divergence, lambda f, bad: f(bad, GOOD), "p"),
    (kt.js_distance, lambda f, bad: f(GOOD, bad), "q"),
    (kt.entropy, lambda f, bad: f(bad), "p"),
    (kt.bayesian_surprise, lambda f, bad: f(bad, GOOD), "prior"),
    (kt.bayesian_surprise, lambda f, bad: f(GOOD, bad), "posterior"),
]
IDS = [f"{f.__name__}-{name}" for f, _, name in TWO_ARG]

BAD_VALUES = [
    ([1.1, -0.1], "has negative entries"),
    ([0.5, np.nan], "contains NaN"),
    ([0.5, np.inf], "contains infinite"),
    ([0.4, 0.4], r"sums to 0\.8.*normalize=True"),
    ([0.6, 0.6], r"sums to 1\.2"),
]


@pytest.mark.parametrize(("func", "call", "name"), TWO_ARG, ids=IDS)
@pytest.mark.parametrize(("bad", "message"), BAD_VALUES)
def test_bad_values_are_named(func, call, name, bad, message):
    with pytest.raises(ValueError, match=f"^{name} {message}"):
        call(func, bad)


@pytest.mark.parametrize(("func", "call", "name"), TWO_ARG, ids=IDS)
def test_non_numeric_is_a_type_error(func, call, name):
    with pytest.raises(TypeError, match=f"{name} must hold real numbers"):
        call(func, ["a", "b"])
    with pytest.raises(TypeError, match=f"{name} must hold real numbers"):
        call(func, [True, False])
    with pytest.raises(TypeError, match=f"{name} must hold real numbers"):
        call(func, [0.5 + 0j, 0.5])


@pytest.mark.parametrize(("func", "call", "name"), TWO_ARG, ids=IDS)
def test_empty_and_scalar(func, call, name):
    with pytest.raises(ValueError, match=f"{name} is empty"):
        call(func, [])
    with pytest.raises(ValueError, match=f"{name} must be an array"):
        call(func, 1.0)


def test_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"shapes do not broadcast: p \(2,\) and q"):
        kt.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="shapes do not broadcast"):
        kt.js_divergence(np.full((3, 2), 0.5), np.full((4, 2), 0.5))
    # the outcome axis itself never broadcasts
    with pytest.raises(ValueError, match="q has 1 outcome"):
        kt.kl_divergence([0.5, 0.5], [1.0])


def test_ragged_input():
    with pytest.raises(ValueError, match="p is not a rectangular array"):
        kt.entropy([[0.5, 0.5], [1.0]])


@pytest.mark.parametrize("base", [0, -2, 1, math.inf, math.nan])
def test_bad_base_value(base):
    with pytest.raises(ValueError, match="base must be a finite number > 0 and != 1"):
        kt.entropy(GOOD, base=base)


@pytest.mark.parametrize("base", ["2", None, True, [2]])
def test_bad_base_type(base):
    with pytest.raises(TypeError, match="base must be a real number"):
        kt.kl_divergence(GOOD, GOOD, base=base)


def test_bad_axis():
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        kt.entropy(np.full((2, 2), 0.5), axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        kt.entropy(GOOD, axis=0.5)


def test_normalize_refuses_what_it_cannot_rescale():
    with pytest.raises(ValueError, match="p has total weight 0"):
        kt.entropy([0, 0], normalize=True)
    with pytest.raises(ValueError, match="q has negative entries"):
        kt.kl_divergence([1, 1], [2, -1], normalize=True)
    with pytest.raises(ValueError, match="q contains infinite"):
        kt.kl_divergence([1, 1], [2, np.inf], normalize=True)


def test_batch_error_names_the_distribution():
    P = np.array([[0.5, 0.5], [0.3, 0.3]])
    with pytest.raises(ValueError, match=r"p sums to 0\.6 \(distribution 1\)"):
        kt.entropy(P)


@pytest.mark.parametrize(
    "func", [kt.joint_entropy, kt.conditional_entropy, kt.mutual_information]
)
def test_joint_table_must_be_2d_and_valid(func):
    with pytest.raises(ValueError, match="pxy must be a 2-D joint table"):
        func([0.5, 0.5])
    with pytest.raises(ValueError, match="pxy must be a 2-D joint table"):
        func(np.full((2, 2, 2), 1 / 8))
    with pytest.raises(ValueError, match="pxy has negative entries"):
        func([[0.5, -0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="pxy contains NaN"):
        func([[0.5, np.nan], [0.25, 0.25]])
    with pytest.raises(ValueError, match="pxy contains infinite"):
        func([[0.5, np.inf], [0.25, 0.25]])
    with pytest.raises(ValueError, match=r"pxy sums to 2"):
        func([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="pxy is empty"):
        func(np.zeros((0, 3)))
    with pytest.raises(TypeError, match="pxy must hold real numbers"):
        func([["a", "b"], ["c", "d"]])


@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan, np.inf])
def test_surprisal_needs_probabilities(bad):
    with pytest.raises(ValueError, match="p "):
        kt.surprisal([0.5, bad])


def test_never_nan_for_accepted_input(rng):
    """Edge cases that are valid must give numbers (or inf), never NaN."""
    cases = [
        ([1, 0], [0, 1]),
        ([0, 1], [0, 1]),
        ([1e-300, 1 - 1e-300], [1 - 1e-300, 1e-300]),
        ([5e-324, 1.0], [1.0, 5e-324]),
    ]
    for p, q in cases:
        for f in (kt.kl_divergence, kt.cross_entropy, kt.js_divergence, kt.js_distance):
            assert not math.isnan(f(p, q)), (f.__name__, p, q)
