"""Incremental reruns: what the previous run of a job wrote, and which inputs it still covers.

Every input's entry in the output metadata (``inputs``) records three checksums:

- ``sha256``, of the input's file (of a folder: of its files' names and checksums);
- ``mapping_sha256``, of its harmonisation mapping (None without one);
- ``config_sha256``, of its section of the config, the stock input it takes denominators from
  (section and file), the job's ``by``, ``quality`` and ``level``, and the definitions of the
  requested indicators it feeds — None when the input failed (its rows, if any, are older).

With the library and catalogue versions of the metadata, they tell whether an input is
unchanged since the last run: then its rows (``input_rows``) and its issues (the issues file)
are reused as they are, and it is not read again. :meth:`PreviousRun.why_recompute` names what
changed otherwise.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..catalogue.spec import Indicator
from ..engine.results import Results, read_results
from ..errors import MhrError
from ..io.tables import sha256
from .config import JobConfig
from .worker import ISSUE_FIELDS

__all__ = ["PreviousRun", "file_digest", "fingerprints"]


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file; of a folder, of its files' relative names and checksums; None when
    it cannot be read."""
    try:
        if not path.is_dir():
            return sha256(path)
        h = hashlib.sha256()
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f"{item.relative_to(path).as_posix()}\0{sha256(item)}\n".encode())
        return h.hexdigest()
    except OSError:
        return None


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprints(cfg: JobConfig, base: Path, indicators: list[Indicator]) -> list[dict]:
    """The metadata entry of every input (name, path and the checksums of the module docstring),
    in the config's order."""
    files = {inp.name: file_digest(base / inp.path) for inp in cfg.inputs}
    named = {inp.name: inp for inp in cfg.inputs}
    entries = []
    for inp in cfg.inputs:
        stock = named.get(inp.stock_from) if inp.stock_from else None
        section = {
            "input": inp.model_dump(mode="json"),
            "stock_from": None
            if stock is None
            else {"input": stock.model_dump(mode="json"), "sha256": files[stock.name]},
            "by": list(cfg.by),
            "quality": cfg.quality,
            "level": cfg.level,
            "indicators": [
                i.model_dump(mode="json") for i in indicators if inp.kind in i.source_kind
            ],
        }
        entries.append(
            {
                "name": inp.name,
                "path": inp.path,
                "sha256": files[inp.name],
                "mapping_sha256": file_digest(base / inp.mapping) if inp.mapping else None,
                "config_sha256": _digest(section),
            }
        )
    return entries


class PreviousRun:
    """The results, metadata and issues the previous run of a job wrote (read when needed).

    Parameters
    ----------
    stem : pathlib.Path
        The output path without suffix.
    formats : list of str
        The job's output formats: the Parquet file is read if written, else the CSV.
    """

    def __init__(self, stem: Path, formats: list[str]):
        files = [stem.with_name(f"{stem.name}.{fmt}") for fmt in ("parquet", "csv")]
        self.file = next((f for f in files if f.suffix[1:] in formats and f.is_file()), None)
        self.issues_file = stem.with_name(stem.name + ".issues.csv")

    @cached_property
    def results(self) -> Results | None:
        if self.file is None:
            return None
        try:
            return read_results(self.file)
        except (MhrError, OSError, ValueError):
            return None

    @cached_property
    def issues(self) -> pd.DataFrame | None:
        try:
            frame = pd.read_csv(self.issues_file, dtype=str, keep_default_na=False, na_values=[""])
        except (OSError, ValueError):
            return None
        return frame[ISSUE_FIELDS] if set(ISSUE_FIELDS) <= set(frame.columns) else None

    @property
    def metadata(self) -> dict:
        return self.results.metadata if self.results is not None else {}

    def rows(self, name: str) -> pd.DataFrame | None:
        """The previous run's result rows of an input (None when it had none)."""
        bounds = self.metadata.get("input_rows", {}).get(name)
        if self.results is None or bounds is None:
            return None
        start, stop = bounds
        return self.results.table.iloc[start:stop]

    def issue_rows(self, name: str) -> pd.DataFrame:
        """The previous run's issue rows of an input."""
        frame = self.issues if self.issues is not None else pd.DataFrame(columns=ISSUE_FIELDS)
        return frame[frame["input"] == name]

    def groups(self, ids: list[str]) -> dict:
        """The migrant and reference labels the previous run recorded for these indicators."""
        recorded = self.metadata.get("groups", {})
        return {i: recorded[i] for i in ids if i in recorded}

    def why_recompute(self, entry: dict, versions: dict) -> str | None:
        """Why an input must be computed again; None when its previous results still hold.

        Parameters
        ----------
        entry : dict
            The input's entry now (see :func:`fingerprints`).
        versions : dict
            ``library_version`` and ``catalogue_version`` now.
        """
        if self.results is None:
            return "no previous results"
        for key, what in (("library_version", "library"), ("catalogue_version", "catalogue")):
            if self.metadata.get(key) != versions[key]:
                return f"{what} version changed ({self.metadata.get(key)} -> {versions[key]})"
        old = {e.get("name"): e for e in self.metadata.get("inputs", [])}.get(entry["name"])
        if old is None or self.rows(entry["name"]) is None:
            return "no previous results for this input"
        if old.get("config_sha256") is None:
            return "no complete previous results for this input (it failed, or an older run)"
        if entry["sha256"] is None or old.get("sha256") != entry["sha256"]:
            return "input file changed"
        if old.get("mapping_sha256") != entry["mapping_sha256"]:
            return "mapping changed"
        if old["config_sha256"] != entry["config_sha256"]:
            return "config changed (its section, by, quality, level or its indicators' specs)"
        if self.issues is None:
            return "the previous issues file is missing"
        return None
