"""Locate data shipped with the package: inside an installed wheel, or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir(name: str) -> Path:
    """Return the directory of shipped resource ``name`` (e.g. ``"datasets"``).

    Wheels carry the top-level folder inside the package
    (``mhr_indicators/_shipped/<name>``); an editable install or a source checkout reads it
    from the repository's top level.
    """
    packaged = Path(str(resources.files("mhr_indicators"))) / "_shipped" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the package's {name!r} folder is missing: reinstall mhr_indicators")
