"""The key stays on the server until the end, and nobody reads anyone else's attempt."""

import pytest

from tests.web.helpers import answer, paper, start

HX = {"HX-Request": "true"}
SECRETS = ("Why option", "Overall explanation", "Correct answer", "Unscored", "unscored questions", "keyed")


def _in_progress_responses(client, attempt):
    yield client.get("/")
    for position in range(1, 9):
        yield client.get(f"/attempts/{attempt}/questions/{position}")
        yield client.get(f"/attempts/{attempt}/questions/{position}", headers=HX)
        yield answer(client, attempt, position, ["A"], **HX)
        yield answer(client, attempt, position, ["Z"], **HX)
        yield client.post(f"/attempts/{attempt}/questions/{position}", data={"action": "flag"}, headers=HX)
        yield client.post(f"/attempts/{attempt}/questions/{position}", data={"action": "next"})
    for filter_ in ("all", "unanswered", "flagged"):
        yield client.get(f"/attempts/{attempt}/review?filter={filter_}")
    yield client.get(f"/attempts/{attempt}/end")
    yield client.get(f"/attempts/{attempt}/clock")
    yield client.get(f"/attempts/{attempt}/report")
    yield client.get(f"/attempts/{attempt}/domains/D1")
    yield client.get(f"/attempts/{attempt}/answers?filter=incorrect")
    yield client.get(f"/attempts/{attempt}/questions/99")


def test_no_response_during_the_exam_reveals_keys_explanations_or_unscored_items(client, app):
    attempt = start(client)
    for response in _in_progress_responses(client, attempt):
        body = response.text + " ".join(f"{k}: {v}" for k, v in response.headers.items())
        for secret in SECRETS:
            assert secret not in body, (response.request.url, secret)
    assert all(item["correct"] is None for item in paper(app, attempt))


def test_review_pages_do_not_exist_before_the_end(client):
    attempt = start(client)
    assert client.get(f"/attempts/{attempt}/domains/D1").status_code == 404
    assert client.get(f"/attempts/{attempt}/answers?filter=incorrect").status_code == 404
    assert client.get(f"/attempts/{attempt}/report").headers["location"].endswith("/questions/1")


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/attempts/{id}"),
        ("get", "/attempts/{id}/questions/1"),
        ("post", "/attempts/{id}/questions/1"),
        ("post", "/attempts/{id}/questions/1/answer"),
        ("get", "/attempts/{id}/review"),
        ("get", "/attempts/{id}/end"),
        ("post", "/attempts/{id}/end"),
        ("get", "/attempts/{id}/report"),
        ("get", "/attempts/{id}/domains/D1"),
        ("get", "/attempts/{id}/answers?filter=incorrect"),
        ("get", "/attempts/{id}/clock"),
    ],
)
def test_another_candidates_attempt_is_not_found(client, other_client, app, method, path):
    attempt = start(client)
    other_client.post("/exams/TST-01/attempts")  # the other browser is a candidate too
    response = getattr(other_client, method)(path.format(id=attempt))
    assert response.status_code == 404
    assert paper(app, attempt)[0]["selection"] == "" and not paper(app, attempt)[0]["flagged"]


def test_a_forged_cookie_is_a_stranger(client, app):
    attempt = start(client)
    client.cookies.clear()
    client.cookies.set("mockexam", "forged-value")
    assert client.get(f"/attempts/{attempt}/questions/1").status_code == 404


def test_starting_an_unknown_exam_is_not_found(client):
    assert client.post("/exams/NOPE-01/attempts").status_code == 404


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_state_change_without_this_sessions_csrf_token_is_refused_and_changes_nothing(client, app, token):
    attempt = start(client)
    del client.headers["X-CSRF-Token"]
    headers = {"X-CSRF-Token": token} if token else {}
    response = client.post(f"/attempts/{attempt}/questions/1", data={"action": "flag"}, headers=headers)
    assert response.status_code == 403
    assert "did not come from this site, so nothing was changed" in response.text
    assert client.post(f"/attempts/{attempt}/end", headers=headers).status_code == 403
    assert client.post("/exams/TST-01/attempts", headers=headers).status_code == 403
    assert not paper(app, attempt)[0]["flagged"]


def test_the_csrf_token_may_come_as_a_form_field(client, app):
    attempt = start(client)
    token = client.headers.pop("X-CSRF-Token")
    response = client.post(f"/attempts/{attempt}/questions/1", data={"action": "flag", "csrf_token": token})
    assert response.status_code == 303 and paper(app, attempt)[0]["flagged"]


def test_an_autosave_and_a_next_read_their_fields_after_a_csrf_token_sent_as_a_form_field(client, app):
    attempt = start(client)
    token = client.headers.pop("X-CSRF-Token")
    saved = client.post(f"/attempts/{attempt}/questions/1/answer", data={"choice": "A", "csrf_token": token})
    moved = client.post(
        f"/attempts/{attempt}/questions/1",
        data={"choice": "B", "before": "A", "carries_selection": "true", "action": "next", "csrf_token": token},
    )
    assert saved.status_code == 303 and moved.status_code == 303
    assert moved.headers["location"].endswith(f"/attempts/{attempt}/questions/2")
    assert paper(app, attempt)[0]["letters"] == ["B"]


def test_practice_draws_no_question_of_an_open_exam_until_it_ends(client, app):
    attempt = start(client)
    on_paper = {item["slug"] for item in paper(app, attempt)}
    drill = client.post("/practice/drills", data={"exam": "TST-01", "count": "10"})
    assert drill.status_code == 303
    drilled = drill.headers["location"].split("/")[2]
    assert {item["slug"] for item in paper(app, drilled)}.isdisjoint(on_paper)
    asked = sorted(on_paper)[0]
    refused = client.post("/practice/drills", data={"exam": "TST-01", "question": [asked]})
    assert refused.status_code == 422 and f"{asked} is in your unfinished exam" in refused.text
    client.post(f"/attempts/{attempt}/end")
    assert client.post("/practice/drills", data={"exam": "TST-01", "question": [asked]}).status_code == 303


def test_the_history_of_an_unfinished_exam_shows_only_what_its_screen_shows(client, app):
    from tests.web.test_accounts import sign_up

    sign_up(client)
    attempt = start(client)
    answer(client, attempt, 1, ["B"])
    [entry] = client.get("/account/history.json").json()["attempts"]
    assert entry["id"] == attempt and entry["scaled_score"] is None
    first = entry["items"][0]
    assert first == {"position": 1, "selection": ["B"], "flagged": False, "seconds_spent": first["seconds_spent"]}
    assert all(set(item) == {"position", "selection", "flagged", "seconds_spent"} for item in entry["items"])
    client.post(f"/attempts/{attempt}/end")
    [ended] = client.get("/account/history.json").json()["attempts"]
    assert {"question", "domain", "scored", "correct"} <= set(ended["items"][0])
    assert ended["items"][0]["selection"] == ["B"]
