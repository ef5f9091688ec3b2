"""Readers for real published sources: UN DESA migrant stock, treaty ratification status."""

from .m49 import m49_to_iso3
from .treaties import read_treaty_status
from .undesa import read_undesa_stock, read_undesa_table

__all__ = ["m49_to_iso3", "read_treaty_status", "read_undesa_stock", "read_undesa_table"]
