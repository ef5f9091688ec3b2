"""Bad inputs at every public entry point: each gives one specific library error whose message
names the column, field or file, the rule broken, and the first offending rows or values.

One table, one row per case (issue 11). Cases that already worked are kept so that they stay
working. A case marked ``xfail(strict=True)`` is a known gap in a module this test does not own:
when it is fixed the case passes, the strict marker turns that into a failure, and the marker is
removed.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import mhr_indicators as mhr
from mhr_indicators.errors import (
    ColumnNotFoundError,
    ConfigurationError,
    DataValidationError,
    DesignError,
    DesignOptionError,
    EstimationInputError,
    EstimationOptionError,
    FilterError,
    HarmonisationError,
    IndicatorInputError,
    LonelyPSUError,
    MhrError,
    SpecError,
)
from mhr_indicators.io.tables import read_table

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    """One bad input: the call, the error type, and what its message must say."""

    id: str
    call: Callable[[Ctx], object]
    error: type[Exception]
    says: tuple[str, ...]
    gap: str | None = None  # a known gap in another module: xfail(strict=True) with this reason


class Ctx:
    """What a case may use: a temporary folder and the shipped example inputs (read once)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp

    @staticmethod
    @functools.cache
    def _example() -> pd.DataFrame:
        return mhr.load_example()

    @property
    def example(self) -> pd.DataFrame:
        return self._example().copy()

    @staticmethod
    def table(name: str) -> pd.DataFrame:
        return pd.read_csv(REPO / "datasets" / f"example_{name}.csv")

    def design(self, data: pd.DataFrame | None = None) -> mhr.SurveyDesign:
        data = self.example if data is None else data
        return mhr.SurveyDesign(data, weights="weight", strata="stratum", psu="psu", fpc="fpc")

    def file(self, name: str, text: str | bytes) -> Path:
        path = self.tmp / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def catalogue(self, change=None, extra: str | None = None, index: bool = True) -> Path:
        """A copy of the shipped catalogue with one change to health.yaml, or an extra file."""
        folder = self.tmp / "catalogue"
        shutil.copytree(REPO / "indicators", folder)
        if not index:
            (folder / "catalogue.yaml").unlink()
        if change is not None:
            doc = yaml.safe_load((folder / "health.yaml").read_text(encoding="utf-8"))
            change(doc["indicators"][1])  # HEALTH.P.INSURANCE
            (folder / "health.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
        if extra is not None:
            (folder / "zzz.yaml").write_text(extra, encoding="utf-8")
        return folder


def small(**changes) -> pd.DataFrame:
    """Two strata of two PSUs, one row each."""
    df = pd.DataFrame(
        {
            "stratum": ["a", "a", "b", "b"],
            "psu": ["p1", "p2", "p3", "p4"],
            "w": [1.0, 2.0, 3.0, 4.0],
            "y": [0, 1, 1, 0],
            "fpc": [10, 10, 20, 20],
        }
    )
    return df.assign(**changes)


def design(data, **kw):
    return mhr.SurveyDesign(data, weights="w", **kw)


def stock_ids() -> list[str]:
    return [i.id for i in mhr.load_catalogue() if "stock" in i.source_kind][:1]


def admin_ids() -> list[str]:
    return [i.id for i in mhr.load_catalogue() if i.source_kind == ["admin"]]


def legal_ids() -> list[str]:
    return [i.id for i in mhr.load_catalogue() if "ratification" in i.source_kind][:3]


def put(frame: pd.DataFrame, column: str, row: int, value) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[row, column] = value
    return out


def set_field(field: str, value):
    def change(spec: dict) -> None:
        spec[field] = value

    return change


SPEC = "health.yaml: HEALTH.P.INSURANCE"

CASES = [
    # --- SurveyDesign --------------------------------------------------------------------------
    Case(
        "design-not-a-frame",
        lambda c: design([1, 2]),
        DesignError,
        ("must be a pandas DataFrame", "list"),
    ),
    Case(
        "design-weights-absent",
        lambda c: mhr.SurveyDesign(small(), weights="wt"),
        ColumnNotFoundError,
        ("'wt'", "(weights)", "not in the data"),
    ),
    Case(
        "design-weight-negative",
        lambda c: design(small(w=[1.0, -2.0, 3.0, 4.0])),
        DesignError,
        ("'w'", "must be >= 0", "rows 1", "-2.0"),
    ),
    Case(
        "design-weight-missing",
        lambda c: design(small(w=[1.0, np.nan, 3.0, np.nan])),
        DesignError,
        ("'w'", "must not be missing", "rows 1, 3"),
    ),
    Case(
        "design-weight-infinite",
        lambda c: design(small(w=[1.0, np.inf, 3.0, 4.0])),
        DesignError,
        ("'w'", "infinite", "rows 1", "inf"),
    ),
    Case(
        "design-weight-text",
        lambda c: design(small(w=["1", "2", "x", "4"])),
        DesignError,
        ("'w'", "must be numeric", "rows 2", "'x'"),
    ),
    Case(
        "design-weights-all-zero",
        lambda c: design(small(w=0.0)),
        DesignError,
        ("'w'", "every weight is zero"),
    ),
    Case(
        "design-strata-missing-value",
        lambda c: design(small(stratum=["a", None, "b", "b"]), strata="stratum", psu="psu"),
        DesignError,
        ("'stratum'", "must not be missing", "rows 1"),
    ),
    Case(
        "design-psu-missing-value",
        lambda c: design(small(psu=["p1", None, "p3", "p4"]), strata="stratum", psu="psu"),
        DesignError,
        ("'psu'", "must not be missing", "rows 1"),
    ),
    Case(
        "design-psu-label-in-two-strata",
        lambda c: design(small(psu=["p1", "p2", "p1", "p2"]), strata="stratum", psu="psu"),
        DesignError,
        (
            "'psu'",
            "not nested in the strata of column 'stratum'",
            "PSU 'p1' in strata 'a', 'b'",
            "nest=True",
            "rows 0, 1, 2, 3",
        ),
    ),
    Case(
        "design-nest-not-boolean",
        lambda c: design(small(), strata="stratum", psu="psu", nest="yes"),
        DesignOptionError,
        ("nest", "True or False", "'yes'"),
    ),
    Case(
        "design-nest-with-replicates",
        lambda c: design(small(r1=1.0), replicate_weights=["r1"], method="JK1", nest=True),
        DesignError,
        ("nest=True", "strata and psu"),
    ),
    Case(
        "design-lonely-psu",
        lambda c: design(small(psu=["p1", "p2", "p3", "p3"]), strata="stratum", psu="psu"),
        LonelyPSUError,
        ("stratum 'b'", "'stratum'", "only one PSU", "lonely_psu="),
    ),
    Case(
        "design-fpc-not-positive",
        lambda c: design(small(fpc=[0, 0, 20, 20]), strata="stratum", psu="psu", fpc="fpc"),
        DesignError,
        ("'fpc'", "must be > 0", "rows 0, 1"),
    ),
    Case(
        "design-fpc-varies-in-stratum",
        lambda c: design(small(fpc=[10, 11, 20, 20]), strata="stratum", psu="psu", fpc="fpc"),
        DesignError,
        ("'fpc'", "constant within each stratum", "rows 0, 1"),
    ),
    Case(
        "design-fpc-below-sampled-psus",
        lambda c: design(small(fpc=[1.5, 1.5, 20, 20]), strata="stratum", psu="psu", fpc="fpc"),
        DesignError,
        ("'fpc'", "more sampled PSUs (2) than its population count", "rows 0, 1"),
    ),
    Case(
        "design-lonely-policy-unknown",
        lambda c: design(small(), lonely_psu="ignore"),
        DesignOptionError,
        ("lonely_psu", "'ignore'", "'adjust'"),
    ),
    Case(
        "design-variance-unknown",
        lambda c: design(small(), variance="srs"),
        DesignOptionError,
        ("variance", "'srs'", "'design', 'none'"),
    ),
    Case(
        "design-replicate-method-unknown",
        lambda c: design(small(r1=1.0, r2=1.0), replicate_weights=["r1", "r2"], method="JK3"),
        DesignError,
        ("unknown replicate method 'JK3'",),
    ),
    Case(
        "design-replicate-weight-missing",
        lambda c: design(
            small(r1=[1.0, np.nan, 1.0, 1.0], r2=1.0), replicate_weights=["r1", "r2"], method="JK1"
        ),
        DesignError,
        ("'r1'", "replicate weight", "must not be missing", "rows 1"),
    ),
    Case(
        "design-replicate-column-absent",
        lambda c: design(small(), replicate_weights=["r9"], method="JK1"),
        ColumnNotFoundError,
        ("'r9'", "replicate weight"),
    ),
    Case(
        "design-strata-and-replicates",
        lambda c: design(small(r1=1.0), strata="stratum", replicate_weights=["r1"], method="BRR"),
        DesignError,
        ("not both",),
    ),
    Case(
        "design-no-variance-with-strata",
        lambda c: design(small(), strata="stratum", variance="none"),
        DesignError,
        ("variance='none'", "strata"),
    ),
    Case(
        "design-duplicate-column-names",
        lambda c: design(pd.concat([small(), small()[["y"]]], axis=1)),
        DesignError,
        ("duplicate column names ['y']",),
    ),
    # --- estimators ----------------------------------------------------------------------------
    Case(
        "estimate-variable-absent",
        lambda c: design(small()).mean("zz"),
        ColumnNotFoundError,
        ("'zz'", "(mean variable)"),
    ),
    Case(
        "estimate-proportion-not-0-1",
        lambda c: design(small(y=[0, 2, 1, 0])).proportion("y"),
        EstimationInputError,
        ("'y'", "must hold 0/1", "rows 1", "values 2"),
    ),
    Case(
        "estimate-text-variable",
        lambda c: design(small(y=["a", "b", "c", "d"])).mean("y"),
        EstimationInputError,
        ("'y'", "must be numeric", "rows 0, 1, 2, 3", "'a'"),
    ),
    Case(
        "estimate-ci-unknown",
        lambda c: design(small()).proportion("y", ci="exact"),
        EstimationOptionError,
        ("ci", "'exact'", "'beta'"),
    ),
    Case(
        "estimate-level-percent",
        lambda c: design(small()).proportion("y", level=95),
        EstimationOptionError,
        ("level", "between 0 and 1", "95"),
    ),
    Case(
        "estimate-where-syntax",
        lambda c: design(small()).mean("y", where="y >> 1"),
        FilterError,
        ("expected a number", "'>'", "y >> 1"),
    ),
    Case(
        "estimate-where-column-absent",
        lambda c: design(small()).mean("y", where="zz == 1"),
        ColumnNotFoundError,
        ("'zz'", "filter 'zz == 1'"),
    ),
    Case(
        "estimate-where-too-deep",
        lambda c: design(small()).mean("y", where="(" * 10_000 + "y == 1" + ")" * 10_000),
        FilterError,
        ("parentheses and 'not'", "limit of 100 levels"),
    ),
    Case(
        "estimate-where-too-long",
        lambda c: design(small()).mean("y", where=" or ".join(["y == 1"] * 100_000)),
        FilterError,
        ("characters long", "limit is 100,000"),
    ),
    # --- compute -------------------------------------------------------------------------------
    Case(
        "compute-by-not-a-dimension",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), by=["region"]),
        ConfigurationError,
        ("by=['region']", "not a results-table dimension", "'sex'"),
    ),
    Case(
        "compute-level-outside-0-1",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), level=1.5),
        ConfigurationError,
        ("level", "between 0 and 1", "1.5"),
    ),
    Case(
        "compute-level-nan",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), level=float("nan")),
        ConfigurationError,
        ("level", "between 0 and 1", "nan"),
    ),
    Case(
        "compute-quality-preset-unknown",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), quality="strict"),
        ConfigurationError,
        ("quality preset 'strict'", "'nchs_proportions'"),
    ),
    Case(
        "compute-quality-setting-unknown",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), quality={"suppress_n": 3}),
        ConfigurationError,
        ("unknown quality settings ['suppress_n']", "suppress_n_below"),
    ),
    Case(
        "compute-eurostat-without-limits",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), quality="eurostat_lfs"),
        ConfigurationError,
        ("eurostat_lfs", "limit_a", "limit_b"),
    ),
    Case(
        "compute-errors-mode-unknown",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), errors="ignore"),
        ConfigurationError,
        ("errors", "'ignore'", "'collect'"),
    ),
    Case(
        "compute-comparison-unknown",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(), comparisons=["diff"]),
        ConfigurationError,
        ("comparison 'diff'", "'gap'"),
    ),
    Case(
        "compute-no-source",
        lambda c: mhr.compute(["WORK.O.EPR"]),
        IndicatorInputError,
        ("WORK.O.EPR", "missing source", "'survey'"),
    ),
    Case(
        "compute-column-absent",
        lambda c: mhr.compute(
            ["WORK.O.INFORMAL"],
            survey=mhr.SurveyDesign(c.example.drop(columns=["informal"]), weights="weight"),
        ),
        IndicatorInputError,
        ("WORK.O.INFORMAL", "missing columns", "'informal'"),
    ),
    Case(
        "compute-survey-code-outside-list",
        lambda c: mhr.compute(
            ["WORK.O.EPR"], survey=c.design(put(c.example, "labour_status", 5, "retired"))
        ),
        DataValidationError,
        ("column 'labour_status'", "must be one of", "rows 5", "'retired'"),
    ),
    Case(
        "compute-survey-age-150",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.design(put(c.example, "age", 7, 150))),
        DataValidationError,
        ("column 'age'", "must be <= 120", "rows 7", "150"),
    ),
    Case(
        "compute-all-missing-variable",
        lambda c: mhr.compute(
            ["HEALTH.P.INSURANCE"],
            survey=mhr.SurveyDesign(c.example.assign(health_insurance=np.nan), weights="weight"),
        ),
        EstimationInputError,
        ("HEALTH.P.INSURANCE", "health_insurance", "nothing to estimate"),
    ),
    Case(
        "compute-empty-design",
        lambda c: mhr.compute(
            ["WORK.O.EPR"], survey=mhr.SurveyDesign(c.example.iloc[:0], weights="weight")
        ),
        EstimationInputError,
        ("no rows",),
    ),
    Case(
        "compute-stock-duplicate-row",
        lambda c: mhr.compute(
            stock_ids(), stock=pd.concat([c.table("stock"), c.table("stock").iloc[:1]])
        ),
        DataValidationError,
        ("duplicate key", "rows 0, 0", "'XSY/2024/migrant_stock/_T'"),
    ),
    Case(
        "compute-stock-negative-value",
        lambda c: mhr.compute(stock_ids(), stock=put(c.table("stock"), "value", 3, -5.0)),
        DataValidationError,
        ("column 'value'", "must be >= 0", "rows 3", "-5.0"),
    ),
    Case(
        "compute-stock-sex-code",
        lambda c: mhr.compute(stock_ids(), stock=put(c.table("stock"), "sex", 1, "X")),
        DataValidationError,
        ("column 'sex'", "must be one of", "rows 1", "'X'"),
    ),
    Case(
        "compute-admin-value-as-text",
        lambda c: mhr.compute(
            admin_ids(), admin=put(c.table("admin"), "value", 2, "12 000"), stock=c.table("stock")
        ),
        DataValidationError,
        ("column 'value'", "must be a number", "rows 2", "'12 000'"),
    ),
    Case(
        "compute-legal-status-typo",
        lambda c: mhr.compute(
            legal_ids(), ratifications=put(c.table("legal"), "status", 0, "ratifed")
        ),
        DataValidationError,
        ("column 'status'", "must be one of", "rows 0", "'ratifed'"),
    ),
    Case(
        "compute-unknown-indicator",
        lambda c: mhr.compute(["WORK.O.NOPE"], survey=c.design()),
        MhrError,
        ("'WORK.O.NOPE'", "did you mean"),
    ),
    Case(
        "compute-survey-not-a-design",
        lambda c: mhr.compute(["WORK.O.EPR"], survey=c.example),
        ConfigurationError,
        ("survey", "SurveyDesign", "DataFrame"),
    ),
    Case(
        "compute-empty-stock",
        lambda c: mhr.compute(stock_ids(), stock=c.table("stock").iloc[:0]),
        DataValidationError,
        ("stock", "no rows"),
    ),
    # --- validate ------------------------------------------------------------------------------
    Case(
        "validate-kind-unknown",
        lambda c: mhr.validate(c.example, "census"),
        ConfigurationError,
        ("data kind 'census'", "'survey'"),
    ),
    Case(
        "validate-sex-code",
        lambda c: mhr.validate(put(put(c.example, "sex", 0, "X"), "sex", 2, "9"), "survey"),
        DataValidationError,
        ("column 'sex'", "must be one of ['F', 'M']", "rows 0, 2", "'X', '9'"),
    ),
    Case(
        "validate-stock-value-text",
        lambda c: mhr.validate(put(c.table("stock"), "value", 1, "1,200"), "stock"),
        DataValidationError,
        ("column 'value'", "must be a number", "rows 1", "'1,200'"),
    ),
    Case(
        "validate-required-column-absent",
        lambda c: mhr.validate(c.example.drop(columns=["ref_area"]), "survey"),
        DataValidationError,
        ("column 'ref_area'", "is missing"),
    ),
    Case(
        "validate-duplicate-column-names",
        lambda c: mhr.validate(pd.concat([c.example, c.example[["sex"]]], axis=1), "survey"),
        DataValidationError,
        ("'sex'", "column name"),
    ),
    Case(
        "validate-not-a-frame",
        lambda c: mhr.validate([1, 2], "survey"),
        ConfigurationError,
        ("DataFrame", "list"),
    ),
    # --- harmonise -----------------------------------------------------------------------------
    Case(
        "harmonise-unknown-key",
        lambda c: mhr.harmonise(small(), {"renam": {"y": "age"}}),
        SpecError,
        ("field 'renam'", "unknown key", "did you mean 'rename'"),
    ),
    Case(
        "harmonise-rename-source-absent",
        lambda c: mhr.harmonise(small(), {"rename": {"yy": "age"}}),
        ColumnNotFoundError,
        ("'yy'", "(rename source)"),
    ),
    Case(
        "harmonise-recode-column-absent",
        lambda c: mhr.harmonise(small(), {"recode": {"sx": {1: "M"}}}),
        ColumnNotFoundError,
        ("'sx'", "(recode)"),
    ),
    Case(
        "harmonise-flag-filter-syntax",
        lambda c: mhr.harmonise(small(), {"derive": [{"column": "b", "flag": "y === 2"}]}),
        SpecError,
        ("derive[0] (b)", "field 'flag'", "unexpected character '='"),
    ),
    Case(
        "harmonise-map-without-values",
        lambda c: mhr.harmonise(small(), {"derive": [{"column": "x", "map": {"from": "y"}}]}),
        SpecError,
        ("derive[0] (x)", "field 'map.values'", "is required"),
    ),
    Case(
        "harmonise-divide-by-zero",
        lambda c: mhr.harmonise(
            small(), {"derive": [{"column": "x", "divide": {"numerator": "y", "denominator": 0}}]}
        ),
        SpecError,
        ("field 'divide.denominator'", "denominator of 0"),
    ),
    Case(
        "harmonise-two-columns-renamed-alike",
        lambda c: mhr.harmonise(small(), {"rename": {"y": "age", "w": "age"}}),
        SpecError,
        ("rename", "'y' and 'w' are both renamed to 'age'"),
    ),
    Case(
        "harmonise-bands-do-not-nest",
        lambda c: mhr.harmonise(
            pd.DataFrame({"age_group": ["Y15T24", "Y25T34"]}),
            {"derive": [{"column": "g", "rebin": {"from": "age_group", "groups": ["Y20T29"]}}]},
        ),
        HarmonisationError,
        ("Y15T24", "column 'age_group'", "rows 0", "does not nest"),
    ),
    Case(
        "harmonise-mapping-not-a-dict",
        lambda c: mhr.harmonise(small(), 42),
        SpecError,
        ("a mapping must be a dict", "int"),
    ),
    Case(
        "harmonise-mapping-file-absent",
        lambda c: mhr.harmonise(small(), c.tmp / "absent.yaml"),
        SpecError,
        ("absent.yaml", "cannot read"),
    ),
    Case(
        "harmonise-duplicate-column-names",
        lambda c: mhr.harmonise(pd.concat([small(), small()[["y"]]], axis=1), {}),
        DataValidationError,
        ("'y'", "column name"),
    ),
    # --- read_table ----------------------------------------------------------------------------
    Case(
        "read-file-absent",
        lambda c: read_table(c.tmp / "absent.csv"),
        ConfigurationError,
        ("absent.csv", "does not exist"),
    ),
    Case(
        "read-path-is-a-folder",
        lambda c: read_table(c.tmp),
        ConfigurationError,
        ("is a folder, not a file",),
    ),
    Case(
        "read-suffix-unsupported",
        lambda c: read_table(c.file("x.xlsx", "x")),
        ConfigurationError,
        ("x.xlsx", "unsupported file type '.xlsx'", ".parquet"),
    ),
    Case(
        "read-csv-duplicate-column-names",
        lambda c: read_table(c.file("dup.csv", "a,b,a\n1,2,3\n")),
        DataValidationError,
        ("dup.csv", "column 'a'", "appears 2 times", "column 1", "column 3"),
    ),
    Case(
        "read-parquet-duplicate-column-names",
        lambda c: read_table(_duplicate_parquet(c.tmp / "dup.parquet")),
        DataValidationError,
        ("dup.parquet", "column 'a'", "appears 2 times", "column 1", "column 2"),
    ),
    Case(
        "read-csv-ragged",
        lambda c: read_table(c.file("ragged.csv", "a,b\n1,2\n1,2,3,4\n")),
        MhrError,
        ("ragged.csv", "Expected 2 fields in line 3, saw 4"),
    ),
    Case(
        "read-csv-empty",
        lambda c: read_table(c.file("empty.csv", "")),
        MhrError,
        ("empty.csv", "No columns"),
    ),
    Case(
        "read-csv-not-utf8",
        lambda c: read_table(c.file("latin.csv", "a,b\n\xe9,1\n".encode("latin-1"))),
        MhrError,
        ("latin.csv", "can't decode byte 0xe9"),
    ),
    Case(
        "read-parquet-corrupt",
        lambda c: read_table(c.file("bad.parquet", "not parquet")),
        MhrError,
        ("bad.parquet", "Parquet magic bytes"),
    ),
    # --- catalogue loader ----------------------------------------------------------------------
    Case(
        "catalogue-index-absent",
        lambda c: mhr.load_catalogue(c.catalogue(index=False)),
        SpecError,
        ("catalogue.yaml", "index file is missing"),
    ),
    Case(
        "catalogue-unknown-field",
        lambda c: mhr.load_catalogue(c.catalogue(set_field("colour", "red"))),
        SpecError,
        (SPEC, "field 'colour'", "Extra inputs are not permitted"),
    ),
    Case(
        "catalogue-unit-unknown",
        lambda c: mhr.load_catalogue(c.catalogue(set_field("unit", "percentage"))),
        SpecError,
        (SPEC, "field 'unit'", "'percent'", "got 'percentage'"),
    ),
    Case(
        "catalogue-field-missing",
        lambda c: mhr.load_catalogue(c.catalogue(lambda spec: spec.pop("unit"))),
        SpecError,
        (SPEC, "field 'unit'", "is required"),
    ),
    Case(
        "catalogue-filter-syntax",
        lambda c: mhr.load_catalogue(c.catalogue(set_field("population", "age >> 3"))),
        SpecError,
        (SPEC, "field 'population'", "expected a number", "age >> 3"),
    ),
    Case(
        "catalogue-filter-too-deep",
        lambda c: mhr.load_catalogue(
            c.catalogue(set_field("population", "not " * 5000 + "age > 3"))
        ),
        SpecError,
        (SPEC, "field 'population'", "limit of 100 levels"),
    ),
    Case(
        "catalogue-duplicate-id",
        lambda c: mhr.load_catalogue(c.catalogue(set_field("id", "HEALTH.O.UNMET_NEED"))),
        SpecError,
        ("HEALTH.O.UNMET_NEED", "field 'id'", "duplicate id"),
    ),
    Case(
        "catalogue-yaml-syntax",
        lambda c: mhr.load_catalogue(c.catalogue(extra="right: health\nindicators: [\n")),
        SpecError,
        ("zzz.yaml", "not valid YAML", "line 3"),
    ),
    Case(
        "catalogue-indicator-not-a-mapping",
        lambda c: mhr.load_catalogue(c.catalogue(extra="right: health\nindicators: [3]\n")),
        SpecError,
        ("zzz.yaml", "#1", "must be a mapping"),
    ),
    Case(
        "catalogue-file-is-a-list",
        lambda c: mhr.load_catalogue(c.catalogue(extra="- a\n- b\n")),
        SpecError,
        ("zzz.yaml", "mapping"),
    ),
]


def _duplicate_parquet(path: Path) -> Path:
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["a", "a"]), path)
    return path


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=case.gap)] if case.gap else []
    return pytest.param(case, id=case.id, marks=marks)


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input_gives_a_specific_library_error(case: Case, tmp_path: Path):
    with pytest.raises(MhrError) as err:
        case.call(Ctx(tmp_path))
    assert isinstance(err.value, case.error), f"{type(err.value).__name__}: {err.value}"
    text = str(err.value)
    missing = [part for part in case.says if part not in text]
    assert not missing, f"message lacks {missing}:\n{text}"
