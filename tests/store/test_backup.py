"""Backup and restore: a store → an archive → an empty DuckDB or PostgreSQL store holds the same rows.

The store built here has every kind of row: entity rows with an extra column, a restated figure,
targets, an explanation, a draft taken through review to ``returned``, two versions of an account
and audit entries. Its submissions, in order: 1 entities, 2 facts_1, 3 facts_2 (restates A's June
revenue 15 000 → 16 000 元), 4 targets, 5 a draft of A's July cash, returned.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guozi.catalog import load_catalog
from guozi.cli import app
from guozi.kernel.errors import GuoziError
from guozi.store import Store, open_store
from guozi.store.backup import MANIFEST, backup, dump_tables, restore
from guozi.store.base import Explanation, User
from guozi.workspace import Workspace

from .conftest import TODAY, write_text

runner = CliRunner()


def _fill(store: Store, folder: Path) -> None:
    ws = Workspace(store, load_catalog())
    ws.import_files(
        [write_text(folder / "entities.csv", "entity_id,name,parent_id,listed\nG,集团,,\nA,甲,G,yes\n")],
        user="u1",
        today=TODAY,
    )
    ws.import_files(
        [
            write_text(
                folder / "facts_1.csv",
                "entity_id,period,item,value,unit\nA,2025-06,revenue,1.5,万元\nG,2025-06,revenue,2,万元\n",
            )
        ],
        user="u1",
        today=TODAY,
        validate=False,
    )
    path = write_text(folder / "facts_2.csv", "entity_id,period,item,value,unit\nA,2025-06,revenue,1.6,万元\n")
    batch = ws.check([path], today=TODAY, validate=False).batch
    note = Explanation(
        str(path), "restate", "A", 202506, ("revenue",), "审计调整", message_zh="核实", message_en="verify"
    )
    store.write(batch, user="u2", reason="更正", explanations=[note])
    ws.import_files(
        [write_text(folder / "targets.csv", "entity_id,year,indicator,target\nA,2025,revenue,0.12345\n")], today=TODAY
    )
    draft = ws.check(
        [write_text(folder / "facts_3.csv", "entity_id,period,item,value\nA,2025-07,cash,9\n")], today=TODAY
    ).batch
    sid = store.write(draft, user="filer", status="draft").submissions[0].id
    store.set_status(sid, "submitted", user="filer")
    store.set_status(sid, "returned", user="boss", comment="单位填错")
    store.put_user(User("alice", "filer", ("A",), "$argon2id$x", "张三"))
    store.put_user(User("alice", "supervisor", ("A", "G"), "$argon2id$y", "张三", active=False))
    store.audit(user="root", action="user.add", target="user:alice", after='{"role": "filer"}')
    store.audit(user="root", action="submission.return", target=f"submission:{sid}", before="{}", after="{}")


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Store]:
    """A DuckDB store holding every kind of row."""
    folder = tmp_path / "in"
    folder.mkdir()
    store = open_store(f"duckdb:///{tmp_path / 'source.duckdb'}")
    _fill(store, folder)
    yield store
    store.close()


def _same_tables(a: Store, b: Store) -> None:
    ta, tb = dump_tables(a), dump_tables(b)
    assert list(ta) == list(tb)
    for name in ta:
        assert tb[name].equals(ta[name]), name


def _check_restored(store: Store, original: Store) -> None:
    """The restored store answers as the original, and its ids continue after the restored ones."""
    _same_tables(store, original)
    assert store.submissions() == original.submissions()
    assert [s.status for s in store.submissions()] == ["approved"] * 4 + ["returned"]
    assert [(r.user, r.status, r.comment) for r in store.reviews(5)] == [
        ("filer", "submitted", ""),
        ("boss", "returned", "单位填错"),
    ]
    assert store.users() == [User("alice", "supervisor", ("A", "G"), "$argon2id$y", "张三", active=False)]
    assert store.audit_log() == original.audit_log()
    assert [e.action for e in store.audit_log()] == ["submission.return", "user.add"]
    order = ["entity_id", "period", "item"]
    assert store.facts().order_by(order).to_pyarrow().to_pylist() == [
        {"entity_id": "A", "period": 202506, "item": "revenue", "value": Decimal("16000.0000")},
        {"entity_id": "G", "period": 202506, "item": "revenue", "value": Decimal("20000.0000")},
    ]
    assert list(store.entities()["listed"]) == ["yes", None]  # A, then G
    assert list(store.targets()["target"]) == [0.12345]
    history = store.history("A", 202506, "revenue")
    assert list(history["explanation"]) == ["", "restate：审计调整"]
    entry = store.audit(user="root", action="after", target="x")
    assert entry.id == 3
    store.put_user(User("bob", "viewer", (), "$argon2id$z"))
    assert store.set_status(1, "approved", user="boss").submission_id == 1
    assert len(store.reviews()) == 3


@pytest.mark.parametrize("suffix", [".tar", ""])
def test_a_backup_restores_into_an_empty_store_of_either_kind(
    source: Store, store: Store, tmp_path: Path, suffix: str
) -> None:
    """``store`` is conftest.py's empty store of each kind."""
    archive = tmp_path / f"backup{suffix}"
    report = backup(source, archive)
    assert report.rows["facts"] == 4  # 2 + 1 + 1 (the draft's, kept) versions
    assert archive.is_file() == (suffix == ".tar")
    restore(archive, store)
    _check_restored(store, source)


def test_a_postgresql_store_backs_up_and_restores_into_duckdb(tmp_path: Path, pg_url: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pg = open_store(pg_url)
    duck = open_store(f"duckdb:///{tmp_path / 'd.duckdb'}")
    try:
        _fill(pg, folder)
        backup(pg, tmp_path / "pg.tar")
        restore(tmp_path / "pg.tar", duck)
        _check_restored(duck, pg)
    finally:
        pg.close()
        duck.close()


def test_restoring_into_a_store_with_data_is_refused(source: Store, tmp_path: Path) -> None:
    backup(source, tmp_path / "b.tar")
    with pytest.raises(GuoziError, match="empty store only"):
        restore(tmp_path / "b.tar", source)


def test_a_damaged_archive_is_refused_naming_the_file(source: Store, tmp_path: Path) -> None:
    archive = tmp_path / "b"
    backup(source, archive)
    manifest = json.loads((archive / MANIFEST).read_text(encoding="utf-8"))
    facts = archive / "facts.parquet"
    data = bytearray(facts.read_bytes())
    data[len(data) // 2] ^= 0xFF
    facts.write_bytes(bytes(data))
    target = open_store(f"duckdb:///{tmp_path / 'r.duckdb'}")
    try:
        with pytest.raises(
            GuoziError, match=rf"facts.parquet is damaged: sha256 expected {manifest['tables']['facts']['sha256']}"
        ):
            restore(archive, target)
        assert target.submissions() == []
    finally:
        target.close()


def test_an_existing_output_is_kept_unless_overwrite(source: Store, tmp_path: Path) -> None:
    archive = write_text(tmp_path / "b.tar", "mine")
    with pytest.raises(GuoziError, match="already exists"):
        backup(source, archive)
    assert archive.read_text(encoding="utf-8") == "mine"
    backup(source, archive, overwrite=True)
    assert archive.stat().st_size > 4


def test_backup_and_restore_on_the_command_line(source: Store, tmp_path: Path, pg_url: str) -> None:
    """guozi backup then guozi restore into PostgreSQL: exit 0 with the counts; again: exit 2, refused."""
    archive = tmp_path / "b.tar"
    done = runner.invoke(app, ["backup", "--output", str(archive), "--store", source.url, "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "5 submissions, 4 fact versions, 2 account versions, 2 audit entries" in done.output
    done = runner.invoke(app, ["restore", str(archive), "--store", pg_url])
    assert done.exit_code == 0, done.output
    assert "5 次提交、4 条事实版本" in done.output
    again = runner.invoke(app, ["restore", str(archive), "--store", pg_url, "--lang", "en"])
    assert again.exit_code == 2
    assert "empty store only" in again.output
    missing = runner.invoke(app, ["restore", str(tmp_path / "none.tar"), "--store", pg_url, "--lang", "en"])
    assert missing.exit_code == 2
    assert "no such backup" in missing.output
    restored = open_store(pg_url)
    try:
        assert restored.submissions() == source.submissions()
        assert restored.submission_facts(3).column("value").to_pylist() == [Decimal("16000.0000")]
    finally:
        restored.close()
