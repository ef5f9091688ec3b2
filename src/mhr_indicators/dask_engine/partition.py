"""One partition reduced to sums tables keyed by global cell (and PSU) codes.

A partition is a pandas frame: the engine's own pandas code derives the shared columns
(migrant status, numerators given as filters), evaluates the population filters and validates
the columns (:class:`~mhr_indicators.engine.survey_run.SurveyRun` on the partition).
Each variable is then read once into the five sums :class:`~mhr_indicators.survey.CellSums`
keeps, per (finest cell, PSU) under linearisation or per finest cell otherwise, with the
replicate sums and replicate-factor patterns of a replicate design. Nothing row-level leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..engine.survey_run import SurveyRun
from ..errors import DataValidationError, MhrError
from ..survey import SurveyDesign
from ..survey.compiled import row_sums
from ..survey.inputs import analysis_variable, binary_variable, valid_rows
from ..survey.replicate import ReplicateStructure
from .coding import CellCoder
from .facts import DesignColumns

ONE = "__one"  # the partition design's weight: the real weights are read as a column


@dataclass(frozen=True)
class Variable:
    """A variable to add up: ``name`` (over ``denominator`` for a ratio)."""

    statistic: str
    name: str
    denominator: str | None = None

    @property
    def key(self) -> tuple:
        """Its key in :class:`~mhr_indicators.survey.CellSums`."""
        return (self.statistic == "proportion", self.name, self.denominator)


@dataclass(frozen=True, eq=False)
class AtOrBelow:
    """1 where ``variable`` is at or below its finest cell's threshold (Woodruff's CDF)."""

    name: str
    variable: str
    cells: np.ndarray  # sorted finest cell keys
    thresholds: np.ndarray

    @property
    def key(self) -> tuple:
        return (False, self.name, None)


@dataclass(frozen=True, eq=False)
class CellsSpec:
    """The finest cells of one population and the variables added up in them.

    ``nonmissing`` restricts the cells to rows where that variable is known (a quantile's
    cells); ``indicators`` are those whose derived columns the partition must make.
    """

    key: tuple
    population: str | None
    criterion: str | None
    indicators: tuple
    coder: CellCoder
    variables: tuple = ()
    nonmissing: str | None = None


@dataclass(frozen=True, eq=False)
class Context:
    """What a partition needs to run the engine's pandas code, and the design's layout."""

    design: DesignColumns
    rules: Any
    level: float
    source: str
    psu_codes: pd.Series | None = None
    n_psus: int = 0
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))


def local_run(part: pd.DataFrame, ctx: Context) -> SurveyRun:
    """The engine's pandas run on one partition (for derived columns, filters and checks)."""
    design = SurveyDesign(part.assign(**{ONE: 1.0}), weights=ONE, variance="none")
    return SurveyRun(design, ctx.rules, ctx.level, ctx.source)


def failing_values(run: SurveyRun, columns) -> pd.DataFrame | None:
    """The partition's failures of the survey schema in ``columns`` (None: none)."""
    cols = [c for c in columns if c in run.columns]
    try:
        run.check(cols)
    except DataValidationError as exc:
        return exc.failure_cases
    return None


def cell_keys(run: SurveyRun, spec: CellsSpec) -> np.ndarray:
    """Each row's finest cell key within the population (-1 outside it)."""
    if spec.criterion:
        run.status(spec.criterion)
        run.status_missing(spec.criterion)
    for ind in spec.indicators:
        run.variables(ind)
    domain = run.domain(spec.population)
    frame = run.design.get_columns(list(spec.coder.columns))
    key = np.where(domain, spec.coder.encode(frame), -1)
    if spec.nonmissing:
        y = analysis_variable(run.design.get_columns([spec.nonmissing]), spec.nonmissing, "")
        key = np.where(np.isnan(y), -1, key)
    return key


def row_psus(part: pd.DataFrame, number: int, ctx: Context) -> np.ndarray:
    """Each row's global PSU number."""
    if ctx.psu_codes is None:  # each row its own PSU
        return ctx.offsets[number] + np.arange(len(part), dtype=np.int64)
    d = ctx.design
    if isinstance(ctx.psu_codes.index, pd.MultiIndex):
        labels = pd.MultiIndex.from_arrays([part[d.strata], part[d.psu]])
    else:
        labels = pd.Index(part[d.psu])
    return ctx.psu_codes.to_numpy()[ctx.psu_codes.index.get_indexer(labels)]


def read_variable(run: SurveyRun, var, cell: np.ndarray):
    """The variable's values (and its denominator's), as the pandas cell sums read them."""
    domain = cell >= 0
    if isinstance(var, AtOrBelow):
        y = analysis_variable(run.design.get_columns([var.variable]), var.variable, "quantile")
        pos = np.clip(np.searchsorted(var.cells, cell), 0, max(len(var.cells) - 1, 0))
        thr = var.thresholds[pos] if len(var.cells) else np.full(len(cell), np.nan)
        below = np.where(domain & ~np.isnan(y), y <= thr, np.nan)
        return below.astype(float), None
    derived = run.derived(var.name)  # a numerator given as a filter, else None
    columns = [var.name] if derived is None else []
    data = run.design.get_columns([*columns, *([var.denominator] if var.denominator else [])])
    if derived is not None:
        y = derived
    elif var.statistic == "proportion":
        y = binary_variable(data, var.name, domain)
    else:
        y = analysis_variable(data, var.name, f"{var.statistic} variable")
    x = None if var.denominator is None else analysis_variable(data, var.denominator, "ratio")
    return y, x


def _replicates(part: pd.DataFrame, w: np.ndarray, ctx: Context):
    cols = list(ctx.design.replicate_weights or ())
    if not cols:
        return None
    mat = np.ascontiguousarray(part[cols].to_numpy(dtype=float))
    rep = ReplicateStructure(mat, w, "JK1", 1.0, np.ones(len(cols)), True)
    ids, keys, _ = rep.pattern_table()
    return rep, ids, keys


def population_sums(run, cell, w, psu, reps, spec: CellsSpec, n_psus: int) -> dict:
    """The sums tables of one population's variables in one partition."""
    keep = cell >= 0
    gkey = cell if psu is None else cell * n_psus + psu
    uniq, inverse = np.unique(gkey[keep], return_inverse=True)
    group = np.full(len(cell), -1, dtype=np.int64)
    group[keep] = inverse
    out: dict = {"keys": uniq, "sums": {}, "reps": {}, "presence": {}, "errors": {}}
    for var in spec.variables:
        try:
            y, x = read_variable(run, var, cell)
        except MhrError as exc:
            out["errors"][var.key] = exc
            continue
        ratio = x is not None
        out["sums"][var.key], _ = row_sums(group, w, y, x if ratio else y, len(uniq), ratio)
        if reps is not None:
            valid, code, yv, xv = valid_rows(group, y, x)
            g = group[valid]
            rep, ids, keys = reps
            out["reps"][var.key] = tuple(rep.cell_sums(code, [yv, xv], len(uniq)))
            pairs, counts = np.unique(g * len(keys) + ids[valid], return_counts=True)
            out["presence"][var.key] = (pairs // len(keys), keys[pairs % len(keys)], counts)
    return out


def reduce_partition(part: pd.DataFrame, number: int, ctx: Context, plan: tuple) -> dict:
    """The partition's failing values of the columns to check, and each population's sums.

    ``plan`` is ``(check_columns, cells_specs)``.
    """
    check_columns, specs = plan
    run = local_run(part, ctx)
    out: dict = {"failures": failing_values(run, check_columns), "cells": {}}
    if not specs:
        return out
    w = part[ctx.design.weights].to_numpy(dtype=float)
    psu = row_psus(part, number, ctx) if ctx.design.linearised else None
    reps = _replicates(part, w, ctx)
    for spec in specs:
        try:
            cell = cell_keys(run, spec)
        except MhrError as exc:
            out["cells"][spec.key] = {"error": exc}
            continue
        out["cells"][spec.key] = population_sums(run, cell, w, psu, reps, spec, ctx.n_psus)
    return out
