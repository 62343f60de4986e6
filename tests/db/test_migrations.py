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


def test_a_database_populated_at_the_first_migration_keeps_its_data_at_head(tmp_path):
    """Written against revision 0001's schema with plain SQL, so later migrations must carry the rows."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0001")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO exam (code, title, blueprint, content_hash) VALUES ('OLD-01', 'Old', '{}', 'h')")
        )
        connection.execute(
            text("INSERT INTO \"user\" (id, role, created_at) VALUES (1, 'candidate', '2026-01-01 00:00:00')")
        )
        connection.execute(
            text(
                "INSERT INTO attempt (id, user_id, exam_code, mode, seed, minutes, started_at, deadline, position) "
                "VALUES ('a1', 1, 'OLD-01', 'exam', 7, 180, '2026-01-01 00:00:00', '2026-01-01 03:00:00', 4)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO question (id, exam_code, slug, domain, task, status) "
                "VALUES (1, 'OLD-01', 'q', 'D1', '1.1', 'active')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO questionversion (id, question_id, content_hash, content, created_at) "
                'VALUES (1, 1, \'h\', \'{"options": [{"id": "A"}, {"id": "B"}], "key": ["A", "B"]}\', '
                "'2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO attemptitem (attempt_id, position, version_id, question_slug, domain, scored, "
                "option_order, selection, struck, flagged, seconds_spent) "
                "VALUES ('a1', 1, 1, 'q', 'D1', 1, 'A,B,C,D', 'B', '', 0, 12)"
            )
        )
        for finished in ("f1", "f2"):
            connection.execute(
                text(
                    "INSERT INTO attempt (id, user_id, exam_code, mode, seed, minutes, started_at, deadline, position, "
                    f"finalized_at) VALUES ('{finished}', 1, 'OLD-01', 'exam', 7, 180, '2026-01-01 00:00:00', "
                    "'2026-01-01 03:00:00', 1, '2026-01-01 01:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO attemptitem (attempt_id, position, version_id, question_slug, domain, scored, "
                    "option_order, selection, struck, flagged, seconds_spent) "
                    f"VALUES ('{finished}', 1, 1, 'q', 'D1', 1, 'A,B', '', '', 0, 0)"
                )
            )
    migrate.upgrade(url)
    migrate.check(url)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT exam_code, seed, position FROM attempt WHERE id = 'a1'")).one()
        item = connection.execute(
            text("SELECT selection, changes, first_selection FROM attemptitem WHERE attempt_id = 'a1'")
        ).one()
        option_ids = connection.execute(text("SELECT option_ids FROM questionversion WHERE id = 1")).scalar()
        responses = connection.execute(text("SELECT exam_responses FROM question WHERE id = 1")).scalar()
        required = connection.execute(
            text("SELECT v.required, i.required FROM questionversion v JOIN attemptitem i ON i.version_id = v.id")
        ).all()
    engine.dispose()
    assert tuple(row) == ("OLD-01", 7, 4)
    assert tuple(item) == ("B", 0, None)
    assert option_ids == "A,B"  # backfilled from the version's content by migration 0006
    assert responses == 2  # the two finalized exams, not the open one, counted by migration 0007
    assert set(required) == {(2, 2)}  # the key's size, from the content by migration 0015, copied to items
