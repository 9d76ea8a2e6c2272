"""Schema 4: fact values numeric(22, 4), so amounts up to 10^16 yuan are stored exactly.

Revision ID: schema4
Revises: schema3
Create Date: 2026-12-07

A schema-3 store is upgraded in place: widening numeric(18, 4) to numeric(22, 4) keeps every
value as it was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "schema4"
down_revision = "schema3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("facts", "value", type_=sa.Numeric(22, 4), existing_type=sa.Numeric(18, 4), existing_nullable=False)
    op.execute("update meta set value = '4' where key = 'schema_version'")


def downgrade() -> None:
    # refused by PostgreSQL (numeric field overflow) if a value above 10^14 was stored since
    op.alter_column("facts", "value", type_=sa.Numeric(18, 4), existing_type=sa.Numeric(22, 4), existing_nullable=False)
    op.execute("update meta set value = '3' where key = 'schema_version'")
