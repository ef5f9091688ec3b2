"""The indicator catalogue: what an indicator is (``spec``), loading the YAML (``load``), the
reference pages (``render``) and what a dataset can produce (``coverage``)."""

from __future__ import annotations

import sys
import types
import warnings

from .load import Catalogue, load_catalogue
from .spec import Indicator, Reference

__all__ = ["Catalogue", "Indicator", "Reference", "load_catalogue"]


class _CatalogueModule(types.ModuleType):
    """Keeps ``mhr.load_catalogue()`` of version 0.1 working, with a warning to use the new name."""

    def __call__(self) -> Catalogue:
        warnings.warn(
            "mhr_indicators.load_catalogue() is now mhr_indicators.load_catalogue(); "
            "mhr_indicators.catalogue is the catalogue subpackage",
            FutureWarning,
            stacklevel=2,
        )
        return load_catalogue()


sys.modules[__name__].__class__ = _CatalogueModule
