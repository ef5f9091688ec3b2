"""The example notebooks run from top to bottom, and are kept in git without outputs.

Each notebook is executed with nbclient (a ``python3`` kernel of the environment running the
tests) in a temporary copy, so nothing is written beside it. Cells that read the real public
data find it through ``MHR_SHARED_DATA`` (default ``../../shared/data`` from ``notebooks/``);
the notebooks that use it also run with that folder absent, where those cells must skip with a
message, not fail. Each notebook must finish in under a minute on the shipped data.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from ..conftest import REPO, SHARED_DATA

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
#: Notebooks with cells that read ../shared/data (and skip without it).
REAL_DATA = {"02_country_profile.ipynb", "04_acs_pums.ipynb", "05_survey_engine.ipynb"}
TIME_LIMIT = 60.0


def test_the_notebooks_are_there():
    names = {p.name for p in NOTEBOOKS}
    expected = {"01_quickstart.ipynb", "02_country_profile.ipynb", "03_nso_batch.ipynb"}
    expected |= {"04_acs_pums.ipynb", "05_survey_engine.ipynb"}
    assert expected <= names, f"missing: {sorted(expected - names)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs; clear them before committing"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", path.name


def _execute(path, tmp_path, monkeypatch, shared):
    nbformat = pytest.importorskip("nbformat", reason="nbformat not installed: .[test]")
    nbclient = pytest.importorskip("nbclient", reason="nbclient not installed: .[test]")
    pytest.importorskip("ipykernel", reason="ipykernel not installed: .[test]")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no python3 Jupyter kernel (ipykernel installs one)")
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    monkeypatch.setenv("MHR_SHARED_DATA", str(shared))
    nb = nbformat.read(copy, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name} fails:\n{str(exc)[-3000:]}")
    return nb, time.perf_counter() - start


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch):
    if path.name in REAL_DATA and not SHARED_DATA.is_dir():
        pytest.skip(f"real public data not available at {SHARED_DATA} (present in CI)")
    _, seconds = _execute(path, tmp_path, monkeypatch, SHARED_DATA)
    assert seconds < TIME_LIMIT, f"{path.name} took {seconds:.0f} s (limit {TIME_LIMIT:.0f} s)"


@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.name in REAL_DATA], ids=lambda p: p.name
)
def test_notebook_skips_real_data_cleanly_without_it(path, tmp_path, monkeypatch):
    nb, _ = _execute(path, tmp_path, monkeypatch, tmp_path / "no_shared_data")
    text = "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )
    assert "skipped" in text, f"{path.name} says nothing about the missing data"
