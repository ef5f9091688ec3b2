"""Single charts for notebooks and reports: a gap, a trend, and an indicator broken down by one
dimension (the comparison across areas is in ``plot/compare.py``).

Each function takes a :class:`~mhr_indicators.Results` (or a results table, or the path of a
results file), draws on ``ax`` when given (else on a new figure sized for a report), and returns
the :class:`~matplotlib.axes.Axes`. Every chart: titles its value axis with the unit (percent,
percentage points and ratios never share an axis), shows each sample estimate's interval and
its level in the legend, draws flagged estimates hollow with a dashed interval, prints
"suppressed" instead of drawing a withheld value, and wraps long indicator names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..catalogue.load import Catalogue
from ..vocab import TOTAL
from .common import (
    add_legend,
    ci_level,
    comparison_of,
    interval_text,
    new_axes,
    roles_of,
    set_titles,
    source_text,
)
from .data import (
    DIMENSION_NAMES,
    ResultsLike,
    area_name,
    as_results,
    catalogue_entry,
    category_label,
    category_order,
    direction_note,
    group_name,
    indicator_name,
    indicator_rows,
    pair_of,
    period_key,
)
from .draw import is_drawable, is_flagged, legend_entries, plot_estimate, row_label
from .style import RULE_COLOUR, estimate_style, unit_label, use_style

_DODGE = 0.18


def _cells(rows: pd.DataFrame, by: str | None) -> list[str]:
    if by is None:
        return [TOTAL]
    return category_order(by, [str(c) for c in rows[by].unique() if c not in ("_Z",)])


def _category_axis(ax: Axes, cells: list[str], labels: list[str]) -> None:
    """Categories top-down on the y axis; a rule sets the total apart."""
    ax.set_yticks(range(len(cells)), labels)
    ax.set_ylim(len(cells) - 0.5, -0.5)
    if len(cells) > 1 and cells[-1] == TOTAL:
        ax.axhline(len(cells) - 1.5, color=RULE_COLOUR, linewidth=0.5, zorder=0)


def gap_chart(
    results: ResultsLike,
    indicator_id: str,
    by: str | None = None,
    *,
    ref_area: str | None = None,
    time_period: str | int | None = None,
    comparison: str | None = None,
    ax: Axes | None = None,
    title: bool = True,
    catalogue: Catalogue | None = None,
) -> Axes:
    """The gap between the migrant and the reference group, with the interval of the contrast.

    Parameters
    ----------
    results : Results, pandas.DataFrame or path
        Results of :func:`mhr_indicators.compute` (or their table, or a written file).
    indicator_id : str
        The indicator.
    by : {"sex", "age_group", "sector", "legal_status"}, optional
        Show the gap in each category of this dimension, and the total.
    ref_area, time_period : optional
        The area (needed when the results hold several) and the period (default the latest).
    comparison : str, optional
        ``gap``, ``ratio``, ``relative_gap`` ...; default the indicator's headline comparison.
    ax : matplotlib.axes.Axes, optional
        Draw here; default a new figure.
    title : bool
        Write the title and subtitle.
    catalogue : Catalogue, optional
        Names and directions (default the shipped catalogue).

    Returns
    -------
    matplotlib.axes.Axes
        Each row: a dot and its interval, the value and interval printed in the row label;
        suppressed rows say so and draw nothing. A line marks no difference (0, or 1 for a
        ratio).
    """
    res = as_results(results)
    rows, area, period = indicator_rows(
        res, indicator_id, ref_area=ref_area, time_period=time_period, by=by
    )
    kind = comparison_of(rows, comparison)
    rows = rows[rows["population"] == kind]
    cells = _cells(rows, by)
    with use_style():
        ax, own = new_axes(ax, 30 + 9 * len(cells))
        unit = str(rows["unit"].iloc[0])
        labels: list[str] = []
        for pos, code in enumerate(cells):
            found = rows[rows[by] == code] if by else rows
            if found.empty:
                labels.append(f"{category_label(by or '', code)}: no data")
                continue
            row = found.iloc[0]
            name = category_label(by or "", code)
            if plot_estimate(ax, row, pos, "comparison"):
                labels.append(f"{name}: {interval_text(row, unit)}")
                continue
            text = "suppressed" if row["suppressed"] else "no data"
            row_label(ax, pos, text, "suppressed" if row["suppressed"] else "nodata", row)
            labels.append(name)
        ax.axvline(1.0 if unit == "ratio" else 0.0, color=RULE_COLOUR, linewidth=0.8, zorder=0)
        _category_axis(ax, cells, labels)
        pair = pair_of(res, indicator_id)
        who = f"{group_name(pair.migrant)} vs {group_name(pair.reference)}"
        ax.set_xlabel(f"{kind.replace('_', ' ').capitalize()} ({who}), {unit_label(unit).lower()}")
        ax.set_ylabel(DIMENSION_NAMES.get(by, "") if by else "")
        ax.grid(axis="x")
        spec = catalogue_entry(indicator_id, catalogue)
        if title:
            sub = f"{area_name(area)}, {period}; {source_text(rows)}."
            note = direction_note(spec)
            if note and kind == "gap":
                sub += f" A gap above 0: {group_name(pair.migrant)} higher ({note})."
            set_titles(ax, indicator_name(indicator_id, catalogue), sub)
        flags = {str(f) for f in rows.loc[rows.apply(is_flagged, axis=1), "flag"]}
        handles, texts = legend_entries(
            {"comparison": f"{kind.replace('_', ' ')} (estimate)"},
            flags=flags,
            level=ci_level(res) if rows["ci_lower"].notna().any() else None,
            suppressed=bool(rows["suppressed"].any()),
        )
        add_legend(ax, own, handles, texts)
    return ax


def disaggregation_chart(
    results: ResultsLike,
    indicator_id: str,
    by: str = "sex",
    *,
    ref_area: str | None = None,
    time_period: str | int | None = None,
    ax: Axes | None = None,
    title: bool = True,
    legend: bool = True,
    catalogue: Catalogue | None = None,
) -> Axes:
    """The migrant and the reference group in each category of one dimension.

    Parameters
    ----------
    results : Results, pandas.DataFrame or path
        The results.
    indicator_id : str
        The indicator.
    by : {"sex", "age_group", "sector", "legal_status"}
        The dimension; categories in their natural order (age bands by age), the total last.
    ref_area, time_period, ax, title, catalogue
        As for :func:`gap_chart`.
    legend : bool
        Draw the legend.

    Returns
    -------
    matplotlib.axes.Axes
        Categories on the y axis, the two groups side by side in each (circle: migrant group,
        square: reference group) with their intervals; "suppressed" printed where a value is
        withheld.
    """
    res = as_results(results)
    rows, area, period = indicator_rows(
        res, indicator_id, ref_area=ref_area, time_period=time_period, by=by
    )
    roles = roles_of(res, indicator_id, rows)
    cells = _cells(rows, by)
    with use_style():
        ax, own = new_axes(ax, 30 + 11 * len(cells))
        offsets = {"migrant": -_DODGE, "reference": _DODGE, "single": 0.0}
        drawn: list[pd.Series] = []
        for pos, code in enumerate(cells):
            for role, population in roles.items():
                found = rows[(rows[by] == code) & (rows["population"] == population)]
                if found.empty:
                    continue
                row = found.iloc[0]
                y = pos + offsets[role]
                if plot_estimate(ax, row, y, role):
                    drawn.append(row)
                elif row["suppressed"]:
                    row_label(ax, y, f"{group_name(population)}: suppressed", "suppressed", row)
        _category_axis(ax, cells, [category_label(by, c) for c in cells])
        unit = str(rows["unit"].iloc[0])
        ax.set_xlabel(unit_label(unit))
        ax.set_ylabel(DIMENSION_NAMES.get(by, by))
        ax.grid(axis="x")
        if title:
            sub = f"{area_name(area)}, {period}; {source_text(rows)}."
            note = direction_note(catalogue_entry(indicator_id, catalogue))
            sub += f" {note.capitalize()}." if note else ""
            set_titles(ax, indicator_name(indicator_id, catalogue), sub)
        if legend:
            shown = pd.DataFrame(drawn)
            flags = set(shown.loc[shown.apply(is_flagged, axis=1), "flag"]) if drawn else set()
            handles, texts = legend_entries(
                {r: group_name(p) for r, p in roles.items()},
                flags=flags,
                level=ci_level(res) if rows["ci_lower"].notna().any() else None,
                suppressed=bool(rows["suppressed"].any()),
            )
            add_legend(ax, own, handles, texts)
    return ax


def _period_positions(periods: list[str]) -> tuple[dict[str, float], bool]:
    """x position of each period: the year when every period is a year, else 0, 1, 2 ..."""
    if all(p.isdigit() and len(p) == 4 for p in periods):
        return {p: float(p) for p in periods}, True
    return {p: float(i) for i, p in enumerate(sorted(periods, key=period_key))}, False


def trend(
    results: ResultsLike,
    indicator_id: str,
    *,
    ref_area: str | None = None,
    sex: str = TOTAL,
    ax: Axes | None = None,
    title: bool = True,
    legend: bool = True,
    catalogue: Catalogue | None = None,
) -> Axes:
    """An indicator over time: the migrant and reference groups (or its one series).

    Parameters
    ----------
    results : Results, pandas.DataFrame or path
        The results (several periods of one indicator).
    indicator_id : str
        The indicator.
    ref_area : str, optional
        The area (needed when the results hold several).
    sex : str
        The sex cell (``_T`` total, ``F``, ``M``); other dimensions at their total.
    ax, title, legend, catalogue
        As for :func:`disaggregation_chart`.

    Returns
    -------
    matplotlib.axes.Axes
        Periods on the x axis (years to scale, or periods such as ``2015-2020`` in order), the
        value on the y axis; the line breaks where a value is suppressed or missing, and the
        subtitle lists the suppressed periods.
    """
    res = as_results(results)
    rows, area, _ = indicator_rows(res, indicator_id, ref_area=ref_area, by="sex", all_periods=True)
    rows = rows[rows["sex"] == sex]
    roles = roles_of(res, indicator_id, rows)
    periods = sorted({str(p) for p in rows["time_period"]}, key=period_key)
    xs, numeric = _period_positions(periods)
    with use_style():
        ax, own = new_axes(ax, 80)
        withheld: list[str] = []
        for role, population in roles.items():
            series = rows[rows["population"] == population].set_index("time_period")
            line_y = []
            for p in periods:
                row = series.loc[p] if p in series.index else None
                ok = row is not None and is_drawable(row)
                line_y.append(float(row["value"]) if ok else np.nan)
                if ok:
                    plot_estimate(ax, row, xs[p], role, vertical=True)
                elif row is not None and row["suppressed"]:
                    withheld.append(f"{group_name(population)} {p}")
            colour = estimate_style(role, False)["color"]
            ax.plot([xs[p] for p in periods], line_y, color=colour, linewidth=1.0, zorder=1)
        if not numeric:
            ax.set_xticks(list(xs.values()), list(xs.keys()))
        ax.set_xlabel("Year" if numeric else "Period")
        unit = str(rows["unit"].iloc[0]) if len(rows) else ""
        ax.set_ylabel(unit_label(unit))
        ax.grid(axis="y")
        if title:
            sub = [f"{area_name(area)}; {source_text(rows)}."]
            if sex != TOTAL:
                sub.append(f"{category_label('sex', sex)}.")
            if withheld:
                sub.append("Suppressed (not drawn): " + ", ".join(withheld) + ".")
            set_titles(ax, indicator_name(indicator_id, catalogue), " ".join(sub))
        if legend:
            flags = {str(f) for f in rows.loc[rows.apply(is_flagged, axis=1), "flag"]}
            handles, texts = legend_entries(
                {r: group_name(p) for r, p in roles.items()},
                flags=flags,
                level=ci_level(res) if rows["ci_lower"].notna().any() else None,
                suppressed=bool(withheld),
            )
            add_legend(ax, own, handles, texts)
    return ax


__all__ = ["disaggregation_chart", "gap_chart", "trend"]
