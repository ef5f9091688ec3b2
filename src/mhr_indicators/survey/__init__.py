"""Design-based estimation for complex survey samples (R ``survey`` conventions).

:class:`SurveyDesign` holds a sample and its design; its estimators return tables, and
:meth:`SurveyDesign.estimate` returns :class:`Estimates` with the cells' joint covariance for
contrasts.
"""

from .cells import distinct_values
from .design import SurveyDesign
from .estimate import RESULT_COLUMNS
from .estimates import Estimates
from .intervals import confidence_interval, proportion_effective_n
from .sums import CellSums

__all__ = [
    "RESULT_COLUMNS",
    "CellSums",
    "Estimates",
    "SurveyDesign",
    "confidence_interval",
    "distinct_values",
    "proportion_effective_n",
]
