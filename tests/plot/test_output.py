"""Writing profiles: one page, a multi-page PDF of several areas, one file per area."""

from __future__ import annotations

import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators import plot


@pytest.fixture(scope="module")
def two_areas(example_results) -> mhr.Results:
    t = example_results.table
    return mhr.Results(pd.concat([t, t.assign(ref_area="XSZ")]), metadata=example_results.metadata)


def _pages(pdf) -> int:
    return pdf.read_bytes().count(b"/Type /Page\n") + pdf.read_bytes().count(b"/Type /Page ")


def test_one_page_per_area_in_one_pdf(two_areas, tmp_path):
    seen = []
    (path,) = plot.save_profiles(
        two_areas, tmp_path / "profiles.pdf", progress=lambda i, n, a: seen.append((i, n, a))
    )
    assert path.read_bytes().startswith(b"%PDF")
    assert _pages(path) == 2
    assert seen == [(1, 2, "XSY"), (2, 2, "XSZ")]
    assert not list(tmp_path.glob("*.tmp*"))  # written atomically: no leftovers


def test_one_file_per_area(two_areas, tmp_path):
    paths = plot.save_profiles(two_areas, tmp_path / "p" / "{area}.png", areas=["XSZ"])
    assert [p.name for p in paths] == ["XSZ.png"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_one_page_in_each_format(example_results, tmp_path, suffix):
    fig = plot.country_profile(example_results, "XSY", date="2026-12-05")
    path = plot.save_figure(fig, tmp_path / f"profile.{suffix}")
    assert path.stat().st_size > 10_000


def test_unsupported_targets_are_clear_errors(two_areas, example_results, tmp_path):
    fig = plot.country_profile(example_results, "XSY")
    with pytest.raises(mhr.ConfigurationError, match=r"\.pdf, \.png or \.svg"):
        plot.save_figure(fig, tmp_path / "profile.jpg")
    with pytest.raises(mhr.ConfigurationError, match=r"\{area\}"):
        plot.save_profiles(two_areas, tmp_path / "profiles.png")
