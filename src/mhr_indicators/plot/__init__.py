"""Country profiles and charts from results: what people look at.

Plots read results (a :class:`~mhr_indicators.Results`, a results table, or a written results
file) and the catalogue's metadata; they never recompute an estimate.

- :func:`country_profile` — one A4 page per area: header, context, commitments, outcomes,
  breakdowns, what has no data, and the vintages; :func:`save_profiles` writes many pages (a
  multi-page PDF, or one file per area), :func:`save_figure` one.
- :func:`gap_chart`, :func:`trend`, :func:`compare_areas`, :func:`disaggregation_chart` —
  single charts for notebooks (each accepts ``ax=`` and returns the axes).
- :mod:`~mhr_indicators.plot.style` — the one style (Okabe–Ito colours, markers, sizes;
  :func:`use_style`); :func:`layout_problems` — overlapping, clipped or too small text.
"""

from .charts import disaggregation_chart, gap_chart, trend
from .checks import layout_problems
from .compare import compare_areas
from .output import save_figure, save_profiles
from .profile import HEADLINE_OUTCOMES, country_profile
from .style import use_style

__all__ = [
    "HEADLINE_OUTCOMES",
    "compare_areas",
    "country_profile",
    "disaggregation_chart",
    "gap_chart",
    "layout_problems",
    "save_figure",
    "save_profiles",
    "trend",
    "use_style",
]
