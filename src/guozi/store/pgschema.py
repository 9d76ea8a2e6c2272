"""The PostgreSQL store's tables as SQLAlchemy Core objects, made from :mod:`guozi.store.schema`.

What Alembic's head revision creates; Alembic's environment compares against :data:`metadata`.
Text columns compare byte by byte (collation ``C``), as in DuckDB: the same order everywhere, and
cheaper indexes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from guozi.store.schema import SEQUENCES, TABLES, Column, Table, decimal_of

metadata = sa.MetaData()
TEXT = sa.Text(collation="C")


def sa_type(type_: str) -> sa.types.TypeEngine[Any]:
    """The SQLAlchemy type of a logical type on PostgreSQL."""
    dec = decimal_of(type_)
    if dec is not None:
        return sa.Numeric(*dec)
    types: dict[str, sa.types.TypeEngine[Any]] = {
        "bigint": sa.BigInteger(),
        "integer": sa.Integer(),
        "text": TEXT,
        "text[]": sa.ARRAY(TEXT),
        "boolean": sa.Boolean(),
        "timestamp": sa.DateTime(),
        "date": sa.Date(),
    }
    return types[type_]


def _column(t: Table, c: Column) -> sa.Column[Any]:
    default = None if c.default is None else c.default.strip("'")
    return sa.Column(
        c.name,
        sa_type(c.type),
        primary_key=c.name in t.primary_key,
        autoincrement=False,
        nullable=c.nullable and c.name not in t.primary_key,
        server_default=default,
    )


for _seq in SEQUENCES:
    sa.Sequence(_seq, metadata=metadata)
for _t in TABLES:
    sa.Table(
        _t.name,
        metadata,
        *(_column(_t, c) for c in _t.columns),
        *(sa.Index(i.name, *i.columns) for i in _t.indexes),
    )
