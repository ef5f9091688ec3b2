"""The run report of a batch job: ``<output>.run.json``, and the summary ``mhr compute`` prints.

For every input, in the config's order: its ``status`` (``computed``, ``skipped`` — unchanged
since the last run, its previous rows reused — or ``failed``), why it was computed
(``reason``), the rows and columns read, the indicators it feeds and those with results, the
result rows, its issues counted by problem and the data-quality issues among them (every issue
but the notes of breakdowns not given and of carried-over rows), its wall and CPU time and its
peak memory (``resource.getrusage`` of the process that computed it: a worker process of its own
with ``--jobs`` N > 1; the job's process otherwise, its count restarted before each input where
the system allows it, as on Linux). A failed input whose previous rows were kept has
``carried_over_rows``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..vocab import IssueCode
from .worker import InputOutcome

__all__ = ["format_report", "input_record", "run_report"]

#: Reasons to compute an input that the summary does not repeat line by line.
_UNREMARKABLE = ("forced", "no previous results")
#: Issue problems that are notes rather than data-quality issues.
_NOTES = {str(IssueCode.NOT_DISAGGREGATED), str(IssueCode.CARRIED_OVER)}


def input_record(
    inp: object,
    status: str,
    reason: str | None,
    rows: pd.DataFrame | None,
    issues: pd.DataFrame,
    outcome: InputOutcome | None = None,
) -> dict:
    """The run report's entry of one input.

    Parameters
    ----------
    inp : InputConfig
        The input's config.
    status : {"computed", "skipped", "failed"}
    reason : str or None
        Why it was computed; None when skipped.
    rows : pandas.DataFrame or None
        Its result rows in this run's output (computed, reused or carried over).
    issues : pandas.DataFrame
        Its issue rows.
    outcome : InputOutcome, optional
        What computing it measured (None for a skipped input).
    """
    problems = issues["problem"].astype(str).value_counts().sort_index()
    record = {
        "name": inp.name,
        "kind": inp.kind,
        "path": inp.path,
        "status": status,
        "reason": reason if status != "skipped" else "unchanged since the last run",
        "rows_read": outcome.rows_read if outcome else None,
        "columns_read": outcome.columns_read if outcome else None,
        "columns_in_file": outcome.columns_in_file if outcome else None,
        "indicators_requested": outcome.indicators_requested if outcome else None,
        "indicators_computed": int(rows["indicator_id"].nunique()) if rows is not None else 0,
        "result_rows": len(rows) if rows is not None else 0,
        "issues": {str(k): int(v) for k, v in problems.items()},
        "data_quality_issues": int(sum(v for k, v in problems.items() if k not in _NOTES)),
        "wall_time_s": outcome.wall_time_s if outcome else None,
        "cpu_time_s": outcome.cpu_time_s if outcome else None,
        "peak_memory_mib": outcome.peak_memory_mib if outcome else None,
        "detail": outcome.detail if outcome else None,
    }
    if status == "failed" and rows is not None:
        record["carried_over_rows"] = len(rows)
    return record


def run_report(config: str, records: list[dict], jobs: int, force: bool, wall: float) -> dict:
    """The whole report (``created`` is the only value that names when the run happened)."""
    by_status = {s: [r["name"] for r in records if r["status"] == s] for s in ("failed", "skipped")}
    return {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": config,
        "jobs": jobs,
        "force": force,
        "wall_time_s": round(wall, 3),
        "failed_inputs": by_status["failed"],
        "skipped_inputs": by_status["skipped"],
        "carried_over_inputs": [r["name"] for r in records if "carried_over_rows" in r],
        "inputs": records,
    }


def _cell(value: object, fmt: str = "{:,}") -> str:
    return "-" if value is None else fmt.format(value)


def format_report(report: dict) -> str:
    """The run report as a few readable lines: one per input, then what failed and why."""
    records = report["inputs"]
    counts = {s: sum(r["status"] == s for r in records) for s in ("computed", "skipped", "failed")}
    workers = report["jobs"]
    how = f"{workers} worker processes" if workers > 1 else "in one process"
    how += ", --force" if report["force"] else ""
    head = (
        f"Run report: {len(records)} input(s): {counts['computed']} computed, "
        f"{counts['skipped']} skipped (unchanged), {counts['failed']} failed; {how}; "
        f"{report['wall_time_s']:.1f} s"
    )
    rows = []
    for r in records:
        columns = None
        if r["columns_read"] is not None:
            columns = f"{r['columns_read']}/{r['columns_in_file']}"
        indicators = f"{r['indicators_computed']}"
        if r["indicators_requested"] is not None:
            indicators += f"/{r['indicators_requested']}"
        rows.append(
            {
                "input": r["name"],
                "status": r["status"],
                "rows read": _cell(r["rows_read"]),
                "columns": _cell(columns, "{}"),
                "indicators": indicators,
                "result rows": _cell(r["result_rows"]),
                "data issues": _cell(r["data_quality_issues"]),
                "time": _cell(r["wall_time_s"], "{:.1f} s"),
                "peak memory": _cell(r["peak_memory_mib"], "{:,.0f} MiB"),
            }
        )
    lines = [head, pd.DataFrame(rows).to_string(index=False)]
    for r in records:
        if r["status"] == "failed":
            kept = r.get("carried_over_rows")
            note = f" (its {kept} previous result rows kept)" if kept is not None else ""
            lines.append(f"  {r['name']} failed{note}: {r['detail']}")
        elif r["status"] == "computed" and not r["reason"].startswith(_UNREMARKABLE):
            lines.append(f"  {r['name']} computed again: {r['reason']}")
    return "\n".join(lines)
