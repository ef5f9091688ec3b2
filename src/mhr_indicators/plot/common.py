"""Pieces every chart shares: its axes, titles, legend, interval level, source line and the
groups it draws."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from ..engine.headline import HEADLINE_COMPARISONS
from ..engine.results import Results
from ..errors import ConfigurationError
from ..vocab import GROUP_LABELS
from .data import pair_of, source_name
from .style import LINE_SPACING, SIZES, format_value, mm
from .text import line_height, wrap

#: Confidence level assumed when the results' metadata does not record one (the library's
#: default, ``compute(level=0.95)``).
DEFAULT_LEVEL = 0.95


def new_axes(ax: Axes | None, height_mm: float, width_mm: float = 160.0) -> tuple[Axes, bool]:
    """``ax`` and False, or the axes of a new figure of the given size (constrained layout)
    and True."""
    if ax is not None:
        return ax, False
    fig = plt.figure(figsize=(mm(width_mm), mm(height_mm)), layout="constrained")
    return fig.add_subplot(), True


def axes_width_pt(ax: Axes) -> float:
    """Width of an axes in points."""
    return ax.get_position().width * ax.figure.get_figwidth() * 72.0


def set_titles(ax: Axes, title: str, subtitle: list[str] | str = ()) -> None:
    """A bold title wrapped to the axes' width, with subtitle lines (8 pt) under it.

    On a figure with a layout engine, the layout is run first, so that the text is wrapped to
    the axes' final width."""
    if ax.figure.get_layout_engine() is not None:
        ax.figure.draw_without_rendering()
    width = max(axes_width_pt(ax), 120.0)
    lines: list[str] = []
    for part in [subtitle] if isinstance(subtitle, str) else subtitle:
        if part:
            lines += wrap(part, width, SIZES["text"])
    sub_height = len(lines) * line_height(SIZES["text"])
    if lines:
        ax.annotate(
            "\n".join(lines),
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 4),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=SIZES["text"],
            linespacing=LINE_SPACING,
            annotation_clip=False,
        )
    if title:
        ax.set_title(
            "\n".join(wrap(title, width, SIZES["panel"], "bold")),
            loc="left",
            fontsize=SIZES["panel"],
            fontweight="bold",
            pad=sub_height + 7,
        )


def add_legend(ax: Axes, own: bool, handles: list, labels: list[str]) -> None:
    """The legend: below the chart on a figure of our own, else inside the axes."""
    if not handles:
        return
    if own:
        ax.figure.legend(handles, labels, loc="outside lower left", ncols=2)
    else:
        ax.legend(handles, labels, loc="best")


def ci_level(res: Results) -> float:
    """The confidence level of the results' intervals (metadata ``level``, else 0.95)."""
    return float(res.metadata.get("level", DEFAULT_LEVEL))


def source_text(rows: pd.DataFrame) -> str:
    """``"source: A, B"`` from the rows' ``source`` datasets."""
    names = sorted({source_name(s) for s in rows["source"].dropna()})
    return "source: " + ", ".join(names) if names else "source not recorded"


def comparison_of(rows: pd.DataFrame, comparison: str | None = None) -> str:
    """The comparison to show: ``comparison`` if present, else the first of
    ``HEADLINE_COMPARISONS`` the rows hold."""
    present = set(rows["population"])
    if comparison is not None:
        if comparison not in present:
            raise ConfigurationError(
                f"comparison {comparison!r} is not in these results: "
                f"{', '.join(sorted(present & set(HEADLINE_COMPARISONS))) or 'none'}"
            )
        return comparison
    for kind in HEADLINE_COMPARISONS:
        if kind in present:
            return kind
    raise ConfigurationError("this indicator has no comparison (gap, ratio ...) in the results")


#: Population codes of migrant groups, in order of preference (ILO ICLS 2018 criteria).
MIGRANT_LABELS: tuple[str, ...] = tuple(m for m, _ in GROUP_LABELS.values())


def roles_of(res: Results, indicator_id: str, rows: pd.DataFrame) -> dict[str, str]:
    """``{role: population code}`` of the groups to draw: the migrant and the reference group,
    or the one group an indicator describes (role ``single``).

    A migrant label is never taken as the reference group (results of many areas may hold
    foreign-born figures for some areas and foreign-citizen figures for others); where the
    recorded migrant group is absent, the migrant label the rows hold is used."""
    pair = pair_of(res, indicator_id)
    present = set(rows["population"])
    roles = {}
    migrant = [pair.migrant] if pair.migrant in present else []
    migrant += [m for m in MIGRANT_LABELS if m in present]
    if migrant:
        roles["migrant"] = migrant[0]
    if pair.reference in present and pair.reference not in MIGRANT_LABELS:
        roles["reference"] = pair.reference
    if not roles:
        single = [p for p in present if p not in HEADLINE_COMPARISONS and p != "not_stated_share"]
        if single:
            roles["single"] = sorted(single)[0]
    return roles


def interval_text(row: pd.Series, unit: str, *, signed: bool = True) -> str:
    """``"-5.3 pp (-8.1 to -2.5)"``: a value and its interval, in its unit."""
    value = format_value(row["value"], unit, signed=signed)
    if pd.notna(row.get("ci_lower")) and pd.notna(row.get("ci_upper")):
        lo = format_value(row["ci_lower"], unit, signed=signed, suffix=False)
        hi = format_value(row["ci_upper"], unit, signed=signed, suffix=False)
        return f"{value} ({lo} to {hi})"
    return value


__all__ = [
    "DEFAULT_LEVEL",
    "MIGRANT_LABELS",
    "add_legend",
    "axes_width_pt",
    "ci_level",
    "comparison_of",
    "interval_text",
    "new_axes",
    "roles_of",
    "set_titles",
    "source_text",
]
