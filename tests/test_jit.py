"""The compiled logarithms of kltools._jit, and how the kernel chooses them.

The logarithm is checked against 60-digit mpmath references (under 1 ulp
everywhere, including subnormals and the ends of the range), against numpy
on the special values, and through the kernel: every measure gives the same
values, to rounding, with numba and without it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kltools as kt
import kltools._kernel as kernel

jit = pytest.importorskip("kltools._jit", reason="numba is not installed")

mpmath.mp.dps = 60


def ulp_errors(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|y - log x| in units of the last place of the true log x (mpmath)."""
    errors = []
    for xi, yi in zip(x.tolist(), y.tolist(), strict=True):
        true = mpmath.log(mpmath.mpf(xi))
        ulp = mpmath.mpf(float(np.spacing(abs(float(true)))))
        errors.append(float(abs(mpmath.mpf(yi) - true) / ulp))
    return np.array(errors)


def jit_log(x: np.ndarray, floor: bool = False) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty_like(x)
    jit.log_into(x, out, floor)
    return out


def hard_cases() -> np.ndarray:
    """Where a logarithm goes wrong: near 1, at the reduction's seams, the ends."""
    rng = np.random.default_rng(19)
    seam = np.sqrt(2.0) / 2
    return np.concatenate(
        [
            1 + rng.uniform(-1e-3, 1e-3, 400),
            1 + rng.uniform(-1e-13, 1e-13, 200),
            np.nextafter(1.0, [0.0, 2.0]),
            seam * (1 + rng.uniform(-1e-6, 1e-6, 200)),
            2 * seam * (1 + rng.uniform(-1e-6, 1e-6, 200)),
            rng.uniform(0.5, 2.0, 400),
            np.exp(rng.uniform(-744.0, 709.7, 600)),
            2.0 ** np.arange(-1074, 1024, 7, dtype=float),
            rng.uniform(1e-320, 2.2e-308, 200),  # subnormals
            [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308],
        ]
    )


def test_log_is_within_one_ulp_of_mpmath():
    x = hard_cases()
    errors = ulp_errors(x, jit_log(x))
    assert errors.max() < 1.0
    # and as accurate as numpy's (glibc's) on average, within a tenth of an ulp
    assert errors.mean() < ulp_errors(x, np.log(x)).mean() + 0.1


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.0, exclude_min=True, allow_infinity=False))
def test_log_of_any_positive_double_is_within_one_ulp(x):
    y = jit_log(np.array([x]))
    if x == 1.0:
        assert y[0] == 0.0
    else:
        assert ulp_errors(np.array([x]), y)[0] < 1.0


def test_special_values_are_numpys():
    x = np.array([0.0, -0.0, -1.0, -np.inf, np.nan, np.inf, 1.0, -5e-324])
    with np.errstate(all="ignore"):
        expected = np.log(x)
    y = jit_log(x)
    np.testing.assert_array_equal(y, expected)  # NaN where numpy has NaN
    assert not np.signbit(y[6])  # log 1 = +0.0


def test_floor_is_numpys_fmax():
    x = np.array([0.0, -1.0, np.nan, 5e-324, 1e-300, 1.0, np.inf])
    with np.errstate(all="ignore"):
        expected = np.fmax(jit_log(x), kernel.LOG_FLOOR)
    np.testing.assert_array_equal(jit_log(x, floor=True), expected)
    assert jit_log(x, floor=True)[:3].tolist() == [-745.0] * 3


def test_ratio_is_the_log_of_the_quotient_to_the_bit(rng):
    a = rng.random(1000)
    b = rng.random(1000)
    a[::7] = 0.0
    b[::11] = 0.0
    for floor in (False, True):
        out = np.empty_like(a)
        jit.log_ratio_into(a, b, out, floor)
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(out, jit_log(a / b, floor))


@pytest.fixture
def numpy_logs(monkeypatch):
    """Run the kernel without the compiled logarithms."""
    monkeypatch.setattr(kernel, "_JIT", None)


def measures(p, q):
    return np.array(
        [
            kt.kl_divergence(p, q),
            kt.entropy(p),
            kt.cross_entropy(p, q),
            kt.js_divergence(p, q),
        ]
    )


@pytest.mark.parametrize("n", [5, 1000, 3 * kernel.BLOCK + 7])
def test_measures_agree_with_and_without_numba(rng, monkeypatch, n):
    p = rng.random(n)
    p[:: max(2, n // 50)] = 0.0  # zeros of p: the floored path
    p /= p.sum()
    q = rng.random(n)
    q /= q.sum()
    fast = measures(p, q)
    monkeypatch.setattr(kernel, "_JIT", None)
    slow = measures(p, q)
    np.testing.assert_allclose(fast, slow, rtol=1e-14)


def test_kernel_uses_the_compiled_logs_when_numba_is_there(monkeypatch):
    calls = []

    class Spy:
        def log_into(self, *args):
            calls.append("log")
            jit.log_into(*args)

        def log_ratio_into(self, *args):
            calls.append("ratio")
            jit.log_ratio_into(*args)

    monkeypatch.delenv("KLTOOLS_JIT", raising=False)
    monkeypatch.setattr(kernel, "_JIT", kernel._UNSET)
    assert kernel.jit_logs() is jit
    monkeypatch.setattr(kernel, "_JIT", Spy())
    assert kt.kl_divergence([0.5, 0.5], [0.25, 0.75]) == pytest.approx(
        0.2075187496394219, rel=1e-15
    )
    assert kt.entropy([0.5, 0.5]) == 1.0
    assert calls == ["ratio", "log"]


def test_blocks_numba_cannot_take_go_to_numpy():
    x = np.ones((3, 4))
    assert kernel._flat(x, x, x)
    assert kernel._flat(x, None, x)
    assert not kernel._flat(x[:, ::2], None, x[:, :2])
    assert not kernel._flat(x.astype(np.float32), x, x)


def test_measures_without_numba(numpy_logs):
    assert kt.kl_divergence([0.5, 0.5], [0.25, 0.75]) == pytest.approx(
        0.2075187496394219, rel=1e-15
    )
    assert kt.entropy([0.25] * 4) == 2.0


def test_without_numba_the_kernel_falls_back_to_numpy(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba fails
    monkeypatch.delitem(sys.modules, "kltools._jit")
    monkeypatch.delattr(kt, "_jit")
    monkeypatch.setattr(kernel, "_JIT", kernel._UNSET)
    assert kernel.jit_logs() is None
    assert kt.entropy([0.25] * 4) == 2.0
    assert kt.kl_divergence([1, 0], [0.5, 0.5]) == 1.0


def test_a_numba_that_cannot_compile_is_not_used(monkeypatch):
    class Broken:
        def log_into(self, *args):
            raise RuntimeError("LLVM failed")

        log_ratio_into = log_into

    monkeypatch.setitem(sys.modules, "kltools._jit", Broken())
    monkeypatch.delattr(kt, "_jit")
    monkeypatch.setattr(kernel, "_JIT", kernel._UNSET)
    assert kernel.jit_logs() is None
    assert kt.kl_divergence([1, 0], [0.5, 0.5]) == 1.0


def test_read_only_arrays(rng):
    p = rng.dirichlet(np.ones(50))
    q = rng.dirichlet(np.ones(50))
    expected = kt.kl_divergence(p, q)
    p.setflags(write=False)
    q.setflags(write=False)
    assert kt.kl_divergence(p, q) == expected


def test_kltools_jit_0_turns_it_off():
    code = "import kltools._kernel as k; print(k.jit_logs() is None)"
    env = dict(os.environ, KLTOOLS_JIT="0")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "True", out.stderr
