"""Bad input gets a clear error naming the argument, never a silent NaN.

One table per class of bad input in the API contract, run against every
public discrete function that can receive it.
"""

from __future__ import annotations

import math
import warnings

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


@pytest.mark.parametrize(
    "base", [0, -2, 1, 0.5, 1e-300, np.float64(0.5), np.array(1.0), math.inf, math.nan]
)
def test_bad_base_value(base):
    """A base must be > 1: in (0, 1] every divergence would be negative."""
    with pytest.raises(ValueError, match="base must be a finite number > 1"):
        kt.entropy(GOOD, base=base)
    with pytest.raises(ValueError, match="base must be a finite number > 1"):
        kt.kl_divergence([1, 0], GOOD, base=base)


@pytest.mark.parametrize("base", ["2", None, True, np.True_, [2], np.array([2.0])])
def test_bad_base_type(base):
    with pytest.raises(TypeError, match="base must be a real number"):
        kt.kl_divergence(GOOD, GOOD, base=base)


def test_base_half_no_longer_gives_negative_divergence():
    """Issue 19: base=0.5 passed the check and gave D = -1 for [1, 0] vs uniform."""
    with pytest.raises(ValueError, match=r"\(0, 1\] would make divergences negative"):
        kt.kl_divergence([1, 0], [0.5, 0.5], base=0.5)


@pytest.mark.parametrize(
    "base",
    [2, 2.0, np.float64(2), np.float32(2), np.int64(2), np.array(2), np.array(2.0)],
    ids=["int", "float", "f64", "f32", "i64", "0-d int", "0-d float"],
)
def test_numpy_scalars_and_0d_arrays_are_bases(base):
    assert kt.kl_divergence([1, 0], [0.5, 0.5], base=base) == 1.0
    assert kt.entropy([0.25] * 4, base=base) == 2.0
    assert kt.gaussian_kl(1.0, 1.0, 0.0, 1.0, base=base) == pytest.approx(
        0.5 / math.log(2), rel=1e-15
    )


# --- float32 and other precisions (issue 19) -----------------------------------


FLOAT32_FUNCS = [
    lambda p: kt.entropy(p),
    lambda p: kt.kl_divergence(p, p[::-1]),
    lambda p: kt.cross_entropy(p, p[::-1]),
    lambda p: kt.js_divergence(p, p[::-1]),
    lambda p: kt.js_distance(p[::-1], p),
    lambda p: kt.chernoff_information(p, p[::-1]).value,
    lambda p: kt.bayesian_surprise(p, p[::-1]),
    lambda p: kt.joint_entropy(p.reshape(-1, 2)),
    lambda p: kt.mutual_information(p.reshape(-1, 2)),
    lambda p: kt.free_energy(p, np.arange(p.size, dtype=float), 1.0),
]


@pytest.mark.parametrize("func", FLOAT32_FUNCS)
def test_float32_that_sums_to_one_in_float32_is_accepted(func, rng):
    """The sum of the float32 array, taken in float64, is off by ~1e-8."""
    for n in (10, 1000, 100_000):
        p = rng.random(n).astype(np.float32) + np.float32(1e-3)
        p /= p.sum(dtype=np.float32)
        assert p.dtype == np.float32
        off = abs(p.astype(np.float64).sum() - 1)
        assert off > 1e-9 or n == 10  # the old tolerance would refuse these
        value = func(p)
        assert np.all(np.isfinite(value)) and np.all(np.asarray(value) >= 0)


def test_float32_is_computed_in_float64(rng):
    p = rng.dirichlet(np.ones(50)).astype(np.float32)
    q = rng.dirichlet(np.ones(50)).astype(np.float32)
    p64, q64 = p.astype(np.float64), q.astype(np.float64)
    # the float32 values, exactly, in float64 arithmetic (math.fsum)
    kl = math.fsum(
        a * (math.log(a) - math.log(b)) for a, b in zip(p64, q64, strict=True)
    )
    h = -math.fsum(a * math.log(a) for a in p64)
    assert kt.kl_divergence(p, q, base=math.e) == pytest.approx(kl, rel=1e-13)
    assert kt.entropy(p, base=math.e) == pytest.approx(h, rel=1e-14)


def test_float32_tolerance_follows_the_dtype():
    from kltools._validation import SUM_TOLERANCE, sum_tolerance

    eps32 = float(np.finfo(np.float32).eps)
    assert sum_tolerance(np.float64) == SUM_TOLERANCE == 1e-9
    assert sum_tolerance(np.int64) == 1e-9
    assert sum_tolerance(np.float32) == 16 * eps32
    assert sum_tolerance(np.float16) == 16 * float(np.finfo(np.float16).eps)
    # A float32 sum that is clearly not 1 is still refused, by name ...
    with pytest.raises(ValueError, match=r"^p sums to 0\.99998"):
        kt.entropy(np.array([0.5, 0.49998], dtype=np.float32))
    # ... while the same deviation in float64 is refused far below it.
    with pytest.raises(ValueError, match="p sums to"):
        kt.entropy([0.5, 0.5 - 1e-8])
    # and a float64 q beside a float32 p keeps its own, tight tolerance
    p32 = np.array([0.5, 0.5 + 3e-7], dtype=np.float32)
    assert kt.kl_divergence(p32, [0.5, 0.5]) >= 0
    with pytest.raises(ValueError, match="q sums to"):
        kt.kl_divergence([0.5, 0.5], [0.5, 0.5 + 3e-7])


def test_float16_distribution(rng):
    p = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float16)
    assert kt.entropy(p) == pytest.approx(kt.entropy([0.1, 0.2, 0.3, 0.4]), rel=1e-3)


# --- normalize=True with awkward weights ----------------------------------------


def test_normalize_huge_float_weights():
    """Issue 19: the total of [1e308, 1e308] overflows; rescale first."""
    assert kt.entropy([1e308, 1e308], normalize=True) == 1.0
    assert kt.kl_divergence([1e308, 0], [1e308, 1e308], normalize=True) == 1.0
    assert kt.entropy([1.7e308, 1.7e308, 1.7e308, 1.7e308], normalize=True) == 2.0
    assert kt.entropy([[1e308, 1e308], [1, 3]], normalize=True)[0] == 1.0


def test_normalize_subnormal_weights():
    assert kt.entropy([5e-324, 5e-324], normalize=True) == 1.0
    assert kt.entropy([1e-310, 3e-310], normalize=True) == pytest.approx(
        kt.entropy([0.25, 0.75]), rel=1e-12
    )


def test_normalize_python_integers_of_any_size():
    """Issue 19: [2**70, 2**70] became dtype object and raised a TypeError."""
    assert kt.entropy([2**70, 2**70], normalize=True) == 1.0
    assert kt.entropy([10**400, 3 * 10**400], normalize=True) == pytest.approx(
        kt.entropy([0.25, 0.75]), rel=1e-15
    )
    assert kt.kl_divergence(
        [2**100, 0], [2**99, 2**99], normalize=True
    ) == pytest.approx(1.0, rel=1e-15)
    # exact rational rescaling: 1 / 3 rounded once
    big = [10**30, 10**30, 10**30]
    assert kt.entropy(big, normalize=True) == pytest.approx(math.log2(3), rel=1e-15)
    assert kt.mutual_information([[10**50, 0], [0, 10**50]], normalize=True) == 1.0
    # batches of them, and along another axis
    out = kt.entropy([[2**70, 2**70], [2**70, 3 * 2**70]], normalize=True)
    np.testing.assert_allclose(out, [1.0, kt.entropy([0.25, 0.75])], rtol=1e-15)
    out = kt.entropy([[2**70, 2**70], [2**70, 3 * 2**70]], normalize=True, axis=0)
    np.testing.assert_allclose(out, [1.0, kt.entropy([0.25, 0.75])], rtol=1e-15)


def test_huge_integers_need_normalize_and_are_checked():
    with pytest.raises(ValueError, match="p holds an integer too large for float64"):
        kt.entropy([10**400, 10**400])
    with pytest.raises(ValueError, match="p has negative entries"):
        kt.entropy([2**70, -(2**70), 2**71], normalize=True)
    with pytest.raises(ValueError, match="p has total weight 0"):
        kt.entropy([2**70 - 2**70, 0 * 2**80], normalize=True)
    with pytest.raises(TypeError, match="p must hold real numbers"):
        kt.entropy([2**70, "a"], normalize=True)
    with pytest.raises(ValueError, match="p sums to"):
        kt.entropy([2**70, 2**70])


# --- empty batches --------------------------------------------------------------


@pytest.mark.parametrize(
    "func",
    [
        lambda P: kt.entropy(P),
        lambda P: kt.kl_divergence(P, [0.2, 0.3, 0.5]),
        lambda P: kt.cross_entropy(P, P),
        lambda P: kt.js_divergence(P, [0.2, 0.3, 0.5]),
        lambda P: kt.js_distance(P, P),
        lambda P: kt.chernoff_information(P, [0.2, 0.3, 0.5]).value,
        lambda P: kt.chernoff_information(P, [0.2, 0.3, 0.5]).lam,
        lambda P: kt.bayesian_surprise(P, P),
        lambda P: kt.free_energy(P, [0.0, 1.0, 2.0], 1.0),
    ],
)
def test_empty_batch_gives_empty_result(func):
    """Issue 19: shape (0, 3) has 3 outcomes and no distributions, like numpy."""
    out = func(np.zeros((0, 3)))
    assert isinstance(out, np.ndarray) and out.shape == (0,)
    out = func(np.zeros((2, 0, 3)))
    assert out.shape == (2, 0)


def test_empty_batch_along_another_axis_and_empty_outcomes():
    assert kt.entropy(np.zeros((3, 0)), axis=0).shape == (0,)
    with pytest.raises(ValueError, match=r"p is empty.*it needs outcomes"):
        kt.entropy(np.zeros((3, 0)))
    with pytest.raises(ValueError, match="p is empty"):
        kt.entropy(np.zeros((0, 0)))
    assert kt.boltzmann(np.zeros((0, 3)), 1.0).shape == (0, 3)


# --- no numpy warning before an error --------------------------------------------


BAD_INPUTS = [
    [np.inf, -np.inf],
    [np.inf, np.inf],
    [-np.inf, 1.0],
    [np.nan, 1.0],
    [1e308, 1e308, -1e308],
    [-1.0, 2.0],
    [0.0, 0.0],
]


@pytest.mark.parametrize("bad", BAD_INPUTS)
@pytest.mark.parametrize("normalize", [False, True])
def test_no_numpy_warning_before_an_error(bad, normalize, recwarn):
    """Issue 19: numpy's 'invalid value encountered' printed before the error."""
    calls = [
        lambda: kt.entropy(bad, normalize=normalize),
        lambda: kt.kl_divergence(bad, bad, normalize=normalize),
        lambda: kt.kl_divergence(
            np.full(len(bad), 1 / len(bad)), bad, normalize=normalize
        ),
        lambda: kt.cross_entropy(bad, bad, normalize=normalize),
        lambda: kt.js_divergence(bad, bad, normalize=normalize),
        lambda: kt.js_distance(bad, bad, normalize=normalize),
        lambda: kt.chernoff_information(bad, bad, normalize=normalize),
        lambda: kt.mutual_information([bad, bad], normalize=normalize),
        lambda: kt.conditional_entropy([bad, bad], normalize=normalize),
        lambda: kt.joint_entropy([bad, bad], normalize=normalize),
        lambda: kt.conditional_mutual_information([[bad, bad]], normalize=normalize),
    ]
    for call in calls:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning would fail here, first
            with pytest.raises(ValueError):
                call()
    assert len(recwarn) == 0


def test_no_warning_for_bad_free_energy_or_boltzmann_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="q contains infinite"):
            kt.free_energy([np.inf, -np.inf], [0.0, 1.0], 1.0)
        with pytest.raises(ValueError, match="energies contains infinite"):
            kt.boltzmann([np.inf, -np.inf], 1.0)


def test_free_energy_message_does_not_suggest_normalize():
    """Issue 19: free_energy has no normalize=True, so it must not suggest it."""
    with pytest.raises(ValueError, match=r"^q sums to 2, not 1") as info:
        kt.free_energy([1, 1], [0, 0], 1)
    assert "normalize" not in str(info.value)
    assert "q / q.sum()" in str(info.value)


def test_f_divergence_with_scalar_only_f():
    """Issue 19: math.log failed with numpy's 'only 0-dimensional arrays ...'."""
    with pytest.raises(TypeError, match="f must be vectorised"):
        kt.f_divergence([0.5, 0.5], [0.25, 0.75], lambda t: -math.log(t))
    with pytest.raises(TypeError, match="f must be vectorised"):
        kt.f_divergence([0.5, 0.5], [0.25, 0.75], math.log)


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
        func(np.zeros((0, 3)))  # a table with no cells, not a batch
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
