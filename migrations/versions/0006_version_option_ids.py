"""version option ids

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questionversion", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("option_ids", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default="")
        )
    # Existing versions get their option ids from their content; versions are immutable, so this is final.
    connection = op.get_bind()
    versions = sa.table(
        "questionversion",
        sa.column("id", sa.Integer),
        sa.column("content", sa.JSON),
        sa.column("option_ids", sa.String),
    )
    for version_id, content in connection.execute(sa.select(versions.c.id, versions.c.content)).all():
        ids = ",".join(option["id"] for option in (content or {}).get("options", []))
        connection.execute(versions.update().where(versions.c.id == version_id).values(option_ids=ids))


def downgrade() -> None:
    with op.batch_alter_table("questionversion", schema=None) as batch_op:
        batch_op.drop_column("option_ids")
