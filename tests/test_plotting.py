"""Tests for kltools.plotting: the book's one matplotlib style.

Covers that ``use_style`` sets the rcParams it promises (opaque white
background, the p/q colours first in the cycle, modest size), that a figure
drawn with it saves to a small PNG with an opaque background, and that
importing kltools does not need matplotlib.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from kltools import plotting  # noqa: E402


@pytest.fixture
def styled():
    """Apply the style inside an rc_context, so other tests keep theirs."""
    with mpl.rc_context():
        plotting.use_style()
        yield
    plt.close("all")


def test_rcparams_applied(styled):
    for key, value in plotting.STYLE.items():
        expected = list(value) if isinstance(value, tuple) else value  # figsize
        assert mpl.rcParams[key] == expected, key


def test_background_is_opaque_white(styled):
    for key in ("figure.facecolor", "savefig.facecolor", "axes.facecolor"):
        assert mcolors.to_rgba(mpl.rcParams[key]) == (1.0, 1.0, 1.0, 1.0), key
    assert mpl.rcParams["savefig.transparent"] is False


def test_p_and_q_lead_the_colour_cycle(styled):
    cycle = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    assert cycle[:2] == [plotting.P_COLOR, plotting.Q_COLOR]
    assert len(set(cycle)) == len(cycle)
    assert mcolors.is_color_like(plotting.P_COLOR)
    assert mcolors.is_color_like(plotting.Q_COLOR)


def test_modest_size(styled):
    width, height = mpl.rcParams["figure.figsize"]
    assert width * mpl.rcParams["figure.dpi"] <= 800
    assert height * mpl.rcParams["figure.dpi"] <= 600
    assert mpl.rcParams["font.size"] >= 10


def test_figure_saves_to_small_opaque_png(styled, tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0.01, 0.1, 1], [6.6, 3.3, 0], label="p")
    ax.set_xscale("log")
    ax.set(xlabel="prior q", ylabel="surprise (bits)")
    ax.legend()
    path = tmp_path / "figure.png"
    fig.savefig(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 100_000
    image = plt.imread(path)
    assert image.shape[:2] == (360, 640)
    if image.shape[2] == 4:  # RGBA: the alpha channel must be fully opaque
        assert image[..., 3].min() == 1.0
    assert tuple(image[0, 0, :3]) == (1.0, 1.0, 1.0)  # white corner


def test_kltools_imports_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import kltools as kt\n"
        "assert kt.plotting.P_COLOR.startswith('#')\n"
        "try:\n"
        "    kt.plotting.use_style()\n"
        "except ImportError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('use_style should need matplotlib')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
