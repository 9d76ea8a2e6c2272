"""Schema 5: entities' report type, intercompany figures, and the period lifecycle's events.

Revision ID: schema5
Revises: schema4
Create Date: 2026-12-07

A schema-4 store is upgraded in place: entity rows gain ``report_type`` (null: the default by
tree position), and two new append-only tables start empty: ``intercompany`` (what an entity
reports of its trade and balances with a counterparty, versioned by submission like facts) and
``period_events`` (a period opened, closed or reopened, for the whole tree or a root).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "schema5"
down_revision = "schema4"
branch_labels = None
depends_on = None
# text compares byte by byte, as in DuckDB: the same order everywhere, and cheaper indexes
TEXT = sa.Text(collation="C")


def upgrade() -> None:
    op.add_column("entity_rows", sa.Column("report_type", TEXT))
    op.create_table(
        "intercompany",
        sa.Column("submission_id", sa.BigInteger, nullable=False),
        sa.Column("entity_id", TEXT, nullable=False),
        sa.Column("counterparty_id", TEXT, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("item", TEXT, nullable=False),
        sa.Column("value", sa.Numeric(22, 4), nullable=False),
    )
    op.create_index("intercompany_period", "intercompany", ["period", "entity_id"])
    op.execute("create sequence period_event_ids start 1")
    op.create_table(
        "period_events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("user_name", TEXT, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("root", TEXT, nullable=False),
        sa.Column("action", TEXT, nullable=False),
        sa.Column("deadline", sa.Date),
        sa.Column("reason", TEXT, nullable=False, server_default=""),
    )
    op.execute("update meta set value = '5' where key = 'schema_version'")


def downgrade() -> None:
    op.drop_table("period_events")
    op.execute("drop sequence period_event_ids")
    op.drop_table("intercompany")
    op.drop_column("entity_rows", "report_type")
    op.execute("update meta set value = '4' where key = 'schema_version'")
