"""Exporting the store as a Parquet lake: facts partitioned by year, entities and targets beside them.

The lake's layout (read back by :func:`guozi.engine.backends.read_facts_dir`, by Spark, DuckDB,
Trino or pandas)::

    DIR/guozi-lake.json                 the manifest, written last: the lake is complete
    DIR/entities.parquet                every entity row (validity intervals), contract columns, text
    DIR/targets.parquet                 the current targets
    DIR/facts/year=2024/part-0.parquet  entity_id, period 'YYYY-MM', item,
    DIR/facts/year=2025/part-0.parquet  value decimal(22, 4) in yuan (or persons), unit 元 | 人

Facts are the current version of each (entity, period, item), in the contract's columns
(§2) with the canonical unit, so the lake is data a user can read without guozi. It is written
into a temporary folder beside ``DIR`` and moved into place, so an interrupted export leaves
the previous lake (or nothing) as it was.
"""

from __future__ import annotations

import json
import math
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import ibis
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from guozi.engine.backends import LAKE_FORMAT, LAKE_MANIFEST, LAKE_VERSION, VALUE_TYPE
from guozi.kernel.errors import GuoziError
from guozi.kernel.units import STORE_SCALE, VALUE_PRECISION

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

    from guozi.catalog.model import Catalog
    from guozi.store.base import Store

FORMATS = ("parquet",)
FACTS_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("period", pa.string()),
        ("item", pa.string()),
        ("value", pa.decimal128(VALUE_PRECISION, STORE_SCALE)),  # VALUE_TYPE: up to 10^16 yuan
        ("unit", pa.string()),
        ("year", pa.int32()),
    ]
)


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote."""

    output: Path
    facts: int
    entities: int
    targets: int
    periods: tuple[str, ...]
    files: int


def _public_url(url: str) -> str:
    """A store URL without its password, for the manifest."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def lake_facts(facts: ir.Table, catalog: Catalog) -> ir.Table:
    """The engine's facts (period ``YYYYMM``) in the lake's columns, ordered by period, entity and item."""
    persons = {code: "人" for code, item in catalog.items.items() if item.unit == "人"}
    unit = facts.item.substitute(persons, else_="元") if persons else ibis.literal("元")
    year = (facts.period // 100).cast("int32")
    month = (facts.period % 100).cast("int32")
    text = year.cast("string") + "-" + month.cast("string").lpad(2, "0")
    out = facts.select(
        entity_id=facts.entity_id,
        period=text,
        item=facts.item,
        value=facts.value.cast(VALUE_TYPE),
        unit=unit,
        year=year,
    )
    return out.order_by(["period", "entity_id", "item"])


def _text_table(frame: pd.DataFrame) -> pa.Table:
    """A frame with every column as text (``None`` kept), as entity rows are."""
    columns = {str(c): pa.array([None if _blank(v) else str(v) for v in frame[c]], pa.string()) for c in frame.columns}
    return pa.table(columns)


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _check_output(output: Path, overwrite: bool) -> None:
    if not output.exists():
        return
    if not output.is_dir():
        raise GuoziError(f"--output 应为文件夹，{output} 是文件", f"--output must be a folder; {output} is a file")
    if not any(output.iterdir()):
        return
    if not (output / LAKE_MANIFEST).is_file():
        raise GuoziError(
            f"{output} 不是空文件夹，也不是 guozi 导出的湖：为免覆盖他人文件，请换一个文件夹",
            f"{output} is neither empty nor a lake written by guozi export: choose another folder, so nothing else is overwritten",
        )
    if not overwrite:
        raise GuoziError(
            f"{output} 已有导出的湖；加 --overwrite 替换它",
            f"{output} already holds a lake; add --overwrite to replace it",
        )


def write_lake(
    facts: ir.Table,
    entities: pd.DataFrame,
    output: Path,
    *,
    catalog: Catalog,
    targets: pd.DataFrame | None = None,
    source: str = "",
    overwrite: bool = False,
    max_rows_per_file: int = 10_000_000,
) -> ExportReport:
    """Write ``facts`` (the engine's columns) and ``entities`` as a lake at ``output``.

    The facts are streamed from the backend batch by batch (no more than a batch in memory).
    """
    output = Path(output)
    _check_output(output, overwrite)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.parent / f".{output.name}.tmp-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        periods: set[str] = set()
        counter = {"rows": 0}
        reader = lake_facts(facts, catalog).to_pyarrow_batches(chunk_size=1_000_000)

        def batches() -> Iterator[pa.RecordBatch]:
            for batch in reader:
                b = batch.cast(FACTS_SCHEMA) if batch.schema != FACTS_SCHEMA else batch
                counter["rows"] += b.num_rows
                periods.update(pa.compute.unique(b.column("period")).to_pylist())
                yield b

        written: list[str] = []
        ds.write_dataset(
            pa.RecordBatchReader.from_batches(FACTS_SCHEMA, batches()),
            staging / "facts",
            format="parquet",
            partitioning=ds.partitioning(pa.schema([("year", pa.int32())]), flavor="hive"),
            basename_template="part-{i}.parquet",
            max_rows_per_file=max_rows_per_file,
            max_rows_per_group=min(max_rows_per_file, 1_000_000),
            file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
            file_visitor=lambda f: written.append(f.path),
        )
        pq.write_table(_text_table(entities), staging / "entities.parquet", compression="zstd")
        n_targets = 0
        if targets is not None:
            pq.write_table(pa.Table.from_pandas(targets, preserve_index=False), staging / "targets.parquet")
            n_targets = len(targets)
        ordered = tuple(sorted(periods))
        manifest: dict[str, Any] = {
            "format": LAKE_FORMAT,
            "version": LAKE_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": _public_url(source),
            "facts": counter["rows"],
            "entities": len(entities),
            "targets": n_targets,
            "periods": list(ordered),
            "years": sorted({int(p[:4]) for p in ordered}),
            "value": f"{VALUE_TYPE}: yuan for money, persons for head counts (the unit column)",
            "layout": "facts/year=YYYY/*.parquet (hive partitions), entities.parquet, targets.parquet",
        }
        (staging / LAKE_MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportReport(output, counter["rows"], len(entities), n_targets, ordered, len(written) + 2)


def _swap(staging: Path, output: Path) -> None:
    """Move the finished lake into place; the old one (if any) goes only after."""
    if output.exists():
        old = output.parent / f".{output.name}.old-{uuid.uuid4().hex[:8]}"
        output.rename(old)
        staging.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(output)


def export_parquet(store: Store, catalog: Catalog, output: Path, *, overwrite: bool = False) -> ExportReport:
    """Export the store's current facts, entities and targets as a Parquet lake at ``output`` (one unit of work)."""
    with store.lock:
        return write_lake(
            store.facts(),
            store.entities(),
            output,
            catalog=catalog,
            targets=store.targets(),
            source=store.url,
            overwrite=overwrite,
        )
