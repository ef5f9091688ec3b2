"""Age-band labels in the SDMX style (``Y15T24``, ``Y_GE65``, ``Y_LT15``): their bounds, labels
for breaks, and re-binning of narrow bands into wider ones that they nest in."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

import pandas as pd

from ..errors import HarmonisationError

__all__ = ["age_band_labels", "band_bounds", "rebin_age_groups", "target_bands"]

_MAX_SHOWN = 5
_BAND = re.compile(r"^Y(?:(\d+)T(\d+)|_GE(\d+)|_LT(\d+))$")


def band_bounds(label: str) -> tuple[float, float]:
    """``[low, high)`` of an SDMX age label: ``Y15T24`` -> (15, 25), ``Y_GE65`` -> (65, inf)."""
    m = _BAND.match(str(label))
    if not m:
        raise HarmonisationError(f"{label!r} is not an age band label (Y15T24, Y_GE65, Y_LT15)")
    lo, hi, ge, lt = m.groups()
    if lo is not None:
        return float(lo), float(hi) + 1
    if ge is not None:
        return float(ge), math.inf
    return 0.0, float(lt)


def age_band_labels(breaks: Sequence[float]) -> tuple[list[str], list[float]]:
    """Labels and bin edges for age breaks ``[15, 25, 65]`` -> Y_LT15, Y15T24, Y25T64, Y_GE65."""
    b = sorted(int(x) for x in breaks)
    if len(b) != len(set(b)) or not b:
        raise HarmonisationError(f"age breaks must be distinct numbers, got {list(breaks)}")
    labels = [f"Y_LT{b[0]}"] + [f"Y{lo}T{hi - 1}" for lo, hi in itertools.pairwise(b)]
    labels.append(f"Y_GE{b[-1]}")
    return labels, [-math.inf, *b, math.inf]


def target_bands(groups: Sequence[str]) -> list[tuple[str, float, float]]:
    """``(label, low, high)`` of target age bands, in the order given; refuses overlapping bands.

    Raises
    ------
    HarmonisationError
        A label is not an age band, or two bands overlap.
    """
    targets = [(g, *band_bounds(g)) for g in groups]
    ordered = sorted(targets, key=lambda t: t[1])
    for (g1, _, hi1), (g2, lo2, _) in itertools.pairwise(ordered):
        if lo2 < hi1:
            raise HarmonisationError(f"target age groups {g1} and {g2} overlap")
    return targets


def rebin_age_groups(values: pd.Series, groups: list[str]) -> pd.Series:
    """Merge age-band labels into wider bands, refusing bands that do not nest.

    Every source band present must lie inside one target band; a source band that straddles a
    target boundary (e.g. ``Y18T59`` into ``Y15T24``/``Y25T64``) raises
    :class:`HarmonisationError`, naming the column and the first rows. Source bands outside every
    target become missing.
    """
    targets = target_bands(groups)
    out = {}
    for label in pd.unique(values.dropna()):
        lo, hi = band_bounds(label)
        inside = [g for g, tlo, thi in targets if tlo <= lo and hi <= thi]
        touching = [g for g, tlo, thi in targets if lo < thi and tlo < hi]
        if inside:
            out[label] = inside[0]
        elif touching:
            rows = ", ".join(map(str, values.index[values == label][:_MAX_SHOWN]))
            where = f"column {values.name!r}, " if values.name is not None else ""
            raise HarmonisationError(
                f"age band {label} ({where}rows {rows}) does not nest in the target groups: it "
                f"straddles {', '.join(touching)}. Source bands must combine exactly into the "
                "targets (e.g. UNHCR's 5-11/12-17/18-59 cannot be re-binned to 5-year bands)"
            )
    return values.map(out).astype(object).where(values.map(out).notna(), None)
