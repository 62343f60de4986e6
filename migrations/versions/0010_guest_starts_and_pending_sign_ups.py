"""guest starts and pending sign-ups

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Attempts guests start, by network address, kept an hour: the limit on guest attempts.
    op.create_table(
        "gueststart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gueststart")),
    )
    with op.batch_alter_table("gueststart", schema=None) as batch_op:
        batch_op.create_index("ix_gueststart_address_at", ["address", "at"], unique=False)

    # Sign-ups waiting for the emailed link to be followed (only when mail is set up).
    op.create_table(
        "pendingsignup",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_pendingsignup")),
    )
    with op.batch_alter_table("pendingsignup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pendingsignup_email"), ["email"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pendingsignup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pendingsignup_email"))

    op.drop_table("pendingsignup")
    with op.batch_alter_table("gueststart", schema=None) as batch_op:
        batch_op.drop_index("ix_gueststart_address_at")

    op.drop_table("gueststart")
