"""The server store: PostgreSQL, the same append-only tables as the DuckDB file, migrated by Alembic.

Semantics are the embedded store's (:mod:`guozi.store.duckdb`): nothing is updated in place, a
restated figure is a new ``facts`` row of a later submission, the current value is the latest
approved submission's, a review step and an account version are appended rows, and an import
is one transaction. The schema is :mod:`guozi.store.schema` (as SQLAlchemy tables: :mod:`guozi.store.pgschema`), created and upgraded by the
Alembic scripts of :mod:`guozi.store.migrations` when the store is opened.

Many writers at once: an import first copies its facts into a temporary table of its own
session (``COPY``, in parallel with the others), then takes one transaction-scoped advisory
lock for the checks and inserts that must not interleave: whether a file (sha256, kind) is
already stored, the submission ids (from a sequence), whether a figure restates another, the
extra entity columns. So a file imported by two users at once is stored once, every version
gets its own id in commit order, and none is lost.

The engine computes on the server: :meth:`PostgresStore.backend` is an Ibis PostgreSQL backend and
:meth:`PostgresStore.facts` an Ibis expression over it.
"""

from __future__ import annotations

import getpass
import io
import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import ibis
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from ibis.backends.postgres import Backend
from psycopg import sql

from guozi.kernel.errors import GuoziError
from guozi.kernel.units import STORE_SCALE, VALUE_PRECISION, VALUE_TYPE
from guozi.store.base import Explanation, Status, Submission, WriteResult
from guozi.store.batch import Batch
from guozi.store.schema import BY_NAME, SCHEMA_VERSION
from guozi.store.sql import IC_KEYS, SQLStatements, attribute_columns, utc_now, with_submission_ids

HEAD = f"schema{SCHEMA_VERSION}"
# advisory lock keys (arbitrary constants): one for migrations, one for the inserts of an import
MIGRATE_LOCK = 7_020_250_001
WRITE_LOCK = 7_020_250_002

FACT_TYPES = pa.schema(
    [
        ("entity_id", pa.string()),
        ("period", pa.int32()),
        ("item", pa.string()),
        ("value", pa.decimal128(VALUE_PRECISION, STORE_SCALE)),
    ]
)


def parse_url(url: str) -> dict[str, Any]:
    """``postgresql://user:password@host:port/database?options`` as connection keywords."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise GuoziError(
            f"PostgreSQL 存储地址应为 postgresql://用户@主机:端口/数据库，实为 {url}",
            f"a PostgreSQL store URL is postgresql://user@host:port/database, not {url}",
        )
    kwargs: dict[str, Any] = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": unquote(parts.username) if parts.username else getpass.getuser(),
        "dbname": unquote(parts.path.lstrip("/")),
    }
    if parts.password is not None:
        kwargs["password"] = unquote(parts.password)
    kwargs.update(parse_qsl(parts.query))
    return kwargs


def without_password(url: str) -> str:
    """``url`` without its password (libpq then takes it from ``PGPASSWORD`` or ``~/.pgpass``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def _alembic_config(connection: sa.Connection) -> Any:
    from alembic.config import Config  # noqa: PLC0415 - Alembic (0.5 s to import) only when migrating

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("guozi.store") / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (Alembic), one process at a time."""
    from alembic import command  # noqa: PLC0415 - Alembic (0.5 s to import) only when migrating

    kw = parse_url(url)
    engine = sa.create_engine(
        sa.URL.create(
            "postgresql+psycopg",
            username=kw.pop("user"),
            password=kw.pop("password", None),
            host=kw.pop("host"),
            port=kw.pop("port"),
            database=kw.pop("dbname"),
            query=kw,
        ),
        poolclass=sa.NullPool,
    )
    try:
        with engine.begin() as con:
            con.execute(sa.text("select pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
            command.upgrade(_alembic_config(con), revision)
    finally:
        engine.dispose()


def _csv(table: pa.Table) -> bytes:
    """A table as CSV for ``COPY … (format csv, header)``: nulls empty, strings quoted."""
    buf = io.BytesIO()
    pacsv.write_csv(table, buf)
    return buf.getvalue()


class PostgresStore(SQLStatements):
    """The store on a PostgreSQL server (``postgresql://user@host:port/database``)."""

    _param = "%s"

    def __init__(self, url: str) -> None:
        self.url = without_password(url)  # shown in messages, manifests and lakes: never the password
        kw = parse_url(url)
        migrate(url)
        # one connection for guozi's own statements, shared by the threads of the web application:
        # a lock keeps one thread's transaction from taking in another's statements
        self.lock = threading.RLock()
        self._pg = psycopg.connect(**kw, autocommit=True)
        ibis_kw = {k: v for k, v in kw.items() if k != "dbname"}
        self._ibis: Backend = ibis.postgres.connect(database=kw["dbname"], **ibis_kw)
        self._set_meta("schema_version", str(SCHEMA_VERSION))
        self.writes = 0

    # --- plumbing
    def backend(self) -> Backend:
        """The Ibis backend on the server."""
        return self._ibis

    def _rows(self, query: str | sql.Composable, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock, self._pg.cursor() as cur:
            cur.execute(query, params)  # type: ignore[arg-type]
            return cur.fetchall()

    def _frame(self, query: str | sql.Composable, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self.lock, self._pg.cursor() as cur:
            cur.execute(query, params)  # type: ignore[arg-type]
            names = [d.name for d in cur.description or []]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def _execute(self, query: str | sql.Composable, params: Sequence[Any] = ()) -> None:
        with self.lock:
            self._pg.execute(query, params)  # type: ignore[arg-type]

    def _set_meta(self, key: str, value: str) -> None:
        self._execute(
            "insert into meta values (%s, %s) on conflict (key) do update set value = excluded.value", [key, value]
        )

    def _write_lock(self) -> None:
        """Inside a transaction: one writer at a time for the checks and inserts that must not interleave."""
        self._pg.execute("select pg_advisory_xact_lock(%s)", [WRITE_LOCK])

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A transaction, or a savepoint inside the one already open (atomic()): the outermost commits."""
        with self.lock, self._pg.transaction():
            yield self._pg

    # --- reading
    def entities(self) -> pd.DataFrame:
        """Each entity's rows from the latest approved submission that listed it."""
        frame = self._frame(
            f"""
            select * from entity_rows
            where (entity_id, submission_id) in (
                select entity_id, max(submission_id) from entity_rows where {self._approved()} group by entity_id)
            order by entity_id, valid_from nulls first
            """
        ).drop(columns="submission_id")
        out: pd.DataFrame = frame.astype(object).where(frame.notna(), None)
        return out

    def targets(self) -> pd.DataFrame:
        """The latest target of each (entity, year, indicator); types as the DuckDB store's."""
        frame = self._frame(
            f"""
            select distinct on (entity_id, year, indicator) entity_id, year, indicator, target
            from targets where {self._approved()} order by entity_id, year, indicator, submission_id desc
            """
        )
        return frame.astype({"entity_id": "str", "year": "int32", "indicator": "str", "target": "float64"})

    def submission_facts(self, submission_id: int) -> pa.Table:
        """The facts a submission brought, whatever its status."""
        rows = self._rows(
            """select entity_id, period, item, value from facts where submission_id = %s
               order by entity_id, period, item""",
            [submission_id],
        )
        return pa.Table.from_pylist([dict(zip(FACT_TYPES.names, r, strict=True)) for r in rows], schema=FACT_TYPES)

    def current_values(self, keys: pa.Table) -> pa.Table:
        """The current value of every item of the (entity_id, period) ``keys``."""
        rows = self._rows(
            f"""
            select distinct on (f.entity_id, f.period, f.item) f.entity_id, f.period, f.item, f.value
            from facts f join (select distinct * from unnest(%s::text[], %s::integer[]) as k(entity_id, period)) k
              on f.entity_id = k.entity_id and f.period = k.period
            where {self._approved("f.")}
            order by f.entity_id, f.period, f.item, f.submission_id desc
            """,
            [keys.column("entity_id").to_pylist(), keys.column("period").to_pylist()],
        )
        return pa.Table.from_pylist([dict(zip(FACT_TYPES.names, r, strict=True)) for r in rows], schema=FACT_TYPES)

    def last_periods(self, entities: pa.Table) -> pa.Table:
        """Each entity's latest period holding approved facts."""
        rows = self._rows(
            f"""select entity_id, max(period) from facts
                where entity_id = any(%s::text[]) and {self._approved()} group by entity_id""",
            [entities.column("entity_id").to_pylist()],
        )
        return pa.table(
            {
                "entity_id": pa.array([r[0] for r in rows], pa.string()),
                "period": pa.array([r[1] for r in rows], pa.int32()),
            }
        )

    # --- writing
    def write(
        self,
        batch: Batch,
        *,
        user: str = "",
        reason: str = "",
        explanations: Sequence[Explanation] = (),
        status: Status = "approved",
    ) -> WriteResult:
        """Land a checked batch and its explanations in one transaction; files already stored are skipped."""
        user = user or getpass.getuser()
        result = WriteResult(submissions=[], skipped=[])
        with self._transaction() as con:
            sources = self._stage_facts(batch) if batch.fact_rows else None
            self._write_lock()
            ids: dict[str, int] = {}
            for f in batch.files:
                existing = self.find_submission(f.sha256, f.kind, status)
                if existing is not None:
                    result.skipped.append((f.path.name, existing))
                    continue
                now = utc_now()
                row = con.execute(
                    """insert into submissions (id, created_at, user_name, source, sha256, kind, row_count, reason, status)
                       values (nextval('submission_ids'), %s, %s, %s, %s, %s, %s, %s, %s) returning id""",
                    [now, user, str(f.path), f.sha256, f.kind, f.rows, reason, status],
                ).fetchone()
                assert row is not None
                sid = int(row[0])
                ids[str(f.path)] = sid
                result.submissions.append(
                    Submission(sid, now, user, str(f.path), f.sha256, f.kind, f.rows, reason, status)
                )
            self._refuse_closed(batch, ids)
            if ids and status != "approved":
                self._set_meta("reviewed", "true")
            if batch.entities is not None:
                self._write_entities(batch.entities, ids)
            if sources is not None and ids:
                self._write_facts(ids, sources)
            if batch.intercompany is not None and batch.intercompany.num_rows and ids:
                self.copy_arrow("intercompany", with_submission_ids(batch.intercompany, ids, [*IC_KEYS, "value"]))
            if batch.targets is not None and not batch.targets.empty:
                self._write_targets(batch.targets, ids)
            if explanations:
                self._write_explanations(explanations, ids)
        self.writes += 1
        return result

    def _copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        query = sql.SQL("copy {} ({}) from stdin").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        with self._pg.cursor() as cur, cur.copy(query) as copy:
            for r in rows:
                copy.write_row(r)

    def copy_arrow(self, table: str, data: pa.Table) -> None:
        """Append an Arrow table's rows to ``table`` (its columns by name) with one ``COPY``."""
        query = sql.SQL("copy {} ({}) from stdin with (format csv, header true)").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in data.column_names)
        )
        body = _csv(data)
        with self._pg.cursor() as cur, cur.copy(query) as copy:
            for start in range(0, len(body), 1 << 20):
                copy.write(body[start : start + (1 << 20)])

    def _stage_facts(self, batch: Batch) -> tuple[str, ...]:
        """The batch's facts streamed into a temporary table of this session, one ``COPY`` of CSV chunks.

        Each record batch of :meth:`Batch.fact_stream` is written as CSV and sent as it comes: the
        batch is never one table in memory. The rows carry ``source_id``; the sources it indexes are returned.
        """
        self._pg.execute("drop table if exists staged_facts")  # a second write in one atomic()
        self._pg.execute(
            f"""create temporary table staged_facts (source_id integer, entity_id text collate "C", period integer,
                item text collate "C",
                value {VALUE_TYPE}) on commit drop"""
        )
        reader, sources = batch.fact_stream()
        columns = ["source_id", "entity_id", "period", "item", "value"]
        query = sql.SQL("copy staged_facts ({}) from stdin with (format csv)").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        plain = pacsv.WriteOptions(include_header=False)
        with self._pg.cursor() as cur, cur.copy(query) as copy:
            for part in reader:
                buf = io.BytesIO()
                pacsv.write_csv(pa.Table.from_batches([part]).select(columns), buf, plain)
                copy.write(buf.getvalue())
        return sources

    def _write_facts(self, ids: dict[str, int], sources: Sequence[str]) -> None:
        con = self._pg
        mapping = [[k for k, s in enumerate(sources) if s in ids], [ids[s] for s in sources if s in ids]]
        row = con.execute(
            """select exists (select 1 from facts f join staged_facts n
                on f.entity_id = n.entity_id and f.period = n.period and f.item = n.item
                where n.source_id = any(%s::integer[]))""",
            [mapping[0]],
        ).fetchone()
        con.execute(
            """insert into facts (submission_id, entity_id, period, item, value)
               select i.submission_id, n.entity_id, n.period, n.item, n.value
               from staged_facts n join unnest(%s::integer[], %s::bigint[]) as i(source_id, submission_id)
                 on n.source_id = i.source_id""",
            mapping,
        )
        if row is not None and row[0]:
            self._set_meta("restated", "true")

    def _write_entities(self, entities: pd.DataFrame, ids: dict[str, int]) -> None:
        rows = entities[entities["__source__"].isin(ids)]
        if rows.empty:
            return
        attrs = [c for c in rows.columns if c not in ("__row__", "__file__", "__source__")]
        files = sorted({str(f) for f in rows["__file__"]}) if "__file__" in rows.columns else []
        self._add_entity_columns(attrs, file=", ".join(files))
        values = [
            [
                ids[str(src)],
                *(None if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) else str(v) for v in rec),
            ]
            for src, rec in zip(rows["__source__"], rows[attrs].itertuples(index=False), strict=True)
        ]
        self._copy_rows("entity_rows", ["submission_id", *attrs], values)

    def _add_entity_columns(self, columns: Sequence[str], *, file: str = "") -> None:
        """Add the entity attribute columns ``entity_rows`` lacks (text, as every attribute).

        The names come from users' files: :func:`attribute_columns` refuses what is not a plain
        heading (PostgreSQL would cut a name past 63 bytes), the rest enter SQL only through
        psycopg's :class:`~psycopg.sql.Identifier`, and afterwards every one must be a column.
        """

        def existing() -> list[str]:
            query = "select column_name from information_schema.columns where table_name = 'entity_rows'"
            return [str(r[0]) for r in self._rows(query)]

        for col in attribute_columns(columns, existing(), file=file):
            self._execute(
                sql.SQL('alter table entity_rows add column if not exists {} text collate "C"').format(
                    sql.Identifier(col)
                )
            )
        missing = set(columns) - set(existing())
        if missing:  # never reached: a name was changed on its way into the table
            raise GuoziError(
                f"实体属性列未能保存：{sorted(missing)}", f"entity attribute columns not stored: {sorted(missing)}"
            )

    def _write_targets(self, new: pd.DataFrame, ids: dict[str, int]) -> None:
        t = new[new["__source__"].isin(ids)]
        values = [
            [ids[str(src)], entity, int(year), indicator, str(target)]
            for src, entity, year, indicator, target in zip(
                t["__source__"], t["entity_id"], t["year"], t["indicator"], t["target"], strict=True
            )
        ]
        self._copy_rows("targets", ["submission_id", "entity_id", "year", "indicator", "target"], values)

    def _write_explanations(self, notes: Sequence[Explanation], ids: dict[str, int]) -> None:
        rows = [
            (ids[x.source], x.entity_id, x.period, item, x.rule, x.sheet, x.row, x.text, x.message_zh, x.message_en)
            for x in notes
            if x.source in ids
            for item in x.items
        ]
        self._copy_rows("explanations", BY_NAME["explanations"].names, rows)

    def load_tables(self, tables: Mapping[str, pa.Table], next_ids: Mapping[str, int]) -> None:
        """Load the tables of a backup (:mod:`guozi.store.backup`) in one transaction; ids continue after theirs."""
        with self._transaction() as con:
            con.execute("select pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            attrs = [c for c in tables["entity_rows"].column_names if c != "submission_id"]
            self._add_entity_columns(attrs, file="entity_rows.parquet")
            for name, table in tables.items():
                if name == "meta":
                    for key, value in zip(table["key"].to_pylist(), table["value"].to_pylist(), strict=True):
                        self._set_meta(str(key), str(value))
                elif name == "user_versions":  # scopes is a list: row by row
                    self._copy_rows(name, table.column_names, [list(r.values()) for r in table.to_pylist()])
                elif table.num_rows:
                    self.copy_arrow(name, table)
            for seq, start in next_ids.items():
                con.execute("select setval(%s, %s, false)", [seq, start])

    def close(self) -> None:
        """Close both connections."""
        with self.lock:
            self._ibis.disconnect()
            self._pg.close()
