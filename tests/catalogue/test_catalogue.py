"""The catalogue: loading, validation errors that name file/indicator/field, and the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

import mhr_indicators as mhr
from mhr_indicators import SpecError, load_catalogue

from ..conftest import REPO


def test_shipped_catalogue_loads_and_filters():
    cat = mhr.load_catalogue()
    assert cat.version
    assert "WORK.O.UR" in cat
    ur = cat["WORK.O.UR"]
    assert ur.statistic == "proportion" and ur.unit == "percent" and ur.multiplier == 100
    assert ur.group_labels == ("foreign_born", "native_born")
    assert ur.required_columns == ("age", "labour_status")
    assert any(r.code == "8.5.2" for r in ur.references)
    work = cat.filter(right="work", type="outcome", source_kind="survey")
    assert len(work) >= 6 and all(i.right == "work" for i in work)
    assert len(cat.filter(type="structural", right="work")) < len(cat)
    frame = cat.to_frame()
    assert list(frame["id"]) == cat.ids
    assert {"id", "name", "right", "type", "unit", "references"} <= set(frame.columns)
    assert f"{len(cat)} indicators" in repr(cat) and "WORK.O.UR" in cat._repr_html_()
    assert len(cat) == 119
    with pytest.raises(KeyError, match="did you mean WORK.O.UR"):
        cat["WORK.O.URR"]


def _write(tmp_path, indicators):
    (tmp_path / "catalogue.yaml").write_text(
        yaml.safe_dump({"version": "test", "rights": [{"id": "work", "name": "Work"}]})
    )
    (tmp_path / "work.yaml").write_text(yaml.safe_dump({"right": "work", "indicators": indicators}))


def _spec(**changes):
    spec = mhr.load_catalogue()["WORK.O.EPR"].model_dump(exclude_none=True)
    spec.pop("right")
    spec.update(changes)
    return spec


def test_bad_specs_name_file_indicator_field(tmp_path):
    _write(
        tmp_path,
        [
            _spec(id="WORK.O.A", unit="percentage"),
            _spec(id="WORK.O.B", population="age >>= 15"),
            _spec(id="WORK.O.C", colour="red"),
            _spec(id="work.o.d"),
            _spec(id="WORK.O.E", statistic="mean"),
            _spec(id="WORK.O.F", reference_group="nationals"),
        ],
    )
    with pytest.raises(SpecError) as err:
        load_catalogue(tmp_path)
    problems = {(p["item"], p["field"]) for p in err.value.problems}
    assert ("WORK.O.A", "unit") in problems
    assert ("WORK.O.B", "population") in problems
    assert ("WORK.O.C", "colour") in problems
    assert ("work.o.d", "id") in problems
    assert ("WORK.O.E", "(indicator)") in problems  # a mean needs a variable
    assert ("WORK.O.F", "(indicator)") in problems  # nationals go with citizenship
    text = str(err.value)
    assert "work.yaml: WORK.O.A: field 'unit': expected" in text
    assert all(p["file"] == "work.yaml" for p in err.value.problems)


def test_duplicate_ids_and_unknown_rights(tmp_path):
    _write(
        tmp_path,
        [_spec(id="WORK.O.A"), _spec(id="WORK.O.A"), {**_spec(id="WORK.O.B"), "right": "health"}],
    )
    with pytest.raises(SpecError, match="duplicate id") as err:
        load_catalogue(tmp_path)
    assert any("unknown right 'health'" in p["message"] for p in err.value.problems)


def test_catalogue_loads_from_an_installed_wheel(tmp_path):
    """Build the wheel, unpack it away from the checkout, and load the catalogue from it."""
    pytest.importorskip("hatchling")
    if shutil.which("git") is None:
        pytest.skip("git is needed to build from the checkout")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("mhr_indicators-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mhr_indicators/_shipped/indicators/work.yaml" in names
    assert "mhr_indicators/_shipped/datasets/example_lfs.parquet" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import mhr_indicators as m, mhr_indicators.io.resources as r; c = m.load_catalogue(); "
        "p = r.resource_dir('indicators'); "
        f"assert str(p).startswith({str(site)!r}), p; print(len(c), len(m.load_example()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    n_ind, n_rows = map(int, out.stdout.split())
    assert n_ind == len(mhr.load_catalogue()) and n_rows == len(mhr.load_example())
