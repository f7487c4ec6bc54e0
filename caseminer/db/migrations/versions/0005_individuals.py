"""individuals_v: one row per distinct individual, patient records joined by confirmed merges

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 11:30:00
"""

from __future__ import annotations

from alembic import op

from caseminer.db import views, views_0004

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in views_0004.drop_view_statements():
        op.execute(statement)
    for statement in views.create_view_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in views.drop_view_statements():
        op.execute(statement)
    for statement in views_0004.create_view_statements(op.get_bind().dialect.name):
        op.execute(statement)
