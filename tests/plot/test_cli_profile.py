"""``mhr profile``: one page for an area, every area into one PDF or one file each, with a
progress bar; usage and data errors exit with 2 and 1."""

from __future__ import annotations

import pandas as pd
import pytest

import mhr_indicators as mhr
from mhr_indicators.cli import main


@pytest.fixture(scope="module")
def results_file(example_results, tmp_path_factory):
    t = example_results.table
    two = mhr.Results(pd.concat([t, t.assign(ref_area="XSZ")]), metadata=example_results.metadata)
    return two.to_parquet(tmp_path_factory.mktemp("cli") / "results.parquet")


def test_one_area_to_pdf(results_file, tmp_path, capsys):
    out = tmp_path / "profile.pdf"
    assert main(["profile", str(results_file), "--area", "XSY", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert f"wrote {out}" in capsys.readouterr().out


def test_every_area_into_one_pdf_with_a_progress_bar(results_file, tmp_path, capsys):
    out = tmp_path / "all.pdf"
    assert main(["profile", str(results_file), "--all", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "2/2" in captured.err and "XSZ" in captured.err
    assert out.read_bytes().count(b"/Type /Page") - out.read_bytes().count(b"/Type /Pages") == 2


def test_every_area_one_file_each(results_file, tmp_path):
    pattern = tmp_path / "p" / "{area}.png"
    assert main(["profile", str(results_file), "--all", "--out", str(pattern)]) == 0
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["XSY.png", "XSZ.png"]


def test_errors(results_file, tmp_path, capsys):
    with pytest.raises(SystemExit) as usage:  # neither --area nor --all
        main(["profile", str(results_file), "--out", str(tmp_path / "x.pdf")])
    assert usage.value.code == 2
    code = main(["profile", str(results_file), "--area", "ZZZ", "--out", str(tmp_path / "x.pdf")])
    assert code == 1 and "no rows for area 'ZZZ'" in capsys.readouterr().err
    code = main(["profile", str(results_file), "--area", "XSY", "--out", str(tmp_path / "x.jpg")])
    assert code == 1
