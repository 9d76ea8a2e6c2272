"""Helpers shared by the analyses: exact numbers from panel values, and frames of Python values.

Each analysis (targets, loss-makers, warnings, EVA, benchmarks) stands on its own; what more than
one of them needs lives here, below all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from guozi.analyses.source import Source
from guozi.kernel.errors import NotFoundError
from guozi.kernel.periods import Period
from guozi.tree import Tree

__all__ = ["in_subtree", "object_frame", "selected_entities", "to_decimal"]


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


def texts(column: pd.Series) -> np.ndarray[Any, np.dtype[np.object_]]:
    """A column as Python texts by whole column (``astype(str)`` would make pandas' string dtype and
    read it back one value at a time)."""
    out: np.ndarray[Any, np.dtype[np.object_]] = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(out, skipna=False) in ("string", "empty"):
        return out
    return np.array([str(v) for v in out.tolist()], dtype=object)


def object_frame(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of ``records`` whose columns keep Python values (None stays None, Decimal stays Decimal)."""
    return pd.DataFrame({c: pd.Series([r.get(c) for r in records], dtype=object) for c in columns})


# the warnings and EVA: the entities checked


def selected_entities(source: Source, period: Period, entity: str | None, subtree: bool) -> pd.DataFrame:
    """The tree's nodes valid in ``period``: all, or ``entity`` (and, with ``subtree``, below it)."""
    tree = source.tree()
    nodes = tree.at(period)
    if entity is None:
        return nodes
    if entity not in set(tree.nodes.entity_id):
        raise NotFoundError(f"未知企业：{entity}", f"unknown entity: {entity}")
    return nodes[in_subtree(tree, nodes, entity, period) if subtree else nodes.entity_id == entity]


def in_subtree(tree: Tree, nodes: pd.DataFrame, entity: str, period: Period) -> pd.Series:
    """Which of ``nodes`` are ``entity`` or below it in ``period`` (the entities of ``tree.subtree``),
    by whole columns: the closure's rows matched as they are, not made a sorted list of texts first
    (100 000 entities: 0.1 of 0.14 s)."""
    c = tree.closure
    code = period.code
    rows = (c.ancestor_id == entity) & (c.from_code <= code) & (c.to_code >= code)
    return nodes.entity_id.isin(c.entity_id[rows.to_numpy(dtype=bool)])
