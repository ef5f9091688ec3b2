"""The country profile on the example's results: its panels, how each cell is drawn (or
printed), units per axis, a clean layout on A4, and the same page from a results file."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.testing.decorators import check_figures_equal
from matplotlib.text import Text

import mhr_indicators as mhr
from mhr_indicators import plot
from mhr_indicators.plot.draw import is_flagged
from mhr_indicators.plot.style import unit_label

from .conftest import axes_by_gid, cell_key, gids

DATE = "2026-12-05"


def _words(fig) -> str:
    """Every text of the figure, lines joined by spaces."""
    return " ".join(" ".join(t.get_text().split()) for t in fig.findobj(Text))


@pytest.fixture(scope="module")
def page(example_results):
    return plot.country_profile(example_results, "XSY", date=DATE)


@pytest.fixture(scope="module")
def altered(example_results) -> mhr.Results:
    """The example with the migrants' unemployment rate withheld, the native-born's EPR
    flagged, and no row at all for unmet need for medical care."""
    t = example_results.table.copy()
    total = (t[["sex", "age_group", "sector", "legal_status"]] == "_T").all(axis=1)
    ur = total & (t["indicator_id"] == "WORK.O.UR") & t["population"].isin(["foreign_born", "gap"])
    t.loc[ur, ["value", "se", "ci_lower", "ci_upper"]] = np.nan
    t.loc[ur, ["flag", "suppressed"]] = ["X", True]
    epr = total & (t["indicator_id"] == "WORK.O.EPR") & (t["population"] == "native_born")
    t.loc[epr, "flag"] = "U"
    t = t[t["indicator_id"] != "HEALTH.O.UNMET_NEED"]
    return mhr.Results(t, example_results.issues, example_results.metadata)


def test_the_page_is_a4_portrait(page):
    width, height = page.get_size_inches() * 25.4
    assert (round(width), round(height)) == (210, 297)


def test_every_panel_is_there(page):
    for panel in (
        "panel:header",
        "panel:context",
        "panel:commitments",
        "panel:outcomes",
        "panel:legend",
        "panel:outcomes:percent",
        "panel:breakdowns:",
        "panel:footer",
    ):
        assert axes_by_gid(page, panel), f"no {panel} on the page"


def test_the_layout_is_clean_on_a4(page):
    """No two texts overlap, nothing reaches into the 10 mm margins, no text is too small."""
    assert plot.layout_problems(page, margin_mm=10) == []


def test_headline_outcomes_are_drawn_as_published(page, example_results):
    t = example_results.table
    total = (t[["sex", "age_group", "sector", "legal_status"]] == "_T").all(axis=1)
    rows = t[total & t["indicator_id"].isin(plot.HEADLINE_OUTCOMES)]
    rows = rows[rows["population"].isin(["foreign_born", "native_born"])]
    assert len(rows) == 2 * len(plot.HEADLINE_OUTCOMES)
    for _, row in rows.iterrows():
        markers = [a for a in gids(page, f"estimate|{cell_key(row)}") if hasattr(a, "get_marker")]
        assert markers, f"{row['indicator_id']} {row['population']} not drawn"


def test_each_gap_is_printed_in_its_unit_with_its_interval(page, example_results):
    from mhr_indicators.plot.common import interval_text

    t = example_results.table
    total = (t[["sex", "age_group", "sector", "legal_status"]] == "_T").all(axis=1)
    gaps = t[total & t["indicator_id"].isin(plot.HEADLINE_OUTCOMES) & (t["population"] == "gap")]
    words = _words(page)
    for _, row in gaps.iterrows():
        assert row["unit"] == "percentage_points"
        assert interval_text(row, row["unit"]) in words  # e.g. "+8.8 pp (+4.5 to +13.2)"
    assert "foreign-born higher: worse off" in words  # the direction, from higher_is_better
    assert "(higher = worse)" in words and "(higher = better)" in words


def test_suppressed_flagged_and_missing_are_three_different_things(altered, example_results):
    fig = plot.country_profile(altered, "XSY", date=DATE)
    t = altered.table
    total = (t[["sex", "age_group", "sector", "legal_status"]] == "_T").all(axis=1)
    ur = t[total & (t["indicator_id"] == "WORK.O.UR") & (t["population"] == "foreign_born")]
    key = cell_key(ur.iloc[0])
    assert gids(fig, f"estimate|{key}") == []  # suppressed: nothing drawn
    printed = gids(fig, f"suppressed|{key}")
    assert printed and printed[0].get_text() == "foreign-born: suppressed"
    epr = t[total & (t["indicator_id"] == "WORK.O.EPR") & (t["population"] == "native_born")]
    assert is_flagged(epr.iloc[0])
    marker = next(
        a for a in gids(fig, f"estimate|{cell_key(epr.iloc[0])}") if hasattr(a, "get_marker")
    )
    assert marker.get_markerfacecolor() == "white"  # flagged: hollow
    words = _words(fig)
    assert "hollow (U): low reliability, use with caution" in words  # explained in the legend
    assert '"suppressed": withheld' in words
    assert "no data for the headline indicators Self-reported unmet need for medical care" in words
    assert plot.layout_problems(fig, margin_mm=10) == []


def test_every_chart_axis_is_titled_with_its_unit(page, example_results):
    charts = [ax for ax in page.axes if ax.axison]
    assert len(charts) >= 5  # outcomes, and sex and age charts of two breakdowns
    for ax in charts:
        gid = ax.get_gid()
        if gid.startswith("panel:outcomes:"):
            assert ax.get_xlabel().startswith(unit_label(gid.rsplit(":", 1)[1])), gid
        else:  # context and breakdowns: values on the y axis
            assert ax.get_ylabel() == "Percent (%)", gid


def test_one_axis_per_unit(example_results):
    ids = [*plot.HEADLINE_OUTCOMES, "WORK.O.EARN_MONTH"]
    fig = plot.country_profile(example_results, "XSY", outcomes=ids, breakdowns=0, date=DATE)
    units = example_results.table.drop_duplicates("indicator_id").set_index("indicator_id")["unit"]
    axes = axes_by_gid(fig, "panel:outcomes:")
    assert {ax.get_gid() for ax in axes} >= {
        "panel:outcomes:percent",
        "panel:outcomes:currency_per_month",
    }
    for ax in axes:
        unit = ax.get_gid().rsplit(":", 1)[1]
        drawn = {
            a.get_gid().split("|")[1]
            for a in ax.get_children()
            if (a.get_gid() or "").startswith("estimate|")
        }
        assert drawn and {units[i] for i in drawn} == {unit}
    assert plot.layout_problems(fig, margin_mm=10) == []


def test_commitments_are_a_checklist_not_a_score(page, example_results):
    from mhr_indicators.plot.commitments import commitment, instrument_label

    cat = mhr.load_catalogue()
    words = _words(page)
    rows = example_results.table[example_results.table["type"] == "structural"]
    assert len(rows) >= 10
    for _, row in rows.iterrows():
        spec = cat[row["indicator_id"]] if row["indicator_id"] in cat else None
        if spec is not None and getattr(spec, "retired", None) is not None:
            continue
        label, status = instrument_label(spec, row["indicator_id"]), commitment(row).text
        # "ICESCR: party 1976", "CPED: signed only"; a long law's name may be cut ("Law ...…")
        item = re.escape(label.split()[0]) + r"[^:\u25cf\u25d0\u25cb]*: " + re.escape(status)
        assert re.search(item, words), f"{label}: {status}"
    assert "a checklist, not a score" in words
    assert not re.search(r"\bscore[sd]?\s*[:=]|\d+\s*/\s*\d+\s+(treaties|instruments)", words)


def test_header_and_footer_say_who_what_when_and_how(page, example_results):
    words = _words(page)
    assert "XSY: human rights of migrants" in words
    assert "outcomes 2024" in words and "commitments as of 2024" in words
    assert (
        "Migrants: foreign-born (criterion: country of birth), compared with the native-born"
        in words
    )
    t = example_results.table
    shown = t["indicator_id"].isin(plot.HEADLINE_OUTCOMES) & (t["population"] == "not_stated_share")
    shown &= (t[["sex", "age_group", "sector", "legal_status"]] == "_T").all(axis=1)
    lo, hi = t.loc[shown, "value"].min(), t.loc[shown, "value"].max()
    assert f"not stated for about {lo:.1f}\u2013{hi:.1f}%" in words  # what the criterion covers
    caveats = re.findall(
        r"(?:^| )([1-9])\. ",
        " ".join(t.get_text() for t in axes_by_gid(page, "panel:header:data")[0].texts),
    )
    assert 1 <= len(caveats) <= 3
    assert "Synthetic example data" in words
    footer = " ".join(
        " ".join(t.get_text().split()) for t in axes_by_gid(page, "panel:footer")[0].texts
    )
    for part in (
        "Intervals: 95% confidence",
        f"catalogue {mhr.load_catalogue().version}",
        f"page {DATE}",
        "stock 2019\u20132024",
    ):
        assert part in footer
    for word in ("rank ", "ranked", "best", "worst"):
        assert word not in words.lower()


@check_figures_equal(extensions=["png"])
def test_the_same_page_from_a_results_file(fig_test, fig_ref, example_results, tmp_path):
    path = example_results.to_parquet(tmp_path / "results.parquet")
    plot.country_profile(path, "XSY", date=DATE, figure=fig_test)
    plot.country_profile(example_results, "XSY", date=DATE, figure=fig_ref)


def test_an_unknown_area_is_a_clear_error(example_results):
    with pytest.raises(mhr.ConfigurationError, match="no rows for area 'ZZZ'"):
        plot.country_profile(example_results, "ZZZ")


def test_a_results_table_without_metadata_still_draws(example_results):
    table = pd.DataFrame(example_results.table)
    fig = plot.country_profile(table, "XSY", date=DATE)
    assert "version not recorded" in _words(fig)
    assert plot.layout_problems(fig, margin_mm=10) == []


def test_headline_outcomes_are_current_catalogue_outcomes():
    cat = mhr.load_catalogue()
    for ind in plot.HEADLINE_OUTCOMES:
        spec = cat[ind]
        assert spec.type == "outcome" and getattr(spec, "retired", None) is None, ind
        assert spec.higher_is_better is not None, ind  # the page states the direction
