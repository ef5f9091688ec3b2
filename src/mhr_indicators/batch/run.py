"""Batch jobs: one YAML config names inputs, mappings, designs, indicators, breakdowns, quality
rules and outputs; ``mhr compute CONFIG.yaml`` runs it.

A batch never loses work: each input (a country, a year) is read, harmonised, validated and
computed on its own (:mod:`.worker`), one after the other or in parallel worker processes
(``jobs``, :mod:`.parallel`); one that fails — for any reason, even a worker process killed —
is reported in the issues file and the others complete. The results of an input that fails on a
rerun are carried over from the previous run's files (and the issues say so), never replaced by
nothing. Results are in the config's order of inputs, whatever the order they finished in.

A survey file is read only in the columns the indicators, the breakdowns, the mapping and the
design need (:mod:`.projection`; ``read_columns: all`` reads every column); the results are the
same. An input unchanged since the last run — its file, its mapping, its config section and the
library and catalogue versions (:mod:`.previous`) — is not computed again: its rows and issues
are reused as they are (``force=True``, ``mhr compute --force``, computes everything).

The output files of a run are written as one set (:mod:`.outputs`): all or none, never a mix of
two runs. Formats: ``parquet``, ``csv``, ``sdmx`` (SDMX-CSV) and ``partitioned`` (a Parquet
dataset by area and period, ``<output>_by_area/``). Their metadata holds the library and
catalogue versions and the checksums of every input, and nothing that changes from run to run:
the same inputs and config give byte-identical files. When the run happened, and what each input
took (status, rows read, indicators, issues, wall time, peak memory), is recorded in
``<output>.run.json`` only (:mod:`.report`).

Example config (paths are relative to the config file)::

    indicators: [WORK.O.LFPR, WORK.O.EPR, WORK.O.UR]   # or "all", or {right: work}
    by: [sex, age_group]
    quality: default
    inputs:
      - name: XSY-2024
        path: example_lfs.parquet
        mapping: mappings/example_lfs.yaml
        design: {weights: weight, strata: stratum, psu: psu, fpc: fpc}
    output: {path: ../out/results, formats: [parquet, csv, sdmx, partitioned]}
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._version import __version__
from ..catalogue.load import Catalogue, load_catalogue
from ..engine.results import Results
from ..errors import ConfigurationError
from ..io.tables import sha256, write_table
from ..vocab import RESULT_COLUMNS, IssueCode
from .config import InputConfig, JobConfig, load_job
from .outputs import results_writers, write_output_set
from .parallel import run_tasks
from .previous import PreviousRun, fingerprints
from .profiles import profile_writers
from .report import input_record, run_report
from .worker import ISSUE_FIELDS, InputOutcome, InputTask

__all__ = ["JobResult", "load_job", "run_job"]


@dataclass
class JobResult:
    """What a job produced: the results, the issues (per input and indicator), the files, the
    inputs that failed and those skipped as unchanged, and the run report (``.run.json``)."""

    results: pd.DataFrame
    issues: pd.DataFrame
    outputs: list[Path] = field(default_factory=list)
    failed_inputs: list[str] = field(default_factory=list)
    skipped_inputs: list[str] = field(default_factory=list)
    report: dict = field(default_factory=dict)


def _indicators(cfg: JobConfig, cat: Catalogue) -> list:
    if cfg.indicators == "all":  # the current indicators; retired ones only when named
        return list(cat.filter(retired=False))
    if isinstance(cfg.indicators, dict):
        return list(cat.filter(**{"retired": False, **cfg.indicators}))
    return [cat[i] for i in cfg.indicators]


@dataclass
class _Part:
    """One input's share of the output: its rows, issues, labels and report entry."""

    rows: pd.DataFrame | None
    issues: list[pd.DataFrame]
    groups: dict
    record: dict
    fingerprinted: bool  # its rows are current (computed now, or unchanged since)


def _reused(inp: InputConfig, previous: PreviousRun, inds: list) -> _Part:
    rows = previous.rows(inp.name)
    issues = previous.issue_rows(inp.name)
    fed = [i.id for i in inds if inp.kind in i.source_kind]
    record = input_record(inp, "skipped", None, rows, issues)
    return _Part(rows, [issues], previous.groups(fed), record, True)


def _computed(inp: InputConfig, outcome: InputOutcome, reason: str, previous) -> _Part:
    if outcome.status == "computed":
        record = input_record(inp, "computed", reason, outcome.table, outcome.issues, outcome)
        return _Part(outcome.table, [outcome.issues], outcome.groups, record, True)
    issues = [outcome.issues]
    rows = previous.rows(inp.name) if previous.results is not None else None
    if rows is not None:  # a failed rerun keeps the previous rows of that input
        detail = f"input failed in this run: its {len(rows)} result rows are the previous run's"
        note = {"input": inp.name, "indicator_id": None, "problem": str(IssueCode.CARRIED_OVER)}
        issues.append(pd.DataFrame([{**note, "detail": detail}]))
    frame = pd.concat(issues, ignore_index=True)
    record = input_record(inp, "failed", reason, rows, frame, outcome)
    return _Part(rows, issues, {}, record, False)


def _plan(cfg, base, inds, previous, force, versions) -> tuple[list[dict], dict[str, str | None]]:
    """Each input's metadata entry, and why it is computed (None: reuse its previous rows)."""
    entries = fingerprints(cfg, base, inds)
    reasons = {
        e["name"]: "forced (--force)" if force else previous.why_recompute(e, versions)
        for e in entries
    }
    return entries, reasons


def _metadata(config, cfg, cat, inds, entries, parts: list[_Part]) -> dict:
    bounds, start = {}, 0
    for inp, part in zip(cfg.inputs, parts, strict=True):
        if part.rows is not None:
            bounds[inp.name] = [start, start + len(part.rows)]
            start += len(part.rows)
    groups: dict = {}
    for part in parts:
        groups.update(part.groups)
    inputs = [
        e if part.fingerprinted else {**e, "config_sha256": None}
        for e, part in zip(entries, parts, strict=True)
    ]
    return {
        "library_version": __version__,
        "catalogue_version": cat.version,
        "config": Path(config).name,
        "config_sha256": sha256(config),
        "inputs": inputs,
        "indicators": [i.id for i in inds],
        "by": list(cfg.by),
        "quality": cfg.quality,
        "level": cfg.level,
        "failed_inputs": [p.record["name"] for p in parts if p.record["status"] == "failed"],
        "groups": dict(sorted(groups.items())),
        "input_rows": bounds,
    }


def run_job(
    config: str | Path, *, jobs: int = 1, force: bool = False, progress: bool | None = None
) -> JobResult:
    """Run a batch job: every input computed on its own, outputs written as one set.

    Parameters
    ----------
    config : str or path-like
        The job's YAML file.
    jobs : int, default 1
        How many inputs to compute at once: 1 in this process, one after the other; more in
        worker processes (a worker that dies fails its own input only).
    force : bool, default False
        Compute every input, even those unchanged since the last run.
    progress : bool, optional
        Show a progress bar; default: when standard error is a terminal.

    Returns
    -------
    JobResult
    """
    start = time.perf_counter()
    if not isinstance(jobs, int) or jobs < 1:
        raise ConfigurationError(f"jobs must be a whole number of at least 1, got {jobs!r}")
    cfg, base = load_job(config)
    cat = load_catalogue(base / cfg.catalogue) if cfg.catalogue else load_catalogue()
    inds = _indicators(cfg, cat)
    stem = (base / cfg.output.path).resolve()
    previous = PreviousRun(stem, cfg.output.formats)
    versions = {"library_version": __version__, "catalogue_version": cat.version}
    entries, reasons = _plan(cfg, base, inds, previous, force, versions)
    todo = [inp for inp in cfg.inputs if reasons[inp.name] is not None]
    tasks = [InputTask(inp, base, cfg, inds, cat) for inp in todo]
    outcomes = {o.name: o for o in run_tasks(tasks, jobs, progress)}
    parts = [
        _reused(inp, previous, inds)
        if reasons[inp.name] is None
        else _computed(inp, outcomes[inp.name], reasons[inp.name], previous)
        for inp in cfg.inputs
    ]
    frames = [p.rows for p in parts if p.rows is not None]
    results = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)
    )
    issue_parts = [f for p in parts for f in p.issues if len(f)]
    issue_frame = (
        pd.concat(issue_parts, ignore_index=True)[ISSUE_FIELDS]
        if issue_parts
        else pd.DataFrame(columns=ISSUE_FIELDS)
    )
    metadata = _metadata(config, cfg, cat, inds, entries, parts)
    records = [p.record for p in parts]
    report = run_report(str(Path(config)), records, jobs, force, time.perf_counter() - start)
    failed, skipped = report["failed_inputs"], report["skipped_inputs"]
    if not frames:  # nothing to publish: the previous run's files stay as they are
        return JobResult(results, issue_frame, [], failed, skipped, report)
    writers = results_writers(stem, cfg.output.formats, results, metadata)
    writers[stem.with_name(stem.name + ".issues.csv")] = lambda p: write_table(issue_frame, p)
    writers[stem.with_name(stem.name + ".run.json")] = lambda p: p.write_text(
        json.dumps(report, indent=2), encoding="utf-8"
    )
    if cfg.output.profiles:
        everything = Results(results, issue_frame, metadata)
        profile_formats = cfg.output.profile_formats
        writers |= profile_writers(stem, cfg.output.profiles, profile_formats, everything, cat)
    outputs = write_output_set(writers)
    return JobResult(results, issue_frame, outputs, failed, skipped, report)
