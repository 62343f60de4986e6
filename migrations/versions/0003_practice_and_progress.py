"""practice and progress

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reviewcard",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("question_slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("due", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_reviewcard_exam_code_exam")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_reviewcard_user_id_user")),
        sa.PrimaryKeyConstraint("user_id", "exam_code", "question_slug", name=op.f("pk_reviewcard")),
    )
    with op.batch_alter_table("reviewcard", schema=None) as batch_op:
        batch_op.create_index("ix_reviewcard_user_due", ["user_id", "due"], unique=False)

    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config", sa.JSON(), nullable=True))

    with op.batch_alter_table("attemptitem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_selection", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("changes", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("checked_at", app.db.tables.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attemptitem", schema=None) as batch_op:
        batch_op.drop_column("checked_at")
        batch_op.drop_column("changes")
        batch_op.drop_column("first_selection")

    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_column("config")

    with op.batch_alter_table("reviewcard", schema=None) as batch_op:
        batch_op.drop_index("ix_reviewcard_user_due")

    op.drop_table("reviewcard")
