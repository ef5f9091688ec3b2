"""Compare one indicator across areas: a dot plot with intervals, labelled as a comparison.

Countries, regions or the states of a country side by side, ordered by name or by value — never
a ranking: no rank numbers, no "best" or "worst", and the title says it is a comparison.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from matplotlib.axes import Axes

from ..catalogue.load import Catalogue
from ..engine.headline import HEADLINE_COMPARISONS
from ..errors import ConfigurationError
from ..vocab import TOTAL, table_dimensions
from .common import add_legend, ci_level, new_axes, roles_of, set_titles, source_text
from .data import (
    ResultsLike,
    area_name,
    as_results,
    catalogue_entry,
    direction_note,
    group_name,
    indicator_name,
    latest_period,
    pair_of,
    total_cell,
)
from .draw import is_drawable, is_flagged, legend_entries, plot_estimate, row_label
from .style import RULE_COLOUR, unit_label, use_style


def _rows_of(res, indicator_id: str, rows: pd.DataFrame, population: str) -> pd.DataFrame:
    """The rows of ``population`` (a role or a code) for each area, with the role drawn in
    ``_role``. For the migrant role each area's own migrant group is taken (foreign-born, or
    foreign citizens where the source counts citizenship)."""
    parts = []
    for _, area_rows in rows.groupby("ref_area", sort=False):
        roles = roles_of(res, indicator_id, area_rows)
        if population == "gap":
            present = [k for k in HEADLINE_COMPARISONS if k in set(area_rows["population"])]
            code, role = (present[0] if present else None), "comparison"
        elif population in ("migrant", "reference"):
            code = roles.get(population, roles.get("single") if population == "migrant" else None)
            role = population if population in roles else "single"
        else:
            code, role = population, "single"
        if code is not None:
            parts.append(area_rows[area_rows["population"] == code].assign(_role=role))
    if not parts:
        raise ConfigurationError(
            f"{indicator_id} has no {population!r} rows in these results (populations: "
            f"{', '.join(sorted(rows['population'].unique()))})"
        )
    return pd.concat(parts)


def compare_areas(
    results: ResultsLike,
    indicator_id: str,
    *,
    population: str = "migrant",
    areas: list[str] | None = None,
    time_period: str | int | None = None,
    sort: Literal["name", "value"] = "name",
    ax: Axes | None = None,
    title: bool = True,
    catalogue: Catalogue | None = None,
) -> Axes:
    """One indicator across areas: a dot and its interval per area, labelled as a comparison.

    Parameters
    ----------
    results : Results, pandas.DataFrame or path
        Results holding several areas (countries, ISO 3166-2 subdivisions, regions).
    indicator_id : str
        The indicator.
    population : str
        ``"migrant"`` (default), ``"reference"``, ``"gap"`` (the headline comparison), or a
        population code of the results table.
    areas : list of str, optional
        The areas to show (default all).
    time_period : str or int, optional
        The period; default each area's latest (the label then names the period when they
        differ).
    sort : {"name", "value"}
        Order areas by name, or by value (still a comparison, not a ranking).
    ax, title, catalogue
        As for :func:`~mhr_indicators.plot.gap_chart`.

    Returns
    -------
    matplotlib.axes.Axes
        Areas on the y axis, values on the x axis; suppressed values printed, not drawn.
    """
    if sort not in ("name", "value"):
        raise ConfigurationError(f"sort must be 'name' or 'value', got {sort!r}")
    res = as_results(results)
    rows = _compare_rows(res, indicator_id, population, areas, time_period, sort)
    main = rows["population"].mode().iloc[0]
    periods = rows.loc[rows["time_period"] != "", "time_period"]
    mixed = periods.nunique() > 1
    with use_style():
        ax, own = new_axes(ax, 35 + 6 * len(rows))
        labels = []
        for pos, (_, row) in enumerate(rows.iterrows()):
            label = row["_name"] + (
                f" ({row['time_period']})" if mixed and row["time_period"] else ""
            )
            if row["population"] != main:
                label += f" [{group_name(row['population'])}]"
            if not plot_estimate(ax, row, pos, row["_role"]):
                text = "suppressed" if row["suppressed"] else "no data"
                row_label(ax, pos, text, "suppressed" if row["suppressed"] else "nodata", row)
            labels.append(label)
        ax.set_yticks(range(len(rows)), labels)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        unit = str(rows["unit"].dropna().iloc[0])
        ax.set_xlabel(unit_label(unit))
        ax.set_ylabel("Area")
        ax.grid(axis="x")
        role = rows["_role"].mode().iloc[0]
        if role == "comparison":
            ax.axvline(1.0 if unit == "ratio" else 0.0, color=RULE_COLOUR, linewidth=0.8)
        if title:
            period = "" if mixed else f", {periods.iloc[0]}"
            order = "by name" if sort == "name" else "by estimate"
            note = direction_note(catalogue_entry(indicator_id, catalogue))
            source = source_text(rows)
            sub = f"A comparison across areas, not a ranking; ordered {order}. "
            sub += f"{source[:1].upper()}{source[1:]}."
            sub += f" {note.capitalize()}." if note else ""
            if (rows["population"] != main).any():
                sub += (
                    f" Areas in [brackets] count another group than {group_name(main)}: "
                    "not comparable."
                )
            name = indicator_name(indicator_id, catalogue)
            who = group_name(main)
            if role == "comparison":
                pair = pair_of(res, indicator_id)
                who += f" ({group_name(pair.migrant)} \u2212 {group_name(pair.reference)})"
            set_titles(ax, f"{name}: {who}, compared across areas{period}", sub)
        drawn = rows[rows.apply(is_drawable, axis=1)]
        flagged = drawn.apply(is_flagged, axis=1) if len(drawn) else pd.Series(dtype=bool)
        handles, texts = legend_entries(
            {role: f"{group_name(main)} (estimate)"},
            flags={str(f) for f in drawn.loc[flagged, "flag"]} if len(drawn) else set(),
            level=ci_level(res) if rows["ci_lower"].notna().any() else None,
            suppressed=bool(rows["suppressed"].any()),
        )
        add_legend(ax, own, handles, texts)
    return ax


def _compare_rows(
    res, indicator_id: str, population: str, areas, time_period, sort: str
) -> pd.DataFrame:
    """The row to show for each area (``_name``, ``_role`` added), in display order; areas
    asked for without rows get an empty row ("no data"), never dropped."""
    t = res.table
    rows = t[(t["indicator_id"] == indicator_id) & total_cell(t)]
    if rows.empty:
        raise ConfigurationError(f"indicator {indicator_id!r} is not in these results")
    if areas is not None:
        rows = rows[rows["ref_area"].isin([str(a) for a in areas])]
    if rows.empty:
        raise ConfigurationError(f"{indicator_id} has no results for the areas {areas}")
    rows = _rows_of(res, indicator_id, rows, population)
    if time_period is not None:
        rows = rows[rows["time_period"] == str(time_period)]
    else:
        latest = rows.groupby("ref_area")["time_period"].agg(latest_period)
        rows = rows[rows["time_period"] == rows["ref_area"].map(latest)]
    if rows.empty:
        raise ConfigurationError(f"{indicator_id}: no rows for these areas in {time_period}")
    missing = [a for a in map(str, areas or []) if a not in set(rows["ref_area"])]
    if missing:
        first = rows.iloc[0]
        blank = pd.DataFrame({"ref_area": missing, "population": first["population"]})
        blank = blank.assign(
            indicator_id=indicator_id,
            suppressed=False,
            _role=first["_role"],
            unit=first["unit"],
            time_period="",
            **dict.fromkeys(table_dimensions(rows.columns), TOTAL),
        )
        rows = pd.concat([rows, blank], ignore_index=True)
    rows = rows.assign(_name=rows["ref_area"].map(area_name))
    keys = ["value", "_name"] if sort == "value" else ["_name"]
    return rows.sort_values(keys, na_position="last", kind="stable")


__all__ = ["compare_areas"]
