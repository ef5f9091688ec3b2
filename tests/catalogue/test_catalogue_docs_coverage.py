"""The generated catalogue reference cannot drift from the specs; the coverage report."""

from __future__ import annotations

import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.catalogue.coverage import coverage
from mhr_indicators.catalogue.render import render
from mhr_indicators.cli import main

from ..conftest import REPO


def test_committed_reference_matches_the_specs():
    pages = render(mhr.load_catalogue())
    folder = REPO / "docs" / "catalogue"
    committed = {p.name for p in folder.glob("*.md")}
    assert committed == set(pages), "run: mhr catalogue docs docs/catalogue"
    for name, text in pages.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"docs/catalogue/{name} is out of date: run `mhr catalogue docs docs/catalogue`"
        )


def test_reference_content():
    pages = render(mhr.load_catalogue())
    assert "WORK.O.UR" in pages["index.md"] and "| work | outcome |" in pages["index.md"]
    work = pages["work.md"]
    assert "## Structural indicators" in work and "## Outcome indicators" in work
    assert "8.5.2 (ILO)" in work


def test_coverage_of_the_example_and_of_a_thin_file():
    lfs = mhr.harmonise(mhr.load_example(), REPO / "datasets" / "mappings" / "example_lfs.yaml")
    survey = mhr.load_catalogue().filter(source_kind="survey")
    full = coverage(survey, survey=lfs)
    assert full["computable"].all()
    thin = coverage(
        survey, survey=lfs.drop(columns=["informal", "born_abroad", "country_of_birth"])
    )
    row = thin.set_index("indicator_id").loc["WORK.O.INFORMAL"]
    assert not row["computable"] and "column informal" in row["missing"]
    assert "born_abroad" in row["missing"]
    ur = full.set_index("indicator_id").loc["WORK.O.UR"]
    assert "sector (not a disaggregation" in ur["not_available"]
    structural = coverage(mhr.load_catalogue().filter(type="structural"))
    assert (structural["missing"] == "source: ratification").all()


def test_cli_docs_and_coverage(tmp_path, capsys):
    assert main(["catalogue", "docs", str(tmp_path / "cat")]) == 0
    assert (tmp_path / "cat" / "index.md").is_file()
    csv = tmp_path / "lfs.csv"
    mhr.load_example().head(200).to_csv(csv, index=False)
    assert main(["catalogue", "coverage", str(csv), "--type", "outcome"]) == 0
    out = capsys.readouterr().out
    assert "indicators can be computed" in out and "WORK.O.PAY_GAP" in out
    table = pd.read_csv(csv)
    assert len(table) == 200


def test_reference_shows_the_guide_view_of_each_right():
    """Each right's page: attributes x structural / process / outcome with the ids, a coverage
    note, context indicators under their own heading, retired ones apart (issue 13)."""
    from mhr_indicators.catalogue import render as render_module

    if not hasattr(render_module, "_guide_view"):
        pytest.skip("the Guide view is not rendered yet (render.py patch of issue 13)")
    pages = render(mhr.load_catalogue())
    torture = pages["torture.md"]
    assert "| attribute | structural | process | outcome |" in torture
    assert "[TORTURE.S.CAT](#" in torture and "Coverage:" in torture
    assert "## Context indicators" in pages["context.md"]
    assert "CONTEXT.O.STOCK_PCT" in pages["context.md"]
    work = pages["work.md"]
    assert "## Retired indicators" in work
    assert work.index("## Retired indicators") < work.index("### WORK.O.INJURY_RATE")
    assert "| outcome (retired) |" in pages["index.md"]
