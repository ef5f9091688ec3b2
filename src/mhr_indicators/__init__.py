"""mhr_indicators: measure the human rights of migrants with design-based survey estimates.

The public API, in the order of the pipeline (``docs/architecture.md``):

- :func:`load_catalogue` — the indicator specs (:class:`Catalogue`, :class:`Indicator`);
  :func:`coverage` — what a dataset can produce;
- :func:`read_table`, :func:`load_example`, :mod:`~mhr_indicators.datasets` — files in, shipped
  example data; :mod:`mhr_indicators.sources` — real published sources;
- :func:`harmonise` — a source's columns and codes onto the canonical schema;
  :func:`validate` — check data against its canonical schema;
- :class:`SurveyDesign` — a sample and its design; estimators with sampling error (R ``survey``
  conventions); :class:`Estimates` — cell estimates with their covariance and contrasts;
  :class:`DaskSurveyDesign` — the same, its rows in a Dask dataframe (optional extra ``dask``);
- :func:`compute` — indicators + data -> :class:`Results` (the tidy results table, its issues
  and metadata); :func:`read_results`, :func:`concat_results`; :class:`QualityRules`;
- :mod:`~mhr_indicators.plot` — country profiles and charts from results;
- :func:`parse_filter` — the whitelisted filter grammar;
- the error types, all derived from :class:`MhrError`.
"""

from . import plot
from ._version import __version__
from .catalogue.coverage import coverage
from .catalogue.load import Catalogue, load_catalogue
from .catalogue.spec import Indicator
from .dask_engine import DaskSurveyDesign
from .engine.compute import compute
from .engine.quality import QualityRules
from .engine.results import Results, concat_results, read_results
from .errors import (
    ColumnNotFoundError,
    ConfigurationError,
    DataValidationError,
    DesignError,
    EstimationInputError,
    FilterError,
    HarmonisationError,
    IndicatorInputError,
    LonelyPSUError,
    MhrError,
    SpecError,
)
from .filters import Filter, parse_filter
from .io import datasets
from .io.datasets import load_example
from .io.tables import read_table
from .prepare.harmonise import harmonise
from .prepare.mapping import HarmonisationMapping, load_mapping
from .prepare.schemas import validate
from .survey import Estimates, SurveyDesign
from .vocab import RESULT_COLUMNS, IssueCode

__all__ = [
    "RESULT_COLUMNS",
    "Catalogue",
    "ColumnNotFoundError",
    "ConfigurationError",
    "DaskSurveyDesign",
    "DataValidationError",
    "DesignError",
    "Estimates",
    "EstimationInputError",
    "Filter",
    "FilterError",
    "HarmonisationError",
    "HarmonisationMapping",
    "Indicator",
    "IndicatorInputError",
    "IssueCode",
    "LonelyPSUError",
    "MhrError",
    "QualityRules",
    "Results",
    "SpecError",
    "SurveyDesign",
    "__version__",
    "compute",
    "concat_results",
    "coverage",
    "datasets",
    "harmonise",
    "load_catalogue",
    "load_example",
    "load_mapping",
    "parse_filter",
    "plot",
    "read_results",
    "read_table",
    "validate",
]
