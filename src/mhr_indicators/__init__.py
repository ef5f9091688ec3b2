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

from .catalogue.coverage import coverage
from .catalogue.load import Catalogue, catalogue, load_catalogue
from .catalogue.spec import Indicator
from .engine.compute import RESULT_COLUMNS, compute
from .engine.quality import QualityRules
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
from .io.datasets import load_example
from .prepare.harmonise import harmonise
from .prepare.schemas import validate
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
