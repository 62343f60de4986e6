"""problem reports and regrades

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "problemreport",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("question_slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_problemreport_exam_code_exam")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_problemreport_user_id_user")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["questionversion.id"], name=op.f("fk_problemreport_version_id_questionversion")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problemreport")),
    )
    with op.batch_alter_table("problemreport", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problemreport_question_slug"), ["question_slug"], unique=False)

    op.create_table(
        "regrade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=False),
        sa.Column("exam_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("question_slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["admin_id"], ["user.id"], name=op.f("fk_regrade_admin_id_user")),
        sa.ForeignKeyConstraint(["exam_code"], ["exam.code"], name=op.f("fk_regrade_exam_code_exam")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["questionversion.id"], name=op.f("fk_regrade_version_id_questionversion")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regrade")),
    )


def downgrade() -> None:
    op.drop_table("regrade")
    with op.batch_alter_table("problemreport", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problemreport_question_slug"))

    op.drop_table("problemreport")
