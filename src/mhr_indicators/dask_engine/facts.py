"""The design facts of a Dask dataframe, collected in one pass: checks and small tables only.

Each partition returns its number of rows, what breaks the rules of the weights (and replicate
weights), its distinct (stratum, PSU, fpc) rows, its replicate-factor patterns and the distinct
values of the cell columns. The client joins them and builds the linearisation structure with
the pandas path's own code (:func:`~mhr_indicators.survey.taylor.taylor_from_columns` on the
distinct design rows: nesting, fpc, lonely PSUs are checked as for a pandas design).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DesignError
from ..survey.replicate import ReplicateStructure
from ..survey.taylor import TaylorStructure, taylor_from_columns
from .coding import levels_of

ROW = "__row"  # the PSU of a design without PSUs: each row is its own
_SHOWN = 5


@dataclass(frozen=True)
class DesignColumns:
    """The columns of a design, as the partitions need them."""

    weights: str
    strata: str | None
    psu: str | None
    fpc: str | None
    replicate_weights: tuple[str, ...] | None
    level_columns: tuple[str, ...]
    linearised: bool

    @property
    def design_columns(self) -> list[str]:
        return [c for c in (self.strata, self.psu, self.fpc) if c]

    @property
    def read(self) -> list[str]:
        """Every column the facts pass reads."""
        cols = [self.weights, *self.design_columns, *(self.replicate_weights or ())]
        return list(dict.fromkeys([*cols, *self.level_columns]))


def _bad_values(part: pd.DataFrame, column: str, bad: np.ndarray) -> tuple[int, list, list]:
    idx = np.flatnonzero(bad)[:_SHOWN]
    return int(bad.sum()), list(part.index[idx]), list(part[column].iloc[idx])


def partition_facts(part: pd.DataFrame, number: int, spec: DesignColumns) -> dict:
    """The facts of one partition (see the module docstring)."""
    w = part[spec.weights].to_numpy(dtype=float, na_value=np.nan)
    problems = {}
    for name in (spec.weights, *(spec.replicate_weights or ())):
        values = w if name == spec.weights else part[name].to_numpy(float, na_value=np.nan)
        if (~np.isfinite(values)).any():
            problems[(name, "finite")] = _bad_values(part, name, ~np.isfinite(values))
    if (w < 0).any():
        problems[(spec.weights, "negative")] = _bad_values(part, spec.weights, w < 0)
    for name in spec.design_columns:  # before the distinct rows lose the row labels
        missing = part[name].isna().to_numpy()
        if missing.any():
            problems[(name, "missing")] = _bad_values(part, name, missing)
    out = {"n": len(part), "positive": bool((w > 0).any()), "problems": problems}
    design = part[spec.design_columns]
    out["design"] = design.drop_duplicates() if spec.psu else design
    out["levels"] = {c: part[c].drop_duplicates().dropna() for c in spec.level_columns}
    if spec.replicate_weights and not problems:
        mat = np.ascontiguousarray(part[list(spec.replicate_weights)].to_numpy(dtype=float))
        rep = ReplicateStructure(mat, w, "JK1", 1.0, np.ones(mat.shape[1]), True)
        _, keys, factors = rep.pattern_table()
        out["patterns"] = (keys, factors)
    return out


def raise_problems(results: list[dict], spec: DesignColumns) -> None:
    """The pandas design's errors for the weights, from the partitions' findings."""
    for (name, rule), role in (
        ((spec.weights, "finite"), "weights"),
        *(((c, "finite"), "replicate weight") for c in spec.replicate_weights or ()),
        ((spec.weights, "negative"), "weights"),
        *(((c, "missing"), role) for c, role in _design_roles(spec)),
    ):
        found = [r["problems"][(name, rule)] for r in results if (name, rule) in r["problems"]]
        if not found:
            continue
        count = sum(f[0] for f in found)
        rows = [x for f in found for x in f[1]][:_SHOWN]
        values = [x for f in found for x in f[2]][:_SHOWN]
        more = f" (and {count - len(rows)} more)" if count > len(rows) else ""
        what = {
            "finite": "must not be missing or infinite",
            "negative": "must be >= 0; negative",
            "missing": "must not be missing",
        }[rule]
        raise DesignError(
            f"column {name!r} ({role}) {what} at rows {', '.join(map(str, rows))}{more} "
            f"(row labels within their partitions); values {', '.join(map(repr, values))}",
            column=name,
            rows=rows,
            values=values,
        )
    if sum(r["n"] for r in results) and not any(r["positive"] for r in results):
        raise DesignError(
            f"column {spec.weights!r} (weights): every weight is zero", column=spec.weights
        )


def _design_roles(spec: DesignColumns) -> list[tuple[str, str]]:
    """The strata, PSU and fpc columns, each with its role."""
    roles = (("strata", spec.strata), ("psu", spec.psu), ("fpc", spec.fpc))
    return [(column, role) for role, column in roles if column]


@dataclass(frozen=True)
class DesignFacts:
    """What the client knows of the whole design after the facts pass."""

    n_rows: int
    offsets: np.ndarray  # first row of each partition
    taylor: TaylorStructure | None
    psu_codes: pd.Series | None  # PSU label (or (stratum, PSU) labels) -> PSU number
    levels: dict[str, pd.Index]
    pattern_keys: np.ndarray | None  # replicate-factor pattern hash keys, in pattern order
    pattern_factors: np.ndarray | None


def _linearisation(results, spec: DesignColumns, lonely_psu: str, nest: bool, n_rows: int):
    frame = pd.concat([r["design"] for r in results], ignore_index=True)
    psu = spec.psu
    if psu:
        frame = frame.drop_duplicates(ignore_index=True)
    else:
        psu = ROW
        frame[ROW] = np.arange(n_rows, dtype=np.int64)
    t = taylor_from_columns(frame, spec.strata, psu, spec.fpc, lonely_psu, nest=nest)
    if not spec.psu:
        return t, None
    keys = [spec.strata, psu] if spec.strata and nest else [psu]
    table = frame[keys].assign(code=t.psu).drop_duplicates(keys)
    index = pd.MultiIndex.from_frame(table[keys]) if len(keys) > 1 else pd.Index(table[psu])
    return t, pd.Series(table["code"].to_numpy(), index=index)


def _patterns(results: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.concatenate([r["patterns"][0] for r in results])
    factors = np.concatenate([r["patterns"][1] for r in results])
    uniq, first = np.unique(keys, return_index=True)
    return uniq, factors[first]


def combine_facts(
    results: list[dict], spec: DesignColumns, lonely_psu: str, nest: bool
) -> DesignFacts:
    """Check the partitions' findings and build the design's structures."""
    raise_problems(results, spec)
    sizes = np.array([r["n"] for r in results], dtype=np.int64)
    n_rows = int(sizes.sum())
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    taylor, psu_codes = None, None
    if spec.linearised:
        taylor, psu_codes = _linearisation(results, spec, lonely_psu, nest, n_rows)
    levels = {c: levels_of([r["levels"][c] for r in results]) for c in spec.level_columns}
    keys = factors = None
    if spec.replicate_weights:
        keys, factors = _patterns(results)
    return DesignFacts(n_rows, offsets, taylor, psu_codes, levels, keys, factors)
