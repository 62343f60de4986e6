"""flashcards and cheat sheets

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cheatsheet",
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_cheatsheet_exam_code_exam")),
        sa.PrimaryKeyConstraint("exam_code", "domain", name=op.f("pk_cheatsheet")),
    )
    op.create_table(
        "flashcard",
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("task", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_flashcard_exam_code_exam")),
        sa.PrimaryKeyConstraint("exam_code", "slug", name=op.f("pk_flashcard")),
    )
    op.create_table(
        "flashcardstate",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("card_slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("card", sa.JSON(), nullable=True),
        sa.Column("due", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_grade", sa.Integer(), nullable=True),
        sa.Column("recalled", sa.Integer(), nullable=False),
        sa.Column("lapsed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_flashcardstate_exam_code_exam")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_flashcardstate_user_id_user")),
        sa.PrimaryKeyConstraint("user_id", "exam_code", "card_slug", name=op.f("pk_flashcardstate")),
    )
    with op.batch_alter_table("flashcardstate", schema=None) as batch_op:
        batch_op.create_index("ix_flashcardstate_user_due", ["user_id", "due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flashcardstate", schema=None) as batch_op:
        batch_op.drop_index("ix_flashcardstate_user_due")

    op.drop_table("flashcardstate")
    op.drop_table("flashcard")
    op.drop_table("cheatsheet")
