"""curations: curators' decisions keyed by a fact's identity; the views show curated values

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-12 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from caseminer.db import views_0001, views_0004

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in views_0001.drop_view_statements():
        op.execute(statement)
    op.create_table(
        "curations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("patient_label", sa.String(length=255), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_key", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("correction", sa.Text(), nullable=True),
        sa.Column("other_article_id", sa.Integer(), nullable=True),
        sa.Column("other_patient_label", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("curator", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("doc_id", sa.String(length=255), nullable=True),
        sa.Column("char_start", sa.Integer(), nullable=True),
        sa.Column("char_end", sa.Integer(), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["other_article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("curations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_curations_fact", ["article_id", "patient_label", "field", "value_key"], unique=False
        )
    for statement in views_0004.create_view_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in views_0004.drop_view_statements():
        op.execute(statement)
    with op.batch_alter_table("curations", schema=None) as batch_op:
        batch_op.drop_index("ix_curations_fact")
    op.drop_table("curations")
    for statement in views_0001.create_view_statements(op.get_bind().dialect.name):
        op.execute(statement)
