"""Quantiles with Woodruff intervals on a Dask dataframe, exactly as the pandas path makes them.

For every breakdown of one population at once, in four passes with bounded memory:

1. weights per (finest cell, value bin) (:mod:`.bins`);
2. the distinct values of the bins where each cell's distribution reaches q: the quantile,
   by the pandas path's rule;
3. Woodruff's distribution function at the quantile, a proportion with its design-based
   variance and df: cell sums again (:mod:`.tables`), estimated by the pandas path's code;
4. the distinct values of the bins of the interval's ends, F -/+ t(df) se(F): its ends.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..survey import CellSums, Estimates
from ..survey.estimate import CellEstimate
from ..survey.intervals import t_quantile
from .backend import map_partitions
from .bins import Brackets, Histogram, brackets, collect_part, histogram_part, lookup
from .partition import AtOrBelow, CellsSpec, Context
from .passes import read_columns, sums_pass


def _collect(design, ctx, spec, columns, wanted: list[np.ndarray]):
    import pandas as pd

    keys = np.unique(np.concatenate(wanted)) if wanted else np.empty(0, np.int64)
    parts = map_partitions(design.frame, columns, collect_part, ctx, spec, keys)
    joined = pd.concat(parts, ignore_index=True)
    return joined.groupby(["cell", "y"], sort=False, as_index=False)["w"].sum()


def quantile_estimates(
    design,
    ctx: Context,
    spec: CellsSpec,
    q: float,
    level: float,
    breakdowns: Sequence[Sequence[str]],
    columns: Sequence[str],
) -> dict[tuple, Estimates]:
    """Quantile ``q`` of ``spec.nonmissing`` in the cells of every breakdown (each a subset of
    the spec's cell columns), with Woodruff intervals at ``level``."""
    columns = read_columns(design, [*columns, spec.nonmissing])
    hist = Histogram.combine(map_partitions(design.frame, columns, histogram_part, ctx, spec))
    holder = CellSums.from_tables(design.kernels, spec.coder.decode(hist.finest), None, {})
    coarse = {tuple(b): holder.coarse(b) for b in breakdowns}
    # pass 2: the quantiles
    found: dict[tuple, Brackets] = {}
    for b, (labels, ids) in coarse.items():
        found[b] = brackets(hist, ids, len(labels), np.full(len(labels), q))
    values = _collect(
        design, ctx, spec, columns, [found[b].wanted(hist, coarse[b][1]) for b in coarse]
    )
    qhat = {
        b: lookup(values, hist, ids, found[b], np.full(len(labels), q))
        for b, (labels, ids) in coarse.items()
    }
    # pass 3: the distribution function at the quantile, with its sampling error
    names = {b: f"__woodruff_{i}" for i, b in enumerate(coarse)}
    variables = tuple(
        AtOrBelow(names[b], spec.nonmissing, hist.finest, _per_finest(qhat[b], coarse[b][1]))
        for b in coarse
    )
    cdf_spec = CellsSpec(
        spec.key,
        spec.population,
        spec.criterion,
        spec.indicators,
        spec.coder,
        variables,
        spec.nonmissing,
    )
    _, tables = sums_pass(design, ctx, [cdf_spec], (), columns)
    sums = tables[spec.key]
    if isinstance(sums, Exception):
        raise sums
    cdf = {b: sums.estimate("mean", names[b], by=list(b)) for b in coarse}
    # pass 4: the ends of Woodruff's interval
    ends: dict[tuple, tuple] = {}
    for b, (labels, ids) in coarse.items():
        tq = t_quantile(level, cdf[b].df)
        p_lo = cdf[b].value - tq * cdf[b].se
        p_hi = cdf[b].value + tq * cdf[b].se
        p_lo, p_hi = np.where(p_lo < 0, np.nan, p_lo), np.where(p_hi > 1, np.nan, p_hi)
        ends[b] = (p_lo, p_hi, brackets(hist, ids, len(labels), p_lo),
                   brackets(hist, ids, len(labels), p_hi))  # fmt: skip
    wanted = [br.wanted(hist, coarse[b][1]) for b in coarse for br in ends[b][2:]]
    values = _collect(design, ctx, spec, columns, wanted)
    out = {}
    for b, (_, ids) in coarse.items():
        p_lo, p_hi, br_lo, br_hi = ends[b]
        lo = lookup(values, hist, ids, br_lo, p_lo)
        hi = lookup(values, hist, ids, br_hi, p_hi)
        tq = t_quantile(level, cdf[b].df)
        se = (hi - lo) / (2 * tq)
        est = CellEstimate(
            cdf[b].labels,
            qhat[b],
            se * se,
            cdf[b].df,
            cdf[b].n_unweighted,
            cdf[b].n_weighted,
            interval=(lo, hi),
        )
        out[b] = Estimates(est, "quantile")
    return out


def _per_finest(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """A coarse cell's value for each of its finest cells (NaN for cells outside)."""
    return np.where(ids >= 0, values[np.maximum(ids, 0)] if len(values) else np.nan, np.nan)
