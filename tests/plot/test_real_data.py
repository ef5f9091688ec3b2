"""Profiles from real public files alone: a batch job over the UN DESA International Migrant
Stock 2020 workbook and the 2022 treaty ratification tables, then a page per country, whose
outcomes panel says there are no survey data. Skipped without ``../shared/data``."""

from __future__ import annotations

import pytest
import yaml
from matplotlib.text import Text

from mhr_indicators import plot
from mhr_indicators.batch.run import run_job

from ..conftest import shared_data


@pytest.fixture(scope="module")
def real_results(tmp_path_factory):
    desa = shared_data("undesa_ims") / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
    treaties = shared_data("treaty_ratification_2022")
    folder = tmp_path_factory.mktemp("real")
    job = {
        "indicators": "all",
        "by": ["sex"],
        "inputs": [
            {"name": "UN DESA IMS 2020", "kind": "stock", "reader": "undesa", "path": str(desa)},
            {
                "name": "UN treaty status 2022",
                "kind": "ratifications",
                "reader": "treaty_status",
                "path": str(treaties),
            },
        ],
        "output": {"path": str(folder / "results"), "formats": ["parquet"]},
    }
    (folder / "job.yaml").write_text(yaml.safe_dump(job), encoding="utf-8")
    run_job(folder / "job.yaml")
    return folder / "results.parquet"


def _words(fig) -> str:
    return " ".join(" ".join(t.get_text().split()) for t in fig.findobj(Text))


@pytest.mark.parametrize(
    ("area", "name", "icrmw"),
    [("MEX", "Mexico", "ICRMW: party 1999"), ("DEU", "Germany", "ICRMW: not signed")],
)
def test_a_real_country_profile(real_results, area, name, icrmw):
    fig = plot.country_profile(real_results, area, date="2026-12-05")
    words = _words(fig)
    assert f"{name} ({area}): human rights of migrants" in words
    assert icrmw in words
    assert "No survey data" in words  # the outcomes panel says so, never silently empty
    assert "no data for the headline indicators Employment-to-population ratio" in words
    assert "migrant stock 1990\u20132020" in words and "commitments as of 2022" in words
    assert "Data type: foreign-born (by country of birth)" in words
    assert "No sample estimates" in words  # no interval is claimed for census-based figures
    stock = [ax for ax in fig.axes if (ax.get_gid() or "").startswith("panel:context:CONTEXT")]
    assert len(stock) == 3 and all(ax.get_ylabel() == "Percent (%)" for ax in stock)
    assert not [a for a in fig.findobj() if (a.get_gid() or "").startswith("estimate|WORK")]
    assert plot.layout_problems(fig, margin_mm=10) == []


def test_a_country_counted_by_citizenship(real_results):
    fig = plot.country_profile(real_results, "PHL", date="2026-12-05")
    assert "Data type: foreign citizens (by citizenship)" in _words(fig)


def test_compare_areas_across_real_countries(real_results):
    ax = plot.compare_areas(
        real_results, "CONTEXT.O.STOCK_PCT", areas=["MEX", "DEU", "PHL"], sort="value"
    )
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Philippines [foreign citizens]" in labels  # not comparable: said so
    assert plot.layout_problems(ax.figure, margin_mm=0) == []


def test_withheld_and_missing_context_series_are_said_not_drawn(real_results):
    """Palestine's refugee shares are withheld (DESA: refugees are not part of its foreign-born
    stock, flag D): no chart, no dot, the word "suppressed" and the flag's meaning."""
    fig = plot.country_profile(real_results, "PSE", date="2026-12-05")
    words = _words(fig)
    assert "Suppressed (not drawn): refugees and asylum seekers 1990\u20132020 (flag D" in words
    drawn = [a for a in fig.findobj() if (a.get_gid() or "").startswith("estimate|")]
    assert drawn and not [a for a in drawn if "REFUGEE_SHARE" in a.get_gid()]
    assert plot.layout_problems(fig, margin_mm=10) == []
