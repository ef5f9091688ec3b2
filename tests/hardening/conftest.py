"""Shared inputs of the hardening tests: small frames and the shipped examples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"


@pytest.fixture(scope="session")
def example_stock() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "example_stock.csv")


@pytest.fixture(scope="session")
def example_admin() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "example_admin.csv")


@pytest.fixture(scope="session")
def example_legal() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "example_legal.csv")
