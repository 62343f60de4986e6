"""Migrations are the only way the schema is made: they reach head and match the tables exactly."""

from sqlalchemy import inspect

from app.db import migrate
from app.db.engine import make_engine
from tests.conftest import create_pg_database, drop_pg_database


def _upgrade_and_check(url):
    migrate.upgrade(url)
    migrate.check(url)
    migrate.upgrade(url)  # a second run is a no-op
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"exam", "question", "questionversion", "user", "attempt", "attemptitem"} <= tables


def test_migrations_reach_head_and_match_the_models_on_sqlite(empty_database_url):
    _upgrade_and_check(empty_database_url)


def test_migrations_reach_head_and_match_the_models_on_postgresql(pg_server):
    name, url = create_pg_database(pg_server)
    try:
        _upgrade_and_check(url)
    finally:
        drop_pg_database(pg_server, name)
