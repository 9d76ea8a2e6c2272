"""Schema 2, the first release's tables: submissions, entity rows, facts, targets, explanations, meta.

Revision ID: schema2
Revises:
Create Date: 2026-11-27

The tables are spelled out here as they were, not imported from the current model, so this
revision creates the same schema whatever later revisions change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "schema2"
down_revision = None
branch_labels = None
depends_on = None
# text compares byte by byte, as in DuckDB: the same order everywhere, and cheaper indexes
TEXT = sa.Text(collation="C")


def upgrade() -> None:
    op.execute("create sequence submission_ids start 1")
    op.create_table(
        "submissions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("user_name", TEXT, nullable=False),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("sha256", TEXT, nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("row_count", sa.BigInteger, nullable=False),
        sa.Column("reason", TEXT, nullable=False, server_default=""),
    )
    op.create_index("submissions_content", "submissions", ["sha256", "kind"])
    op.create_table(
        "entity_rows",
        sa.Column("submission_id", sa.BigInteger, nullable=False),
        *(
            sa.Column(c, TEXT)
            for c in ("entity_id", "name", "parent_id", "industry", "category", "region", "valid_from", "valid_to")
        ),
    )
    op.create_table(
        "facts",
        sa.Column("submission_id", sa.BigInteger, nullable=False),
        sa.Column("entity_id", TEXT, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("item", TEXT, nullable=False),
        sa.Column("value", sa.Numeric(18, 4), nullable=False),
    )
    # the lookups of validation and history are by entity and period; a narrow index keeps COPY fast
    op.create_index("facts_entity_period", "facts", ["entity_id", "period"])
    op.create_table(
        "targets",
        sa.Column("submission_id", sa.BigInteger, nullable=False),
        sa.Column("entity_id", TEXT, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("indicator", TEXT, nullable=False),
        sa.Column("target", sa.Numeric(38, 10), nullable=False),
    )
    op.create_table(
        "explanations",
        sa.Column("submission_id", sa.BigInteger, nullable=False),
        sa.Column("entity_id", TEXT, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("item", TEXT, nullable=False),
        sa.Column("rule", TEXT, nullable=False),
        sa.Column("sheet", TEXT, nullable=False),
        sa.Column("row_number", sa.BigInteger),
        sa.Column("explanation", TEXT, nullable=False),
        sa.Column("message_zh", TEXT, nullable=False),
        sa.Column("message_en", TEXT, nullable=False),
    )
    op.create_table("meta", sa.Column("key", TEXT, primary_key=True), sa.Column("value", TEXT, nullable=False))
    op.execute("insert into meta values ('schema_version', '2')")


def downgrade() -> None:
    for table in ("meta", "explanations", "targets", "facts", "entity_rows", "submissions"):
        op.drop_table(table)
    op.execute("drop sequence submission_ids")
