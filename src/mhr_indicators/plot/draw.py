"""Drawing one estimate: a dot with its interval, hollow when flagged, never when suppressed.

Every artist that stands for a cell of the results table carries a ``gid`` naming the cell
(:func:`cell_gid`), so that tests and users can find what was drawn for which row: ``estimate|``
for a drawn estimate, ``suppressed|`` for the printed word "suppressed", ``nodata|`` for a "no
data" label.
"""

from __future__ import annotations

import matplotlib.transforms as mtransforms
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Text

from ..vocab import DIMENSIONS, OPTIONAL_DIMENSIONS
from .style import (
    FLAG_MEANINGS,
    MUTED_COLOUR,
    NEUTRAL_COLOUR,
    SIZES,
    SUPPRESSED_MEANING,
    estimate_style,
)

_KEY = ["indicator_id", "population", "ref_area", "time_period", *DIMENSIONS]


def cell_gid(kind: str, row: pd.Series | dict) -> str:
    """``kind|indicator|population|area|period|sex|age|sector|legal status`` of a row, then
    the optional dimensions the row has (``|disability|...``)."""
    extra = [c for c in OPTIONAL_DIMENSIONS if c in row]
    return "|".join([kind, *(str(row.get(c, "")) for c in (*_KEY, *extra))])


def is_flagged(row: pd.Series | dict) -> bool:
    """True for a published estimate with a reliability flag (drawn hollow)."""
    flag = str(row.get("flag") or "")
    return bool(flag) and flag != "X" and not bool(row.get("suppressed", False))


def is_drawable(row: pd.Series | dict) -> bool:
    """True when the row has a published value: not suppressed and not missing."""
    value = row.get("value")
    return not bool(row.get("suppressed", False)) and value is not None and pd.notna(value)


def plot_estimate(
    ax: Axes, row: pd.Series | dict, pos: float, role: str, *, vertical: bool = False
) -> list:
    """Draw one estimate at category position ``pos``: a marker and its interval.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    row : pandas.Series or dict
        A row of the results table (``value``, ``ci_lower``, ``ci_upper``, ``flag``,
        ``suppressed`` and the cell's keys).
    pos : float
        Position on the category axis.
    role : {"migrant", "reference", "comparison", "single"}
        Decides the colour and the marker (:func:`~mhr_indicators.plot.style.estimate_style`).
    vertical : bool
        Values on the y axis (categories on x) instead of on the x axis.

    Returns
    -------
    list
        The artists drawn; empty for a suppressed or missing value (nothing is drawn).
    """
    if not is_drawable(row):
        return []
    value = float(row["value"])
    lo, hi = row.get("ci_lower"), row.get("ci_upper")
    err = None
    if lo is not None and hi is not None and pd.notna(lo) and pd.notna(hi):
        err = np.array([[max(value - float(lo), 0.0)], [max(float(hi) - value, 0.0)]])
    flagged = is_flagged(row)
    kw = estimate_style(role, flagged)
    if vertical:
        container = ax.errorbar([pos], [value], yerr=err, **kw)
    else:
        container = ax.errorbar([value], [pos], xerr=err, **kw)
    gid = cell_gid("estimate", row)
    artists = [container.lines[0], *container.lines[2]]
    for artist in artists:
        artist.set_gid(gid)
        if flagged and artist is not container.lines[0]:
            artist.set_linestyle((0, (2, 1.5)))
    return artists


def row_label(
    ax: Axes, pos: float, text: str, kind: str, row: pd.Series | dict, *, x: float = 0.01
) -> Text:
    """Print ``text`` ("suppressed", "no data") inside the axes on the category row ``pos``
    (values on the x axis), at ``x`` in axes fraction; its gid is ``kind|<cell>``."""
    transform = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    t = ax.text(
        x,
        pos,
        text,
        transform=transform,
        ha="left",
        va="center",
        fontsize=SIZES["text"],
        fontstyle="italic",
        color=MUTED_COLOUR,
    )
    t.set_gid(cell_gid(kind, row))
    return t


def legend_entries(
    groups: dict[str, str],
    *,
    flags: set[str] | frozenset[str] = frozenset(),
    level: float | None = 0.95,
    suppressed: bool = False,
) -> tuple[list, list[str]]:
    """Handles and labels of a legend: the groups (by role), the interval with its level, the
    hollow style of each flag used, and what "suppressed" means.

    Parameters
    ----------
    groups : dict
        ``{role: readable group name}``, roles as for :func:`plot_estimate`.
    flags : set of str
        Flags present among the drawn estimates (``U``, ``R``, ``N``, ``D``).
    level : float, optional
        Confidence level of the intervals; None when no interval is drawn.
    suppressed : bool
        Add the meaning of "suppressed" (a text entry without a marker).
    """
    handles: list = []
    labels: list[str] = []
    for role, name in groups.items():
        kw = estimate_style(role, flagged=False)
        handles.append(
            Line2D(
                [],
                [],
                marker=kw["fmt"],
                linestyle="none",
                color=kw["color"],
                markerfacecolor=kw["markerfacecolor"],
                markersize=kw["markersize"],
            )
        )
        labels.append(name)
    if level is not None:
        handles.append(Line2D([], [], color=NEUTRAL_COLOUR, linewidth=1.0))
        labels.append(f"{level:.0%} confidence interval")
    for flag in sorted(set(flags) & set(FLAG_MEANINGS)):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color=MUTED_COLOUR,
                markerfacecolor="white",
                linestyle=(0, (2, 1.5)),
                markersize=5.0,
            )
        )
        labels.append(f"hollow ({flag}): {FLAG_MEANINGS[flag]}")
    if suppressed:
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(f'"suppressed": {SUPPRESSED_MEANING}')
    return handles, labels


__all__ = [
    "cell_gid",
    "is_drawable",
    "is_flagged",
    "legend_entries",
    "plot_estimate",
    "row_label",
]
