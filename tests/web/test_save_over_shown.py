"""An autosave that names the answer the page showed (`before`) is stored in one statement when that is still
the stored answer; when anything is not as the page believed, the save reads the state and decides as it
always did. Either way the outcome, the messages and the counts are the same."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from app.db import async_sitting
from app.db.memory import ItemFacts
from app.db.tables import AttemptItem
from bench.load import SHOWN
from tests.web.helpers import paper, start
from tests.web.test_practice import start_practice

HX = {"HX-Request": "true"}


def save(client, attempt_id: str, position: int, letters: list[str], before: str):
    return client.post(
        f"/attempts/{attempt_id}/questions/{position}/answer", data={"choice": letters, "before": before}, headers=HX
    )


def shown_before(html: str) -> str:
    return SHOWN.search(html).group(1)


def answered_count(html: str) -> int:
    """The count a save's response swaps into the page's progress line."""
    return int(re.search(r'<span id="answered-count" hx-swap-oob="true">(\d+)</span>', html).group(1))


def item(app, attempt_id: str, position: int) -> AttemptItem:
    with Session(app.state.engine) as session:
        return session.exec(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)
        ).one()


@pytest.fixture
def no_reads(monkeypatch):
    """Fail any save that reads the item's state first: what is left is the one-statement save."""

    async def refuse_to_read(*args, **kwargs):
        raise AssertionError("the save read the item's state")

    monkeypatch.setattr(async_sitting, "answer_state", refuse_to_read)


def single_question(app, attempt_id: str) -> dict:
    return next(i for i in paper(app, attempt_id) if i["type"] == "single")


def test_the_question_page_names_the_answer_it_shows_as_stored(client, app):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    assert shown_before(client.get(f"/attempts/{attempt}/questions/{position}").text) == ""
    client.post(f"/attempts/{attempt}/questions/{position}/answer", data={"choice": ["C"]})
    assert shown_before(client.get(f"/attempts/{attempt}/questions/{position}").text) == "C"


def test_a_save_naming_the_stored_answer_is_stored_without_reading_the_item_first(client, app, no_reads):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")
    first = save(client, attempt, position, ["B"], before="")
    assert first.status_code == 200, first.text
    assert "Saved at" in first.text and shown_before(first.text) == "B"
    assert answered_count(first.text) == 1
    second = save(client, attempt, position, ["D"], before=shown_before(first.text))
    assert second.status_code == 200, second.text
    assert shown_before(second.text) == "D"
    stored = item(app, attempt, position)
    assert paper(app, attempt)[position - 1]["selection"] == stored.selection
    assert stored.first_selection == stored.option_order.split(",")[1]
    assert stored.changes == 1


def test_one_statement_saves_report_the_same_answered_count_as_the_reading_save(client, app):
    attempt = start(client)
    client.post(f"/attempts/{attempt}/questions/2", data={"action": "flag"})
    for position in (1, 3):
        client.get(f"/attempts/{attempt}/questions/{position}")

    def answered_after(position, letters, before):
        saved = save(client, attempt, position, letters, before)
        assert saved.status_code == 200, saved.text
        return answered_count(saved.text)

    assert answered_after(1, ["A"], "") == 1
    assert answered_after(1, ["B"], "A") == 1
    assert answered_after(1, ["B"], "B") == 1
    assert answered_after(3, ["C"], "") == 2
    assert answered_after(1, [], "B") == 1
    assert answered_after(2, ["A"], "") == 2


def test_a_save_naming_a_stale_answer_stores_over_the_real_one_and_counts_the_change(client, app):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")
    assert save(client, attempt, position, ["A"], before="").status_code == 200
    # Another tab's page still shows no answer, and changes it to B.
    stale = save(client, attempt, position, ["B"], before="")
    assert stale.status_code == 200, stale.text
    assert shown_before(stale.text) == "B" and answered_count(stale.text) == 1
    stored = item(app, attempt, position)
    order = stored.option_order.split(",")
    assert stored.selection == order[1] and stored.first_selection == order[0] and stored.changes == 1


def test_a_save_naming_an_answer_after_the_deadline_is_refused_and_changes_nothing(client, app, clock):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")
    save(client, attempt, position, ["A"], before="")
    clock.advance(minutes=31)
    late = save(client, attempt, position, ["B"], before="A")
    assert late.status_code == 409 and "See your result" in late.text
    assert item(app, attempt, position).selection == item(app, attempt, position).option_order.split(",")[0]


def test_a_save_naming_an_answer_after_the_end_is_refused_and_changes_nothing(client, app):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")
    client.post(f"/attempts/{attempt}/end")
    late = save(client, attempt, position, ["B"], before="")
    assert late.status_code == 409, late.text
    assert item(app, attempt, position).selection == ""


def test_a_save_naming_an_answer_to_someone_elses_attempt_is_not_found(client, other_client, app):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")  # this worker now knows the item
    intruder = save(other_client, attempt, position, ["B"], before="")
    assert intruder.status_code == 404
    assert item(app, attempt, position).selection == ""


def test_a_checked_answer_named_by_a_save_stays_locked(client, app):
    attempt = start_practice(client, count="2")
    first = paper(app, attempt)[0]
    client.post(
        f"/attempts/{attempt}/questions/1",
        data={"choice": first["key"], "action": "check", "carries_selection": "true"},
        headers=HX,
    )
    wrong = first["wrong"][:1] if first["type"] == "single" else first["wrong"][:2]
    changed = save(client, attempt, 1, wrong, before="".join(first["key"]))
    assert changed.status_code == 422 and "checked, so it can no longer change" in changed.text
    assert paper(app, attempt)[0]["correct"] is True


@pytest.mark.parametrize("before", ["Z", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "é", "A,B", " "])
def test_a_save_naming_an_unreadable_answer_is_stored_by_reading_the_item(client, app, before):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")
    saved = save(client, attempt, position, ["C"], before=before)
    assert saved.status_code == 200, saved.text
    stored = item(app, attempt, position)
    assert stored.selection == stored.option_order.split(",")[2]


def test_a_save_naming_an_answer_still_refuses_an_unknown_option_with_its_message(client, app):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")
    refused = save(client, attempt, position, ["Q"], before="")
    assert refused.status_code == 422 and "Unknown option Q" in refused.text
    assert item(app, attempt, position).selection == ""


def test_a_wrong_memory_of_an_item_changes_nothing_it_should_not(client, app):
    attempt = start(client)
    position = single_question(app, attempt)["position"]
    client.get(f"/attempts/{attempt}/questions/{position}")
    memory = app.state.memory
    facts = memory.item(attempt, position)
    reversed_order = tuple(reversed(facts.option_order))
    memory.items.put((attempt, position), ItemFacts(facts.deadline, reversed_order, facts.version_id, facts.digest))
    saved = save(client, attempt, position, ["A"], before="")
    assert saved.status_code == 200, saved.text
    stored = item(app, attempt, position)
    assert stored.selection == stored.option_order.split(",")[0], "A is the first option as the page shows them"
