"""Comparison rows of a survey indicator: migrant vs reference group, and across sex.

Within each cell, the migrant group is compared with the reference group (``gap``, ``ratio``,
``relative_gap``, ``parity_index``, ``adjusted_parity_index``). With ``sex`` among the
breakdowns, three intersectional comparisons are available in each cell of the other
dimensions (their ``sex`` is ``_Z``, not applicable):

``sex_gap_migrant``
    migrant women - migrant men;
``double_disadvantage``
    migrant women - reference-group men;
``gap_difference``
    (migrant women - reference women) - (migrant men - reference men), the
    difference-in-differences.

Every comparison is a contrast of estimates of one call, so its standard error carries their
covariance (R's ``svyby(..., covmat=TRUE)`` and ``svycontrast``). A comparison is withheld when
any estimate it involves is, and carries the worst of their flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import numpy as np

from ..catalogue.spec import Indicator
from ..survey import Estimates
from ..vocab import COMPARISONS, INTERSECTIONAL, NOT_APPLICABLE
from .blocks import Block, constant, keys_block, match, row_keys, take, unlabelled, withhold
from .quality import combine


def comparison_unit(ind: Indicator, kind: str) -> tuple[str, float]:
    """Unit and multiplier of a comparison: differences keep the indicator's unit (percent
    becomes percentage points), relative gaps are in percent, ratios are ratios."""
    if kind == "relative_gap":
        return "percent", 100.0
    if kind in ("ratio", "parity_index", "adjusted_parity_index"):
        return "ratio", 1.0
    return ("percentage_points" if ind.unit == "percent" else ind.unit), ind.multiplier


def _rows(
    est: Estimates,
    kind: str,
    ind: Indicator,
    involved: Sequence[np.ndarray],
    labels: Block,
    rows: Block,
    level: float,
) -> Block:
    unit, mult = comparison_unit(ind, kind)
    cols = est.columns("wald", level)
    n = len(est)
    block = dict(labels)
    block["population"] = constant(kind, n)
    for col in ("value", "se", "ci_lower", "ci_upper"):
        block[col] = cols[col] * mult
    block["cv"] = cols["cv"]
    block["unit"] = constant(unit, n)
    block["n_unweighted"] = est.n_unweighted.astype(np.int64)
    block["n_weighted"] = est.n_weighted
    flag, sup = rows["flag"], rows["suppressed"]
    f, s = reduce(
        lambda acc, pos: combine(acc[0], flag[pos], acc[1], sup[pos]),
        involved[1:],
        (flag[involved[0]], sup[involved[0]]),
    )
    return withhold(block, f, s)


def _cells(rows: Block, pos: np.ndarray, keys: list[str], **fixed) -> tuple[list, np.ndarray]:
    """The keys (values of ``keys``) and positions of the cells at ``pos``, keeping those
    whose ``fixed`` columns hold the given values (those columns leave the key)."""
    for col, value in fixed.items():
        pos = pos[rows[col][pos] == value]
    sub = take(rows, pos)
    return row_keys(sub, [k for k in keys if k not in fixed]), pos


def comparison_rows(
    ind: Indicator,
    joint: Estimates,
    rows: Block,
    mig_pos: np.ndarray,
    ref_pos: np.ndarray,
    keys: list[str],
    kinds: Sequence[str],
    level: float,
) -> list[Block]:
    """Result rows of the requested comparisons between cells of ``joint``.

    Parameters
    ----------
    joint : Estimates
        Estimates of both groups, from one design.
    rows : Block
        The result rows of ``joint`` (labels, flags and suppression, by position).
    mig_pos, ref_pos : numpy.ndarray
        Positions of the migrant and reference cells in ``joint``.
    keys : list of str
        The columns identifying a cell (area, period and the breakdown's dimensions).
    kinds : list of str
        Comparisons to make, among COMPARISONS and INTERSECTIONAL.
    """
    out = []
    pairs = match(m=_cells(rows, mig_pos, keys), r=_cells(rows, ref_pos, keys))
    pair_labels = keys_block(keys, pairs["_keys"])
    for kind in (k for k in kinds if k in COMPARISONS):
        pm, pr = pairs["m"], pairs["r"]
        est = joint.compare(pm, pr, kind, labels=unlabelled(len(pm)), scores=False)
        out.append(_rows(est, kind, ind, [pm, pr], pair_labels, rows, level))
    wanted = [k for k in kinds if k in INTERSECTIONAL]
    if not wanted or "sex" not in keys:
        return out
    other = [k for k in keys if k != "sex"]
    groups = {
        "mf": _cells(rows, mig_pos, keys, sex="F"),
        "mm": _cells(rows, mig_pos, keys, sex="M"),
        "rf": _cells(rows, ref_pos, keys, sex="F"),
        "rm": _cells(rows, ref_pos, keys, sex="M"),
    }
    needs = {
        "sex_gap_migrant": ("mf", "mm"),
        "double_disadvantage": ("mf", "rm"),
        "gap_difference": ("mf", "rf", "mm", "rm"),
    }
    for kind in wanted:
        cells = match(**{g: groups[g] for g in needs[kind]})
        k = len(cells["_keys"])
        found = keys_block(other, cells["_keys"])
        labels = {c: found[c] if c != "sex" else constant(NOT_APPLICABLE, k) for c in keys}
        involved = [cells[g] for g in needs[kind]]
        if kind == "gap_difference":
            coefficients = np.zeros((k, len(joint)))
            for pos, sign in zip(involved, (1.0, -1.0, -1.0, 1.0), strict=True):
                coefficients[np.arange(k), pos] += sign
            est = joint.contrast(coefficients, labels=unlabelled(k))
        else:
            est = joint.compare(involved[0], involved[1], "gap", labels=unlabelled(k), scores=False)
        out.append(_rows(est, kind, ind, involved, labels, rows, level))
    return out
