"""Database connections under stress: more requests than connections, and connections the database drops.

More requests at once than a worker has database connections must all be answered. A worker's requests
share a small pool of connections. Requests beyond the pool wait for a connection;
none may wait on something that only another waiting request could release, or the worker stalls until
the pool's timeout and answers with errors (as it once did: with 50 candidates on one worker, the
sessions of synchronous routes were closed on the same thread pool the waiting requests filled)."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app.main import create_app
from tests.conftest import adopt_csrf_token
from tests.web.helpers import answer, start

CONCURRENT = 60


@pytest.fixture
def small_pool_app(settings, clock):
    application = create_app(settings.model_copy(update={"database_pool_size": 2}))
    application.state.clock = clock
    yield application
    application.state.engine.dispose()


def test_sixty_requests_at_once_on_two_connections_are_all_answered(small_pool_app):
    from fastapi.testclient import TestClient

    with TestClient(small_pool_app, follow_redirects=False) as browser:
        adopt_csrf_token(browser)
        attempt = start(browser)
        cookies, headers = dict(browser.cookies), dict(browser.headers)

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=small_pool_app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", cookies=cookies, headers=headers
        ) as tab:
            saves = [
                tab.post(
                    f"/attempts/{attempt}/questions/{1 + i % 6}/answer",
                    data={"choice": ["A"]},
                    headers={"HX-Request": "true"},
                )
                for i in range(CONCURRENT // 2)
            ]
            views = [tab.get(f"/attempts/{attempt}/questions/{1 + i % 6}") for i in range(CONCURRENT // 2)]
            try:
                responses = await asyncio.wait_for(asyncio.gather(*saves, *views), timeout=20)
            finally:
                await small_pool_app.state.hot_path.dispose()  # no lifespan here to do it
            return [r.status_code for r in responses]

    # In a thread of its own: the browser tests leave an event loop running on this one.
    with ThreadPoolExecutor(1) as thread:
        statuses = thread.submit(asyncio.run, burst()).result()
    assert statuses == [200] * CONCURRENT


def test_saves_recover_after_the_database_drops_every_connection(app, database_url):
    """A restart of PostgreSQL drops every pooled connection. The save pool does not ping before each use,
    so at most the first save after the drop fails (with a 5xx, which the page retries); the pool is then
    discarded and saves work again."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop connections")
    import psycopg
    from fastapi.testclient import TestClient
    from sqlalchemy.engine import make_url

    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        adopt_csrf_token(client)
        attempt = start(client)
        # Saves at once, so that the pool holds several connections when they are all dropped.
        with ThreadPoolExecutor(6) as tabs:
            assert set(
                tabs.map(
                    lambda position: answer(client, attempt, position, ["A"], **{"HX-Request": "true"}).status_code,
                    range(1, 7),
                )
            ) == {200}
        url = make_url(database_url)
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
        ) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        statuses = [answer(client, attempt, 1, [letter], **{"HX-Request": "true"}).status_code for letter in "BCD"]
        assert statuses in ([200, 200, 200], [500, 200, 200]), statuses
        assert re.search(r'id="choice-D" value="D" checked', client.get(f"/attempts/{attempt}/questions/1").text)


def test_clients_that_send_a_body_slowly_hold_no_slot_that_others_need(server_factory, tmp_path):
    """Five connections send a POST's headers and a few bytes of its body, then nothing. On a worker with
    two connections (two admission slots) the health check and a candidate are still answered, and each
    slow client is told its body did not arrive."""
    import socket

    from tests.conftest import TEST_BANK

    server = server_factory(
        mockexam_bank_dir=TEST_BANK,
        database_url=f"sqlite:///{tmp_path / 'live.db'}",
        mockexam_database_pool_size=2,
        mockexam_body_seconds=3,
    )
    slow = []
    for _ in range(5):
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        connection.sendall(
            b"POST /signin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail="
        )
        slow.append(connection)
    try:
        assert httpx.get(server.url + "/healthz", timeout=2.5).status_code == 200
        assert httpx.get(server.url + "/", timeout=2.5).status_code == 200
        for connection in slow:
            assert connection.recv(200).startswith(b"HTTP/1.1 408")
    finally:
        for connection in slow:
            connection.close()
