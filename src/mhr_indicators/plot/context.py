"""The context panel of a profile: the migrant population over time.

The migrant stock as a percentage of the population (and, on a wide panel, women and refugees
as percentages of migrants) as small trend charts, with the data type printed — foreign-born or
foreign citizens, and that whether refugees were added or figures imputed is not recorded in
the results — the source, and the latest values in words.
"""

from __future__ import annotations

import pandas as pd

from .common import roles_of
from .data import (
    CRITERIA,
    format_period_range,
    group_name,
    period_key,
    source_name,
    total_cell,
)
from .draw import is_drawable, plot_estimate
from .page import PT_PER_MM, Box, Page, Paragraph
from .style import FLAG_MEANINGS, MUTED_COLOUR, SIZES, format_value, unit_label
from .text import line_height, wrap

#: Context indicators drawn as small charts: id -> chart title.
CONTEXT_CHARTS: dict[str, str] = {
    "CONTEXT.O.STOCK_PCT": "Migrant stock, % of the population",
    "CONTEXT.O.FEMALE_SHARE": "Women, % of migrants",
    "CONTEXT.O.REFUGEE_SHARE": "Refugees and asylum seekers, % of migrants",
}
#: How many of them a narrow (half-page) context panel shows.
NARROW_CHARTS = 1
#: Fewer periods than this are given in words, not drawn as a trend.
MIN_TREND_POINTS = 3
_AXIS_MM = 12.0  # tick labels and axis title left of a small chart


def _series(res, area: str, indicator_id: str) -> tuple[pd.DataFrame, str | None]:
    """Total-cell rows of a context indicator for the area's migrant group, by period."""
    t = res.table
    rows = t[(t["indicator_id"] == indicator_id) & (t["ref_area"] == area) & total_cell(t)]
    roles = roles_of(res, indicator_id, rows)
    code = roles.get("migrant", roles.get("single"))
    rows = rows[rows["population"] == code]
    return rows.sort_values("time_period", key=lambda s: s.map(period_key)), code


def _mini_chart(page: Page, box: Box, height: float, rows: pd.DataFrame, title: str, gid: str):
    """A small trend: dots joined by a line, years on the x axis, the unit on the y axis."""
    ax = page.axes(box, height, gid)
    periods = [str(p) for p in rows["time_period"]]
    numeric = all(p.isdigit() for p in periods)
    xs = [float(p) if numeric else i for i, p in enumerate(periods)]
    ys = [float(r["value"]) if is_drawable(r) else float("nan") for _, r in rows.iterrows()]
    ax.plot(xs, ys, color="#0072B2", linewidth=1.0, zorder=1)
    for x, (_, row) in zip(xs, rows.iterrows(), strict=True):
        plot_estimate(ax, row, x, "migrant", vertical=True)
    if numeric:
        ax.set_xticks(_year_ticks(xs), [f"{y:.0f}" for y in _year_ticks(xs)])
        span = max(xs) - min(xs) or 2.0
        ax.set_xlim(min(xs) - 0.12 * span, max(xs) + 0.12 * span)
    else:
        ax.set_xticks(xs, periods)
    top = max([v for v in ys if v == v] or [1.0])
    ax.set_ylim(0, top * 1.15 if top > 0 else 1.0)
    unit = str(rows["unit"].iloc[0])
    ax.set_ylabel(unit_label(unit))
    ax.grid(axis="y")
    shift = -_AXIS_MM / box.width  # the title starts above the axis labels
    lines = wrap(title, (box.width + _AXIS_MM) * PT_PER_MM, SIZES["text"], "bold")
    ax.set_title(
        "\n".join(lines), fontsize=SIZES["text"], fontweight="bold", loc="left", pad=4, x=shift
    )
    return ax


def _year_ticks(xs: list[float]) -> list[float]:
    """The years themselves when few, else every 10th (or 5th) year in the range."""
    if len(xs) <= 3:
        return sorted(xs)
    lo, hi = min(xs), max(xs)
    step = 10 if hi - lo > 20 else 5
    first = int(-(-lo // step) * step)
    return [float(y) for y in range(first, int(hi) + 1, step)] or [lo, hi]


def draw_context(
    page: Page, box: Box, res, area: str, height: float, *, wide: bool = False
) -> float:
    """The context panel at ``box``: title, small charts (the migrant stock; with ``wide``,
    also women and refugees among migrants) ``height`` mm tall in all, notes with the data
    type, the source and the values not charted, in words. A series of fewer than
    :data:`MIN_TREND_POINTS` periods is given in words only. Returns the height used (mm)."""
    title = Paragraph("Context: the migrant population", SIZES["panel"], "bold", after=2)
    series = {i: _series(res, area, i) for i in CONTEXT_CHARTS}
    series = {i: v for i, v in series.items() if not v[0].empty}
    drawable = {i: int(r.apply(is_drawable, axis=1).sum()) for i, (r, _) in series.items()}
    trends = [i for i in series if drawable[i] >= MIN_TREND_POINTS]
    ids = trends[: None if wide else NARROW_CHARTS]
    notes = _context_notes(series, charted=ids)
    note_h = sum(len(wrap(n.text, box.width_pt, n.size)) * line_height(n.size) for n in notes)
    head = page.text_panel(box, [title], "panel:context")
    if not ids:
        empty = [Paragraph("No migrant-stock data in these results.", color=MUTED_COLOUR)]
        return head + page.text_panel(
            Box(box.left, box.top + head, box.width),
            [*([] if series else empty), *notes],
            "panel:context:notes",
        )
    gap, axis = 10.0, _AXIS_MM
    width = (box.width - axis - gap * (len(ids) - 1)) / len(ids)
    title_pt = max(
        len(wrap(CONTEXT_CHARTS[i], (width + axis) * PT_PER_MM, SIZES["text"], "bold")) for i in ids
    ) * line_height(SIZES["text"])
    top = box.top + head + (title_pt + 5) / PT_PER_MM  # the charts' titles above them
    chart_h = height - (top - box.top) - 7 - note_h / PT_PER_MM - 1
    for i, ind in enumerate(ids):
        at = Box(box.left + axis + i * (width + gap), top, width)
        _mini_chart(page, at, chart_h, series[ind][0], CONTEXT_CHARTS[ind], f"panel:context:{ind}")
    notes_box = Box(box.left, top + chart_h + 7, box.width)
    page.text_panel(notes_box, notes, "panel:context:notes")
    return height


_IN_WORDS = {
    "CONTEXT.O.STOCK_PCT": "migrants about {} of the population",
    "CONTEXT.O.FEMALE_SHARE": "women about {} of migrants",
    "CONTEXT.O.REFUGEE_SHARE": "refugees and asylum seekers about {} of migrants",
}


def _context_notes(series: dict, charted: list[str]) -> list[Paragraph]:
    """The data type and source; the latest value of each context indicator not charted, in
    words."""
    out: list[Paragraph] = []
    codes = {code for _, code in series.values() if code}
    rows = pd.concat([r for r, _ in series.values()]) if series else pd.DataFrame()
    if codes:
        kinds = ", ".join(f"{group_name(c)} (by {CRITERIA.get(c, 'group')})" for c in codes)
        names = ", ".join(sorted({source_name(s) for s in rows["source"].dropna()}))
        span = format_period_range(rows["time_period"])
        out.append(
            Paragraph(
                f"Data type: {kinds}; refugees added, imputed: not recorded. "
                f"Source: {names} ({span}).",
                color=MUTED_COLOUR,
            )
        )
    words: list[tuple[str, str]] = []
    for ind, (found, _) in series.items():
        if ind in charted:
            continue
        found = found[found.apply(is_drawable, axis=1)]
        if len(found) > 1 and ind == "CONTEXT.O.STOCK_PCT":  # the short series, in words
            values = [
                f"{format_value(v, u)} in {p}"
                for v, u, p in found[["value", "unit", "time_period"]].itertuples(index=False)
            ]
            words.append((_IN_WORDS[ind].format(", ".join(values)), ""))
        elif len(found):
            row = found.iloc[-1]
            words.append(
                (
                    _IN_WORDS[ind].format(format_value(row["value"], row["unit"])),
                    str(row["time_period"]),
                )
            )
    years = {y for _, y in words if y}
    if len(years) == 1 and all(y for _, y in words):
        out.append(Paragraph(f"In {years.pop()}: " + "; ".join(w for w, _ in words) + "."))
    elif words:
        text = "; ".join(f"{w} ({y})" if y else w for w, y in words)
        out.append(Paragraph(text[:1].upper() + text[1:] + "."))
    withheld = _withheld(series)
    if withheld:
        out.append(Paragraph(withheld, color=MUTED_COLOUR))
    return out


def _withheld(series: dict) -> str:
    """ "Suppressed (not drawn): ..." naming each series' withheld periods and their flags."""
    parts, empty = [], []
    for ind, (found, _) in series.items():
        name = CONTEXT_CHARTS.get(ind, ind).split(",")[0].lower()
        if not found.apply(is_drawable, axis=1).any() and not found["suppressed"].any():
            empty.append(name)
        gone = found[found["suppressed"]]
        if len(gone):
            flags = sorted({f for f in gone["flag"] if f and f != "X"})
            why = (
                f" (flag {', '.join(flags)}: {FLAG_MEANINGS[flags[0]]})"
                if flags and flags[0] in FLAG_MEANINGS
                else ""
            )
            parts.append(f"{name} {format_period_range(gone['time_period'])}{why}")
    text = ("Suppressed (not drawn): " + "; ".join(parts) + ". ") if parts else ""
    text += ("No data: " + "; ".join(empty) + ".") if empty else ""
    return text.strip()


__all__ = ["CONTEXT_CHARTS", "draw_context"]
