"""Published versus derived figures: every figure of Tables 3-6 recomputed from Tables 1, 2 and
6 and compared within the rounding of its components, and the report's findings for the figures
that do not agree (the rules are in the package docstring, ``sources/undesa/__init__.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .spec import INCONSISTENT

#: The report's resolution of a check that does not agree, by status.
_CHECK_RESOLUTION = {
    "disagrees": f"the numerator's component is marked obs_status {INCONSISTENT!r} in the stock "
    "table: compute withholds this figure and flags the others derived from that component",
    "published_only": "a component is missing: nothing derived; the published figure stays in "
    "its table",
    "derived_only": f"the numerator's component is marked obs_status {INCONSISTENT!r} in the "
    "stock table, so compute withholds the figure too",
}

_CHECK_COLUMNS = [
    "sheet",
    "measure",
    "m49",
    "ref_area",
    "area_name",
    "time_period",
    "sex",
    "published",
    "derived",
    "tolerance",
    "status",
]


def _wide(table: pd.DataFrame, measure: str) -> pd.Series:
    """The values of one measure, indexed by ``m49``, ``time_period``, ``sex``."""
    rows = table[table["measure"] == measure]
    return rows.set_index(["m49", "time_period", "sex"])["value"]


def _ratio_check(
    num: pd.Series, den: pd.Series, scale: float, rounding: float
) -> tuple[pd.Series, pd.Series]:
    """derived = num / den x scale and its rounding tolerance: with both counts rounded to
    ``rounding``, |d(a / b)| <= da / b + a db / b^2."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (den > 0) & (num >= 0)
        derived = pd.Series(np.where(ok, num / den * scale, np.nan), index=num.index)
        tol = scale * (rounding / den + num.abs() * rounding / den**2)
    return derived, tol.where(ok) + 1e-9 * derived.abs()


def _rate_check(series: pd.Series, rounding: float) -> tuple[pd.Series, pd.Series]:
    """100 ln(V2 / V1) / (t2 - t1) between consecutive years, and its rounding tolerance
    100 / (t2 - t1) x (r / V1 + r / V2); undefined where a value is zero or missing."""
    frame = series.rename("v").reset_index()
    frame["year"] = frame["time_period"].astype(int)
    frame = frame.sort_values(["m49", "sex", "year"])
    prev = frame.groupby(["m49", "sex"])[["v", "year", "time_period"]].shift(1)
    span = frame["year"] - prev["year"]
    ok = (frame["v"] > 0) & (prev["v"] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (100 * np.log(frame["v"] / prev["v"]) / span).where(ok)
        tol = (100 / span * (rounding / frame["v"] + rounding / prev["v"])).where(ok)
    keep = prev["year"].notna().to_numpy()
    key = pd.MultiIndex.from_arrays(
        [frame["m49"], prev["time_period"] + "-" + frame["time_period"], frame["sex"]],
        names=["m49", "time_period", "sex"],
    )[keep]
    return (
        pd.Series(rate.to_numpy()[keep], index=key),
        pd.Series(tol.to_numpy()[keep] + 1e-9 * np.abs(rate.to_numpy()[keep]), index=key),
    )


def _derivations(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str, pd.Series, pd.Series]]:
    """(sheet, measure, derived, tolerance) of every derived measure of Tables 3-6."""
    stock = _wide(tables["Table 1"], "migrant_stock")
    pop = _wide(tables["Table 2"], "population")
    refugees = _wide(tables["Table 6"], "refugees")
    stock_t = stock.xs("_T", level="sex", drop_level=False)
    female = stock.xs("F", level="sex").rename(None)
    female.index = pd.MultiIndex.from_arrays(
        [female.index.get_level_values(0), female.index.get_level_values(1), ["_T"] * len(female)],
        names=["m49", "time_period", "sex"],
    )
    parts = []
    num, den = stock.align(pop, join="outer")
    parts.append(("Table 3", "migrant_stock_pct_population", *_ratio_check(num, den, 100, 0.5)))
    num, den = female.align(stock_t, join="outer")
    parts.append(("Table 4", "female_pct_migrant_stock", *_ratio_check(num, den, 100, 0.5)))
    parts.append(("Table 5", "migrant_stock_annual_rate_of_change", *_rate_check(stock, 0.5)))
    num, den = refugees.align(stock_t, join="outer")
    parts.append(("Table 6", "refugees_pct_migrant_stock", *_ratio_check(num, den, 100, 0.5)))
    parts.append(("Table 6", "refugees_annual_rate_of_change", *_rate_check(refugees, 0.5)))
    return parts


def check_published(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Compare every figure of Tables 3-6 with the one derived from Tables 1, 2 and 6.

    Table 3 = Table 1 / Table 2 x 100 (Table 2 in persons); Table 4 = female / both sexes x 100
    (Table 1); Table 5 = 100 ln(S2 / S1) / (t2 - t1) (Table 1); Table 6 refugee share = refugees
    / stock x 100 and its rate of change as Table 5. A figure agrees when it is within the
    rounding of its components: whole persons for counts, and for Table 2 the thousandth of a
    thousand it is published in.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The six tidy tables (:attr:`UndesaWorkbook.tables`).

    Returns
    -------
    pandas.DataFrame
        The columns of :attr:`UndesaWorkbook.checks`, one row per published or derivable figure.
    """
    frames = []
    for sheet, measure, derived, tol in _derivations(tables):
        published = _wide(tables[sheet], measure)
        both = pd.concat(
            [published.rename("published"), derived.rename("derived"), tol.rename("tolerance")],
            axis=1,
            join="outer",
        )
        both = both[both["published"].notna() | both["derived"].notna()]
        gap = (both["published"] - both["derived"]).abs()
        both["status"] = np.select(
            [
                both["published"].notna() & both["derived"].notna() & (gap <= both["tolerance"]),
                both["published"].notna() & both["derived"].notna(),
                both["published"].notna(),
            ],
            ["agrees", "disagrees", "published_only"],
            "derived_only",
        )
        both = both.reset_index().assign(sheet=sheet, measure=measure)
        frames.append(both)
    out = pd.concat(frames, ignore_index=True)
    names = tables["Table 1"].groupby("m49")[["ref_area", "area_name"]].first()
    out = out.join(names, on="m49")
    return out[_CHECK_COLUMNS]


def _check_text(row) -> str:
    """The report's ``problem`` for a check that does not agree."""
    where = f"{row.measure} {row.time_period} sex {row.sex}"
    if row.status == "disagrees":
        return (
            f"{where}: published {row.published:.6g}, derived from the components "
            f"{row.derived:.6g} (beyond their rounding, tolerance {row.tolerance:.2g})"
        )
    if row.status == "published_only":
        return f"{where}: published {row.published:.6g} but a component is missing"
    return f"{where}: derived {row.derived:.6g} but the workbook publishes no figure"


def check_findings(
    checks: pd.DataFrame, table1: pd.DataFrame, notes_text: dict[str, str], file: str
) -> list[dict]:
    """The report's findings for the checks that do not agree, one per check.

    Parameters
    ----------
    checks : pandas.DataFrame
        The result of :func:`check_published`.
    table1 : pandas.DataFrame
        Table 1, whose ``notes`` give each area's footnotes.
    notes_text : dict of str to str
        The texts of the workbook's Notes sheet, by mark, quoted after the problem.
    file : str
        The workbook's file name, for the report's ``file``.

    Returns
    -------
    list of dict
        Records with the columns of the report (``row`` None, ``column`` blank).
    """
    out = []
    for row in checks[checks["status"] != "agrees"].itertuples(index=False):
        note = table1.loc[table1["m49"] == row.m49, "notes"].iloc[0]
        keys = note.split() if isinstance(note, str) else []
        why = "; ".join(f"note {k}: {notes_text[k]}" for k in keys if k in notes_text)
        out.append(
            {
                "file": file,
                "sheet": row.sheet,
                "row": None,
                "column": "",
                "m49": row.m49,
                "area": row.area_name,
                "problem": _check_text(row) + (f" ({why})" if why else ""),
                "resolution": _CHECK_RESOLUTION[row.status],
            }
        )
    return out
