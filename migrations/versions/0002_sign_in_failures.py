"""sign-in failures

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signinfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signinfailure")),
    )
    with op.batch_alter_table("signinfailure", schema=None) as batch_op:
        batch_op.create_index("ix_signinfailure_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_signinfailure_email_at", ["email", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signinfailure", schema=None) as batch_op:
        batch_op.drop_index("ix_signinfailure_email_at")
        batch_op.drop_index("ix_signinfailure_address_at")

    op.drop_table("signinfailure")
