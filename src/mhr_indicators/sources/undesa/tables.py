"""One sheet of a DESA workbook read into tidy rows (the layout of the package docstring,
``sources/undesa/__init__.py``), with its findings for the data-quality report: footnote marks
on labels and areas, areas listed twice, aggregates not in the shipped list, type-of-data codes
written otherwise than their normal form, and cell markers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import MhrError
from ..m49 import m49_to_iso3
from .cells import cell_text, cell_value, col_letters, data_type_code, period_of
from .layout import SheetLayout, column_blocks, label_marks
from .spec import MARKERS, TABLES, undesa_groupings


def read_sheet(
    raw: pd.DataFrame,
    path: Path,
    table: str,
    notes_text: dict[str, str],
    report: list[dict],
    footnotes: bool = True,
) -> pd.DataFrame:
    """One sheet in the tidy layout; its findings appended to ``report``.

    Parameters
    ----------
    raw : pandas.DataFrame
        The sheet's cells, no header.
    path : pathlib.Path
        The workbook, for messages and the report's ``file``.
    table : str
        The sheet (``"Table 1"`` ... ``"Table 6"``).
    notes_text : dict of str to str
        The texts of the workbook's Notes sheet, by mark, quoted in the report.
    report : list of dict
        The findings so far (records with the columns of the report); appended to.
    footnotes : bool
        Whether the footnotes of areas are reported (once per workbook is enough).

    Returns
    -------
    pandas.DataFrame
        One row per area, period, sex and measure (Table 2 in persons).

    Raises
    ------
    MhrError
        When the layout is not found, a code is not a number, a cell holds neither a figure nor
        a marker, an area is listed twice with different figures, or no area row is read.
    """
    reader = _SheetReader(raw, path, table, notes_text, report, footnotes)
    reader.report_label_marks()
    for r in range(max(reader.layout.header, reader.layout.year_row) + 1, len(raw)):
        reader.read_row(r)
    out = pd.DataFrame.from_records(reader.records)
    if out.empty:
        raise MhrError(f"{path}, sheet {table!r}: no data rows below header row")
    if TABLES[table].thousands:
        out["value"] = out["value"] * 1000  # thousands -> persons
    return out


class _SheetReader:
    """The reading of one sheet, row by row: its layout, the records read and the areas seen."""

    def __init__(
        self,
        raw: pd.DataFrame,
        path: Path,
        table: str,
        notes_text: dict[str, str],
        report: list[dict],
        footnotes: bool,
    ):
        self.raw, self.path, self.table = raw, path, table
        self.notes_text, self.report, self.footnotes = notes_text, report, footnotes
        self.layout = SheetLayout(raw, str(path), table)
        self.blocks = column_blocks(self.layout, table)
        self.groupings = undesa_groupings().set_index("m49")
        self.records: list[dict] = []
        self.first_row: dict[int, int] = {}
        # figures of every area read, to compare an area listed again
        self.figures: dict[int, dict[tuple[str, str, str], float]] = {}

    def base(self, r: int, c: int | None, m49: int | None, area: str | None) -> dict:
        """The location fields of a finding at 0-based row ``r`` and column ``c``."""
        return {
            "file": self.path.name,
            "sheet": self.table,
            "row": r + 1,
            "column": col_letters(c) if c is not None else "",
            "m49": m49,
            "area": area,
        }

    def report_label_marks(self) -> None:
        """Report each footnote mark on a block label, with the note's text."""
        for c, label, key in label_marks(self.layout):
            self.report.append(
                {
                    **self.base(self.layout.label_row, c, None, None),
                    "problem": f"footnote mark {key!r} on block label {label!r}"
                    + (f": {self.notes_text[key]}" if key in self.notes_text else ""),
                    "resolution": "mark ignored in reading the label",
                }
            )

    def read_row(self, r: int) -> None:
        """Read row ``r``: skipped without a name or a code (a heading row), compared with the
        first listing of an area listed again, else its records appended."""
        name = cell_text(self.raw.iat[r, self.layout.name_col])
        if name is None:
            return
        m49 = self._area_code(r, name)
        if m49 is None:
            return  # a heading row (2019: "Geographic regions", ...): kinds come from codes
        area = re.sub(r"\s*\*+$", "", name)
        note = self._note(r)
        if self.footnotes and (note or area != name):
            self._report_footnote(r, m49, area, note)
        if m49 in self.first_row:
            self._repeated_area(r, m49, area, name)
            return
        self.first_row[m49] = r
        kind = self._area_kind(r, m49, area)
        dtype = self._data_type(r, m49, area)
        self._figures(r, m49, area, name, kind=kind, dtype=dtype, note=note)

    def _area_code(self, r: int, name: str) -> int | None:
        """The M49 code of row ``r``; None when the code cell is blank."""
        code = self.raw.iat[r, self.layout.code_col]
        if code is None or (isinstance(code, float) and np.isnan(code)) or not str(code).strip():
            return None
        try:
            return int(float(str(code).strip()))
        except ValueError:
            raise MhrError(
                f"{self.path}, sheet {self.table!r}, cell {col_letters(self.layout.code_col)}"
                f"{r + 1}: location code {code!r} of {name!r} is not a number"
            ) from None

    def _note(self, r: int) -> str | None:
        """The footnote marks in the Notes column of row ``r``, if any."""
        if self.layout.notes_col is None:
            return None
        note = cell_text(str(self.raw.iat[r, self.layout.notes_col]))
        return None if note in (None, "nan", "None") else note

    def _report_footnote(self, r: int, m49: int, area: str, note: str | None) -> None:
        keys = note.split() if note else []
        text = "; ".join(self.notes_text[k] for k in keys if k in self.notes_text)
        self.report.append(
            {
                **self.base(r, self.layout.notes_col if note else self.layout.name_col, m49, area),
                "problem": "footnote"
                + (f" {', '.join(keys)}" if keys else " mark '*' (see the Notes sheet)")
                + (f": {text}" if text else ""),
                "resolution": "kept in the notes column" if note else "mark removed",
            }
        )

    def _repeated_area(self, r: int, m49: int, area: str, name: str) -> None:
        """An area listed again: an error unless its figures are those of its first listing."""
        before = self.figures[m49]
        year_row = self.layout.year_row
        same = all(
            np.isclose(
                cell_value(self.raw.iat[r, c], self.path, self.table, r, c, name, None, None),
                before[(period_of(self.raw.iat[year_row, c]), sex, measure)],
                rtol=0,
                atol=0,
                equal_nan=True,
            )
            for c, (measure, sex) in self.blocks.items()
        )
        first = self.first_row[m49] + 1
        if not same:
            raise MhrError(
                f"{self.path}, sheet {self.table!r}: area {m49} ({area}) is listed on rows "
                f"{first} and {r + 1} with different figures"
            )
        self.report.append(
            {
                **self.base(r, self.layout.code_col, m49, area),
                "problem": f"area listed twice (rows {first} and {r + 1}), same figures",
                "resolution": "kept once",
            }
        )

    def _area_kind(self, r: int, m49: int, area: str) -> str:
        """``country`` below 900, else the kind of the shipped grouping (``aggregate``, reported,
        for a code not in the list)."""
        if m49 < 900:
            return "country"
        if m49 in self.groupings.index:
            return self.groupings.at[m49, "kind"]
        self.report.append(
            {
                **self.base(r, self.layout.code_col, m49, area),
                "problem": "aggregate code not in the shipped list of DESA groupings",
                "resolution": "area_kind 'aggregate'",
            }
        )
        return "aggregate"

    def _data_type(self, r: int, m49: int, area: str) -> str | None:
        """The normalised type-of-data code of row ``r`` (None without the column)."""
        col = self.layout.type_col
        if col is None:
            return None
        return data_type_code(
            self.raw.iat[r, col],
            f"{self.path}, sheet {self.table!r}, cell {col_letters(col)}{r + 1}",
            self.report,
            self.base(r, col, m49, area),
        )

    def _figures(
        self,
        r: int,
        m49: int,
        area: str,
        name: str,
        *,
        kind: str,
        dtype: str | None,
        note: str | None,
    ) -> None:
        """Append the records of row ``r`` (one per value column, with the area's ``kind``,
        type-of-data code ``dtype`` and footnote ``note``); report its cell markers."""
        marked: dict[str, list[str]] = {}
        iso3 = m49_to_iso3(m49) if m49 < 900 else None
        self.figures[m49] = {}
        for c, (measure, sex) in self.blocks.items():
            period = period_of(self.raw.iat[self.layout.year_row, c])
            value = cell_value(
                self.raw.iat[r, c], self.path, self.table, r, c, name, marked, f"{period} {sex}"
            )
            self.figures[m49][(period, sex, measure)] = value
            self.records.append(
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
            self.report.append(
                {
                    **self.base(r, None, m49, area),
                    "problem": f"{MARKERS[marker]} in {len(cells)} cell(s): " + ", ".join(cells),
                    "resolution": "value missing",
                }
            )
