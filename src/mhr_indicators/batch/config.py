"""The batch job config: a typed model of the YAML file (see :mod:`mhr_indicators.batch.run`).

A config that does not fit the model is refused at load time with a ``SpecError`` naming the
file and the field, before any input is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import MhrError, SpecError
from ..survey import SurveyDesign
from ..vocab import AnyDimension, LonelyPSU, SourceKind, VarianceKind


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
    lonely_psu: LonelyPSU = "fail"
    variance: VarianceKind = "design"
    nest: bool | None = Field(
        default=None, description="PSU labels repeat across strata (R's nest=TRUE)"
    )

    def build(self, data: pd.DataFrame) -> SurveyDesign:
        """The design of ``data`` (replicate columns may be given by a regular expression)."""
        kwargs = self.model_dump(exclude_none=False)
        if kwargs.get("nest") is None:
            kwargs.pop("nest")
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
    kind: SourceKind = "survey"
    reader: Literal["table", "undesa", "treaty_status"] = "table"
    mapping: str | None = None
    design: DesignConfig | None = None
    stock_from: str | None = Field(
        default=None,
        description="admin inputs: the name of the stock input whose table gives denominators",
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _one_spelling(cls, value: object) -> object:
        return "ratification" if value == "ratifications" else value  # the 0.1 spelling

    @model_validator(mode="after")
    def _survey_needs_design(self) -> InputConfig:
        if self.kind == "survey" and self.design is None:
            raise ValueError("a survey input needs a design (at least its weights)")
        if self.kind != "survey" and self.design is not None:
            raise ValueError(f"a {self.kind} input has no sampling design")
        return self


#: Output formats: the results table as one Parquet file, as CSV (with its ``.meta.json``),
#: as SDMX-CSV (``<path>.sdmx.csv``) and as a Parquet dataset partitioned by ``ref_area`` and
#: ``time_period`` (the folder ``<path>_by_area/``).
OutputFormat = Literal["parquet", "csv", "sdmx", "partitioned"]


class OutputConfig(BaseModel):
    """Where results go: ``path`` without suffix, one file (or folder) per format.

    ``parquet`` or ``csv`` must be among the formats: the results and their metadata are kept
    there, and a rerun reads them back (inputs unchanged since, or failing now).
    """

    model_config = ConfigDict(extra="forbid")
    path: str
    formats: list[OutputFormat] = Field(default=["parquet", "csv"], min_length=1)
    profiles: list[str] | Literal["all"] = Field(
        default_factory=list,
        description="areas (ref_area codes, or 'all') whose country profile is written",
    )
    profile_formats: list[Literal["pdf", "png", "svg"]] = Field(
        default=["pdf", "png"], min_length=1
    )

    @field_validator("formats")
    @classmethod
    def _readable_results(cls, value: list[str]) -> list[str]:
        if not {"parquet", "csv"} & set(value):
            raise ValueError(
                "formats must include parquet or csv: the results and their metadata are kept "
                "there, and reruns read them back (add parquet beside sdmx or partitioned)"
            )
        return list(dict.fromkeys(value))


class JobConfig(BaseModel):
    """A batch job (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    indicators: list[str] | Literal["all"] | dict[str, str]
    #: the core dimensions and the optional ones (``vocab.OPTIONAL_DIMENSIONS``)
    by: list[AnyDimension] = Field(default_factory=list)
    quality: str | dict = "default"
    level: float = Field(default=0.95, gt=0, lt=1)
    catalogue: str | None = None
    inputs: list[InputConfig] = Field(min_length=1)
    output: OutputConfig
    read_columns: Literal["needed", "all"] = Field(
        default="needed",
        description="survey files: read only the columns the indicators, mapping and design "
        "need (the results are the same), or every column",
    )

    @model_validator(mode="after")
    def _unique_names(self) -> JobConfig:
        names = [i.name for i in self.inputs]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(
                f"input names must be unique (they label the results): {twice} appear twice"
            )
        return self


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
