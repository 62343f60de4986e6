"""Many requests at once on one attempt, against a live server on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session, select

from app.db.engine import make_engine
from app.db.tables import Attempt, AttemptItem
from bench.load import SHOWN
from tests.conftest import TEST_BANK, create_pg_database, drop_pg_database
from tests.live_server import browser_like_client


@pytest.fixture(params=["sqlite", "postgresql"])
def live(request, server_factory, tmp_path):
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


def _tab(server, client: httpx.Client) -> httpx.Client:
    """Another tab of the same browser: the same session cookie and CSRF header."""
    return httpx.Client(base_url=server.url, cookies=dict(client.cookies), headers=dict(client.headers), timeout=30)


def _items(url, attempt_id):
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return {
                row.position: row
                for row in session.exec(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
            }
    finally:
        engine.dispose()


def test_many_saves_at_once_keep_every_acknowledged_answer(live):
    server, url = live
    client, attempt = _start(server)
    acknowledged: dict[int, str] = {}

    def save(job):
        position, letter = job
        with _tab(server, client) as tab:
            response = tab.post(
                f"/attempts/{attempt}/questions/{position}/answer",
                data={"choice": [letter]},
                headers={"HX-Request": "true"},
            )
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

    def end(_):
        with _tab(server, client) as tab:
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
    other = _tab(server, client)
    assert client.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": ["A"]}).status_code == 303
    assert other.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": ["C"]}).status_code == 303
    assert other.post(f"/attempts/{attempt}/questions/2", data={"action": "flag"}).status_code == 303
    item = _items(url, attempt)[1]
    assert item.selection == item.option_order.split(",")[2]
    assert _items(url, attempt)[2].flagged
    client.close()
    other.close()


def test_many_saves_naming_their_answers_at_once_keep_every_answer_and_count_every_change(live):
    server, url = live
    client, attempt = _start(server)

    def chain(position):
        # One tab per question, each save naming the answer the previous one stored, as the page does.
        with _tab(server, client) as tab:
            shown, statuses = "", []
            for letter in "ABCDA":
                response = tab.post(
                    f"/attempts/{attempt}/questions/{position}/answer",
                    data={"choice": [letter], "before": shown},
                    headers={"HX-Request": "true"},
                )
                statuses.append(response.status_code)
                shown = SHOWN.search(response.text).group(1) if response.status_code == 200 else shown
            return position, statuses, shown

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(chain, range(1, 9)))
    items = _items(url, attempt)
    for position, statuses, shown in results:
        assert statuses == [200] * 5 and shown == "A", position
        item = items[position]
        order = item.option_order.split(",")
        assert item.selection == order[0], position
        if item.first_selection is not None:  # a single-answer question: every save after the first changed it
            assert item.first_selection == order[0] and item.changes == 4, position
        else:  # a multiple-response question: one letter is never a complete answer
            assert item.changes == 0, position
    client.close()


def test_tabs_racing_on_one_question_with_stale_answers_store_one_of_theirs(live):
    server, url = live
    client, attempt = _start(server)

    def tab_saves(letters):
        with _tab(server, client) as tab:
            # Every tab's page still shows the question unanswered: each save after the first is stale.
            return [
                (
                    letter,
                    tab.post(
                        f"/attempts/{attempt}/questions/1/answer",
                        data={"choice": [letter], "before": ""},
                        headers={"HX-Request": "true"},
                    ).status_code,
                )
                for letter in letters
            ]

    with ThreadPoolExecutor(4) as pool:
        results = [saved for saves in pool.map(tab_saves, ["AB", "BC", "CD", "DA"]) for saved in saves]
    assert {status for _, status in results} == {200}
    item = _items(url, attempt)[1]
    order = item.option_order.split(",")
    assert item.selection in {order["ABCD".index(letter)] for letter, _ in results}
    assert item.changes <= len(results) - 1
    client.close()


def test_views_at_once_from_one_question_count_no_more_time_than_passed(live):
    server, url = live
    began = time.monotonic()
    client, attempt = _start(server)
    time.sleep(1.0)  # on question 1

    def view(position):
        # Each tab read the candidate on question 1 at about the same moment.
        with _tab(server, client) as tab:
            return tab.get(f"/attempts/{attempt}/questions/{position}", headers={"HX-Request": "true"}).status_code

    with ThreadPoolExecutor(7) as pool:
        statuses = list(pool.map(view, range(2, 9)))  # the other seven questions of the paper
    elapsed = time.monotonic() - began
    assert statuses == [200] * 7
    counted = sum(item.seconds_spent for item in _items(url, attempt).values())
    assert 0.9 <= counted <= elapsed + 0.2, (counted, elapsed)
    client.close()


def test_autosaves_and_nexts_racing_on_every_question_store_each_tabs_last_answer(live):
    """Per question, one tab autosaves an answer and at once presses Next carrying the next one, naming the
    answer its page shows, as a quick candidate does; eight questions at once, on a live server."""
    server, url = live
    client, attempt = _start(server)

    def quick_candidate(position):
        with _tab(server, client) as tab:
            hx, shown, statuses = {"HX-Request": "true"}, "", []
            with ThreadPoolExecutor(2) as both:
                for first, second in ("AB", "CD", "BA"):
                    saved = both.submit(
                        tab.post,
                        f"/attempts/{attempt}/questions/{position}/answer",
                        data={"choice": [first], "before": shown},
                        headers=hx,
                    )
                    moved = both.submit(
                        tab.post,
                        f"/attempts/{attempt}/questions/{position}",
                        data={"choice": [second], "before": shown, "carries_selection": "true", "action": "next"},
                        headers=hx,
                    )
                    statuses += [saved.result().status_code, moved.result().status_code]
                    settled = tab.post(
                        f"/attempts/{attempt}/questions/{position}/answer",
                        data={"choice": [second], "before": shown},
                        headers=hx,
                    )
                    statuses.append(settled.status_code)
                    shown = SHOWN.search(settled.text).group(1)
            return position, statuses, shown

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(quick_candidate, range(1, 9)))
    items = _items(url, attempt)
    for position, statuses, shown in results:
        # Next on the last question leads to the review screen (an htmx redirect, 204).
        assert set(statuses) <= ({200, 204} if position == 8 else {200}), (position, statuses)
        order = items[position].option_order.split(",")
        assert shown == "A" and items[position].selection == order[0], position
    client.close()


def test_thirty_wrong_passwords_at_once_check_no_more_than_the_limit(live):
    """The throttle's check and count are one step: of many guesses sent together for one account, only as
    many as the limit reach the password check; the rest are refused before it."""
    server, url = live
    owner = browser_like_client(server)
    owner.post(
        "/signup",
        data={"email": "target@example.com", "password": "a long passphrase", "confirmation": "a long passphrase"},
    )
    guessers = [browser_like_client(server) for _ in range(30)]

    def guess(client):
        return client.post("/signin", data={"email": "target@example.com", "password": "wrong guess here"}).status_code

    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(guess, guessers))
    assert statuses.count(422) == 5 and statuses.count(429) == 25, statuses
    for client in [owner, *guessers]:
        client.close()
