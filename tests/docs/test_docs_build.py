"""The documentation site builds with warnings as errors: a broken reference, a docstring that
does not parse or a page left out of the navigation fails the test.

The build runs offline (no intersphinx) into a temporary folder; the reference pages are
generated from the code as it is now (``docs/_ext/mhr_docs.py``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..conftest import REPO

DOCS = REPO / "docs"
NEEDED = ["sphinx", "myst_parser", "furo", "numpydoc"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for name in NEEDED:
        pytest.importorskip(name, reason=f"{name} is not installed: pip install -e '.[test]'")
    out = tmp_path_factory.mktemp("site")
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html"]
    cmd += ["-d", str(out / "doctrees"), str(DOCS), str(out / "html")]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert run.returncode == 0, f"sphinx-build failed:\n{run.stderr[-6000:]}"
    return out / "html"


def test_the_site_builds_without_warnings(site):
    assert (site / "index.html").is_file()


def test_every_section_is_there(site):
    pages = [
        "getting-started",
        "concepts",
        "notebooks",
        "survey",
        "compute",
        "sources",
        "profiles",
        "architecture",
        "reference/cli",
        "reference/results-table",
        "reference/schemas",
        "reference/api/top-level",
        "catalogue/index",
        "catalogue/work",
    ]
    missing = [p for p in pages if not (site / f"{p}.html").is_file()]
    assert not missing, f"pages not built: {missing}"


def test_the_api_reference_documents_every_public_name(site):
    import mhr_indicators

    html = (site / "reference/api/top-level.html").read_text(encoding="utf-8")
    missing = [n for n in mhr_indicators.__all__ if f'id="mhr_indicators.{n}"' not in html]
    linked = {"datasets", "plot"}  # subpackages: a link to their own page
    assert set(missing) <= linked, f"not documented: {sorted(set(missing) - linked)}"
    for method in ("proportion", "mean", "ratio", "total", "quantile", "estimate"):  # inherited
        assert f'id="mhr_indicators.SurveyDesign.{method}"' in html, method


def test_the_generated_references_follow_the_code(site):
    from mhr_indicators.cli import build_parser
    from mhr_indicators.prepare.schemas import SCHEMAS
    from mhr_indicators.vocab import RESULT_COLUMNS

    cli = (site / "reference/cli.html").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if hasattr(a, "choices") and a.choices)
    for command in sub.choices:
        assert f"mhr {command}" in cli, command
    table = (site / "reference/results-table.html").read_text(encoding="utf-8")
    code = '<code class="docutils literal notranslate"><span class="pre">{}</span>'
    assert all(code.format(c) in table for c in RESULT_COLUMNS)
    schemas = (site / "reference/schemas.html").read_text(encoding="utf-8")
    for schema in SCHEMAS.values():
        assert schema.title in schemas
        assert all(f'<span class="pre">{c}</span>' in schemas for c in schema.columns)
