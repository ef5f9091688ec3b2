"""Read UN DESA *International Migrant Stock* workbooks into tidy tables, with a quality report.

Two layouts are read, found from the workbook's own labels rather than from fixed positions:

- *International Migrant Stock 2019* (``UN_MigrantStockTotal_2019.xlsx``): the header row holds
  ``Code``, ``Type of data (a)`` and the block labels ("... (both sexes)", "(male)",
  "(female)"); the years are on the row below; heading rows without a code ("Geographic
  regions", ...) separate the groupings.
- *International Migrant Stock 2020: Destination*
  (``undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx``): the header row holds
  ``Location code``, ``Type of data`` and the years; the block labels ("..., both sexes
  combined", "males", "females") sit a few rows above it; area names carry a ``*`` footnote mark.

Each sheet ``Table 1`` ... ``Table 6`` is located by its header row (a ``Code`` or ``Location
code`` column and a column naming the "country or area"), its row of years or periods, and the
row of block labels above the year columns. Every label must name the sheet's measure and, for
the tables by sex, exactly one of both sexes, males, females; anything else stops the reader with
an error naming the file, sheet, row and the label that was not understood.

Tidy output, one row per area, period, sex and measure: ``ref_area`` (ISO 3166-1 alpha-3 for
areas with one, else the M49 code), ``m49``, ``area_name``, ``area_kind`` (``country``,
``world``, ``development_group``, ``income_group``, ``sdg_region``, ``geographic_region``,
``geographic_subregion``; aggregates from the shipped ``data/undesa_groupings.csv``),
``time_period`` (year, or ``"1990-1995"`` for rates of change), ``sex`` (F/M/_T), ``measure``,
``value``, ``data_type`` and ``notes``.

Type of data: DESA's code of the data behind an area's estimates (B foreign-born, C foreign
citizens, R refugees added, I imputed). It is normalised to its letters separated by one space
(``CR`` and ``C R`` are one code, ``B R `` is ``B R``), and kept. Figures based on citizenship (C)
are not comparable with those based on country of birth (B): results computed from them say so in
their ``population`` column.

Cell markers (the workbooks' Notes sheet): ``..`` data not available, ``~`` protected because
the number, or a number it derives from, is below five, ``—`` less than half the unit. Each
becomes a missing value and is listed in the report. Footnote marks (a ``*`` after an area name,
the number or letter in the ``Notes`` column, a letter after a label) are stripped from names and
labels, kept in ``notes`` and listed in the report with the note's text.

Published versus derived figures: Tables 3-6 publish figures derived from Tables 1, 2 and 6.
:func:`read_undesa` recomputes each of them for every area and period and compares them within
the rounding of the published components (counts rounded to whole persons: ``|d(a/b)| <= 0.5/b +
0.5 a/b^2``; the 2020 workbook agrees everywhere to 1e-15). Each disagreement, and each figure the
workbook leaves blank although its components give it, is listed in the report and marked in the
stock table: ``obs_status`` = :data:`INCONSISTENT` (SDMX ``D``, definition differs) on the
numerator's component for that area and year (``stock.stock_table`` says which).
:func:`mhr_indicators.compute` then withholds, flagged ``D``, every figure that combines a marked
row with an unmarked one, and flags ``D`` those computed from marked rows alone; so a migrant stock
of 295% of the population is never published. The 2019 workbook's cases: Table 3 for Bonaire,
Sint Eustatius and Saba, Sudan and Serbia in 1990-2005 (the workbook's notes: the stock refers to
the former Netherlands Antilles, to Sudan and South Sudan, to Serbia and Montenegro; the
population to the present area) and hence Table 5 across 2005-2010; Table 4 and 6 publish shares
for Sint Maarten 2005 whose stock is ".."; Table 6 leaves blank the refugee share of the State of
Palestine (315-873%: "refugees are not part of the foreign-born migrant stock"), as does the 2020
workbook, whose other published figures all agree.

Modules, one job each: ``spec`` (sheets, measures, markers, type-of-data letters, DESA's
aggregates), ``cells`` (one cell: figure, marker, period, type-of-data code), ``layout`` (a sheet's
header, year row, block labels and the (measure, sex) of its columns), ``tables`` (a sheet into
tidy rows and its findings), ``checks`` (published Tables 3-6 against their derivation),
``stock`` (the stock table and its ``obs_status`` marks), ``workbook`` (:func:`read_undesa`,
:func:`read_undesa_table`, :func:`read_undesa_stock`, :class:`UndesaWorkbook`).

Source: United Nations, Department of Economic and Social Affairs, Population Division,
International Migrant Stock (CC BY 3.0 IGO).
"""

from __future__ import annotations

from .checks import check_published
from .spec import INCONSISTENT, SHEETS, TABLE_MEASURES, undesa_groupings
from .workbook import UndesaWorkbook, read_undesa, read_undesa_stock, read_undesa_table

__all__ = [
    "INCONSISTENT",
    "SHEETS",
    "TABLE_MEASURES",
    "UndesaWorkbook",
    "check_published",
    "read_undesa",
    "read_undesa_stock",
    "read_undesa_table",
    "undesa_groupings",
]
