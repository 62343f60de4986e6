"""password resets

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "passwordreset",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_passwordreset_user_id_user")),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_passwordreset")),
    )
    with op.batch_alter_table("passwordreset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passwordreset_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("passwordreset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passwordreset_user_id"))

    op.drop_table("passwordreset")
