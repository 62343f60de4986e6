"""The hot paths' PostgreSQL connections (psycopg_pool's pool, one per event loop): reused, in autocommit and
UTC, never handed out inside a transaction, renewed after the database dropped them, closed with the app;
and a block's work is committed or rolled back as the block says."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from app.db.engine import PostgresHotPath, make_hot_path
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
    """An engine whose scenarios each run on a loop of their own and close that loop's pool at the end."""
    engine = make_hot_path(pg_url, pool_size=2)
    assert isinstance(engine, PostgresHotPath)
    return engine


def on_its_loop(engine: PostgresHotPath, scenario):
    async def then_close():
        try:
            return await scenario()
        finally:
            await engine.dispose()

    return run(then_close())


def test_connections_are_reused_in_autocommit_and_utc(hot_path):
    async def scenario():
        pids = set()
        for _ in range(10):
            async with hot_path.begin(each_statement_commits=True) as conn:
                pids.add(conn.connection.info.backend_pid)
                assert conn.connection.autocommit
                assert (await (await conn.connection.execute("SHOW TimeZone")).fetchone())[0] == "UTC"
        assert len(pids) <= 2, "ten blocks, one after another, on the pool's two connections at most"

    on_its_loop(hot_path, scenario)


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

    assert on_its_loop(hot_path, scenario) == [1]


def test_a_connection_given_back_inside_a_transaction_is_rolled_back_before_it_is_used_again(hot_path):
    async def scenario():
        async with hot_path.begin() as conn:
            await conn.connection.execute("CREATE TABLE pool_probe (n int)")
        async with hot_path.begin(each_statement_commits=True) as conn:
            await conn.connection.execute("BEGIN")
            await conn.connection.execute("INSERT INTO pool_probe VALUES (1)")
        async with hot_path.begin(each_statement_commits=True) as conn:
            assert conn.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            return (await (await conn.connection.execute("SELECT count(*) FROM pool_probe")).fetchone())[0]

    assert on_its_loop(hot_path, scenario) == 0


def test_closing_the_app_closes_its_connections(hot_path, pg_server):
    async def scenario():
        async with hot_path.begin() as conn:
            pid = conn.connection.info.backend_pid
        await hot_path.dispose()
        return pid

    pid = run(scenario())
    with psycopg.connect(pg_server, autocommit=True) as admin:
        alive = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()[0]
    assert alive == 0


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

    on_its_loop(hot_path, scenario)


def test_each_event_loop_gets_connections_of_its_own(hot_path):
    async def backend():
        async with hot_path.begin() as conn:
            return conn.connection.info.backend_pid

    first_loop, second_loop = on_its_loop(hot_path, backend), on_its_loop(hot_path, backend)
    assert first_loop != second_loop
