"""Survey indicators: the migrant group and its reference group in every cell, and comparisons.

For an indicator and each requested breakdown (every subset of ``by``; the dimensions left out
are ``_T``), one call of :meth:`SurveyDesign.estimate` estimates the indicator in the cells of
both groups at once, so their covariance is known; the comparisons (:mod:`.comparisons`) are
contrasts over those estimates. The share of the population whose migrant status is not stated
is reported beside them. The engine uses only the public API of :mod:`mhr_indicators.survey`.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from ..catalogue.spec import Indicator
from ..survey import Estimates
from ..vocab import DIMENSIONS, NOT_STATED_SHARE, TOTAL
from .blocks import join, take
from .comparisons import comparison_rows
from .survey_rows import estimate_rows, labelled
from .survey_run import KEYS, SurveyRun, breakdown_dims

__all__ = ["KEYS", "SurveyRun", "breakdown_dims", "survey_indicator"]

#: Breakdowns of an indicator computed at once, in threads: the compiled loops over the pairs
#: release the GIL, so a second core adds up one breakdown's pairs while the first builds
#: another's rows. The results do not depend on it (each breakdown is computed alone, and the
#: rows keep their order); 1 computes them one by one.
BREAKDOWN_THREADS = min(2, os.cpu_count() or 1)


def _breakdown(
    ind: Indicator,
    run: SurveyRun,
    subset: tuple[str, ...],
    dims: Sequence[str],
    kinds: Sequence[str],
) -> pd.DataFrame:
    """All rows of one breakdown: both groups, the not-stated share and the comparisons."""
    migrant_label, reference_label = ind.group_labels
    status = run.status(ind.migrant_criterion)
    keys = [*KEYS, *subset]
    by_group = run.estimate(ind, [*keys, status], dims)
    if ind.reference_group == "total":
        joint = Estimates.concat([by_group, run.estimate(ind, keys, dims)])
    else:
        joint = by_group
    proportion = ind.statistic == "proportion"
    rows = estimate_rows(
        joint, run.rules, run.level, ci=run.ci_method(ind), unit=ind.unit,
        multiplier=ind.multiplier, proportion=proportion, has_variance=run.has_variance,
    )  # fmt: skip
    group = rows.pop(status)
    is_migrant = group[: len(by_group)] == 1
    mig_pos = np.flatnonzero(is_migrant)
    if ind.reference_group == "total":
        ref_pos = np.arange(len(by_group), len(joint))
    else:
        ref_pos = np.flatnonzero(~is_migrant)
    parts = []
    if ind.reports("migrant"):
        parts.append(labelled(take(rows, mig_pos), population=migrant_label))
    if ind.reports("reference"):
        parts.append(labelled(take(rows, ref_pos), population=reference_label))
    if ind.reports(NOT_STATED_SHARE):
        parts.append(run.not_stated_rows(ind.population, ind.migrant_criterion, keys, dims))
    parts += comparison_rows(ind, joint, rows, mig_pos, ref_pos, keys, kinds, run.level)
    block = pd.DataFrame(join(parts))
    for dim in dict.fromkeys((*DIMENSIONS, *dims)):  # the core four, and optional ones asked for
        if dim not in block.columns:
            block[dim] = TOTAL
    return block


def survey_indicator(
    ind: Indicator, run: SurveyRun, dims: Sequence[str], kinds: Sequence[str]
) -> pd.DataFrame:
    """Result rows of a survey indicator for every subset of ``dims``."""
    subsets = [s for size in range(len(dims) + 1) for s in itertools.combinations(dims, size)]
    parts = [_breakdown(ind, run, subsets[0], dims, kinds)]  # fills the caches they share
    if BREAKDOWN_THREADS > 1 and len(subsets) > 2:
        with ThreadPoolExecutor(BREAKDOWN_THREADS) as pool:
            parts += pool.map(lambda s: _breakdown(ind, run, s, dims, kinds), subsets[1:])
    else:
        parts += [_breakdown(ind, run, s, dims, kinds) for s in subsets[1:]]
    run.release(ind, dims)
    result = pd.concat(parts, ignore_index=True)
    # the dtype aggregate sources use too (they have no case counts), so parts concatenate alike
    result["n_unweighted"] = result["n_unweighted"].astype("Int64")
    result["indicator_id"] = ind.id
    result["type"] = ind.type
    result["right"] = ind.right
    result["attribute"] = ind.attribute
    result["source"] = run.source
    return result
