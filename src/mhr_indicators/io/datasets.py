"""Files shipped with the package: the synthetic example survey (see ``datasets/README.md``),
mappings, templates and the example job. ``mhr_indicators.datasets.path(name)`` finds one from any
directory."""

from __future__ import annotations

from pathlib import Path

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


def path(name: str) -> Path:
    """The path of a file shipped in the package's ``datasets`` folder, from any directory.

    Parameters
    ----------
    name : str
        Its path inside ``datasets/``, e.g. ``"mappings/acs_pums.yaml"`` or
        ``"example_job.yaml"``.

    Raises
    ------
    FileNotFoundError
        Naming the file and listing what is shipped.
    """
    root = resource_dir("datasets")
    target = (root / name).resolve()
    if root.resolve() not in target.parents or not target.is_file():
        shipped = ", ".join(files())
        raise FileNotFoundError(f"no shipped dataset file {name!r}; shipped: {shipped}")
    return target


def files() -> list[str]:
    """The files shipped in the package's ``datasets`` folder (paths relative to it)."""
    root = resource_dir("datasets")
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
