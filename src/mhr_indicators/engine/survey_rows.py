"""Result rows of survey estimates: values in the indicator's unit, intervals, reliability
flags and withheld cells, held as blocks of arrays (:mod:`.blocks`)."""

from __future__ import annotations

import numpy as np

from ..survey import Estimates
from .blocks import Block, constant
from .blocks import withhold as withhold_rows
from .quality import QualityRules, assess, shown_interval


def estimate_rows(
    est: Estimates,
    rules: QualityRules,
    level: float,
    *,
    ci: str,
    unit: str,
    multiplier: float,
    proportion: bool,
    has_variance: bool,
    withhold: bool = True,
    labels: Block | None = None,
) -> Block:
    """Result rows of every cell of ``est`` in the indicator's unit, with their flags.

    ``rules`` and ``level`` are the run's reliability rules and confidence level, ``ci`` the
    interval method; ``has_variance`` is False for a design without variance (flag ``N``).
    With ``withhold=False`` (data-quality rows such as the not-stated share) a value the rules
    would withhold is published with the flag ``U`` instead. ``labels`` replaces the
    cells' labels (e.g. those of several breakdowns joined, with ``_T`` where one leaves a
    dimension out).
    """
    cols = est.columns(ci, level)
    n = len(est)
    work = {  # the columns the reliability rules read, as arrays (no frame per estimate)
        **{c: cols[c] * multiplier for c in ("value", "se", "ci_lower", "ci_upper")},
        "cv": cols["cv"],
        "unit": constant(unit, n),
        "n_unweighted": cols["n_unweighted"],
        "n_weighted": cols["n_weighted"],
        "p": cols["value"],
        "df": cols["df"],
        "is_proportion": np.full(n, proportion),
        "has_variance": np.full(n, has_variance),
    }
    work["ci_lower"], work["ci_upper"] = shown_interval(work, rules, level)
    flag, suppressed = assess(work, rules)
    if not withhold:
        flag, suppressed = np.where(suppressed, "U", flag), np.zeros_like(suppressed)
    block = est.label_arrays() if labels is None else dict(labels)
    for col in ("value", "se", "ci_lower", "ci_upper", "cv", "unit", "n_unweighted", "n_weighted"):
        block[col] = work[col]
    return withhold_rows(block, flag, suppressed)


def labelled(block: Block, **columns) -> Block:
    """``block`` with constant columns added."""
    n = len(next(iter(block.values())))
    return {**block, **{c: constant(v, n) for c, v in columns.items()}}
