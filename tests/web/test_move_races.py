"""Moving between questions counts the time on the question left once, even when two views read the same
position at once (a double click, two tabs): each reads where the candidate is, then writes the move."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from app.db import async_sitting
from app.db.engine import make_hot_path
from app.db.memory import Memory
from app.db.tables import Attempt
from tests.web.helpers import browser_of_owner, paper, start


def _run(settings, work):
    async def main():
        engine = make_hot_path(settings.database_url)
        try:
            async with engine.begin(each_statement_commits=True) as conn:
                return await work(conn)
        finally:
            await engine.dispose()

    # A thread of its own: after the browser tests, this thread may already run an event loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result(timeout=60)


def _where(app, attempt_id: str) -> tuple[int, object]:
    with Session(app.state.engine) as session:
        attempt = session.get(Attempt, attempt_id)
        return attempt.position, attempt.position_entered_at


def _screen_as_read(settings, browser: str, attempt_id: str):
    return _run(
        settings,
        lambda conn: async_sitting.question_screen(conn, Memory(), attempt_id=attempt_id, browser=browser, position=1),
    ).attempt


def test_two_moves_that_read_the_same_position_count_its_time_once(client, app, settings, clock):
    attempt = start(client)
    read = _screen_as_read(settings, browser_of_owner(app, attempt), attempt)  # both views read this
    now = clock.advance(seconds=40)

    async def both_moves(conn):
        await async_sitting.move_to(conn, attempt=read, position=2, now=now)
        await async_sitting.move_to(conn, attempt=read, position=3, now=now)  # read before the first wrote

    _run(settings, both_moves)
    seconds = [item["seconds"] for item in paper(app, attempt)[:3]]
    assert seconds == [40, 0, 0]
    position, entered_at = _where(app, attempt)
    assert position == 3 and entered_at.replace(tzinfo=None) == now.replace(tzinfo=None)


def test_the_later_move_still_takes_the_candidate_where_they_went(client, app, clock):
    attempt = start(client)
    clock.advance(seconds=30)
    client.get(f"/attempts/{attempt}/questions/4")
    clock.advance(seconds=20)
    client.get(f"/attempts/{attempt}/questions/6")
    items = paper(app, attempt)
    assert (items[0]["seconds"], items[3]["seconds"], items[5]["seconds"]) == (30, 20, 0)
    assert _where(app, attempt)[0] == 6
