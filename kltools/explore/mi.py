"""Explorable of chapter 13: a joint table whose cells the reader reshapes,
with every entropy of the pair and their mutual information."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..discrete import entropy
from ..joint import conditional_entropy, joint_entropy, mutual_information
from ..mutual import seed_conditional_entropy
from ._core import Explorable, make, register

__all__ = ["mi_joint_table"]

#: Default table: the weather (rows) and what a commuter carries (columns).
WEATHER = ((0.25, 0.10, 0.02), (0.05, 0.20, 0.05), (0.00, 0.08, 0.25))
#: Names of its rows and columns.
WEATHER_LABELS = (("sun", "cloud", "rain"), ("sunglasses", "nothing", "umbrella"))


@register("mi_joint_table", "entropies and mutual information of a joint table")
def _mi_joint_table_quantities(v: dict[str, Any]) -> dict[str, float]:
    pxy = np.asarray(v["table"], dtype=float)
    pxy = pxy / pxy.sum()
    return {
        "h_x": entropy(pxy.sum(axis=1)),
        "h_y": entropy(pxy.sum(axis=0)),
        "h_xy": joint_entropy(pxy),
        "h_x_given_y": conditional_entropy(pxy),
        "h_y_given_x": conditional_entropy(pxy.T),
        "mi": mutual_information(pxy),
        "seed_12": seed_conditional_entropy(pxy),
    }


def _labels(given: Any, n: int, default: str, name: str) -> list[str]:
    names = [f"{default}{i + 1}" for i in range(n)] if given is None else given
    if isinstance(names, str) or len(names) != n:
        raise ValueError(f"{name} must name the {n} values, got {given!r}")
    return [str(x) for x in names]


def mi_joint_table(
    table: Any = None,
    x_labels: Any = None,
    y_labels: Any = None,
    x_name: str = "X",
    y_name: str = "Y",
) -> Explorable:
    """A joint table of two variables whose cells the reader reshapes.

    Each cell of the table ``p(x, y)`` (X indexes rows, Y columns) can be
    dragged up or down (or focused and moved with the arrow keys); the
    other cells rescale so that the table still sums to 1. A button
    replaces the table by the product of its marginals, another restores
    it. The widget shows, in bits, :math:`H(X)`, :math:`H(Y)`,
    :math:`H(X, Y)`, :math:`H(X \\mid Y)`, :math:`H(Y \\mid X)`,
    :math:`I(X; Y)` and the value of the seed's (wrong) equation (12), and
    draws the entropies as a stacked-bar information diagram.

    Parameters
    ----------
    table : array_like, shape (n_x, n_y), optional
        Initial joint probabilities, 2 to 4 rows and columns, summing to 1.
        If omitted, chapter 13's weather table (``WEATHER``), with its
        labels unless others are given.
    x_labels, y_labels : sequence of str, optional
        Names of the values of X (rows) and Y (columns); if omitted,
        "x1", "x2", ... and "y1", "y2", ...
    x_name, y_name : str, optional
        Titles of the rows and the columns.
    """
    if table is None:
        table = WEATHER
        x_labels = WEATHER_LABELS[0] if x_labels is None else x_labels
        y_labels = WEATHER_LABELS[1] if y_labels is None else y_labels
    joint_entropy(table)  # checks shape, entries and the sum
    pxy = np.asarray(table, dtype=float)
    if not (2 <= pxy.shape[0] <= 4 and 2 <= pxy.shape[1] <= 4):
        raise ValueError(
            f"table must have 2 to 4 rows and 2 to 4 columns, got shape {pxy.shape}"
        )
    n_x, n_y = pxy.shape
    return make(
        "mi_joint_table",
        {
            "table": pxy.tolist(),
            "x_labels": _labels(x_labels, n_x, "x", "x_labels"),
            "y_labels": _labels(y_labels, n_y, "y", "y_labels"),
            "x_name": str(x_name),
            "y_name": str(y_name),
        },
    )
