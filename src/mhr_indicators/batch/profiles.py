"""Country profiles as outputs of a batch job: one page per listed area, in the output set."""

from __future__ import annotations

from pathlib import Path

from ..catalogue.load import Catalogue
from ..engine.results import Results
from ..plot import country_profile, save_figure
from .outputs import Writer


def profile_writers(
    stem: Path,
    areas: list[str] | str,
    formats: list[str],
    results: Results,
    catalogue: Catalogue,
) -> dict[Path, Writer]:
    """Writers of ``<output>_profile_<AREA>.<format>`` for each area (``"all"``: every area of
    the results, sorted), rendered from the results only (never recomputed)."""
    codes = sorted(results.table["ref_area"].dropna().unique()) if areas == "all" else areas
    known = set(results.table["ref_area"])
    writers: dict[Path, Writer] = {}
    for area in codes:
        if area not in known:
            continue  # the run report lists the inputs; an area without results has no page
        for fmt in formats:
            target = stem.with_name(f"{stem.name}_profile_{area}.{fmt}")
            writers[target] = _writer(results, area, catalogue)
    return writers


def _writer(results: Results, area: str, catalogue: Catalogue) -> Writer:
    def write(path: Path) -> Path:
        import matplotlib.pyplot as plt

        figure = country_profile(results, area, catalogue=catalogue)
        try:
            return save_figure(figure, path)
        finally:
            plt.close(figure)

    return write
