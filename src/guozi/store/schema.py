"""The store's schema, written once: every table, its columns with their logical types, keys and sequences.

Both stores and the backup read it: the DuckDB store creates (and upgrades in place) its tables
from it (:func:`duckdb_ddl`), the PostgreSQL store's SQLAlchemy tables are made from it
(:mod:`guozi.store.pgschema`, which Alembic's environment compares against), and a backup
archives and restores exactly these tables and columns (:func:`arrow_schema`). The Alembic
revisions in :mod:`guozi.store.migrations` stay written out by hand, as history; a test checks that
``alembic upgrade head`` gives a PostgreSQL database exactly this schema.

Logical types: ``bigint``, ``integer``, ``text``, ``text[]``, ``boolean``, ``timestamp`` (naive UTC),
``date``, and ``decimal(p, s)``. A column or table has the schema version it appeared in
(``since``): an older DuckDB file gains it when opened, an older backup is restored without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa

from guozi.kernel.units import VALUE_TYPE
from guozi.store.batch import ENTITY_COLUMNS

# 2: submissions, entity rows, facts, targets, explanations; 3: review status, reviews, users, audit;
# 4: fact values decimal(22, 4), up to 10^16 yuan (an older file's column is widened on opening);
# 5: entity_rows.report_type, intercompany (versioned like facts), period_events (the period lifecycle);
# 6: notices (the 提示 of a figure read from its usual writing, (3.5) as −3.5, kept with its draft)
SCHEMA_VERSION = 6
FIRST = 2  # the oldest schema a store can hold (the first release's)
TARGET_TYPE = "decimal(38, 10)"


@dataclass(frozen=True)
class Column:
    """A column: name, logical type, whether it may be null, its default (SQL literal) and first version."""

    name: str
    type: str
    nullable: bool = False
    default: str | None = None
    since: int = FIRST


@dataclass(frozen=True)
class Index:
    """An index (PostgreSQL only: the embedded store scans)."""

    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table: its columns in order, its primary key, the sequence its ids come from, its indexes.

    ``extensible``: the table gains a text column per entity attribute an entities file brings.
    """

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    sequence: str | None = None
    indexes: tuple[Index, ...] = ()
    extensible: bool = False
    since: int = FIRST

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(
    name: str, type_: str = "text", *, nullable: bool = False, default: str | None = None, since: int = FIRST
) -> Column:
    return Column(name, type_, nullable, default, since)


def _about_a_figure(text: str) -> tuple[Column, ...]:
    """The columns of a problem kept about a submission's figure: the figure, the rule, the cell, a
    ``text`` (the filer's explanation of a 核实 problem; what was typed, of a 提示) and the message."""
    return (
        _c("submission_id", "bigint"),
        _c("entity_id"),
        _c("period", "integer"),
        _c("item"),
        _c("rule"),
        _c("sheet"),
        _c("row_number", "bigint", nullable=True),
        _c(text),
        _c("message_zh"),
        _c("message_en"),
    )


_ENTITY = tuple(_c(c, nullable=True, since=5 if c == "report_type" else FIRST) for c in ENTITY_COLUMNS)

# in restore order: meta first (its flags), then the rest
TABLES: tuple[Table, ...] = (
    Table("meta", (_c("key"), _c("value")), primary_key=("key",)),
    Table(
        "submissions",
        (
            _c("id", "bigint"),
            _c("created_at", "timestamp"),
            _c("user_name"),
            _c("source"),
            _c("sha256"),
            _c("kind"),
            _c("row_count", "bigint"),
            _c("reason", default="''"),
            _c("status", nullable=True, default="'approved'", since=3),
        ),
        primary_key=("id",),
        sequence="submission_ids",
        indexes=(Index("submissions_content", ("sha256", "kind")),),
    ),
    Table(
        "reviews",
        (
            _c("id", "bigint"),
            _c("submission_id", "bigint"),
            _c("created_at", "timestamp"),
            _c("user_name"),
            _c("status"),
            _c("comment"),
        ),
        primary_key=("id",),
        sequence="review_ids",
        indexes=(Index("reviews_submission", ("submission_id", "id")),),
        since=3,
    ),
    Table(
        "user_versions",
        (
            _c("id", "bigint"),
            _c("name"),
            _c("role"),
            _c("scopes", "text[]"),
            _c("password_hash"),
            _c("display_name"),
            _c("active", "boolean"),
            _c("created_at", "timestamp"),
        ),
        primary_key=("id",),
        sequence="user_version_ids",
        since=3,
    ),
    Table(
        "audit",
        (
            _c("id", "bigint"),
            _c("created_at", "timestamp"),
            _c("user_name"),
            _c("action"),
            _c("target"),
            _c("before_json"),
            _c("after_json"),
        ),
        primary_key=("id",),
        sequence="audit_ids",
        since=3,
    ),
    Table("entity_rows", (_c("submission_id", "bigint"), *_ENTITY), extensible=True),
    Table(
        "facts",
        (_c("submission_id", "bigint"), _c("entity_id"), _c("period", "integer"), _c("item"), _c("value", VALUE_TYPE)),
        indexes=(Index("facts_entity_period", ("entity_id", "period")),),
    ),
    Table(
        "targets",
        (
            _c("submission_id", "bigint"),
            _c("entity_id"),
            _c("year", "integer"),
            _c("indicator"),
            _c("target", TARGET_TYPE),
        ),
    ),
    Table("explanations", _about_a_figure("explanation")),
    Table(
        "intercompany",
        (
            _c("submission_id", "bigint"),
            _c("entity_id"),
            _c("counterparty_id"),
            _c("period", "integer"),
            _c("item"),
            _c("value", VALUE_TYPE),
        ),
        indexes=(Index("intercompany_period", ("period", "entity_id")),),
        since=5,
    ),
    Table(
        "period_events",
        (
            _c("id", "bigint"),
            _c("created_at", "timestamp"),
            _c("user_name"),
            _c("period", "integer"),
            _c("root"),
            _c("action"),
            _c("deadline", "date", nullable=True),
            _c("reason", default="''"),
        ),
        primary_key=("id",),
        sequence="period_event_ids",
        since=5,
    ),
    Table(
        "notices",
        _about_a_figure("found"),
        indexes=(Index("notices_submission", ("submission_id",)),),
        since=6,
    ),
)
BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
SEQUENCES: dict[str, str] = {t.sequence: t.name for t in TABLES if t.sequence}  # sequence → its table
VIEWS = ("submission_status",)  # (submission_id, status): each submission's current review status

_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")


def decimal_of(type_: str) -> tuple[int, int] | None:
    """(precision, scale) of a ``decimal(p, s)`` type, else ``None``."""
    m = _DECIMAL.fullmatch(type_.strip().lower())
    return (int(m.group(1)), int(m.group(2))) if m else None


def arrow_type(type_: str) -> pa.DataType:
    """The Arrow type of a logical type (a backup's Parquet columns)."""
    dec = decimal_of(type_)
    if dec is not None:
        return pa.decimal128(*dec)
    return {
        "bigint": pa.int64(),
        "integer": pa.int32(),
        "text": pa.string(),
        "text[]": pa.list_(pa.string()),
        "boolean": pa.bool_(),
        "timestamp": pa.timestamp("us"),
        "date": pa.date32(),
    }[type_]


def arrow_schema(table: str, extra: list[str] | tuple[str, ...] = ()) -> pa.Schema:
    """The Arrow schema of ``table``: its columns, and text for an extensible table's ``extra`` ones."""
    t = BY_NAME[table]
    fields = [pa.field(c.name, arrow_type(c.type)) for c in t.columns]  # nullable: as archives always were
    if t.extensible:
        fields += [pa.field(c, pa.string()) for c in extra if c not in t.names]
    return pa.schema(fields)


def duckdb_type(type_: str) -> str:
    """The DuckDB spelling of a logical type."""
    return {"text": "varchar", "text[]": "varchar[]"}.get(type_, type_)


def _duckdb_column(c: Column, *, constraints: bool = True) -> str:
    out = f"{c.name} {duckdb_type(c.type)}"
    if constraints and not c.nullable:
        out += " not null"
    if c.default is not None:
        out += f" default {c.default}"
    return out


def duckdb_ddl() -> list[str]:
    """The statements creating every sequence and table of a DuckDB store, or adding what an older file lacks.

    ``create … if not exists`` leaves an existing table as it is; a column newer than its table is
    then added by ``alter table … add column if not exists`` (DuckDB adds no ``not null`` to an
    existing table: such columns are nullable in the schema). The view is the DuckDB store's.
    """
    out: list[str] = []
    for t in TABLES:
        if t.sequence:
            out.append(f"create sequence if not exists {t.sequence} start 1")
        cols = [_duckdb_column(c) for c in t.columns]
        if t.primary_key:
            cols.append(f"primary key ({', '.join(t.primary_key)})")
        out.append(f"create table if not exists {t.name} ({', '.join(cols)})")
        out.extend(
            f"alter table {t.name} add column if not exists {_duckdb_column(c, constraints=False)}"
            for c in t.columns
            if c.since > t.since
        )
    return out
