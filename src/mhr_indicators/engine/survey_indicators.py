"""Survey indicators: the migrant group and its reference group in every cell, and comparisons.

For an indicator and each requested breakdown (every subset of ``by``; the dimensions left out
are ``_T``), one call of :meth:`SurveyDesign.estimate` estimates the indicator in the cells of
both groups at once, so their covariance is known. The estimates of several breakdowns are
then joined (:meth:`Estimates.concat`) and their result rows, flags and comparisons
(:mod:`.comparisons`, contrasts over those estimates, matched within a breakdown) made together,
in batches whose scores stay under :data:`STACKED_BYTES`: that work is per call, not per cell,
so it is done a few times per indicator rather than once per breakdown. The share of the
population whose migrant status is not stated is reported beside them. The engine uses only
the public API of :mod:`mhr_indicators.survey`.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence

import numpy as np

from ..catalogue.spec import Indicator
from ..survey import Estimates
from ..vocab import DIMENSIONS, NOT_STATED_SHARE, TOTAL
from .blocks import Block, constant, join, take, unlabelled
from .comparisons import comparison_rows
from .survey_rows import estimate_rows, labelled
from .survey_run import KEYS, SurveyRun, breakdown_dims

__all__ = ["KEYS", "SurveyRun", "breakdown_dims", "survey_indicator"]

#: Groups of an indicator's breakdowns made at once, in threads: the compiled loops (sums over
#: the pairs, products of scores) release the GIL, so a second core runs one group's loops
#: while the first builds another's rows. The results do not depend on it (each breakdown is
#: estimated alone, and the rows keep their order); 1 makes them one group.
BREAKDOWN_THREADS = min(2, os.cpu_count() or 1)
#: The rows of an indicator's breakdowns are made together (the work per call, not per cell, is
#: then done once) until their estimates hold this many bytes (their scores per PSU grow with
#: the sample: all four dimensions of a census sample are made a few breakdowns at a time).
STACKED_BYTES = 32 * 2**20
#: The label column that tells the breakdowns apart while their rows are made together.
_BREAKDOWN = "__breakdown"


def _estimates(
    ind: Indicator, run: SurveyRun, subset: tuple[str, ...], dims: Sequence[str]
) -> tuple[Estimates, int]:
    """The indicator in the cells of one breakdown by migrant status, and in total when that
    is the reference group (one joint estimate); and how many of its cells are by status."""
    keys = [*KEYS, *subset]
    by_group = run.estimate(ind, [*keys, run.status(ind.migrant_criterion)], dims)
    if ind.reference_group != "total":
        return by_group, len(by_group)
    return Estimates.concat([by_group, run.estimate(ind, keys, dims)]), len(by_group)


def _with_dims(block: Block, position: int, dims: Sequence[str]) -> Block:
    """``block`` (rows of one breakdown) with ``_T`` for the dimensions it leaves out, and
    the breakdown's position."""
    n = len(next(iter(block.values())))
    out = {**block, **{d: constant(TOTAL, n) for d in dims if d not in block}}
    out[_BREAKDOWN] = np.full(n, position, dtype=np.int64)
    return out


def survey_indicator(
    ind: Indicator, run: SurveyRun, dims: Sequence[str], kinds: Sequence[str]
) -> Block:
    """Result rows of a survey indicator for every subset of ``dims``: per breakdown, both
    groups, the not-stated share and the comparisons, in that order; as a block of arrays
    (the caller makes one table of many indicators' blocks), empty if there is no row."""
    subsets = [s for size in range(len(dims) + 1) for s in itertools.combinations(dims, size)]
    first = _estimates(ind, run, subsets[0], dims)  # fills the caches they share
    rest = list(range(1, len(subsets)))
    threads = max(1, min(run.breakdown_threads or BREAKDOWN_THREADS, len(rest)))
    groups = [[0, *rest[0::threads]], *(rest[k::threads] for k in range(1, threads))]
    work = [[(p, subsets[p], first if p == 0 else None) for p in group] for group in groups]
    if threads > 1:
        pool = run.workers(BREAKDOWN_THREADS)
        done = list(pool.map(lambda g: _group_rows(ind, run, g, dims, kinds), work))
    else:
        done = [_group_rows(ind, run, work[0], dims, kinds)]
    run.release(ind, dims)
    block = join([b for blocks in done for b in blocks])
    breakdown = block.pop(_BREAKDOWN, np.empty(0))
    n = len(breakdown)
    if not n:  # nothing reported (no cell of any group)
        return {}
    order = np.argsort(breakdown.astype(np.int64), kind="stable")
    block = {c: v[order] for c, v in block.items()}
    for dim in dict.fromkeys((*DIMENSIONS, *dims)):  # the core four, and optional ones asked for
        if dim not in block:
            block[dim] = constant(TOTAL, n)
    for col, value in (
        ("indicator_id", ind.id), ("type", ind.type), ("right", ind.right),
        ("attribute", ind.attribute), ("source", run.source),
    ):  # fmt: skip
        block[col] = constant(value, n)
    return block


def _group_rows(
    ind: Indicator,
    run: SurveyRun,
    group: Sequence[tuple[int, tuple[str, ...], tuple[Estimates, int] | None]],
    dims: Sequence[str],
    kinds: Sequence[str],
) -> list[Block]:
    """The rows of a group of breakdowns (position, dimensions, estimates if made): their
    estimates are made one after another and their rows together, a batch at a time (until
    the estimates held reach :data:`STACKED_BYTES`)."""
    blocks: list[Block] = []
    batch: list = []
    held = 0
    for position, subset, made in group:
        part = made or _estimates(ind, run, subset, dims)
        batch.append((position, subset, part))
        held += part[0].nbytes
        if held > STACKED_BYTES:  # their estimates are freed once their rows are made
            blocks += _batch_rows(ind, run, batch, dims, kinds)
            batch, held = [], 0
    if batch:
        blocks += _batch_rows(ind, run, batch, dims, kinds)
    return blocks


def _batch_rows(
    ind: Indicator,
    run: SurveyRun,
    batch: Sequence[tuple[int, tuple[str, ...], tuple[Estimates, int]]],
    dims: Sequence[str],
    kinds: Sequence[str],
) -> list[Block]:
    """The rows of some breakdowns, made together: their estimates joined, their flags,
    groups, not-stated shares and comparisons (within a breakdown), each row labelled with
    its breakdown's position."""
    parts = [part for _, _, part in batch]
    labels = join([_with_dims(est.label_arrays(), pos, dims) for pos, _, (est, _) in batch])
    n_cells = len(labels[_BREAKDOWN])
    joint = Estimates.concat([est for est, _ in parts], labels=unlabelled(n_cells))  # kept above
    rows = estimate_rows(
        joint, run.rules, run.level, ci=run.ci_method(ind), unit=ind.unit,
        multiplier=ind.multiplier, proportion=ind.statistic == "proportion",
        has_variance=run.has_variance, labels=labels,
    )  # fmt: skip
    group = rows.pop(run.status(ind.migrant_criterion))
    mig_pos, ref_pos = _group_positions(ind, parts, group)
    migrant_label, reference_label = ind.group_labels
    blocks = []
    if ind.reports("migrant"):
        blocks.append(labelled(take(rows, mig_pos), population=migrant_label))
    if ind.reports("reference"):
        blocks.append(labelled(take(rows, ref_pos), population=reference_label))
    if ind.reports(NOT_STATED_SHARE):
        for pos, subset, _ in batch:
            keys = [*KEYS, *subset]
            share = run.not_stated_rows(ind.population, ind.migrant_criterion, keys, dims)
            blocks.append(_with_dims(share, pos, dims))
    keys = [*KEYS, *dims, _BREAKDOWN]  # comparisons within a breakdown
    blocks += comparison_rows(ind, joint, rows, mig_pos, ref_pos, keys, kinds, run.level)
    return blocks


def _group_positions(
    ind: Indicator, parts: Sequence[tuple[Estimates, int]], group: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions, in the joined estimates, of the migrant cells and of the reference cells
    (the non-migrant cells, or the totals when the reference group is everyone)."""
    mig, ref = [], []
    start = 0
    for est, n_by_group in parts:
        is_migrant = group[start : start + n_by_group] == 1
        mig.append(start + np.flatnonzero(is_migrant))
        if ind.reference_group == "total":
            ref.append(np.arange(start + n_by_group, start + len(est)))
        else:
            ref.append(start + np.flatnonzero(~is_migrant))
        start += len(est)
    return np.concatenate(mig), np.concatenate(ref)
