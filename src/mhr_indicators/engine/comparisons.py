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
import pandas as pd

from ..catalogue.spec import Indicator
from ..survey import Estimates
from ..vocab import COMPARISONS, INTERSECTIONAL, NOT_APPLICABLE
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
    rows: pd.DataFrame,
    level: float,
) -> pd.DataFrame:
    unit, mult = comparison_unit(ind, kind)
    frame = est.to_frame("wald", level)
    out = est.labels
    out["population"] = kind
    for col in ("value", "se", "ci_lower", "ci_upper"):
        out[col] = frame[col].to_numpy() * mult
    out["cv"] = frame["cv"].to_numpy()
    out["unit"] = unit
    out["n_unweighted"] = est.n_unweighted
    out["n_weighted"] = est.n_weighted
    flag = rows["flag"].to_numpy(object)
    sup = rows["suppressed"].to_numpy(bool)
    f, s = reduce(
        lambda acc, pos: combine(acc[0], flag[pos], acc[1], sup[pos]),
        involved[1:],
        (flag[involved[0]], sup[involved[0]]),
    )
    out["flag"] = f
    out["suppressed"] = s
    out.loc[out["suppressed"], ["value", "se", "ci_lower", "ci_upper", "cv"]] = np.nan
    return out


def _positions(rows: pd.DataFrame, pos: np.ndarray, keys: list[str], **fixed) -> pd.DataFrame:
    frame = rows.iloc[pos][keys].assign(_pos=pos)
    for col, value in fixed.items():
        frame = frame[frame[col] == value].drop(columns=[col])
    return frame


def _match(on: list[str], **groups: pd.DataFrame) -> pd.DataFrame:
    """Cells present in every group: one column of positions per group, keyed by ``on``."""
    frames = [g.rename(columns={"_pos": name}) for name, g in groups.items()]
    return reduce(lambda a, b: a.merge(b, on=on), frames).reset_index(drop=True)


def comparison_rows(
    ind: Indicator,
    joint: Estimates,
    rows: pd.DataFrame,
    mig_pos: np.ndarray,
    ref_pos: np.ndarray,
    keys: list[str],
    kinds: Sequence[str],
    level: float,
) -> list[pd.DataFrame]:
    """Result rows of the requested comparisons between cells of ``joint``.

    Parameters
    ----------
    joint : Estimates
        Estimates of both groups, from one design.
    rows : pandas.DataFrame
        The result rows of ``joint`` (flags and suppression, by position).
    mig_pos, ref_pos : numpy.ndarray
        Positions of the migrant and reference cells in ``joint``.
    keys : list of str
        The columns identifying a cell (area, period and the breakdown's dimensions).
    kinds : list of str
        Comparisons to make, among COMPARISONS and INTERSECTIONAL.
    """
    out = []
    mig = _positions(rows, mig_pos, keys)
    ref = _positions(rows, ref_pos, keys)
    pairs = _match(keys, m=mig, r=ref)
    for kind in (k for k in kinds if k in COMPARISONS):
        pm, pr = pairs["m"].to_numpy(), pairs["r"].to_numpy()
        est = joint.compare(pm, pr, kind, labels=pairs[keys])
        out.append(_rows(est, kind, ind, [pm, pr], rows, level))
    wanted = [k for k in kinds if k in INTERSECTIONAL]
    if not wanted or "sex" not in keys:
        return out
    other = [k for k in keys if k != "sex"]
    groups = {
        "mf": _positions(rows, mig_pos, keys, sex="F"),
        "mm": _positions(rows, mig_pos, keys, sex="M"),
        "rf": _positions(rows, ref_pos, keys, sex="F"),
        "rm": _positions(rows, ref_pos, keys, sex="M"),
    }
    needs = {
        "sex_gap_migrant": ("mf", "mm"),
        "double_disadvantage": ("mf", "rm"),
        "gap_difference": ("mf", "rf", "mm", "rm"),
    }
    for kind in wanted:
        cells = _match(other, **{g: groups[g] for g in needs[kind]})
        labels = cells[other].assign(sex=NOT_APPLICABLE)
        involved = [cells[g].to_numpy() for g in needs[kind]]
        if kind == "gap_difference":
            coefficients = np.zeros((len(cells), len(joint)))
            for pos, sign in zip(involved, (1.0, -1.0, -1.0, 1.0), strict=True):
                coefficients[np.arange(len(cells)), pos] += sign
            est = joint.contrast(coefficients, labels=labels)
        else:
            est = joint.compare(involved[0], involved[1], "gap", labels=labels)
        out.append(_rows(est, kind, ind, involved, rows, level))
    return out
