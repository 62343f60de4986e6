"""regrade outlives its admin

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A regrade is the record of a change to past results: it stays when its admin's account is deleted.
    with op.batch_alter_table("regrade", schema=None) as batch_op:
        batch_op.alter_column("admin_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("regrade", schema=None) as batch_op:
        batch_op.alter_column("admin_id", existing_type=sa.Integer(), nullable=False)
