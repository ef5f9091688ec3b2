"""A pass over the data: the partitions' tables of several populations, combined on the client."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..errors import MhrError
from ..survey import CellSums
from .backend import map_partitions
from .partition import CellsSpec, Context, reduce_partition
from .tables import combine_cells


def context(design, rules=None, level: float = 0.95, source: str = "survey") -> Context:
    """What the partitions of ``design`` need to run the engine's pandas code on themselves."""
    t = design.kernels.taylor
    return Context(
        design=design.spec,
        rules=rules,
        level=level,
        source=source,
        psu_codes=design.facts.psu_codes,
        n_psus=0 if t is None else t.n_psus,
        offsets=design.facts.offsets,
    )


def read_columns(design, columns: Sequence[str]) -> list[str]:
    """The design's own columns and ``columns`` (those the data hold): what a pass reads."""
    spec = design.spec
    wanted = [spec.weights, *spec.design_columns, *(spec.replicate_weights or ()), *columns]
    have = set(design.column_names)
    return [c for c in dict.fromkeys(wanted) if c in have]


def sums_pass(
    design,
    ctx: Context,
    specs: Sequence[CellsSpec],
    check_columns: Sequence[str] = (),
    columns: Sequence[str] = (),
) -> tuple[pd.DataFrame | None, dict[tuple, CellSums | MhrError]]:
    """One pass: the failing values of ``check_columns``, and each spec's :class:`CellSums`
    (or the error that prevented it)."""
    plan = (tuple(check_columns), tuple(specs))
    results = map_partitions(
        design.frame, read_columns(design, columns), reduce_partition, ctx, plan
    )
    found = [r["failures"] for r in results if r["failures"] is not None]
    failures = pd.concat(found, ignore_index=True) if found else None
    out: dict[tuple, CellSums | MhrError] = {}
    for spec in specs:
        try:
            parts = [r["cells"][spec.key] for r in results]
            out[spec.key] = combine_cells(parts, spec, design.kernels, design.pattern_keys)
        except MhrError as exc:
            out[spec.key] = exc
    return failures, out
