"""Shared test helpers: where the real public data lives, and the shipped example."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURES = REPO / "tests" / "fixtures"


def shared_data(sub: str) -> Path:
    """Path of a folder of ``../shared/data``; skip the test when it is absent (a user's clone)."""
    path = SHARED_DATA / sub
    if not path.is_dir():
        pytest.skip(f"real public data not available at {path} (present in CI)")
    return path


@pytest.fixture(scope="session")
def example() -> pd.DataFrame:
    from mhr_indicators import load_example

    return load_example()
