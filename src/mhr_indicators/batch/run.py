"""Batch jobs: one YAML config names inputs, mappings, designs, indicators, breakdowns, quality
rules and outputs; ``mhr compute CONFIG.yaml`` runs it.

A batch never loses work: each input (a country, a year) is read, harmonised, validated and
computed on its own; one that fails — for any reason — is reported in the issues file and the
others complete. The results of an input that fails on a rerun are carried over from the
previous run's files (and the issues say so), never replaced by nothing. The output files of a
run are written as one set (:mod:`.outputs`): all or none, never a mix of two runs. Their
metadata holds the library and catalogue versions and the SHA-256 of every input, and nothing
that changes from run to run: the same inputs and config give byte-identical files. When the
run happened is recorded in ``<output>.run.json`` only.

Example config (paths are relative to the config file)::

    indicators: [WORK.O.LFPR, WORK.O.EPR, WORK.O.UR]   # or "all", or {right: work}
    by: [sex, age_group]
    quality: default
    inputs:
      - name: XSY-2024
        path: example_lfs.parquet
        mapping: mappings/example_lfs.yaml
        design: {weights: weight, strata: stratum, psu: psu, fpc: fpc}
    output: {path: ../out/results, formats: [parquet, csv]}
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._version import __version__
from ..catalogue.load import Catalogue, load_catalogue
from ..engine.compute import compute, issue_record
from ..engine.results import read_results
from ..errors import MhrError
from ..io.tables import read_table, sha256, write_table
from ..prepare.harmonise import harmonise
from ..prepare.schemas import validate
from ..sources import read_treaty_status, read_undesa
from ..vocab import INPUT_ARGUMENT, RESULT_COLUMNS, IssueCode
from .config import InputConfig, JobConfig, load_job
from .outputs import write_output_set

__all__ = ["JobResult", "load_job", "run_job"]

_ISSUES = ["input", "indicator_id", "problem", "detail"]


@dataclass
class JobResult:
    """What a job produced: the results, the issues (per input and indicator), the files."""

    results: pd.DataFrame
    issues: pd.DataFrame
    outputs: list[Path] = field(default_factory=list)
    failed_inputs: list[str] = field(default_factory=list)


def _indicators(cfg: JobConfig, cat: Catalogue) -> list:
    if cfg.indicators == "all":
        return list(cat)
    if isinstance(cfg.indicators, dict):
        return list(cat.filter(**cfg.indicators))
    return [cat[i] for i in cfg.indicators]


def _read(inp: InputConfig, base: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    path = base / inp.path
    if inp.reader == "undesa":
        workbook = read_undesa(path)
        return workbook.stock, workbook.report
    if inp.reader == "treaty_status":
        records = read_treaty_status(path)
        return records.ratifications, records.report
    data = read_table(path)
    if inp.mapping:
        data = harmonise(data, base / inp.mapping)
    return data, None


def _run_input(inp: InputConfig, base: Path, cfg: JobConfig, inds: list):
    """Results of one input, and its source's data-quality report (or None)."""
    data, report = _read(inp, base)
    extra = {}
    if inp.stock_from:
        named = {i.name: i for i in cfg.inputs}
        if inp.stock_from not in named or named[inp.stock_from].kind != "stock":
            raise MhrError(
                f"input {inp.name!r}: stock_from names no stock input ({inp.stock_from!r})"
            )
        extra["stock"] = _read(named[inp.stock_from], base)[0]
    needed = ["ref_area"]
    if inp.kind == "survey":
        needed += ["time_period", inp.design.weights]
        needed += [c for c in (inp.design.strata, inp.design.psu, inp.design.fpc) if c]
    validate(data, inp.kind, required=needed, source=str(base / inp.path))
    fed = [i for i in inds if inp.kind in i.source_kind]
    if not fed:
        raise MhrError(f"no requested indicator is fed by a {inp.kind} input")
    source = {INPUT_ARGUMENT[inp.kind]: inp.design.build(data) if inp.kind == "survey" else data}
    res = compute(
        fed,
        by=cfg.by,
        quality=cfg.quality,
        errors="collect",
        source=inp.name,
        level=cfg.level,
        **source,
        **extra,
    )
    return res, report


def _source_report(report: pd.DataFrame, name: str) -> pd.DataFrame:
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


def _failure(name: str, exc: Exception) -> pd.DataFrame:
    """The issue row of an input that could not be read, mapped or computed."""
    if isinstance(exc, MhrError):
        record = issue_record(exc)
    else:  # an unexpected error is reported like the others, and the batch goes on
        detail = f"{type(exc).__name__}: {exc}"
        record = {"problem": str(IssueCode.INPUT_FAILED), "detail": detail}
    return pd.DataFrame([{"input": name, "indicator_id": None, **record}])


def _carried_over(
    stem: Path, formats: list[str], failed: list[str]
) -> list[tuple[str, pd.DataFrame]]:
    """The previous run's rows of the inputs that failed now, with an issue row for each."""
    files = [stem.with_name(f"{stem.name}.{fmt}") for fmt in formats]
    previous = next((f for f in files if f.is_file()), None)
    if previous is None or not failed:
        return []
    try:
        old = read_results(previous)
    except MhrError:
        return []
    ranges = old.metadata.get("input_rows", {})
    parts = []
    for name in failed:
        if name in ranges:
            start, stop = ranges[name]
            parts.append((name, old.table.iloc[start:stop]))
    return parts


def run_job(config: str | Path) -> JobResult:
    """Run a batch job: every input computed on its own, outputs written as one set.

    Parameters
    ----------
    config : str or path-like
        The job's YAML file.

    Returns
    -------
    JobResult
    """
    cfg, base = load_job(config)
    cat = load_catalogue(base / cfg.catalogue) if cfg.catalogue else load_catalogue()
    inds = _indicators(cfg, cat)
    stem = (base / cfg.output.path).resolve()
    parts: list[tuple[str, pd.DataFrame]] = []
    issues, failed, checksums = [], [], []
    groups: dict[str, dict] = {}
    for inp in cfg.inputs:
        try:
            digest = sha256(base / inp.path)
        except OSError:
            digest = None
        checksums.append({"name": inp.name, "path": inp.path, "sha256": digest})
        try:
            res, report = _run_input(inp, base, cfg, inds)
        except Exception as exc:  # one input's failure never stops the batch
            failed.append(inp.name)
            issues.append(_failure(inp.name, exc))
            continue
        parts.append((inp.name, res.table))
        groups.update(res.metadata.get("groups", {}))
        if report is not None and len(report):
            issues.append(_source_report(report, inp.name))
        if len(res.issues):
            issues.append(res.issues.assign(input=inp.name))
    for name, rows in _carried_over(stem, cfg.output.formats, failed):
        parts.append((name, rows))
        detail = f"input failed in this run: its {len(rows)} result rows are the previous run's"
        row = {"input": name, "indicator_id": None, "problem": str(IssueCode.CARRIED_OVER)}
        issues.append(pd.DataFrame([{**row, "detail": detail}]))
    frames = [rows for _, rows in parts]
    results = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)
    )
    issue_frame = pd.concat(issues, ignore_index=True) if issues else pd.DataFrame(columns=_ISSUES)
    issue_frame = issue_frame[_ISSUES]
    bounds, start = {}, 0
    for name, rows in parts:
        bounds[name] = [start, start + len(rows)]
        start += len(rows)
    metadata = {
        "library_version": __version__,
        "catalogue_version": cat.version,
        "config": Path(config).name,
        "config_sha256": sha256(config),
        "inputs": checksums,
        "indicators": [i.id for i in inds],
        "by": list(cfg.by),
        "quality": cfg.quality,
        "level": cfg.level,
        "failed_inputs": failed,
        "groups": groups,
        "input_rows": bounds,
    }
    if not parts:  # nothing to publish: the previous run's files stay as they are
        return JobResult(results, issue_frame, [], failed)
    writers = {
        stem.with_name(f"{stem.name}.{fmt}"): lambda p: write_table(results, p, metadata)
        for fmt in cfg.output.formats
    }
    writers[stem.with_name(stem.name + ".issues.csv")] = lambda p: write_table(issue_frame, p)
    record = {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": str(Path(config)),
        "failed_inputs": failed,
    }
    writers[stem.with_name(stem.name + ".run.json")] = lambda p: p.write_text(
        json.dumps(record, indent=2), encoding="utf-8"
    )
    outputs = write_output_set(writers)
    return JobResult(results, issue_frame, outputs, failed)
