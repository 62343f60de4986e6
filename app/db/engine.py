"""Making engines for SQLite or PostgreSQL: a synchronous one for most of the app, and an asynchronous one
for the hot paths of a sitting, which run on the event loop without a thread hop."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import create_engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _pool(pool_size: int) -> dict:
    return {"pool_size": pool_size, "max_overflow": pool_size}


def make_engine(url: str, pool_size: int = 10) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **_pool(pool_size))
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # Requests run in a thread pool; each uses its own session, so sharing the connection class is safe.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **_pool(pool_size))
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def async_url(url: str) -> URL:
    """The same database through an asyncio driver: psycopg's async mode, or aiosqlite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed.set(drivername="postgresql+psycopg")


def make_async_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    parsed = async_url(url)
    if parsed.get_backend_name() != "sqlite":
        # No ping before each checkout: it would be a round trip on every save. A connection the database
        # dropped (a restart) fails its first statement instead, SQLAlchemy then discards the whole pool,
        # and the page's autosave retries until it is stored.
        return create_async_engine(parsed, **_pool(pool_size))
    engine = create_async_engine(parsed, connect_args={"timeout": 30}, **_pool(pool_size))
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine
