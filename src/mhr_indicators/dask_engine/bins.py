"""Value bins of a quantile's exact two-pass search: histograms, brackets, and the lookup.

A value's bin is the top :data:`BITS` bits of its IEEE-754 pattern mapped to an unsigned
integer that sorts as the values do, so bins are the same in every partition and need no
range; a bin spans 1/256 of a binary order of magnitude. Pass one adds up the weights per
(finest cell, bin); the client finds in each cell the bin where the weighted distribution
function reaches the target; pass two collects only the distinct values (with their weights)
of those bins; the quantile rule of the pandas path (:class:`~mhr_indicators.survey.quantile.
SortedCells`) then runs on them, the weight below and above the bin standing in for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..survey.inputs import analysis_variable
from ..survey.quantile import SortedCells
from .partition import CellsSpec, Context, cell_keys, local_run
from .tables import Combined

BITS = 20
_MASK = (1 << BITS) - 1


def value_bins(y: np.ndarray) -> np.ndarray:
    """The bin of each (non-missing) value: order-preserving, the same in every partition."""
    bits = (np.asarray(y, dtype=np.float64) + 0.0).view(np.uint64)  # -0.0 becomes 0.0
    negative = (bits >> np.uint64(63)) == 1
    key = np.where(negative, ~bits, bits | np.uint64(1 << 63))
    return (key >> np.uint64(64 - BITS)).astype(np.int64)


def _rows(part: pd.DataFrame, ctx: Context, spec: CellsSpec):
    run = local_run(part, ctx)
    cell = cell_keys(run, spec)
    data = run.design.get_columns([spec.nonmissing])
    y = analysis_variable(data, spec.nonmissing, "quantile variable")
    w = part[ctx.design.weights].to_numpy(dtype=float)
    return cell, y, w


def histogram_part(part: pd.DataFrame, number: int, ctx: Context, spec: CellsSpec) -> dict:
    """The partition's finest cells (rows with a value) and weights per (cell, bin)."""
    cell, y, w = _rows(part, ctx, spec)
    keep = (cell >= 0) & (w > 0)
    key = cell[keep] * (1 << BITS) + value_bins(y[keep])
    uniq, inverse = np.unique(key, return_inverse=True)
    weights = np.bincount(inverse, weights=w[keep], minlength=len(uniq))
    return {"cells": np.unique(cell[cell >= 0]), "keys": uniq, "weights": weights[:, None]}


def collect_part(
    part: pd.DataFrame, number: int, ctx: Context, spec: CellsSpec, wanted: np.ndarray
) -> pd.DataFrame:
    """The distinct values, with their weights, of the wanted (finest cell, bin) keys."""
    cell, y, w = _rows(part, ctx, spec)
    keep = np.flatnonzero((cell >= 0) & (w > 0))
    key = cell[keep] * (1 << BITS) + value_bins(y[keep])
    sel = keep[np.isin(key, wanted)]
    frame = pd.DataFrame({"cell": cell[sel], "y": y[sel], "w": w[sel]})
    return frame.groupby(["cell", "y"], sort=False, as_index=False)["w"].sum()


@dataclass(frozen=True, eq=False)
class Histogram:
    """Weights per (finest cell, bin), added up over the partitions."""

    finest: np.ndarray  # sorted finest cell keys holding a value
    cell: np.ndarray  # position among ``finest`` of each entry
    bin: np.ndarray
    weight: np.ndarray

    @classmethod
    def combine(cls, results: list[dict]) -> Histogram:
        finest = np.unique(np.concatenate([r["cells"] for r in results]))
        combined = Combined.of([r["keys"] for r in results])
        weight = combined.add([r["weights"] for r in results])[:, 0]
        keys = combined.keys
        return cls(finest, np.searchsorted(finest, keys >> BITS), keys & _MASK, weight)


@dataclass(frozen=True, eq=False)
class Brackets:
    """Per coarse cell: the bin where the distribution reaches the target, and the weight
    below and above it (bin -1: no target)."""

    bin: np.ndarray
    below: np.ndarray
    above: np.ndarray

    def wanted(self, hist: Histogram, ids: np.ndarray) -> np.ndarray:
        """The (finest cell, bin) keys whose values the lookup needs."""
        ok = (ids >= 0) & (self.bin[np.maximum(ids, 0)] >= 0) if len(self.bin) else ids < -1
        f = np.flatnonzero(ok)
        return hist.finest[f] * (1 << BITS) + self.bin[ids[f]]


def brackets(hist: Histogram, ids: np.ndarray, n: int, p: np.ndarray) -> Brackets:
    """The bracketing bin of target ``p`` (one per coarse cell; ``ids`` maps finest to coarse)."""
    c = ids[hist.cell]
    ok = c >= 0
    combined = Combined.of([c[ok] * (1 << BITS) + hist.bin[ok]])
    weight = combined.add([hist.weight[ok][:, None]])[:, 0]
    cc, bb = combined.keys >> BITS, combined.keys & _MASK
    first = np.ones(len(cc), dtype=bool)
    first[1:] = cc[1:] != cc[:-1]
    start = np.flatnonzero(first)
    # each cell's own running total, from zero and in extended precision (as the pandas path
    # cumulates its rows): a running total over all the cells, less the cells before, would
    # carry their rounding into the exact comparisons with the target
    cum = np.empty(len(weight), dtype=np.longdouble)
    prior = np.empty(len(weight), dtype=np.longdouble)  # the cell's weight before each bin
    wide = weight.astype(np.longdouble)
    for s, e in zip(start, np.append(start[1:], len(weight)), strict=True):
        np.cumsum(wide[s:e], out=cum[s:e])
        prior[s] = 0.0
        prior[s + 1 : e] = cum[s : e - 1]
    cum, prior = cum.astype(np.float64), prior.astype(np.float64)
    total = np.zeros(n)
    total[cc[start]] = np.append(cum[start[1:] - 1], cum[-1:])[: len(start)]
    target = np.asarray(p, dtype=float)[cc] * total[cc]
    reach = np.flatnonzero(cum >= target)
    last = np.append(start[1:] - 1, len(cc) - 1)[: len(start)]
    pick = np.full(n, -1, dtype=np.int64)
    pick[cc[last]] = last  # no bin reaches the target (rounding): the last bin
    pick[cc[reach[::-1]]] = reach[::-1]  # the first bin that reaches it
    pick[~np.isfinite(p)] = -1
    has = pick >= 0
    out_bin = np.full(n, -1, dtype=np.int64)
    below, above = np.zeros(n), np.zeros(n)
    out_bin[has] = bb[pick[has]]
    below[has] = prior[pick[has]]
    above[has] = total[has] - cum[pick[has]]
    return Brackets(out_bin, below, above)


def lookup(
    values: pd.DataFrame, hist: Histogram, ids: np.ndarray, br: Brackets, p: np.ndarray
) -> np.ndarray:
    """The quantile rule of the pandas path at ``p`` in each coarse cell, from the collected
    values of its bracketing bin and the weight below and above it."""
    n = len(br.bin)
    f = np.searchsorted(hist.finest, values["cell"].to_numpy())
    c = ids[f]
    y = values["y"].to_numpy(dtype=float)
    ok = c >= 0
    ok[ok] = value_bins(y[ok]) == br.bin[c[ok]]
    cells = np.arange(n)
    cell = np.concatenate([c[ok], cells, cells])
    x = np.concatenate([y[ok], np.full(n, -np.inf), np.full(n, np.inf)])
    w = np.concatenate([values["w"].to_numpy(float)[ok], br.below, br.above])
    found = SortedCells(cell, x, w, n).quantile(np.where(br.bin >= 0, p, np.nan))
    lowest = np.full(n, np.inf)
    highest = np.full(n, -np.inf)
    np.minimum.at(lowest, c[ok], y[ok])
    np.maximum.at(highest, c[ok], y[ok])
    # a target within rounding of a bin's edge: the nearest value inside the bin
    return np.where(found == -np.inf, lowest, np.where(found == np.inf, highest, found))
