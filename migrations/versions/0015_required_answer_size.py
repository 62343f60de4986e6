"""required answer size

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questionversion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("attemptitem", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required", sa.Integer(), nullable=False, server_default="1"))
    # Existing versions get it from their content's key (a list of options or steps, or a map of pairs);
    # versions are immutable, so this is final. Items take their version's.
    connection = op.get_bind()
    versions = sa.table(
        "questionversion", sa.column("id", sa.Integer), sa.column("content", sa.JSON), sa.column("required", sa.Integer)
    )
    for version_id, content in connection.execute(sa.select(versions.c.id, versions.c.content)).all():
        required = len((content or {}).get("key") or ()) or 1
        if required != 1:
            connection.execute(versions.update().where(versions.c.id == version_id).values(required=required))
    items = sa.table("attemptitem", sa.column("version_id", sa.Integer), sa.column("required", sa.Integer))
    connection.execute(
        items.update().values(
            required=sa.select(versions.c.required).where(versions.c.id == items.c.version_id).scalar_subquery()
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("attemptitem", schema=None) as batch_op:
        batch_op.drop_column("required")
    with op.batch_alter_table("questionversion", schema=None) as batch_op:
        batch_op.drop_column("required")
