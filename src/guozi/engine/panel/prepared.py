"""A panel's queries compiled over placeholders, kept (:mod:`guozi.engine.sqlcache`), and run as SQL text.

The expressions of :mod:`.query` are built over *placeholder* tables (``ibis.table(schema,
name="__guozi_facts__")`` …) instead of the data, and compiled once per shape. To run one, each
placeholder's name in the SQL text is replaced by what holds the data this time: the facts'
own SQL as a subquery, an in-memory table registered on the backend (the tree, the requested
periods), or a temporary table (the pivot shared by several scopes).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import ibis
import ibis.expr.schema as sch
import ibis.expr.types as ir
import pyarrow as pa

from guozi.engine.backends import execute_sql, fetch_sql, register_tables
from guozi.engine.sqlcache import Compiled

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

TOKEN = "__guozi_{}__"


def placeholder(name: str, schema: sch.Schema) -> ir.Table:
    """A table standing for the data of ``name`` in a query compiled once for many calls."""
    return ibis.table(schema, name=TOKEN.format(name))


def compile_over(con: BaseBackend, expr: ir.Table, names: tuple[str, ...]) -> Compiled:
    """``expr`` (over the placeholders ``names``) compiled by ``con``, checked so that each
    placeholder appears only as a table read (``FROM "…"`` or ``JOIN "…"``), where a name or a
    subquery can stand for it."""
    sql = str(con.compile(expr))
    for name in names:
        quoted = re.escape(f'"{TOKEN.format(name)}"')
        if len(re.findall(quoted, sql)) != len(re.findall(rf"\b(?:FROM|JOIN)\s+{quoted}", sql)):
            raise RuntimeError(f"placeholder {name} is used other than as a table in {sql[:200]}")
    return Compiled.of(sql, expr.schema())


def bind(sql: str, refs: Mapping[str, str]) -> str:
    """``sql`` with each placeholder replaced by its table reference or ``(subquery)``."""
    for name, ref in refs.items():
        sql = sql.replace(f'"{TOKEN.format(name)}"', ref)
    if "__guozi_" in sql and re.search(r'"__guozi_\w+__"', sql):
        raise RuntimeError("a placeholder was left unbound")
    return sql


def quoted(name: str) -> str:
    """A table name as a quoted identifier (DuckDB and PostgreSQL alike)."""
    return '"' + name.replace('"', '""') + '"'


def subquery(sql: str) -> str:
    """``sql`` as a subquery standing where a placeholder's table name was."""
    return f"({sql})"


def registered(con: BaseBackend, tables: Mapping[str, ir.Table]) -> dict[str, str]:
    """The in-memory tables (``ibis.memtable``) registered on ``con``; their quoted names, by placeholder."""
    register_tables(con, tables.values())
    return {name: quoted(t.op().name) for name, t in tables.items()}


@contextmanager
def temporary(con: BaseBackend, sql: str) -> Iterator[str]:
    """The result of ``sql`` kept by the backend as a temporary table, dropped at the end; its quoted name."""
    name = quoted(f"guozi_pivot_{uuid.uuid4().hex}")
    execute_sql(con, f"CREATE TEMPORARY TABLE {name} AS {sql}")
    try:
        yield name
    finally:
        execute_sql(con, f"DROP TABLE IF EXISTS {name}")


def fetch(con: BaseBackend, compiled: Compiled, refs: Mapping[str, str]) -> pa.Table:
    """Run ``compiled`` with its placeholders bound to ``refs``; the result as Arrow."""
    return fetch_sql(con, bind(compiled.sql, refs), compiled.schema)
