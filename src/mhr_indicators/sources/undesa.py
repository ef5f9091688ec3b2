"""Read UN DESA *International Migrant Stock* workbooks into tidy tables, with a quality report.

Two layouts are read, found from the workbook's own labels rather than from fixed positions:

- *International Migrant Stock 2019* (``UN_MigrantStockTotal_2019.xlsx``): the header row holds
  ``Code``, ``Type of data (a)`` and the block labels ("... (both sexes)", "(male)",
  "(female)"); the years are on the row below; heading rows without a code ("Geographic
  regions", ...) separate the groupings.
- *International Migrant Stock 2020: Destination*
  (``undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx``): the header row holds
  ``Location code``, ``Type of data`` and the years; the block labels ("..., both sexes
  combined", "males", "females") sit a few rows above it; area names carry a ``*`` footnote mark.

Each sheet ``Table 1`` ... ``Table 6`` is located by its header row (a ``Code`` or ``Location
code`` column and a column naming the "country or area"), its row of years or periods, and the
row of block labels above the year columns. Every label must name the sheet's measure and, for
the tables by sex, exactly one of both sexes, males, females; anything else stops the reader with
an error naming the file, sheet, row and the label that was not understood.

Tidy output, one row per area, period, sex and measure: ``ref_area`` (ISO 3166-1 alpha-3 for
areas with one, else the M49 code), ``m49``, ``area_name``, ``area_kind`` (``country``,
``world``, ``development_group``, ``income_group``, ``sdg_region``, ``geographic_region``,
``geographic_subregion``; aggregates from the shipped ``data/undesa_groupings.csv``),
``time_period`` (year, or ``"1990-1995"`` for rates of change), ``sex`` (F/M/_T), ``measure``,
``value``, ``data_type`` and ``notes``.

Type of data: DESA's code of the data behind an area's estimates (B foreign-born, C foreign
citizens, R refugees added, I imputed). It is normalised to its letters separated by one space
(``CR`` and ``C R`` are one code, ``B R `` is ``B R``), and kept. Figures based on citizenship (C)
are not comparable with those based on country of birth (B): results computed from them say so in
their ``population`` column.

Cell markers (the workbooks' Notes sheet): ``..`` data not available, ``~`` protected because
the number, or a number it derives from, is below five, ``—`` less than half the unit. Each
becomes a missing value and is listed in the report. Footnote marks (a ``*`` after an area name,
the number or letter in the ``Notes`` column, a letter after a label) are stripped from names and
labels, kept in ``notes`` and listed in the report with the note's text.

Published versus derived figures: Tables 3-6 publish figures derived from Tables 1, 2 and 6.
:func:`read_undesa` recomputes each of them for every area and period and compares them within
the rounding of the published components (counts rounded to whole persons: ``|d(a/b)| <= 0.5/b +
0.5 a/b^2``; the 2020 workbook agrees everywhere to 1e-15). Each disagreement, and each figure the
workbook leaves blank although its components give it, is listed in the report and marked in the
stock table: ``obs_status`` = :data:`INCONSISTENT` (SDMX ``D``, definition differs) on the
numerator's component for that area and year (:func:`_stock_table` says which).
:func:`mhr_indicators.compute` then withholds, flagged ``D``, every figure that combines a marked
row with an unmarked one, and flags ``D`` those computed from marked rows alone; so a migrant stock
of 295% of the population is never published. The 2019 workbook's cases: Table 3 for Bonaire,
Sint Eustatius and Saba, Sudan and Serbia in 1990-2005 (the workbook's notes: the stock refers to
the former Netherlands Antilles, to Sudan and South Sudan, to Serbia and Montenegro; the
population to the present area) and hence Table 5 across 2005-2010; Table 4 and 6 publish shares
for Sint Maarten 2005 whose stock is ".."; Table 6 leaves blank the refugee share of the State of
Palestine (315-873%: "refugees are not part of the foreign-born migrant stock"), as does the 2020
workbook, whose other published figures all agree.

Source: United Nations, Department of Economic and Social Affairs, Population Division,
International Migrant Stock (CC BY 3.0 IGO).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MhrError
from .m49 import m49_to_iso3

#: Sheets of a migrant-stock workbook, in order.
SHEETS = ("Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Table 6")

#: Value of ``obs_status`` on a stock-table row whose figure the workbook's own published
#: derivations contradict (another population or territory base): SDMX ``OBS_STATUS`` ``D``,
#: "definition differs". :func:`mhr_indicators.compute` withholds what combines it with
#: unmarked rows.
INCONSISTENT = "D"


@dataclass(frozen=True)
class _TableSpec:
    """What one sheet holds: its measures (each found by a pattern in its block label)."""

    measures: tuple[tuple[str, str], ...]  # (measure, regex its label must match)
    by_sex: bool
    thousands: bool = False


_TABLES = {
    "Table 1": _TableSpec((("migrant_stock", r"migrant stock"),), by_sex=True),
    "Table 2": _TableSpec((("population", r"total\s+(\w+\s+)?population"),), True, True),
    "Table 3": _TableSpec(
        (("migrant_stock_pct_population", r"percentage of the total population"),), by_sex=True
    ),
    "Table 4": _TableSpec(
        (("female_pct_migrant_stock", r"female migrants as a percentage"),), by_sex=False
    ),
    "Table 5": _TableSpec(
        (("migrant_stock_annual_rate_of_change", r"rate of change of the migrant stock"),),
        by_sex=True,
    ),
    "Table 6": _TableSpec(
        (
            ("refugees_annual_rate_of_change", r"rate of change of the refugee"),
            ("refugees_pct_migrant_stock", r"refugee.*as a percentage of the"),
            ("refugees", r"refugee"),
        ),
        by_sex=False,
    ),
}
#: Measures of each table (public, for documentation and tests).
TABLE_MEASURES = {name: [m for m, _ in spec.measures] for name, spec in _TABLES.items()}

_SEX_WORDS = ((r"both\s+sexes", "_T"), (r"\bfemales?\b", "F"), (r"\bmales?\b", "M"))
_MARKERS = {
    "..": "'..' (data not available or not reported separately)",
    "~": "'~' (protected: the number, or a number it derives from, is below five)",
    "\u2014": "'\u2014' (magnitude not zero but less than half the unit)",
}
_TYPE_LETTERS = set("BCRI")
_REPORT_COLUMNS = ["file", "sheet", "row", "column", "m49", "area", "problem", "resolution"]
_YEAR = re.compile(r"^(19|20)\d{2}(-(19|20)\d{2})?$")
_NUMBER = re.compile(r"^-?\d+(\.\d*)?([eE][-+]?\d+)?$")
_LABEL_MARK = re.compile(r"(?:\)\s*|\s)\(?([a-z])\)?$|\)([a-z])$")


@dataclass(frozen=True)
class UndesaWorkbook:
    """A DESA migrant-stock workbook read end to end.

    Attributes
    ----------
    edition : str
        The edition's year (``"2019"``, ``"2020"``), from the workbook's title.
    tables : dict of str to pandas.DataFrame
        The six tables in the tidy layout of the module docstring (Table 2 in persons).
    stock : pandas.DataFrame
        Tables 1, 2 and the refugee counts of Table 6 in one table for
        :func:`mhr_indicators.compute`, with ``obs_status`` marking the rows whose derived
        figures the workbook contradicts.
    checks : pandas.DataFrame
        Every published derived figure of Tables 3-6 against the one recomputed from its
        components: ``sheet``, ``measure``, ``m49``, ``ref_area``, ``area_name``,
        ``time_period``, ``sex``, ``published``, ``derived``, ``tolerance``, ``status``
        (``agrees``, ``disagrees``, ``published_only``, ``derived_only``).
    report : pandas.DataFrame
        The data-quality report, one row per finding: ``file``, ``sheet``, ``row`` (Excel row),
        ``column`` (Excel column letters), ``m49``, ``area``, ``problem``, ``resolution``.
    """

    edition: str | None
    tables: dict[str, pd.DataFrame]
    stock: pd.DataFrame
    checks: pd.DataFrame
    report: pd.DataFrame

    @property
    def source(self) -> str:
        """Citation of the edition, for the results table's ``source`` column."""
        return f"UN DESA International Migrant Stock {self.edition or ''}".strip()


@lru_cache(maxsize=1)
def undesa_groupings() -> pd.DataFrame:
    """DESA's aggregates (M49 code 900 and above): ``m49``, ``name``, ``kind``, ``note``.

    Shipped in ``data/undesa_groupings.csv``, compiled from the 2019 workbook's grouping headings
    and the 2020 workbook's list (see ``data/README.md``).
    """
    with resources.files("mhr_indicators").joinpath("data/undesa_groupings.csv").open() as fh:
        table = pd.read_csv(fh, dtype={"name": str, "kind": str, "note": str})
    table["m49"] = table["m49"].astype(int)
    return table


def _col(c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _is_period(value) -> bool:
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and float(value).is_integer()
    ):
        value = str(int(value))
    return isinstance(value, str) and bool(_YEAR.match(value.strip()))


def _period(value) -> str:
    if isinstance(value, (int, float, np.integer, np.floating)):
        return str(int(value))
    return str(value).strip()


class _Sheet:
    """The layout of one sheet, found from its labels; raises MhrError naming what is missing."""

    def __init__(self, raw: pd.DataFrame, where: str, sheet: str):
        self.where = f"{where}, sheet {sheet!r}"
        self.raw = raw
        ncols = raw.shape[1]
        code_hits = [
            (r, c)
            for r in range(min(len(raw), 60))
            for c in range(ncols)
            if re.fullmatch(r"(location\s+)?code", _text(raw.iat[r, c]) or "", re.I)
        ]
        if not code_hits:
            raise MhrError(
                f"{self.where}: no header row found: no cell reads 'Code' or 'Location code' in "
                "the first 60 rows (unknown layout; expected a DESA International Migrant Stock "
                "table)"
            )
        self.header, self.code_col = code_hits[0]
        header = [_text(v) or "" for v in raw.iloc[self.header]]
        names = [c for c, v in enumerate(header) if re.search(r"country or area", v, re.I)]
        if not names:
            raise MhrError(
                f"{self.where}: header row {self.header + 1} has no column naming the "
                "'country or area'"
            )
        self.name_col = names[0]
        self.notes_col = next((c for c, v in enumerate(header) if v.lower() == "notes"), None)
        self.type_col = next(
            (c for c, v in enumerate(header) if v.lower().startswith("type of data")), None
        )
        self.year_row = next(
            (
                r
                for r in range(self.header, min(self.header + 3, len(raw)))
                if sum(_is_period(raw.iat[r, c]) for c in range(self.code_col + 1, ncols)) >= 3
            ),
            None,
        )
        if self.year_row is None:
            raise MhrError(
                f"{self.where}: no row of years (1990, ... or 1990-1995, ...) at or below "
                f"header row {self.header + 1}"
            )
        self.value_cols = [
            c
            for c in range(self.code_col + 1, ncols)
            if c != self.type_col and _is_period(raw.iat[self.year_row, c])
        ]
        first = self.value_cols[0]
        self.label_row = next(
            (
                r
                for r in range(self.header, max(self.header - 6, -1), -1)
                if r != self.year_row and _text(raw.iat[r, first])
            ),
            None,
        )
        if self.label_row is None:
            raise MhrError(
                f"{self.where}: no block label (e.g. '..., both sexes') found above the year "
                f"columns, in column {_col(first)} of rows {max(self.header - 4, 1)}-"
                f"{self.header + 1}"
            )
        self.labels: dict[int, str] = {}
        label = ""
        for c in range(first, self.value_cols[-1] + 1):
            label = _text(raw.iat[self.label_row, c]) or label
            if c in self.value_cols:
                self.labels[c] = label


def _blocks(layout: _Sheet, table: str) -> dict[int, tuple[str, str]]:
    """(measure, sex) of every value column, from its block label; checks the table's blocks."""
    spec = _TABLES[table]
    out: dict[int, tuple[str, str]] = {}
    for c, label in layout.labels.items():
        measure = next((m for m, pat in spec.measures if re.search(pat, label, re.I)), None)
        if measure is None:
            raise MhrError(
                f"{layout.where}: block label {label!r} (row {layout.label_row + 1}, column "
                f"{_col(c)}) does not name the measure of {table} "
                f"({' or '.join(repr(p) for _, p in spec.measures)})"
            )
        sex = "_T"
        if spec.by_sex:
            found = [code for pat, code in _SEX_WORDS if re.search(pat, label, re.I)]
            if len(found) != 1:
                raise MhrError(
                    f"{layout.where}: block label {label!r} (row {layout.label_row + 1}, column "
                    f"{_col(c)}) names no sex (expected one of 'both sexes', 'male(s)', "
                    "'female(s)')"
                )
            sex = found[0]
        out[c] = (measure, sex)
    seen: dict[tuple[str, str, str], int] = {}
    for c, (measure, sex) in out.items():
        key = (measure, sex, _period(layout.raw.iat[layout.year_row, c]))
        if key in seen:
            raise MhrError(
                f"{layout.where}: columns {_col(seen[key])} and {_col(c)} both hold {measure}, "
                f"sex {sex}, {key[2]} (block labels on row {layout.label_row + 1})"
            )
        seen[key] = c
    for measure, _ in spec.measures:
        sexes = {s for m, s in out.values() if m == measure}
        expected = {"_T", "M", "F"} if spec.by_sex else {"_T"}
        if sexes != expected:
            raise MhrError(
                f"{layout.where}: the block labels on row {layout.label_row + 1} give {measure} "
                f"for sex {sorted(sexes)}; expected {sorted(expected)}"
            )
    return out


def _data_type(value, where: str, report: list[dict], base: dict) -> str | None:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if not text.strip() or text.strip().lower() == "nan":
        return None
    letters = [ch for ch in text if not ch.isspace()]
    if set(letters) - _TYPE_LETTERS:
        raise MhrError(
            f"{where}: type of data {text!r} is not made of the codes B (foreign-born), "
            "C (foreign citizens), R (refugees added), I (imputed)"
        )
    code = " ".join(dict.fromkeys(letters))
    if code != text:
        report.append(
            {
                **base,
                "problem": f"type of data written {text!r}",
                "resolution": f"read as {code!r}",
            }
        )
    return code


def _read_notes(book: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Footnote texts of the workbook's Notes sheet, by mark (``"13"``, ``"b"``)."""
    sheet = next((name for name in book if name.strip().lower() == "notes"), None)
    if sheet is None:
        return {}
    notes: dict[str, str] = {}
    for row in book[sheet].itertuples(index=False):
        cells = [
            v
            for v in row
            if v is not None
            and not (isinstance(v, float) and np.isnan(v))
            and not (isinstance(v, str) and not v.strip())
        ]
        if len(cells) >= 2 and isinstance(cells[1], str):
            key = str(cells[0]).strip().strip("()")
            if re.fullmatch(r"\d+|[a-z]", key):
                notes[key] = cells[1].strip()
    return notes


def _edition(book: dict[str, pd.DataFrame], path: Path) -> str | None:
    for raw in book.values():
        for value in raw.head(15).to_numpy().ravel():
            text = _text(value) or ""
            found = re.search(r"International Migrant Stock (\d{4})", text) or re.search(
                r"MigrantStock\w*_(\d{4})", text
            )
            if found:
                return found.group(1)
    found = re.search(r"(19|20)\d{2}", path.name)
    return found.group(0) if found else None


def _read_sheet(
    raw: pd.DataFrame,
    path: Path,
    table: str,
    notes_text: dict[str, str],
    report: list[dict],
    footnotes: bool = True,
) -> pd.DataFrame:
    """One sheet in the tidy layout; its findings appended to ``report``."""
    layout = _Sheet(raw, str(path), table)
    blocks = _blocks(layout, table)
    groupings = undesa_groupings().set_index("m49")
    file = path.name

    def base(r: int, c: int | None, m49, area) -> dict:
        return {
            "file": file,
            "sheet": table,
            "row": r + 1,
            "column": _col(c) if c is not None else "",
            "m49": m49,
            "area": area,
        }

    label_marks = {}
    for c, label in layout.labels.items():
        mark = _LABEL_MARK.search(label)
        if mark and label not in label_marks:
            key = mark.group(1) or mark.group(2)
            label_marks[label] = key
            report.append(
                {
                    **base(layout.label_row, c, None, None),
                    "problem": f"footnote mark {key!r} on block label {label!r}"
                    + (f": {notes_text[key]}" if key in notes_text else ""),
                    "resolution": "mark ignored in reading the label",
                }
            )
    records = []
    first_row: dict[int, int] = {}
    figures: dict[int, dict[tuple[str, str, str], float]] = {}  # per area, for repeated areas
    for r in range(max(layout.header, layout.year_row) + 1, len(raw)):
        name = _text(raw.iat[r, layout.name_col])
        if name is None:
            continue
        code = raw.iat[r, layout.code_col]
        if code is None or (isinstance(code, float) and np.isnan(code)) or not str(code).strip():
            continue  # a heading row (2019: "Geographic regions", ...): kinds come from codes
        try:
            m49 = int(float(str(code).strip()))
        except ValueError:
            raise MhrError(
                f"{path}, sheet {table!r}, cell {_col(layout.code_col)}{r + 1}: location code "
                f"{code!r} of {name!r} is not a number"
            ) from None
        area = re.sub(r"\s*\*+$", "", name)
        note = None
        if layout.notes_col is not None:
            note = _text(str(raw.iat[r, layout.notes_col]))
            note = None if note in (None, "nan", "None") else note
        if footnotes and (note or area != name):
            keys = note.split() if note else []
            text = "; ".join(notes_text[k] for k in keys if k in notes_text)
            report.append(
                {
                    **base(r, layout.notes_col if note else layout.name_col, m49, area),
                    "problem": "footnote"
                    + (f" {', '.join(keys)}" if keys else " mark '*' (see the Notes sheet)")
                    + (f": {text}" if text else ""),
                    "resolution": "kept in the notes column" if note else "mark removed",
                }
            )
        if m49 in first_row:
            before = figures[m49]
            same = all(
                np.isclose(
                    _value(raw.iat[r, c], path, table, r, c, name, None, None),
                    before[(_period(raw.iat[layout.year_row, c]), sex, measure)],
                    rtol=0,
                    atol=0,
                    equal_nan=True,
                )
                for c, (measure, sex) in blocks.items()
            )
            if not same:
                raise MhrError(
                    f"{path}, sheet {table!r}: area {m49} ({area}) is listed on rows "
                    f"{first_row[m49] + 1} and {r + 1} with different figures"
                )
            report.append(
                {
                    **base(r, layout.code_col, m49, area),
                    "problem": f"area listed twice (rows {first_row[m49] + 1} and {r + 1}), "
                    "same figures",
                    "resolution": "kept once",
                }
            )
            continue
        first_row[m49] = r
        if m49 < 900:
            kind = "country"
        elif m49 in groupings.index:
            kind = groupings.at[m49, "kind"]
        else:
            kind = "aggregate"
            report.append(
                {
                    **base(r, layout.code_col, m49, area),
                    "problem": "aggregate code not in the shipped list of DESA groupings",
                    "resolution": "area_kind 'aggregate'",
                }
            )
        dtype = (
            _data_type(
                raw.iat[r, layout.type_col],
                f"{path}, sheet {table!r}, cell {_col(layout.type_col)}{r + 1}",
                report,
                base(r, layout.type_col, m49, area),
            )
            if layout.type_col is not None
            else None
        )
        marked: dict[str, list[str]] = {}
        iso3 = m49_to_iso3(m49) if m49 < 900 else None
        figures[m49] = {}
        for c, (measure, sex) in blocks.items():
            period = _period(raw.iat[layout.year_row, c])
            value = _value(raw.iat[r, c], path, table, r, c, name, marked, f"{period} {sex}")
            figures[m49][(period, sex, measure)] = value
            records.append(
                {
                    "ref_area": iso3 or f"{m49:03d}",
                    "m49": m49,
                    "area_name": area,
                    "area_kind": kind,
                    "time_period": period,
                    "sex": sex,
                    "measure": measure,
                    "value": value,
                    "data_type": dtype,
                    "notes": note,
                }
            )
        for marker, cells in marked.items():
            report.append(
                {
                    **base(r, None, m49, area),
                    "problem": f"{_MARKERS[marker]} in {len(cells)} cell(s): " + ", ".join(cells),
                    "resolution": "value missing",
                }
            )
    out = pd.DataFrame.from_records(records)
    if out.empty:
        raise MhrError(f"{path}, sheet {table!r}: no data rows below header row")
    if _TABLES[table].thousands:
        out["value"] = out["value"] * 1000  # thousands -> persons
    return out


def _value(value, path, table, r, c, name, marked, where) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if text in _MARKERS or not text:
        if marked is not None and text:
            marked.setdefault(text, []).append(where)
        return np.nan
    if _NUMBER.match(text.replace(",", "")):
        return float(text.replace(",", ""))
    raise MhrError(
        f"{path}, sheet {table!r}, cell {_col(c)}{r + 1} ({name}): {text!r} is not a figure, "
        "'..' (not available), '~' (below five, protected) or '\u2014' (less than half the "
        "unit)"
    )


def _open(path: str | Path, sheets) -> dict[str, pd.DataFrame]:
    path = Path(path)
    try:
        # no NA detection: "n/a", "NA", "-" stay text, to be read or refused by _value
        return pd.read_excel(path, sheet_name=sheets, header=None, dtype=object, na_filter=False)
    except FileNotFoundError as exc:
        raise MhrError(f"cannot read {path}: no such file") from exc
    except ValueError as exc:  # a sheet that is not there, or not a workbook
        raise MhrError(f"cannot read {path}: {exc}") from exc
    except OSError as exc:
        raise MhrError(f"cannot read {path}: {exc}") from exc


def read_undesa_table(path: str | Path, table: str = "Table 1") -> pd.DataFrame:
    """Read one table of a DESA migrant-stock workbook into the tidy layout (module docstring).

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` workbook (2019 or 2020 edition).
    table : {"Table 1", ..., "Table 6"}
        Sheet name: stock by sex, population (converted to persons), stock as a percentage of
        the population, female share, annual rate of change, refugees.

    Returns
    -------
    pandas.DataFrame
        One row per area, period, sex and measure. ``attrs["report"]`` holds the sheet's
        findings (records with the columns of :attr:`UndesaWorkbook.report`).

    Raises
    ------
    MhrError
        When the sheet's header row, years or block labels are not found, or a cell holds
        neither a figure nor one of the workbook's markers.
    """
    if table not in _TABLES:
        raise MhrError(f"unknown table {table!r}; a DESA workbook has {', '.join(SHEETS)}")
    book = _open(path, None)
    if table not in book:
        raise MhrError(f"{path}: no sheet {table!r} (sheets: {', '.join(book)})")
    report: list[dict] = []
    out = _read_sheet(book[table], Path(path), table, _read_notes(book), report)
    out.attrs["report"] = report
    return out


def read_undesa(path: str | Path) -> UndesaWorkbook:
    """Read a DESA migrant-stock workbook end to end: all six tables, the stock table for
    :func:`mhr_indicators.compute`, the check of every published derived figure, and the
    data-quality report.

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` workbook (2019 or 2020 edition).

    Returns
    -------
    UndesaWorkbook

    Raises
    ------
    MhrError
        When a sheet is missing or of an unknown layout (the message names the sheet and the
        header row, year row or label that was not found).

    Examples
    --------
    >>> book = read_undesa("undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx")  # doctest: +SKIP
    >>> res = mhr.compute(ids, stock=book.stock, by=["sex"], source=book.source)  # doctest: +SKIP
    """
    path = Path(path)
    book = _open(path, None)
    missing = [s for s in SHEETS if s not in book]
    if missing:
        raise MhrError(
            f"{path}: sheets {missing} not found (sheets: {', '.join(book)}); a DESA migrant "
            "stock workbook has 'Table 1' ... 'Table 6'"
        )
    notes_text = _read_notes(book)
    report: list[dict] = []
    tables = {
        s: _read_sheet(book[s], path, s, notes_text, report, footnotes=s == "Table 1")
        for s in SHEETS
    }
    _type_codes_agree(tables, path, report)
    checks = check_published(tables)
    stock = _stock_table(tables, checks)
    for row in checks[checks["status"] != "agrees"].itertuples(index=False):
        note = tables["Table 1"].loc[tables["Table 1"]["m49"] == row.m49, "notes"].iloc[0]
        keys = note.split() if isinstance(note, str) else []
        why = "; ".join(f"note {k}: {notes_text[k]}" for k in keys if k in notes_text)
        report.append(
            {
                "file": path.name,
                "sheet": row.sheet,
                "row": None,
                "column": "",
                "m49": row.m49,
                "area": row.area_name,
                "problem": _check_text(row) + (f" ({why})" if why else ""),
                "resolution": _CHECK_RESOLUTION[row.status],
            }
        )
    frame = pd.DataFrame(report, columns=_REPORT_COLUMNS)
    frame[["row", "m49"]] = frame[["row", "m49"]].astype("Int64")
    return UndesaWorkbook(
        edition=_edition(book, path),
        tables=tables,
        stock=stock,
        checks=checks,
        report=frame,
    )


def read_undesa_stock(path: str | Path) -> pd.DataFrame:
    """The migrant stock (Table 1), total population (Table 2, in persons) and refugee stock
    (Table 6) of a DESA workbook, as one tidy ``MigrantStock`` table ready for :func:`compute`.

    Shorthand for ``read_undesa(path).stock``; the type-of-data code of each area (from Table 1)
    is on every row of that area, and ``obs_status`` marks rows whose derived figures the
    workbook contradicts (:data:`INCONSISTENT`). ``attrs["report"]`` holds the data-quality
    report as records.
    """
    book = read_undesa(path)
    stock = book.stock
    stock.attrs["report"] = book.report.to_dict("records")
    return stock


def _type_codes_agree(tables: dict[str, pd.DataFrame], path: Path, report: list[dict]) -> None:
    first = tables["Table 1"].groupby("m49")["data_type"].first()
    for sheet, table in tables.items():
        codes = table.groupby("m49")["data_type"].first()
        both = pd.concat([first.rename("t1"), codes.rename("here")], axis=1, join="inner")
        differ = both[both["here"].notna() & (both["t1"].fillna("") != both["here"].fillna(""))]
        for m49, row in differ.iterrows():
            report.append(
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


# --- published versus derived figures -----------------------------------------------------------

_CHECK_RESOLUTION = {
    "disagrees": f"the numerator's component is marked obs_status {INCONSISTENT!r} in the stock "
    "table: compute withholds this figure and flags the others derived from that component",
    "published_only": "a component is missing: nothing derived; the published figure stays in "
    "its table",
    "derived_only": f"the numerator's component is marked obs_status {INCONSISTENT!r} in the "
    "stock table, so compute withholds the figure too",
}


def _check_text(row) -> str:
    where = f"{row.measure} {row.time_period} sex {row.sex}"
    if row.status == "disagrees":
        return (
            f"{where}: published {row.published:.6g}, derived from the components "
            f"{row.derived:.6g} (beyond their rounding, tolerance {row.tolerance:.2g})"
        )
    if row.status == "published_only":
        return f"{where}: published {row.published:.6g} but a component is missing"
    return f"{where}: derived {row.derived:.6g} but the workbook publishes no figure"


def _wide(table: pd.DataFrame, measure: str) -> pd.Series:
    rows = table[table["measure"] == measure]
    return rows.set_index(["m49", "time_period", "sex"])["value"]


def _ratio_check(num: pd.Series, den: pd.Series, scale: float, rounding: float):
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
    t1, t2, t6 = tables["Table 1"], tables["Table 2"], tables["Table 6"]
    stock = _wide(t1, "migrant_stock")
    pop = _wide(t2, "population")
    refugees = _wide(t6, "refugees")
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
    names = t1.groupby("m49")[["ref_area", "area_name"]].first()
    frames = []
    for sheet, measure, derived, tol in parts:
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
    out = out.join(names, on="m49")
    return out[
        [
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
    ]


#: The component a contradicted (or withheld) published figure marks in the stock table:
#: (measure, sexes: None = all sexes, else the one given; which year of a period).
_MARKED_COMPONENT = {
    "migrant_stock_pct_population": ("migrant_stock", None, "year"),
    "female_pct_migrant_stock": ("migrant_stock", ("F",), "year"),
    "migrant_stock_annual_rate_of_change": ("migrant_stock", None, "start"),
    "refugees_pct_migrant_stock": ("refugees", ("_T",), "year"),
    "refugees_annual_rate_of_change": ("refugees", ("_T",), "start"),
}


def _stock_table(tables: dict[str, pd.DataFrame], checks: pd.DataFrame) -> pd.DataFrame:
    """Tables 1, 2 and 6's refugee counts, with Table 1's type-of-data codes and obs_status.

    Where a published figure contradicts its derivation (``disagrees``), or the workbook leaves
    blank a figure its components give (``derived_only``, e.g. a refugee share above 100%),
    the numerator's component is marked :data:`INCONSISTENT` for the area and year (the start
    of a period): the stock for Tables 3 and 5 (all sexes: a change of territory concerns them
    all), the female stock for Table 4, the refugee stock for Table 6. The population series
    (Table 2) is left unmarked: it is DESA's estimate for the present-day area, while the stock
    follows the territory of the data behind it, as the workbook's notes say for each case.
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
