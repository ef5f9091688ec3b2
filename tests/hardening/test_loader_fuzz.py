"""The YAML loaders (mapping, job config, catalogue) meet arbitrary text with the library's own
errors only: never a raw Python exception, never a hang, never code executed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mhr_indicators as mhr
from mhr_indicators.batch.config import load_job

from ..conftest import REPO

# text that is often valid YAML of odd shapes, and YAML made of random structures
YAML_ISH = st.one_of(
    st.text(max_size=300),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(
                    [
                        "rename",
                        "recode",
                        "derive",
                        "keep",
                        "indicators",
                        "inputs",
                        "output",
                        "id",
                        "right",
                        "map",
                        "from",
                        "values",
                        "path",
                        "name",
                        "by",
                        "x",
                    ]
                ),
                inner,
                max_size=4,
            ),
        ),
        max_leaves=12,
    ).map(lambda obj: yaml.safe_dump(obj, allow_unicode=True)),
)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@SETTINGS
@given(text=YAML_ISH)
def test_mapping_loader(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "m.yaml", text)
        try:
            mhr.load_mapping(path)
        except mhr.MhrError:
            pass


@SETTINGS
@given(text=YAML_ISH)
def test_job_loader(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "job.yaml", text)
        try:
            load_job(path)
        except mhr.MhrError:
            pass


@SETTINGS
@given(text=YAML_ISH)
@example(text="indicators:\n")  # found by this test: a null list of indicators
@example(text="indicators: 3\n")
def test_catalogue_loader(text):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(REPO / "indicators" / "catalogue.yaml", folder / "catalogue.yaml")
        _write(folder, "zzz.yaml", text)
        try:
            mhr.load_catalogue(folder)
        except mhr.MhrError:
            pass


@pytest.mark.parametrize("text", ["indicators:\n", "right: work\nindicators: {a: 1}\n"])
def test_a_catalogue_file_whose_indicators_are_not_a_list(tmp_path, text):
    shutil.copy(REPO / "indicators" / "catalogue.yaml", tmp_path / "catalogue.yaml")
    _write(tmp_path, "zzz.yaml", text)
    with pytest.raises(mhr.SpecError, match=r"zzz\.yaml.*'indicators'.*must be a list"):
        mhr.load_catalogue(tmp_path)
