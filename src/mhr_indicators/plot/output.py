"""Write profiles to files: one page (PDF, PNG or SVG), a multi-page PDF of many areas, or one
file per area. Files are written atomically (a failed run leaves no half-written file)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..errors import ConfigurationError
from ..io.tables import atomic_write
from .data import ResultsLike, as_results
from .profile import country_profile

#: File types a profile is written to.
FORMATS = ("pdf", "png", "svg")
#: Resolution of PNG pages (dots per inch): 150 reads well on screen and prints cleanly.
PNG_DPI = 150
_METADATA = {"Creator": "mhr_indicators", "CreationDate": None}

Progress = Callable[[int, int, str], None]


def _format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ConfigurationError(
            f"cannot write a profile to {path}: use a .pdf, .png or .svg file name"
        )
    return fmt


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = PNG_DPI) -> Path:
    """Write one page to ``path`` (``.pdf``, ``.png`` or ``.svg``), atomically."""
    target = Path(path)
    fmt = _format(target)
    meta = _METADATA if fmt == "pdf" else None

    def write(tmp: str) -> None:
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta)

    return atomic_write(target, write)


def save_profiles(
    results: ResultsLike,
    path: str | os.PathLike,
    areas: Sequence[str] | None = None,
    *,
    time_period: str | int | None = None,
    progress: Progress | None = None,
    **options,
) -> list[Path]:
    """Write the profiles of several areas: one page each.

    Parameters
    ----------
    results : Results, pandas.DataFrame or path
        The results.
    path : str or path-like
        A ``.pdf`` file: one page per area in one file. A name holding ``{area}``
        (``profiles/{area}.png``): one file per area.
    areas : list of str, optional
        ``ref_area`` codes, in page order (default every area of the results, sorted).
    time_period : str or int, optional
        As for :func:`~mhr_indicators.plot.country_profile`.
    progress : callable, optional
        Called as ``progress(done, total, area)`` after each page.
    **options
        Passed to :func:`~mhr_indicators.plot.country_profile` (``outcomes``, ``breakdowns``,
        ``catalogue``, ``date``).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    res = as_results(results)
    codes = list(areas) if areas is not None else sorted(res.table["ref_area"].dropna().unique())
    if not codes:
        raise ConfigurationError("the results hold no area to draw")
    target = str(path)
    if "{area}" in target:
        out = []
        for i, code in enumerate(codes, start=1):
            fig = country_profile(res, code, time_period, **options)
            out.append(save_figure(fig, target.format(area=code)))
            if progress:
                progress(i, len(codes), code)
        return out
    if _format(Path(target)) != "pdf":
        raise ConfigurationError(
            f"several profiles go to one .pdf (a page each) or to a name with {{area}}, "
            f"such as profiles/{{area}}.png; got {target}"
        )

    def write(tmp: str) -> None:
        with PdfPages(tmp, metadata=_METADATA) as pdf:
            for i, code in enumerate(codes, start=1):
                pdf.savefig(country_profile(res, code, time_period, **options))
                if progress:
                    progress(i, len(codes), code)

    return [atomic_write(target, write)]


__all__ = ["FORMATS", "PNG_DPI", "save_figure", "save_profiles"]
