"""Readers and writers of io/tables: what a new user's files look like, and shared drives."""

from __future__ import annotations

import os
import stat
import sys

import pandas as pd
import pytest

from mhr_indicators.errors import ConfigurationError, DataValidationError, MhrError
from mhr_indicators.io.tables import atomic_write, read_metadata, read_table, write_table

CANONICAL = ["ref_area", "time_period", "sex", "age", "weight"]


def _csv(delimiter: str, bom: bool) -> str:
    rows = [CANONICAL, ["XSY", "2024", "F", "34", "12.5"], ["XSY", "2024", "M", "51", "3"]]
    text = "\n".join(delimiter.join(r) for r in rows) + "\n"
    return ("\ufeff" if bom else "") + text


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_csv_delimiter_and_byte_order_mark(tmp_path, delimiter, bom):
    path = tmp_path / "lfs.csv"
    path.write_text(_csv(delimiter, bom), encoding="utf-8")
    df = read_table(path)
    assert list(df.columns) == CANONICAL  # not one column, no BOM glued to 'ref_area'
    assert df["weight"].tolist() == [12.5, 3.0]
    assert df["sex"].tolist() == ["F", "M"]


def test_quoted_commas_do_not_fool_the_delimiter(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('name,"a;b;c;d",x\n"Doe; J",1,2\n', encoding="utf-8")
    df = read_table(path)
    assert list(df.columns) == ["name", "a;b;c;d", "x"]
    assert df.loc[0, "name"] == "Doe; J"


def test_a_one_column_csv_reads(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("ref_area\nXSY\nXSZ\n", encoding="utf-8")
    assert read_table(path)["ref_area"].tolist() == ["XSY", "XSZ"]


def test_decimal_commas_stay_text_and_are_named_downstream(tmp_path):
    from mhr_indicators import SurveyDesign
    from mhr_indicators.errors import DesignError

    path = tmp_path / "eu.csv"
    path.write_text("\ufeffref_area;weight\nXSY;1,5\nXSY;2\n", encoding="utf-8")
    df = read_table(path)
    with pytest.raises(DesignError, match="'weight'.*must be numeric.*rows 0; values '1,5'"):
        SurveyDesign(df, weights="weight")


def test_a_folder_is_not_reported_as_missing(tmp_path):
    folder = tmp_path / "inputs.csv"
    folder.mkdir()
    with pytest.raises(ConfigurationError, match="is a folder, not a file") as err:
        read_table(folder)
    assert "does not exist" not in str(err.value)
    with pytest.raises(ConfigurationError, match="does not exist"):
        read_table(tmp_path / "absent.parquet")


def test_duplicate_column_names_are_named(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("age;sex;age;w;sex\n1;F;2;1;F\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        read_table(path)
    cases = err.value.failure_cases
    assert set(cases["column"]) == {"age", "sex"}
    assert list(cases["index"]) == [
        "(header, column 1)",
        "(header, column 3)",
        "(header, column 2)",
        "(header, column 5)",
    ]
    assert "dup.csv" in str(err.value) and "appears 2 times" in str(err.value)


def test_names_that_pandas_would_mangle_are_not_mistaken_for_duplicates(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("age,age.1\n1,2\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["age", "age.1"]


# --- writers: permissions ------------------------------------------------------------------------
posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture()
def umask():
    """Set a umask for one test, and restore the previous one."""
    old = os.umask(0o022)
    os.umask(old)

    def set_(mask: int) -> None:
        os.umask(mask)

    yield set_
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@posix
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002, 0o077])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_outputs_respect_the_umask(tmp_path, umask, mask, suffix):
    umask(mask)
    target = tmp_path / f"results{suffix}"
    write_table(pd.DataFrame({"a": [1, 2]}), target, metadata={"run": 1})
    assert _mode(target) == 0o666 & ~mask
    if suffix == ".csv":
        assert _mode(target.with_name(target.name + ".meta.json")) == 0o666 & ~mask
    assert read_metadata(target) == {"run": 1}


@posix
def test_a_rerun_replaces_a_0600_file_with_the_umask_mode(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "results.csv"
    target.write_text("old\n")
    os.chmod(target, 0o600)  # as the former writer left it
    write_table(pd.DataFrame({"a": [1]}), target)
    assert _mode(target) == 0o644
    assert read_table(target)["a"].tolist() == [1]


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "results.csv"
    target.write_text("a\n1\n")

    def fail(tmp: str) -> None:
        with open(tmp, "w") as fh:
            fh.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, fail)
    assert target.read_text() == "a\n1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]


def test_atomic_write_creates_the_folder_and_returns_the_target(tmp_path):
    target = tmp_path / "new" / "deeper" / "x.txt"
    out = atomic_write(target, lambda tmp: open(tmp, "w").write("hi"))
    assert out == target and target.read_text() == "hi"


def test_unsupported_output_suffix_is_a_library_error(tmp_path):
    with pytest.raises(MhrError, match="use a .csv or .parquet file name"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx")
