"""imports and api tokens

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "apitoken",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_apitoken_user_id_user")),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_apitoken")),
    )
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apitoken_user_id"), ["user_id"], unique=False)

    op.create_table(
        "importbatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("committed_at", app.db.tables.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_importbatch_exam_code_exam")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_importbatch_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_importbatch")),
    )


def downgrade() -> None:
    op.drop_table("importbatch")
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apitoken_user_id"))

    op.drop_table("apitoken")
