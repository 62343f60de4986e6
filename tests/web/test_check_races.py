"""A practice answer that is checked is locked, and its verdict belongs to the answer it judged, even when
a save and a check of the same question race (each reads the item, then writes it)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import update
from sqlmodel import Session

from app.db import async_sitting
from app.db.engine import make_hot_path
from app.db.tables import AttemptItem
from app.domain.attempt import AnswerChange, AnswerChangedWhileChecked, AnswerChecked
from tests.conftest import T0
from tests.web.helpers import paper, start


def _set_item(app, attempt: str, **values) -> None:
    with Session(app.state.engine) as session:
        session.exec(
            update(AttemptItem).where(AttemptItem.attempt_id == attempt, AttemptItem.position == 1).values(**values)
        )
        session.commit()


def _run(settings, write) -> None:
    async def main():
        engine = make_hot_path(settings.database_url)
        try:
            async with engine.begin() as conn:
                await write(conn)
        finally:
            await engine.dispose()

    # A thread of its own: after the browser tests, this thread may already run an event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, main()).result(timeout=60)


def test_a_save_that_read_the_item_before_a_check_cannot_overwrite_the_checked_answer(client, app, settings):
    attempt = start(client)
    _set_item(app, attempt, selection="A", checked_at=T0, correct=False)  # the check landed first
    change = AnswerChange(selection=frozenset({"B"}), first_answer=None, changes_complete_answer=True)
    with pytest.raises(AnswerChecked):
        _run(
            settings,
            lambda conn: async_sitting.store_answer(conn, attempt_id=attempt, position=1, now=T0, change=change),
        )
    assert paper(app, attempt)[0]["selection"] == "A"


def test_a_check_that_read_an_answer_since_changed_stores_no_verdict(client, app, settings):
    attempt = start(client)
    _set_item(app, attempt, selection="B")  # a save landed after the check read "A"
    with pytest.raises(AnswerChangedWhileChecked):
        _run(
            settings,
            lambda conn: async_sitting.check_answer(
                conn, attempt_id=attempt, position=1, now=T0, selection=frozenset({"A"}), correct=True
            ),
        )
    item = paper(app, attempt)[0]
    assert item["selection"] == "B" and item["correct"] is None


def test_a_check_racing_another_check_of_the_same_answer_is_no_error(client, app, settings):
    attempt = start(client)
    _set_item(app, attempt, selection="A", checked_at=T0, correct=True)
    _run(
        settings,
        lambda conn: async_sitting.check_answer(
            conn, attempt_id=attempt, position=1, now=T0, selection=frozenset({"A"}), correct=True
        ),
    )
    assert paper(app, attempt)[0]["correct"] is True
