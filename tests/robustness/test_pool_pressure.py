"""More requests at once than a worker has database connections: every one must still be answered.

A worker's requests share a small pool of connections. Requests beyond the pool wait for a connection;
none may wait on something that only another waiting request could release, or the worker stalls until
the pool's timeout and answers with errors (as it once did: with 50 candidates on one worker, the
sessions of synchronous routes were closed on the same thread pool the waiting requests filled)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.main import create_app
from app.web.deps import utc_now
from tests.conftest import adopt_csrf_token
from tests.web.helpers import start

CONCURRENT = 60


@pytest.fixture
def small_pool_app(settings, clock):
    application = create_app(settings.model_copy(update={"database_pool_size": 2}))
    application.dependency_overrides[utc_now] = clock
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
        async with httpx.AsyncClient(transport=transport, base_url="http://test", cookies=cookies,
                                     headers=headers) as tab:
            saves = [tab.post(f"/attempts/{attempt}/questions/{1 + i % 6}/answer", data={"choice": ["A"]},
                              headers={"HX-Request": "true"}) for i in range(CONCURRENT // 2)]
            views = [tab.get(f"/attempts/{attempt}/questions/{1 + i % 6}") for i in range(CONCURRENT // 2)]
            responses = await asyncio.wait_for(asyncio.gather(*saves, *views), timeout=20)
            return [r.status_code for r in responses]

    statuses = asyncio.run(burst())
    assert statuses == [200] * CONCURRENT
