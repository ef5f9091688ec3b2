"""Every indicator of the catalogue computes on the shipped example data, and its value for one
cell equals an independent computation written here with plain pandas (not the filter grammar,
not the engine)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr

from ..conftest import REPO

DATA = REPO / "datasets"


@pytest.fixture(scope="module")
def inputs():
    lfs = mhr.harmonise(mhr.load_example(), DATA / "mappings" / "example_lfs.yaml")
    stock = pd.read_csv(DATA / "example_stock.csv", dtype={"time_period": str})
    admin = pd.read_csv(DATA / "example_admin.csv", dtype={"time_period": str})
    legal = pd.read_csv(DATA / "example_legal.csv", dtype={"as_of": str})
    return lfs, stock, admin, legal


@pytest.fixture(scope="module")
def results(computed):
    return computed.table


@pytest.fixture(scope="module")
def computed(inputs):
    lfs, stock, admin, legal = inputs
    design = mhr.SurveyDesign(lfs, weights="weight", strata="stratum", psu="psu", fpc="fpc")
    return mhr.compute(
        mhr.load_catalogue(),
        survey=design,
        stock=stock,
        admin=admin,
        ratifications=legal,
        by=["sex"],
        quality="none",
        errors="collect",
    )


def emp(d):
    return d["labour_status"] == "employed"


# id -> (population, numerator): boolean Series over the canonical survey frame
PROPORTIONS = {
    "WORK.O.LFPR": (
        lambda d: (d.age >= 15) & d.labour_status.notna(),
        lambda d: d.labour_status.isin(["employed", "unemployed"]),
    ),
    "WORK.O.EPR": (lambda d: (d.age >= 15) & d.labour_status.notna(), emp),
    "WORK.O.UR": (
        lambda d: (d.age >= 15) & d.labour_status.isin(["employed", "unemployed"]),
        lambda d: d.labour_status == "unemployed",
    ),
    "WORK.O.TRU": (
        lambda d: emp(d) & d.hours.notna() & d.wants_more_hours.notna(),
        lambda d: (d.hours < 35) & (d.wants_more_hours == 1),
    ),
    "WORK.O.INFORMAL": (lambda d: emp(d) & d.informal.notna(), lambda d: d.informal == 1),
    "WORK.O.TEMPORARY": (
        lambda d: emp(d) & d.temporary_contract.notna(),
        lambda d: d.temporary_contract == 1,
    ),
    "WORK.O.OVERQUAL": (
        lambda d: emp(d) & (d.education >= 5) & d.occupation.between(1, 9),
        lambda d: d.occupation >= 4,
    ),
    "WORK.O.UNION": (lambda d: emp(d) & d.union_member.notna(), lambda d: d.union_member == 1),
    "SOCSEC.P.CONTRIBUTORS": (
        lambda d: emp(d) & d.social_security_contributor.notna(),
        lambda d: d.social_security_contributor == 1,
    ),
    "SOCSEC.O.COVERAGE": (
        lambda d: d.age.notna() & d.social_protection.notna(),
        lambda d: d.social_protection == 1,
    ),
    "SOCSEC.O.AROP": (
        lambda d: d.age.notna() & d.at_risk_of_poverty.notna(),
        lambda d: d.at_risk_of_poverty == 1,
    ),
    "SOCSEC.O.INWORK_POVERTY": (
        lambda d: emp(d) & d.at_risk_of_poverty.notna(),
        lambda d: d.at_risk_of_poverty == 1,
    ),
    "HEALTH.P.INSURANCE": (
        lambda d: d.age.notna() & d.health_insurance.notna(),
        lambda d: d.health_insurance == 1,
    ),
    "HEALTH.O.UNMET_NEED": (
        lambda d: (d.age >= 16) & d.unmet_medical_need.notna(),
        lambda d: d.unmet_medical_need == 1,
    ),
    "HEALTH.O.GOOD_HEALTH": (
        lambda d: (d.age >= 16) & d.good_health.notna(),
        lambda d: d.good_health == 1,
    ),
    "EDU.P.EARLY_CHILDHOOD": (
        lambda d: d.age.between(3, 5) & d.in_education.notna(),
        lambda d: d.in_education == 1,
    ),
    "EDU.O.ATTENDANCE": (
        lambda d: d.age.between(6, 15) & d.in_education.notna(),
        lambda d: d.in_education == 1,
    ),
    "EDU.O.EARLY_LEAVERS": (
        lambda d: d.age.between(18, 24) & d.education.notna() & d.in_education.notna(),
        lambda d: (d.education <= 2) & (d.in_education == 0),
    ),
    "EDU.O.NEET": (
        lambda d: d.age.between(15, 24) & d.labour_status.notna() & d.in_education.notna(),
        lambda d: (d.labour_status != "employed") & (d.in_education == 0),
    ),
    "EDU.O.TERTIARY": (
        lambda d: d.age.between(25, 64) & d.education.notna(),
        lambda d: d.education >= 5,
    ),
    "HOUSING.P.SOCIAL_HOUSING": (
        lambda d: d.age.notna() & d.social_housing.notna(),
        lambda d: d.social_housing == 1,
    ),
    "HOUSING.O.OVERCROWDING": (
        lambda d: d.age.notna() & d.overcrowded.notna(),
        lambda d: d.overcrowded == 1,
    ),
    "HOUSING.O.COST_OVERBURDEN": (
        lambda d: d.age.notna() & d.housing_cost_overburden.notna(),
        lambda d: d.housing_cost_overburden == 1,
    ),
    "LIBERTY.O.UNSAFE": (
        lambda d: (d.age >= 15) & d.feels_unsafe.notna(),
        lambda d: d.feels_unsafe == 1,
    ),
    "NONDISC.O.DISCRIMINATION": (
        lambda d: (d.age >= 18) & d.experienced_discrimination.notna(),
        lambda d: d.experienced_discrimination == 1,
    ),
    "PART.O.LONG_TERM_RESIDENCE": (
        lambda d: (
            (d.foreign_citizen == 1) & ~d.legal_status.isin(["not_stated", "unknown", "citizen"])
        ),
        lambda d: d.legal_status == "permanent_resident",
    ),
}
# id -> (population, variable) for means
MEANS = {
    "WORK.O.EARN_MONTH": (lambda d: emp(d) & d.earnings.notna(), "earnings"),
    "WORK.P.RECRUITMENT_COST": (
        lambda d: emp(d) & d.recruitment_cost_ratio.notna(),
        "recruitment_cost_ratio",
    ),
}
GROUP = {
    "country_of_birth": ("born_abroad", "foreign_born"),
    "citizenship": ("foreign_citizen", "foreign_citizen"),
}


def _weighted(d, mask, values):
    w = d["weight"][mask]
    return float((w * values[mask]).sum() / w.sum())


def _row(res, ind_id, population, **cell):
    rows = res[(res["indicator_id"] == ind_id) & (res["population"] == population)]
    for key, value in cell.items():
        rows = rows[rows[key] == value]
    assert len(rows) == 1, (ind_id, population, cell, len(rows))
    return rows.iloc[0]


@pytest.mark.parametrize("ind_id", sorted(PROPORTIONS))
def test_survey_proportions_by_hand(inputs, results, ind_id):
    lfs = inputs[0]
    ind = mhr.load_catalogue()[ind_id]
    col, label = GROUP[ind.migrant_criterion]
    pop, num = PROPORTIONS[ind_id]
    mask = pop(lfs).fillna(False) & (lfs[col] == 1)
    expected = 100 * _weighted(lfs, mask, num(lfs).fillna(False).astype(float))
    assert _row(results, ind_id, label, sex="_T")["value"] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("ind_id", sorted(MEANS))
def test_survey_means_by_hand(inputs, results, ind_id):
    lfs = inputs[0]
    pop, var = MEANS[ind_id]
    mask = pop(lfs) & (lfs["born_abroad"] == 1)
    expected = _weighted(lfs, mask, lfs[var])
    assert _row(results, ind_id, "foreign_born", sex="_T")["value"] == pytest.approx(
        expected, rel=1e-9
    )


def test_pay_gap_by_hand(inputs, results):
    lfs = inputs[0]
    pop = emp(lfs) & lfs["hourly_earnings"].notna()
    foreign = _weighted(lfs, pop & (lfs["foreign_citizen"] == 1), lfs["hourly_earnings"])
    national = _weighted(lfs, pop & (lfs["foreign_citizen"] == 0), lfs["hourly_earnings"])
    got = _row(results, "WORK.O.PAY_GAP", "relative_gap", sex="_T")["value"]
    assert got == pytest.approx(100 * (national - foreign) / national, rel=1e-9)


def _measure(table, measure, **cell):
    rows = table[table["measure"] == measure]
    for key, value in {"sex": "_T", **cell}.items():
        rows = rows[rows[key] == value]
    return float(rows["value"].sum())


def test_aggregate_indicators_by_hand(inputs, results):
    _, stock, admin, _ = inputs
    s = lambda m, **c: _measure(stock, m, time_period="2024", **c)  # noqa: E731
    a = lambda m, **c: _measure(admin, m, **c)  # noqa: E731
    expected = {
        ("CONTEXT.O.STOCK_PCT", "2024"): 100 * s("migrant_stock") / s("population"),
        ("CONTEXT.O.FEMALE_SHARE", "2024"): 100 * s("migrant_stock", sex="F") / s("migrant_stock"),
        ("CONTEXT.O.STOCK_GROWTH", "2019-2024"): 100
        * np.log(s("migrant_stock") / _measure(stock, "migrant_stock", time_period="2019"))
        / 5,
        ("CONTEXT.O.REFUGEE_SHARE", "2024"): 100 * s("refugees") / s("migrant_stock"),
        ("CONTEXT.O.REFUGEES_FROM", "2024"): 1e5
        * s("refugees_from_country")
        / (s("population") + s("refugees_from_country")),
        ("LIBERTY.P.COURT_REVIEW", "2024"): 100 * 610 / 850,
        ("LIBERTY.P.DETENTION_LENGTH", "2024"): 22400 / 800,
        ("LIBERTY.O.DETENTION_RATE", "2024"): 1e5 * 850 / s("migrant_stock"),
        ("LIBERTY.O.CHILD_DETENTION", "2024"): 40,
        ("LIFE.P.REMAINS_IDENTIFIED", "2024"): 100 * 15 / 37,
        ("LIFE.O.DEATHS_MIGRATION", "2024"): 37,
        ("NONDISC.P.COMPLAINTS_INVESTIGATED", "2024"): 100 * 168 / 240,
        ("PART.P.NATURALISATION_DECIDED_IN_TIME", "2024"): 100 * 4100 / 5600,
        ("PART.O.NATURALISATION_RATE", "2024"): 100 * 5200 / s("foreign_citizen_stock"),
        ("TRAFF.P.VICTIMS_ASSISTED", "2024"): 100 * 81 / 96,
        ("TRAFF.O.VICTIMS_RATE", "2024"): 1e5 * 96 / s("population"),
        ("WORK.P.LABOUR_INSPECTIONS", "2024"): 1000 * 1300 / 21000,
        ("SOCSEC.S.PORTABILITY", "2024"): 2,
    }
    assert a("immigration_detention") == 850
    for (ind_id, period), value in expected.items():
        rows = results[
            (results["indicator_id"] == ind_id)
            & (results["time_period"] == period)
            & (results["sex"] == "_T")
        ]
        assert len(rows) == 1, ind_id
        assert rows["value"].item() == pytest.approx(value, rel=1e-12), ind_id
    injury = _row(results, "WORK.O.INJURY_RATE", "foreign_born", sex="_T")
    assert injury["value"] == pytest.approx(1e5 * 410 / 120000)


def test_structural_indicators_by_hand(inputs, results):
    legal = inputs[3].set_index("instrument")
    for ind in mhr.load_catalogue().filter(type="structural"):
        if ind.statistic != "status":
            continue
        expected = float(legal.loc[ind.variable, "status"] in ("ratified", "in_force"))
        assert _row(results, ind.id, "_T")["value"] == expected, ind.id


def test_every_indicator_computes_and_is_checked(results, computed):
    cat = mhr.load_catalogue()
    assert set(results["indicator_id"]) == set(cat.ids)
    assert set(computed.issues["problem"]) <= {"not_disaggregated"}
    checked = set(PROPORTIONS) | set(MEANS) | {"WORK.O.PAY_GAP", "WORK.O.INJURY_RATE"}
    checked |= {i.id for i in cat.filter(type="structural")}
    checked |= {i.id for i in cat if set(i.source_kind) & {"stock", "admin"}}
    assert checked == set(cat.ids)


def test_catalogue_shape():
    cat = mhr.load_catalogue()
    frame = cat.to_frame()
    for right in cat.rights:
        if right == "context":
            continue
        assert set(frame.loc[frame["right"] == right, "type"]) == {
            "structural",
            "process",
            "outcome",
        }, right
    for ind in cat:
        assert ind.references, ind.id
        if "survey" in ind.source_kind:
            assert ind.migrant_criterion and ind.reference_group, ind.id
    # no composite index: every indicator is a single, interpretable statistic
    assert not [i for i in cat if "index" in i.name.lower() and "parity" not in i.name.lower()]
