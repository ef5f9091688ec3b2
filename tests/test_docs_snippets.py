"""Every Python snippet of the README and of the documentation site (docs/, subfolders too)
runs as written.

The blocks of one page run in order in one namespace (as a reader pastes them into a notebook),
in a fresh empty folder, so that they work from any directory. A block that reads real public
data is preceded by ``<!-- snippet: cwd=../shared/data/<folder> -->`` (invisible on the page):
it runs in that folder, so its file names read naturally, and is skipped when the data are
absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

from .conftest import REPO

matplotlib.use("Agg")

BLOCK = re.compile(r"(?:<!-- snippet: cwd=(?P<cwd>\S+) -->\s*\n)?```python\n(?P<code>.*?)```", re.S)


def _blocks(page: Path) -> list[tuple[str | None, str]]:
    return [(m["cwd"], m["code"]) for m in BLOCK.finditer(page.read_text(encoding="utf-8"))]


def _pages() -> list[Path]:
    """README.md and every page of the documentation site (``docs/``, its subfolders too, but
    not ``docs/_build`` or other ``_`` folders)."""
    docs = REPO / "docs"
    site = [
        p
        for p in docs.rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(docs).parts)
    ]
    return [REPO / "README.md", *sorted(site)]


ALL_PAGES = _pages()
PAGES = [p for p in ALL_PAGES if _blocks(p)]


def test_the_pages_have_snippets():
    assert sum(len(_blocks(p)) for p in PAGES) >= 8


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_snippets_run_as_written(page, tmp_path, monkeypatch):
    blocks = _blocks(page)
    namespace: dict = {"__name__": "__snippet__"}
    for number, (cwd, code) in enumerate(blocks, start=1):
        folder = tmp_path
        if cwd:
            folder = (REPO / cwd).resolve()
            if not folder.is_dir():
                pytest.skip(f"block {number} of {page.name} needs {cwd} (present in CI)")
        monkeypatch.chdir(folder)
        try:
            exec(compile(code, f"{page.name}, block {number}", "exec"), namespace)
        except Exception as exc:  # the page and block named, with the error
            pytest.fail(f"{page.name}, block {number} fails: {type(exc).__name__}: {exc}")
