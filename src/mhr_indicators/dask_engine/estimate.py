"""The estimators of a :class:`~.design.DaskSurveyDesign`: one pass of cell sums per call (a
quantile: its exact passes), estimated by the pandas path's code."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import EstimationInputError, EstimationOptionError
from ..filters import Filter, parse_filter
from ..survey import CellSums, Estimates
from ..survey.design import SURVEY_STATISTICS
from ..vocab import allowed
from .coding import CellCoder
from .partition import CellsSpec, Variable
from .passes import context, sums_pass
from .quantile import quantile_estimates


def _by(by) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def _where(where) -> str | None:
    if where is None or isinstance(where, str):
        return where
    if isinstance(where, Filter):
        return where.text
    raise EstimationInputError(
        'where= of a DaskSurveyDesign is a filter expression (e.g. "age >= 15"): the rows '
        "stay in the partitions, so a boolean array cannot select them"
    )


def _spec(design, by: list[str], where: str | None, variables=(), nonmissing=None) -> CellsSpec:
    coder = CellCoder.build(by, design.levels(by), dict(design.dtypes))
    key = ("estimate", tuple(by), where)
    return CellsSpec(key, where, None, (), coder, tuple(variables), nonmissing)


def _columns(by: list[str], where: str | None, names) -> list[str]:
    filters = parse_filter(where).columns if where else []
    return [*by, *filters, *(n for n in names if n)]


def design_cell_sums(design, by, where, variables: Sequence[tuple]) -> CellSums:
    """:meth:`DaskSurveyDesign.cell_sums`: the sums of ``variables`` in one pass."""
    cols = _by(by)
    where = _where(where)
    wanted = [Variable(*v) for v in variables]
    spec = _spec(design, cols, where, wanted)
    names = [n for v in wanted for n in (v.name, v.denominator)]
    _, tables = sums_pass(design, context(design), [spec], (), _columns(cols, where, names))
    found = tables[spec.key]
    if isinstance(found, Exception):
        raise found
    return found


def design_estimate(
    design, statistic, variable, denominator, q, by, where, level: float
) -> Estimates:
    """:meth:`DaskSurveyDesign.estimate`."""
    allowed("statistic", statistic, SURVEY_STATISTICS, EstimationOptionError)
    if (denominator is not None) != (statistic == "ratio"):
        raise EstimationOptionError("denominator= is needed by, and only by, a ratio")
    cols = _by(by)
    if statistic != "quantile":
        sums = design_cell_sums(design, cols, where, [(statistic, variable, denominator)])
        return sums.estimate(statistic, variable, denominator=denominator, by=cols)
    if not 0 < level < 1:
        raise EstimationOptionError(f"level must be between 0 and 1, got {level!r}")
    if not 0 < q < 1:
        raise EstimationOptionError(f"q must be strictly between 0 and 1, got {q!r}")
    where = _where(where)
    spec = _spec(design, cols, where, nonmissing=variable)
    found = quantile_estimates(
        design, context(design), spec, q, level, [cols], _columns(cols, where, [variable])
    )
    return found[tuple(cols)]
