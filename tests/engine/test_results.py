"""Results: the table contract, the headline view, selection, writers, readers and concatenation.

The tables are built by hand, so every expected value is known without running the engine.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from mhr_indicators.engine.results import Results, concat_results, read_results
from mhr_indicators.errors import ConfigurationError, MhrError
from mhr_indicators.vocab import RESULT_COLUMNS, IssueCode

from ..conftest import REPO


def _row(indicator, population, value, sex="_T", **extra) -> dict:
    structural = indicator.split(".")[1] == "S"
    row = {
        "indicator_id": indicator,
        "type": "structural" if structural else "outcome",
        "right": "work",
        "attribute": "Access to decent and productive work",
        "ref_area": "XSY",
        "time_period": "2024",
        "population": population,
        "sex": sex,
        "age_group": "_T",
        "sector": "_T",
        "legal_status": "_T",
        "value": value,
        "unit": "yes_no" if structural else "percent",
        "se": np.nan if structural else 1.0,
        "ci_lower": np.nan if structural else value - 5.0,
        "ci_upper": np.nan if structural else value + 5.0,
        "cv": np.nan,
        "n_unweighted": pd.NA if structural else 100,
        "n_weighted": np.nan if structural else 1000.0,
        "flag": "",
        "suppressed": False,
        "source": "legal records" if structural else "survey",
    }
    row.update(extra)
    return row


GAP = {"unit": "percentage_points"}
WITHHELD = {"flag": "X", "suppressed": True, "ci_lower": np.nan, "ci_upper": np.nan}


def _table() -> pd.DataFrame:
    """EPR: migrants 60/75/67.5, reference 70/72.5/71.25 (F/M/_T); UR: a withheld F cell."""
    rows = [
        _row("WORK.O.EPR", "foreign_born", 60.0, "F"),
        _row("WORK.O.EPR", "foreign_born", 75.0, "M"),
        _row("WORK.O.EPR", "foreign_born", 67.5),
        _row("WORK.O.EPR", "native_born", 70.0, "F"),
        _row("WORK.O.EPR", "native_born", 72.5, "M"),
        _row("WORK.O.EPR", "native_born", 71.25),
        _row("WORK.O.EPR", "not_stated_share", 2.0, "F", flag="U"),
        _row("WORK.O.EPR", "gap", -10.0, "F", **GAP),
        _row("WORK.O.EPR", "gap", 2.5, "M", **GAP),
        _row("WORK.O.EPR", "gap", -3.75, **GAP),
        _row("WORK.O.UR", "foreign_born", np.nan, "F", **WITHHELD),
        _row("WORK.O.UR", "native_born", 5.0, "F"),
        _row("WORK.O.UR", "gap", np.nan, "F", **GAP, **WITHHELD),
        _row("WORK.S.ICRMW", "_T", 0.0),
    ]
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


ISSUES = [
    {"indicator_id": "WORK.O.UR", "problem": IssueCode.NOT_DISAGGREGATED, "detail": "age_group"},
    {"indicator_id": "HEALTH.O.UNMET", "problem": "missing_input", "detail": "no <survey>"},
]
META = {
    "library_version": "0.1.0",
    "catalogue_version": "1.0",
    "level": 0.95,
    "quality": {"suppress_n_below": 20},
    "inputs": [{"name": "XSY-LFS", "kind": "survey", "path": "lfs.csv", "sha256": "ab", "rows": 9}],
    "created": "2025-01-01T00:00:00+00:00",
}


@pytest.fixture
def res() -> Results:
    return Results(_table(), ISSUES, META)


def test_table_columns_are_ordered_and_typed():
    shuffled = _table()[list(reversed(RESULT_COLUMNS))].assign(extra=1)
    shuffled["time_period"] = 2024  # a year read as a number
    shuffled["flag"] = shuffled["flag"].replace("", None)
    r = Results(shuffled)
    assert list(r.table.columns) == RESULT_COLUMNS
    assert set(r.table["time_period"]) == {"2024"}
    assert str(r.table["n_unweighted"].dtype) == "Int64"
    assert r.table["suppressed"].dtype == bool
    assert r.table["flag"].tolist()[:6] == [""] * 6
    assert len(r) == 14


def test_missing_columns_are_named():
    with pytest.raises(ConfigurationError, match="'cv'.*'flag'") as info:
        Results(_table().drop(columns=["flag", "cv"]))
    assert isinstance(info.value, MhrError)


def test_metadata_must_be_json():
    with pytest.raises(ConfigurationError, match="JSON"):
        Results(_table(), metadata={"bad": object()})


def test_headline_places_groups_side_by_side(res):
    h = res.headline()
    assert len(h) == 5  # EPR: F, M, _T; UR: F; ICRMW: one cell
    f = h[(h["indicator_id"] == "WORK.O.EPR") & (h["sex"] == "F")].iloc[0]
    assert (f["migrant_group"], f["reference_group"]) == ("foreign_born", "native_born")
    assert (f["migrant_value"], f["reference_value"], f["gap"]) == (60.0, 70.0, -10.0)
    assert (f["migrant_ci_lower"], f["migrant_ci_upper"]) == (55.0, 65.0)
    assert (f["gap_ci_lower"], f["gap_ci_upper"]) == (-15.0, -5.0)
    assert (f["unit"], f["gap_unit"], f["gap_kind"]) == ("percent", "percentage_points", "gap")
    m = h[(h["indicator_id"] == "WORK.O.EPR") & (h["sex"] == "M")].iloc[0]
    assert (m["migrant_value"], m["reference_value"], m["gap"]) == (75.0, 72.5, 2.5)
    t = h[(h["indicator_id"] == "WORK.O.EPR") & (h["sex"] == "_T")].iloc[0]
    assert (t["migrant_value"], t["reference_value"], t["gap"]) == (67.5, 71.25, -3.75)
    assert h["indicator_id"].tolist() == ["WORK.O.EPR"] * 3 + ["WORK.O.UR", "WORK.S.ICRMW"]


def test_headline_withheld_and_unpaired_cells(res):
    h = res.headline().set_index("indicator_id")
    ur = h.loc["WORK.O.UR"]
    assert bool(ur["migrant_suppressed"]) and ur["migrant_flag"] == "X"
    assert np.isnan(ur["migrant_value"]) and ur["reference_value"] == 5.0
    assert bool(ur["gap_suppressed"]) and np.isnan(ur["gap"])
    structural = h.loc["WORK.S.ICRMW"]
    assert (structural["migrant_group"], structural["migrant_value"]) == ("_T", 0.0)
    assert (structural["type"], structural["unit"]) == ("structural", "yes_no")
    assert pd.isna(structural["reference_group"]) and np.isnan(structural["reference_value"])
    assert pd.isna(structural["gap_kind"]) and np.isnan(structural["gap"])
    assert pd.isna(structural["reference_suppressed"])


def test_headline_groups_from_metadata_override_inference():
    rows = [
        _row("X.O.A", "group_a", 10.0),
        _row("X.O.A", "group_b", 30.0),
        _row("X.O.A", "gap", 20.0, **GAP),
    ]
    inferred = Results(pd.DataFrame(rows)).headline().iloc[0]
    assert (inferred["migrant_group"], inferred["migrant_value"]) == ("group_a", 10.0)
    groups = {"X.O.A": {"migrant": "group_b", "reference": "group_a"}}
    given = Results(pd.DataFrame(rows), metadata={"groups": groups})
    h = given.headline().iloc[0]
    assert (h["migrant_group"], h["migrant_value"]) == ("group_b", 30.0)
    assert (h["reference_group"], h["reference_value"], h["gap"]) == ("group_a", 10.0, 20.0)
    assert given.groups == groups


def test_headline_known_labels_and_relative_gap():
    rows = [
        _row("X.O.B", "total", 50.0),  # a reference group listed before the migrant group
        _row("X.O.B", "foreign_citizen", 40.0),
        _row("X.O.PAY", "relative_gap", 12.0, unit="percent"),
        _row("X.O.PAY", "not_stated_share", 1.0),
    ]
    r = Results(pd.DataFrame(rows))
    assert r.groups == {"X.O.B": {"migrant": "foreign_citizen", "reference": "total"}}
    h = r.headline().set_index("indicator_id")
    assert (h.loc["X.O.B", "migrant_value"], h.loc["X.O.B", "reference_value"]) == (40.0, 50.0)
    assert (h.loc["X.O.PAY", "gap_kind"], h.loc["X.O.PAY", "gap"]) == ("relative_gap", 12.0)
    assert pd.isna(h.loc["X.O.PAY", "migrant_group"])


def test_select_by_pattern_and_list(res):
    outcome = res.select(indicator="WORK.O.*")
    assert set(outcome.table["indicator_id"]) == {"WORK.O.EPR", "WORK.O.UR"}
    assert outcome.issues["indicator_id"].tolist() == ["WORK.O.UR"]
    gaps = res.select(population="gap", sex=["F", "M"])
    assert sorted(gaps.table["value"].dropna()) == [-10.0, 2.5]
    assert len(gaps.issues) == 2  # cell filters keep every issue
    assert len(res.select(time_period=2024)) == 14
    assert len(res.select(indicator=["WORK.S.ICRMW", "HEALTH.*"]).issues) == 1
    structural = res.select(type="structural")
    assert structural.table["indicator_id"].tolist() == ["WORK.S.ICRMW"]
    assert len(structural.issues) == 0
    assert len(res) == 14  # the original is unchanged
    with pytest.raises(TypeError):
        res.select(country="XSY")


def test_repr_and_html_counts(res):
    assert repr(res) == (
        "Results(14 estimates of 3 indicators for XSY 2024; 2 suppressed, 1 flagged; 2 issues)"
    )
    page = Results(_table().assign(source="<b>lfs</b>"), ISSUES)._repr_html_()
    assert "14 estimates of 3 indicators" in page
    assert "2 suppressed, 1 flagged; 2 issues" in page and "periods: 2024" in page
    assert "&lt;b&gt;lfs&lt;/b&gt;" in page and "<b>lfs</b>" not in page


def _tricky() -> Results:
    table = _table()
    extra = _row("CONTEXT.O.STOCK_GROWTH", "foreign_born", 2.1, ref_area="NA")
    extra.update(time_period="2019-2024", n_unweighted=pd.NA, source='stock, "UN"')
    table = pd.concat([table, pd.DataFrame([extra])], ignore_index=True)
    meta = {**META, "groups": {"WORK.O.EPR": {"migrant": "foreign_born", "reference": None}}}
    return Results(table, ISSUES, meta)


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_round_trip_is_exact(tmp_path, suffix):
    res = _tricky()
    path = getattr(res, f"to_{suffix}")(tmp_path / f"results.{suffix}")
    back = read_results(path)
    pd.testing.assert_frame_equal(back.table, res.table)
    pd.testing.assert_frame_equal(back.issues, res.issues)
    assert back.metadata == res.metadata
    assert back.table["ref_area"].iloc[-1] == "NA"  # Namibia's code is not a missing value
    assert back.issues["problem"].tolist() == ["not_disaggregated", "missing_input"]


def test_csv_sidecars(tmp_path):
    _tricky().to_csv(tmp_path / "out.csv")
    meta = json.loads((tmp_path / "out.csv.meta.json").read_text())
    assert meta["catalogue_version"] == "1.0" and len(meta["issues"]) == 2
    human = pd.read_csv(tmp_path / "out.issues.csv")
    assert human["indicator_id"].tolist() == ["WORK.O.UR", "HEALTH.O.UNMET"]
    (tmp_path / "out.csv.meta.json").unlink()  # without metadata, issues come from the CSV
    back = read_results(tmp_path / "out.csv")
    assert back.metadata == {} and back.issues["detail"].tolist() == ["age_group", "no <survey>"]


def test_sdmx_csv(tmp_path, res):
    path = res.to_sdmx_csv(tmp_path / "sdmx.csv")
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert header[:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    assert header[3:12] == [
        "INDICATOR",
        "REF_AREA",
        "TIME_PERIOD",
        "POPULATION",
        "SEX",
        "AGE",
        "SECTOR",
        "LEGAL_STATUS",
        "OBS_VALUE",
    ]
    assert header[12:] == [
        "UNIT_MEASURE",
        "OBS_STATUS",
        "CONF_STATUS",
        "SE",
        "CI_LOWER",
        "CI_UPPER",
        "N_UNWEIGHTED",
        "SOURCE",
    ]
    assert len(rows) == 14
    first = rows[0]
    assert (first["STRUCTURE"], first["STRUCTURE_ID"], first["ACTION"]) == (
        "dataflow",
        "MHR:MHR_INDICATORS(1.0)",
        "I",
    )
    assert (first["INDICATOR"], first["POPULATION"], first["SEX"]) == (
        "WORK.O.EPR",
        "foreign_born",
        "F",
    )
    assert float(first["OBS_VALUE"]) == 60.0 and float(first["CI_LOWER"]) == 55.0
    assert (first["OBS_STATUS"], first["CONF_STATUS"], first["N_UNWEIGHTED"]) == ("A", "F", "100")
    withheld = rows[10]
    assert (withheld["INDICATOR"], withheld["POPULATION"]) == ("WORK.O.UR", "foreign_born")
    assert (withheld["OBS_VALUE"], withheld["CONF_STATUS"], withheld["OBS_STATUS"]) == (
        "",
        "C",
        "Q",
    )
    assert rows[6]["OBS_STATUS"] == "U"  # the flagged not-stated share
    assert rows[13]["N_UNWEIGHTED"] == "" and rows[13]["POPULATION"] == "_T"


def test_concat_keeps_rows_issues_and_metadata(res):
    other_table = _table().assign(ref_area="XSZ", source="lfs-xsz")
    other_meta = {
        **META,
        "created": "2025-02-01T00:00:00+00:00",
        "inputs": [
            {"name": "XSZ-LFS", "kind": "survey", "path": "x.csv", "sha256": "cd", "rows": 3}
        ],
        "groups": {"WORK.O.UR": {"migrant": "foreign_born", "reference": "native_born"}},
    }
    other = Results(other_table, [{"indicator_id": "X", "problem": "invalid_data"}], other_meta)
    joined = Results.concat([res, other])
    assert len(joined) == 28 and set(joined.table["ref_area"]) == {"XSY", "XSZ"}
    assert joined.issues["indicator_id"].tolist() == ["WORK.O.UR", "HEALTH.O.UNMET", "X"]
    assert pd.isna(joined.issues["detail"].iloc[2])
    meta = joined.metadata
    assert meta["library_version"] == "0.1.0" and meta["quality"] == {"suppress_n_below": 20}
    assert meta["created"] == ["2025-01-01T00:00:00+00:00", "2025-02-01T00:00:00+00:00"]
    assert [i["name"] for i in meta["inputs"]] == ["XSY-LFS", "XSZ-LFS"]
    assert meta["groups"] == other_meta["groups"]
    plain = concat_results([res, other_table])  # a bare results table is accepted too
    assert len(plain) == 28 and len(plain.issues) == 2
    assert len(Results.concat([])) == 0


def test_immutable_and_attrs_issues(res):
    res.metadata["level"] = 0.5
    assert res.metadata["level"] == 0.95
    frame = _table()
    frame.attrs["issues"] = ISSUES[:1]
    assert Results(frame).issues["problem"].tolist() == ["not_disaggregated"]


def test_real_engine_headline_gap_is_difference():
    import mhr_indicators as mhr

    data = mhr.harmonise(mhr.load_example(), REPO / "datasets" / "mappings" / "example_lfs.yaml")
    design = mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    out = mhr.compute(["WORK.O.EPR", "WORK.O.UR"], survey=design, by=["sex"])
    if isinstance(out, Results):  # compute returns Results; before, a DataFrame with attrs
        res = out
    else:
        res = Results(out, issues=pd.DataFrame(out.attrs.get("issues", [])))
    h = res.headline()
    assert len(h) == 6 and set(h["migrant_group"]) == {"foreign_born"}
    both = h[h["migrant_value"].notna() & h["reference_value"].notna() & h["gap"].notna()]
    assert len(both) > 0
    diff = both["migrant_value"] - both["reference_value"]
    np.testing.assert_allclose(both["gap"], diff, rtol=0, atol=1e-9)


def test_headline_of_a_context_figure_counted_differently_in_two_areas():
    """UN DESA counts foreign-born people in one country and foreign citizens in another: both
    are the migrant group of their area, neither is a reference group."""
    rows = []
    for area, pop, value in [("CMR", "foreign_born", 1.8), ("CAF", "foreign_citizen", 1.6)]:
        row = {c: None for c in RESULT_COLUMNS}
        row.update(
            indicator_id="CONTEXT.O.STOCK_PCT",
            type="context",
            right="context",
            attribute="stock",
            ref_area=area,
            time_period="2020",
            population=pop,
            sex="_T",
            age_group="_T",
            sector="_T",
            legal_status="_T",
            value=value,
            unit="percent",
            flag="",
            suppressed=False,
            source="UN DESA",
        )
        rows.append(row)
    head = Results(pd.DataFrame(rows)).headline().set_index("ref_area")
    assert head.loc["CMR", "migrant_value"] == 1.8 and head.loc["CAF", "migrant_value"] == 1.6
    assert head.loc["CAF", "migrant_group"] == "foreign_citizen"
    assert head["reference_group"].isna().all()
