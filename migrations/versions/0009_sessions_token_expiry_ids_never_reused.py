"""sessions, token expiry, ids never reused

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db.tables

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose integer ids a browser or a link holds; on SQLite only AUTOINCREMENT keeps a deleted row's id
# from being handed out again, and it can only be given to a table by making the table anew.
NEVER_REUSED = ("user", "importbatch", "problemreport", "regrade")
EXISTING_TOKENS_LAST = timedelta(days=90)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in NEVER_REUSED:
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass

    # A session is a row: the cookie names it by a random token, and ending it deletes the row. Cookies of
    # the old kind named only a user id; they no longer open anything.
    op.create_table(
        "browsersession",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_browsersession_user_id_user")),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_browsersession")),
    )
    with op.batch_alter_table("browsersession", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_browsersession_user_id"), ["user_id"], unique=False)

    # Tokens made before expiry existed get 90 days from the upgrade.
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", app.db.tables.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", app.db.tables.UTCDateTime(timezone=True), nullable=True))
    apitoken = sa.table("apitoken", sa.column("expires_at", app.db.tables.UTCDateTime(timezone=True)))
    op.execute(apitoken.update().values(expires_at=datetime.now(UTC) + EXISTING_TOKENS_LAST))
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=app.db.tables.UTCDateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("apitoken", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("expires_at")

    with op.batch_alter_table("browsersession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_browsersession_user_id"))

    op.drop_table("browsersession")
