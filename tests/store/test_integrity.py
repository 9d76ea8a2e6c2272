"""Issue 16, the store's part, on DuckDB and PostgreSQL alike: no SQL from files, the audit entry in
the change's transaction, history's "current" is the version the figures use, an unapproved copy
does not keep an import out, and values up to 10^16 yuan.

The batches here are built by hand (what the contract reader hands the store), so what is tested
is the store itself: whatever a heading holds, it reaches SQL only as a checked, quoted name.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guozi.kernel.errors import GuoziError
from guozi.store import Store, open_store
from guozi.store.backup import MANIFEST, backup, restore
from guozi.store.duckdb import DuckDBStore
from guozi.store.postgres import PostgresStore, migrate

from ..pg import drop_database, fresh_database
from .batches import entities_batch, facts_batch


def _counts(store: Store) -> tuple[int, int, int]:
    return (
        len(store.submissions()),
        store.facts().count().to_pyarrow().as_py(),
        len(store.audit_log()),
    )


@pytest.fixture
def store(store: Store, tmp_path: Path) -> Store:
    """conftest.py's empty store of each kind, holding entity A (submission 1), A's June cash 7 元
    (submission 2) and one audit entry."""
    store.write(entities_batch(tmp_path, {}, name="entities_0.csv"), user="t")
    store.write(facts_batch(tmp_path, "7", name="facts_0.csv"), user="t")
    store.audit(user="root", action="import", target="submission:2")
    return store


# --- 1. identifiers from files never become SQL text ---------------------------------------------

# headings stored verbatim: each is a plain attribute whose value comes back under the same name
VERBATIM = [
    'x" varchar); delete from facts; --',
    "a\"; COPY (select 1) TO 'pwn.csv'; --",
    'it\'s "quoted"',
    "a;b",
    "地区代码",
    'x" text); drop table audit; --',
]
# headings refused before any SQL runs
REFUSED = ["Name", "submission_id", "__row__x", "a" * 64, "tab\there", "nul\x00x", ""]


@pytest.mark.parametrize("heading", VERBATIM)
def test_a_crafted_heading_is_stored_as_data_and_changes_nothing_else(
    store: Store, tmp_path: Path, heading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: 1 entity row, 1 fact (7 元), 1 audit entry. The crafted heading's entity file is a new
    submission (3) whose one row carries the attribute under exactly that name, value "v"; the facts
    and the audit log are as they were and no file appeared."""
    monkeypatch.chdir(tmp_path)  # where a COPY … TO 'pwn.csv' would write
    pwn = tmp_path / "pwn.csv"
    store.write(entities_batch(tmp_path, {heading: "v"}), user="t")
    assert _counts(store) == (3, 1, 1)
    assert store.facts().to_pyarrow().to_pylist() == [
        {"entity_id": "A", "period": 202506, "item": "cash", "value": Decimal("7.0000")}
    ]
    frame = store.entities()
    assert heading in frame.columns
    assert list(frame[heading]) == ["v"]
    assert not pwn.exists()
    # the same heading again: the column exists, it is reused
    store.write(entities_batch(tmp_path, {heading: "w"}, name="entities_2.csv"), user="t")
    assert list(store.entities()[heading]) == ["w"]
    assert _counts(store) == (4, 1, 1)


@pytest.mark.parametrize("heading", REFUSED)
def test_a_heading_that_cannot_be_a_column_is_refused_with_nothing_written(
    store: Store, tmp_path: Path, heading: str
) -> None:
    """``Name`` differs from ``name`` only in case, ``submission_id`` and ``__…`` are guozi's, 64
    bytes is past PostgreSQL's 63, a control character, an empty heading: a GuoziError naming the
    file and the heading, in both languages; the store holds its 2 submissions, 1 fact, 1 entry."""
    before = store.entities()
    with pytest.raises(GuoziError) as err:
        store.write(entities_batch(tmp_path, {heading: "v"}), user="t")
    assert "entities.csv" in err.value.message_zh and "entities.csv" in err.value.message_en
    assert repr(heading) in err.value.message_zh and repr(heading) in err.value.message_en
    assert "实体属性列" in err.value.message_zh and "entity attribute column" in err.value.message_en
    assert _counts(store) == (2, 1, 1)
    assert store.entities().equals(before)


def _rewrite(archive: Path, table: str, change: dict[str, str]) -> None:
    """Rename ``table``'s columns in the archive (old → new) and fix the manifest's hash."""
    file = archive / f"{table}.parquet"
    data = pq.read_table(file)
    pq.write_table(data.rename_columns([change.get(c, c) for c in data.column_names]), file)
    manifest = json.loads((archive / MANIFEST).read_text(encoding="utf-8"))
    manifest["tables"][table]["sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()
    (archive / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("kind", ["duckdb", "postgresql"])
def test_restoring_a_backup_with_crafted_column_names(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DuckDB store with entity A's attribute ``listed`` = yes and one fact, backed up; then the
    archive is altered. An entity_rows column renamed to an injection is restored verbatim (the
    fact and the audit entry intact, no file written); a facts column renamed is refused."""
    source = open_store(f"duckdb:///{tmp_path / 'source.duckdb'}")
    source.write(entities_batch(tmp_path, {"listed": "yes"}), user="t")
    source.write(facts_batch(tmp_path, "7"), user="t")
    source.audit(user="root", action="import", target="submission:2")
    archive = tmp_path / "archive"
    backup(source, archive)
    source.close()
    monkeypatch.chdir(tmp_path)  # where a COPY … TO 'pwn.csv' would write
    pwn = tmp_path / "pwn.csv"
    crafted = "a\"; COPY (select 1) TO 'pwn.csv'; --"
    _rewrite(archive, "entity_rows", {"listed": crafted})

    def target(name: str) -> tuple[Store, str]:
        url = fresh_database() if kind == "postgresql" else f"duckdb:///{tmp_path / name}"
        return open_store(url), url

    store, url = target("restored.duckdb")
    try:
        restore(archive, store)
        assert list(store.entities()[crafted]) == ["yes"]
        assert _counts(store) == (2, 1, 1)
        assert not pwn.exists()
    finally:
        store.close()
        if kind == "postgresql":
            drop_database(url)

    _rewrite(archive, "facts", {"value": 'value" decimal); delete from audit; --'})
    store, url = target("refused.duckdb")
    try:
        with pytest.raises(GuoziError, match=r"facts\.parquet") as err:
            restore(archive, store)
        assert "facts.parquet" in err.value.message_zh
        assert _counts(store) == (0, 0, 0)
    finally:
        store.close()
        if kind == "postgresql":
            drop_database(url)


# --- 2. the audit entry commits with the change ---------------------------------------------------


def test_a_failure_between_the_change_and_its_audit_entry_leaves_neither(store: Store, tmp_path: Path) -> None:
    """Inside atomic(): a draft is written and audited, then something fails: no submission 3, no
    second audit entry. The same for a review step: submission 2 stays approved, no step stored."""
    with pytest.raises(RuntimeError), store.atomic():
        [sub] = store.write(facts_batch(tmp_path, "9"), user="filer", status="draft").submissions
        assert sub.id == 3
        store.audit(user="filer", action="submission.upload", target="submission:3")
        raise RuntimeError("the process dies here")
    assert _counts(store) == (2, 1, 1)
    with pytest.raises(RuntimeError), store.atomic():
        store.set_status(2, "returned", user="boss", comment="x")
        with store.atomic():  # reentrant: the inner block commits nothing of its own
            store.audit(user="boss", action="submission.return", target="submission:2")
        raise RuntimeError("the process dies here")
    assert store.reviews() == []
    assert [s.status for s in store.submissions()] == ["approved", "approved"]
    assert _counts(store) == (2, 1, 1)
    with store.atomic():
        store.write(facts_batch(tmp_path, "9"), user="filer", status="draft")
        store.audit(user="filer", action="submission.upload", target="submission:3")
    assert _counts(store) == (3, 1, 2)


def test_atomic_holds_the_store_lock_throughout(store: Store) -> None:
    """Another thread cannot take ``store.lock`` while a transaction is open; it can afterwards."""
    took: list[bool] = []

    def probe() -> None:
        took.append(store.lock.acquire(blocking=False))
        if took[-1]:
            store.lock.release()

    with store.atomic():
        t = threading.Thread(target=probe)
        t.start()
        t.join()
    t = threading.Thread(target=probe)
    t.start()
    t.join()
    assert took == [False, True]


CHILD = """
import os, signal, sys
from pathlib import Path
from guozi.store import open_store
from guozi.store.sql import SQLStatements
sys.path.insert(0, sys.argv[4])
from tests.store.batches import facts_batch

store = open_store(sys.argv[1])
audit = SQLStatements.audit

def audit_then_die(self, **kw):
    entry = audit(self, **kw)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)  # the audit row is inserted, the transaction not committed
    return entry

SQLStatements.audit = audit_then_die
with store.atomic():
    [sub] = store.write(facts_batch(Path(sys.argv[3]), "9", name="upload.csv"), user="filer", status="draft").submissions
    store.audit(user="filer", action="submission.upload", target=f"submission:{sub.id}")
print("committed", flush=True)
"""


@pytest.mark.parametrize("how", ["kill", "finish"])
def test_killing_an_upload_at_its_audit_entry_leaves_nothing(
    store: Store, store_url: str, tmp_path: Path, how: str
) -> None:
    """A child process writes a draft (submission 3) and its audit entry in one transaction, and is
    killed (SIGKILL) right after the audit row is inserted: the store holds 2 submissions and 1
    entry, as before. Not killed, it holds 3 submissions and 2 entries: never one without the other."""
    store.close()
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, store_url, how, str(tmp_path), str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if how == "kill":
        assert done.returncode == -signal.SIGKILL, done.stderr
    else:
        assert done.returncode == 0 and "committed" in done.stdout, done.stderr
    again = open_store(store_url)
    try:
        expected = (2, 1, 1) if how == "kill" else (3, 1, 2)
        assert _counts(again) == expected
        assert [e.target for e in again.audit_log()][: expected[2] - 1] == (["submission:3"] if how == "finish" else [])
    finally:
        again.close()


# --- 3. history: "current" is the version the figures use ---------------------------------------


def test_history_marks_the_approved_version_current_not_a_later_draft(store: Store, tmp_path: Path) -> None:
    """A's June cash: 7 元 (submission 2, approved), 127 万元 = 1 270 000 元 (3, approved), then
    501 万元 = 5 010 000 元 uploaded as a draft (4). The figures use 1 270 000; history marks that
    row current, not the draft, and shows each version's status."""
    store.write(facts_batch(tmp_path, "1270000", name="facts_127.csv"), user="t")
    store.write(facts_batch(tmp_path, "5010000", name="facts_501.csv"), user="filer", status="draft")
    assert store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("1270000.0000")]
    h = store.history("A", 202506, "cash")
    assert list(h["submission_id"]) == [2, 3, 4]
    assert list(h["value"]) == [Decimal("7.0000"), Decimal("1270000.0000"), Decimal("5010000.0000")]
    assert [bool(c) for c in h["current"]] == [False, True, False]
    assert list(h["status"]) == ["approved", "approved", "draft"]
    store.set_status(4, "approved", user="boss")
    assert [bool(c) for c in store.history("A", 202506, "cash")["current"]] == [False, False, True]


# --- 4. an unapproved copy does not keep an import out -------------------------------------------


def test_a_draft_of_the_same_bytes_does_not_block_an_import(store: Store, tmp_path: Path) -> None:
    """The same file (A's June cash 127 万元) first uploaded as a draft (submission 3), then imported
    (approved): the import lands as submission 4 and its 1 270 000 元 counts. Imported once more,
    or uploaded again as a draft, it is skipped as a repeat of 4."""
    draft = store.write(facts_batch(tmp_path, "1270000"), user="filer", status="draft")
    assert [s.id for s in draft.submissions] == [3]
    imported = store.write(facts_batch(tmp_path, "1270000"), user="cli")
    assert ([s.id for s in imported.submissions], imported.skipped) == ([4], [])
    assert store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("1270000.0000")]
    again = store.write(facts_batch(tmp_path, "1270000"), user="cli")
    assert (again.submissions, again.skipped) == ([], [("facts.csv", 4)])
    upload = store.write(facts_batch(tmp_path, "1270000"), user="filer", status="draft")
    assert (upload.submissions, upload.skipped) == ([], [("facts.csv", 3)])


# --- 5. values up to 10^16 yuan ------------------------------------------------------------------


def test_values_up_to_ten_to_the_sixteen_yuan_are_stored_exactly(store: Store, tmp_path: Path) -> None:
    """2.5 万亿 = 2 500 000 000 000 元 and 9 999 999 999 999 999.9999 元 (the largest below 10^16)
    come back digit for digit (the old decimal(18, 4) held less than 10^14)."""
    store.write(facts_batch(tmp_path, "2500000000000", name="f1.csv", item="liabilities"), user="t")
    store.write(facts_batch(tmp_path, "9999999999999999.9999", name="f2.csv", item="assets"), user="t")
    t = store.facts().order_by("item").to_pyarrow().to_pylist()
    assert [(r["item"], r["value"]) for r in t] == [
        ("assets", Decimal("9999999999999999.9999")),
        ("cash", Decimal("7.0000")),
        ("liabilities", Decimal("2500000000000.0000")),
    ]


def test_a_schema_3_file_is_widened_on_opening(tmp_path: Path) -> None:
    """A DuckDB file of schema 3 keeps values as decimal(18, 4); opened, its column is decimal(22, 4),
    its fact (12.5 元) intact, and 10^15 元 can be stored."""
    path = tmp_path / "old.duckdb"
    DuckDBStore(path).close()
    con = duckdb.connect(str(path))
    con.execute("drop table facts")
    con.execute(
        """create table facts (submission_id bigint not null, entity_id varchar not null, period integer not null,
           item varchar not null, value decimal(18, 4) not null)"""
    )
    con.execute("insert into facts values (1, 'A', 202506, 'cash', 12.5)")
    con.execute("update meta set value = '3' where key = 'schema_version'")
    con.close()
    store = DuckDBStore(path)
    try:
        con2 = store.backend().con
        assert con2.execute(
            "select data_type from information_schema.columns where table_name = 'facts' and column_name = 'value'"
        ).fetchone() == ("DECIMAL(22,4)",)
        assert con2.execute("select value from meta where key = 'schema_version'").fetchone() == ("6",)
        assert store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("12.5000")]
        store.write(facts_batch(tmp_path, "1000000000000000", item="assets"), user="t")
        assert sorted(store.facts().to_pyarrow().column("value").to_pylist()) == [
            Decimal("12.5000"),
            Decimal("1000000000000000.0000"),
        ]
    finally:
        store.close()


def test_a_schema_3_database_is_migrated_to_head(pg_url: str) -> None:
    """Alembic from schema3 with A's cash 12.5 元 to head: numeric(22, 4), the value intact."""
    migrate(pg_url, "schema3")
    with psycopg.connect(pg_url) as con:
        con.execute("insert into facts values (1, 'A', 202506, 'cash', 12.5)")
    store = PostgresStore(pg_url)
    store.close()
    with psycopg.connect(pg_url) as con:
        assert con.execute("select version_num from alembic_version").fetchone() == ("schema6",)
        assert con.execute(
            "select numeric_precision, numeric_scale from information_schema.columns"
            " where table_name = 'facts' and column_name = 'value'"
        ).fetchone() == (22, 4)
        assert con.execute("select value from facts").fetchone() == (Decimal("12.5000"),)


def test_a_schema_3_backup_restores(tmp_path: Path) -> None:
    """An archive of schema 3 (facts.value decimal(18, 4)) restores into a schema-4 store: 7 元."""
    source = open_store(f"duckdb:///{tmp_path / 'source.duckdb'}")
    source.write(entities_batch(tmp_path, {}), user="t")
    source.write(facts_batch(tmp_path, "7"), user="t")
    archive = tmp_path / "archive"
    backup(source, archive)
    source.close()
    file = archive / "facts.parquet"
    data = pq.read_table(file)
    schema = data.schema.set(data.schema.get_field_index("value"), pa.field("value", pa.decimal128(18, 4)))
    pq.write_table(data.cast(schema), file)
    manifest = json.loads((archive / MANIFEST).read_text(encoding="utf-8"))
    manifest["schema_version"] = 3
    manifest["tables"]["facts"]["sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()
    (archive / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    store = open_store(f"duckdb:///{tmp_path / 'restored.duckdb'}")
    try:
        restore(archive, store)
        assert store.facts().to_pyarrow().column("value").to_pylist() == [Decimal("7.0000")]
    finally:
        store.close()
