"""The exam form's Save, Next and Previous: the carried selection is stored as the autosave stores it, then
the screen they lead to is shown. Every refusal comes before anything moves, with the same message on the
plain route (positions in digits) as on the FastAPI one."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.db import async_sitting
from app.db.tables import Attempt
from tests.web.helpers import paper, start

HX = {"HX-Request": "true"}


def press(client, attempt_id: str, position: int | str, action: str, letters=(), before: str | None = None, **headers):
    data = {"choice": list(letters), "action": action, "carries_selection": "true"}
    if before is not None:
        data["before"] = before
    return client.post(f"/attempts/{attempt_id}/questions/{position}", data=data, headers=headers)


def where(app, attempt_id: str) -> int:
    with Session(app.state.engine) as session:
        return session.get(Attempt, attempt_id).position


@pytest.fixture
def no_writes_or_reads_of_the_answer(monkeypatch):
    async def refuse(*args, **kwargs):
        raise AssertionError("the exam form stored or read the answer")

    for name in ("store_answer", "store_answer_over", "answer_state"):
        monkeypatch.setattr(async_sitting, name, refuse)


def test_next_carrying_the_answer_its_page_shows_as_stored_writes_nothing(
    client, app, no_writes_or_reads_of_the_answer
):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/1")
    response = press(client, attempt, 1, "next", ["A"], before="A", **HX)
    assert response.status_code == 200 and "Question 2 of 8" in response.text
    assert where(app, attempt) == 2


def test_next_on_a_page_another_tab_has_changed_leaves_that_tabs_answer(client, app):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/1")
    client.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": "A", "before": ""}, headers=HX)
    client.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": "B", "before": "A"}, headers=HX)
    press(client, attempt, 1, "next", ["A"], before="A", **HX)  # the first tab, still showing A
    assert paper(app, attempt)[0]["letters"] == ["B"]


def test_next_carrying_a_changed_answer_stores_it_without_reading_the_item(client, app, monkeypatch):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/1")

    read_screen = async_sitting.question_screen

    async def refuse_to_read(*args, **kwargs):
        raise AssertionError("the exam form read the item's state")

    async def screen_of_any_other_question(conn, memory, *, position, **kwargs):
        if position == 1:
            await refuse_to_read()
        return await read_screen(conn, memory, position=position, **kwargs)

    monkeypatch.setattr(async_sitting, "answer_state", refuse_to_read)
    monkeypatch.setattr(async_sitting, "question_screen", screen_of_any_other_question)
    response = press(client, attempt, 1, "next", ["C"], before="")
    assert response.status_code == 303 and response.headers["location"] == f"/attempts/{attempt}/questions/2"
    assert paper(app, attempt)[0]["letters"] == ["C"] and where(app, attempt) == 2


@pytest.mark.parametrize("before", [None, "", "Z", "B"])
def test_next_stores_the_carried_answer_whatever_the_page_says_was_stored(client, app, before):
    """No `before`, a wrong one or an unreadable one: the item is read and the answer stored all the same."""
    attempt = start(client)
    client.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": "A"}, headers=HX)
    response = press(client, attempt, 1, "next", ["D"], before=before, **HX)
    assert response.status_code == 200 and "Question 2 of 8" in response.text
    assert paper(app, attempt)[0]["letters"] == ["D"]


def test_previous_stores_the_answer_and_shows_the_question_before(client, app):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/3")
    response = press(client, attempt, 3, "previous", ["B"], before="", **HX)
    assert response.headers["hx-push-url"] == f"/attempts/{attempt}/questions/2"
    assert "Question 2 of 8" in response.text
    assert paper(app, attempt)[2]["letters"] == ["B"] and where(app, attempt) == 2


@pytest.mark.parametrize("position, action", [(1, "previous"), (5, "save")])
def test_a_button_that_leads_nowhere_else_stays_on_the_question(client, app, position, action):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/{position}")
    response = press(client, attempt, position, action, ["A"], before="", **HX)
    assert response.status_code == 200 and f"Question {position} of 8" in response.text
    assert "hx-push-url" not in response.headers
    assert paper(app, attempt)[position - 1]["letters"] == ["A"] and where(app, attempt) == position


@pytest.mark.parametrize(
    "position, action", [(9, "previous"), (9, "next"), (0, "next"), (0, "previous"), (-1, "next"), (99, "save")]
)
def test_moving_from_a_question_outside_the_paper_is_not_found_and_moves_nothing(client, app, position, action):
    attempt = start(client)
    response = client.post(f"/attempts/{attempt}/questions/{position}", data={"action": action}, headers=HX)
    assert response.status_code == 404
    assert f"There is no question {position}: this exam has questions 1 to 8." in response.text
    assert where(app, attempt) == 1


def test_next_after_the_deadline_is_refused_and_stores_and_moves_nothing(client, app, clock):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/1")
    clock.advance(minutes=31)
    for before in ("", None):
        response = press(client, attempt, 1, "next", ["A"], before=before, **HX)
        assert response.status_code == 409 and "See your result" in response.text
    bare = client.post(f"/attempts/{attempt}/questions/1", data={"action": "next"}, headers=HX)
    assert bare.status_code == 409
    assert paper(app, attempt)[0]["selection"] == "" and where(app, attempt) == 1


def test_next_on_someone_elses_attempt_is_not_found(client, other_client, app):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/1")
    other_client.get("/")
    response = press(other_client, attempt, 1, "next", ["A"], before="", **HX)
    assert response.status_code == 404
    assert paper(app, attempt)[0]["selection"] == "" and where(app, attempt) == 1


@pytest.mark.parametrize("field, value", [("carries_selection", "perhaps"), ("action", "jump")])
def test_a_field_the_form_cannot_read_is_refused_by_name(client, app, field, value):
    attempt = start(client)
    data = {"choice": "A", "action": "next", "carries_selection": "true", field: value}
    response = client.post(f"/attempts/{attempt}/questions/1", data=data, headers=HX)
    assert response.status_code == 422 and field in response.text
    assert paper(app, attempt)[0]["selection"] == "" and where(app, attempt) == 1


@pytest.mark.parametrize("position, status", [("abc", 404), ("-1", 404), ("0", 404), ("99", 404), ("01", 200)])
def test_the_exam_form_is_found_only_at_the_positions_of_the_paper(client, position, status):
    attempt = start(client)
    response = client.post(f"/attempts/{attempt}/questions/{position}", data={"action": "save"}, headers=HX)
    assert response.status_code == status


def test_an_empty_action_is_a_save_as_on_a_form_without_one(client, app):
    attempt = start(client)
    response = client.post(
        f"/attempts/{attempt}/questions/2", data={"choice": "A", "action": "", "carries_selection": ""}, headers=HX
    )
    assert response.status_code == 200 and "Question 2 of 8" in response.text
    assert paper(app, attempt)[1]["selection"] == "" and where(app, attempt) == 2
