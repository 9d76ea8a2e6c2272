"""What only the PostgreSQL store does: its URLs, the same answers as the DuckDB file for the same
imports, migrations that upgrade a schema-2 database in place, and the command line on it.

The store protocol's tests (test_store.py, test_review.py, test_integrity.py…) run on PostgreSQL
and DuckDB alike through the ``store`` fixture of conftest.py.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from typer.testing import CliRunner

from guozi.catalog import load_catalog
from guozi.cli import app
from guozi.kernel.errors import GuoziError
from guozi.store import open_store
from guozi.store.postgres import PostgresStore, migrate, parse_url, without_password
from guozi.workspace import Workspace

from .conftest import TODAY, write_text

runner = CliRunner()


def test_open_store_dispatches_postgresql_urls(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        assert isinstance(store, PostgresStore)
        assert store.backend().name == "postgres"
    finally:
        store.close()


def test_a_url_without_a_database_is_refused() -> None:
    with pytest.raises(GuoziError, match="postgresql://user@host:port/database"):
        open_store("postgresql://localhost:5432")


def test_the_store_never_shows_the_password() -> None:
    """guozi prints, logs and writes ``store.url`` (lake and backup manifests): never with the password."""
    url = "postgresql://alice:s3cret@db.example.cn:5432/guozi?sslmode=require"
    assert without_password(url) == "postgresql://alice@db.example.cn:5432/guozi?sslmode=require"
    assert without_password("postgresql://alice@db/guozi") == "postgresql://alice@db/guozi"
    assert parse_url(url)["password"] == "s3cret"


# --- the same answers as the DuckDB store ---------------------------------------------------------

ENTITIES = "entity_id,name,parent_id,industry,listed\nG,集团,,C,\nA,甲,G,C26,yes\nB,乙,G,D44,no\n"
FACTS_1 = "entity_id,period,item,value,unit\nA,2025-06,revenue,1.5,万元\nB,2025-06,revenue,200,元\nG,2025-06,revenue,15200,元\n"
FACTS_2 = "entity_id,period,item,value,unit\nA,2025-06,revenue,1.6,万元\nA,2025-05,revenue,1,万元\n"
TARGETS = "entity_id,year,indicator,target\nA,2025,revenue,20000\nA,2025,debt_ratio,65.5\n"


def _land_everything(store_url: str, folder: Path) -> Workspace:
    w = Workspace(open_store(store_url), load_catalog())
    w.import_files([write_text(folder / "entities.csv", ENTITIES)], user="u1", today=TODAY, validate=False)
    w.import_files([write_text(folder / "facts_1.csv", FACTS_1)], user="u1", today=TODAY, validate=False)
    w.import_files([write_text(folder / "facts_2.csv", FACTS_2)], user="u2", reason="更正", today=TODAY, validate=False)
    w.import_files([write_text(folder / "targets.csv", TARGETS)], user="u1", today=TODAY, validate=False)
    return w


def _plain(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): v for k, v in r.items() if k != "created_at"} for r in frame.to_dict("records")]


def test_every_read_gives_the_duckdb_stores_answer(tmp_path: Path, pg_url: str) -> None:
    """The same four files imported into both stores: A's June revenue restated 15 000 → 16 000 元.

    entities (with the extra column ``listed``), facts, targets, periods, submissions (but their
    times), history and the lookups are equal, value for value and type for type."""
    (tmp_path / "d").mkdir()
    (tmp_path / "p").mkdir()
    duck = _land_everything(f"duckdb:///{tmp_path / 'd.duckdb'}", tmp_path / "d")
    pg = _land_everything(pg_url, tmp_path / "p")
    try:
        a, b = duck.store, pg.store
        pd.testing.assert_frame_equal(b.entities(), a.entities())
        assert list(b.entities().columns)[-1] == "listed"
        pd.testing.assert_frame_equal(b.targets(), a.targets())
        assert b.periods() == a.periods() == [202505, 202506]
        order = ["entity_id", "period", "item"]
        assert b.facts().order_by(order).to_pyarrow().equals(a.facts().order_by(order).to_pyarrow())
        assert b.facts().filter(lambda t: t.entity_id == "A").order_by(order).to_pyarrow().to_pylist() == [
            {"entity_id": "A", "period": 202505, "item": "revenue", "value": Decimal("10000.0000")},
            {"entity_id": "A", "period": 202506, "item": "revenue", "value": Decimal("16000.0000")},
        ]
        strip = [
            (s.id, s.user, Path(s.source).name, s.sha256, s.kind, s.rows, s.reason, s.status) for s in a.submissions()
        ]
        assert [
            (s.id, s.user, Path(s.source).name, s.sha256, s.kind, s.rows, s.reason, s.status) for s in b.submissions()
        ] == strip
        ha, hb = a.history("A", 202506, "revenue"), b.history("A", 202506, "revenue")
        assert list(hb.columns) == list(ha.columns)
        assert [{**r, "source": Path(str(r["source"])).name} for r in _plain(hb)] == [
            {**r, "source": Path(str(r["source"])).name} for r in _plain(ha)
        ]
        assert list(hb["value"]) == [Decimal("15000.0000"), Decimal("16000.0000")]
        assert isinstance(hb["created_at"].iloc[0], datetime | pd.Timestamp)
        sha = a.submissions()[1].sha256
        assert b.find_submission(sha, "facts") == a.find_submission(sha, "facts") == 2
    finally:
        duck.close()
        pg.close()


# --- migrations ------------------------------------------------------------------------------------


def test_a_schema_2_database_is_upgraded_in_place_with_its_data(pg_url: str) -> None:
    """Alembic's first revision (the first release's tables) with one submission and one fact, then
    the store opens it: upgraded to schema 3 (alembic head), the submission approved, the fact intact."""
    migrate(pg_url, "schema2")
    with psycopg.connect(pg_url) as con:
        assert con.execute("select version_num from alembic_version").fetchone() == ("schema2",)
        con.execute(
            "insert into submissions values (1, '2025-07-01 08:00:00', 'old', 'facts.csv', 'abc', 'facts', 1, '')"
        )
        con.execute("select setval('submission_ids', 1)")
        con.execute("insert into entity_rows (submission_id, entity_id, name) values (1, 'A', '甲')")
        con.execute("insert into facts values (1, 'A', 202506, 'cash', 12.5)")
    store = PostgresStore(pg_url)
    try:
        with psycopg.connect(pg_url) as con:
            assert con.execute("select version_num from alembic_version").fetchone() == ("schema6",)
            assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("6",)
        [sub] = store.submissions()
        assert (sub.id, sub.user, sub.status, sub.created_at) == (1, "old", "approved", datetime(2025, 7, 1, 8))
        assert store.facts().to_pyarrow().to_pylist() == [
            {"entity_id": "A", "period": 202506, "item": "cash", "value": Decimal("12.5000")}
        ]
        assert store.users() == []
        assert store.audit_log() == []
        review = store.set_status(1, "returned", user="boss")
        assert (review.status, store.facts().count().to_pyarrow().as_py()) == ("returned", 0)
    finally:
        store.close()


# --- the command line ------------------------------------------------------------------------------


def test_import_then_indicators_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    """G's debt ratio: 2 550 / 4 000 = 63.75 %; its revenue 1 500 元 (the group of
    tests/engine/test_panel.py, at 2025-06)."""
    folder = tmp_path / "data"
    folder.mkdir()
    write_text(folder / "entities.csv", "entity_id,name,parent_id\nG,集团,\n")
    rows = [("total_assets", 4000), ("total_liabilities", 2550), ("total_equity", 1450), ("revenue", 1500)]
    write_text(folder / "facts.csv", "entity_id,period,item,value\n" + "".join(f"G,2025-06,{i},{v}\n" for i, v in rows))
    done = runner.invoke(app, ["import", str(folder), "--store", pg_url, "--lang", "en"])
    assert done.exit_code == 0, done.output
    args = ["indicators", "--store", pg_url, "--period", "2025-06", "-i", "debt_ratio", "-i", "revenue"]
    result = runner.invoke(app, [*args, "--entity", "G", "--format", "csv"])
    assert result.exit_code == 0, result.output
    got = {r["indicator"]: r["value"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert float(got["debt_ratio"]) == pytest.approx(63.75, rel=1e-12)  # ratios are floats, as on DuckDB
    assert Decimal(got["revenue"]) == Decimal(1500)
    again = runner.invoke(app, ["import", str(folder), "--store", pg_url, "--lang", "en"])
    assert again.exit_code == 0, again.output
    store = open_store(pg_url)
    try:
        assert len(store.submissions()) == 2  # the second import skipped both files as already stored
    finally:
        store.close()
