"""The ``mhr`` command: the README's main job, exit codes, atomic output."""

from __future__ import annotations

import pandas as pd
import pytest

from mhr_indicators.cli import main


def test_example_prints_and_writes(tmp_path, capsys):
    out = tmp_path / "sub" / "table.parquet"
    assert main(["example", "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert "not real data" in text
    assert "foreign-born" in text
    table = pd.read_parquet(out)
    assert len(table) == 6 * 4  # six estimates x (2 birthplaces x 2 sexes)
    assert set(table["population"]) == {"native-born", "foreign-born"}
    pct = table[table["unit"] == "percent"]
    assert pct["value"].between(0, 100).all()
    assert (table["ci_lower"] <= table["value"]).all() and (
        table["value"] <= table["ci_upper"]
    ).all()
    assert not list(out.parent.glob("*.tmp"))  # no temporary file left behind


def test_example_linearisation_agrees_with_replicates_on_estimates(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    main(["example", "--output", str(a)])
    main(["example", "--design", "linearisation", "--output", str(b)])
    ta, tb = pd.read_csv(a), pd.read_csv(b)
    pd.testing.assert_series_equal(ta["value"], tb["value"])  # same weights, same estimates
    assert (ta["se"] != tb["se"]).any()  # different variance methods


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["nonsense"])
    assert e.value.code == 2


def test_bad_output_suffix_exits_1(tmp_path, capsys):
    assert main(["example", "--output", str(tmp_path / "t.xlsx")]) == 1
    assert "use a .csv or .parquet" in capsys.readouterr().err
