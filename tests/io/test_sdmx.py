"""SDMX-CSV layout of a results table: header order, codes, and a suppressed row.

The three-row table is built by hand with canonical dtypes, so the module is tested without the
engine (``io/`` does not import ``engine/``).
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from mhr_indicators.io.sdmx import (
    SDMX_DIMENSIONS,
    SDMX_OBS_STATUS,
    STRUCTURE_ID,
    sdmx_csv_frame,
    write_sdmx_csv,
)
from mhr_indicators.vocab import RESULT_COLUMNS

HEADER = [
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "INDICATOR",
    "REF_AREA",
    "TIME_PERIOD",
    "POPULATION",
    "SEX",
    "AGE",
    "SECTOR",
    "LEGAL_STATUS",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "OBS_STATUS",
    "CONF_STATUS",
    "SE",
    "CI_LOWER",
    "CI_UPPER",
    "N_UNWEIGHTED",
    "SOURCE",
]


def _row(population, value, flag="", suppressed=False, **extra) -> dict:
    row = dict.fromkeys(RESULT_COLUMNS)
    row.update(
        indicator_id="WORK.O.EPR",
        type="outcome",
        right="work",
        attribute="Access to decent and productive work",
        ref_area="XSY",
        time_period="2024",
        population=population,
        sex="F",
        age_group="Y15T64",
        sector="_T",
        legal_status="_Z",
        value=value,
        unit="percent",
        se=np.nan if suppressed else 1.0,
        ci_lower=np.nan if suppressed else value - 2.0,
        ci_upper=np.nan if suppressed else value + 2.0,
        cv=np.nan,
        n_unweighted=12 if suppressed else 100,
        n_weighted=1000.0,
        flag=flag,
        suppressed=suppressed,
        source="survey",
    )
    row.update(extra)
    return row


def _table() -> pd.DataFrame:
    """Migrants 60 (flag U), a withheld reference cell (X), and a gap over a year range."""
    rows = [
        _row("foreign_born", 60.0, flag="U"),
        _row("native_born", np.nan, flag="X", suppressed=True),
        _row("gap", -10.0, unit="percentage_points", time_period="2019-2024"),
    ]
    table = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    table["n_unweighted"] = table["n_unweighted"].astype("Int64")
    table["suppressed"] = table["suppressed"].astype(bool)
    return table


def test_dimension_mapping_is_in_sdmx_order():
    assert list(SDMX_DIMENSIONS.values()) == HEADER[3:11]
    assert SDMX_DIMENSIONS["indicator_id"] == "INDICATOR" and SDMX_DIMENSIONS["age_group"] == "AGE"
    assert SDMX_OBS_STATUS["X"] == "Q" and SDMX_OBS_STATUS[""] == "A"


def test_frame_layout_and_codes():
    frame = sdmx_csv_frame(_table(), "AG:FLOW(2.0)", "M")
    assert list(frame.columns) == HEADER
    assert set(frame["STRUCTURE"]) == {"dataflow"} and set(frame["STRUCTURE_ID"]) == {
        "AG:FLOW(2.0)"
    }
    assert set(frame["ACTION"]) == {"M"}
    assert frame["OBS_STATUS"].tolist() == ["U", "Q", "A"]
    assert frame["CONF_STATUS"].tolist() == ["F", "C", "F"]
    assert frame["AGE"].tolist() == ["Y15T64"] * 3 and frame["LEGAL_STATUS"].tolist() == ["_Z"] * 3


def test_written_file_header_and_suppressed_row(tmp_path):
    path = write_sdmx_csv(_table(), tmp_path / "sub" / "sdmx.csv")
    assert path == tmp_path / "sub" / "sdmx.csv"
    assert [p.name for p in path.parent.iterdir()] == ["sdmx.csv"]  # no temporary file left
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert header == HEADER
    assert len(rows) == 3
    first = rows[0]
    assert (first["STRUCTURE"], first["STRUCTURE_ID"], first["ACTION"]) == (
        "dataflow",
        STRUCTURE_ID,
        "I",
    )
    assert (first["INDICATOR"], first["POPULATION"], first["OBS_STATUS"]) == (
        "WORK.O.EPR",
        "foreign_born",
        "U",
    )
    assert float(first["OBS_VALUE"]) == 60.0 and first["N_UNWEIGHTED"] == "100"
    withheld = rows[1]
    assert withheld["POPULATION"] == "native_born"
    assert (withheld["OBS_VALUE"], withheld["SE"], withheld["CI_LOWER"], withheld["CI_UPPER"]) == (
        "",
        "",
        "",
        "",
    )
    assert (withheld["OBS_STATUS"], withheld["CONF_STATUS"]) == ("Q", "C")
    assert withheld["N_UNWEIGHTED"] == "12"
    assert (rows[2]["TIME_PERIOD"], rows[2]["UNIT_MEASURE"]) == ("2019-2024", "percentage_points")
