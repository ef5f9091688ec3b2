"""A DESA migrant-stock workbook read end to end (:func:`read_undesa`) or one table of it
(:func:`read_undesa_table`): the file opened, its edition and Notes sheet read, the six tables,
the checks of Tables 3-6, the stock table and the data-quality report put together."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import MhrError
from .cells import cell_text
from .checks import check_findings, check_published
from .spec import REPORT_COLUMNS, SHEETS, TABLES
from .stock import stock_table, type_code_findings
from .tables import read_sheet


@dataclass(frozen=True)
class UndesaWorkbook:
    """A DESA migrant-stock workbook read end to end.

    Attributes
    ----------
    edition : str
        The edition's year (``"2019"``, ``"2020"``), from the workbook's title.
    tables : dict of str to pandas.DataFrame
        The six tables in the tidy layout of the package docstring
        (``sources/undesa/__init__.py``; Table 2 in persons).
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


def _open(path: str | Path, sheets: str | list[str] | None) -> dict[str, pd.DataFrame]:
    """The workbook's sheets as raw cells (no header, no type or NA guessing)."""
    path = Path(path)
    try:
        # no NA detection: "n/a", "NA", "-" stay text, to be read or refused by cells.cell_value
        return pd.read_excel(path, sheet_name=sheets, header=None, dtype=object, na_filter=False)
    except FileNotFoundError as exc:
        raise MhrError(f"cannot read {path}: no such file") from exc
    except ValueError as exc:  # a sheet that is not there, or not a workbook
        raise MhrError(f"cannot read {path}: {exc}") from exc
    except OSError as exc:
        raise MhrError(f"cannot read {path}: {exc}") from exc


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
    """The edition's year from a title in the first 15 rows of a sheet, else from the file
    name."""
    for raw in book.values():
        for value in raw.head(15).to_numpy().ravel():
            text = cell_text(value) or ""
            found = re.search(r"International Migrant Stock (\d{4})", text) or re.search(
                r"MigrantStock\w*_(\d{4})", text
            )
            if found:
                return found.group(1)
    found = re.search(r"(19|20)\d{2}", path.name)
    return found.group(0) if found else None


def read_undesa_table(path: str | Path, table: str = "Table 1") -> pd.DataFrame:
    """Read one table of a DESA migrant-stock workbook into the tidy layout (package docstring,
    ``sources/undesa/__init__.py``).

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
    if table not in TABLES:
        raise MhrError(f"unknown table {table!r}; a DESA workbook has {', '.join(SHEETS)}")
    book = _open(path, None)
    if table not in book:
        raise MhrError(f"{path}: no sheet {table!r} (sheets: {', '.join(book)})")
    report: list[dict] = []
    out = read_sheet(book[table], Path(path), table, _read_notes(book), report)
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
        s: read_sheet(book[s], path, s, notes_text, report, footnotes=s == "Table 1")
        for s in SHEETS
    }
    report += type_code_findings(tables, path)
    checks = check_published(tables)
    stock = stock_table(tables, checks)
    report += check_findings(checks, tables["Table 1"], notes_text, path.name)
    frame = pd.DataFrame(report, columns=REPORT_COLUMNS)
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
    (Table 6) of a DESA workbook, as one tidy ``MigrantStock`` table ready for
    :func:`mhr_indicators.compute`.

    Shorthand for ``read_undesa(path).stock``; the type-of-data code of each area (from Table 1)
    is on every row of that area, and ``obs_status`` marks rows whose derived figures the
    workbook contradicts (:data:`~mhr_indicators.sources.undesa.INCONSISTENT`).
    ``attrs["report"]`` holds the data-quality report as records.
    """
    book = read_undesa(path)
    stock = book.stock
    stock.attrs["report"] = book.report.to_dict("records")
    return stock
