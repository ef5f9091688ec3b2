"""compute(): the results-table contract, totals, not-stated status, errors and quality rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators import RESULT_COLUMNS, compute
from mhr_indicators.catalogue.spec import Indicator
from mhr_indicators.errors import IndicatorInputError, MhrError
from mhr_indicators.prepare.harmonise import harmonise

from ..conftest import REPO


@pytest.fixture(scope="module")
def canonical():
    return harmonise(mhr.load_example(), REPO / "datasets" / "mappings" / "example_lfs.yaml")


@pytest.fixture(scope="module")
def design(canonical):
    return mhr.SurveyDesign(canonical, weights="weight", strata="stratum", psu="psu", fpc="fpc")


WORK = [
    "WORK.O.LFPR",
    "WORK.O.EPR",
    "WORK.O.UR",
    "WORK.O.INFORMAL",
    "WORK.O.EARN_MONTH",
    "WORK.O.PAY_GAP",
]


def test_contract_columns_and_codes(design):
    out = compute(WORK, survey=design, by=["sex", "age_group", "sector", "legal_status"])
    res = out.table
    assert list(res.columns) == RESULT_COLUMNS
    assert set(res["indicator_id"]) == set(WORK)
    assert set(res["type"]) == {"outcome"}
    assert set(res["ref_area"]) == {"XSY"}
    assert set(res["sex"]) == {"F", "M", "_T"}
    assert res["suppressed"].dtype == bool
    assert set(res["population"]) >= {
        "foreign_born",
        "native_born",
        "gap",
        "ratio",
        "not_stated_share",
        "relative_gap",
    }
    withheld = res[res["suppressed"]]
    assert withheld["value"].isna().all() and (withheld["flag"] == "X").all()
    assert (res.loc[~res["suppressed"], "flag"] != "X").all()
    # the unemployment rate has no sector breakdown: noted, not computed
    assert (res.loc[res["indicator_id"] == "WORK.O.UR", "sector"] == "_T").all()
    issues = out.issues
    assert (
        (issues["indicator_id"] == "WORK.O.UR") & (issues["detail"].str.contains("sector"))
    ).any()


def test_values_equal_direct_design_estimates(design, canonical):
    res = compute(["WORK.O.EPR"], survey=design, by=["sex"], quality="none").table
    got = res.set_index(["population", "sex"])
    df = canonical
    emp = (df["labour_status"] == "employed").astype(float).where(df["labour_status"].notna())
    d2 = mhr.SurveyDesign(
        df.assign(emp=emp), weights="weight", strata="stratum", psu="psu", fpc="fpc"
    )
    direct = d2.proportion("emp", by=["born_abroad", "sex"], where="age >= 15")
    for _, row in direct.iterrows():
        label = "foreign_born" if row["born_abroad"] == 1 else "native_born"
        assert got.loc[(label, row["sex"]), "value"] == pytest.approx(100 * row["value"])
        assert got.loc[(label, row["sex"]), "se"] == pytest.approx(100 * row["se"])
        assert got.loc[(label, row["sex"]), "ci_lower"] == pytest.approx(100 * row["ci_lower"])
    gap = got.loc[("gap", "F"), "value"]
    assert gap == pytest.approx(
        got.loc[("foreign_born", "F"), "value"] - got.loc[("native_born", "F"), "value"]
    )


def test_every_subset_of_by_is_computed(design):
    res = compute(["WORK.O.EPR"], survey=design, by=["sex", "age_group"], quality="none").table
    mig = res[res["population"] == "foreign_born"]
    combos = set(zip(mig["sex"] == "_T", mig["age_group"] == "_T", strict=True))
    assert combos == {(True, True), (False, True), (True, False), (False, False)}
    total = mig[(mig["sex"] == "_T") & (mig["age_group"] == "_T")]
    alone = compute(["WORK.O.EPR"], survey=design, quality="none").table
    alone = alone[alone["population"] == "foreign_born"]
    assert total["value"].iloc[0] == pytest.approx(alone["value"].iloc[0])


def test_breakdowns_in_threads_give_the_rows_made_one_by_one(design, monkeypatch):
    from mhr_indicators.engine import survey_indicators

    by = ["sex", "age_group", "sector", "legal_status"]
    monkeypatch.setattr(survey_indicators, "BREAKDOWN_THREADS", 1)
    alone = compute(WORK, survey=design, by=by).table
    monkeypatch.setattr(survey_indicators, "BREAKDOWN_THREADS", 2)
    threaded = compute(WORK, survey=design, by=by).table
    pd.testing.assert_frame_equal(threaded, alone, check_exact=True)


def test_breakdowns_made_together_give_the_rows_made_one_at_a_time(design, monkeypatch):
    from mhr_indicators.engine import survey_indicators

    by = ["sex", "age_group", "sector"]
    monkeypatch.setattr(survey_indicators, "BREAKDOWN_THREADS", 1)
    together = compute(WORK, survey=design, by=by, comparisons=["gap", "ratio"]).table
    monkeypatch.setattr(survey_indicators, "STACKED_BYTES", 0)  # each breakdown on its own
    alone = compute(WORK, survey=design, by=by, comparisons=["gap", "ratio"]).table
    pd.testing.assert_frame_equal(together, alone, check_exact=False, rtol=1e-12)


def test_reading_ahead_gives_the_rows_and_issues_of_reading_on_each_turn(design, monkeypatch):
    from mhr_indicators.engine import survey_run

    spec = mhr.load_catalogue()["WORK.O.EPR"].model_dump()
    spec.update(id="WORK.O.AGE_AS_SHARE", numerator=None, variable="age")
    broken = Indicator.model_validate(spec)  # a proportion of a column that is not 0/1
    inds = [WORK[0], broken, *WORK[1:]]  # read ahead while WORK[0] runs: fails, then reported
    by = ["sex", "age_group"]
    monkeypatch.setattr(survey_run, "READ_AHEAD_THREADS", 0)
    alone = compute(inds, survey=design, by=by, errors="collect")
    monkeypatch.setattr(survey_run, "READ_AHEAD_THREADS", 1)
    ahead = compute(inds, survey=design, by=by, errors="collect")
    pd.testing.assert_frame_equal(ahead.table, alone.table, check_exact=True)
    pd.testing.assert_frame_equal(ahead.issues, alone.issues)
    failed = ahead.issues[ahead.issues["indicator_id"] == "WORK.O.AGE_AS_SHARE"]
    assert failed["detail"].str.contains("0/1").any()
    assert set(ahead.table["indicator_id"]) == {i if isinstance(i, str) else i.id for i in WORK}


def test_populations_selecting_the_same_rows_share_their_cells(design, monkeypatch):
    spec = mhr.load_catalogue()["WORK.O.EPR"].model_dump()
    spec.update(id="WORK.O.EPR_SAME_ROWS", population=spec["population"] + " and age >= 0")
    same_rows = Indicator.model_validate(spec)  # another filter, the same persons
    built = []
    original = mhr.SurveyDesign.cell_sums
    monkeypatch.setattr(
        mhr.SurveyDesign,
        "cell_sums",
        lambda self, *a, **k: built.append(1) or original(self, *a, **k),
    )
    res = compute(["WORK.O.EPR", same_rows], survey=design, by=["sex"]).table
    assert len(built) == 1
    a, b = (
        res[res["indicator_id"] == i].drop(columns="indicator_id")
        for i in ("WORK.O.EPR", same_rows.id)
    )
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    assert (a["population"] == "not_stated_share").any()
    built.clear()  # a population with other rows has its own cells
    spec.update(id="WORK.O.EPR_ADULTS", population=spec["population"] + " and age >= 25")
    adults = Indicator.model_validate(spec)
    compute(["WORK.O.EPR", adults], survey=design, by=["sex"])
    assert len(built) == 2
    built.clear()  # shared also when another population comes between them
    compute(["WORK.O.EPR", adults, same_rows], survey=design, by=["sex"])
    assert len(built) == 2


def test_not_stated_status_is_kept_apart(design, canonical):
    res = compute(["WORK.O.EPR"], survey=design, quality="none").table.set_index("population")
    pop = (canonical["age"] >= 15) & canonical["labour_status"].notna()
    w = canonical["weight"]
    unknown = canonical["born_abroad"].isna()
    expected = 100 * w[pop & unknown].sum() / w[pop].sum()
    assert expected > 0
    assert res.loc["not_stated_share", "value"] == pytest.approx(expected)
    assert res.loc["native_born", "n_unweighted"] == (pop & (canonical["born_abroad"] == 0)).sum()
    assert res.loc["foreign_born", "n_unweighted"] == (pop & (canonical["born_abroad"] == 1)).sum()


def test_reference_group_total_includes_everyone(design, canonical):
    spec = mhr.load_catalogue()["WORK.O.EPR"].model_dump()
    spec.update(id="WORK.O.EPR_TOTAL", reference_group="total")
    ind = Indicator.model_validate(spec)
    res = compute([ind], survey=design, quality="none").table.set_index("population")
    pop = (canonical["age"] >= 15) & canonical["labour_status"].notna()
    w = canonical["weight"]
    emp = canonical["labour_status"] == "employed"
    assert res.loc["total", "value"] == pytest.approx(100 * w[pop & emp].sum() / w[pop].sum())
    assert res.loc["total", "n_unweighted"] == pop.sum()


def test_missing_columns_raise_or_are_collected(design, canonical):
    thin = mhr.SurveyDesign(canonical.drop(columns=["informal"]), weights="weight")
    with pytest.raises(IndicatorInputError, match="WORK.O.INFORMAL.*'informal'"):
        compute(["WORK.O.INFORMAL", "WORK.O.EPR"], survey=thin)
    out = compute(["WORK.O.INFORMAL", "WORK.O.EPR"], survey=thin, errors="collect")
    assert set(out.table["indicator_id"]) == {"WORK.O.EPR"}
    issues = out.issues
    row = issues[issues["indicator_id"] == "WORK.O.INFORMAL"].iloc[0]
    assert row["problem"] == "missing_input" and "IndicatorInputError" in row["detail"]
    assert "informal" in row["detail"]
    with pytest.raises(IndicatorInputError, match="source"):
        compute(["WORK.O.EPR"])
    with pytest.raises(MhrError, match="not a results-table dimension"):
        compute(["WORK.O.EPR"], survey=design, by=["region"])


def test_quality_presets(design):
    strict = compute(
        ["WORK.O.EPR"], survey=design, by=["sex", "legal_status"], quality={"suppress_n_below": 100}
    ).table
    groups = strict[strict["population"].isin(["foreign_born", "native_born"])]
    assert (groups["suppressed"] == (groups["n_unweighted"] < 100)).all()
    gaps = strict[strict["population"] == "gap"]
    # a comparison is withheld when either of its groups is
    assert gaps["suppressed"].any()
    nchs = compute(
        ["WORK.O.EPR"], survey=design, by=["legal_status"], quality="nchs_proportions"
    ).table
    assert set(nchs["flag"]) <= {"", "U", "R", "X"}
    with pytest.raises(MhrError, match="limit_a"):
        compute(["WORK.O.EPR"], survey=design, quality="eurostat_lfs")
    lfs = compute(
        ["WORK.O.EPR"],
        survey=design,
        by=["legal_status"],
        quality={"preset": "eurostat_lfs", "limit_a": 20000, "limit_b": 60000},
    ).table
    grp = lfs[lfs["population"] == "foreign_born"]
    assert (grp["suppressed"] == (grp["n_weighted"] < 20000)).all()
    assert (
        (grp["flag"] == "U") == ((grp["n_weighted"] >= 20000) & (grp["n_weighted"] < 60000))
    ).all()


def test_nchs_rules_by_hand():
    """The rows carry the SE in their unit (percent), as the engine builds them; the rule reads
    it as a fraction (issue 11: it used to read 1.0 percent as 1.0)."""
    from mhr_indicators.engine.quality import PRESETS, assess

    rows = pd.DataFrame(
        {
            "p": [0.5, 0.02, 0.5, 0.0],
            "se": [1.0, 0.4, 10.0, 0.0],
            "df": [30, 30, 30, 5],
            "n_unweighted": [400, 2000, 40, 50],
            "n_weighted": [1e4] * 4,
            "is_proportion": True,
            "cv": [0.02, 0.2, 0.2, np.nan],
            "ci_lower": 0.0,
            "ci_upper": 100.0,
            "value": [50.0, 2.0, 50.0, 0.0],
            "unit": "percent",
        }
    )
    flag, suppressed = assess(rows, PRESETS["nchs_proportions"])
    # row 0: n_eff 2500, KG width ~0.04 <= 0.05 -> shown; row 1: n_eff 1225, width ~0.017 ->
    # shown; row 2: n_eff 25 < 30 -> withheld; row 3: p = 0 -> n_eff = n = 50, one-sided KG
    # interval (0, 0.0711): wider than 0.05, but its width relative to p is undefined, so NCHS
    # sends it to review (p = 0, df < 8), not to suppression
    assert suppressed.tolist() == [False, False, True, False]
    assert flag.tolist() == ["", "", "X", "R"]
    # the same p = 0 cell with n = 2000: width 0.0018 <= 0.05 -> shown, flagged for review
    rows.loc[3, "n_unweighted"] = 2000
    flag, suppressed = assess(rows, PRESETS["nchs_proportions"])
    assert suppressed.tolist()[3] is False and flag.tolist()[3] == "R"
    # with fewer than 30 cases a p = 0 cell is withheld (n_eff = n < 30)
    rows.loc[3, "n_unweighted"] = 20
    flag, suppressed = assess(rows, PRESETS["nchs_proportions"])
    assert suppressed.tolist()[3] is True and flag.tolist()[3] == "X"


def test_unemployment_gap_by_hand():
    """Nine people in the labour force, each its own PSU (with-replacement, one stratum).

    Foreign-born: weights 1, 2, 1; unemployed 1, 0, 0 -> UR = 1/4.
    Native-born: weights 1, 1, 2, 2, 2; unemployed 0, 1, 0, 0, 0 -> UR = 1/8.
    Birthplace not stated: weight 3, unemployed -> in neither group; share 3/15 = 20%.
    Scores of a domain mean: z = w (y - p) / W inside the domain, 0 outside; they sum to zero,
    so var = n/(n-1) sum z^2 with n = 9:
      foreign-born: z = 3/16, -2/16, -1/16 -> var = 9/8 * 14/256
      native-born:  z = -1/64, 7/64, -2/64 (x3) -> var = 9/8 * 62/4096
    Disjoint domains of an element sample: cov = 9/8 * (0 - 0 * 0 / 9) = 0, so
    var(gap) = 9/8 * (14/256 + 62/4096).
    """
    df = pd.DataFrame(
        {
            "ref_area": "XSY",
            "time_period": 2024,
            "age": 30,
            "sex": "F",
            "w": [1.0, 2, 1, 1, 1, 2, 2, 2, 3],
            "born_abroad": [1, 1, 1, 0, 0, 0, 0, 0, np.nan],
            "labour_status": [
                "unemployed",
                "employed",
                "employed",
                "employed",
                "unemployed",
                "employed",
                "employed",
                "employed",
                "unemployed",
            ],
        }
    )
    res = compute(
        ["WORK.O.UR"], survey=mhr.SurveyDesign(df, weights="w"), quality="none"
    ).table.set_index("population")
    var_m, var_r = 9 / 8 * 14 / 256, 9 / 8 * 62 / 4096
    assert res.loc["foreign_born", "value"] == pytest.approx(25.0)
    assert res.loc["native_born", "value"] == pytest.approx(12.5)
    assert res.loc["foreign_born", "se"] == pytest.approx(100 * np.sqrt(var_m))
    assert res.loc["native_born", "se"] == pytest.approx(100 * np.sqrt(var_r))
    assert res.loc["gap", "value"] == pytest.approx(12.5)
    assert res.loc["gap", "se"] == pytest.approx(100 * np.sqrt(var_m + var_r))
    assert res.loc["ratio", "value"] == pytest.approx(2.0)
    # delta method: var(a/b) = (var_a + (a/b)^2 var_b) / b^2 with zero covariance
    assert res.loc["ratio", "se"] == pytest.approx(np.sqrt((var_m + 4 * var_r) / (1 / 8) ** 2))
    assert res.loc["not_stated_share", "value"] == pytest.approx(20.0)
    assert res.loc["gap", "n_unweighted"] == 8


def test_invalid_codes_are_reported_not_dropped(canonical):
    bad = canonical.copy()
    bad.loc[[5, 9], "labour_status"] = "retired"
    bad.loc[12, "ref_area"] = None
    design = mhr.SurveyDesign(bad, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    with pytest.raises(mhr.DataValidationError) as err:
        compute(["WORK.O.EPR"], survey=design)
    text = str(err.value)
    assert "column 'labour_status'" in text and "rows 5, 9" in text
    assert "column 'ref_area'" in text
    res = compute(["WORK.O.EPR", "HEALTH.P.INSURANCE"], survey=design, errors="collect")
    # the bad ref_area concerns every indicator; fixing it leaves only labour_status at fault
    assert set(res.table["indicator_id"]) == set()
    bad.loc[12, "ref_area"] = "XSY"
    design = mhr.SurveyDesign(bad, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    res = compute(["WORK.O.EPR", "HEALTH.P.INSURANCE"], survey=design, errors="collect")
    assert set(res.table["indicator_id"]) == {"HEALTH.P.INSURANCE"}
    issue = res.issues.set_index("indicator_id").loc["WORK.O.EPR"]
    assert issue["problem"] == "invalid_data" and "DataValidationError" in issue["detail"]
    assert "retired" in issue["detail"]


@pytest.mark.parametrize(
    "value",
    [
        2.0,  # a small integer: the distinct values are found in one pass
        -1.0,  # negative: they are found by hashing
        0.5,  # not an integer: by hashing too
    ],
)
def test_bad_numeric_codes_are_traced_back_to_their_rows(canonical, value):
    bad = canonical.copy()
    bad["health_insurance"] = bad["health_insurance"].astype(float)
    bad.loc[3, "health_insurance"] = value
    bad.loc[8, "health_insurance"] = 2.0  # outside 0/1 too
    bad.loc[11, "health_insurance"] = np.nan  # missing is allowed: never a failure
    design = mhr.SurveyDesign(bad, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    with pytest.raises(mhr.DataValidationError) as err:
        compute(["HEALTH.P.INSURANCE"], survey=design)
    failing = err.value.failure_cases
    assert set(failing["column"]) == {"health_insurance"}
    assert set(failing["index"]) == {3, 8}
    assert set(failing.loc[failing["index"] == 3, "failure_case"]) == {value}


def test_nchs_rate_rule_is_unit_free():
    """NCHS counts-and-rates rule: withhold when the interval is wider than 160% of the estimate,
    whatever the unit the row is expressed in."""
    from mhr_indicators.engine.quality import PRESETS, assess

    base = {
        "se": 1.0,
        "df": 30,
        "n_unweighted": 100,
        "n_weighted": 1e4,
        "is_proportion": False,
        "cv": 0.1,
        "p": 0.2,
    }
    # a ratio of 0.2 shown in percent (20) with an interval 10..40: width 30 = 150% of 20
    shown = pd.DataFrame([{**base, "value": 20.0, "ci_lower": 10.0, "ci_upper": 40.0}])
    _, suppressed = assess(shown, PRESETS["nchs_proportions"])
    assert not suppressed[0]
    wide = pd.DataFrame([{**base, "value": 20.0, "ci_lower": 2.0, "ci_upper": 40.0}])  # 190%
    _, suppressed = assess(wide, PRESETS["nchs_proportions"])
    assert suppressed[0]


def test_birthplace_is_compared_with_the_country_of_a_subnational_area():
    from mhr_indicators.engine.migrant_status import migrant_status

    data = pd.DataFrame(
        {
            "country_of_birth": ["USA", "MEX", None, "USA", "DEU"],
            "ref_area": ["US-WY", "US-WY", "US-WY", "USA", "DEU"],
        }
    )
    status = migrant_status(data, "country_of_birth")
    np.testing.assert_array_equal(status, [0.0, 1.0, np.nan, 0.0, 0.0])
