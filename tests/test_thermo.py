"""Tests of kltools.thermo: the Boltzmann distribution and free energy.

Covers reference values (two-level systems, degenerate levels, the high and
low temperature limits), the identity F(q) - F(p) = kT D(q||p) and
F(p) = -kT log Z as hypothesis properties with k = 1 and with Boltzmann's
constant in J/K and eV/K, agreement between unit systems, stability at
energies far beyond kT (no overflow, no NaN, no warning), broadcasting of
temperatures against batches of energies, and every class of bad input.
Then chapter 16's dynamics: the level-shift protocol against the loop the
chapter used to run (work + heat = kT D, heat ~ 1/steps), stationary
distributions against closed forms and the power method, the second law
(D(q_t||p) and D(p||q_t) never increase) as a property, Landauer's bound
against scipy.constants, and the two decompositions of the expected free
energy against slow loops.
"""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
from conftest import distributions
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import logsumexp

import kltools as kt
from kltools import shannon

#: Boltzmann's constant, exact in the 2019 SI (CODATA).
K_B_J = 1.380649e-23  # J/K
EV = 1.602176634e-19  # J per eV
K_B_EV = K_B_J / EV  # eV/K, 8.617333262...e-5

#: (k, temperatures) pairs: energy units of temperature, joules and eV.
UNIT_SYSTEMS = [
    pytest.param(1.0, st.floats(0.01, 100.0), id="k=1"),
    pytest.param(K_B_J, st.floats(1.0, 2000.0), id="J/K"),
    pytest.param(K_B_EV, st.floats(1.0, 2000.0), id="eV/K"),
]


def two_level_upper(gap_over_kt: float) -> float:
    """Occupation of the upper level of a two-level system, 1 / (1 + e^{x})."""
    return 1.0 / (1.0 + math.exp(gap_over_kt))


# --------------------------------------------------------------------------
# boltzmann: reference values
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("energies", "temperature", "k", "expected"),
    [
        # Two-level system, p_1 / p_0 = e^{-gap/kT} (any statistical
        # mechanics text, e.g. Jaynes 1957).
        ([0.0, 1.0], 1.0, 1.0, [1 - two_level_upper(1.0), two_level_upper(1.0)]),
        ([0.0, 2.0], 4.0, 0.5, [1 - two_level_upper(1.0), two_level_upper(1.0)]),
        # Degenerate levels are equally likely, at any temperature.
        ([3.0, 3.0, 3.0, 3.0], 0.01, 1.0, [0.25] * 4),
        # Three equally spaced levels: weights 1, r, r^2 with r = e^{-1}.
        (
            [0.0, 1.0, 2.0],
            1.0,
            1.0,
            np.exp([0.0, -1.0, -2.0]) / np.exp([0.0, -1.0, -2.0]).sum(),
        ),
        # Very hot: uniform; very cold: the ground state.
        ([0.0, 1.0, 5.0], 1e18, 1.0, [1 / 3, 1 / 3, 1 / 3]),
        ([2.0, 1.0, 5.0], 1e-6, 1.0, [0.0, 1.0, 0.0]),
        # A 25 meV gap at room temperature, in eV and kelvin.
        (
            [0.0, 0.025],
            300.0,
            K_B_EV,
            [
                1 - two_level_upper(0.025 / (K_B_EV * 300)),
                two_level_upper(0.025 / (K_B_EV * 300)),
            ],
        ),
    ],
)
def test_boltzmann_reference_values(energies, temperature, k, expected):
    p = kt.boltzmann(energies, temperature, k=k)
    np.testing.assert_allclose(p, expected, rtol=1e-12, atol=1e-300)


@given(
    e=st.lists(st.floats(-50, 50), min_size=1, max_size=8),
    t=st.floats(0.05, 50.0),
    shift=st.floats(-1e3, 1e3),
)
def test_boltzmann_is_a_distribution_ordered_by_energy_and_shift_invariant(e, t, shift):
    e = np.array(e)
    p = kt.boltzmann(e, t)
    assert p.shape == e.shape
    assert (p >= 0).all()
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    # Lower energy, higher probability (ties equal).
    order = np.argsort(e, kind="stable")
    assert (np.diff(p[order]) <= 1e-15).all()
    # Only energy differences matter.
    np.testing.assert_allclose(kt.boltzmann(e + shift, t), p, rtol=1e-9, atol=1e-12)


def test_boltzmann_temperatures_broadcast_against_leading_axes():
    e = np.array([0.0, 1.0, 3.0])
    temps = np.array([0.5, 1.0, 2.0, 10.0])
    batch = kt.boltzmann(e, temps)
    assert batch.shape == (4, 3)
    for row, t in zip(batch, temps, strict=True):
        np.testing.assert_allclose(row, kt.boltzmann(e, t), rtol=1e-15)
    # A batch of spectra, one temperature each.
    spectra = np.array([[0.0, 1.0], [0.0, 2.0]])
    both = kt.boltzmann(spectra, [1.0, 2.0])
    np.testing.assert_allclose(both[0], both[1], rtol=1e-15)  # same E / T
    # Outer product of temperatures and spectra: shape (4, 2, 2).
    assert kt.boltzmann(spectra, temps[:, None]).shape == (4, 2, 2)
    # k broadcasts like temperature: kT is what matters.
    np.testing.assert_allclose(
        kt.boltzmann(e, 2.0, k=[0.5, 1.0]), kt.boltzmann(e, [1.0, 2.0]), rtol=1e-15
    )


def test_boltzmann_same_in_joules_and_electronvolts():
    e_ev = np.array([0.0, 0.01, 0.03, 0.1])
    for t in (77.0, 300.0, 1500.0):
        np.testing.assert_allclose(
            kt.boltzmann(e_ev, t, k=K_B_EV),
            kt.boltzmann(e_ev * EV, t, k=K_B_J),
            rtol=1e-12,
        )


# --------------------------------------------------------------------------
# free energy: reference values and identities
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "energies", "temperature", "expected"),
    [
        # Pure state: no entropy, F = its energy.
        ([0.0, 1.0, 0.0], [1.0, 2.5, -3.0], 7.0, 2.5),
        # n degenerate levels, uniform: F = E - kT log n.
        ([0.25] * 4, [1.0] * 4, 2.0, 1.0 - 2.0 * math.log(4)),
        # Two levels 0 and 1 at kT = 1, q = (1/2, 1/2): 1/2 - log 2.
        ([0.5, 0.5], [0.0, 1.0], 1.0, 0.5 - math.log(2)),
    ],
)
def test_free_energy_reference_values(q, energies, temperature, expected):
    assert kt.free_energy(q, energies, temperature) == pytest.approx(
        expected, rel=1e-14, abs=1e-14
    )


@pytest.mark.parametrize(("k", "temps"), UNIT_SYSTEMS)
@given(data=st.data())
def test_free_energy_excess_is_kt_times_kl_divergence(k, temps, data):
    q = data.draw(distributions())
    t = data.draw(temps)
    kt_ = k * t
    u = np.array(
        data.draw(st.lists(st.floats(-30, 30), min_size=q.size, max_size=q.size))
    )
    energies = u * kt_  # energies within 30 kT of 0, in the unit of k * T
    p = kt.boltzmann(energies, t, k=k)
    excess = kt.free_energy(q, energies, t, k=k) - kt.free_energy(p, energies, t, k=k)
    expected = kt_ * kt.kl_divergence(q, p, base=math.e)
    # F is a sum of terms up to 30 kT in size: allow rounding at that scale.
    assert excess == pytest.approx(expected, rel=1e-9, abs=1e-11 * kt_ * 30)
    assert excess >= -1e-11 * kt_ * 30  # equilibrium minimises F


@pytest.mark.parametrize(("k", "temps"), UNIT_SYSTEMS)
@given(data=st.data())
def test_equilibrium_free_energy_is_minus_kt_log_z(k, temps, data):
    t = data.draw(temps)
    n = data.draw(st.integers(1, 8))
    u = np.array(data.draw(st.lists(st.floats(-200, 200), min_size=n, max_size=n)))
    energies = u * k * t
    p = kt.boltzmann(energies, t, k=k)
    log_z = logsumexp(-u)  # E / kT = u exactly up to rounding
    f = kt.free_energy(p, energies, t, k=k)
    assert f == pytest.approx(-k * t * log_z, rel=1e-9, abs=1e-9 * k * t)


def test_free_energy_same_in_joules_and_electronvolts():
    q = [0.1, 0.2, 0.7]
    e_ev = np.array([0.0, 0.02, 0.05])
    f_ev = kt.free_energy(q, e_ev, 300.0, k=K_B_EV)
    f_j = kt.free_energy(q, e_ev * EV, 300.0, k=K_B_J)
    assert f_j == pytest.approx(f_ev * EV, rel=1e-12)


def test_free_energy_batches_broadcast():
    energies = np.array([0.0, 1.0, 2.0])
    qs = np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    temps = np.array([[0.5], [1.0], [4.0]])  # (3, 1) against the batch (2,)
    f = kt.free_energy(qs, energies, temps)
    assert f.shape == (3, 2)
    for i, t in enumerate(temps[:, 0]):
        for j, q in enumerate(qs):
            assert f[i, j] == pytest.approx(kt.free_energy(q, energies, t), rel=1e-14)
    assert isinstance(kt.free_energy(qs[1], energies, 1.0), float)


# --------------------------------------------------------------------------
# Stability at extreme energies
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "t"), [(1.0, 1.0), (K_B_J, 300.0), (K_B_EV, 300.0)])
@pytest.mark.parametrize("scale", [1e5, 1e300 / 1e5])
def test_extreme_energies_give_no_overflow_and_no_nan(k, t, scale):
    kt_ = k * t
    energies = np.array([-1e5, 0.0, 1e5]) * kt_ * (scale / 1e5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        p = kt.boltzmann(energies, t, k=k)
        np.testing.assert_array_equal(p, [1.0, 0.0, 0.0])
        f_eq = kt.free_energy(p, energies, t, k=k)
        f_uniform = kt.free_energy([1 / 3] * 3, energies, t, k=k)
    # F(p) = -kT log Z = E_min - kT log(1 + e^{-1e5} + ...) = E_min.
    assert f_eq == pytest.approx(energies[0], rel=1e-12)
    # Uniform q: mean energy 0, minus kT log 3.
    assert f_uniform == pytest.approx(-kt_ * math.log(3), rel=1e-6, abs=1e-6 * kt_)
    assert np.isfinite([f_eq, f_uniform]).all()


def test_extreme_energies_keep_ties_and_tiny_temperatures():
    # Two degenerate ground states far below a third state.
    p = kt.boltzmann([-1e5, -1e5, 1e5], 1.0)
    np.testing.assert_array_equal(p, [0.5, 0.5, 0.0])
    # k * T underflows to 0 in floating point, yet the answer is defined.
    p = kt.boltzmann([1.0, 0.0, 1e300], 1e-300, k=1e-300)
    np.testing.assert_array_equal(p, [0.0, 1.0, 0.0])
    p = kt.boltzmann([-1.7e308, 1.7e308], 1.0)  # difference overflows to inf
    np.testing.assert_array_equal(p, [1.0, 0.0])


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"temperature": 0.0}, ValueError, "temperature must be > 0"),
        ({"temperature": -300.0}, ValueError, "temperature must be > 0"),
        ({"temperature": math.nan}, ValueError, "temperature contains NaN"),
        ({"temperature": math.inf}, ValueError, "temperature contains infinite"),
        ({"temperature": [1.0, 0.0]}, ValueError, "temperature must be > 0"),
        ({"temperature": "hot"}, TypeError, "temperature must hold real numbers"),
        ({"k": 0.0}, ValueError, "k must be > 0"),
        ({"k": -1.0}, ValueError, "k must be > 0"),
        ({"energies": [0.0, math.nan]}, ValueError, "energies contains NaN"),
        ({"energies": [0.0, math.inf]}, ValueError, "energies contains infinite"),
        ({"energies": [0.0, -math.inf]}, ValueError, "energies contains infinite"),
        ({"energies": []}, ValueError, "energies is empty"),
        ({"energies": np.zeros((2, 0))}, ValueError, "energies is empty"),
        ({"energies": 1.0}, ValueError, "energies must be an array"),
        ({"energies": ["a", "b"]}, TypeError, "energies must hold real numbers"),
        (
            {"energies": [[0, 1], [0, 1, 2]]},
            ValueError,
            "energies is not a rectangular",
        ),
        (
            {"energies": np.zeros((2, 3)), "temperature": [1.0, 2.0, 3.0]},
            ValueError,
            r"shapes do not broadcast: energies \(2, 3\)",
        ),
    ],
)
def test_boltzmann_refuses_bad_input(kwargs, error, match):
    args = {"energies": [0.0, 1.0], "temperature": 1.0} | kwargs
    with pytest.raises(error, match=match):
        kt.boltzmann(args.pop("energies"), args.pop("temperature"), **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"q": [0.5, 0.6]}, ValueError, "q sums to 1.1"),
        ({"q": [1.5, -0.5]}, ValueError, "q has negative entries"),
        ({"q": [math.nan, 1.0]}, ValueError, "q contains NaN"),
        ({"q": 1.0}, ValueError, "q must be an array of probabilities"),
        ({"q": []}, ValueError, "q is empty"),
        ({"q": ["a", "b"]}, TypeError, "q must hold real numbers"),
        ({"q": [0.2, 0.3, 0.5]}, ValueError, "q and energies need the same number"),
        (
            {"q": np.full((3, 2), 0.5), "energies": np.zeros((2, 2))},
            ValueError,
            r"shapes do not broadcast: q \(3, 2\) and energies \(2, 2\)",
        ),
        (
            {"q": np.full((3, 2), 0.5), "temperature": [1.0, 2.0]},
            ValueError,
            r"shapes do not broadcast: leading axes \(3,\)",
        ),
        ({"energies": [0.0, math.inf]}, ValueError, "energies contains infinite"),
        ({"temperature": 0.0}, ValueError, "temperature must be > 0"),
        ({"k": -1.0}, ValueError, "k must be > 0"),
        ({"k": 1e300, "temperature": 1e300}, ValueError, "k \\* temperature overflows"),
    ],
)
def test_free_energy_refuses_bad_input(kwargs, error, match):
    args = {"q": [0.5, 0.5], "energies": [0.0, 1.0], "temperature": 1.0} | kwargs
    with pytest.raises(error, match=match):
        kt.free_energy(
            args.pop("q"), args.pop("energies"), args.pop("temperature"), **args
        )


def test_boltzmann_constants_are_the_exact_si_values():
    # k = 1.380649e-23 J/K and e = 1.602176634e-19 C exactly (SI 2019), so
    # k in meV/K is their ratio times 1000: 8.617333262...e-2 (CODATA 2018).
    assert kt.thermo.BOLTZMANN == 1.380649e-23
    assert math.isclose(kt.thermo.BOLTZMANN_MEV, 8.617333262e-2, rel_tol=1e-10)
    assert shannon.BOLTZMANN is kt.thermo.BOLTZMANN


# --- issue 19: energies spanning the whole float range ---------------------------


def mp_boltzmann(energies, kt_value, dps=60):
    with mpmath.workdps(dps):
        e = [mpmath.mpf(x) for x in energies]
        kt_ = mpmath.mpf(kt_value)
        w = [mpmath.exp(-(x - min(e)) / kt_) for x in e]
        z = sum(w)
        return [float(x / z) for x in w]


@pytest.mark.parametrize(
    ("energies", "temperature", "k"),
    [
        ([-1e308, 1e308], 1e308, 1.0),  # the gap 2e308 overflows
        ([-1.7e308, 1.7e308, 0.0], 1e308, 1.0),
        ([-1e308, 1e308], 1.0, 1e308),
        ([0.0, 1e308], 5e307, 2.0),
        ([-1e308, 1e308], 1e-300, 1.0),  # everything but the ground state is 0
        ([1.0, 2.0, 3.0], 1e-300, 1e-10),  # k T underflows as a product
        ([1.0, 2.0], 1e300, 1e10),  # k T overflows as a product
    ],
)
def test_boltzmann_any_finite_energies_against_mpmath(energies, temperature, k):
    """Issue 19: boltzmann([-1e308, 1e308], 1e308) gave [1, 0], not [0.881, 0.119]."""
    got = kt.boltzmann(energies, temperature, k=k)
    with mpmath.workdps(60):
        kt_value = mpmath.mpf(temperature) * mpmath.mpf(k)
    want = mp_boltzmann(energies, kt_value)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-300)
    assert got.sum() == pytest.approx(1.0, rel=1e-15)


def test_boltzmann_value_from_the_issue():
    np.testing.assert_allclose(
        kt.boltzmann([-1e308, 1e308], 1e308), [0.881, 0.119], atol=1e-3
    )


# --- the level-shift protocol, Markov relaxation, Landauer, expected free energy ------


def reference_protocol(q, energies, temperature, steps, k=1.0):
    """The loop chapter 16 ran in a cell, kept here as the slow reference."""
    import itertools

    q, energies = np.asarray(q), np.asarray(energies)
    kt_ = k * temperature
    shifted = -kt_ * np.log(q)
    path = shifted + np.linspace(0.0, 1.0, steps + 1)[:, None] * (energies - shifted)
    work = np.sum(q * (energies - shifted))
    heat = 0.0
    for here, there in itertools.pairwise(path):
        r = kt.boltzmann(here, temperature, k=k)
        work += np.sum(r * (here - there))
        heat += kt_ * kt.kl_divergence(
            r, kt.boltzmann(there, temperature, k=k), base=math.e
        )
    return float(work), float(heat)


@pytest.mark.parametrize("steps", [1, 2, 10, 100])
def test_level_shift_protocol_matches_the_chapter_loop(steps):
    q, levels = [0.1, 0.2, 0.3, 0.4], [0.0, 10.0, 25.0, 40.0]
    k = kt.thermo.BOLTZMANN_MEV
    got = kt.thermo.level_shift_protocol(q, levels, 300.0, steps, k=k)
    want = reference_protocol(q, levels, 300.0, steps, k=k)
    assert got.work == pytest.approx(want[0], rel=1e-12, abs=1e-12)
    assert got.heat == pytest.approx(want[1], rel=1e-12)


@given(distributions(n=4, positive=True), st.integers(1, 50))
def test_level_shift_work_plus_heat_is_the_excess(q, steps):
    levels, temperature = np.array([0.0, 1.0, 2.5, 4.0]), 1.3
    p = kt.boltzmann(levels, temperature)
    excess = temperature * kt.kl_divergence(q, p, base=math.e)
    got = kt.thermo.level_shift_protocol(q, levels, temperature, steps)
    assert got.work + got.heat == pytest.approx(excess, rel=1e-9, abs=1e-12)
    assert got.heat >= 0


def test_level_shift_one_step_is_all_heat_and_many_steps_all_work():
    q, levels = [0.5, 0.5], [0.0, math.log(3.0)]
    excess = 0.5 * math.log(4 / 3)  # kT D(Q||P), units of kT
    one = kt.thermo.level_shift_protocol(q, levels, 1.0, 1)
    assert abs(one.work) < 1e-15
    assert one.heat == pytest.approx(excess, rel=1e-14)
    heats = [kt.thermo.level_shift_protocol(q, levels, 1.0, n).heat for n in (100, 200)]
    assert heats[1] / heats[0] == pytest.approx(0.5, rel=1e-2)  # heat ~ 1 / steps
    assert kt.thermo.level_shift_protocol(q, levels, 1.0, 10_000).work == (
        pytest.approx(excess, rel=1e-3)
    )


def test_stationary_distribution_two_states_closed_form():
    a, b = 0.1, 0.3  # leave state 0 with a, state 1 with b: p = (b, a) / (a + b)
    p = kt.thermo.stationary_distribution([[1 - a, a], [b, 1 - b]])
    np.testing.assert_allclose(p, [0.75, 0.25], rtol=1e-14)


def test_stationary_distribution_is_fixed_by_the_kernel(rng):
    for n in (2, 3, 6):
        kernel = rng.dirichlet(np.ones(n), size=n)
        p = kt.thermo.stationary_distribution(kernel)
        np.testing.assert_allclose(p @ kernel, p, atol=1e-14)
        # against the power method
        np.testing.assert_allclose(
            np.linalg.matrix_power(kernel, 400)[0], p, atol=1e-12
        )


@given(distributions(n=5), st.integers(0, 2**32 - 1))
def test_second_law_both_divergences_never_increase(q0, seed):
    kernel = np.random.default_rng(seed).dirichlet(np.full(5, 0.5), size=5)
    p = kt.thermo.stationary_distribution(kernel)
    path = kt.thermo.markov_relaxation(q0, kernel, 30)
    forward = kt.kl_divergence(path, p)
    backward = kt.kl_divergence(p, path)
    assert np.all(np.diff(forward) <= 1e-12 * (1 + forward[:-1]))
    finite = np.isfinite(backward)
    b = backward[finite]
    assert np.all(np.diff(b) <= 1e-12 * (1 + b[:-1]))
    assert np.all(np.diff(finite.astype(int)) >= 0)  # once finite, stays finite


def test_markov_relaxation_shapes_and_values(rng):
    kernel = rng.dirichlet(np.ones(3), size=3)
    q0 = rng.dirichlet(np.ones(3), size=(2, 4))
    path = kt.thermo.markov_relaxation(q0, kernel, 5)
    assert path.shape == (2, 4, 6, 3)
    np.testing.assert_allclose(
        path[1, 2, 5], q0[1, 2] @ np.linalg.matrix_power(kernel, 5)
    )
    np.testing.assert_array_equal(path[..., 0, :], q0)


def test_entropy_can_fall_when_the_stationary_distribution_is_not_uniform():
    kernel = [[0.9, 0.1], [0.6, 0.4]]  # stationary (6/7, 1/7)
    p = kt.thermo.stationary_distribution(kernel)
    np.testing.assert_allclose(p, [6 / 7, 1 / 7], rtol=1e-13)
    h = kt.entropy(kt.thermo.markov_relaxation([0.5, 0.5], kernel, 10))
    assert h[0] == 1.0 and np.all(np.diff(h) < 0)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 40.0])
def test_metropolis_kernel_detailed_balance_with_boltzmann(temperature):
    levels = np.array([0.0, 0.7, 1.5, 3.0])
    kernel = kt.thermo.metropolis_kernel(levels, temperature)
    p = kt.boltzmann(levels, temperature)
    flow = p[:, None] * kernel
    np.testing.assert_allclose(flow, flow.T, atol=1e-15)
    np.testing.assert_allclose(kernel.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(kt.thermo.stationary_distribution(kernel), p, rtol=1e-10)
    # downhill moves are always accepted: K[3, 0] = 1 / 3
    assert kernel[3, 0] == pytest.approx(1 / 3)
    assert kernel[0, 3] == pytest.approx(math.exp(-3.0 / temperature) / 3)


def test_free_energy_falls_in_a_bath():
    levels, temperature = np.array([0.0, 1.0, 2.0]), 0.5
    kernel = kt.thermo.metropolis_kernel(levels, temperature)
    start = kt.boltzmann(levels, 5.0)  # prepared hot
    f = kt.free_energy(kt.thermo.markov_relaxation(start, kernel, 40), levels, 0.5)
    assert np.all(np.diff(f) <= 1e-15)
    assert f[-1] == pytest.approx(
        kt.free_energy(kt.boltzmann(levels, 0.5), levels, 0.5), abs=1e-9
    )


def test_landauer_bound_values():
    from scipy import constants

    k_mev = constants.k / constants.e * 1e3
    got = kt.thermo.landauer_bound(300.0, k=kt.thermo.BOLTZMANN_MEV)
    assert got == pytest.approx(k_mev * 300 * math.log(2), rel=1e-15)
    assert got == pytest.approx(17.9192, abs=1e-4)
    joules = kt.thermo.landauer_bound(300.0, 8.0, k=kt.thermo.BOLTZMANN)
    assert joules == pytest.approx(8 * constants.k * 300 * math.log(2), rel=1e-15)
    np.testing.assert_allclose(
        kt.thermo.landauer_bound([1.0, 2.0], [1.0, 0.5]), [math.log(2)] * 2
    )


def slow_expected_free_energy(qs, a, pref):
    """Both decompositions of G from their definitions, in nats, with loops."""
    qs, a, pref = np.asarray(qs), np.asarray(a), np.asarray(pref)
    qo = qs @ a
    risk = sum(qo[o] * math.log(qo[o] / pref[o]) for o in range(len(qo)) if qo[o] > 0)
    ambiguity = -sum(
        qs[s] * a[s, o] * math.log(a[s, o])
        for s in range(len(qs))
        for o in range(len(qo))
        if a[s, o] > 0
    )
    gain = 0.0  # E_o D(q(s | o) || q(s))
    for o in range(len(qo)):
        if qo[o] > 0:
            post = qs * a[:, o] / qo[o]
            gain += qo[o] * kt.kl_divergence(post, qs, base=math.e)
    pragmatic = sum(qo[o] * math.log(pref[o]) for o in range(len(qo)) if qo[o] > 0)
    return risk, ambiguity, gain, pragmatic


@given(
    distributions(n=3),
    st.lists(distributions(n=4), min_size=3, max_size=3),
    distributions(n=4, positive=True),
)
def test_expected_free_energy_two_decompositions(qs, rows, pref):
    a = np.array(rows)
    g = kt.thermo.expected_free_energy(qs, a, pref)
    risk, ambiguity, gain, pragmatic = slow_expected_free_energy(qs, a, pref)
    assert g.risk == pytest.approx(risk, abs=1e-10)
    assert g.ambiguity == pytest.approx(ambiguity, abs=1e-10)
    assert g.epistemic == pytest.approx(gain, abs=1e-10)
    assert g.pragmatic == pytest.approx(pragmatic, abs=1e-10)
    assert g.total == pytest.approx(g.risk + g.ambiguity, abs=1e-12)
    assert g.total == pytest.approx(-g.epistemic - g.pragmatic, abs=1e-9)


def test_expected_free_energy_units_and_infinite_risk():
    qs, a, pref = [0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]], [0.75, 0.25]
    nats = kt.thermo.expected_free_energy(qs, a, pref)
    bits = kt.thermo.expected_free_energy(qs, a, pref, base=2)
    assert bits.epistemic == pytest.approx(1.0)
    assert bits.total == pytest.approx(nats.total / math.log(2))
    assert nats.total == pytest.approx(0.5 * math.log(4 / 3))
    ruled_out = kt.thermo.expected_free_energy(qs, a, [1.0, 0.0])
    assert ruled_out.risk == math.inf and ruled_out.pragmatic == -math.inf


BAD_DYNAMICS = [
    (
        lambda: kt.thermo.metropolis_kernel([1.0], 1.0),
        ValueError,
        "at least 2 levels",
    ),
    (
        lambda: kt.thermo.level_shift_protocol([1.0, 0.0], [0.0, 1.0], 1.0, 5),
        ValueError,
        "every entry of q must be > 0",
    ),
    (
        lambda: kt.thermo.level_shift_protocol([0.5, 0.5], [0.0, 1.0], 1.0, 0),
        ValueError,
        "steps must be >= 1",
    ),
    (
        lambda: kt.thermo.level_shift_protocol([0.5, 0.5], [0.0, 1.0, 2.0], 1.0, 3),
        ValueError,
        "q has 2 states but energies 3",
    ),
    (
        lambda: kt.thermo.stationary_distribution([[1.0, 0.0], [0.0, 1.0]]),
        ValueError,
        "more than one stationary distribution",
    ),
    (
        lambda: kt.thermo.stationary_distribution([[0.5, 0.5]]),
        ValueError,
        "kernel must be a square",
    ),
    (
        lambda: kt.thermo.stationary_distribution([[0.5, 0.6], [0.5, 0.5]]),
        ValueError,
        "every row of kernel sums to",
    ),
    (
        lambda: kt.thermo.markov_relaxation([1.0, 0.0, 0.0], [[0.5, 0.5]] * 2, 3),
        ValueError,
        "q0 has 3 states but kernel 2",
    ),
    (
        lambda: kt.thermo.markov_relaxation([1.0, 0.0], [[0.5, 0.5]] * 2, 1.5),
        TypeError,
        "steps must be an integer",
    ),
    (lambda: kt.thermo.landauer_bound(-1.0), ValueError, "temperature must be > 0"),
    (lambda: kt.thermo.landauer_bound(1.0, -2.0), ValueError, "bits must be >= 0"),
    (
        lambda: kt.thermo.expected_free_energy([0.5, 0.5], [[1.0, 0.0]], [0.5, 0.5]),
        ValueError,
        "likelihood must have shape",
    ),
    (
        lambda: kt.thermo.expected_free_energy([0.5, 0.5], np.eye(2), [0.5, 0.3]),
        ValueError,
        "preferences sums to",
    ),
    (
        lambda: kt.thermo.expected_free_energy([0.5, 0.5], np.eye(2), [1.0, 0, 0]),
        ValueError,
        "preferences has 3 outcomes but likelihood 2",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), BAD_DYNAMICS)
def test_bad_dynamics_input_is_refused(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
