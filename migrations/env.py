"""Alembic environment: the URL comes from the app's settings (or from the caller's config)."""

from alembic import context

from app.config import Settings
from app.db.engine import make_engine
from app.db.tables import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings().resolved_database_url()


def run_offline() -> None:
    context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # Batch mode lets SQLite, which lacks most ALTER TABLE forms, run the same migrations as PostgreSQL.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode makes a table anew and drops the old one, which SQLite refuses while other tables'
        # rows refer to it and foreign keys are enforced. The pragma only takes effect outside a
        # transaction; the keys are checked before the migrations commit.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration leaves rows whose foreign keys point nowhere: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
