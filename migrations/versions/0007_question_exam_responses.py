"""question exam responses

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exam_responses", sa.Integer(), nullable=False, server_default="0"))
    # The count starts from the history so far: items of finalized exams, per exam and question.
    op.execute("""
        UPDATE question SET exam_responses = (
            SELECT count(*) FROM attemptitem JOIN attempt ON attempt.id = attemptitem.attempt_id
            WHERE attempt.exam_code = question.exam_code AND attemptitem.question_slug = question.slug
              AND attempt.mode = 'exam' AND attempt.finalized_at IS NOT NULL)
    """)


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("exam_responses")
