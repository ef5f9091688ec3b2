"""The shipped example data: a synthetic labour-force-style sample (see ``datasets/README.md``)."""

from __future__ import annotations

import pandas as pd

from .resources import resource_dir

EXAMPLE_FILE = "example_lfs.parquet"


def load_example() -> pd.DataFrame:
    """Load the synthetic example labour-force survey.

    It is synthetic (made by ``datasets/make_example_lfs.py`` with a fixed seed), not real data:
    use it to learn the API and test pipelines, never to describe a country.

    Returns
    -------
    pandas.DataFrame
        One row per person: design columns (``stratum``, ``psu``, ``fpc``, ``weight``,
        ``rw1``...``rw80`` successive-difference replicate weights) and the canonical person
        variables (age, sex, country of birth, citizenship, legal status, labour status, sector,
        earnings, hours, informality, health cover, school attendance).
    """
    return pd.read_parquet(resource_dir("datasets") / EXAMPLE_FILE)
