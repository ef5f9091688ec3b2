"""Design-based estimation for complex survey samples (R ``survey`` conventions)."""

from .design import SurveyDesign
from .estimate import RESULT_COLUMNS, CellEstimate

__all__ = ["RESULT_COLUMNS", "CellEstimate", "SurveyDesign"]
