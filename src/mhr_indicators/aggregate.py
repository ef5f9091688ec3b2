"""Indicators from aggregate tables: migrant stock, administrative counts, ratifications.

Aggregate inputs are tidy, SDMX-style tables: one row per area, period, cell and ``measure``, with
``_T`` marking totals of a dimension. An indicator's ``numerator`` and ``denominator`` are filters
over such a table (e.g. ``measure == 'migrant_stock' and sex == 'F'``). For each area, period and
requested breakdown the value is sum(numerator) / sum(denominator) times the unit's multiplier.

Totals are never double counted: for a dimension that is not broken down, only its ``_T`` rows
are used (unless the filter itself names the dimension, as a female share does); for a dimension
that is broken down, only its non-``_T`` rows, grouped.

These figures are counts, not samples: ``se`` and the interval are empty, ``flag`` is empty and
nothing is suppressed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import IndicatorInputError
from .filters import evaluate_filter, parse_filter
from .spec import Indicator

TOTAL = "_T"


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


def ratio_of_sums(
    ind: Indicator, table: pd.DataFrame, dims: Sequence[str], all_dims: Sequence[str]
) -> pd.DataFrame:
    """``rate_per`` indicators: sum(numerator rows) / sum(denominator rows) per cell."""
    num_f, den_f = parse_filter(ind.numerator), parse_filter(ind.denominator)
    keys = ["ref_area", "time_period", *dims]
    parts = []
    for f in (num_f, den_f):
        named = set(f.columns)
        rows = _cells(table, evaluate_filter(f, table), dims, named, all_dims)
        group_keys = [k for k in keys if k not in named or k in ("ref_area", "time_period")]
        summed = rows.groupby(group_keys, dropna=False, observed=True)["value"].sum(min_count=1)
        parts.append(summed)
    num, den = parts
    # outer join: a numerator cell without its denominator (or the reverse) stays, with no value
    joined = pd.concat([num.rename("num"), den.rename("den")], axis=1, join="outer")
    joined = joined.reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        joined["value"] = np.where(joined["den"] > 0, joined["num"] / joined["den"], np.nan)
    joined["value"] *= ind.multiplier
    joined["n_weighted"] = joined["den"]
    return joined.drop(columns=["num", "den"])


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
    if ind.statistic == "status":
        body = ratification_status(ind, table)
        subsets: list[tuple[str, ...]] = [()]
    else:
        subsets = [s for r in range(len(dims) + 1) for s in itertools.combinations(dims, r)]
        body = None
    parts = []
    for subset in subsets:
        if body is None:
            fn = growth_rate if ind.statistic == "growth_rate" else ratio_of_sums
            part = fn(ind, table, subset, all_dims)
        else:
            part = body
        for dim in all_dims:
            if dim not in subset:
                part[dim] = TOTAL
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    if "population" not in out:
        out["population"] = _population_label(table, out, ind)
    if "source" not in out:
        out["source"] = source
    out["unit"] = ind.unit
    for col in ("se", "ci_lower", "ci_upper", "cv"):
        out[col] = np.nan
    out["n_unweighted"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["flag"] = ""
    out["suppressed"] = False
    return out


def _population_label(table: pd.DataFrame, out: pd.DataFrame, ind: Indicator) -> np.ndarray:
    """The group the figure describes: from the stock's type-of-data code where there is one
    (B: foreign-born, C: foreign citizens — not comparable), else ``total``."""
    if ind.statistic == "status":
        return np.full(len(out), TOTAL, dtype=object)
    if "data_type" not in table.columns:
        return np.full(len(out), "total", dtype=object)
    codes = table.groupby("ref_area")["data_type"].first()
    kind = out["ref_area"].map(codes).fillna("").astype(str)
    return np.where(
        kind.str.contains("B"),
        "foreign_born",
        np.where(
            kind.str.contains("C"), "foreign_citizen", "international_migrants_mixed_criteria"
        ),
    )
