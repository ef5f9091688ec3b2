"""What a DESA migrant-stock workbook holds: its sheets, the measures of each and the words of
their block labels, the cell markers, the type-of-data letters, and DESA's aggregates.

The layout these constants describe is in the package docstring (``sources/undesa/__init__.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

#: Sheets of a migrant-stock workbook, in order.
SHEETS = ("Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Table 6")

#: Value of ``obs_status`` on a stock-table row whose figure the workbook's own published
#: derivations contradict (another population or territory base): SDMX ``OBS_STATUS`` ``D``,
#: "definition differs". :func:`mhr_indicators.compute` withholds what combines it with
#: unmarked rows.
INCONSISTENT = "D"


@dataclass(frozen=True)
class TableSpec:
    """What one sheet holds.

    Attributes
    ----------
    measures : tuple of (str, str)
        Each measure of the sheet and the regular expression its block label must match (the
        first match wins, so a more specific pattern comes first).
    by_sex : bool
        Whether the sheet has one block per sex (both sexes, males, females).
    thousands : bool
        Whether the figures are published in thousands (converted to persons on reading).
    """

    measures: tuple[tuple[str, str], ...]
    by_sex: bool
    thousands: bool = False


#: The sheets and what each holds.
TABLES = {
    "Table 1": TableSpec((("migrant_stock", r"migrant stock"),), by_sex=True),
    "Table 2": TableSpec((("population", r"total\s+(\w+\s+)?population"),), True, True),
    "Table 3": TableSpec(
        (("migrant_stock_pct_population", r"percentage of the total population"),), by_sex=True
    ),
    "Table 4": TableSpec(
        (("female_pct_migrant_stock", r"female migrants as a percentage"),), by_sex=False
    ),
    "Table 5": TableSpec(
        (("migrant_stock_annual_rate_of_change", r"rate of change of the migrant stock"),),
        by_sex=True,
    ),
    "Table 6": TableSpec(
        (
            ("refugees_annual_rate_of_change", r"rate of change of the refugee"),
            ("refugees_pct_migrant_stock", r"refugee.*as a percentage of the"),
            ("refugees", r"refugee"),
        ),
        by_sex=False,
    ),
}

#: Measures of each table (public, for documentation and tests).
TABLE_MEASURES = {name: [m for m, _ in spec.measures] for name, spec in TABLES.items()}

#: Words of a block label naming its sex, and the sex code each gives.
SEX_WORDS = ((r"both\s+sexes", "_T"), (r"\bfemales?\b", "F"), (r"\bmales?\b", "M"))

#: Cell markers of the workbooks' Notes sheet, with the text the report gives them.
MARKERS = {
    "..": "'..' (data not available or not reported separately)",
    "~": "'~' (protected: the number, or a number it derives from, is below five)",
    "\u2014": "'\u2014' (magnitude not zero but less than half the unit)",
}

#: Letters of a type-of-data code: B foreign-born, C foreign citizens, R refugees added,
#: I imputed.
TYPE_LETTERS = set("BCRI")

#: Columns of the data-quality report.
REPORT_COLUMNS = ["file", "sheet", "row", "column", "m49", "area", "problem", "resolution"]


@lru_cache(maxsize=1)
def undesa_groupings() -> pd.DataFrame:
    """DESA's aggregates (M49 code 900 and above): ``m49``, ``name``, ``kind``, ``note``.

    Shipped in ``data/undesa_groupings.csv``, compiled from the 2019 workbook's grouping headings
    and the 2020 workbook's list (see ``data/README.md``).
    """
    with resources.files("mhr_indicators").joinpath("data/undesa_groupings.csv").open() as fh:
        table = pd.read_csv(fh, dtype={"name": str, "kind": str, "note": str})
    table["m49"] = table["m49"].astype(int)
    return table
