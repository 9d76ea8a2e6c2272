"""Helpers shared by the analyses: exact numbers from panel values, and frames of Python values.

Each analysis (targets, loss-makers, warnings, EVA, benchmarks) stands on its own; what more than
one of them needs lives here, below all of them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from guozi.analyses.source import Source
from guozi.catalog import Catalog, data_path, load_catalog
from guozi.catalog.load import SHIPPED
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period

__all__ = ["object_frame", "risk_workspace", "selected_entities", "to_decimal"]


def to_decimal(value: Any) -> Decimal | None:
    """A value as a Decimal (floats by their shortest repr, so 0.1 stays 0.1); None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):  # numpy floats too: repr of the plain float, the shortest round trip
        return None if math.isnan(value) else Decimal(repr(float(value)))
    return Decimal(str(value))


def object_frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of ``records`` whose columns keep Python values (None stays None, Decimal stays Decimal)."""
    return pd.DataFrame({c: pd.Series([r.get(c) for r in records], dtype=object) for c in columns})


# the warnings and EVA: the catalogue with their helper indicators, and the entities checked

RISK_CATALOG = "eva_indicators.yaml"
RISK_INDICATORS = (
    "eva_interest_expense",
    "eva_rd_expense",
    "eva_non_recurring_gain",
    "eva_avg_equity",
    "eva_avg_interest_bearing_debt",
    "eva_avg_construction_in_progress",
    "debt_ratio_opening",
)


def risk_workspace(source: Source) -> Source:
    """``source`` itself when its catalogue holds the helper indicators, else one over the same store.

    The helper catalogue ``eva_indicators.yaml`` is loaded after the shipped files and before the
    user's own files (so a user file can still override a helper's definition).
    """
    if all(code in source.catalog.indicators for code in RISK_INDICATORS):
        return source
    shipped = {str(data_path(n)) for n in SHIPPED}
    files = tuple(Path(f) for f in (str(data_path(RISK_CATALOG)), *source.catalog.files) if f not in shipped)
    return source.with_catalog(_extended_catalog(files, tuple(_version(f) for f in files)))


def _version(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _extended_catalog(files: tuple[Path, ...], versions: tuple[tuple[int, int], ...]) -> Catalog:
    """The shipped catalogue with ``files`` on top; cached by the files' versions (a Catalog is immutable)."""
    del versions  # part of the cache key only
    return load_catalog(list(files))


def selected_entities(source: Source, period: Period, entity: str | None, subtree: bool) -> pd.DataFrame:
    """The tree's nodes valid in ``period``: all, or ``entity`` (and, with ``subtree``, below it)."""
    tree = source.tree()
    nodes = tree.at(period)
    if entity is None:
        return nodes
    if entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    keep = set(tree.subtree(entity, period)) if subtree else {entity}
    return nodes[nodes.entity_id.isin(keep)]
