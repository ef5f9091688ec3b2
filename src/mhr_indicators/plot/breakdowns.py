"""The breakdowns panel of a profile: small multiples by sex, age group and legal status.

A block of small charts per indicator (the headline indicators with the most published cells),
one chart per dimension; categories in their natural order on the x axis, the migrant group
(circle) beside the reference group (square) in each, with their intervals. The charts of an
indicator share one value range. Suppressed cells are not drawn: the indicator's title lists
them. Two indicators sit side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..vocab import TOTAL, table_dimensions
from .data import DIMENSION_NAMES, category_label, category_order, group_name
from .draw import is_drawable, plot_estimate
from .outcomes import Outcome
from .page import PT_PER_MM, Box, Page, Paragraph, paragraphs_height
from .style import MUTED_COLOUR, SIZES, unit_label
from .text import line_height, text_width

#: Dimensions shown, in this order, where the results break an indicator down by them.
BREAKDOWN_DIMENSIONS: tuple[str, ...] = ("sex", "age_group", "legal_status")
_DODGE = 0.2
_Y_AXIS_MM = 11.0  # tick labels and axis title left of each chart
_X_AXIS_MM = 4.5  # tick labels below each chart
_HEAD_MM = 4.0  # the dimension name above each chart
_BLOCK_GAP_MM = 6.0  # between two indicators side by side


@dataclass
class Breakdown:
    """An indicator's cells by each dimension: ``{dimension: rows}`` (migrant and reference
    rows, other dimensions at their total)."""

    outcome: Outcome
    cells: dict[str, pd.DataFrame]

    @property
    def drawable(self) -> int:
        """Number of published (drawable) cells."""
        return sum(int(r.apply(is_drawable, axis=1).sum()) for r in self.cells.values())


def choose_breakdowns(res, area: str, outcomes: list[Outcome], n: int) -> list[Breakdown]:
    """The ``n`` outcomes with the most published cells by sex, age group and legal status,
    in the outcomes' order."""
    t = res.table
    t = t[t["ref_area"] == area]
    found = []
    for o in outcomes:
        groups = [s["population"] for s in (o.migrant, o.reference) if s is not None]
        rows = t[
            (t["indicator_id"] == o.indicator_id)
            & (t["time_period"] == o.period)
            & t["population"].isin(groups)
        ]
        cells = {}
        for dim in BREAKDOWN_DIMENSIONS:
            others = [d for d in table_dimensions(rows.columns) if d != dim]
            keep = (rows[others] == TOTAL).all(axis=1) & ~rows[dim].isin([TOTAL, "_Z"])
            if keep.any():
                cells[dim] = rows[keep]
        if cells:
            found.append(Breakdown(o, cells))
    best = sorted(found, key=lambda b: -b.drawable)[:n]
    best = [b for b in best if b.drawable > 0]
    return [b for b in found if b in best]


def _suppressed_note(b: Breakdown) -> str:
    names = []
    for dim, rows in b.cells.items():
        for _, row in rows[rows["suppressed"]].iterrows():
            names.append(f"{group_name(row['population'])} {category_label(dim, row[dim])}")
    return ("Suppressed (not drawn): " + ", ".join(names) + ".") if names else ""


def _row_limits(b: Breakdown) -> tuple[float, float]:
    values = []
    for rows in b.cells.values():
        ok = rows[rows.apply(is_drawable, axis=1)]
        values += list(ok["value"]) + list(ok["ci_lower"].dropna()) + list(ok["ci_upper"].dropna())
    if not values:
        return 0.0, 1.0
    lo, hi = min(0.0, float(np.min(values))), float(np.max(values))
    return lo, hi + 0.08 * ((hi - lo) or 1.0)


@dataclass(frozen=True)
class _Chart:
    """One small chart of a block: its dimension, categories, labels, width (mm) and whether
    its tick labels stand upright (rotated) to fit."""

    dim: str
    cats: list[str]
    labels: list[str]
    width: float
    rotated: bool

    @property
    def axis_mm(self) -> float:
        """Room below the chart for its tick labels (mm)."""
        size = SIZES["tick"]
        if self.rotated:
            return max(text_width(s, size) for s in self.labels) / PT_PER_MM + 1.5
        lines = max(s.count("\n") + 1 for s in self.labels)
        return lines * line_height(size) / PT_PER_MM + 2.0


def _charts(b: Breakdown, width_mm: float) -> list[_Chart]:
    """The charts of a block ``width_mm`` wide: each at least as wide as its labels need
    upright, the rest shared by number of categories; labels that still do not fit are
    rotated."""
    cats = {d: category_order(d, [str(c) for c in r[d].unique()]) for d, r in b.cells.items()}
    labels, need = {}, {}
    for dim, codes in cats.items():
        texts = [category_label(dim, c) for c in codes]
        labels[dim] = [t.replace(" ", "\n", 1) if len(t) > 10 else t for t in texts]
        widest = max(max(text_width(x, SIZES["tick"]) for x in t.split("\n")) for t in labels[dim])
        need[dim] = widest * len(codes) / 0.85 / PT_PER_MM
    free = width_mm - len(cats) * (_Y_AXIS_MM + 2)
    fits = {
        d
        for d in cats
        if need[d] <= free * (len(cats[d]) + 0.8) / sum(len(c) + 0.8 for c in cats.values())
    }
    small = {d for d in cats if len(cats[d]) <= 3}  # a few long labels: keep them upright
    fixed = {d: need[d] for d in small if d not in fits}
    rest = free - sum(fixed.values())
    weights = {d: len(c) + 0.8 for d, c in cats.items() if d not in fixed}
    out = []
    for dim, codes in cats.items():
        width = fixed.get(dim) or rest * weights[dim] / sum(weights.values())
        rotated = need[dim] > width + 1e-9
        texts = [t.replace("\n", " ") for t in labels[dim]] if rotated else labels[dim]
        out.append(_Chart(dim, codes, texts, width, rotated))
    return out


def _draw_chart(ax, b: Breakdown, chart: _Chart, roles: dict[str, str]) -> None:
    rows = b.cells[chart.dim]
    for x, code in enumerate(chart.cats):
        for role, population in roles.items():
            found = rows[(rows[chart.dim] == code) & (rows["population"] == population)]
            if len(found):
                dx = -_DODGE if role == "migrant" else _DODGE
                plot_estimate(ax, found.iloc[0], x + dx, role, vertical=True)
    ax.set_xticks(range(len(chart.cats)), chart.labels, rotation=90 if chart.rotated else 0)
    ax.set_xlim(-0.6, len(chart.cats) - 0.4)
    ax.grid(axis="y")


def _grid(chosen: list[Breakdown], per_row: int) -> list[list[Breakdown]]:
    return [chosen[i : i + per_row] for i in range(0, len(chosen), per_row)]


def _block_width(width_mm: float, per_row: int) -> float:
    return (width_mm - _BLOCK_GAP_MM * (per_row - 1)) / per_row


def _row_heights(row: list[Breakdown], block_mm: float) -> tuple[float, float]:
    """(title height, tick-label room) of a row of blocks, in mm."""
    head = max(paragraphs_height(_row_head(b), block_mm * PT_PER_MM) for b in row) / PT_PER_MM
    axis = max(c.axis_mm for b in row for c in _charts(b, block_mm))
    return head, axis


def breakdowns_height(
    chosen: list[Breakdown], width_mm: float, chart_mm: float, per_row: int = 2
) -> float:
    """Height (mm) :func:`draw_breakdowns` uses for these indicators with charts ``chart_mm``
    tall, ``per_row`` indicators side by side."""
    block = _block_width(width_mm, per_row)
    total = 0.0
    for row in _grid(chosen, per_row):
        head, axis = _row_heights(row, block)
        total += head + _HEAD_MM + chart_mm + axis
    return total


def _row_head(b: Breakdown) -> list[Paragraph]:
    o = b.outcome
    head = f"{o.name} ({o.note})" if o.note else o.name
    note = _suppressed_note(b)
    out = [Paragraph(head, weight="bold")]
    if note:
        out.append(Paragraph(note, color=MUTED_COLOUR))
    return out


def _draw_block(page: Page, box: Box, b: Breakdown, head_mm: float, chart_mm: float) -> None:
    """One indicator: its title, then one chart per dimension, sharing one value range."""
    page.text_panel(box, _row_head(b), f"panel:breakdowns:{b.outcome.indicator_id}")
    lo, hi = _row_limits(b)
    roles = {"migrant": b.outcome.migrant["population"]}
    if b.outcome.reference is not None:
        roles["reference"] = b.outcome.reference["population"]
    left, top = box.left, box.top + head_mm + _HEAD_MM
    for chart in _charts(b, box.width):
        left += _Y_AXIS_MM
        gid = f"panel:breakdowns:{b.outcome.indicator_id}:{chart.dim}"
        ax = page.axes(Box(left, top, chart.width), chart_mm, gid)
        _draw_chart(ax, b, chart, roles)
        ax.set_ylim(lo, hi)
        ax.set_ylabel(unit_label(b.outcome.unit))
        name = f"By {DIMENSION_NAMES[chart.dim].lower()}"
        ax.set_title(name, fontsize=SIZES["text"], loc="left", pad=3)
        left += chart.width + 2


def draw_breakdowns(
    page: Page, box: Box, chosen: list[Breakdown], chart_mm: float, per_row: int = 2
) -> float:
    """Draw the indicators' small multiples at ``box``, ``per_row`` side by side; returns
    the height used (mm)."""
    used = 0.0
    block = _block_width(box.width, per_row)
    for row in _grid(chosen, per_row):
        head, axis = _row_heights(row, block)
        for i, b in enumerate(row):
            at = Box(box.left + i * (block + _BLOCK_GAP_MM), box.top + used, block)
            _draw_block(page, at, b, head, chart_mm)
        used += head + _HEAD_MM + chart_mm + axis
    return used


__all__ = [
    "BREAKDOWN_DIMENSIONS",
    "Breakdown",
    "breakdowns_height",
    "choose_breakdowns",
    "draw_breakdowns",
]
