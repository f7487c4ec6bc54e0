"""ingest_runs.failed_sources: the search sources a run could not reach, with their errors

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        # Runs recorded before this revision had no failed source to name.
        batch_op.add_column(sa.Column("failed_sources", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.drop_column("failed_sources")
