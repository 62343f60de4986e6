"""The hot paths' own pool of PostgreSQL connections: what it keeps, what it closes, and that a block's
work is committed or rolled back as the block says."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from app.db.engine import ConnectionPool, PostgresHotPath, make_async_engine
from tests.conftest import create_pg_database, drop_pg_database


def run(coroutine):
    # A thread of its own: the browser tests leave an event loop running on the main thread.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture
def pg_url(pg_server):
    name, url = create_pg_database(pg_server)
    yield url
    drop_pg_database(pg_server, name)


@pytest.fixture
def hot_path(pg_url):
    engine = make_async_engine(pg_url, pool_size=2)
    assert isinstance(engine, PostgresHotPath)
    yield engine
    run(engine.dispose())


def test_a_connection_is_reused_in_autocommit_and_utc(hot_path):
    async def scenario():
        async with hot_path.begin() as first:
            first_pid = first.connection.info.backend_pid
        async with hot_path.begin(each_statement_commits=True) as second:
            assert second.connection.info.backend_pid == first_pid
            assert second.connection.autocommit
            assert (await (await second.connection.execute("SHOW TimeZone")).fetchone())[0] == "UTC"

    run(scenario())


def test_a_block_commits_its_work_and_a_failing_block_rolls_it_back(hot_path):
    async def scenario():
        async with hot_path.begin() as conn:
            await conn.connection.execute("CREATE TABLE pool_probe (n int)")
        async with hot_path.begin() as conn:
            await conn.connection.execute("INSERT INTO pool_probe VALUES (1)")
        with pytest.raises(RuntimeError):
            async with hot_path.begin() as conn:
                await conn.connection.execute("INSERT INTO pool_probe VALUES (2)")
                raise RuntimeError("the route refused")
        async with hot_path.begin() as conn:
            return [row[0] for row in await (await conn.connection.execute("SELECT n FROM pool_probe")).fetchall()]

    assert run(scenario()) == [1]


def test_a_connection_given_back_inside_a_transaction_is_closed_not_kept(pg_url):
    async def scenario():
        pool = ConnectionPool(pg_url.replace("+psycopg", ""), size=2)
        connection = await pool.take()
        await connection.execute("BEGIN")
        await pool.give_back(connection)
        assert connection.closed
        fresh = await pool.take()
        assert fresh is not connection and fresh.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        await pool.give_back(fresh)
        await pool.close()
        assert fresh.closed

    run(scenario())


def test_the_pool_keeps_no_more_idle_connections_than_its_size(pg_url):
    async def scenario():
        pool = ConnectionPool(pg_url.replace("+psycopg", ""), size=2)
        taken = [await pool.take() for _ in range(3)]
        for connection in taken:
            await pool.give_back(connection)
        closed = [connection.closed for connection in taken]
        await pool.close()
        return closed

    assert run(scenario()) == [False, False, True]


def test_after_a_dropped_connection_the_idle_ones_are_closed_and_fresh_ones_opened(hot_path, pg_server):
    async def scenario():
        async with hot_path.begin() as a, hot_path.begin() as b:
            pids = {a.connection.info.backend_pid, b.connection.info.backend_pid}
        with psycopg.connect(pg_server, autocommit=True) as admin:
            for pid in pids:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(psycopg.OperationalError):
            async with hot_path.begin() as conn:
                await conn.connection.execute("SELECT 1")
        async with hot_path.begin() as conn:
            assert conn.connection.info.backend_pid not in pids
            await conn.connection.execute("SELECT 1")

    run(scenario())


def test_each_event_loop_gets_connections_of_its_own(hot_path):
    async def backend():
        async with hot_path.begin() as conn:
            return conn.connection.info.backend_pid

    first_loop, second_loop = run(backend()), run(backend())
    assert first_loop != second_loop
