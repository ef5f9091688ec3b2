"""Batch jobs: one YAML config names inputs, mappings, designs, indicators, breakdowns, quality
rules and outputs; ``mhr compute CONFIG.yaml`` runs it.

A batch never loses work: each input (a country, a year) is read, harmonised, validated and
computed on its own; one that fails is reported in the issues file and the others complete.
Outputs are written atomically, with the library and catalogue versions and the SHA-256 of every
input in their metadata.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .._version import __version__
from ..catalogue.load import Catalogue, load_catalogue
from ..engine.compute import compute, issue_record
from ..errors import MhrError, SpecError
from ..io.tables import read_table, sha256, write_table
from ..prepare.harmonise import harmonise
from ..prepare.schemas import validate
from ..sources import read_treaty_status, read_undesa_stock
from ..survey import SurveyDesign
from ..vocab import RESULT_COLUMNS, Dimension


class DesignConfig(BaseModel):
    """The sampling design of an input (the arguments of :class:`SurveyDesign`)."""

    model_config = ConfigDict(extra="forbid")
    weights: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    replicate_weights: list[str] | str | None = Field(
        default=None, description="column names, or a regular expression matching them"
    )
    method: str | None = None
    rho: float | None = None
    scale: float | None = None
    rscales: list[float] | None = None
    mse: bool = True
    lonely_psu: Literal["fail", "remove", "adjust", "average", "certainty"] = "fail"
    variance: Literal["design", "none"] = "design"

    def build(self, data: pd.DataFrame) -> SurveyDesign:
        kwargs = self.model_dump()
        reps = kwargs.pop("replicate_weights")
        if isinstance(reps, str):
            reps = list(data.columns[data.columns.astype(str).str.fullmatch(reps)])
            if not reps:
                raise MhrError(
                    f"no column matches replicate_weights pattern {self.replicate_weights!r}"
                )
        if reps is None:
            for key in ("method", "rho", "scale", "rscales"):
                kwargs.pop(key)
            kwargs.pop("mse")
            return SurveyDesign(data, **kwargs)
        return SurveyDesign(data, replicate_weights=reps, **kwargs)


class InputConfig(BaseModel):
    """One input: a country-year survey (with its mapping and design), a migrant-stock table,
    administrative counts, or legal-framework records.

    ``reader`` chooses how ``path`` is read: ``table`` (CSV, Parquet, Stata, SPSS), ``undesa``
    (a UN DESA International Migrant Stock workbook) or ``treaty_status`` (a folder of
    ``hr_status_*.csv`` files; its data-quality report goes to the issues file).
    """

    model_config = ConfigDict(extra="forbid")
    name: str
    path: str
    kind: Literal["survey", "stock", "admin", "ratifications"] = "survey"
    reader: Literal["table", "undesa", "treaty_status"] = "table"
    mapping: str | None = None
    design: DesignConfig | None = None
    stock_from: str | None = Field(
        default=None,
        description="admin inputs: the name of the stock input whose table gives denominators",
    )

    @model_validator(mode="after")
    def _survey_needs_design(self) -> InputConfig:
        if self.kind == "survey" and self.design is None:
            raise ValueError("a survey input needs a design (at least its weights)")
        if self.kind != "survey" and self.design is not None:
            raise ValueError(f"a {self.kind} input has no sampling design")
        return self


class OutputConfig(BaseModel):
    """Where results go: ``path`` without suffix, one file per format."""

    model_config = ConfigDict(extra="forbid")
    path: str
    formats: list[Literal["parquet", "csv"]] = Field(default=["parquet", "csv"], min_length=1)


class JobConfig(BaseModel):
    """A batch job (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    indicators: list[str] | Literal["all"] | dict[str, str]
    by: list[Dimension] = Field(default_factory=list)
    quality: str | dict = "default"
    level: float = Field(default=0.95, gt=0, lt=1)
    catalogue: str | None = None
    inputs: list[InputConfig] = Field(min_length=1)
    output: OutputConfig


@dataclass
class JobResult:
    """What a job produced: the results, the issues (per input and indicator), the files."""

    results: pd.DataFrame
    issues: pd.DataFrame
    outputs: list[Path] = field(default_factory=list)
    failed_inputs: list[str] = field(default_factory=list)


def load_job(path: str | Path) -> tuple[JobConfig, Path]:
    """Read and validate a job config; errors name the file and the field."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(
            [{"file": str(p), "item": "-", "field": "-", "message": f"cannot read: {exc}"}]
        ) from exc
    try:
        return JobConfig.model_validate(raw or {}), p.resolve().parent
    except ValidationError as exc:
        problems = [
            {
                "file": str(p),
                "item": "config",
                "field": ".".join(str(x) for x in e["loc"]) or "-",
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        raise SpecError(problems) from exc


def _indicators(cfg: JobConfig, cat: Catalogue) -> list:
    if cfg.indicators == "all":
        return list(cat)
    if isinstance(cfg.indicators, dict):
        return list(cat.filter(**cfg.indicators))
    return [cat[i] for i in cfg.indicators]


_SOURCE_KIND = {
    "survey": "survey",
    "stock": "stock",
    "admin": "admin",
    "ratifications": "ratification",
}


def _read(inp: InputConfig, base: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    path = base / inp.path
    if inp.reader == "undesa":
        return read_undesa_stock(path), None
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
    fed = [i for i in inds if _SOURCE_KIND[inp.kind] in i.source_kind]
    if not fed:
        raise MhrError(f"no requested indicator is fed by a {inp.kind} input")
    source = {inp.kind: inp.design.build(data) if inp.kind == "survey" else data}
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


def run_job(config: str | Path) -> JobResult:
    """Run a batch job: every input computed on its own, outputs written atomically.

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
    parts, issues, failed = [], [], []
    groups: dict[str, dict] = {}
    checksums = []
    for inp in cfg.inputs:
        try:
            checksums.append(
                {"name": inp.name, "path": inp.path, "sha256": sha256(base / inp.path)}
            )
        except OSError:
            checksums.append({"name": inp.name, "path": inp.path, "sha256": None})
        try:
            res, report = _run_input(inp, base, cfg, inds)
        except MhrError as exc:
            failed.append(inp.name)
            row = {"input": inp.name, "indicator_id": None, **issue_record(exc)}
            issues.append(pd.DataFrame([row]))
            continue
        parts.append(res.table)
        groups.update(res.metadata.get("groups", {}))
        if report is not None and len(report):
            detail = (
                report["file"]
                + " row "
                + report["row"].astype(str)
                + " ("
                + report["member"].astype(str)
                + "): "
                + report["problem"]
                + " -> "
                + report["resolution"]
            )
            issues.append(
                pd.DataFrame(
                    {
                        "input": inp.name,
                        "indicator_id": None,
                        "problem": "source_data_quality",
                        "detail": detail,
                    }
                )
            )
        if len(res.issues):
            issues.append(res.issues.assign(input=inp.name))
    results = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)
    issue_frame = (
        pd.concat(issues, ignore_index=True)
        if issues
        else pd.DataFrame(columns=["input", "indicator_id", "problem", "detail"])
    )
    issue_frame = issue_frame[["input", "indicator_id", "problem", "detail"]]
    metadata = {
        "library_version": __version__,
        "catalogue_version": cat.version,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": str(Path(config)),
        "config_sha256": sha256(config),
        "inputs": checksums,
        "indicators": [i.id for i in inds],
        "by": list(cfg.by),
        "quality": cfg.quality,
        "failed_inputs": failed,
        "groups": groups,
    }
    stem = (base / cfg.output.path).resolve()
    outputs = []
    for fmt in cfg.output.formats:
        outputs.append(write_table(results, stem.with_name(stem.name + f".{fmt}"), metadata))
    outputs.append(write_table(issue_frame, stem.with_name(stem.name + ".issues.csv")))
    return JobResult(results, issue_frame, outputs, failed)
