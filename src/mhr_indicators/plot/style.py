"""The one look of every chart and profile page: colours, markers, fonts, sizes and unit labels.

Built for print on A4 and for readers with a colour-vision deficiency:

- colours from the Okabe–Ito palette (matplotlib's default ``tab10`` is not colour-blind safe);
  a chart uses at most five hues, and never a red/green pair;
- the migrant and the reference group differ by marker shape (circle, square) as well as by
  colour, and their colours differ in lightness, so that they stay apart in greyscale;
- a flagged estimate (low reliability, ``U``; for review, ``R``; no standard error, ``N``;
  definition differs, ``D``) is drawn hollow, with a dashed interval: distinct in greyscale too;
  a suppressed estimate is never drawn (the word "suppressed" is printed instead);
- DejaVu Sans (shipped with matplotlib, so pages render the same everywhere), 8 pt text and
  7 pt tick labels at the least, as a printed A4 page needs.

Every drawing function of :mod:`mhr_indicators.plot` runs inside :func:`use_style`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl

#: The Okabe–Ito palette (Okabe & Ito 2008), by name.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
#: Colour of the migrant group (dark: stays apart from the reference group in greyscale).
MIGRANT_COLOUR = OKABE_ITO["blue"]
#: Colour of the reference group.
REFERENCE_COLOUR = OKABE_ITO["orange"]
#: Colour of comparisons (gaps, ratios) and of single series.
NEUTRAL_COLOUR = OKABE_ITO["black"]
#: Colour of connecting lines, zero lines and rules.
RULE_COLOUR = "#8C8C8C"
#: Colour of secondary text (notes, "no data").
MUTED_COLOUR = "#4D4D4D"

#: Marker of each role: the migrant group, the reference group, a comparison or single series.
MARKERS: dict[str, str] = {"migrant": "o", "reference": "s", "comparison": "D", "single": "o"}
COLOURS: dict[str, str] = {
    "migrant": MIGRANT_COLOUR,
    "reference": REFERENCE_COLOUR,
    "comparison": NEUTRAL_COLOUR,
    "single": NEUTRAL_COLOUR,
}

#: Smallest font sizes allowed on a page (points): tick labels, and every other text.
MIN_TICK_PT = 7.0
MIN_TEXT_PT = 8.0
#: Font sizes (points).
SIZES: dict[str, float] = {
    "title": 13.0,
    "subtitle": 9.0,
    "panel": 9.0,
    "text": 8.0,
    "tick": 7.0,
}
#: Line height as a multiple of the font size.
LINE_SPACING = 1.2
#: A4 portrait, in millimetres, and the smallest page margin.
A4_MM = (210.0, 297.0)
MARGIN_MM = 11.0
MM_PER_INCH = 25.4

#: Reliability flags of the results table and the words the legends use for them.
FLAG_MEANINGS: dict[str, str] = {
    "U": "low reliability, use with caution",
    "R": "flagged for statistical review",
    "N": "no standard error: interval unknown",
    "D": "definition differs, see the source",
}
#: What "suppressed" means in legends.
SUPPRESSED_MEANING = "withheld, too few cases or too unreliable"

#: matplotlib settings of every chart and page.
RC_PARAMS: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": SIZES["text"],
    "axes.titlesize": SIZES["panel"],
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": SIZES["text"],
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#333333",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": mpl.cycler(
        color=[MIGRANT_COLOUR, REFERENCE_COLOUR, NEUTRAL_COLOUR, OKABE_ITO["reddish_purple"]]
    ),
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.5,
    "xtick.labelsize": SIZES["tick"],
    "ytick.labelsize": SIZES["tick"],
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": SIZES["text"],
    "legend.frameon": False,
    "lines.linewidth": 1.0,
    "lines.markersize": 5.0,
    "errorbar.capsize": 0.0,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "axes.unicode_minus": True,
}


@contextmanager
def use_style() -> Iterator[None]:
    """Draw with the library's style (a :func:`matplotlib.rc_context` of :data:`RC_PARAMS`).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with use_style():
    ...     fig, ax = plt.subplots()
    """
    with mpl.rc_context(RC_PARAMS):
        yield


def mm(value: float) -> float:
    """Millimetres in inches."""
    return value / MM_PER_INCH


def estimate_style(role: str, flagged: bool) -> dict[str, Any]:
    """Keyword arguments of ``Axes.errorbar`` for one estimate.

    Parameters
    ----------
    role : {"migrant", "reference", "comparison", "single"}
        Which group the estimate describes: decides the colour and the marker.
    flagged : bool
        A flagged estimate is hollow (white face) with a dashed interval.
    """
    colour = COLOURS.get(role, NEUTRAL_COLOUR)
    return {
        "fmt": MARKERS.get(role, "o"),
        "color": colour,
        "ecolor": colour,
        "markeredgecolor": colour,
        "markerfacecolor": "white" if flagged else colour,
        "markeredgewidth": 1.1,
        "markersize": 5.0,
        "elinewidth": 1.0,
        "linestyle": "none",
    }


# --- units ----------------------------------------------------------------------------------
_UNIT_AXIS: dict[str, str] = {
    "percent": "Percent (%)",
    "percentage_points": "Percentage points (pp)",
    "percent_per_year": "Percent per year (%/yr)",
    "per_100000": "Rate per 100,000",
    "per_1000": "Rate per 1,000",
    "currency_per_month": "Currency units per month",
    "currency_per_hour": "Currency units per hour",
    "ratio": "Ratio",
    "yes_no": "Yes (1) / no (0)",
    "count": "Count (number)",
    "years": "Years",
    "hours_per_week": "Hours per week",
    "days": "Days",
}
_UNIT_SHORT: dict[str, str] = {
    "percent": "%",
    "percentage_points": " pp",
    "percent_per_year": "%/yr",
    "per_100000": " per 100,000",
    "per_1000": " per 1,000",
    "currency_per_month": " per month",
    "currency_per_hour": " per hour",
    "ratio": "",
    "count": "",
    "years": " years",
    "hours_per_week": " h/week",
    "days": " days",
}


def unit_label(unit: str | None) -> str:
    """Axis title of a unit of the results table (``percent`` -> ``"Percent (%)"``); unknown
    units are shown as written, never dropped."""
    if not unit:
        return "Unit not stated"
    return _UNIT_AXIS.get(str(unit), str(unit).replace("_", " ").capitalize())


def format_value(
    value: float, unit: str | None, *, signed: bool = False, suffix: bool = True
) -> str:
    """A value with its unit for a label: ``12.3%``, ``-4.1 pp``, ``0.87``, ``1,234 per month``.

    Parameters
    ----------
    value : float
        The number (a missing value gives ``"n/a"``).
    unit : str
        Unit of the results table.
    signed : bool
        Write a plus sign for positive values (for gaps).
    suffix : bool
        Append the unit (``%``, `` pp`` ...); the digits follow the unit either way.
    """
    if value is None or value != value:  # NaN
        return "n/a"
    unit = str(unit or "")
    magnitude = abs(value)
    if unit == "ratio":
        digits = 2
    elif magnitude >= 1000:
        digits = 0
    elif magnitude >= 100 and unit not in ("percent", "percentage_points"):
        digits = 0
    else:
        digits = 1
    sign = "+" if signed and value > 0 else ""
    text = f"{sign}{value:,.{digits}f}".replace("-", "\u2212")
    if not suffix:
        return text
    return text + _UNIT_SHORT.get(unit, f" {unit.replace('_', ' ')}" if unit else "")


__all__ = [
    "A4_MM",
    "COLOURS",
    "FLAG_MEANINGS",
    "LINE_SPACING",
    "MARGIN_MM",
    "MARKERS",
    "MIGRANT_COLOUR",
    "MIN_TEXT_PT",
    "MIN_TICK_PT",
    "MUTED_COLOUR",
    "NEUTRAL_COLOUR",
    "OKABE_ITO",
    "RC_PARAMS",
    "REFERENCE_COLOUR",
    "RULE_COLOUR",
    "SIZES",
    "SUPPRESSED_MEANING",
    "estimate_style",
    "format_value",
    "mm",
    "unit_label",
    "use_style",
]
