"""Every indicator of the catalogue computes on the shipped example data, and its value for one
cell equals an independent computation written here with plain pandas (not the filter grammar,
not the engine)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import mhr_indicators as mhr
from mhr_indicators.catalogue.spec import Retirement

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


def domestic(d):
    return emp(d) & (d["sector"] == "T")


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
        lambda d: (
            emp(d) & d.hours.notna() & d.wants_more_hours.notna() & d.available_more_hours.notna()
        ),
        lambda d: (d.hours < 35) & (d.wants_more_hours == 1) & (d.available_more_hours == 1),
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
    "WORK.O.FORCED_LABOUR": (
        lambda d: emp(d) & d.forced_labour.notna(),
        lambda d: d.forced_labour == 1,
    ),
    "WORK.O.DOCUMENTS_RETAINED": (
        lambda d: (d.employee == 1) & d.documents_retained.notna(),
        lambda d: d.documents_retained == 1,
    ),
    "WORK.O.DOMESTIC_BELOW_MIN_WAGE": (
        lambda d: (d.employee == 1) & (d.sector == "T") & d.below_minimum_wage.notna(),
        lambda d: d.below_minimum_wage == 1,
    ),
    "WORK.O.DOMESTIC_NO_WEEKLY_REST": (
        lambda d: domestic(d) & d.weekly_rest.notna(),
        lambda d: d.weekly_rest == 0,
    ),
    "WORK.O.DOMESTIC_LONG_HOURS": (lambda d: domestic(d) & d.hours.notna(), lambda d: d.hours > 48),
    "WORK.P.DOMESTIC_SOCSEC": (
        lambda d: domestic(d) & d.social_security_contributor.notna(),
        lambda d: d.social_security_contributor == 1,
    ),
    "CHILD.O.CHILD_LABOUR": (
        lambda d: d.age.between(5, 17) & d.child_labour.notna(),
        lambda d: d.child_labour == 1,
    ),
    "LIBERTY.O.VIOLENCE_VICTIM": (
        lambda d: (d.age >= 15) & d.violence_victim.notna(),
        lambda d: d.violence_victim == 1,
    ),
    "LIBERTY.O.BIAS_CRIME_VICTIM": (
        lambda d: (d.age >= 15) & d.bias_crime_victim.notna(),
        lambda d: d.bias_crime_victim == 1,
    ),
    "LIBERTY.O.PARTNER_VIOLENCE": (
        lambda d: (d.sex == "F") & (d.age >= 15) & d.partner_violence.notna(),
        lambda d: d.partner_violence == 1,
    ),
    "LIVING.P.FOOD_ASSISTANCE": (
        lambda d: (d.food_insecure == 1) & d.food_assistance.notna(),
        lambda d: d.food_assistance == 1,
    ),
    "LIVING.O.FOOD_INSECURITY": (
        lambda d: d.age.notna() & d.food_insecure.notna(),
        lambda d: d.food_insecure == 1,
    ),
    "LIVING.O.DRINKING_WATER": (
        lambda d: d.age.notna() & d.safely_managed_water.notna(),
        lambda d: d.safely_managed_water == 1,
    ),
    "LIVING.O.SANITATION": (
        lambda d: d.age.notna() & d.safely_managed_sanitation.notna(),
        lambda d: d.safely_managed_sanitation == 1,
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
    "WORK.O.RECRUITMENT_COST": (
        lambda d: (d.recently_recruited == 1) & d.recruitment_cost_ratio.notna(),
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
    pop = (lfs["employee"] == 1) & lfs["hourly_earnings"].notna()  # employees only
    foreign = _weighted(lfs, pop & (lfs["foreign_citizen"] == 1), lfs["hourly_earnings"])
    national = _weighted(lfs, pop & (lfs["foreign_citizen"] == 0), lfs["hourly_earnings"])
    got = _row(results, "WORK.O.PAY_GAP", "relative_gap", sex="_T")
    assert got["value"] == pytest.approx(100 * (national - foreign) / national, rel=1e-9)
    assert got["unit"] == "percent"
    # both groups' means are published too, in currency per hour
    mig = _row(results, "WORK.O.PAY_GAP", "foreign_citizen", sex="_T")
    assert mig["value"] == pytest.approx(foreign, rel=1e-9) and mig["unit"] == "currency_per_hour"
    ref = _row(results, "WORK.O.PAY_GAP", "national", sex="_T")
    assert ref["value"] == pytest.approx(national, rel=1e-9)


#: The stock and admin indicators whose values test_aggregate_indicators_by_hand works out.
AGGREGATE_CHECKED = {
    "CONTEXT.O.STOCK_PCT",
    "CONTEXT.O.FEMALE_SHARE",
    "CONTEXT.O.STOCK_GROWTH",
    "CONTEXT.O.REFUGEE_SHARE",
    "CONTEXT.O.REFUGEES_FROM",
    "LIBERTY.P.COURT_REVIEW",
    "LIBERTY.P.DETENTION_LENGTH",
    "LIBERTY.O.DETENTION_RATE",
    "LIBERTY.O.CHILD_DETENTION",
    "LIFE.P.REMAINS_IDENTIFIED",
    "LIFE.O.DEATHS_MIGRATION",
    "NONDISC.P.COMPLAINTS_INVESTIGATED",
    "PART.P.NATURALISATION_DECIDED_IN_TIME",
    "PART.O.NATURALISATION_RATE",
    "TRAFF.P.VICTIMS_ASSISTED",
    "TRAFF.O.VICTIMS_RATE",
    "WORK.P.LABOUR_INSPECTIONS",
    "WORK.O.REMITTANCE_COST",
    "TORTURE.P.ILL_TREATMENT_INVESTIGATED",
    "TORTURE.O.DEATHS_IN_CUSTODY",
    "TORTURE.O.BORDER_CASUALTIES",
    "JUSTICE.P.LEGAL_REPRESENTATION",
    "JUSTICE.P.INTERPRETATION",
    "FAMILY.P.PROCESSING_TIME",
    "FAMILY.O.GRANT_RATE",
    "CHILD.P.GUARDIANS",
    "LIBERTY.P.HATE_CRIMES_PROSECUTED",
    "ASYLUM.P.DECISION_TIME",
    "ASYLUM.O.RECOGNITION_RATE",
    "WORK.O.INJURY_RATE",
    "WORK.O.INJURY_FATAL",
    "WORK.O.INJURY_NONFATAL",
    "JUSTICE.O.LABOUR_CLAIMS_REMEDIED",
    "HOUSING.O.HOMELESSNESS",
    "CHILD.O.BIRTH_REGISTRATION",
    "PART.O.LONG_TERM_RESIDENTS",
}


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
        # added in catalogue 2026.12.0 (example_admin.csv, hand-computed)
        ("WORK.O.REMITTANCE_COST", "2024"): 100 * 126 / 2000,  # 6.3% over 10 corridors
        ("TORTURE.P.ILL_TREATMENT_INVESTIGATED", "2024"): 100 * 12 / 18,
        ("TORTURE.O.DEATHS_IN_CUSTODY", "2024"): 1000 * 2 / 850,
        ("TORTURE.O.BORDER_CASUALTIES", "2024"): 23,
        ("JUSTICE.P.LEGAL_REPRESENTATION", "2024"): 100 * 1140 / 1900,  # 60%
        ("JUSTICE.P.INTERPRETATION", "2024"): 100 * 1380 / 1500,  # 92%
        ("FAMILY.P.PROCESSING_TIME", "2024"): 589000 / 3100,  # 190 days
        ("FAMILY.O.GRANT_RATE", "2024"): 100 * 2480 / 3100,  # 80%
        ("CHILD.P.GUARDIANS", "2024"): 100 * 97 / 120,
        ("LIBERTY.P.HATE_CRIMES_PROSECUTED", "2024"): 100 * 52 / 140,
        ("ASYLUM.P.DECISION_TIME", "2024"): 1008000 / 4200,  # 240 days
        ("ASYLUM.O.RECOGNITION_RATE", "2024"): 100 * 1890 / 4200,  # 45%
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
    # group-specific admin rates: numerator and denominator of the same group (population)
    by_group = {
        ("WORK.O.INJURY_FATAL", "foreign_born"): 1e5 * 6 / 120000,
        ("WORK.O.INJURY_FATAL", "native_born"): 1e5 * 14 / 780000,
        ("WORK.O.INJURY_NONFATAL", "foreign_born"): 1e5 * 404 / 120000,
        ("WORK.O.INJURY_NONFATAL", "native_born"): 1e5 * 1636 / 780000,
        ("JUSTICE.O.LABOUR_CLAIMS_REMEDIED", "foreign_citizen"): 100 * 231 / 420,  # 55%
        ("JUSTICE.O.LABOUR_CLAIMS_REMEDIED", "national"): 100 * 1690 / 2600,  # 65%
        ("HOUSING.O.HOMELESSNESS", "foreign_citizen"): 1000 * 1150 / 169860,
        ("HOUSING.O.HOMELESSNESS", "national"): 1000 * 2900 / 1741930,
        ("CHILD.O.BIRTH_REGISTRATION", "children_of_foreign_citizen_mothers"): 100 * 2150 / 2400,
        ("CHILD.O.BIRTH_REGISTRATION", "children_of_national_mothers"): 100 * 17800 / 18100,
        ("PART.O.LONG_TERM_RESIDENTS", "foreign_citizen"): 100 * 61500 / 150000,  # 41%
    }
    for (ind_id, population), value in by_group.items():
        got = _row(results, ind_id, population, sex="_T")["value"]
        assert got == pytest.approx(value, rel=1e-12), (ind_id, population)
    # the split injury series add up to the retired summed one
    fatal = _row(results, "WORK.O.INJURY_FATAL", "foreign_born", sex="_T")["value"]
    nonfatal = _row(results, "WORK.O.INJURY_NONFATAL", "foreign_born", sex="_T")["value"]
    assert fatal + nonfatal == pytest.approx(injury["value"])
    # a breakdown by sex where the table has one (asylum decisions)
    women = results[
        (results["indicator_id"] == "ASYLUM.O.RECOGNITION_RATE") & (results["sex"] == "F")
    ]
    assert women["value"].item() == pytest.approx(100 * 800 / 1600)


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
    checked |= AGGREGATE_CHECKED
    assert checked == set(cat.ids)
    # every stock and admin indicator has a hand-worked value in test_aggregate_indicators_by_hand
    assert {i.id for i in cat if set(i.source_kind) & {"stock", "admin"}} <= AGGREGATE_CHECKED


def test_catalogue_shape():
    cat = mhr.load_catalogue()
    frame = cat.to_frame()
    for right in cat.rights:
        if right == "context":
            # background statistics: their own type, never presented as outcomes
            assert set(frame.loc[frame["right"] == right, "type"]) == {"context"}
            continue
        assert set(frame.loc[frame["right"] == right, "type"]) == {
            "structural",
            "process",
            "outcome",
        }, right
        current = [i for i in cat.filter(right=right) if i.retired is None]
        assert {i.type for i in current} == {"structural", "process", "outcome"}, right
    assert {i.right for i in cat if i.type == "context"} == {"context"}
    for ind in cat:
        assert ind.references, ind.id
        if "survey" in ind.source_kind:
            assert ind.migrant_criterion and ind.reference_group, ind.id
    # no composite index: every indicator is a single, interpretable statistic
    assert not [i for i in cat if "index" in i.name.lower() and "parity" not in i.name.lower()]


def test_retired_indicators_point_at_current_successors():
    """A retired id stays loadable (last year's batch still runs) and names its successors,
    which are current indicators of the catalogue; the index's changelog lists it."""
    cat = mhr.load_catalogue()
    retired = {i.id: i for i in cat if i.retired is not None}
    assert set(retired) == {
        "WORK.O.INJURY_RATE",
        "WORK.P.RECRUITMENT_COST",
        "HEALTH.S.IRREGULAR_ACCESS",
        "LIBERTY.S.CAT",
        "PART.O.LONG_TERM_RESIDENCE",
    }
    changelog = yaml.safe_load((REPO / "indicators" / "catalogue.yaml").read_text())["changelog"]
    assert changelog[0]["version"] == cat.version
    # the review retired them (2026.12.0); later versions keep them retired
    latest = {entry["version"]: entry for entry in changelog}["2026.12.0"]
    assert set(latest["retired"]) == set(retired)
    for ind in retired.values():
        assert ind.retired.version == "2026.12.0"
        assert ind.retired.replaced_by, ind.id
        for successor in ind.retired.replaced_by:
            assert successor in cat and cat[successor].retired is None, (ind.id, successor)
        assert latest["retired"][ind.id]["replaced_by"] == ind.retired.replaced_by
        assert ind.deprecation.startswith(f"{ind.id} was retired in catalogue 2026.12.0")
        assert all(s in ind.deprecation for s in ind.retired.replaced_by)
        assert ind.name.startswith("Retired:"), ind.id
    assert all(i.deprecation is None for i in cat if i.retired is None)
    # ids in the changelog exist
    for key in ("corrected",):
        assert set(latest[key]) <= set(cat.ids)
    added = {a.strip(" .") for a in latest["added"].replace(";", ",").split(",")}
    assert added <= set(cat.ids) and len(added) >= 50


def test_a_retirement_names_catalogue_ids():
    with pytest.raises(ValueError, match="not catalogue ids"):
        Retirement(version="x", reason="y", replaced_by=["work.o.ur"])


def _cited(ind):
    return " ".join(str(r) for r in ind.references)


def test_review_corrections_hold():
    """The corrections of the 2026.12.0 review (issue 13) stay corrected."""
    cat = mhr.load_catalogue()
    # A/69/302 para. 101 is about disaggregation: no indicator cites it as its source
    assert not [i.id for i in cat if "A/69/302 (2014), para. 101" in _cited(i)]
    assert "para. 96(f)" in _cited(cat["LIBERTY.S.NO_CHILD_DETENTION"])
    assert "para. 96(g)" in _cited(cat["SOCSEC.S.PORTABILITY"])
    assert "para. 89(f)" in _cited(cat["LIBERTY.O.UNSAFE"])
    assert "para. 60(b)" in _cited(cat["HEALTH.P.INSURANCE"])
    # SDG 8.8.2 (freedom of association) is not a source of labour inspections
    assert not any(r.code == "8.8.2" for r in cat["WORK.P.LABOUR_INSPECTIONS"].references)
    # SDG 3.8.1 is a service-coverage index, not insurance cover; art. 28 is emergency care
    insurance = cat["HEALTH.P.INSURANCE"].references
    assert not any(r.code == "3.8.1" for r in insurance)
    assert {r.article for r in insurance if r.instrument == "ICRMW"} == {"43(1)(e)", "45(1)(c)"}
    # unemployment protection is ICRMW art. 54(1); access to work is art. 52
    ur = {r.article for r in cat["WORK.O.UR"].references if r.instrument == "ICRMW"}
    assert ur == {"54(1)"}
    for ind_id in ("WORK.O.LFPR", "WORK.O.EPR"):
        arts = {r.article for r in cat[ind_id].references if r.instrument == "ICRMW"}
        assert arts == {"52"}, ind_id
    naturalisation = cat["PART.P.NATURALISATION_DECIDED_IN_TIME"].references
    assert not any(r.instrument == "ICCPR" for r in naturalisation)
    assert {"1(3)", "5(d)(iii)"} <= {r.article for r in naturalisation if r.instrument == "ICERD"}
    # SDG 8.8.1 is two series
    assert "SL_EMP_FTLINJUR" in _cited(cat["WORK.O.INJURY_FATAL"])
    assert "SL_EMP_INJUR" in _cited(cat["WORK.O.INJURY_NONFATAL"])
    # time-related underemployment needs availability
    assert "available_more_hours == 1" in cat["WORK.O.TRU"].numerator
    # ambiguous directions are left open
    for ind_id in (
        "WORK.O.EARN_MONTH",
        "EDU.O.TERTIARY",
        "HOUSING.P.SOCIAL_HOUSING",
        "TRAFF.O.VICTIMS_RATE",
    ):
        assert cat[ind_id].higher_is_better is None, ind_id
        assert cat[ind_id].notes, ind_id
    assert "age_group" in cat["TRAFF.O.VICTIMS_RATE"].disaggregations
    assert cat["HOUSING.S.RENTAL_NONDISCRIMINATION"].attribute == "Security of tenure"
    # the pay gap: employees, a percentage, a raw gap
    pay = cat["WORK.O.PAY_GAP"]
    assert "employee == 1" in pay.population and "legal_status" in pay.disaggregations
    assert "not a measure of discrimination" in pay.notes
    # every indicator says in its notes or description what the figure is and is not
    current = [i for i in cat if i.retired is None and i.type != "structural"]
    assert all(i.notes or i.description for i in current)
