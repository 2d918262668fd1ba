"""Tests for kltools.notebook: ``glue`` on the site and off it.

With ``myst_nb`` installed, ``glue`` must store exactly what
``myst_nb.glue`` stores, without importing myst_nb; without it (Colab), it
must stay silent unless ``display=True``, and then show the value.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from kltools import notebook


def _recorded(monkeypatch, target, attr):
    """Record the calls of ``target.attr`` (IPython's display) instead."""
    calls = []
    monkeypatch.setattr(target, attr, lambda *a, **k: calls.append((a, k)))
    return calls


@pytest.fixture
def outputs(monkeypatch):
    """What kltools' glue and myst_nb's own glue display, side by side."""
    pytest.importorskip("myst_nb")
    import IPython.display
    import myst_nb.ext.glue

    ours = _recorded(monkeypatch, IPython.display, "display")
    theirs = _recorded(monkeypatch, myst_nb.ext.glue, "ipy_display")
    return ours, theirs, myst_nb.ext.glue.glue


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


@pytest.mark.parametrize("value", [6.64, "text", [1, 2], np.float64(0.25)])
@pytest.mark.parametrize("display", [False, True])
def test_stores_what_myst_nb_glue_stores(outputs, display, value):
    ours, theirs, myst_glue = outputs
    notebook.glue("black_swan_bits", value, display=display)
    myst_glue("black_swan_bits", notebook._plain(value), display=display)
    assert len(ours) == 1 and ours == theirs
    (bundle,), kwargs = ours[0]
    prefix = "" if display else notebook.GLUE_PREFIX
    assert set(bundle) == {prefix + "text/plain"}
    assert kwargs["metadata"]["scrapbook"] == {
        "name": "black_swan_bits",
        "mime_prefix": prefix,
    }


def test_display_defaults_to_false(outputs):
    ours, _, _ = outputs
    notebook.glue("x", 1.0)
    (((bundle,), _),) = ours
    assert list(bundle) == [notebook.GLUE_PREFIX + "text/plain"]


def test_glue_does_not_import_myst_nb():
    """Importing myst_nb pulls in nbformat: seconds of every chapter's run."""
    code = (
        "import sys; from kltools import notebook; notebook.glue('x', 1.0);"
        " print('myst_nb' in sys.modules, 'nbformat' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


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


@pytest.fixture
def stored(monkeypatch):
    """Record what glue hands on to be stored, as the book build would."""
    monkeypatch.setattr(notebook, "_book_build", lambda: True)
    calls = []
    monkeypatch.setattr(notebook, "_store", lambda *args: calls.append(args))
    return calls


@pytest.mark.parametrize(
    ("value", "plain"),
    [(np.float64(0.25), 0.25), (np.int64(3), 3), (np.float32(0.5), 0.5)],
)
def test_numpy_scalars_are_glued_as_python_numbers(stored, value, plain):
    """numpy 2 writes np.float64(0.25) as its text, which `:.4f` cannot read."""
    notebook.glue("x", value)
    ((_, glued, _),) = stored
    assert type(glued) is type(plain) and glued == plain
    assert f"{glued:.2f}" == f"{plain:.2f}"


def test_arrays_and_figures_pass_unchanged(stored):
    arr = np.arange(3.0)
    notebook.glue("a", arr)
    assert stored[0][1] is arr
