"""The one matplotlib style of the book.

Every chapter calls :func:`use_style` once, after importing pyplot, so all
figures share font sizes, colours and size. Two colours have fixed meanings
across the course: :data:`P_COLOR` for the distribution written ``p`` (the
data, the truth, the posterior) and :data:`Q_COLOR` for ``q`` (the model,
the approximation, the prior).

Matplotlib is imported only inside :func:`use_style`, so ``kltools`` itself
never needs it (install the ``plot`` or ``notebooks`` extra for figures).
"""

from __future__ import annotations

from typing import Any

__all__ = ["COLORS", "P_COLOR", "Q_COLOR", "STYLE", "use_style"]

#: Colour of the distribution ``p`` in every figure (Okabe-Ito blue).
P_COLOR = "#0072B2"
#: Colour of the distribution ``q`` in every figure (Okabe-Ito vermillion).
Q_COLOR = "#D55E00"
#: The colour cycle: ``p`` and ``q`` first, then the rest of the Okabe-Ito
#: palette, which stays distinguishable for the common colour-vision
#: deficiencies.
COLORS = (
    P_COLOR,
    Q_COLOR,
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)

#: The rcParams set by :func:`use_style` (the colour cycle is added there,
#: since building a cycler needs matplotlib).
STYLE: dict[str, Any] = {
    # Size: modest figures at a modest resolution keep the site's PNGs small.
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    # An opaque white background, so figures stay readable on a dark page.
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    # Text and lines dark on that white background, whatever the theme.
    "text.color": "#222222",
    "axes.labelcolor": "#222222",
    "axes.edgecolor": "#444444",
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    # Readable font sizes.
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    # Quiet axes: light grid behind the data, no top or right spine.
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 7,
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the book's matplotlib style to the current session.

    Sets ``matplotlib.rcParams`` from :data:`STYLE` and the colour cycle from
    :data:`COLORS`. Call it after ``import matplotlib.pyplot``, so that a
    notebook backend's own defaults do not override it.

    Examples
    --------
    >>> import matplotlib
    >>> import kltools as kt
    >>> with matplotlib.rc_context():  # restores the old style afterwards
    ...     kt.plotting.use_style()
    ...     print(matplotlib.rcParams["figure.facecolor"])
    white
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(STYLE)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=list(COLORS))
