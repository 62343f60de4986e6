"""Fixtures: a migrated database per test on SQLite and on PostgreSQL, an app on it, and a settable clock.

Every test that asks for `database_url` runs twice, once per backend. PostgreSQL is the local server
(127.0.0.1:5432, trust auth); where it is unreachable its runs are skipped, except under CI=true, where that
is a failure: CI must prove the suite on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from app.bootstrap import load_shipped_bank
from app.config import Settings
from app.db import migrate
from app.db.engine import make_engine
from app.main import create_app
from tests.live_server import server_factory, shipped_server  # noqa: F401  (fixtures for every module)

TESTS = Path(__file__).parent
TEST_BANK = TESTS / "data" / "bank"
PG_ADMIN = os.environ.get("MOCKEXAM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _pg_available() -> bool:
    try:
        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def pg_server():
    if not _pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}; CI must run the suite on it")
        pytest.skip("PostgreSQL is not reachable")
    return PG_ADMIN


def create_pg_database(admin_url: str) -> tuple[str, str]:
    name = f"mockexam_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return name, f"{base}/{name}"


def drop_pg_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    load_shipped_bank(url, TEST_BANK, now=T0)
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server):
    name, url = create_pg_database(pg_server)
    migrate.upgrade(url)
    load_shipped_bank(url, TEST_BANK, now=T0)
    yield url
    drop_pg_database(pg_server, name)


def _truncate_sittings(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        tables = 'attemptitem, attempt, "user", gueststart, signinfailure, pendingsignup, accountmail'
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text("UPDATE question SET exam_responses = 0"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A migrated database holding the test bank and nothing else."""
    if request.param == "sqlite":
        path = tmp_path / "mockexam.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_template")
    _truncate_sittings(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request, tmp_path):
    """A database of this test's own, migrated and holding the test bank, for tests that change the bank."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        migrate.upgrade(url)
        load_shipped_bank(url, TEST_BANK, now=T0)
        yield url
        return
    server = request.getfixturevalue("pg_server")
    name, url = create_pg_database(server)
    try:
        migrate.upgrade(url)
        load_shipped_bank(url, TEST_BANK, now=T0)
        yield url
    finally:
        drop_pg_database(server, name)


@pytest.fixture
def engine_for():
    """Engines made in a test, disposed after it whatever happens."""
    made = []

    def make(url):
        made.append(make_engine(url))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def empty_database_url(request, tmp_path) -> str:
    """A database with no schema at all, on SQLite (PostgreSQL variants create their own)."""
    return f"sqlite:///{tmp_path / 'empty.db'}"


@dataclass
class Clock:
    now: datetime = T0

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret",
        bank_dir=TEST_BANK,
        load_bank=False,
        allowed_hosts="testserver,test",
    )


@pytest.fixture
def app(settings, clock):
    application = create_app(settings)
    application.state.clock = clock
    yield application
    application.state.engine.dispose()


def adopt_csrf_token(client) -> str:
    """Do what a browser does: load a page, then send its CSRF token with every request."""
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    client.headers["X-CSRF-Token"] = token
    return token


@pytest.fixture
def client(app):
    with TestClient(app, follow_redirects=False) as test_client:
        adopt_csrf_token(test_client)
        yield test_client


@pytest.fixture
def admin_client(client, app):
    """The first browser, signed in as an administrator."""
    from app.db import users
    from app.services.credentials import hash_password

    with Session(app.state.engine) as session:
        users.register(
            session=session,
            guest=None,
            email="root@example.com",
            now=T0,
            role="admin",
            password_hash=hash_password("admin passphrase"),
        )
    client.post("/signin", data={"email": "root@example.com", "password": "admin passphrase"})
    adopt_csrf_token(client)
    return client


@pytest.fixture
def other_client(app):
    """A second browser: a different candidate with cookies of their own."""
    with TestClient(app, follow_redirects=False) as test_client:
        adopt_csrf_token(test_client)
        yield test_client
