"""patient_variants.transcript: the reference sequence the article gives a c. change (NM_...)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patient_variants", schema=None) as batch_op:
        # Variants stored before this revision were read without their transcript: unknown.
        batch_op.add_column(sa.Column("transcript", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patient_variants", schema=None) as batch_op:
        batch_op.drop_column("transcript")
