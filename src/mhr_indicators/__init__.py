"""mhr_indicators: measure the human rights of migrants with design-based survey estimates.

The public API: :class:`SurveyDesign` (estimation with sampling error, R ``survey`` conventions),
the filter grammar (:func:`parse_filter`), the example data (:func:`load_example`) and the
library's error types.
"""

from .datasets import load_example
from .errors import (
    ColumnNotFoundError,
    DesignError,
    EstimationInputError,
    FilterError,
    LonelyPSUError,
    MhrError,
)
from .filters import Filter, parse_filter
from .survey import SurveyDesign

__version__ = "0.1.0"

__all__ = [
    "ColumnNotFoundError",
    "DesignError",
    "EstimationInputError",
    "Filter",
    "FilterError",
    "LonelyPSUError",
    "MhrError",
    "SurveyDesign",
    "__version__",
    "load_example",
    "parse_filter",
]
