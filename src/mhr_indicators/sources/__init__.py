"""Readers for real published sources (UN DESA migrant stock, treaty ratification status) and
the reference areas of the results table (countries, ISO 3166-2 subdivisions, M49 regions)."""

from .areas import Area, area, area_table, country_of
from .m49 import m49_to_iso3
from .treaties import read_treaty_status
from .undesa import UndesaWorkbook, read_undesa, read_undesa_stock, read_undesa_table

__all__ = [
    "Area",
    "UndesaWorkbook",
    "area",
    "area_table",
    "country_of",
    "m49_to_iso3",
    "read_treaty_status",
    "read_undesa",
    "read_undesa_stock",
    "read_undesa_table",
]
