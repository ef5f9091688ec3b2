"""Readers of real sources, on the real files of ../shared/data (skipped when absent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.sources import m49_to_iso3, read_treaty_status, read_undesa_stock
from mhr_indicators.sources import read_undesa_table as table

from ..conftest import shared_data

CONTEXT = [
    "CONTEXT.O.STOCK_PCT",
    "CONTEXT.O.FEMALE_SHARE",
    "CONTEXT.O.STOCK_GROWTH",
    "CONTEXT.O.REFUGEE_SHARE",
]


@pytest.fixture(scope="module")
def desa():
    path = shared_data("undesa_ims") / "UN_MigrantStockTotal_2019.xlsx"
    stock = read_undesa_stock(path)
    res = mhr.compute(CONTEXT, stock=stock, by=["sex"], source="UN DESA IMS 2019").table
    return path, stock, res


def _compare(res, ref, indicator, keys):
    got = res[res["indicator_id"] == indicator].set_index(keys)["value"]
    joined = pd.concat([got.rename("got"), ref.set_index(keys)["value"].rename("ref")], axis=1)
    one_sided = joined[joined["got"].isna() != joined["ref"].isna()]
    both = joined.dropna()
    off = both[~np.isclose(both["got"], both["ref"], rtol=1e-12, atol=0)]
    return len(both), set(off.index.get_level_values(0)), off, one_sided


def test_m49_to_iso():
    assert m49_to_iso3(840) == "USA" and m49_to_iso3("4") == "AFG"
    assert m49_to_iso3(830) is None and m49_to_iso3(900) is None


def test_reader_layout(desa):
    path, stock, _ = desa
    mhr.validate(stock, "stock")
    assert set(stock["measure"]) == {"migrant_stock", "population", "refugees"}
    # independent read of the raw cells: Afghanistan's row of Table 1, 2019 columns
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True)["Table 1"]
    raw = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Afghanistan")
    header = next(r for r in sheet.iter_rows(values_only=True) if r[5] == 1990)
    cols = [i for i, v in enumerate(header) if v == 2019]  # both sexes, male, female
    afg = stock[(stock["ref_area"] == "AFG") & (stock["time_period"] == "2019")]
    got = afg.loc[afg["measure"] == "migrant_stock"].set_index("sex")["value"].to_dict()
    assert got == {"_T": raw[cols[0]], "M": raw[cols[1]], "F": raw[cols[2]]}
    assert raw[cols[1]] + raw[cols[2]] == raw[cols[0]]
    world = stock[
        (stock["m49"] == 900)
        & (stock["measure"] == "migrant_stock")
        & (stock["time_period"] == "2019")
        & (stock["sex"] == "_T")
    ]
    assert world["value"].item() == 271642105.0 and world["area_kind"].item() == "world"
    assert stock.loc[stock["m49"] == 909, "area_kind"].iloc[0] == "Geographic regions"
    assert not stock.duplicated(["m49", "time_period", "sex", "measure"]).any()
    kinds = stock.groupby("ref_area")["data_type"].first()
    assert kinds["CAF"] == "C" and kinds["CMR"] == "B"  # citizenship vs birthplace, kept


def test_table3_stock_share_is_reproduced(desa):
    path, _, res = desa
    n, off_areas, off, one_sided = _compare(
        res, table(path, "Table 3"), "CONTEXT.O.STOCK_PCT", ["ref_area", "time_period", "sex"]
    )
    assert n > 5300 and one_sided.empty
    # the workbook's own exceptions (another population base; see the reader's docstring)
    assert off_areas == {"BES", "SDN", "SRB"}
    assert set(off.index.get_level_values(1)) == {"1990", "1995", "2000", "2005"}


def test_table4_female_share_is_reproduced(desa):
    path, _, res = desa
    n, off_areas, _, one_sided = _compare(
        res, table(path, "Table 4"), "CONTEXT.O.FEMALE_SHARE", ["ref_area", "time_period"]
    )
    assert n > 1800 and off_areas == set()
    assert list(one_sided.index) == [("SXM", "2005")]  # stock "..", share given


def test_rate_of_change_and_refugee_share(desa):
    path, _, res = desa
    n, off_areas, off, _ = _compare(
        res, table(path, "Table 5"), "CONTEXT.O.STOCK_GROWTH", ["ref_area", "time_period", "sex"]
    )
    assert n > 4500 and off_areas == {"BES"}
    assert set(off.index.get_level_values(1)) == {"2005-2010"}
    t6 = table(path, "Table 6")
    n, off_areas, _, one_sided = _compare(
        res,
        t6[t6["measure"] == "refugees_pct_migrant_stock"],
        "CONTEXT.O.REFUGEE_SHARE",
        ["ref_area", "time_period"],
    )
    assert n > 1800 and off_areas == set()
    assert set(one_sided.index.get_level_values(0)) == {"PSE", "SXM"}


def test_population_says_birthplace_or_citizenship(desa):
    _, _, res = desa
    pct = res[(res["indicator_id"] == "CONTEXT.O.STOCK_PCT") & (res["sex"] == "_T")]
    labels = pct.groupby("ref_area")["population"].first()
    assert labels["CMR"] == "foreign_born" and labels["CAF"] == "foreign_citizen"
    assert pct["se"].isna().all() and (pct["flag"] == "").all()


def test_treaty_status_and_report():
    records = read_treaty_status(shared_data("treaty_ratification_2022"))
    rat, report = records.ratifications, records.report
    mhr.validate(rat, "ratifications")
    assert set(rat["instrument"]) >= {"ICRMW", "ICCPR", "ICESCR", "ICERD", "CEDAW", "CAT", "CRC"}
    icmw = rat[rat["instrument"] == "ICRMW"].set_index("ref_area")
    assert icmw.loc["MEX", "status"] == "ratified" and icmw.loc["MEX", "year"] == 1999
    assert icmw.loc["FRA", "status"] == "not_signed"
    # contradictions are reported and resolved by the documented rules
    moldova = report[(report["file"] == "hr_status_icescr.csv") & (report["iso2"] == "MD")]
    assert moldova["resolution"].str.startswith("rule 1").all()
    assert rat.set_index(["instrument", "ref_area"]).loc[("ICESCR", "MDA"), "status"] == "ratified"
    jamaica = rat.set_index(["instrument", "ref_area"]).loc[("ICCPR-OP1", "JAM")]
    assert jamaica["status"] == "denounced"
    assert (report["resolution"] == "rule 4: matched by member name (SSD)").any()
    assert len(report) >= 14


def test_structural_indicators_from_records():
    records = read_treaty_status(shared_data("treaty_ratification_2022"))
    res = mhr.compute(
        mhr.load_catalogue().filter(type="structural"),
        ratifications=records.ratifications,
        errors="collect",
    )
    missing = set(res.issues["indicator_id"])
    # instruments the UN treaty tables do not hold (ILO conventions, the Palermo Protocol,
    # national laws and policies) are reported as missing input, never guessed
    assert missing == {
        i.id
        for i in mhr.load_catalogue().filter(type="structural")
        if not i.variable or i.variable.startswith(("ILO-", "POLICY-", "PALERMO"))
    }
    assert "WORK.S.ICRMW" not in missing
    icrmw = res.select(indicator="WORK.S.ICRMW").table.set_index("ref_area")
    assert icrmw.loc["MEX", "value"] == 1 and icrmw.loc["FRA", "value"] == 0
    assert icrmw.loc["MEX", "source"].endswith("ICRMW ratified or acceded 1999")
    assert (res.table["unit"] == "yes_no").all() and set(res.table["time_period"]) == {"2022"}
    counts = icrmw["value"].sum()
    assert (
        counts
        == (records.ratifications.query("instrument == 'ICRMW'")["status"] == "ratified").sum()
    )
