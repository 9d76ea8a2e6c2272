"""Schema 3: review statuses, review steps, accounts and the audit log; only approved figures count.

Revision ID: schema3
Revises: schema2
Create Date: 2026-11-27

A schema-2 store is upgraded in place: its submissions keep their rows and become ``approved``
(what every import was before reviews existed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "schema3"
down_revision = "schema2"
branch_labels = None
depends_on = None
# text compares byte by byte, as in DuckDB: the same order everywhere, and cheaper indexes
TEXT = sa.Text(collation="C")


def upgrade() -> None:
    op.add_column("submissions", sa.Column("status", TEXT, server_default="approved"))
    op.execute("create sequence review_ids start 1")
    op.create_table(
        "reviews",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("submission_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("user_name", TEXT, nullable=False),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("comment", TEXT, nullable=False),
    )
    op.create_index("reviews_submission", "reviews", ["submission_id", "id"])
    op.execute(
        """create view submission_status as
           select s.id as submission_id, coalesce(r.status, s.status, 'approved') as status
           from submissions s left join (
               select distinct on (submission_id) submission_id, status from reviews order by submission_id, id desc
           ) r on r.submission_id = s.id"""
    )
    op.execute("create sequence user_version_ids start 1")
    op.create_table(
        "user_versions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("role", TEXT, nullable=False),
        sa.Column("scopes", sa.ARRAY(TEXT), nullable=False),
        sa.Column("password_hash", TEXT, nullable=False),
        sa.Column("display_name", TEXT, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.execute("create sequence audit_ids start 1")
    op.create_table(
        "audit",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("user_name", TEXT, nullable=False),
        sa.Column("action", TEXT, nullable=False),
        sa.Column("target", TEXT, nullable=False),
        sa.Column("before_json", TEXT, nullable=False),
        sa.Column("after_json", TEXT, nullable=False),
    )
    op.execute("update meta set value = '3' where key = 'schema_version'")


def downgrade() -> None:
    op.drop_table("audit")
    op.execute("drop sequence audit_ids")
    op.drop_table("user_versions")
    op.execute("drop sequence user_version_ids")
    op.execute("drop view submission_status")
    op.drop_table("reviews")
    op.execute("drop sequence review_ids")
    op.drop_column("submissions", "status")
    op.execute("update meta set value = '2' where key = 'schema_version'")
