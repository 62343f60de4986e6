"""Many requests at once on one attempt, against a live server on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session, select

from app.db.engine import make_engine
from app.db.tables import Attempt, AttemptItem
from tests.conftest import TEST_BANK, create_pg_database, drop_pg_database
from tests.live_server import browser_like_client, server_factory  # noqa: F401  (fixture)


@pytest.fixture(params=["sqlite", "postgresql"])
def live(request, server_factory, tmp_path):  # noqa: F811
    """A live server and the URL of its database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
        yield server_factory(mockexam_bank_dir=TEST_BANK, database_url=url), url
        return
    admin = request.getfixturevalue("pg_server")
    name, url = create_pg_database(admin)
    try:
        yield server_factory(mockexam_bank_dir=TEST_BANK, database_url=url), url
    finally:
        drop_pg_database(admin, name)


def _start(server) -> tuple[httpx.Client, str]:
    client = browser_like_client(server)
    response = client.post("/exams/TST-01/attempts")
    return client, re.search(r"/attempts/(\w+)/", response.headers["location"]).group(1)


def _items(url, attempt_id):
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return {row.position: row for row in session.exec(
                select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))}
    finally:
        engine.dispose()


def test_many_saves_at_once_keep_every_acknowledged_answer(live):
    server, url = live
    client, attempt = _start(server)
    cookies, headers = dict(client.cookies), dict(client.headers)
    acknowledged: dict[int, str] = {}

    def save(job):
        position, letter = job
        with httpx.Client(base_url=server.url, cookies=cookies, headers=headers, timeout=30) as tab:
            response = tab.post(f"/attempts/{attempt}/questions/{position}/answer", data={"choice": [letter]},
                                headers={"HX-Request": "true"})
            return position, letter, response.status_code

    # Eight writers, each owning one question and changing its answer five times in a row.
    jobs = [[(position, letter) for letter in "ABCDA"] for position in range(1, 9)]
    with ThreadPoolExecutor(8) as pool:
        for results in pool.map(lambda sequence: [save(job) for job in sequence], jobs):
            for position, letter, status in results:
                assert status == 200
                acknowledged[position] = letter
    items = _items(url, attempt)
    for position, letter in acknowledged.items():
        order = items[position].option_order.split(",")
        assert items[position].selection == order["ABCDE".index(letter)], position
    client.close()


def test_ending_from_many_tabs_at_once_finalizes_once_and_every_tab_lands_on_the_report(live):
    server, url = live
    client, attempt = _start(server)
    cookies, headers = dict(client.cookies), dict(client.headers)

    def end(_):
        with httpx.Client(base_url=server.url, cookies=cookies, headers=headers, timeout=30) as tab:
            return tab.post(f"/attempts/{attempt}/end")

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(end, range(8)))
    assert {r.status_code for r in responses} == {303}
    assert {r.headers["location"] for r in responses} == {f"/attempts/{attempt}/report"}
    engine = make_engine(url)
    with Session(engine) as session:
        row = session.get(Attempt, attempt)
        assert row.finalize_reason == "submitted" and row.result["total"] == 6
    engine.dispose()
    assert client.get(f"/attempts/{attempt}/report").status_code == 200
    client.close()


def test_two_tabs_on_one_question_last_write_wins(live):
    server, url = live
    client, attempt = _start(server)
    other = httpx.Client(base_url=server.url, cookies=dict(client.cookies), headers=dict(client.headers),
                         timeout=30)
    assert client.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": ["A"]}).status_code == 303
    assert other.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": ["C"]}).status_code == 303
    assert other.post(f"/attempts/{attempt}/questions/2", data={"action": "flag"}).status_code == 303
    item = _items(url, attempt)[1]
    assert item.selection == item.option_order.split(",")[2]
    assert _items(url, attempt)[2].flagged
    client.close()
    other.close()
