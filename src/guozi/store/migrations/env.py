"""Alembic's environment: migrate over the connection the store hands in (or ``sqlalchemy.url``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from guozi.store.pgschema import metadata

config = context.config


def run() -> None:
    """Run the migrations online; offline (SQL script) mode is not offered."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=sa.NullPool)
        with engine.begin() as con:
            context.configure(connection=con, target_metadata=metadata)
            with context.begin_transaction():
                context.run_migrations()
        engine.dispose()
        return
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


run()
