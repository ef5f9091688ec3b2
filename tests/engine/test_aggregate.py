"""Indicators from aggregate tables (hand-computed): stock shares, admin rates, legal records."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.catalogue.spec import Indicator

from ..conftest import REPO


def _stock():
    rows = []
    for year, (tot, f, m, pop) in {
        "2015": (1000.0, 400.0, 600.0, 20000.0),
        "2020": (1500.0, 700.0, 800.0, 25000.0),
    }.items():
        for sex, v in (("_T", tot), ("F", f), ("M", m)):
            rows.append(
                {
                    "ref_area": "XSY",
                    "time_period": year,
                    "sex": sex,
                    "measure": "migrant_stock",
                    "value": v,
                    "data_type": "B",
                }
            )
        rows.append(
            {
                "ref_area": "XSY",
                "time_period": year,
                "sex": "_T",
                "measure": "population",
                "value": pop,
                "data_type": "B",
            }
        )
    return pd.DataFrame(rows)


def test_stock_indicators_by_hand():
    res = mhr.compute(
        ["CONTEXT.O.STOCK_PCT", "CONTEXT.O.FEMALE_SHARE", "CONTEXT.O.STOCK_GROWTH"],
        stock=_stock(),
        by=["sex"],
    ).table
    pct = res[(res["indicator_id"] == "CONTEXT.O.STOCK_PCT")].set_index(["time_period", "sex"])
    assert pct.loc[("2015", "_T"), "value"] == pytest.approx(5.0)
    assert pct.loc[("2020", "_T"), "value"] == pytest.approx(6.0)
    # no population by sex in this table: the sex-specific shares have no denominator
    assert np.isnan(pct.loc[("2015", "F"), "value"])
    fem = res[res["indicator_id"] == "CONTEXT.O.FEMALE_SHARE"].set_index("time_period")
    assert fem.loc["2015", "value"] == pytest.approx(40.0)
    assert fem.loc["2020", "sex"] == "_T"
    growth = res[res["indicator_id"] == "CONTEXT.O.STOCK_GROWTH"].set_index(["time_period", "sex"])
    assert growth.loc[("2015-2020", "_T"), "value"] == pytest.approx(100 * np.log(1.5) / 5)
    assert growth.loc[("2015-2020", "F"), "value"] == pytest.approx(100 * np.log(7 / 4) / 5)
    assert set(res["population"]) == {"foreign_born"}
    assert res["se"].isna().all() and (res["flag"] == "").all() and not res["suppressed"].any()


def test_admin_rate_with_stock_denominator_and_matching_coverage():
    spec = Indicator.model_validate(
        {
            "id": "LIBERTY.O.DETENTION_RATE",
            "name": "Immigration detention rate",
            "description": "Persons in immigration detention per 100,000 migrants",
            "right": "liberty",
            "attribute": "Administrative deprivation of liberty",
            "type": "outcome",
            "source_kind": ["admin"],
            "statistic": "rate_per",
            "numerator": "measure == 'immigration_detention'",
            "denominator": "measure == 'migrant_stock'",
            "formula": "detained / stock x 100000",
            "unit": "per_100000",
            "disaggregations": ["sex"],
        }
    )
    admin = pd.DataFrame(
        {
            "ref_area": "XSY",
            "time_period": ["2015", "2015", "2015", "2020", "2021"],
            "sex": ["_T", "F", "M", "_T", "_T"],
            "measure": "immigration_detention",
            "value": [30.0, 10.0, 20.0, 45.0, 50.0],
        }
    )
    res = mhr.compute([spec], admin=admin, stock=_stock(), by=["sex"]).table
    got = res.set_index(["time_period", "sex"])["value"]
    assert got[("2015", "_T")] == pytest.approx(3000.0)  # 30 / 1000 * 100000
    assert got[("2015", "F")] == pytest.approx(2500.0)  # 10 / 400 * 100000
    assert got[("2020", "_T")] == pytest.approx(3000.0)
    # a count without its denominator (no 2021 stock) is kept, with no value ...
    assert np.isnan(got[("2021", "_T")])
    # ... while a denominator without counts (2020 by sex) is not an estimate at all
    assert ("2020", "F") not in got.index


def test_legal_framework_template_feeds_structural_indicators():
    template = pd.read_csv(REPO / "datasets" / "templates" / "legal_framework.csv")
    mhr.validate(template, "ratifications")
    res = mhr.compute(
        ["WORK.S.ILO_C143", "WORK.S.ILO_C189", "LIBERTY.S.NO_CHILD_DETENTION"],
        ratifications=template,
    ).table.set_index("indicator_id")
    assert res.loc["WORK.S.ILO_C189", "value"] == 1
    assert res.loc["WORK.S.ILO_C143", "value"] == 0
    assert res.loc["LIBERTY.S.NO_CHILD_DETENTION", "value"] == 0
    assert res.loc["WORK.S.ILO_C189", "source"].endswith("ILO-C189 ratified or acceded 2019")
    assert (res["unit"] == "yes_no").all() and (res["population"] == "_T").all()
