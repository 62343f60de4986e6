"""question case study

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No question has a case study yet: the bank format gains them with this revision.
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_study", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("case_study")
