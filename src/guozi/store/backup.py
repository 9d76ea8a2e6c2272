"""Backup and restore of a whole store, whichever its kind: a portable archive of Parquet files.

An archive is a folder (or the same files in a ``.tar``) holding one Parquet file per table of
the store (every version of every figure, the submissions with their ids and times, review
steps, account versions, the audit log, explanations, targets, entity rows with their extra
columns, and the store's flags) and ``manifest.json``: the format, the store's schema version,
and each file's row count and sha256. Restoring checks every hash, then loads the tables into
an *empty* store in one transaction and moves its id sequences past the restored ids, so a
DuckDB file and a PostgreSQL database restored from the same archive hold the same rows.

The tables are read through the store's Ibis backend, so any store with these tables can be
backed up; restoring writes with the store's own bulk loader (DuckDB's Arrow scan, PostgreSQL's
``COPY``).
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from guozi import __version__
from guozi.kernel.errors import GuoziError, NotFoundError
from guozi.kernel.files import file_hash
from guozi.store.base import Store
from guozi.store.schema import BY_NAME, SCHEMA_VERSION, SEQUENCES, TABLES, arrow_schema
from guozi.store.sql import quote_identifier

if TYPE_CHECKING:
    from guozi.store.duckdb import DuckDBStore

FORMAT = "guozi-backup"
VERSION = 1
# older archives restored as well: 3 differs only in facts.value, decimal(18, 4), widened losslessly;
# 3 and 4 lack what schema 5 added (entity_rows.report_type, intercompany, period_events), 3 to 5 what
# schema 6 added (notices): restored empty
READABLE_SCHEMAS = (3, 4, 5, SCHEMA_VERSION)
MANIFEST = "manifest.json"
# every table, in restore order, with its columns' types (entity_rows: plus its extra text columns)
SCHEMAS: dict[str, pa.Schema] = {t.name: arrow_schema(t.name) for t in TABLES}
# the order rows are archived in: by id, else by every column (lists excepted)
ORDER: dict[str, tuple[str, ...]] = {"meta": ("key",), "user_versions": ("id",)}


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore moved: rows per table, and the archive."""

    archive: Path
    rows: dict[str, int]
    schema_version: int


def schema_of(table: str, columns: list[str]) -> pa.Schema:
    """The archive's types of ``table``: the fixed columns, and text for entity_rows' extra ones."""
    return arrow_schema(table, columns)


def dump_tables(store: Store) -> dict[str, pa.Table]:
    """Every table of ``store``, in the archive's types and row order (read in one unit of work)."""
    out: dict[str, pa.Table] = {}
    with store.lock:
        raws: dict[str, pa.Table] = {name: store.backend().table(name).to_pyarrow() for name in SCHEMAS}
    for name, raw in raws.items():
        schema = schema_of(name, raw.column_names)
        table = raw.select(schema.names).cast(schema)
        keys = ORDER.get(name) or (("id",) if "id" in schema.names else tuple(schema.names))
        out[name] = table.sort_by([(k, "ascending") for k in keys])
    return out


def backup(store: Store, output: Path, *, overwrite: bool = False) -> BackupReport:
    """Write every table of ``store`` to the archive ``output`` (a ``.tar`` file, else a folder)."""
    if output.exists() and not overwrite:
        raise GuoziError(
            f"{output} 已存在；换一个名字，或加 --overwrite 覆盖",
            f"{output} already exists; choose another name or add --overwrite",
        )
    tables = dump_tables(store)
    with tempfile.TemporaryDirectory(prefix="guozi-backup-", dir=output.parent) as tmp:
        folder = Path(tmp) / "archive"
        folder.mkdir()
        files: dict[str, Any] = {}
        for name, table in tables.items():
            path = folder / f"{name}.parquet"
            pq.write_table(table, path, compression="zstd")
            files[name] = {"file": path.name, "rows": table.num_rows, "sha256": file_hash(path)}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "schema_version": SCHEMA_VERSION,
            "guozi": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": store.url,
            "tables": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        staged = Path(tmp) / "out"
        if output.suffix == ".tar":
            with tarfile.open(staged, "w") as tar:
                for path in sorted(folder.iterdir()):
                    tar.add(path, arcname=path.name)
        else:
            folder.rename(staged)
        if output.exists():
            shutil.rmtree(output) if output.is_dir() else output.unlink()
        staged.rename(output)
    return BackupReport(output, {n: t.num_rows for n, t in tables.items()}, SCHEMA_VERSION)


@contextmanager
def _opened(archive: Path) -> Iterator[Path]:
    """The archive's folder (a ``.tar`` is unpacked to a temporary one)."""
    if archive.is_dir():
        yield archive
        return
    if not archive.is_file():
        raise NotFoundError(f"备份不存在：{archive}", f"no such backup: {archive}")
    with tempfile.TemporaryDirectory(prefix="guozi-restore-") as tmp:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
        except tarfile.TarError as exc:
            raise GuoziError(f"{archive} 不是 guozi 备份：{exc}", f"{archive} is not a guozi backup: {exc}") from None
        yield Path(tmp)


def read_archive(archive: Path) -> tuple[dict[str, Any], dict[str, pa.Table]]:
    """The manifest and tables of an archive, every file's hash checked."""
    with _opened(archive) as folder:
        path = folder / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GuoziError(
                f"{archive} 不是 guozi 备份（{MANIFEST} 无法读取：{exc}）",
                f"{archive} is not a guozi backup ({MANIFEST} unreadable: {exc})",
            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise GuoziError(
                f"{archive} 不是本版本 guozi 能读取的备份（format {FORMAT}，version {VERSION}）",
                f"{archive} is not a backup this guozi can read (format {FORMAT}, version {VERSION})",
            )
        if manifest.get("schema_version") not in READABLE_SCHEMAS:
            raise GuoziError(
                f"备份的存储结构版本为 {manifest.get('schema_version')}，本版本 guozi 为 {SCHEMA_VERSION}",
                f"the backup's store schema is version {manifest.get('schema_version')}, this guozi's is {SCHEMA_VERSION}",
            )
        tables: dict[str, pa.Table] = {}
        made = int(manifest["schema_version"])
        for name, schema in SCHEMAS.items():
            entry = manifest.get("tables", {}).get(name)
            if BY_NAME[name].since > made and entry is None:  # a table newer than the archive: restored empty
                tables[name] = schema.empty_table()
                continue
            file = folder / str(entry["file"]) if isinstance(entry, dict) else None
            if file is None or not file.is_file():
                raise GuoziError(f"备份缺少表 {name}", f"the backup lacks the table {name}")
            found = file_hash(file)
            if found != entry["sha256"]:
                raise GuoziError(
                    f"备份文件 {file.name} 已损坏：sha256 应为 {entry['sha256']}，实为 {found}",
                    f"the backup file {file.name} is damaged: sha256 expected {entry['sha256']}, found {found}",
                )
            tables[name] = _conform(name, pq.read_table(file), file.name, made)
    return manifest, tables


def _conform(name: str, table: pa.Table, file: str, made: int = SCHEMA_VERSION) -> pa.Table:
    """``table`` in the archive's columns and types; refused if a column is missing or foreign.

    Only entity_rows may hold columns beyond :data:`SCHEMAS` (the entity attributes, text; their
    names are checked again when they are added to the store). A column newer than the archive's
    schema ``made`` is added, null (or its default).
    """
    fixed = SCHEMAS[name]
    for c in BY_NAME[name].columns:
        if c.since > made and c.name not in table.column_names:
            value = None if c.default is None else c.default.strip("'")
            table = table.append_column(c.name, pa.array([value] * table.num_rows, fixed.field(c.name).type))
    missing = [c for c in fixed.names if c not in table.column_names]
    extra = [c for c in table.column_names if c not in fixed.names]
    if missing or (extra and name != "entity_rows") or len(set(table.column_names)) != table.num_columns:
        raise GuoziError(
            f"备份文件 {file} 的列不符：应为 {fixed.names}，实为 {table.column_names}",
            f"the backup file {file} has the wrong columns: expected {fixed.names}, found {table.column_names}",
        )
    schema = schema_of(name, table.column_names)
    try:
        return table.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise GuoziError(
            f"备份文件 {file} 的数据类型不符：{exc}", f"the backup file {file} has the wrong types: {exc}"
        ) from None


def restore(archive: Path, store: Store) -> BackupReport:
    """Load the archive into ``store``, which must be empty (no submissions, accounts or audit entries)."""
    _, tables = read_archive(archive)
    if store.submissions() or store.users() or store.audit_log(limit=1) or store.period_events():
        raise GuoziError(
            f"只能恢复到空存储：{store.url} 已有数据",
            f"a backup is restored into an empty store only: {store.url} holds data",
        )
    next_ids = {seq: _next_id(tables[table]) for seq, table in SEQUENCES.items()}
    meta = tables["meta"]  # the store keeps its own schema version (an older archive's tables are upgraded)
    tables = {**tables, "meta": meta.filter(pc.not_equal(meta.column("key"), "schema_version"))}
    # the backend is the store's kind, as open_store chose it by URL: a DuckDB restore loads no PostgreSQL driver
    from guozi.store.duckdb import DuckDBStore  # noqa: PLC0415
    from guozi.store.postgres import PostgresStore  # noqa: PLC0415

    if isinstance(store, PostgresStore):
        store.load_tables(tables, next_ids)
    elif isinstance(store, DuckDBStore):
        _load_duckdb(store, tables, next_ids)
    else:
        raise GuoziError(f"无法恢复到此类存储：{store.url}", f"cannot restore into this kind of store: {store.url}")
    return BackupReport(archive, {n: t.num_rows for n, t in tables.items()}, SCHEMA_VERSION)


def _next_id(table: pa.Table) -> int:
    top = pc.max(table.column("id")).as_py() if table.num_rows else None
    return 1 if top is None else int(top) + 1


def _load_duckdb(store: DuckDBStore, tables: Mapping[str, pa.Table], next_ids: Mapping[str, int]) -> None:
    """Load the tables into an empty DuckDB store in one transaction (its connection, Arrow scans).

    Column names reach the SQL only checked (the archive's tables were conformed to
    :data:`SCHEMAS` on reading, entity attributes by :func:`~guozi.store.sql.attribute_columns`)
    and quoted; table and sequence names are guozi's own.
    """
    with store.atomic():
        con = store.backend().con
        attrs = [c for c in tables["entity_rows"].column_names if c != "submission_id"]
        store.add_entity_columns(attrs, file="entity_rows.parquet")
        for name, table in tables.items():
            if name == "entity_rows":
                store.insert_entity_rows(table, table.column_names)
                continue
            con.register("restored", table)
            try:
                cols = ", ".join(quote_identifier(c) for c in table.column_names)
                verb = "insert or replace" if name == "meta" else "insert"
                con.execute(f"{verb} into {quote_identifier(name)} ({cols}) select {cols} from restored")
            finally:
                con.unregister("restored")
        for seq, start in next_ids.items():
            con.execute(f"create or replace sequence {quote_identifier(seq)} start {int(start)}")
