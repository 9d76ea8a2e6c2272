"""Batches built by hand, as the contract reader hands them to the store (for the store's own tests)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa

from guozi.store.batch import ENTITY_COLUMNS, Batch, SourceFile


def _file(path: Path, kind: str, rows: int) -> SourceFile:
    return SourceFile(path, kind, hashlib.sha256(path.read_bytes()).hexdigest(), rows)  # type: ignore[arg-type]


def entities_batch(folder: Path, attrs: dict[str, str], *, name: str = "entities.csv") -> Batch:
    """One entity ``A`` (甲) with the attribute columns ``attrs`` (heading → value)."""
    path = folder / name
    path.write_text(json.dumps(attrs, ensure_ascii=False), encoding="utf-8")  # only its hash matters
    row: dict[str, object] = dict.fromkeys(ENTITY_COLUMNS)
    row.update({"entity_id": "A", "name": "甲", **attrs, "__row__": 2, "__file__": path.name, "__source__": str(path)})
    return Batch(entities=pd.DataFrame([row]), files=[_file(path, "entities", 1)])


def facts_batch(folder: Path, value: str, *, name: str = "facts.csv", item: str = "cash") -> Batch:
    """A's June 2025 ``item`` of ``value`` yuan."""
    path = folder / name
    path.write_text(f"A,2025-06,{item},{value}\n", encoding="utf-8")
    table = pa.table(
        {
            "source": [str(path)],
            "entity_id": ["A"],
            "period": pa.array([202506], pa.int32()),
            "item": [item],
            "value": pa.array([Decimal(value)], pa.decimal128(22, 4)),
        }
    )
    return Batch(facts=table, files=[_file(path, "facts", 1)])
