"""Schema 6: the 提示 of a figure read from its usual writing is kept with its submission (``notices``).

A's June 2025 cash typed ``(3.5)`` (万元) is stored as −35 000 元; the notice keeps what was typed,
the cell, and the wording of rules/validation.yaml ``value.loose_number`` (filled in by hand here).
Runs on DuckDB and PostgreSQL (``store``), and an older store of each kind gains the table when opened.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import psycopg

from guozi.kernel.errors import Problem, Severity
from guozi.store import Store, open_store
from guozi.store.duckdb import DuckDBStore
from guozi.store.postgres import migrate, parse_url
from guozi.store.schema import BY_NAME, SCHEMA_VERSION
from guozi.store.sql import SQLStatements

from .batches import facts_batch

ZH = "A 2025-06 cash：(3.5) 按 -3.5 读取（括号表示负数，全角数字按半角读取）；请确认"
EN = "A 2025-06 cash: (3.5) read as -3.5 (brackets mean a negative, full-width digits read as ASCII); please confirm"
CASH = Problem(
    "value.loose_number", ZH, EN, sheet="资产负债表", row=5, found="(3.5)", severity=Severity.NOTICE,
    entity="A", period="2025-06", item="cash",
)  # fmt: skip
REVENUE = Problem(
    "value.loose_number", "A 2025-06 revenue：７８０ 按 780 读取", "A 2025-06 revenue: ７８０ read as 780",
    found="７８０", severity=Severity.NOTICE, entity="A", period="2025-06", item="revenue",
)  # fmt: skip


def test_the_notices_table_of_schema_6() -> None:
    notices = BY_NAME["notices"]
    assert SCHEMA_VERSION == 6 and notices.since == 6
    assert notices.names == [
        "submission_id", "entity_id", "period", "item", "rule", "sheet", "row_number", "found", "message_zh",
        "message_en",
    ]  # fmt: skip
    assert [c.name for c in notices.columns if c.nullable] == ["row_number"]  # a browser form's has no cell


def _sql(store: Store) -> SQLStatements:
    assert isinstance(store, SQLStatements)  # both SQL stores keep notices (the read-only lake has none)
    return store


def test_notices_are_kept_with_their_submission(store: Store, tmp_path: Path) -> None:
    """Two submissions: the notices of the first come back with it (ordered by item), none with the second."""
    sql = _sql(store)
    with store.atomic():
        (first,) = store.write(facts_batch(tmp_path, "-35000", name="a.csv"), user="u", status="draft").submissions
        sql.keep_notices(first.id, [REVENUE, CASH])
    (second,) = store.write(facts_batch(tmp_path, "1", name="b.csv"), user="u", status="draft").submissions
    assert sql.notices(first.id) == [CASH, REVENUE]
    assert sql.notices(second.id) == []


def test_a_failed_write_keeps_no_notice(store: Store, tmp_path: Path) -> None:
    """Inside ``atomic``, the notices go with the draft or not at all."""
    sql = _sql(store)
    try:
        with store.atomic():
            (sub,) = store.write(facts_batch(tmp_path, "-35000"), user="u", status="draft").submissions
            sql.keep_notices(sub.id, [CASH])
            raise RuntimeError("the audit entry failed")
    except RuntimeError:
        pass
    assert store.submissions() == [] and sql.notices(1) == []


def test_a_schema_5_duckdb_file_gains_the_notices_table(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    DuckDBStore(path).close()
    con = duckdb.connect(str(path))
    con.execute("drop table notices")
    con.execute("update meta set value = '5' where key = 'schema_version'")
    con.close()
    store = DuckDBStore(path)
    try:
        assert store.notices(1) == []
        store.keep_notices(1, [CASH])
        assert store.notices(1) == [CASH]
    finally:
        store.close()
    con = duckdb.connect(str(path))
    try:
        assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("6",)
    finally:
        con.close()


def test_a_schema_5_postgresql_database_is_migrated_to_6(pg_url: str) -> None:
    migrate(pg_url, "schema5")
    with psycopg.connect(**parse_url(pg_url)) as con:
        assert con.execute("select to_regclass('notices')").fetchone() == (None,)
    store = open_store(pg_url)
    try:
        _sql(store).keep_notices(7, [CASH])
        assert _sql(store).notices(7) == [CASH]
    finally:
        store.close()
    with psycopg.connect(**parse_url(pg_url)) as con:
        assert con.execute("select version_num from alembic_version").fetchone() == ("schema6",)
        assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("6",)
