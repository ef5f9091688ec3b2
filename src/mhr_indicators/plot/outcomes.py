"""The outcomes panel of a profile: migrant vs reference group for the headline indicators.

A dot-and-line ("dumbbell") row per indicator, grouped by right: the migrant group (circle) and
the reference group (square) with their intervals, joined by a line; the gap printed in its unit
with the interval of the contrast, and what it means given the indicator's direction
(``higher_is_better``). One axis per unit: percent indicators share one axis, earnings get their
own, and so on — percent, percentage points and ratios never share an axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.transforms as mtransforms
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from ..catalogue.load import Catalogue
from ..errors import ConfigurationError
from .common import comparison_of, interval_text, roles_of
from .data import (
    catalogue_entry,
    direction_note,
    group_name,
    indicator_name,
    latest_period,
    right_name,
    right_order,
    source_name,
    total_cell,
)
from .draw import cell_gid, is_drawable, plot_estimate
from .page import PT_PER_MM, Box, Page
from .style import MUTED_COLOUR, RULE_COLOUR, SIZES, unit_label
from .text import line_height, text_width, wrap

#: Widths of the panel's columns (mm): labels, chart, gap text (the rest is spacing).
LABEL_MM, GAP_MM, SPACE_MM = 74.0, 46.0, 3.0
_PAD_PT = 2.0
_AXIS_PT = 27.0  # tick labels and axis title below each chart


@dataclass
class Outcome:
    """One indicator's row: its groups and comparison for one area and period."""

    indicator_id: str
    right: str
    name: str
    note: str
    unit: str
    period: str
    source: str
    migrant: pd.Series | None
    reference: pd.Series | None
    gap: pd.Series | None
    higher_is_better: bool | None


def outcome_rows(
    res, area: str, ids: list[str], time_period: str | None, catalogue: Catalogue | None
) -> tuple[list[Outcome], list[str]]:
    """The rows to draw (in the catalogue's order of rights), and the ids without data."""
    t = res.table
    t = t[(t["ref_area"] == area) & total_cell(t) & t["indicator_id"].isin(ids)]
    found: list[Outcome] = []
    missing: list[str] = []
    for ind in ids:
        rows = t[t["indicator_id"] == ind]
        period = str(time_period) if time_period is not None else None
        if period is None or period not in set(rows["time_period"]):
            period = latest_period(rows["time_period"]) if time_period is None else None
        rows = rows[rows["time_period"] == period]
        roles = roles_of(res, ind, rows)
        if rows.empty or not roles:
            missing.append(ind)
            continue
        spec = catalogue_entry(ind, catalogue)

        def pick(code: str | None, rows=rows) -> pd.Series | None:
            chosen = rows[rows["population"] == code]
            return chosen.iloc[0] if len(chosen) else None

        try:
            gap = pick(comparison_of(rows, "gap" if "gap" in set(rows["population"]) else None))
        except ConfigurationError:
            gap = None
        first = pick(roles.get("migrant", roles.get("single")))
        found.append(
            Outcome(
                indicator_id=ind,
                right=str(rows["right"].iloc[0]),
                name=indicator_name(ind, catalogue),
                note=direction_note(spec),
                unit=str(first["unit"] if first is not None else rows["unit"].iloc[0]),
                period=str(period),
                source=source_name(rows["source"].iloc[0]),
                migrant=first,
                reference=pick(roles.get("reference")),
                gap=gap,
                higher_is_better=None if spec is None else spec.higher_is_better,
            )
        )
    order = {r: i for i, r in enumerate(right_order(catalogue))}
    found.sort(key=lambda o: order.get(o.right, len(order)))
    return found, missing


def _verdict(o: Outcome) -> list[str]:
    """The gap column: the gap and its interval, and what it says."""
    migrant = group_name(o.migrant["population"]) if o.migrant is not None else "migrants"
    for side in (o.migrant, o.reference):
        if side is not None and side["suppressed"]:
            return [f"{group_name(side['population'])}: suppressed", "gap not published"]
    g = o.gap
    if g is None:
        return ["no comparison group" if o.reference is None else "no gap in the results", ""]
    if g["suppressed"] or pd.isna(g["value"]):
        return ["gap: suppressed" if g["suppressed"] else "gap: no data", ""]
    text = interval_text(g, str(g["unit"]))
    if pd.isna(g["ci_lower"]) or pd.isna(g["ci_upper"]):
        return [text, "interval unknown"]
    null = 1.0 if g["population"] == "ratio" else 0.0
    if g["ci_lower"] <= null <= g["ci_upper"]:
        return [text, "no clear difference"]
    higher = g["value"] > null
    words = f"{migrant} {'higher' if higher else 'lower'}"
    if o.higher_is_better is not None:
        words += ": worse off" if higher != o.higher_is_better else ": better off"
    return [text, words]


def _prefix_width(prefix: str) -> float:
    """Room (points) the bold right name takes on a label's first line, with a space after."""
    if not prefix:
        return 0.0
    return text_width(prefix.strip(), SIZES["text"], "bold") + text_width("x", SIZES["text"])


def _label_lines(o: Outcome, first_in_group: bool, width_pt: float) -> tuple[str, list[str]]:
    """(bold right prefix or "", the label's lines)."""
    prefix = f"{right_name(o.right)}: " if first_in_group else ""
    label = f"{o.name} ({o.note})" if o.note else o.name
    indent = _prefix_width(prefix)
    first = wrap(label, width_pt - indent, SIZES["text"])
    lines = [first[0]]
    rest = " ".join(first[1:])
    if rest:
        lines += wrap(rest, width_pt, SIZES["text"])
    return prefix, lines


def _limits(items: list[Outcome]) -> tuple[float, float]:
    values = []
    for o in items:
        for side in (o.migrant, o.reference):
            if side is not None and is_drawable(side):
                values += [side["value"], side.get("ci_lower"), side.get("ci_upper")]
    values = [float(v) for v in values if v is not None and pd.notna(v)]
    if not values:
        return 0.0, 1.0
    lo, hi = min(min(values), 0.0), max(values)
    if items[0].unit == "percent":
        return lo, min(100.0, hi * 1.08) if hi > 0 else 1.0
    span = hi - lo or 1.0
    return lo - 0.02 * span, hi + 0.08 * span


def _annotate(ax: Axes, text: str, x_pt: float, y_pt: float, **kw) -> None:
    """Text at ``x_pt`` points from the axes' left edge, ``y_pt`` in the axes' data (points
    from its top)."""
    transform = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    t = ax.annotate(
        text,
        xy=(0, y_pt),
        xycoords=transform,
        xytext=(x_pt, 0),
        textcoords="offset points",
        va="center",
        fontsize=SIZES["text"],
        annotation_clip=False,
        **{k: v for k, v in kw.items() if k != "gid"},
    )
    if kw.get("gid"):
        t.set_gid(kw["gid"])


def _gap_lines(o: Outcome) -> list[tuple[str, bool]]:
    """The gap column's lines, wrapped to its width: (text, True for the gap and its
    interval, False for what it says)."""
    width = GAP_MM * PT_PER_MM
    first, second = _verdict(o)
    lines = [(t, True) for t in wrap(first, width, SIZES["text"])]
    if second:
        lines += [(t, False) for t in wrap(second, width, SIZES["text"], "normal")]
    return lines


def _draw_label(ax: Axes, centre: float, prefix: str, lines: list[str]) -> None:
    label_x = -(LABEL_MM + SPACE_MM) * PT_PER_MM
    lh = line_height(SIZES["text"])
    y0 = centre - (len(lines) - 1) * lh / 2
    if prefix:
        _annotate(ax, prefix.strip(), label_x, y0, fontweight="bold")
    for i, line in enumerate(lines):
        x = label_x + (_prefix_width(prefix) if i == 0 else 0.0)
        _annotate(ax, line, x, y0 + i * lh)


def _draw_dumbbell(ax: Axes, o: Outcome, centre: float) -> None:
    """The two groups' dots and intervals, a little apart, joined by a line."""
    sides = [(o.migrant, "migrant", -2.5), (o.reference, "reference", 2.5)]
    drawn = [s["value"] for s, _, _ in sides if s is not None and is_drawable(s)]
    if len(drawn) == 2:
        ax.plot(drawn, [centre, centre], color=RULE_COLOUR, linewidth=1.6, zorder=1)
    for side, role, dy in sides:
        if side is not None:
            plot_estimate(ax, side, centre + dy, role if o.reference is not None else "migrant")


def _draw_gap(ax: Axes, o: Outcome, centre: float, lines: list[tuple[str, bool]]) -> None:
    axes_pt = ax.get_position().width * ax.figure.get_figwidth() * 72.0
    gap_x = axes_pt + SPACE_MM * PT_PER_MM
    lh = line_height(SIZES["text"])
    y1 = centre - (len(lines) - 1) * lh / 2
    withheld = next(
        (s for s in (o.migrant, o.reference, o.gap) if s is not None and s["suppressed"]), None
    )
    for i, (line, main) in enumerate(lines):
        suppressed = "suppressed" in line and withheld is not None
        _annotate(
            ax,
            line,
            gap_x,
            y1 + i * lh,
            color="black" if main else MUTED_COLOUR,
            fontstyle="italic" if suppressed or not main else "normal",
            gid=cell_gid("suppressed", withheld) if suppressed else None,
        )


def _group_by_unit(items: list[Outcome]) -> list[list[Outcome]]:
    units: dict[str, list[Outcome]] = {}
    for o in items:
        units.setdefault(o.unit, []).append(o)
    return sorted(units.values(), key=lambda g: (g[0].unit != "percent", -len(g)))


def _layout(items: list[Outcome]) -> list[tuple[list, float]]:
    """Per unit: its rows (outcome, top, height, prefix, label lines, gap lines) and the
    height of its axes, in points."""
    out = []
    for group in _group_by_unit(items):
        rows, total, previous = [], 0.0, None
        for o in group:
            prefix, lines = _label_lines(o, o.right != previous, LABEL_MM * PT_PER_MM)
            gap = _gap_lines(o)
            height = max(len(lines), len(gap), 2) * line_height(SIZES["text"]) + _PAD_PT
            rows.append((o, total, height, prefix, lines, gap))
            total += height
            previous = o.right
        out.append((rows, total))
    return out


def outcomes_height(items: list[Outcome]) -> float:
    """Height (mm) :func:`draw_outcomes` uses for these rows."""
    return sum(total + _AXIS_PT for _, total in _layout(items)) / PT_PER_MM


def draw_outcomes(page: Page, box: Box, items: list[Outcome]) -> float:
    """Draw the outcome rows at ``box`` (the full content width), one axes per unit; returns
    the height used (mm). The label and gap columns are drawn outside each axes, in its row."""
    chart_width = box.width - LABEL_MM - GAP_MM - 2 * SPACE_MM
    chart = Box(box.left + LABEL_MM + SPACE_MM, box.top, chart_width)
    used = 0.0
    for rows, total in _layout(items):
        group = [r[0] for r in rows]
        at = Box(chart.left, box.top + used, chart.width)
        ax = page.axes(at, total / PT_PER_MM, f"panel:outcomes:{group[0].unit}")
        ax.set_ylim(total, 0)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xlim(*_limits(group))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        ax.grid(axis="x")
        ax.set_xlabel(f"{unit_label(group[0].unit)} of each group")
        left = -(LABEL_MM + SPACE_MM) / chart.width
        right = 1 + (SPACE_MM + GAP_MM) / chart.width
        blend = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
        for o, top, height, prefix, lines, gap in rows:
            if prefix and top > 0:  # a rule between rights, across the three columns
                ax.plot(
                    [left, right],
                    [top, top],
                    transform=blend,
                    color="#BBBBBB",
                    linewidth=0.5,
                    clip_on=False,
                    zorder=0,
                )
            centre = top + height / 2
            _draw_label(ax, centre, prefix, lines)
            _draw_dumbbell(ax, o, centre)
            _draw_gap(ax, o, centre, gap)
        used += total / PT_PER_MM + _AXIS_PT / PT_PER_MM
    return used


__all__ = ["GAP_MM", "LABEL_MM", "Outcome", "draw_outcomes", "outcome_rows", "outcomes_height"]
