"""The stock table for :func:`mhr_indicators.compute`: Tables 1, 2 and 6's refugee counts with
Table 1's type-of-data codes (other tables' differing codes reported), and ``obs_status`` marking
the components of published figures the workbook contradicts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .spec import INCONSISTENT

#: The component a contradicted (or withheld) published figure marks in the stock table:
#: (measure, sexes: None = all sexes, else the one given; which year of a period).
_MARKED_COMPONENT = {
    "migrant_stock_pct_population": ("migrant_stock", None, "year"),
    "female_pct_migrant_stock": ("migrant_stock", ("F",), "year"),
    "migrant_stock_annual_rate_of_change": ("migrant_stock", None, "start"),
    "refugees_pct_migrant_stock": ("refugees", ("_T",), "year"),
    "refugees_annual_rate_of_change": ("refugees", ("_T",), "start"),
}


def stock_table(tables: dict[str, pd.DataFrame], checks: pd.DataFrame) -> pd.DataFrame:
    """Tables 1, 2 and 6's refugee counts, with Table 1's type-of-data codes and obs_status.

    Where a published figure contradicts its derivation (``disagrees``), or the workbook leaves
    blank a figure its components give (``derived_only``, e.g. a refugee share above 100%),
    the numerator's component is marked :data:`INCONSISTENT` for the area and year (the start
    of a period): the stock for Tables 3 and 5 (all sexes: a change of territory concerns them
    all), the female stock for Table 4, the refugee stock for Table 6. The population series
    (Table 2) is left unmarked: it is DESA's estimate for the present-day area, while the stock
    follows the territory of the data behind it, as the workbook's notes say for each case.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The six tidy tables.
    checks : pandas.DataFrame
        Their checks (``checks.check_published``).

    Returns
    -------
    pandas.DataFrame
        The tidy rows of the three measures, with ``obs_status`` (``""`` or ``"D"``).
    """
    t6 = tables["Table 6"]
    out = pd.concat(
        [tables["Table 1"], tables["Table 2"], t6[t6["measure"] == "refugees"]],
        ignore_index=True,
    )
    codes = tables["Table 1"].groupby("m49")["data_type"].first()
    out["data_type"] = out["m49"].map(codes)
    out["obs_status"] = ""
    bad = checks[checks["status"].isin(["disagrees", "derived_only"])]
    marks = []
    for row in bad.itertuples(index=False):
        measure, sexes, when = _MARKED_COMPONENT[row.measure]
        year = row.time_period.split("-")[0] if when == "start" else row.time_period
        for sex in sexes or ("_T", "M", "F"):
            marks.append((row.m49, year, sex, measure))
    if marks:
        keys = pd.MultiIndex.from_tuples(marks, names=["m49", "time_period", "sex", "measure"])
        hit = out.set_index(["m49", "time_period", "sex", "measure"]).index.isin(keys)
        out.loc[hit, "obs_status"] = INCONSISTENT
    return out


def type_code_findings(tables: dict[str, pd.DataFrame], path: Path) -> list[dict]:
    """The report's findings for the areas whose type-of-data code in a table differs from the
    one in Table 1 (the stock table uses Table 1's)."""
    out = []
    first = tables["Table 1"].groupby("m49")["data_type"].first()
    for sheet, table in tables.items():
        codes = table.groupby("m49")["data_type"].first()
        both = pd.concat([first.rename("t1"), codes.rename("here")], axis=1, join="inner")
        differ = both[both["here"].notna() & (both["t1"].fillna("") != both["here"].fillna(""))]
        for m49, row in differ.iterrows():
            out.append(
                {
                    "file": path.name,
                    "sheet": sheet,
                    "row": None,
                    "column": "",
                    "m49": m49,
                    "area": table.loc[table["m49"] == m49, "area_name"].iloc[0],
                    "problem": f"type of data {row['here']!r} differs from Table 1's {row['t1']!r}",
                    "resolution": "Table 1's code used in the stock table",
                }
            )
    return out
