"""Connections for SQLite or PostgreSQL: a SQLAlchemy engine for most of the app, and the hot path for a
sitting's frequent requests, which run on the event loop without a thread hop (psycopg's async connections
on PostgreSQL, the synchronous engine run inline on SQLite)."""

from __future__ import annotations

import asyncio
from collections import namedtuple
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from psycopg_pool import AsyncConnectionPool
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql.psycopg import PGDialectAsync_psycopg
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import create_engine

from app.db.memory import Bounded


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


class InlineConnection:
    """A synchronous SQLite connection behind the asyncio connection's `execute`."""

    dialect_name = "sqlite"

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def execute(self, statement, parameters=None):
        return self.connection.execute(statement, parameters)


class InlineSQLite:
    """SQLite for the hot paths, run inline on the event loop. SQLite is a library in this process, and the
    hot paths' statements take microseconds; an asyncio driver (aiosqlite) hands each call to a thread and
    back, which cost more CPU than the statements themselves (a sitting: 0.65 s before, 0.73 s with it).
    A write waiting for another worker's lock does block the loop, for the length of a tiny transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def begin(self, *, each_statement_commits: bool = False) -> AsyncIterator[InlineConnection]:
        # One local transaction either way: SQLite has no round trips to save.
        with self.engine.begin() as connection:
            yield InlineConnection(connection)

    async def open(self) -> None:
        """Nothing to open: SQLite is a file this process opens per connection."""

    async def dispose(self) -> None:
        self.engine.dispose()


class _Rows:
    """The little of SQLAlchemy's result that the hot paths use, over rows psycopg made."""

    def __init__(self, rows: list, rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def first(self):
        return self.rows[0] if self.rows else None

    def one(self):
        if len(self.rows) != 1:
            raise LookupError(f"expected one row, got {len(self.rows)}")
        return self.rows[0]

    def scalar_one(self):
        return self.one()[0]


class PsycopgConnection:
    """A pooled connection's psycopg connection, running statements SQLAlchemy compiled once. SQLAlchemy's
    asyncio layer (a greenlet switch per call, its cursor adapter, result processing) cost more than the
    statements' round trips: with it an answer save ran at a fifth of a raw psycopg upsert."""

    dialect_name = "postgresql"

    def __init__(self, connection, dialect, compiled: Bounded) -> None:
        self.connection = connection
        self.dialect = dialect
        self._compiled = compiled

    def _compile(self, statement):
        entry = self._compiled.get(statement)
        if entry is None:
            # The row type comes from the statement, once: psycopg's namedtuple rows read the cursor's
            # description for every result, which built a column object per column per statement.
            columns = statement.selected_columns if statement.is_select else statement.exported_columns  # RETURNING
            row = namedtuple("Row", columns.keys(), rename=True) if len(columns) else None
            entry = self._compiled.put(statement, (statement.compile(dialect=self.dialect), row))
        return entry

    async def execute(self, statement, parameters=None):
        compiled, row = self._compile(statement)
        cursor = self.connection.cursor()
        await cursor.execute(compiled.string, compiled.construct_params(parameters))
        rows = [row._make(values) for values in await cursor.fetchall()] if row is not None else []
        return _Rows(rows, cursor.rowcount)


# What the hot paths run their statements on: InlineSQLite's or PostgresHotPath's connection.
HotConnection = InlineConnection | PsycopgConnection


class PostgresHotPath:
    """PostgreSQL for the hot paths: psycopg connections in autocommit mode from psycopg_pool's pool,
    SQLAlchemy compiling each statement once, psycopg running it.

    A pool belongs to the event loop it was opened on. A worker has one loop, and its pool is opened in the
    app's lifespan; the tests drive one app from several loops (a browser each), so each loop has its own.
    No check before each checkout: it would be a round trip on every save. A connection the database dropped
    (a restart) fails its first statement instead; the pool then checks its idle ones, and the page's
    autosave retries until its answer is stored."""

    def __init__(self, conninfo: str, size: int, dialect) -> None:
        self.conninfo = conninfo
        self.size = size
        self.dialect = dialect
        # Each statement compiled once, with its row type; statements built per call (rare actions) must
        # not pile up.
        self.compiled: Bounded = Bounded(256)
        self._pools: dict[asyncio.AbstractEventLoop, AsyncConnectionPool] = {}

    async def open(self) -> None:
        """Open this loop's pool (the app's lifespan does, before the first request)."""
        await self._pool()

    async def _pool(self) -> AsyncConnectionPool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is not None:
            return pool
        pool = AsyncConnectionPool(
            self.conninfo,
            min_size=1,
            max_size=self.size,
            open=False,
            # Times come back in UTC, as the tables' type does.
            kwargs={"autocommit": True, "options": "-c TimeZone=UTC"},
            name="mockexam",
        )
        await pool.open()
        kept = self._pools.setdefault(loop, pool)
        if kept is not pool:  # two first requests raced to open one
            await pool.close()
        return kept

    @asynccontextmanager
    async def begin(self, *, each_statement_commits: bool = False) -> AsyncIterator[PsycopgConnection]:
        """A transaction around the block; or, with `each_statement_commits`, none: each statement is its
        own, which saves the BEGIN and COMMIT round trips where a single write needs no shared snapshot."""
        pool = self._pools.get(asyncio.get_running_loop()) or await self._pool()
        connection = await pool.getconn()
        try:
            if each_statement_commits:
                yield PsycopgConnection(connection, self.dialect, self.compiled)
            else:
                async with connection.transaction():
                    yield PsycopgConnection(connection, self.dialect, self.compiled)
        except BaseException:
            if connection.broken:  # the database dropped it, and with it the others: find them now
                await pool.putconn(connection)
                await pool.check()
                raise
            await pool.putconn(connection)
            raise
        await pool.putconn(connection)

    async def dispose(self) -> None:
        """Close this loop's pool (the app's lifespan does, after the last request)."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()


def ping(*, session) -> None:
    """One round trip to the database: raises when it cannot be reached."""
    session.exec(text("SELECT 1"))


def make_hot_path(url: str, pool_size: int = 10) -> PostgresHotPath | InlineSQLite:
    """The hot path's connections: psycopg's async mode from a pool on PostgreSQL, inline calls on SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return InlineSQLite(make_engine(url, pool_size))
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresHotPath(conninfo, pool_size, PGDialectAsync_psycopg())
