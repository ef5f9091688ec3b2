"""UN DESA International Migrant Stock, 2019 and 2020 editions, read end to end (real files).

Expected values come from outside the reader: the figures quoted in issue 9 (Germany, Saudi
Arabia), the raw cells read here with openpyxl at the positions the data README gives, the
workbooks' own derived Tables 3 and 4, and the workbooks' notes (Bonaire, Sint Eustatius and Saba:
"The estimates of migrant stock for 1990 to 2005 refer to the former Netherlands Antilles").
"""

from __future__ import annotations

import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.errors import MhrError
from mhr_indicators.sources import read_undesa, read_undesa_stock, read_undesa_table

from ..conftest import shared_data

FILE_2019 = "UN_MigrantStockTotal_2019.xlsx"
FILE_2020 = "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
CONTEXT = [
    "CONTEXT.O.STOCK_PCT",
    "CONTEXT.O.FEMALE_SHARE",
    "CONTEXT.O.STOCK_GROWTH",
    "CONTEXT.O.REFUGEE_SHARE",
]
YEARS_2020 = ["1990", "1995", "2000", "2005", "2010", "2015", "2020"]


def _path(name):
    return shared_data("undesa_ims") / name


@pytest.fixture(scope="module")
def book2020():
    return read_undesa(_path(FILE_2020))


@pytest.fixture(scope="module")
def book2019():
    return read_undesa(_path(FILE_2019))


@pytest.fixture(scope="module")
def res2020(book2020):
    return mhr.compute(CONTEXT, stock=book2020.stock, by=["sex"], source=book2020.source).table


@pytest.fixture(scope="module")
def res2019(book2019):
    return mhr.compute(CONTEXT, stock=book2019.stock, by=["sex"], source=book2019.source).table


def _raw_2020(sheet: str) -> pd.DataFrame:
    """The 2020 sheet as the data README describes it, read cell by cell: header on Excel row
    11, then Index, name, Notes, Location code, Type of data, and blocks of seven years from
    column F (both sexes, males, females). One row per area and column."""
    ws = openpyxl.load_workbook(_path(FILE_2020), read_only=True)[sheet]
    rows = list(ws.iter_rows(min_row=12, values_only=True))
    out = []
    for r in rows:
        if not isinstance(r[3], (int, float)):
            continue
        for block, sex in enumerate(("_T", "M", "F")):
            for k, year in enumerate(YEARS_2020):
                col = 5 + 7 * block + k
                if col < len(r):
                    v = r[col]
                    out.append((int(r[3]), year, sex, v if isinstance(v, (int, float)) else None))
    frame = pd.DataFrame(out, columns=["m49", "time_period", "sex", "raw"])
    return frame.drop_duplicates(["m49", "time_period", "sex"]).set_index(
        ["m49", "time_period", "sex"]
    )["raw"]


# --- priority 1: the 2020 workbook end to end ------------------------------------------------


def test_2020_figures_quoted_in_the_issue(book2020):
    t1 = book2020.tables["Table 1"]
    stock = t1.set_index(["ref_area", "time_period", "sex"])["value"]
    assert stock[("DEU", "2020", "_T")] == 15_762_457
    assert stock[("SAU", "2020", "_T")] == 13_454_842
    assert stock[("SAU", "2020", "M")] == 9_235_130
    assert stock[("SAU", "2020", "F")] == 4_219_712
    assert t1.loc[t1["area_kind"] == "country", "m49"].nunique() >= 230
    assert book2020.edition == "2020"
    assert book2020.source == "UN DESA International Migrant Stock 2020"


@pytest.mark.parametrize("sheet", ["Table 1", "Table 2", "Table 3"])
def test_2020_every_cell_read_where_the_readme_says(book2020, sheet):
    """The reader finds the sex blocks from the labels above the header; the values equal the
    raw cells at the README's fixed positions (2020: both sexes F-L, males M-S, females T-Z)."""
    raw = _raw_2020(sheet)
    got = book2020.tables[sheet].set_index(["m49", "time_period", "sex"])["value"]
    if sheet == "Table 2":
        got = got / 1000
    joined = pd.concat([raw, got.rename("got")], axis=1, join="inner")
    assert len(joined) == len(raw) == len(got)
    both = joined.dropna()
    assert np.allclose(both["raw"].astype(float), both["got"], rtol=1e-12, atol=0)
    assert (joined["raw"].isna() == joined["got"].isna()).all()


def test_2020_table3_and_table4_are_the_workbooks_derivations(book2020):
    """Table 3 = Table 1 / (Table 2 x 1000) x 100 and Table 4 = female / both x 100, for every
    country, year (and sex), from the raw cells: to 1e-9, far inside the rounding of counts."""
    t1, t2, t3 = _raw_2020("Table 1"), _raw_2020("Table 2"), _raw_2020("Table 3")
    frame = pd.concat([t1.rename("t1"), t2.rename("t2"), t3.rename("t3")], axis=1).dropna()
    frame = frame[frame.index.get_level_values("m49") < 900].astype(float)
    derived = frame["t1"] / (frame["t2"] * 1000) * 100
    assert len(frame) > 4000
    assert np.allclose(frame["t3"], derived, rtol=1e-9, atol=0)
    t4 = _raw_2020("Table 4").xs("_T", level="sex").dropna().astype(float)
    stock = t1.dropna().astype(float)
    female = stock.xs("F", level="sex") / stock.xs("_T", level="sex") * 100
    joined = pd.concat([t4.rename("t4"), female.rename("derived")], axis=1, join="inner")
    joined = joined[joined.index.get_level_values("m49") < 900]
    assert len(joined) > 1500
    assert np.allclose(joined["t4"], joined["derived"], rtol=1e-9, atol=0)


def test_2020_compute_reproduces_tables_3_and_4(book2020, res2020):
    t3 = book2020.tables["Table 3"]
    t3 = t3[t3["area_kind"] == "country"].set_index(["ref_area", "time_period", "sex"])["value"]
    got = res2020[res2020["indicator_id"] == "CONTEXT.O.STOCK_PCT"]
    got = got.set_index(["ref_area", "time_period", "sex"])["value"]
    both = pd.concat([t3.rename("t3"), got.rename("got")], axis=1, join="inner").dropna()
    assert len(both) > 4000
    assert np.allclose(both["t3"], both["got"], rtol=1e-9, atol=0)
    t4 = book2020.tables["Table 4"]
    t4 = t4[t4["area_kind"] == "country"].set_index(["ref_area", "time_period"])["value"]
    fem = res2020[res2020["indicator_id"] == "CONTEXT.O.FEMALE_SHARE"]
    fem = fem.set_index(["ref_area", "time_period"])["value"]
    both = pd.concat([t4.rename("t4"), fem.rename("got")], axis=1, join="inner").dropna()
    assert len(both) > 1500 and np.allclose(both["t4"], both["got"], rtol=1e-9, atol=0)


def test_2020_row_count_per_area_kind(book2020):
    """Areas per kind, counted by hand from the 2020 list (WORLD; 7 SDG regions besides
    Australia and New Zealand, listed twice; 7 development groups; 5 income groups; 6
    continents; 21 sub-regions), and countries counted here from the raw sheet: each area has
    7 years x 3 sexes in Table 1."""
    ws = openpyxl.load_workbook(_path(FILE_2020), read_only=True)["Table 1"]
    codes = [r[3] for r in ws.iter_rows(min_row=12, values_only=True) if isinstance(r[3], int)]
    countries = len({c for c in codes if c < 900})
    assert countries >= 230
    expected = {
        "country": countries,
        "world": 1,
        "sdg_region": 7,
        "development_group": 7,
        "income_group": 5,
        "geographic_region": 6,
        "geographic_subregion": 21,
    }
    t1 = book2020.tables["Table 1"]
    assert t1.groupby("area_kind").size().to_dict() == {k: n * 21 for k, n in expected.items()}
    assert sum(expected.values()) == len(set(codes))  # every listed area, once
    assert len(codes) == len(set(codes)) + 1  # Australia and New Zealand (927) listed twice


def test_2020_tables_4_to_6_layouts(book2020):
    t4, t5, t6 = (book2020.tables[s] for s in ("Table 4", "Table 5", "Table 6"))
    assert set(t4["sex"]) == {"_T"} and set(t4["measure"]) == {"female_pct_migrant_stock"}
    assert sorted(set(t5["time_period"]))[0] == "1990-1995" and set(t5["sex"]) == {"_T", "M", "F"}
    assert set(t6["measure"]) == {
        "refugees",
        "refugees_pct_migrant_stock",
        "refugees_annual_rate_of_change",
    }
    world = t6[(t6["m49"] == 900) & (t6["time_period"] == "2020")].set_index("measure")["value"]
    assert world["refugees"] == 33_807_795  # raw cell L12 of Table 6


def test_markers_and_footnotes_reported(book2020):
    """'~' and '..' become missing values, every one of them in the report; footnote marks
    are stripped from names and reported with the note's text."""
    wb = openpyxl.load_workbook(_path(FILE_2020), read_only=True)
    report = book2020.report
    for sheet in ("Table 1", "Table 6"):
        cells = [v for r in wb[sheet].iter_rows(min_row=12, values_only=True) for v in r[5:]]
        for marker in ("~", ".."):
            rows = report[
                (report["sheet"] == sheet) & report["problem"].str.startswith(f"'{marker}'")
            ]
            counted = rows["problem"].str.extract(r"in (\d+) cell")[0].astype(int).sum()
            assert counted == sum(v == marker for v in cells), (sheet, marker)
    t6 = book2020.tables["Table 6"]
    tokelau = t6[(t6["area_name"] == "Tokelau") & (t6["measure"] == "refugees")]
    assert tokelau["value"].isna().all()  # '~' in the sheet
    names = set(book2020.tables["Table 1"]["area_name"])
    assert "Bonaire, Sint Eustatius and Saba" in names and not any(n.endswith("*") for n in names)
    bes = report[(report["m49"] == 535) & report["problem"].str.startswith("footnote")]
    assert bes["problem"].str.contains("former Netherlands Antilles").all() and len(bes) == 1


def test_type_of_data_normalised_and_kept(book2019, book2020):
    codes19 = book2019.stock.groupby("ref_area")["data_type"].first()
    assert codes19["YEM"] == "C R"  # written 'CR' in the 2019 workbook
    assert codes19["BLZ"] == "B R"  # written 'B R ' (trailing space)
    assert codes19["CAF"] == "C" and codes19["CMR"] == "B"
    report = book2019.report
    assert ((report["m49"] == 887) & (report["resolution"] == "read as 'C R'")).any()
    codes20 = book2020.stock.groupby("ref_area")["data_type"].first()
    assert set(codes20.dropna()) <= {"B", "B R", "C", "C R", "I", "I R", "C B R"}
    assert codes20["SAU"] == "C R" and codes20["DEU"] == "B"


# --- the 2019 workbook, still read ----------------------------------------------------------


def test_2019_spot_values_from_the_raw_cells(book2019):
    stock = book2019.stock
    sheet = openpyxl.load_workbook(_path(FILE_2019), read_only=True)["Table 1"]
    raw = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Afghanistan")
    header = next(r for r in sheet.iter_rows(values_only=True) if r[5] == 1990)
    cols = [i for i, v in enumerate(header) if v == 2019]  # both sexes, male, female
    afg = stock[(stock["ref_area"] == "AFG") & (stock["time_period"] == "2019")]
    got = afg.loc[afg["measure"] == "migrant_stock"].set_index("sex")["value"].to_dict()
    assert got == {"_T": raw[cols[0]], "M": raw[cols[1]], "F": raw[cols[2]]}
    world = stock[
        (stock["m49"] == 900)
        & (stock["measure"] == "migrant_stock")
        & (stock["time_period"] == "2019")
        & (stock["sex"] == "_T")
    ]
    assert world["value"].item() == 271642105.0 and world["area_kind"].item() == "world"
    assert not stock.duplicated(["m49", "time_period", "sex", "measure"]).any()
    mhr.validate(stock, "stock")


def test_2019_area_kinds_follow_the_workbooks_headings(book2019):
    """The 2019 workbook names its groupings in heading rows; every area under a heading (up
    to the SDG block, whose rows mix regions and sub-regions) has the matching kind."""
    sheet = openpyxl.load_workbook(_path(FILE_2019), read_only=True)["Table 1"]
    kind_of = {
        "UN development groups": "development_group",
        "World Bank income groups": "income_group",
        "Geographic regions": "geographic_region",
    }
    heading, expected = None, {}
    for r in sheet.iter_rows(min_row=17, values_only=True):
        if r[3] is None and isinstance(r[1], str):
            heading = r[1].strip()
            if heading.startswith("Sustainable"):
                break
        elif heading in kind_of:
            expected[int(r[3])] = kind_of[heading]
    got = book2019.tables["Table 1"].groupby("m49")["area_kind"].first()
    assert len(expected) == 16
    assert {m: got[m] for m in expected} == expected
    counts = book2019.tables["Table 1"].groupby("area_kind")["m49"].nunique()
    assert counts["country"] == 232 and counts["sdg_region"] == 6


def test_2019_checks_pin_the_workbooks_own_inconsistencies(book2019):
    checks = book2019.checks
    bad = checks[checks["status"] == "disagrees"]
    t3 = bad[bad["sheet"] == "Table 3"]
    assert set(t3["ref_area"]) == {"BES", "SDN", "SRB"}
    assert set(t3["time_period"]) == {"1990", "1995", "2000", "2005"}
    t5 = bad[bad["sheet"] == "Table 5"]
    assert set(zip(t5["ref_area"], t5["time_period"], strict=True)) == {("BES", "2005-2010")}
    assert set(bad["sheet"]) == {"Table 3", "Table 5"}
    # published 20.38% for Bonaire 1990; the stock over Table 2's population gives 295%
    bes = t3.set_index(["ref_area", "time_period", "sex"]).loc[("BES", "1990", "_T")]
    assert bes["published"] == pytest.approx(20.37655, abs=1e-5)
    assert bes["derived"] == pytest.approx(295.03, abs=0.01)
    blank = checks[checks["status"] == "derived_only"]
    assert set(blank["ref_area"]) == {"PSE"} and (blank["derived"] > 300).all()
    only = checks[checks["status"] == "published_only"]
    assert set(zip(only["ref_area"], only["time_period"], strict=True)) == {("SXM", "2005")}
    report = book2019.report
    listed = report[report["problem"].str.contains("published .* derived", regex=True)]
    assert len(listed) == len(bad)


def test_2020_checks_agree_everywhere_but_palestine(book2020):
    status = book2020.checks.groupby("status").size().to_dict()
    assert set(status) == {"agrees", "derived_only"} and status["derived_only"] == 7
    assert status["agrees"] > 14_000


# --- priority 2: never a share above 100%, never a known inconsistency without a flag --------


@pytest.mark.parametrize("which", ["2019", "2020"])
def test_no_share_above_100(which, res2019, res2020):
    res = res2019 if which == "2019" else res2020
    shares = res[res["unit"] == "percent"]
    assert shares["value"].notna().sum() > 8000
    assert shares["value"].max() <= 100


def test_bonaire_1990_2005_withheld_with_a_flag(res2019):
    pct = res2019[res2019["indicator_id"] == "CONTEXT.O.STOCK_PCT"].set_index(
        ["ref_area", "time_period", "sex"]
    )
    for year in ("1990", "1995", "2000", "2005"):
        row = pct.loc[("BES", year, "_T")]
        assert row["flag"] == "D" and bool(row["suppressed"]) and math.isnan(row["value"])
    assert pct.loc[("BES", "2010", "_T"), "flag"] == ""  # the present-day area from 2010
    growth = res2019[res2019["indicator_id"] == "CONTEXT.O.STOCK_GROWTH"].set_index(
        ["ref_area", "time_period", "sex"]
    )
    assert bool(growth.loc[("BES", "2005-2010", "_T"), "suppressed"])  # across the change
    # the female share of the 1990-2005 stock is consistent in itself: published, flagged
    fem = res2019[res2019["indicator_id"] == "CONTEXT.O.FEMALE_SHARE"].set_index(
        ["ref_area", "time_period"]
    )
    assert fem.loc[("BES", "1990"), "flag"] == "D" and fem.loc[("BES", "1990"), "value"] > 0


def test_2019_computed_shares_equal_tables_3_and_4_or_carry_a_flag(book2019, res2019):
    for indicator, sheet, keys in (
        ("CONTEXT.O.STOCK_PCT", "Table 3", ["ref_area", "time_period", "sex"]),
        ("CONTEXT.O.FEMALE_SHARE", "Table 4", ["ref_area", "time_period"]),
    ):
        pub = book2019.tables[sheet]
        pub = pub[pub["area_kind"] == "country"].set_index(keys)["value"]
        got = res2019[res2019["indicator_id"] == indicator].set_index(keys)
        joined = pd.concat([pub.rename("pub"), got], axis=1, join="inner")
        equal = np.isclose(joined["pub"], joined["value"], rtol=1e-9, atol=0)
        flagged = joined["flag"] != ""
        unexplained = joined[~equal & ~flagged & joined["pub"].notna()]
        # Sint Maarten 2005: published, but its stock is '..' (nothing to compute)
        assert set(unexplained.index.get_level_values(0)) <= {"SXM"}, indicator
        assert (joined.loc[flagged, "flag"] == "D").all()
    withheld = res2019[res2019["suppressed"]]
    assert set(withheld["ref_area"]) == {"BES", "SDN", "SRB", "PSE"}


def test_palestine_refugee_share_withheld(res2020):
    share = res2020[
        (res2020["indicator_id"] == "CONTEXT.O.REFUGEE_SHARE") & (res2020["ref_area"] == "PSE")
    ]
    assert len(share) == 7 and share["suppressed"].all() and (share["flag"] == "D").all()


def test_population_says_birthplace_or_citizenship(res2020):
    pct = res2020[(res2020["indicator_id"] == "CONTEXT.O.STOCK_PCT") & (res2020["sex"] == "_T")]
    labels = pct.groupby("ref_area")["population"].first()
    assert labels["DEU"] == "foreign_born" and labels["SAU"] == "foreign_citizen"
    assert pct["se"].isna().all() and (pct["flag"] == "").all()
    assert (pct["source"] == "UN DESA International Migrant Stock 2020").all()


def test_read_undesa_stock_and_table_shorthands():
    path = _path(FILE_2020)
    stock = read_undesa_stock(path)
    assert {"migrant_stock", "population", "refugees"} == set(stock["measure"])
    assert "obs_status" in stock and isinstance(stock.attrs["report"], list)
    t3 = read_undesa_table(path, "Table 3")
    assert set(t3["measure"]) == {"migrant_stock_pct_population"}
    with pytest.raises(MhrError, match="unknown table 'Table 9'"):
        read_undesa_table(path, "Table 9")
