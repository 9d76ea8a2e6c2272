"""The catalogue: items, indicators, regimes and rules, read from versioned data files."""

from __future__ import annotations

from guozi.catalog.files import data_path
from guozi.catalog.load import load_catalog
from guozi.catalog.model import Catalog, Clause, Indicator, Item, Regime

__all__ = ["Catalog", "Clause", "Indicator", "Item", "Regime", "data_path", "load_catalog"]
