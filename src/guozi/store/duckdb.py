"""The embedded store: one DuckDB file, append-only tables, one transaction per import."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
from ibis.backends.duckdb import Backend

from guozi.ingest.contract import ENTITY_COLUMNS, Batch
from guozi.ingest.units import STORE_SCALE
from guozi.store.base import Submission, WriteResult

SCHEMA_VERSION = 1
_DDL = [
    "create sequence if not exists submission_ids start 1",
    """create table if not exists submissions (
        id bigint primary key, created_at timestamp not null, user_name varchar not null,
        source varchar not null, sha256 varchar not null, kind varchar not null,
        row_count bigint not null, reason varchar not null default '')""",
    f"""create table if not exists entity_rows (
        submission_id bigint not null, {", ".join(f"{c} varchar" for c in ENTITY_COLUMNS)})""",
    f"""create table if not exists facts (
        submission_id bigint not null, entity_id varchar not null, period integer not null,
        item varchar not null, value decimal(18, {STORE_SCALE}) not null)""",
    """create table if not exists targets (
        submission_id bigint not null, entity_id varchar not null, year integer not null,
        indicator varchar not null, target decimal(38, 10) not null)""",
    "create table if not exists meta (key varchar primary key, value varchar not null)",
]


class DuckDBStore:
    """The default store: a DuckDB file (``duckdb:///path``), or memory (``duckdb://:memory:``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.url = f"duckdb:///{self.path}" if self.path != ":memory:" else "duckdb://:memory:"
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._ibis: Backend = ibis.duckdb.connect(self.path)
        self._con = self._ibis.con
        for stmt in _DDL:
            self._con.execute(stmt)
        self._con.execute("insert or ignore into meta values ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def backend(self) -> Backend:
        """The Ibis backend over the same connection."""
        return self._ibis

    def _scalar(self, sql: str, params: list[object] | None = None) -> Any:
        row = self._con.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    def _meta(self, key: str) -> str | None:
        row = self._con.execute("select value from meta where key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def entities(self) -> pd.DataFrame:
        """Each entity's rows from the latest submission that listed it."""
        frame: pd.DataFrame = self._con.execute(
            """
            select * exclude (submission_id) from entity_rows
            where (entity_id, submission_id) in (
                select entity_id, max(submission_id) from entity_rows group by entity_id)
            order by entity_id, valid_from nulls first
            """
        ).df()
        out: pd.DataFrame = frame.astype(object).where(frame.notna(), None)
        return out

    def facts(self) -> ir.Table:
        """The latest version of each fact (a plain scan when nothing was ever restated)."""
        t = self._ibis.table("facts")
        if self._meta("restated") != "true":
            return t.select("entity_id", "period", "item", "value")
        w = ibis.window(group_by=[t.entity_id, t.period, t.item], order_by=ibis.desc(t.submission_id))
        ranked = t.mutate(rank=ibis.row_number().over(w))
        return ranked.filter(ranked.rank == 0).select("entity_id", "period", "item", "value")

    def targets(self) -> pd.DataFrame:
        """The latest target of each (entity, year, indicator)."""
        frame: pd.DataFrame = self._con.execute(
            """
            select entity_id, year, indicator, arg_max(target, submission_id) as target
            from targets group by entity_id, year, indicator order by entity_id, year, indicator
            """
        ).df()
        return frame

    def periods(self) -> list[int]:
        """The periods holding facts."""
        return [int(r[0]) for r in self._con.execute("select distinct period from facts order by 1").fetchall()]

    def submissions(self) -> list[Submission]:
        """Every submission, oldest first."""
        rows = self._con.execute(
            "select id, created_at, user_name, source, sha256, kind, row_count, reason from submissions order by id"
        ).fetchall()
        return [Submission(*r) for r in rows]

    def _existing(self, sha256: str, kind: str) -> int | None:
        row = self._con.execute(
            "select min(id) from submissions where sha256 = ? and kind = ?", [sha256, kind]
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def write(self, batch: Batch, *, user: str = "", reason: str = "") -> WriteResult:
        """Land a checked batch in one transaction; files already imported are skipped."""
        user = user or getpass.getuser()
        con = self._con
        result = WriteResult(submissions=[], skipped=[])
        con.execute("begin transaction")
        try:
            ids: dict[str, int] = {}
            for f in batch.files:
                existing = self._existing(f.sha256, f.kind)
                if existing is not None:
                    result.skipped.append((f.path.name, existing))
                    continue
                sid = int(self._scalar("select nextval('submission_ids')"))
                now = datetime.now(UTC).replace(tzinfo=None)
                con.execute(
                    "insert into submissions values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [sid, now, user, str(f.path), f.sha256, f.kind, f.rows, reason],
                )
                ids[str(f.path)] = sid
                result.submissions.append(Submission(sid, now, user, str(f.path), f.sha256, f.kind, f.rows, reason))
            if batch.entities is not None:
                self._write_entities(batch.entities, ids)
            if batch.facts is not None and batch.facts.num_rows and ids:
                self._write_facts(batch.facts, ids)
            if batch.targets is not None and not batch.targets.empty:
                t = batch.targets[batch.targets["__source__"].isin(ids)].copy()
                t["submission_id"] = t["__source__"].map(ids)
                t["target"] = t["target"].map(str)
                con.register("new_targets", t[["submission_id", "entity_id", "year", "indicator", "target"]])
                con.execute(
                    "insert into targets select submission_id, entity_id, year, indicator, cast(target as decimal(38, 10)) from new_targets"
                )
                con.unregister("new_targets")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return result

    def _write_entities(self, entities: pd.DataFrame, ids: dict[str, int]) -> None:
        con = self._con
        rows = entities[entities["__source__"].isin(ids)].copy()
        if rows.empty:
            return
        existing = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = 'entity_rows'"
            ).fetchall()
        }
        attrs = [c for c in rows.columns if c not in ("__row__", "__file__", "__source__")]
        for col in attrs:
            if col not in existing:
                con.execute(f'alter table entity_rows add column "{col.replace(chr(34), "")}" varchar')
        rows["submission_id"] = rows["__source__"].map(ids)
        out = rows[["submission_id", *attrs]].copy()
        for col in attrs:
            out[col] = out[col].map(lambda v: None if v is None or v == "" else str(v))
        con.register("new_entities", out)
        cols = ", ".join(f'"{c}"' for c in ["submission_id", *attrs])
        con.execute(f"insert into entity_rows ({cols}) select {cols} from new_entities")
        con.unregister("new_entities")

    def _write_facts(self, facts: pa.Table, ids: dict[str, int]) -> None:
        con = self._con
        mapping = pa.table({"source": list(ids), "submission_id": list(ids.values())})
        con.register("new_facts", facts)
        con.register("new_ids", mapping)
        con.execute(
            """create or replace temp table staged as
               select i.submission_id, n.entity_id, n.period, n.item, n.value
               from new_facts n join new_ids i on n.source = i.source"""
        )
        con.unregister("new_facts")
        con.unregister("new_ids")
        restates: Any = con.execute(
            """select exists (select 1 from facts f join staged n
                on f.entity_id = n.entity_id and f.period = n.period and f.item = n.item)"""
        ).fetchone()
        con.execute("insert into facts select * from staged")
        con.execute("drop table staged")
        if restates and restates[0]:
            con.execute("insert or replace into meta values ('restated', 'true')")

    def close(self) -> None:
        """Close the connection."""
        self._ibis.disconnect()
