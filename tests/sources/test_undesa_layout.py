"""The DESA reader on small workbooks written here in the 2020 layout: what it finds from the
labels, and the errors a workbook of another layout gets (file, sheet, row or cell, rule)."""

from __future__ import annotations

import math

import numpy as np
import openpyxl
import pytest

import mhr_indicators as mhr
from mhr_indicators.errors import MhrError
from mhr_indicators.sources import read_undesa, read_undesa_table

LABELS = (
    "International migrant stock at mid-year, both sexes combined",
    "International migrant stock at mid-year, males",
    "International migrant stock at mid-year, females",
)
YEARS = (1990, 1995, 2000)


def _write(path, *, labels=LABELS, header_code="Location code", rows=None, sheets=("Table 1",)):
    """A workbook with the 2020 layout: title on row 2, block labels on row 8 above columns F,
    I, L, header on row 11 (years from column F), areas from row 12."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    rows = rows or [
        (1, "WORLD", None, 900, None, [100, 110, 120, 60, 66, 70, 40, 44, 50]),
        (2, "   Kenya*", 7, 404, "B R", [10, 11, "~", 6, 6, "..", 4, 5, ".."]),
    ]
    for name in sheets:
        ws = wb.create_sheet(name)
        ws["E2"] = "International Migrant Stock 2020: Destination"
        for k, label in enumerate(labels):
            if label is not None:
                ws.cell(row=8, column=6 + 3 * k, value=label)
        header = ["Region, development group, country or area", "Notes", header_code]
        for c, v in enumerate([*header, "Type of data", *(YEARS * 3)], start=2):
            ws.cell(row=11, column=c, value=v)
        for r, (index, name_, note, code, dtype, values) in enumerate(rows, start=12):
            for c, v in enumerate([index, name_, note, code, dtype, *values], start=1):
                ws.cell(row=r, column=c, value=v)
    wb.save(path)
    return path


def test_blocks_found_from_the_labels(tmp_path):
    table = read_undesa_table(_write(tmp_path / "ok.xlsx"), "Table 1")
    kenya = table[table["ref_area"] == "KEN"].set_index(["time_period", "sex"])["value"]
    assert kenya[("1990", "_T")] == 10 and kenya[("1995", "M")] == 6 and kenya[("1995", "F")] == 5
    assert math.isnan(kenya[("2000", "_T")]) and math.isnan(kenya[("2000", "F")])
    assert set(table["area_name"]) == {"WORLD", "Kenya"}
    assert table.loc[table["m49"] == 900, "area_kind"].iloc[0] == "world"
    assert (table.loc[table["m49"] == 404, "data_type"] == "B R").all()
    report = table.attrs["report"]
    problems = [r["problem"] for r in report]
    assert any(p.startswith("'~'") and "1 cell(s): 2000 _T" in p for p in problems)
    assert any(p.startswith("'..'") and "2 cell(s)" in p for p in problems)
    assert any(r["problem"].startswith("footnote 7") and r["row"] == 13 for r in report)


def test_no_label_above_the_header(tmp_path):
    path = _write(tmp_path / "nolabels.xlsx", labels=(None, None, None))
    with pytest.raises(MhrError, match=r"nolabels\.xlsx, sheet 'Table 1': no block label") as e:
        read_undesa_table(path)
    assert "column F" in str(e.value)


def test_a_label_without_sex(tmp_path):
    labels = ("International migrant stock at mid-year", *LABELS[1:])
    with pytest.raises(
        MhrError, match=r"block label 'International migrant stock at mid-year' \(row 8"
    ):
        read_undesa_table(_write(tmp_path / "nosex.xlsx", labels=labels))


def test_two_blocks_of_one_sex(tmp_path):
    labels = (LABELS[0], LABELS[1], LABELS[1])
    with pytest.raises(MhrError, match="columns I and L both hold migrant_stock, sex M, 1990"):
        read_undesa_table(_write(tmp_path / "twice.xlsx", labels=labels))


def test_four_blocks_two_of_one_sex(tmp_path):
    path = _write(tmp_path / "four.xlsx", labels=(*LABELS, LABELS[2]))
    # the fourth block's years sit beyond the header written by _write: extend it
    import openpyxl as xl

    wb = xl.load_workbook(path)
    for k, year in enumerate(YEARS):
        wb["Table 1"].cell(row=11, column=15 + k, value=year)
    wb.save(path)
    with pytest.raises(MhrError, match="columns L and O both hold migrant_stock, sex F, 1990"):
        read_undesa_table(path)


def test_text_that_only_looks_like_a_number(tmp_path):
    rows = [(1, "Kenya", None, 404, "B", [10, "nan", 12, 6, 6, 7, 4, 5, 5])]
    with pytest.raises(MhrError, match="cell G12 \\(Kenya\\): 'nan' is not a figure"):
        read_undesa_table(_write(tmp_path / "nan.xlsx", rows=rows))


def test_a_label_naming_another_measure(tmp_path):
    labels = tuple(label.replace("migrant stock", "population") for label in LABELS)
    with pytest.raises(MhrError, match="does not name the measure of Table 1"):
        read_undesa_table(_write(tmp_path / "measure.xlsx", labels=labels))


def test_no_header_row(tmp_path):
    path = _write(tmp_path / "nocode.xlsx", header_code="M49")
    with pytest.raises(MhrError, match="no header row found: no cell reads 'Code' or 'Location"):
        read_undesa_table(path)


def test_a_cell_that_is_no_figure(tmp_path):
    rows = [(1, "Kenya", None, 404, "B", [10, "n/a", 12, 6, 6, 7, 4, 5, 5])]
    with pytest.raises(MhrError, match=r"cell G12 \(Kenya\): 'n/a' is not a figure"):
        read_undesa_table(_write(tmp_path / "cell.xlsx", rows=rows))


def test_an_unknown_type_of_data_code(tmp_path):
    rows = [(1, "Kenya", None, 404, "B X", [10, 11, 12, 6, 6, 7, 4, 5, 5])]
    with pytest.raises(MhrError, match=r"cell E12: type of data 'B X' is not made of the codes"):
        read_undesa_table(_write(tmp_path / "type.xlsx", rows=rows))


def test_an_area_twice_with_different_figures(tmp_path):
    rows = [
        (1, "Kenya", None, 404, "B", [10, 11, 12, 6, 6, 7, 4, 5, 5]),
        (2, "Kenya", None, 404, "B", [10, 11, 13, 6, 6, 7, 4, 5, 6]),
    ]
    with pytest.raises(MhrError, match="area 404 \\(Kenya\\) is listed on rows 12 and 13"):
        read_undesa_table(_write(tmp_path / "twice.xlsx", rows=rows))


def test_a_workbook_without_the_six_tables(tmp_path):
    path = _write(tmp_path / "one.xlsx")
    with pytest.raises(MhrError, match=r"sheets \['Table 2', .*'Table 6'\] not found"):
        read_undesa(path)
    with pytest.raises(MhrError, match="no such file"):
        read_undesa(tmp_path / "absent.xlsx")


def test_obs_status_marks_flow_into_compute():
    """By hand: area AAA's 1990 stock is on another base (marked D); its population is not."""
    import pandas as pd

    rows = []
    for area, year, sex, measure, value, status in [
        ("AAA", "1990", "_T", "migrant_stock", 300, "D"),
        ("AAA", "1990", "F", "migrant_stock", 120, "D"),
        ("AAA", "1990", "_T", "population", 100, ""),
        ("AAA", "1995", "_T", "migrant_stock", 40, ""),
        ("AAA", "1995", "F", "migrant_stock", 20, ""),
        ("AAA", "1995", "_T", "population", 200, ""),
        ("BBB", "1990", "_T", "migrant_stock", 10, ""),
        ("BBB", "1990", "F", "migrant_stock", 5, ""),
        ("BBB", "1990", "_T", "population", 50, ""),
    ]:
        rows.append(
            {
                "ref_area": area,
                "time_period": year,
                "sex": sex,
                "measure": measure,
                "value": float(value),
                "obs_status": status,
            }
        )
    stock = pd.DataFrame(rows)
    res = mhr.compute(
        ["CONTEXT.O.STOCK_PCT", "CONTEXT.O.FEMALE_SHARE", "CONTEXT.O.STOCK_GROWTH"], stock=stock
    ).table.set_index(["indicator_id", "ref_area", "time_period"])
    pct = res.loc[("CONTEXT.O.STOCK_PCT", "AAA", "1990")]
    assert np.isnan(pct["value"]) and pct["flag"] == "D" and bool(pct["suppressed"])
    assert res.loc[("CONTEXT.O.STOCK_PCT", "AAA", "1995"), "value"] == 20.0  # 40 / 200
    assert res.loc[("CONTEXT.O.STOCK_PCT", "BBB", "1990"), "flag"] == ""
    fem = res.loc[("CONTEXT.O.FEMALE_SHARE", "AAA", "1990")]
    assert fem["value"] == 40.0 and fem["flag"] == "D" and not fem["suppressed"]  # 120 / 300
    growth = res.loc[("CONTEXT.O.STOCK_GROWTH", "AAA", "1990-1995")]
    assert np.isnan(growth["value"]) and growth["flag"] == "D" and bool(growth["suppressed"])
