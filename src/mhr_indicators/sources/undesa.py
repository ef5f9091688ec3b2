"""Read UN DESA *International Migrant Stock* workbooks into tidy tables.

The workbooks (2019 "total" layout; 2020 "by sex and destination" layout) put a title block above
a header row holding ``Code`` and ``Type of data``, a row of years below (or beside) it, and then
one row per area: countries (M49 code below 900), DESA aggregates (900 and above) and heading rows
without a code that name the kind of the aggregates below them ("UN development groups",
"World Bank income groups", "Geographic regions", ...). Values ``..`` are missing. Columns come in
blocks (both sexes, male, female; or several measures).

The tidy output has one row per area, year, sex and measure: ``ref_area`` (ISO 3166-1 alpha-3
for countries with one, else the M49 code), ``m49``, ``area_name``, ``area_kind`` (``country`` or
the aggregate's kind), ``time_period``, ``sex`` (F/M/_T), ``measure``, ``value`` and
``data_type`` — DESA's type-of-data code (B foreign-born, C foreign citizens, R refugees included,
I imputed). An area listed under two groupings is kept once (with the first grouping's kind).
Figures based on citizenship (C) are not comparable with those based on country of birth (B):
results computed from them say so in their ``population`` column.

Known inconsistencies of the 2019 workbook (the library computes ratios of the published Tables 1,
2 and 6, and the tests pin these exceptions): Table 3 departs from Table 1 / (Table 2 x 1000) x 100
for Bonaire, Sint Eustatius and Saba (BES), Sudan (SDN) and Serbia (SRB) in 1990-2005 and Table 5
for BES in 2005-2010, where DESA used another population or stock base for areas whose borders or
status changed; Table 4 gives a female share for Sint Maarten (SXM) in 2005 whose stock is ".."; and
Table 6 leaves blank the refugee share of the State of Palestine (PSE), whose refugee figure exceeds
its migrant stock.

Source: United Nations, Department of Economic and Social Affairs, Population Division,
International Migrant Stock (CC BY 3.0 IGO).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MhrError
from .m49 import m49_to_iso3

#: Measures of each table, in the order of its column blocks (a block repeated by sex keeps its
#: measure). Population (Table 2) is converted from thousands to persons.
TABLE_MEASURES = {
    "Table 1": ["migrant_stock"],
    "Table 2": ["population"],
    "Table 3": ["migrant_stock_pct_population"],
    "Table 4": ["female_pct_migrant_stock"],
    "Table 5": ["migrant_stock_annual_rate_of_change"],
    "Table 6": ["refugees", "refugees_pct_migrant_stock", "refugees_annual_rate_of_change"],
}
_SEX_WORDS = [
    (re.compile(r"both sexes", re.I), "_T"),
    (re.compile(r"\bfemale", re.I), "F"),
    (re.compile(r"\bmale", re.I), "M"),
]


def _sex_of(label: str, table: str) -> str:
    if table == "Table 4":  # the female share of the stock describes all migrants
        return "_T"
    for pattern, code in _SEX_WORDS:
        if pattern.search(label):
            return code
    return "_T"


def _is_year(value) -> bool:
    try:
        return 1900 <= int(str(value)[:4]) <= 2100
    except (TypeError, ValueError):
        return False


def read_undesa_table(path: str | Path, table: str = "Table 1") -> pd.DataFrame:
    """Read one table of a DESA migrant-stock workbook into the tidy layout (module docstring).

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` workbook.
    table : str
        Sheet name: ``"Table 1"`` (stock) ... ``"Table 6"`` (refugees).

    Returns
    -------
    pandas.DataFrame
    """
    path = Path(path)
    try:
        raw = pd.read_excel(path, sheet_name=table, header=None, dtype=object)
    except (OSError, ValueError) as exc:
        raise MhrError(f"cannot read sheet {table!r} of {path}: {exc}") from exc
    cells = raw.astype(str)
    code_hits = np.argwhere(
        cells.apply(lambda c: c.str.fullmatch(r"\s*(Location )?[Cc]ode\s*")).to_numpy()
    )
    if not len(code_hits):
        raise MhrError(f"{path} {table}: no header row with a 'Code' column found")
    head, code_col = int(code_hits[0][0]), int(code_hits[0][1])
    year_row = next(
        (
            r
            for r in range(head, min(head + 3, len(raw)))
            if sum(_is_year(v) for v in raw.iloc[r]) >= 3
        ),
        None,
    )
    if year_row is None:
        raise MhrError(f"{path} {table}: no row of years under the header")
    header = raw.iloc[head].tolist()
    name_col = code_col - 2 if code_col >= 2 else 1
    type_col = next((i for i, v in enumerate(header) if "type of data" in str(v).lower()), None)
    notes_col = next((i for i, v in enumerate(header) if str(v).strip().lower() == "notes"), None)
    # block label of every value column: the header text, carried forward over the years
    label, blocks = "", []
    for col in range(len(header)):
        text = header[col]
        if isinstance(text, str) and text.strip() and col > code_col and col != type_col:
            label = text
        blocks.append(label)
    value_cols = [
        c
        for c in range(len(header))
        if _is_year(raw.iat[year_row, c]) and c > code_col and c != type_col
    ]
    measures = TABLE_MEASURES.get(table, [table.lower().replace(" ", "_")])
    order = list(dict.fromkeys(blocks[c] for c in value_cols))
    non_sex = [b for b in order if _sex_of(b, table) == "_T"]
    records = []
    kind = "world"
    for r in range(year_row + 1, len(raw)):
        name = raw.iat[r, name_col]
        if not isinstance(name, str) or not name.strip():
            continue
        code = raw.iat[r, code_col]
        if code is None or (isinstance(code, float) and np.isnan(code)) or str(code).strip() == "":
            kind = name.strip()  # a heading row: the kind of the aggregates below it
            continue
        try:
            m49 = int(code)
        except (TypeError, ValueError):
            continue
        area_kind = "country" if m49 < 900 else ("world" if m49 == 900 else kind)
        iso3 = m49_to_iso3(m49) if m49 < 900 else None
        dtype_code = raw.iat[r, type_col] if type_col is not None else None
        for c in value_cols:
            block = blocks[c]
            sex = _sex_of(block, table)
            idx = non_sex.index(block) if block in non_sex and len(measures) > 1 else 0
            value = raw.iat[r, c]
            value = np.nan if value is None or str(value).strip() in ("..", "", "nan") else value
            records.append(
                {
                    "ref_area": iso3 or f"{m49:03d}",
                    "m49": m49,
                    "area_name": re.sub(r"\s*\*+$", "", name.strip()),
                    "area_kind": area_kind,
                    "time_period": str(raw.iat[year_row, c]).strip(),
                    "sex": sex,
                    "measure": measures[min(idx, len(measures) - 1)],
                    "value": float(value),
                    "data_type": (
                        str(dtype_code).strip()
                        if isinstance(dtype_code, str) and dtype_code.strip()
                        else None
                    ),
                    "notes": (
                        str(raw.iat[r, notes_col]).strip()
                        if notes_col is not None
                        and raw.iat[r, notes_col] is not None
                        and str(raw.iat[r, notes_col]).strip() not in ("", "nan")
                        else None
                    ),
                }
            )
    out = pd.DataFrame.from_records(records)
    if out.empty:
        raise MhrError(f"{path} {table}: no data rows found")
    if table == "Table 2":
        out["value"] = out["value"] * 1000  # thousands -> persons
    # an area listed under two groupings (2019: Oceania, 909, as a geographic and an SDG region)
    # is kept once, provided its figures agree
    key = ["m49", "time_period", "sex", "measure"]
    repeated = out[out.duplicated(key, keep=False)]
    if len(repeated):
        differ = repeated.groupby(key, dropna=False)["value"].nunique(dropna=False) > 1
        if differ.any():
            m49 = differ[differ].index[0][0]
            raise MhrError(f"{path} {table}: area {m49} appears twice with different figures")
        out = out.drop_duplicates(key, keep="first").reset_index(drop=True)
    return out


def read_undesa_stock(path: str | Path) -> pd.DataFrame:
    """The migrant stock (Table 1), total population (Table 2, in persons) and refugee stock
    (Table 6) of a DESA workbook, as one tidy ``MigrantStock`` table ready for :func:`compute`.

    The type-of-data code of each area (from Table 1) is attached to every row of that area.
    """
    stock = read_undesa_table(path, "Table 1")
    pop = read_undesa_table(path, "Table 2")
    parts = [stock, pop]
    try:
        refugees = read_undesa_table(path, "Table 6")
        parts.append(refugees[refugees["measure"] == "refugees"])
    except MhrError:
        pass
    codes = stock.groupby("m49")["data_type"].first()
    out = pd.concat(parts, ignore_index=True)
    out["data_type"] = out["m49"].map(codes)
    return out
