"""The layout of one DESA sheet, found from its own labels: the header row and its columns (code,
area name, notes, type of data), the row of years or periods, the block labels above the year
columns and the (measure, sex) each gives a value column, and the footnote marks on labels.

Every rule is in the package docstring (``sources/undesa/__init__.py``); what is not found stops
the reader with an :class:`~mhr_indicators.errors.MhrError` naming the file, sheet, row and label.
"""

from __future__ import annotations

import re

import pandas as pd

from ...errors import MhrError
from .cells import cell_text, col_letters, is_period, period_of
from .spec import SEX_WORDS, TABLES

_LABEL_MARK = re.compile(r"(?:\)\s*|\s)\(?([a-z])\)?$|\)([a-z])$")


class SheetLayout:
    """The layout of one sheet, found from its labels.

    Parameters
    ----------
    raw : pandas.DataFrame
        The sheet's cells, no header (``pandas.read_excel(..., header=None, dtype=object)``).
    where : str
        The file, for messages.
    sheet : str
        The sheet's name, for messages.

    Attributes
    ----------
    where : str
        ``"<file>, sheet '<sheet>'"``, the start of every message.
    raw : pandas.DataFrame
        The sheet's cells.
    header, code_col, name_col : int
        The header row (0-based) and its code and area-name columns.
    notes_col, type_col : int or None
        The ``Notes`` and ``Type of data`` columns, when the header has them.
    year_row : int
        The row of years or periods (the header row or one of the two below it).
    value_cols : list of int
        The columns holding a year or period on ``year_row``, right of the code.
    label_row : int
        The row of block labels above the first value column.
    labels : dict of int to str
        The block label of every value column (a label spans the columns up to the next one).

    Raises
    ------
    MhrError
        When the header row, its area-name column, the row of years or the block labels are
        not found.
    """

    def __init__(self, raw: pd.DataFrame, where: str, sheet: str):
        self.where = f"{where}, sheet {sheet!r}"
        self.raw = raw
        self.header, self.code_col = _header_cell(raw, self.where)
        header = [cell_text(v) or "" for v in raw.iloc[self.header]]
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
        self.year_row = _year_row(raw, self.header, self.code_col, self.where)
        self.value_cols = [
            c
            for c in range(self.code_col + 1, raw.shape[1])
            if c != self.type_col and is_period(raw.iat[self.year_row, c])
        ]
        self.label_row = _label_row(raw, self.header, self.year_row, self.value_cols[0], self.where)
        self.labels: dict[int, str] = {}
        label = ""
        for c in range(self.value_cols[0], self.value_cols[-1] + 1):
            label = cell_text(raw.iat[self.label_row, c]) or label
            if c in self.value_cols:
                self.labels[c] = label


def _header_cell(raw: pd.DataFrame, where: str) -> tuple[int, int]:
    """(row, column) of the first cell reading ``Code`` or ``Location code`` in the first 60
    rows."""
    hits = [
        (r, c)
        for r in range(min(len(raw), 60))
        for c in range(raw.shape[1])
        if re.fullmatch(r"(location\s+)?code", cell_text(raw.iat[r, c]) or "", re.I)
    ]
    if not hits:
        raise MhrError(
            f"{where}: no header row found: no cell reads 'Code' or 'Location code' in "
            "the first 60 rows (unknown layout; expected a DESA International Migrant Stock "
            "table)"
        )
    return hits[0]


def _year_row(raw: pd.DataFrame, header: int, code_col: int, where: str) -> int:
    """The first row, from the header down two, with at least three years right of the code."""
    found = next(
        (
            r
            for r in range(header, min(header + 3, len(raw)))
            if sum(is_period(raw.iat[r, c]) for c in range(code_col + 1, raw.shape[1])) >= 3
        ),
        None,
    )
    if found is None:
        raise MhrError(
            f"{where}: no row of years (1990, ... or 1990-1995, ...) at or below "
            f"header row {header + 1}"
        )
    return found


def _label_row(raw: pd.DataFrame, header: int, year_row: int, first: int, where: str) -> int:
    """The nearest row at or above the header (up to five above), other than the year row,
    with text in the first value column ``first``."""
    found = next(
        (
            r
            for r in range(header, max(header - 6, -1), -1)
            if r != year_row and cell_text(raw.iat[r, first])
        ),
        None,
    )
    if found is None:
        raise MhrError(
            f"{where}: no block label (e.g. '..., both sexes') found above the year "
            f"columns, in column {col_letters(first)} of rows {max(header - 4, 1)}-"
            f"{header + 1}"
        )
    return found


def column_blocks(layout: SheetLayout, table: str) -> dict[int, tuple[str, str]]:
    """(measure, sex) of every value column, from its block label.

    Parameters
    ----------
    layout : SheetLayout
        The sheet's layout.
    table : str
        The sheet (``"Table 1"`` ... ``"Table 6"``), whose measures the labels must name.

    Returns
    -------
    dict of int to (str, str)
        By value column.

    Raises
    ------
    MhrError
        When a label names none of the table's measures or (tables by sex) not exactly one sex,
        when two columns hold the same measure, sex and period, or when a measure lacks a sex.
    """
    out = {c: _block_of(layout, table, c, label) for c, label in layout.labels.items()}
    seen: dict[tuple[str, str, str], int] = {}
    for c, (measure, sex) in out.items():
        key = (measure, sex, period_of(layout.raw.iat[layout.year_row, c]))
        if key in seen:
            raise MhrError(
                f"{layout.where}: columns {col_letters(seen[key])} and {col_letters(c)} both "
                f"hold {measure}, sex {sex}, {key[2]} (block labels on row {layout.label_row + 1})"
            )
        seen[key] = c
    spec = TABLES[table]
    for measure, _ in spec.measures:
        sexes = {s for m, s in out.values() if m == measure}
        expected = {"_T", "M", "F"} if spec.by_sex else {"_T"}
        if sexes != expected:
            raise MhrError(
                f"{layout.where}: the block labels on row {layout.label_row + 1} give {measure} "
                f"for sex {sorted(sexes)}; expected {sorted(expected)}"
            )
    return out


def _block_of(layout: SheetLayout, table: str, c: int, label: str) -> tuple[str, str]:
    """(measure, sex) that the block label ``label`` of column ``c`` names."""
    spec = TABLES[table]
    measure = next((m for m, pat in spec.measures if re.search(pat, label, re.I)), None)
    if measure is None:
        raise MhrError(
            f"{layout.where}: block label {label!r} (row {layout.label_row + 1}, column "
            f"{col_letters(c)}) does not name the measure of {table} "
            f"({' or '.join(repr(p) for _, p in spec.measures)})"
        )
    if not spec.by_sex:
        return measure, "_T"
    found = [code for pat, code in SEX_WORDS if re.search(pat, label, re.I)]
    if len(found) != 1:
        raise MhrError(
            f"{layout.where}: block label {label!r} (row {layout.label_row + 1}, column "
            f"{col_letters(c)}) names no sex (expected one of 'both sexes', 'male(s)', "
            "'female(s)')"
        )
    return measure, found[0]


def label_marks(layout: SheetLayout) -> list[tuple[int, str, str]]:
    """Footnote marks on the block labels: (first column, label, mark) for each distinct label
    ending in a mark (``"... (a)"``, ``"... a"``, ``"...)b"``)."""
    out: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for c, label in layout.labels.items():
        mark = _LABEL_MARK.search(label)
        if mark and label not in seen:
            seen.add(label)
            out.append((c, label, mark.group(1) or mark.group(2)))
    return out
