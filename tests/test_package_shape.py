"""The package keeps its shape: folders by pipeline step, public names only across folders,
small modules and functions, and no subpackage hidden behind an exported function."""

from __future__ import annotations

import ast
import importlib.util
import warnings
from pathlib import Path

import pytest

import mhr_indicators as mhr

PACKAGE = Path(mhr.__file__).resolve().parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
MAX_LINES = 450  # the rule is "about 400"
MAX_STATEMENTS = 60


def _folder(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else path.stem


@pytest.mark.parametrize("name", [n for n in mhr.__all__ if callable(getattr(mhr, n))])
def test_no_subpackage_or_module_is_shadowed_by_an_exported_name(name):
    assert importlib.util.find_spec(f"mhr_indicators.{name}") is None, name


def _target_folder(path: Path, node: ast.ImportFrom) -> str:
    """The top-level folder (or module) of ``mhr_indicators`` that a relative import reaches."""
    parts = list(path.relative_to(PACKAGE).parent.parts)
    base = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
    target = [*base, *(node.module or "").split(".")]
    return target[0] if target and target[0] else ""


def test_modules_use_only_public_names_of_other_folders():
    offences = []
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = _folder(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                target = _target_folder(path, node)
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private and target not in (here, "_version"):
                    offences.append(f"{path.relative_to(PACKAGE)}: {node.module} {private}")
            if isinstance(node, ast.Attribute) and here != "survey":
                value = node.value
                if (
                    isinstance(value, ast.Name)
                    and value.id in ("design", "survey")
                    and node.attr.startswith("_")
                ):
                    offences.append(f"{path.relative_to(PACKAGE)}: {value.id}.{node.attr}")
    assert not offences, offences


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_stay_small(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            statements = sum(isinstance(n, ast.stmt) for n in ast.walk(node)) - 1
            assert statements <= MAX_STATEMENTS, f"{node.name}: {statements} statements"


def test_the_old_catalogue_function_still_works_with_a_warning():
    with pytest.warns(FutureWarning, match="load_catalogue"):
        cat = mhr.catalogue()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cat is mhr.load_catalogue()  # the shipped catalogue is loaded once


def test_results_travel_with_their_issues(example):
    design = mhr.SurveyDesign(
        mhr.harmonise(example, mhr.datasets.path("mappings/example_lfs.yaml")), weights="weight"
    )
    a = mhr.compute(
        ["WORK.O.EPR", "WORK.O.INFORMAL"], survey=design, by=["sector"], errors="collect"
    )
    b = mhr.compute(["WORK.O.UR"], survey=design, by=["sector"], errors="collect")
    both = mhr.concat_results([a, b])
    assert len(both.table) == len(a.table) + len(b.table)
    assert len(both.issues) == len(a.issues) + len(b.issues) > 0
    assert "sector" in " ".join(both.issues["detail"])
