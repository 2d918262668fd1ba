"""Tests for kltools.notebook: ``glue`` on the site and off it.

With ``myst_nb`` importable, ``glue`` must hand the value to
``myst_nb.glue`` unchanged; without it (Colab), it must stay silent unless
``display=True``, and then show the value.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from kltools import notebook


@pytest.fixture
def fake_myst_nb(monkeypatch):
    """Replace myst_nb.glue by a recorder."""
    myst_nb = pytest.importorskip("myst_nb")
    calls = []
    monkeypatch.setattr(
        myst_nb,
        "glue",
        lambda name, value, display=True: calls.append((name, value, display)),
    )
    return calls


@pytest.fixture
def no_myst_nb(monkeypatch):
    """Make ``import myst_nb`` fail, as on Colab."""
    monkeypatch.setitem(sys.modules, "myst_nb", None)


@pytest.fixture
def shown(monkeypatch):
    """Record what IPython's display would show."""
    display_mod = pytest.importorskip("IPython.display")
    seen = []
    monkeypatch.setattr(display_mod, "display", lambda value: seen.append(value))
    return seen


@pytest.mark.parametrize("display", [False, True])
def test_uses_myst_nb_when_available(fake_myst_nb, display):
    notebook.glue("black_swan_bits", 6.64, display=display)
    assert fake_myst_nb == [("black_swan_bits", 6.64, display)]


def test_display_defaults_to_false(fake_myst_nb):
    notebook.glue("x", 1.0)
    assert fake_myst_nb == [("x", 1.0, False)]


def test_silent_without_myst_nb(no_myst_nb, shown, capsys):
    assert notebook.glue("x", 1.5) is None
    assert shown == []
    assert capsys.readouterr().out == ""


def test_displays_without_myst_nb_when_asked(no_myst_nb, shown):
    notebook.glue("x", 1.5, display=True)
    assert shown == [1.5]


def test_prints_without_ipython(no_myst_nb, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "IPython", None)
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    notebook.glue("x", 2.5, display=True)
    assert capsys.readouterr().out == "2.5\n"


def test_real_myst_nb_glue_runs():
    pytest.importorskip("myst_nb")
    notebook.glue("x", 3.0)  # outside a kernel: stores nothing, must not fail


@pytest.mark.parametrize(
    ("value", "plain"),
    [(np.float64(0.25), 0.25), (np.int64(3), 3), (np.float32(0.5), 0.5)],
)
def test_numpy_scalars_are_glued_as_python_numbers(fake_myst_nb, value, plain):
    """numpy 2 writes np.float64(0.25) as its text, which `:.4f` cannot read."""
    notebook.glue("x", value)
    ((_, glued, _),) = fake_myst_nb
    assert type(glued) is type(plain) and glued == plain
    assert f"{glued:.2f}" == f"{plain:.2f}"


def test_arrays_and_figures_pass_unchanged(fake_myst_nb):
    arr = np.arange(3.0)
    notebook.glue("a", arr)
    assert fake_myst_nb[0][1] is arr
