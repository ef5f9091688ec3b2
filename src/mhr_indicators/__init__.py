"""mhr_indicators: measure the human rights of migrants with design-based survey estimates.

The public API:

- :class:`SurveyDesign` — a sample and its design; estimators with sampling error (R ``survey``
  conventions);
- :func:`catalogue` / :func:`load_catalogue` — the indicator specs (:class:`Catalogue`,
  :class:`Indicator`);
- :func:`compute` — indicators + data -> the tidy results table;
- :func:`harmonise` — a source's columns and codes onto the canonical schema;
- :func:`validate` — check data against its canonical schema;
- :func:`parse_filter` — the whitelisted filter grammar; :func:`load_example` — example data;
- the error types, all derived from :class:`MhrError`.
"""

from .compute import RESULT_COLUMNS, compute
from .coverage import coverage
from .datasets import load_example
from .errors import (
    ColumnNotFoundError,
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
from .harmonise import harmonise
from .indicator_catalogue import Catalogue, catalogue, load_catalogue
from .quality import QualityRules
from .schemas import validate
from .spec import Indicator
from .survey import SurveyDesign

__version__ = "0.1.0"

__all__ = [
    "RESULT_COLUMNS",
    "Catalogue",
    "ColumnNotFoundError",
    "DataValidationError",
    "DesignError",
    "EstimationInputError",
    "Filter",
    "FilterError",
    "HarmonisationError",
    "Indicator",
    "IndicatorInputError",
    "LonelyPSUError",
    "MhrError",
    "QualityRules",
    "SpecError",
    "SurveyDesign",
    "__version__",
    "catalogue",
    "compute",
    "coverage",
    "harmonise",
    "load_catalogue",
    "load_example",
    "parse_filter",
    "validate",
]
