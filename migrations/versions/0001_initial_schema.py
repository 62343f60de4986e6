"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exam",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("blueprint", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_exam")),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    op.create_table(
        "attempt",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("started_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("position_entered_at", app.db.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finalized_at", app.db.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finalize_reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_attempt_exam_code_exam")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_attempt_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt")),
    )
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.create_index("ix_attempt_user_open", ["user_id", "finalized_at"], unique=False)

    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("task", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_question_exam_code_exam")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("exam_code", "slug", name=op.f("uq_question_exam_code")),
    )
    op.create_table(
        "questionversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], name=op.f("fk_questionversion_question_id_question")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionversion")),
        sa.UniqueConstraint("question_id", "content_hash", name=op.f("uq_questionversion_question_id")),
    )
    with op.batch_alter_table("questionversion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionversion_question_id"), ["question_id"], unique=False)

    op.create_table(
        "attemptitem",
        sa.Column("attempt_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("question_slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("scored", sa.Boolean(), nullable=False),
        sa.Column("option_order", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("selection", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("struck", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("seconds_spent", sa.Float(), nullable=False),
        sa.Column("answered_at", app.db.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], name=op.f("fk_attemptitem_attempt_id_attempt")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["questionversion.id"], name=op.f("fk_attemptitem_version_id_questionversion")
        ),
        sa.PrimaryKeyConstraint("attempt_id", "position", name=op.f("pk_attemptitem")),
    )
    with op.batch_alter_table("attemptitem", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attemptitem_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attemptitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attemptitem_version_id"))

    op.drop_table("attemptitem")
    with op.batch_alter_table("questionversion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionversion_question_id"))

    op.drop_table("questionversion")
    op.drop_table("question")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_user_open")

    op.drop_table("attempt")
    op.drop_table("user")
    op.drop_table("exam")
