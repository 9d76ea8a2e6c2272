"""Schema 6: the 提示 of a figure read from its usual writing, kept with its submission.

Revision ID: schema6
Revises: schema5
Create Date: 2026-12-08

A schema-5 store is upgraded in place: the append-only table ``notices`` starts empty. A figure
typed ``(3.5)``, 「７８０」 or ``－12`` (in the xlsx form or the browser form) is stored as the number
read; its row here keeps what was typed and the 提示 naming it, so a draft reopened still says so.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "schema6"
down_revision = "schema5"
branch_labels = None
depends_on = None
# text compares byte by byte, as in DuckDB: the same order everywhere, and cheaper indexes
TEXT = sa.Text(collation="C")


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("submission_id", sa.BigInteger, nullable=False),
        sa.Column("entity_id", TEXT, nullable=False),
        sa.Column("period", sa.Integer, nullable=False),
        sa.Column("item", TEXT, nullable=False),
        sa.Column("rule", TEXT, nullable=False),
        sa.Column("sheet", TEXT, nullable=False),
        sa.Column("row_number", sa.BigInteger),
        sa.Column("found", TEXT, nullable=False),
        sa.Column("message_zh", TEXT, nullable=False),
        sa.Column("message_en", TEXT, nullable=False),
    )
    op.create_index("notices_submission", "notices", ["submission_id"])
    op.execute("update meta set value = '6' where key = 'schema_version'")


def downgrade() -> None:
    op.drop_table("notices")
    op.execute("update meta set value = '5' where key = 'schema_version'")
