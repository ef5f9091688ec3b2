"""What charts read from results: commitments from the source text, names, natural orders."""

from __future__ import annotations

import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.errors import ConfigurationError
from mhr_indicators.plot import data
from mhr_indicators.plot.commitments import commitment, instrument_label


@pytest.mark.parametrize(
    ("source", "value", "status", "text"),
    [
        ("UNTC: ICRMW ratified or acceded 1999", 1.0, "party", "party 1999"),
        ("x: CRC ratified or acceded (year unknown)", 1.0, "party", "party"),
        ("x: POLICY-A in force since 2010", 1.0, "in_force", "in force since 2010"),
        ("x: POLICY-A not in force", 0.0, "not_in_force", "not in force"),
        ("x: CPED signed", 0.0, "signed", "signed only"),
        ("x: ICRMW not signed", 0.0, "not_signed", "not signed"),
        ("x: ICCPR-OP1 denounced", 0.0, "denounced", "denounced"),
    ],
)
def test_commitment_status_is_read_from_the_source(source, value, status, text):
    row = pd.Series({"source": source, "value": value, "unit": "yes_no", "suppressed": False})
    found = commitment(row)
    assert (found.status, found.text) == (status, text)


def test_a_count_and_a_missing_value():
    row = pd.Series({"source": "x", "value": 2.0, "unit": "count", "suppressed": False})
    assert commitment(row).text == "2"
    row = pd.Series({"source": "x", "value": float("nan"), "unit": "yes_no", "suppressed": True})
    assert commitment(row).text == "suppressed"


def test_instrument_labels_are_short():
    cat = mhr.load_catalogue()
    assert instrument_label(cat["WORK.S.ICRMW"], "WORK.S.ICRMW") == "ICRMW"
    assert instrument_label(cat["WORK.S.ILO_C097"], "WORK.S.ILO_C097") == "ILO C97"
    assert instrument_label(cat["TRAFF.S.PALERMO"], "TRAFF.S.PALERMO") == "Palermo Protocol"
    assert not instrument_label(cat["PART.S.LOCAL_VOTING"], "x").endswith("in force")


def test_age_bands_in_their_natural_order_and_total_last():
    codes = ["Y_GE65", "_T", "Y25T34", "Y0T14", "Y15T24"]
    assert data.category_order("age_group", codes) == ["Y0T14", "Y15T24", "Y25T34", "Y_GE65", "_T"]
    labels = [data.category_label("age_group", c) for c in ["Y0T14", "Y15T24", "Y_GE65", "Y_LT15"]]
    assert labels == ["0\u201314", "15\u201324", "65+", "under 15"]


def test_area_names_fall_back_to_the_code():
    assert data.area_name("MEX") == "Mexico"
    assert data.area_name("XSY") == "XSY"


def test_periods_sort_by_year():
    assert data.latest_period(["2019", "2024", "2019-2024"]) in ("2024", "2019-2024")
    assert data.format_period_range(["1990", "2020", "1995-2000"]) == "1990\u20132020"


def test_results_tables_and_files_are_accepted(example_results, tmp_path):
    assert data.as_results(example_results) is example_results
    table = data.as_results(example_results.table)
    assert len(table) == len(example_results)
    path = example_results.to_parquet(tmp_path / "r.parquet")
    assert len(data.as_results(path)) == len(example_results)
    with pytest.raises(ConfigurationError):
        data.as_results(42)


def test_indicator_rows_need_an_area_when_there_are_several(example_results):
    two = pd.concat([example_results.table, example_results.table.assign(ref_area="MEX")])
    with pytest.raises(ConfigurationError, match="pass ref_area"):
        data.indicator_rows(mhr.Results(two), "WORK.O.EPR")
