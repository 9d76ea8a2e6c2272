"""The store's schema is written once (guozi.store.schema): PostgreSQL after ``alembic upgrade head``
and a new DuckDB file both hold exactly its tables, columns, types, keys and sequences, and an
older DuckDB file (schema 4) is upgraded to schema 5 in place, its data kept.

The expected catalogues are spelt out here as each database names its types (PostgreSQL's
information_schema, DuckDB's), not derived by the code under test.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg

from guozi.store import open_store
from guozi.store.duckdb import DuckDBStore
from guozi.store.postgres import migrate, parse_url
from guozi.store.schema import SCHEMA_VERSION, SEQUENCES, TABLES, VIEWS

# how PostgreSQL's information_schema names each logical type: (data_type, udt_name)
PG_TYPES = {
    "bigint": ("bigint", "int8"),
    "integer": ("integer", "int4"),
    "text": ("text", "text"),
    "text[]": ("ARRAY", "_text"),
    "boolean": ("boolean", "bool"),
    "timestamp": ("timestamp without time zone", "timestamp"),
    "date": ("date", "date"),
    "decimal(22, 4)": ("numeric", "numeric"),
    "decimal(38, 10)": ("numeric", "numeric"),
}
DUCK_TYPES = {
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "text": "VARCHAR",
    "text[]": "VARCHAR[]",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "decimal(22, 4)": "DECIMAL(22,4)",
    "decimal(38, 10)": "DECIMAL(38,10)",
}


def test_schema_5_has_the_new_tables_and_column() -> None:
    """What schema 5 adds, read off the definition (issue 19: period events; issue 21: report type, intercompany)."""
    tables = {t.name: t for t in TABLES}
    assert SCHEMA_VERSION == 6  # 6 adds notices: tests/store/test_notices.py
    assert tables["intercompany"].names == ["submission_id", "entity_id", "counterparty_id", "period", "item", "value"]
    assert tables["intercompany"].column("value").type == "decimal(22, 4)"
    events = tables["period_events"]
    assert events.names == ["id", "created_at", "user_name", "period", "root", "action", "deadline", "reason"]
    assert (events.primary_key, events.sequence) == (("id",), "period_event_ids")
    assert events.column("deadline").nullable and not events.column("reason").nullable
    assert tables["entity_rows"].column("report_type").nullable


def test_postgresql_after_alembic_head_is_the_schema(pg_url: str) -> None:
    open_store(pg_url).close()  # opening migrates to head
    with psycopg.connect(**parse_url(pg_url)) as con:
        cols = con.execute(
            """select table_name, column_name, data_type, udt_name, is_nullable, numeric_precision, numeric_scale,
                      collation_name, column_default
               from information_schema.columns where table_schema = 'public' and table_name <> 'alembic_version'
                 and table_name not in (select table_name from information_schema.views)
               order by table_name, ordinal_position"""
        ).fetchall()
        keys = con.execute(
            """select k.table_name, k.column_name from information_schema.table_constraints c
               join information_schema.key_column_usage k on k.constraint_name = c.constraint_name
               where c.constraint_type = 'PRIMARY KEY' and c.table_schema = 'public' and k.table_name <> 'alembic_version'
               order by k.table_name, k.ordinal_position"""
        ).fetchall()
        seqs = {r[0] for r in con.execute("select sequence_name from information_schema.sequences").fetchall()}
        views = {
            r[0] for r in con.execute("select table_name from information_schema.views where table_schema = 'public'")
        }
        indexes = {
            (r[0], r[1])
            for r in con.execute("select tablename, indexname from pg_indexes where schemaname = 'public'").fetchall()
            if not r[1].endswith(("_pkey", "_pkc"))
        }
        version = con.execute("select value from meta where key = 'schema_version'").fetchone()
    found: dict[str, list[tuple[object, ...]]] = {}
    for table, column, data_type, udt, nullable, prec, scale, collation, default in cols:
        found.setdefault(table, []).append((column, data_type, udt, nullable, prec, scale, collation, default))
    expected: dict[str, list[tuple[object, ...]]] = {}
    for t in TABLES:
        rows: list[tuple[object, ...]] = []
        for c in t.columns:
            data_type, udt = PG_TYPES[c.type]
            prec, scale = {"decimal(22, 4)": (22, 4), "decimal(38, 10)": (38, 10)}.get(c.type, (None, None))
            if c.type in ("bigint", "integer"):
                prec, scale = {"bigint": (64, 0), "integer": (32, 0)}[c.type]
            collation = "C" if c.type in ("text", "text[]") else None
            default = None if c.default is None else f"{c.default}::text"
            rows.append((c.name, data_type, udt, "YES" if c.nullable else "NO", prec, scale, collation, default))
        expected[t.name] = rows
    assert found == expected
    assert keys == [(t.name, k) for t in sorted(TABLES, key=lambda t: t.name) for k in t.primary_key]
    assert (
        seqs == set(SEQUENCES) == {"submission_ids", "review_ids", "user_version_ids", "audit_ids", "period_event_ids"}
    )
    assert views == set(VIEWS)
    assert indexes == {(t.name, i.name) for t in TABLES for i in t.indexes}
    assert version == ("6",)


def _duck_catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, str]]]:
    rows = con.execute(
        """select table_name, column_name, data_type, is_nullable from information_schema.columns
           where table_schema = 'main' and table_name not in (select view_name from duckdb_views())
           order by table_name, ordinal_position"""
    ).fetchall()
    out: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, data_type, nullable in rows:
        out.setdefault(table, []).append((column, data_type, nullable))
    return out


def test_a_new_duckdb_file_is_the_schema(tmp_path: Path) -> None:
    DuckDBStore(tmp_path / "new.duckdb").close()
    con = duckdb.connect(str(tmp_path / "new.duckdb"))
    try:
        found = _duck_catalogue(con)
        seqs = {r[0] for r in con.execute("select sequence_name from duckdb_sequences()").fetchall()}
        keys = con.execute(
            "select table_name, constraint_column_names from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    finally:
        con.close()
    assert found == {
        t.name: [(c.name, DUCK_TYPES[c.type], "YES" if c.nullable else "NO") for c in t.columns] for t in TABLES
    }
    assert seqs == set(SEQUENCES)
    assert sorted((t, tuple(k)) for t, k in keys) == sorted((t.name, t.primary_key) for t in TABLES if t.primary_key)


def test_a_schema_4_duckdb_file_is_upgraded_to_5_in_place(tmp_path: Path) -> None:
    """A schema-4 file: entity_rows without report_type, no intercompany, no period_events. Opening it
    adds them (report_type null for the old row) and keeps the old rows."""
    path = tmp_path / "old.duckdb"
    DuckDBStore(path).close()
    con = duckdb.connect(str(path))
    con.execute("drop table intercompany")
    con.execute("drop table period_events")
    con.execute("drop sequence period_event_ids")
    con.execute("alter table entity_rows drop column report_type")
    con.execute("update meta set value = '4' where key = 'schema_version'")
    con.execute(
        "insert into submissions values (1, '2025-07-01 08:00:00', 'old', 'e.csv', 'abc', 'entities', 1, '', 'approved')"
    )
    con.execute("insert into entity_rows (submission_id, entity_id, name) values (1, 'A', '甲')")
    con.execute("insert into facts values (1, 'A', 202506, 'cash', 12.5)")
    con.close()
    store = DuckDBStore(path)
    try:
        assert store.entities().to_dict("records")[0]["report_type"] is None
        assert store.entities().entity_id.tolist() == ["A"]
        assert store.facts().to_pyarrow().to_pylist() == [
            {"entity_id": "A", "period": 202506, "item": "cash", "value": Decimal("12.5000")}
        ]
        assert store.intercompany().to_pyarrow().num_rows == 0
        assert store.period_events() == []
    finally:
        store.close()
    con = duckdb.connect(str(path))
    try:
        assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("6",)
        assert {t.name for t in TABLES} <= set(_duck_catalogue(con))
    finally:
        con.close()


def test_a_schema_4_postgresql_database_is_migrated_to_5_with_its_rows(pg_url: str) -> None:
    """Alembic from schema4 with entity A (甲) to head: report_type null for A, the new tables empty."""
    migrate(pg_url, "schema4")
    with psycopg.connect(**parse_url(pg_url)) as con:
        con.execute("insert into entity_rows (submission_id, entity_id, name) values (1, 'A', '甲')")
    store = open_store(pg_url)
    try:
        assert store.entities().to_dict("records") == [
            {
                "entity_id": "A",
                "name": "甲",
                **dict.fromkeys(("parent_id", "industry", "category", "region", "valid_from", "valid_to")),
                "report_type": None,
            }
        ]
        assert store.intercompany().to_pyarrow().num_rows == 0
        assert store.period_events() == []
    finally:
        store.close()
    with psycopg.connect(**parse_url(pg_url)) as con:
        assert con.execute("select version_num from alembic_version").fetchone() == ("schema6",)
        assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("6",)
