"""Single charts: what they draw for each cell, their units, titles and legends, and that they
draw the same from a results object and from its table read back from Parquet."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.testing.decorators import check_figures_equal

import mhr_indicators as mhr
from mhr_indicators import plot
from mhr_indicators.plot.draw import is_flagged

from .conftest import cell_key, gids


def _cells(results, indicator, population, by):
    t = results.table
    others = [d for d in ("sex", "age_group", "sector", "legal_status") if d != by]
    keep = (t["indicator_id"] == indicator) & (t["population"] == population)
    return t[keep & (t[others] == "_T").all(axis=1)]


def _assert_cells_drawn_honestly(fig, rows):
    """Suppressed cells: no artist, the word "suppressed"; flagged: hollow; others: filled."""
    for _, row in rows.iterrows():
        key = cell_key(row)
        drawn = gids(fig, f"estimate|{key}")
        if row["suppressed"]:
            assert drawn == [], f"suppressed cell {key} was drawn"
            words = gids(fig, f"suppressed|{key}")
            assert words and "suppressed" in words[0].get_text()
        else:
            markers = [a for a in drawn if hasattr(a, "get_markerfacecolor")]
            assert markers, f"cell {key} was not drawn"
            face = markers[0].get_markerfacecolor()
            assert (face == "white") == is_flagged(row), key


def test_gap_chart_by_age_group(example_results):
    ax = plot.gap_chart(example_results, "WORK.O.UR", by="age_group")
    rows = _cells(example_results, "WORK.O.UR", "gap", "age_group")
    assert rows["suppressed"].any() and (~rows["suppressed"]).any()  # both cases are tested
    _assert_cells_drawn_honestly(ax.figure, rows)
    assert "percentage points" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].startswith("Total: ") and " pp (" in labels[-1]  # the gap in its unit
    words = " ".join(" ".join(t.get_text().split()) for t in ax.texts)
    assert "(higher = worse)" in words  # the direction
    assert plot.layout_problems(ax.figure, margin_mm=0) == []


def test_disaggregation_chart_draws_both_groups_by_age(example_results):
    ax = plot.disaggregation_chart(example_results, "WORK.O.EPR", by="age_group")
    fig = ax.figure
    for population in ("foreign_born", "native_born"):
        rows = _cells(example_results, "WORK.O.EPR", population, "age_group")
        _assert_cells_drawn_honestly(fig, rows)
    flagged = _cells(example_results, "WORK.O.EPR", "foreign_born", "age_group")
    assert flagged.apply(is_flagged, axis=1).any()  # the hollow style is exercised
    assert ax.get_xlabel() == "Percent (%)"
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[:2] == ["15\u201324", "25\u201334"] and ticks[-1] == "Total"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "95% confidence interval" in legend
    assert any(t.startswith("hollow (U)") for t in legend)
    assert plot.layout_problems(fig, margin_mm=0) == []


def test_trend_over_the_stock_series(example_results):
    ax = plot.trend(example_results, "CONTEXT.O.STOCK_PCT")
    assert ax.get_xlabel() == "Year" and ax.get_ylabel() == "Percent (%)"
    assert len(gids(ax.figure, "estimate|CONTEXT.O.STOCK_PCT|foreign_born")) >= 2
    assert plot.layout_problems(ax.figure, margin_mm=0) == []


def _areas(example_results) -> mhr.Results:
    """The example under three area codes, one of them with its migrant EPR suppressed."""
    t = example_results.table
    parts = [t, t.assign(ref_area="MEX"), t.assign(ref_area="DEU")]
    parts[1] = parts[1].assign(value=parts[1]["value"] * 0.8)
    deu = parts[2]
    hit = (deu["indicator_id"] == "WORK.O.EPR") & (deu["population"] == "foreign_born")
    deu.loc[hit, ["value", "suppressed", "flag"]] = [np.nan, True, "X"]
    return mhr.Results(pd.concat(parts, ignore_index=True), metadata=example_results.metadata)


def test_compare_areas_is_a_comparison_not_a_ranking(example_results):
    res = _areas(example_results)
    ax = plot.compare_areas(res, "WORK.O.EPR", sort="value", areas=["XSY", "MEX", "DEU", "FRA"])
    texts = " ".join(t.get_text() for t in ax.figure.findobj(plt.Text))
    assert "compared across areas" in texts and "not a ranking" in texts
    for word in ("rank ", "best", "worst", "#1", "1st"):
        assert word not in texts.lower()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == ["Mexico", "XSY"]  # by value: Mexico's is lower
    assert set(labels[2:]) == {"Germany", "France"}  # suppressed and without data: listed
    assert gids(ax.figure, "suppressed|WORK.O.EPR|foreign_born|DEU")
    assert gids(ax.figure, "nodata|WORK.O.EPR|foreign_born|FRA")
    assert ax.get_xlabel() == "Percent (%)"
    assert plot.layout_problems(ax.figure, margin_mm=0) == []


def test_charts_draw_on_a_given_axes(example_results):
    _, axes = plt.subplots(2, 2, figsize=(12, 8))
    drawn = [
        plot.gap_chart(example_results, "WORK.O.UR", ax=axes[0, 0]),
        plot.trend(example_results, "CONTEXT.O.STOCK_PCT", ax=axes[0, 1]),
        plot.disaggregation_chart(example_results, "WORK.O.EPR", by="sex", ax=axes[1, 0]),
        plot.compare_areas(example_results, "WORK.O.EPR", ax=axes[1, 1]),
    ]
    assert drawn == list(axes.flat)
    for ax in drawn:
        assert ax.get_xlabel() or ax.get_ylabel()


def test_a_missing_indicator_or_comparison_is_a_clear_error(example_results):
    with pytest.raises(mhr.ConfigurationError, match="not in these results"):
        plot.gap_chart(example_results, "NOPE.O.X")
    with pytest.raises(mhr.ConfigurationError, match="comparison"):
        plot.gap_chart(example_results, "CONTEXT.O.STOCK_PCT")


@check_figures_equal(extensions=["png"])
def test_a_table_read_back_from_parquet_draws_the_same(
    fig_test, fig_ref, example_results, tmp_path
):
    path = example_results.to_parquet(tmp_path / "results.parquet")
    table = pd.read_parquet(path)
    plot.disaggregation_chart(table, "WORK.O.EPR", by="age_group", ax=fig_test.subplots())
    plot.disaggregation_chart(example_results, "WORK.O.EPR", by="age_group", ax=fig_ref.subplots())
