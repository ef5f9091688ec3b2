"""Optional disaggregations (disability, urbanisation, citizenship_status): hand-computed cells,
the column only when requested, ``_T`` elsewhere, joining and writing tables with and without."""

from __future__ import annotations

import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators import RESULT_COLUMNS, compute
from mhr_indicators.engine.results import Results, concat_results, read_results
from mhr_indicators.errors import ConfigurationError
from mhr_indicators.io.sdmx import sdmx_csv_frame
from mhr_indicators.vocab import ALL_DIMENSIONS, OPTIONAL_DIMENSIONS, result_columns

# ten persons aged 30: (born_abroad, disability, urbanisation, weight, labour_status)
PEOPLE = [
    (1, "with_disability", "U", 2.0, "employed"),
    (1, "with_disability", "R", 1.0, "outside_labour_force"),
    (1, "without_disability", "U", 3.0, "employed"),
    (1, "without_disability", "R", 1.0, "unemployed"),
    (0, "with_disability", "U", 2.0, "outside_labour_force"),
    (0, "with_disability", "R", 2.0, "employed"),
    (0, "without_disability", "U", 4.0, "employed"),
    (0, "without_disability", "R", 2.0, "employed"),
    (0, "without_disability", "U", 1.0, "outside_labour_force"),
    (0, "with_disability", "U", 1.0, "employed"),
]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    df = pd.DataFrame(
        PEOPLE, columns=["born_abroad", "disability", "urbanisation", "weight", "labour_status"]
    )
    return df.assign(ref_area="XSY", time_period=2024, age=30, sex=["F", "M"] * 5)


@pytest.fixture(scope="module")
def design(frame):
    return mhr.SurveyDesign(frame, weights="weight")


def _cells(res: Results, dim: str) -> dict[tuple[str, str], float]:
    t = res.table
    rows = t[(t["indicator_id"] == "WORK.O.EPR") & (t["sex"] == "_T")]
    return {(r.population, getattr(r, dim)): r.value for r in rows.itertuples()}


def test_employment_rate_by_disability_by_hand(design, frame):
    res = compute("WORK.O.EPR", survey=design, by=["disability"], quality="none")
    cells = _cells(res, "disability")
    # foreign-born with a disability: employed weight 2 of 2 + 1 = 3
    assert cells[("foreign_born", "with_disability")] == pytest.approx(100 * 2 / 3)
    # foreign-born without: 3 of 3 + 1 = 4; native-born with: 2 + 1 of 2 + 2 + 1 = 5
    assert cells[("foreign_born", "without_disability")] == pytest.approx(75.0)
    assert cells[("native_born", "with_disability")] == pytest.approx(60.0)
    # native-born without: 4 + 2 of 4 + 2 + 1 = 7; the totals: 5 of 7 and 9 of 12
    assert cells[("native_born", "without_disability")] == pytest.approx(100 * 6 / 7)
    assert cells[("foreign_born", "_T")] == pytest.approx(100 * 5 / 7)
    assert cells[("native_born", "_T")] == pytest.approx(75.0)
    assert cells[("gap", "with_disability")] == pytest.approx(100 * 2 / 3 - 60.0)
    # the same cells from an independent pandas groupby
    f = frame.assign(emp=(frame["labour_status"] == "employed") * frame["weight"])
    g = f.groupby(["born_abroad", "disability"])[["emp", "weight"]].sum()
    expected = 100 * g["emp"] / g["weight"]
    for (born, dis), value in expected.items():
        group = "foreign_born" if born == 1 else "native_born"
        assert cells[(group, dis)] == pytest.approx(value)


def test_employment_rate_by_urbanisation_by_hand(design, frame):
    res = compute("WORK.O.EPR", survey=design, by=["urbanisation"], quality="none")
    cells = _cells(res, "urbanisation")
    # foreign-born urban: 2 + 3 employed of 5; rural: none of 2
    assert cells[("foreign_born", "U")] == pytest.approx(100.0)
    assert cells[("foreign_born", "R")] == pytest.approx(0.0)
    # native-born urban: 4 + 1 of 2 + 4 + 1 + 1 = 8; rural: 2 + 2 of 4
    assert cells[("native_born", "U")] == pytest.approx(62.5)
    assert cells[("native_born", "R")] == pytest.approx(100.0)
    f = frame.assign(emp=(frame["labour_status"] == "employed") * frame["weight"])
    g = f.groupby(["born_abroad", "urbanisation"])[["emp", "weight"]].sum()
    for (born, urb), value in (100 * g["emp"] / g["weight"]).items():
        assert cells[("foreign_born" if born == 1 else "native_born", urb)] == pytest.approx(value)


def test_the_column_appears_only_when_requested(design):
    plain = compute("WORK.O.EPR", survey=design, by=["sex"], quality="none").table
    assert list(plain.columns) == RESULT_COLUMNS
    both = compute(
        "WORK.O.EPR", survey=design, by=["urbanisation", "sex", "disability"], quality="none"
    ).table
    assert list(both.columns) == result_columns(["disability", "urbanisation"])
    at = list(both.columns).index("legal_status")
    assert list(both.columns)[at + 1 : at + 3] == ["disability", "urbanisation"]
    # every subset of by: each dimension also at its total, the others _T
    assert set(both["disability"]) == {"with_disability", "without_disability", "_T"}
    assert (both[["age_group", "sector", "legal_status"]] == "_T").all().all()
    only_sex = both[(both["sex"] != "_T") & both["sex"].isin(["F", "M"])]
    assert not only_sex.empty and set(only_sex["urbanisation"]) >= {"_T"}


def test_indicators_that_do_not_allow_it_are_total(design):
    epr = mhr.load_catalogue()["WORK.O.EPR"]
    narrow = epr.model_copy(update={"id": "TEST.O.EPR_BY_SEX", "disaggregations": ["sex"]})
    res = compute([epr, narrow], survey=design, by=["disability"], quality="none")
    t = res.table
    assert (t.loc[t["indicator_id"] == "TEST.O.EPR_BY_SEX", "disability"] == "_T").all()
    assert (t.loc[t["indicator_id"] == "WORK.O.EPR", "disability"] != "_T").any()
    issue = res.issues[res.issues["indicator_id"] == "TEST.O.EPR_BY_SEX"]
    assert issue["problem"].tolist() == ["not_disaggregated"]


def test_an_optional_dimension_the_data_lack_is_total_with_an_issue(design):
    res = compute("WORK.O.EPR", survey=design, by=["citizenship_status"], quality="none")
    assert (res.table["citizenship_status"] == "_T").all() and len(res.table)
    assert "not in the survey data" in res.issues["detail"].iloc[0]


def test_unknown_dimension_lists_every_allowed_name(design):
    with pytest.raises(ConfigurationError) as err:
        compute("WORK.O.EPR", survey=design, by=["disabilty"])
    for name in ALL_DIMENSIONS:
        assert repr(name) in str(err.value)


@pytest.fixture(scope="module")
def with_and_without(design):
    by_dis = compute("WORK.O.EPR", survey=design, by=["disability"], quality="none")
    by_sex = compute("WORK.O.EPR", survey=design, by=["sex"], quality="none")
    return by_dis, by_sex


def test_concat_of_a_table_with_and_one_without(with_and_without):
    by_dis, by_sex = with_and_without
    joined = concat_results([by_sex, by_dis])
    assert list(joined.table.columns) == result_columns(["disability"])
    assert len(joined) == len(by_dis) + len(by_sex)
    assert (joined.table["disability"].iloc[: len(by_sex)] == "_T").all()
    pd.testing.assert_frame_equal(
        joined.table.iloc[len(by_sex) :].reset_index(drop=True), by_dis.table
    )
    # tables without optional dimensions join as before
    assert list(concat_results([by_sex, by_sex]).table.columns) == RESULT_COLUMNS


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_written_and_read_back_with_the_column(with_and_without, tmp_path, suffix):
    by_dis, by_sex = with_and_without
    for res, name in ((by_dis, "dis"), (by_sex, "sex")):
        path = tmp_path / f"{name}{suffix}"
        getattr(res, f"to_{suffix[1:]}")(path)
        back = read_results(path)
        pd.testing.assert_frame_equal(back.table, res.table)


def test_sdmx_csv_holds_the_dimension(with_and_without, tmp_path):
    by_dis, by_sex = with_and_without
    frame = sdmx_csv_frame(by_dis.table)
    cols = list(frame.columns)
    assert cols[cols.index("LEGAL_STATUS") + 1] == "DISABILITY_STATUS"
    assert set(frame["DISABILITY_STATUS"]) == {"with_disability", "without_disability", "_T"}
    assert "DISABILITY_STATUS" not in sdmx_csv_frame(by_sex.table).columns
    written = pd.read_csv(by_dis.to_sdmx_csv(tmp_path / "r.sdmx.csv"), dtype=str)
    assert "with_disability" in set(written["DISABILITY_STATUS"])


def test_select_and_headline(with_and_without):
    by_dis, by_sex = with_and_without
    chosen = by_dis.select(disability="with_disability")
    assert len(chosen) and (chosen.table["disability"] == "with_disability").all()
    # a table not broken down by disability: all its rows are its total
    assert len(by_sex.select(disability="_T")) == len(by_sex)
    assert len(by_sex.select(disability="with_disability")) == 0
    head = by_dis.headline()
    row = head[(head["disability"] == "with_disability") & (head["sex"] == "_T")].iloc[0]
    assert row["migrant_value"] == pytest.approx(100 * 2 / 3)
    assert row["reference_value"] == pytest.approx(60.0)
    assert "disability" not in by_sex.headline().columns


def test_vocabulary_of_the_optional_dimensions():
    assert OPTIONAL_DIMENSIONS == ("disability", "urbanisation", "citizenship_status")
    assert result_columns() == RESULT_COLUMNS
    assert "citizenship" not in OPTIONAL_DIMENSIONS  # the country code of the criterion


def test_a_dimension_with_no_value_is_an_issue_not_silence():
    """A requested dimension whose every value is missing yields no broken-down row; the
    issues say why instead of the rows silently missing."""
    data = mhr.harmonise(mhr.load_example(), mhr.datasets.path("mappings/example_lfs.yaml"))
    data["disability"] = None
    design = mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    res = mhr.compute(["WORK.O.EPR"], survey=design, by=["sex", "disability"])
    assert set(res.table["disability"]) == {"_T"}
    assert set(res.table["sex"]) == {"F", "M", "_T"}
    said = res.issues[res.issues["problem"] == "not_disaggregated"]["detail"].str.cat(sep=" ")
    assert "value of disability" in said
    assert "value of sex" not in said
