"""The embedded store: one DuckDB file, append-only tables, one transaction per import.

Nothing is updated in place or deleted: a restated figure is a new row of ``facts`` with its
submission, and the current value is the latest approved submission's. A submission's status is
the one it landed with, changed only by appended ``reviews`` rows; accounts are appended
versions too, and every write of the web application is an ``audit`` row. An import is one
transaction, so a killed process leaves the file as it was (DuckDB replays only committed
transactions).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from ibis.backends.duckdb import Backend

from guozi.kernel.errors import GuoziError
from guozi.store.base import Explanation, Status, Submission, WriteResult
from guozi.store.batch import Batch
from guozi.store.limits import memory_limit, spill_path
from guozi.store.schema import BY_NAME, SCHEMA_VERSION, decimal_of, duckdb_ddl
from guozi.store.sessions import FileBackend, UnitLock, open_file
from guozi.store.sql import IC_KEYS, SQLStatements, attribute_columns, quote_identifier, utc_now, with_submission_ids

# the view of each submission's current status (reviews append steps; the latest one counts)
_VIEW = """create or replace view submission_status as
    select s.id as submission_id, coalesce(r.status, s.status, 'approved') as status
    from submissions s left join (
        select submission_id, arg_max(status, id) as status from reviews group by submission_id
    ) r on r.submission_id = s.id"""


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (a setting's value)."""
    return "'" + text.replace("'", "''") + "'"


class DuckDBStore(SQLStatements):
    """The default store: a DuckDB file (``duckdb:///path``), or memory (``duckdb://:memory:``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.url = f"duckdb:///{self.path}" if self.path != ":memory:" else "duckdb://:memory:"
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # held by every method using the file, and by the callers around work on backend(): one thread
        # at a time, and its outermost hold is one unit of work (guozi.store.sessions): the file is
        # open only during it, so other processes (the command line beside the web server) get their turn
        self.lock = UnitLock()
        self.lock.on_end = self._end_unit
        self._depth = 0  # open transactions of atomic(): only the outermost begins and commits
        self._duck: duckdb.DuckDBPyConnection | None = None  # the connection of the unit of work open now
        self._ibis = FileBackend(self._connect)
        with self.lock:  # the first unit of work: create the tables, or upgrade an older file's
            for stmt in [*duckdb_ddl(), _VIEW]:
                self._con.execute(stmt)
            self._widen_decimals()
            self._con.execute("insert or replace into meta values ('schema_version', ?)", [str(SCHEMA_VERSION)])
        self.writes = 0

    @property
    def _con(self) -> duckdb.DuckDBPyConnection:
        """The connection of the unit of work open now (opened on first use; hold :attr:`lock`)."""
        return self._connect()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._duck is None:
            self._duck = duckdb.connect(":memory:") if self.path == ":memory:" else open_file(self.path)
            self._ibis.begun()
        return self._duck

    def _end_unit(self) -> None:
        """The outermost hold of :attr:`lock` ends: close the file (memory stays open: it is the data)."""
        if self._duck is not None and self.path != ":memory:" and not self._depth:
            duck, self._duck = self._duck, None
            duck.close()

    def _widen_decimals(self) -> None:
        """A decimal column of an older file narrower than the schema's is widened in place (schema 4: fact values)."""
        found = self._con.execute(
            "select table_name, column_name, data_type from information_schema.columns where data_type like 'DECIMAL%'"
        ).fetchall()
        for table, column, type_ in found:
            t = BY_NAME.get(str(table))
            want = t.column(str(column)).type if t is not None and str(column) in t.names else None
            if want is not None and decimal_of(str(type_)) != decimal_of(want):
                self._con.execute(f"alter table {table} alter column {column} set data type {want}")

    def backend(self) -> Backend:
        """The Ibis backend over the unit of work's connection: build and run an expression within one hold of :attr:`lock`."""
        return self._ibis

    def _scalar(self, sql: str, params: list[object] | None = None) -> Any:
        with self.lock:
            row = self._con.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    def _rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            rows: list[tuple[Any, ...]] = self._con.execute(query, list(params)).fetchall()
        return rows

    def _frame(self, query: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        frame: pd.DataFrame = self._arrow(query, {}, list(params)).to_pandas()  # decimals stay exact
        return frame

    def _execute(self, query: str, params: Sequence[Any] = ()) -> None:
        with self.lock:
            self._con.execute(query, list(params))

    def _set_meta(self, key: str, value: str) -> None:
        self._execute("insert or replace into meta values (?, ?)", [key, value])

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A transaction, or a part of the one already open (reentrant): the outermost commits."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._con.execute("begin transaction")
            self._depth = 1
            try:
                yield
                self._con.execute("commit")
            except BaseException:
                self._con.execute("rollback")
                raise
            finally:
                self._depth = 0

    def entities(self) -> pd.DataFrame:
        """Each entity's rows from the latest approved submission that listed it."""
        with self.lock:
            frame: pd.DataFrame = self._con.execute(
                f"""
                select * exclude (submission_id) from entity_rows
                where (entity_id, submission_id) in (
                    select entity_id, max(submission_id) from entity_rows where {self._approved()} group by entity_id)
                order by entity_id, valid_from nulls first
                """
            ).df()
        out: pd.DataFrame = frame.astype(object).where(frame.notna(), None)
        return out

    def targets(self) -> pd.DataFrame:
        """The latest target of each (entity, year, indicator)."""
        with self.lock:
            frame: pd.DataFrame = self._con.execute(
                f"""
                select entity_id, year, indicator, arg_max(target, submission_id) as target
                from targets where {self._approved()} group by entity_id, year, indicator
                order by entity_id, year, indicator
                """
            ).df()
        return frame

    def submission_facts(self, submission_id: int) -> pa.Table:
        """The facts a submission brought, whatever its status."""
        return self._arrow(
            "select entity_id, period, item, value from facts where submission_id = ? order by entity_id, period, item",
            {},
            [submission_id],
        )

    def _arrow(self, sql: str, tables: dict[str, pa.Table], params: list[object] | None = None) -> pa.Table:
        with self.lock:
            return self._arrow_unlocked(sql, tables, params)

    def _arrow_unlocked(self, sql: str, tables: dict[str, pa.Table], params: list[object] | None) -> pa.Table:
        cur = self._con.cursor()
        try:
            for name, table in tables.items():
                cur.register(name, table)
            result = cur.execute(sql, params or []).arrow()
            out: pa.Table = result.read_all() if hasattr(result, "read_all") else result
            return out
        finally:
            cur.close()

    def current_values(self, keys: pa.Table) -> pa.Table:
        """The current value of every item of the (entity_id, period) ``keys``."""
        return self._arrow(
            f"""
            select f.entity_id, f.period, f.item, arg_max(f.value, f.submission_id) as value
            from facts f join (select distinct entity_id, cast(period as integer) as period from keys_in) k
              on f.entity_id = k.entity_id and f.period = k.period
            where {self._approved("f.")}
            group by f.entity_id, f.period, f.item
            """,
            {"keys_in": keys.select(["entity_id", "period"])},
        )

    def last_periods(self, entities: pa.Table) -> pa.Table:
        """Each entity's latest period holding facts."""
        return self._arrow(
            f"""
            select f.entity_id, max(f.period) as period from facts f
            where f.entity_id in (select entity_id from ents_in) and {self._approved("f.")} group by f.entity_id
            """,
            {"ents_in": entities.select(["entity_id"])},
        )

    def write(
        self,
        batch: Batch,
        *,
        user: str = "",
        reason: str = "",
        explanations: Sequence[Explanation] = (),
        status: Status = "approved",
    ) -> WriteResult:
        """Land a checked batch and its explanations in one transaction; files already imported are skipped."""
        user = user or getpass.getuser()
        con = self._con
        result = WriteResult(submissions=[], skipped=[])
        with self._transaction():
            ids: dict[str, int] = {}
            for f in batch.files:
                existing = self.find_submission(f.sha256, f.kind, status)
                if existing is not None:
                    result.skipped.append((f.path.name, existing))
                    continue
                sid = int(self._scalar("select nextval('submission_ids')"))
                now = utc_now()
                con.execute(
                    """insert into submissions (id, created_at, user_name, source, sha256, kind, row_count, reason, status)
                       values (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [sid, now, user, str(f.path), f.sha256, f.kind, f.rows, reason, status],
                )
                ids[str(f.path)] = sid
                result.submissions.append(
                    Submission(sid, now, user, str(f.path), f.sha256, f.kind, f.rows, reason, status)
                )
            self._refuse_closed(batch, ids)
            if ids and status != "approved":
                con.execute("insert or replace into meta values ('reviewed', 'true')")
            if batch.entities is not None:
                self._write_entities(batch.entities, ids)
            if batch.fact_rows and ids:
                self._write_facts(batch, ids)
            if batch.intercompany is not None and batch.intercompany.num_rows and ids:
                self._insert_arrow("intercompany", with_submission_ids(batch.intercompany, ids, [*IC_KEYS, "value"]))
            if batch.targets is not None and not batch.targets.empty:
                t = batch.targets[batch.targets["__source__"].isin(ids)].copy()
                t["submission_id"] = t["__source__"].map(ids)
                t["target"] = t["target"].map(str)
                con.register("new_targets", t[["submission_id", "entity_id", "year", "indicator", "target"]])
                con.execute(
                    "insert into targets select submission_id, entity_id, year, indicator, cast(target as decimal(38, 10)) from new_targets"
                )
                con.unregister("new_targets")
            if explanations:
                self._write_explanations(explanations, ids)
        self.writes += 1
        return result

    def _write_explanations(self, explanations: Sequence[Explanation], ids: dict[str, int]) -> None:
        rows = [
            (ids[x.source], x.entity_id, x.period, item, x.rule, x.sheet, x.row, x.text, x.message_zh, x.message_en)
            for x in explanations
            if x.source in ids
            for item in x.items
        ]
        if rows:
            self._con.executemany("insert into explanations values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _entity_columns(self) -> list[str]:
        rows = self._con.execute(
            "select column_name from information_schema.columns where table_name = 'entity_rows' order by ordinal_position"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def add_entity_columns(self, columns: Sequence[str], *, file: str = "") -> None:
        """Add the entity attribute columns ``entity_rows`` lacks (text), each name checked and quoted.

        The names come from users' files: :func:`attribute_columns` refuses what is not a plain
        heading, the rest enter SQL only as quoted identifiers, and afterwards every one must be a
        column of the table, spelt exactly as given.
        """
        for col in attribute_columns(columns, self._entity_columns(), file=file):
            self._con.execute(f"alter table entity_rows add column {quote_identifier(col)} varchar")
        missing = set(columns) - set(self._entity_columns())
        if missing:  # never reached: a name was changed on its way into the table
            raise GuoziError(
                f"实体属性列未能保存：{sorted(missing)}", f"entity attribute columns not stored: {sorted(missing)}"
            )

    def insert_entity_rows(self, table: pa.Table | pd.DataFrame, columns: Sequence[str]) -> None:
        """Append ``table``'s ``columns`` (already columns of entity_rows) to entity_rows.

        The data is registered under positional names, so only checked, quoted names reach the SQL.
        """
        names = [f"c{i}" for i in range(len(columns))]
        if isinstance(table, pd.DataFrame):
            data: pa.Table | pd.DataFrame = table[list(columns)].set_axis(names, axis=1)
        else:
            data = table.select(list(columns)).rename_columns(names)
        self._con.register("new_entities", data)
        try:
            targets = ", ".join(quote_identifier(c) for c in columns)
            picks = ", ".join(f"c{i}" for i in range(len(columns)))
            self._con.execute(f"insert into entity_rows ({targets}) select {picks} from new_entities")
        finally:
            self._con.unregister("new_entities")

    def _write_entities(self, entities: pd.DataFrame, ids: dict[str, int]) -> None:
        rows = entities[entities["__source__"].isin(ids)].copy()
        if rows.empty:
            return
        attrs = [c for c in rows.columns if c not in ("__row__", "__file__", "__source__")]
        files = sorted({str(f) for f in rows["__file__"]}) if "__file__" in rows.columns else []
        self.add_entity_columns(attrs, file=", ".join(files))
        rows["submission_id"] = rows["__source__"].map(ids)
        out = rows[["submission_id", *attrs]].copy()
        for col in attrs:
            out[col] = out[col].map(lambda v: None if v is None or v == "" else str(v))
        self.insert_entity_rows(out, ["submission_id", *attrs])

    def _insert_arrow(self, table: str, data: pa.Table) -> None:
        """Append ``data``'s rows to ``table`` (a table of guozi's own; its columns by name)."""
        self._con.register("new_rows", data)
        try:
            cols = ", ".join(quote_identifier(c) for c in data.column_names)
            self._con.execute(f"insert into {quote_identifier(table)} ({cols}) select {cols} from new_rows")
        finally:
            self._con.unregister("new_rows")

    def _write_facts(self, batch: Batch, ids: dict[str, int]) -> None:
        """Append the batch's facts of the new submissions ``ids`` (input path → id), streamed, memory bounded.

        The rows flow from :meth:`Batch.fact_stream` straight into ``facts`` (no copy of the whole
        batch): DuckDB scans the record batches as they come, within :func:`memory_limit`, spilling
        beyond it. Whether a figure restates a stored one is asked afterwards, of the table itself.
        """
        con = self._con
        reader, sources = batch.fact_stream()
        mapping = pa.table(
            {
                "source_id": pa.array([k for k, s in enumerate(sources) if s in ids], pa.int32()),
                "submission_id": pa.array([ids[s] for s in sources if s in ids], pa.int64()),
            }
        )
        stored: Any = con.execute("select exists (select 1 from facts)").fetchone()
        with self._bounded():
            con.register("new_facts", reader)
            con.register("new_ids", mapping)
            try:
                con.execute(
                    """insert into facts (submission_id, entity_id, period, item, value)
                       select i.submission_id, n.entity_id, n.period, n.item, n.value
                       from new_facts n join new_ids i on n.source_id = i.source_id"""
                )
            finally:
                con.unregister("new_facts")
                con.unregister("new_ids")
            first = min(ids.values())  # the new submissions' ids come after every stored one's
            restates: Any = (
                con.execute(
                    """select exists (select 1 from facts n join facts f
                        on f.entity_id = n.entity_id and f.period = n.period and f.item = n.item
                        where n.submission_id >= ? and f.submission_id < ?)""",
                    [first, first],
                ).fetchone()
                if stored and stored[0]
                else None
            )
        if restates and restates[0]:
            con.execute("insert or replace into meta values ('restated', 'true')")

    @contextmanager
    def _bounded(self) -> Iterator[None]:
        """The file's connection within :func:`memory_limit`, spilling under :func:`spill_path`, then as before.

        A store in memory is left unbounded: its data is the memory.
        """
        if self.path == ":memory:":
            yield
            return
        con = self._con
        row: Any = con.execute("select current_setting('memory_limit')").fetchone()
        con.execute(f"set memory_limit = {_literal(memory_limit())}")
        with suppress(duckdb.Error):  # DuckDB keeps a temp folder it has already spilled to
            con.execute(f"set temp_directory = {_literal(str(spill_path()))}")
        try:
            yield
        finally:  # not in a failed transaction: the connection is closed with the unit of work anyway
            with suppress(duckdb.Error):
                con.execute(f"set memory_limit = {_literal(str(row[0]))}")

    def close(self) -> None:
        """Close the connection (a later call opens the file again)."""
        with self.lock:
            duck, self._duck = self._duck, None
            if duck is not None:
                duck.close()
