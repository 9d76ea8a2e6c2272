"""Backup and restore carry schema 5's rows (intercompany, period events, entity report types), and an
archive made by a schema-4 guozi restores into a schema-5 store: the new tables empty, report_type null.

The store: submission 1, entities G (集团, consolidated) and A (甲, single under G); submission 2,
A's receivable from G of 100 元 in 2025-06; period events 1 (2025-06 opened, deadline 2025-07-10)
and 2 (2025-06 closed).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq

from guozi.catalog import load_catalog
from guozi.kernel.files import file_hash
from guozi.store import Store, open_store
from guozi.store.backup import MANIFEST, backup, dump_tables, restore
from guozi.workspace import Workspace

from .conftest import TODAY, write_text
from .test_schema5 import current_ic, ic_batch


def _fill(store: Store, folder: Path) -> None:
    ws = Workspace(store, load_catalog())
    ws.import_files(
        [
            write_text(
                folder / "entities.csv", "entity_id,name,parent_id,report_type\nG,集团,,consolidated\nA,甲,G,single\n"
            )
        ],
        user="u1",
        today=TODAY,
    )
    store.write(ic_batch(folder, "ic.csv", [("A", "G", 202506, "ic_receivable", "100")]), user="u1")
    store.add_period_event(202506, "open", user="boss", deadline=date(2025, 7, 10))
    store.add_period_event(202506, "close", user="boss")


def test_schema_5_rows_survive_backup_and_restore(store: Store, tmp_path: Path) -> None:
    """``store`` is conftest.py's empty store of each kind; the source is a DuckDB file."""
    folder = tmp_path / "in"
    folder.mkdir()
    source = open_store(f"duckdb:///{tmp_path / 'source.duckdb'}")
    try:
        _fill(source, folder)
        report = backup(source, tmp_path / "b.tar")
        assert (report.rows["intercompany"], report.rows["period_events"], report.schema_version) == (1, 2, 6)
        restore(tmp_path / "b.tar", store)
        a, b = dump_tables(source), dump_tables(store)
        assert all(a[name].equals(b[name]) for name in a)
        assert store.period_events() == source.period_events()
    finally:
        source.close()
    assert current_ic(store) == [("A", "G", 202506, "ic_receivable", Decimal("100.0000"))]
    assert dict(zip(store.entities().entity_id, store.entities().report_type, strict=True)) == {
        "A": "single",
        "G": "consolidated",
    }
    assert store.add_period_event(202507, "open", user="boss").id == 3  # ids continue after the restored ones


def _as_schema_4(archive: Path) -> None:
    """Make a folder archive look as a schema-4 guozi wrote it: no new tables, no report_type."""
    manifest = json.loads((archive / MANIFEST).read_text(encoding="utf-8"))
    for name in ("intercompany", "period_events", "notices"):
        (archive / f"{name}.parquet").unlink()
        del manifest["tables"][name]
    rows = archive / "entity_rows.parquet"
    pq.write_table(pq.read_table(rows).drop_columns(["report_type"]), rows)
    manifest["tables"]["entity_rows"]["sha256"] = file_hash(rows)
    meta = archive / "meta.parquet"
    table = pq.read_table(meta)
    values = [
        "4" if k == "schema_version" else v
        for k, v in zip(table["key"].to_pylist(), table["value"].to_pylist(), strict=True)
    ]
    pq.write_table(table.set_column(1, "value", [values]), meta)
    manifest["tables"]["meta"]["sha256"] = file_hash(meta)
    manifest["schema_version"] = 4
    (archive / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_schema_4_archive_restores_into_a_schema_5_store(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    source = open_store(f"duckdb:///{tmp_path / 'source.duckdb'}")
    try:
        Workspace(source, load_catalog()).import_files(
            [write_text(folder / "entities.csv", "entity_id,name,parent_id\nG,集团,\nA,甲,G\n")], user="u1", today=TODAY
        )
        backup(source, tmp_path / "old")
    finally:
        source.close()
    _as_schema_4(tmp_path / "old")
    restore(tmp_path / "old", store)
    assert sorted(store.entities().entity_id) == ["A", "G"]
    assert list(store.entities().report_type) == [None, None]
    assert current_ic(store) == [] and store.period_events() == []
    tables = dump_tables(store)
    assert tables["meta"].to_pydict()["value"][tables["meta"].to_pydict()["key"].index("schema_version")] == "6"
