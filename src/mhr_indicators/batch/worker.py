"""One input of a batch job, computed on its own: in the job's process or in a worker process.

:func:`run_input` reads the input (only the columns it needs, :mod:`.projection`), harmonises
and validates it, computes the indicators it feeds and returns an :class:`InputOutcome`: the
results rows, the issue rows, and what the run report shows (rows and columns read, indicators
computed, wall time, peak memory). It never raises: a failure of any kind is an outcome with
status ``failed`` and its issue row, so that one input never stops the batch.
"""

from __future__ import annotations

import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..catalogue.load import Catalogue
from ..catalogue.spec import Indicator
from ..engine.compute import compute, issue_record
from ..errors import MhrError
from ..io.tables import read_table, table_columns
from ..prepare.harmonise import harmonise
from ..prepare.mapping import load_mapping
from ..prepare.schemas import validate
from ..sources import read_treaty_status, read_undesa
from ..vocab import INPUT_ARGUMENT, IssueCode
from .config import InputConfig, JobConfig
from .projection import canonical_columns, project

__all__ = ["ISSUE_FIELDS", "InputOutcome", "InputTask", "failure", "run_input"]

#: The columns of a batch's issues table.
ISSUE_FIELDS = ["input", "indicator_id", "problem", "detail"]


@dataclass(frozen=True)
class InputTask:
    """What a worker needs to compute one input (everything in it can be pickled)."""

    input: InputConfig
    base: Path
    job: JobConfig
    indicators: list[Indicator]
    catalogue: Catalogue | None = None  # the job's (a worker need not load it again)


@dataclass
class InputOutcome:
    """The result of one input, and the figures of the run report."""

    name: str
    status: str  # "computed" or "failed"
    table: pd.DataFrame | None = None
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_FIELDS))
    groups: dict = field(default_factory=dict)
    rows_read: int | None = None
    columns_read: int | None = None
    columns_in_file: int | None = None
    indicators_requested: int = 0
    wall_time_s: float | None = None
    cpu_time_s: float | None = None
    peak_memory_mib: float | None = None
    detail: str | None = None


@dataclass
class _Read:
    data: pd.DataFrame
    report: pd.DataFrame | None = None
    rows: int = 0
    columns: int | None = None
    in_file: int | None = None


def _read(inp: InputConfig, base: Path, wanted: list[str] | None) -> _Read:
    """Read (and harmonise) one input; a survey table only in the columns ``wanted`` need."""
    path = base / inp.path
    if inp.reader == "undesa":
        workbook = read_undesa(path)
        return _Read(workbook.stock, workbook.report, len(workbook.stock))
    if inp.reader == "treaty_status":
        records = read_treaty_status(path)
        return _Read(records.ratifications, records.report, len(records.ratifications))
    mapping = load_mapping(base / inp.mapping) if inp.mapping else None
    names = table_columns(path) if wanted is not None else None
    chosen = project(names, mapping, wanted, inp.design) if names is not None else None
    if chosen is None:
        data = read_table(path)
    else:
        data = read_table(path, columns=chosen.columns, categorical=chosen.categorical)
    rows, columns = len(data), data.shape[1]
    if mapping is not None:
        data = harmonise(data, mapping)
    in_file = len(names) if names is not None else columns
    return _Read(data, None, rows, columns, in_file)


def _compute(task: InputTask, outcome: InputOutcome) -> tuple:
    """Results of one input, and its source's data-quality report (or None)."""
    inp, base, cfg = task.input, task.base, task.job
    fed = [i for i in task.indicators if inp.kind in i.source_kind]
    outcome.indicators_requested = len(fed)
    project_survey = inp.kind == "survey" and cfg.read_columns == "needed"
    wanted = canonical_columns(fed, cfg.by) if project_survey else None
    read = _read(inp, base, wanted)
    outcome.rows_read, outcome.columns_read = read.rows, read.columns
    outcome.columns_in_file = read.in_file
    data, extra = read.data, {}
    if inp.stock_from:
        named = {i.name: i for i in cfg.inputs}
        if inp.stock_from not in named or named[inp.stock_from].kind != "stock":
            raise MhrError(
                f"input {inp.name!r}: stock_from names no stock input ({inp.stock_from!r})"
            )
        extra["stock"] = _read(named[inp.stock_from], base, None).data
    needed = ["ref_area"]
    if inp.kind == "survey":
        needed += ["time_period", inp.design.weights]
        needed += [c for c in (inp.design.strata, inp.design.psu, inp.design.fpc) if c]
    validate(data, inp.kind, required=needed, source=str(base / inp.path))
    serves = any(other.stock_from == inp.name for other in cfg.inputs)
    if not fed and not serves:  # a stock table may serve only as others' denominators
        raise MhrError(f"no requested indicator is fed by a {inp.kind} input")
    source = {INPUT_ARGUMENT[inp.kind]: inp.design.build(data) if inp.kind == "survey" else data}
    res = compute(
        fed,
        by=cfg.by,
        quality=cfg.quality,
        errors="collect",
        source=inp.name,
        level=cfg.level,
        catalogue=task.catalogue,
        **source,
        **extra,
    )
    return res, read.report


def source_report(report: pd.DataFrame, name: str) -> pd.DataFrame:
    """A source reader's data-quality report as issue rows."""
    where = report["file"].astype(str)
    if "sheet" in report:
        where = where + ", " + report["sheet"].astype(str)
    who = report["member"] if "member" in report else report.get("area", "")
    detail = (
        where
        + " row "
        + report["row"].astype(str)
        + " ("
        + pd.Series(who, index=report.index).astype(str)
        + "): "
        + report["problem"].astype(str)
        + " -> "
        + report["resolution"].astype(str)
    )
    return pd.DataFrame(
        {
            "input": name,
            "indicator_id": None,
            "problem": str(IssueCode.SOURCE_QUALITY),
            "detail": detail,
        }
    )


def failure(name: str, exc: BaseException) -> pd.DataFrame:
    """The issue row of an input that could not be read, mapped or computed."""
    if isinstance(exc, MhrError):
        record = issue_record(exc)
    else:  # an unexpected error is reported like the others, and the batch goes on
        detail = f"{type(exc).__name__}: {exc}"
        record = {"problem": str(IssueCode.INPUT_FAILED), "detail": detail}
    return pd.DataFrame([{"input": name, "indicator_id": None, **record}])[ISSUE_FIELDS]


def reset_peak_memory() -> None:
    """Restart the process's peak-memory count where the system allows it (Linux), so that
    the peak measured after an input is that input's."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def cpu_seconds() -> float:
    """CPU time (user and system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_memory_mib() -> float:
    """The process's peak resident memory (``resource.getrusage``), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)


def run_input(task: InputTask) -> InputOutcome:
    """Compute one input; any failure becomes an outcome with status ``failed``.

    Parameters
    ----------
    task : InputTask
        The input, the job's folder and config, and the requested indicators.

    Returns
    -------
    InputOutcome
    """
    reset_peak_memory()
    start, cpu = time.perf_counter(), cpu_seconds()
    name = task.input.name
    outcome = InputOutcome(name, "computed")
    try:
        res, report = _compute(task, outcome)
    except Exception as exc:  # one input's failure never stops the batch
        outcome.status, outcome.issues = "failed", failure(name, exc)
        outcome.detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    else:
        parts = []
        if report is not None and len(report):
            parts.append(source_report(report, name))
        if len(res.issues):
            parts.append(res.issues.assign(input=name)[ISSUE_FIELDS])
        if parts:
            outcome.issues = pd.concat(parts, ignore_index=True)
        outcome.table = res.table
        outcome.groups = dict(res.metadata.get("groups", {}))
    outcome.wall_time_s = round(time.perf_counter() - start, 3)
    outcome.cpu_time_s = round(cpu_seconds() - cpu, 3)
    outcome.peak_memory_mib = peak_memory_mib()
    return outcome
