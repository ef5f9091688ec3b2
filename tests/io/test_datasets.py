"""Files shipped in the package's ``datasets`` folder, found from any working directory."""

from __future__ import annotations

import re

import pytest

from mhr_indicators import datasets


def test_path_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found = datasets.path("mappings/acs_pums.yaml")
    assert found.is_absolute() and found.is_file()
    assert found.name == "acs_pums.yaml" and found.parent.name == "mappings"


def test_files_lists_the_example_data():
    shipped = datasets.files()
    assert "example_lfs.parquet" in shipped and "example_job.yaml" in shipped
    assert "mappings/acs_pums.yaml" in shipped
    assert shipped == sorted(shipped)


@pytest.mark.parametrize("name", ["no_such_file.csv", "../pyproject.toml"])
def test_unknown_or_escaping_name_is_refused(name):
    with pytest.raises(FileNotFoundError, match=re.escape(repr(name))):
        datasets.path(name)
