"""Indicators from aggregate tables: migrant stock, administrative counts, ratifications.

Aggregate inputs are tidy, SDMX-style tables: one row per area, period, cell and ``measure``, with
``_T`` marking totals of a dimension. An indicator's ``numerator`` and ``denominator`` are filters
over such a table (e.g. ``measure == 'migrant_stock' and sex == 'F'``). For each area, period and
requested breakdown the value is sum(numerator) / sum(denominator) times the unit's multiplier.

Totals are never double counted: for a dimension that is not broken down, only its ``_T`` rows
are used (unless the filter itself names the dimension, as a female share does); for a dimension
that is broken down, only its non-``_T`` rows, grouped.

These figures are counts, not samples: ``se`` and the interval are empty and, unless the table
says otherwise, ``flag`` is empty and nothing is suppressed.

A table may mark rows whose figure is on another base than the rest (e.g. a migrant stock that
refers to a former territory) with an ``obs_status`` code (SDMX ``OBS_STATUS``; the UN DESA reader
uses ``D``, definition differs, where the workbook's own published derivations contradict the
figure). A result computed from marked rows carries their code in ``flag``. When only some of the
rows it combines are marked — a ratio or a rate of change of figures on different bases, such as
a stock of the former Netherlands Antilles over the population of Bonaire, Sint Eustatius and
Saba — the value is withheld (``suppressed``; the row and its flag stay). When all of them are
marked alike the figures are consistent with each other and the value is published, flagged.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..catalogue.spec import Indicator
from ..errors import IndicatorInputError
from ..filters import evaluate_filter, parse_filter

TOTAL = "_T"
#: Optional column of a stock or admin table: the status code of a row (empty when normal).
STATUS = "obs_status"


def _cells(
    table: pd.DataFrame,
    mask: np.ndarray,
    dims: Sequence[str],
    named: set[str],
    all_dims: Sequence[str],
) -> pd.DataFrame:
    keep = mask.copy()
    for dim in all_dims:
        if dim not in table.columns or dim in named:
            continue
        is_total = (table[dim] == TOTAL).to_numpy()
        keep &= ~is_total if dim in dims else is_total
    return table[keep]


def _marks(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame | None:
    """Per cell: rows summed, rows with an ``obs_status``, and their codes; None if none."""
    if STATUS not in rows.columns:
        return None
    code = rows[STATUS].fillna("").astype(str)
    if not (code != "").any():
        return None
    group = rows.groupby(keys, dropna=False, observed=True)
    marked = rows[code != ""].assign(_code=code[code != ""])
    by_cell = marked.groupby(keys, dropna=False, observed=True)["_code"]
    return pd.DataFrame(
        {
            "rows": group.size(),
            "marked": by_cell.size(),
            "codes": by_cell.agg(lambda c: "".join(sorted(set(c)))),
        }
    ).fillna({"marked": 0, "codes": ""})


def _side(marks: pd.DataFrame | None, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """For each cell of ``index``: the codes of its marked rows, and whether all are marked."""
    if marks is None:
        return np.full(len(index), "", dtype=object), np.zeros(len(index), dtype=bool)
    cells = marks.reindex(index)
    every = (cells["marked"].fillna(0) == cells["rows"].fillna(-1)).to_numpy(bool)
    return cells["codes"].fillna("").to_numpy(object), every


def _verdict(*sides: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Flag (the codes of all marked rows) and withholding of results that combine the cells
    of several sides (numerator and denominator; the two ends of a period): withheld unless
    every row of every side is marked with the same codes."""
    flag = np.array(
        ["".join(sorted(set("".join(c)))) for c in zip(*(c for c, _ in sides), strict=True)],
        dtype=object,
    )
    alike = np.logical_and.reduce([every & (codes == flag) for codes, every in sides])
    return flag, (flag != "") & ~alike


def _sums(table: pd.DataFrame, f, dims: Sequence[str], all_dims: Sequence[str]) -> pd.Series:
    """Sum of ``value`` over the rows a filter selects, per area, period, group and cell
    (``attrs["marks"]``: the cells' ``obs_status`` marks, see :func:`_marks`)."""
    named = set(f.columns)
    rows = _cells(table, evaluate_filter(f, table), dims, named, all_dims)
    keys = ["ref_area", "time_period", *[d for d in dims if d not in named], "population"]
    rows = rows.assign(
        population=rows["population"].fillna("total") if "population" in rows else "total"
    )
    sums = rows.groupby(keys, dropna=False, observed=True)["value"].sum(min_count=1)
    sums.attrs["marks"] = _marks(rows, keys)
    return sums


def ratio_of_sums(
    ind: Indicator, table: pd.DataFrame, dims: Sequence[str], all_dims: Sequence[str]
) -> pd.DataFrame:
    """``rate_per`` indicators: sum(numerator rows) / sum(denominator rows) per cell and group
    (a ``population`` column, where the table has one, keeps e.g. migrant and native workers
    apart; rows without one describe the whole population)."""
    num = _sums(table, parse_filter(ind.numerator), dims, all_dims)
    den = _sums(table, parse_filter(ind.denominator), dims, all_dims)
    num_marks, den_marks = num.attrs["marks"], den.attrs["marks"]
    if set(num.index.get_level_values("population")) - {"total"} and set(
        den.index.get_level_values("population")
    ) == {"total"}:
        # a group-specific count over a whole-population denominator
        den = den.droplevel("population")
        if den_marks is not None:
            den_marks = den_marks.droplevel("population")
        num_frame = num.rename("num").reset_index()
        joined = num_frame.merge(
            den.rename("den").reset_index(), on=[k for k in den.index.names], how="left"
        )
        den_index = pd.MultiIndex.from_frame(joined[list(den.index.names)])
    else:
        # every numerator cell stays (without a value where its denominator is missing);
        # denominator-only cells are periods or groups the indicator has no data for
        joined = num.rename("num").to_frame().join(den.rename("den"), how="left").reset_index()
        den_index = pd.MultiIndex.from_frame(joined[list(num.index.names)])
    num_index = pd.MultiIndex.from_frame(joined[list(num.index.names)])
    with np.errstate(divide="ignore", invalid="ignore"):
        joined["value"] = np.where(joined["den"] > 0, joined["num"] / joined["den"], np.nan)
    joined["value"] *= ind.multiplier
    joined["n_weighted"] = joined["den"]
    if num_marks is not None or den_marks is not None:
        joined["flag"], joined["suppressed"] = _verdict(
            _side(num_marks, num_index), _side(den_marks, den_index)
        )
    return joined.drop(columns=["num", "den"])


def count_of(
    ind: Indicator, table: pd.DataFrame, dims: Sequence[str], all_dims: Sequence[str]
) -> pd.DataFrame:
    """``count`` indicators: the sum of the rows the ``numerator`` filter selects."""
    summed = _sums(table, parse_filter(ind.numerator), dims, all_dims)
    out = summed.rename("value").reset_index()
    out["n_weighted"] = np.nan
    if summed.attrs["marks"] is not None:
        out["flag"], out["suppressed"] = _verdict(_side(summed.attrs["marks"], summed.index))
    return out


def count_records(ind: Indicator, table: pd.DataFrame) -> pd.DataFrame:
    """``count`` indicators over legal records: how many records the ``numerator`` selects
    (e.g. social-security agreements in force), per State."""
    hit = evaluate_filter(ind.numerator, table)
    counts = pd.Series(hit, index=table.index).groupby(table["ref_area"]).sum()
    as_of = (
        table.groupby("ref_area")["as_of"].first()
        if "as_of" in table
        else pd.Series(None, index=counts.index)
    )
    return pd.DataFrame(
        {
            "ref_area": counts.index,
            "time_period": as_of.reindex(counts.index).to_numpy(),
            "value": counts.to_numpy().astype(float),
            "n_weighted": np.nan,
            "population": TOTAL,
        }
    )


def growth_rate(
    ind: Indicator, table: pd.DataFrame, dims: Sequence[str], all_dims: Sequence[str]
) -> pd.DataFrame:
    """``growth_rate`` indicators: 100 ln(V_t2 / V_t1) / (t2 - t1) between consecutive periods
    (UN DESA's annual rate of change); ``time_period`` becomes ``"t1-t2"``."""
    f = parse_filter(ind.variable)
    rows = _cells(table, evaluate_filter(f, table), dims, set(f.columns), all_dims)
    keys = ["ref_area", *dims]
    summed = (
        rows.groupby([*keys, "time_period"], dropna=False, observed=True)["value"]
        .sum(min_count=1)
        .reset_index()
        .sort_values([*keys, "time_period"])
    )
    prev = summed.groupby(keys, dropna=False, observed=True).shift(1)
    years = pd.to_numeric(summed["time_period"]) - pd.to_numeric(prev["time_period"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = 100 * np.log(summed["value"] / prev["value"]) / years
    out = summed[keys].copy()
    out["time_period"] = (
        prev["time_period"].astype("Int64").astype(str) + "-" + summed["time_period"].astype(str)
    )
    out["value"] = rate
    out["n_weighted"] = np.nan
    marks = _marks(rows, [*keys, "time_period"])
    if marks is not None:  # the two ends of each period
        end = pd.MultiIndex.from_frame(summed[[*keys, "time_period"]])
        start = pd.MultiIndex.from_frame(
            summed[keys].assign(time_period=prev["time_period"].to_numpy())
        )
        out["flag"], out["suppressed"] = _verdict(_side(marks, start), _side(marks, end))
    return out[prev["time_period"].notna().to_numpy()]


def ratification_status(ind: Indicator, table: pd.DataFrame) -> pd.DataFrame:
    """``status`` indicators: 1 if the State is a party to the instrument (``variable``) or the
    law or policy it names is in force, else 0.

    The ``source`` column carries the instrument and the year of ratification or accession.
    """
    rows = table[table["instrument"] == ind.variable]
    if rows.empty:
        raise IndicatorInputError(
            ind.id, [f"ratification records for {ind.variable}"], what="input"
        )
    party = rows["status"].isin(["ratified", "in_force"]).to_numpy()
    out = pd.DataFrame(
        {
            "ref_area": rows["ref_area"].to_numpy(),
            "time_period": rows["as_of"].to_numpy() if "as_of" in rows else None,
            "value": party.astype(float),
            "n_weighted": np.nan,
        }
    )
    year = rows["year"] if "year" in rows else pd.Series(np.nan, index=rows.index)
    origin = rows["source"] if "source" in rows else pd.Series("", index=rows.index)
    verb = np.where(rows["status"] == "in_force", " in force since ", " ratified or acceded ")
    years = year.astype("Int64").astype(str).replace("<NA>", "(year unknown)")
    detail = np.where(
        party,
        ind.variable + verb + years,
        ind.variable + " " + rows["status"].astype(str).str.replace("_", " "),
    )
    out["source"] = [f"{o}: {d}" if o else d for o, d in zip(origin, detail, strict=True)]
    return out


def compute_aggregate(
    ind: Indicator,
    table: pd.DataFrame,
    kind: str,
    dims: Sequence[str],
    all_dims: Sequence[str],
    source: str,
) -> pd.DataFrame:
    """Rows of the results table for an aggregate-source indicator (no sampling error)."""
    if kind == "ratification":  # one figure per State: no breakdown
        make = ratification_status if ind.statistic == "status" else count_records
        subsets: list[tuple[str, ...]] = [()]
        parts = [make(ind, table)]
    else:
        fn = {"growth_rate": growth_rate, "count": count_of}.get(ind.statistic, ratio_of_sums)
        subsets = [s for r in range(len(dims) + 1) for s in itertools.combinations(dims, r)]
        parts = [fn(ind, table, subset, all_dims) for subset in subsets]
    for part, subset in zip(parts, subsets, strict=True):
        for dim in all_dims:
            if dim not in subset:
                part[dim] = TOTAL
    out = pd.concat(parts, ignore_index=True)
    if kind == "ratification":
        out["population"] = TOTAL
    else:  # groups the table names are kept; whole-population rows are labelled by the spec
        if "population" not in out:
            out["population"] = "total"
        out["population"] = np.where(
            out["population"] == "total", _population_label(table, out, ind), out["population"]
        )
    if "source" not in out:
        out["source"] = source
    out["unit"] = ind.unit
    for col in ("se", "ci_lower", "ci_upper", "cv"):
        out[col] = np.nan
    out["n_unweighted"] = pd.array([pd.NA] * len(out), dtype="Int64")
    # flag and withholding from the table's obs_status marks, where it has them
    out["flag"] = out["flag"].fillna("") if "flag" in out else ""
    out["suppressed"] = (
        out["suppressed"].fillna(False).astype(bool) if "suppressed" in out else False
    )
    out.loc[out["suppressed"], "value"] = np.nan
    return out


def _population_label(table: pd.DataFrame, out: pd.DataFrame, ind: Indicator) -> np.ndarray:
    """The group a figure describes. For indicators about migrants (``describes: migrants``), the
    stock's type-of-data code decides — B: foreign-born, C: foreign citizens, not comparable —
    else ``total``."""
    if ind.describes != "migrants" or "data_type" not in table.columns:
        return np.full(len(out), "total", dtype=object)
    codes = table.dropna(subset=["data_type"]).groupby("ref_area")["data_type"].first()
    kind = out["ref_area"].map(codes).fillna("").astype(str)
    return np.where(
        kind.str.contains("B"),
        "foreign_born",
        np.where(
            kind.str.contains("C"), "foreign_citizen", "international_migrants_mixed_criteria"
        ),
    )
