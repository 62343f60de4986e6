"""The sitting over HTTP: start, answer, flag, cross out, move, review, end."""

import re

from tests.web.helpers import answer, paper, start

HX = {"HX-Request": "true"}


def test_home_lists_the_exam_with_a_start_button(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Test Exam (TST-01)" in page.text
    assert 'href="/exams/TST-01/start">Start TST-01 exam</a>' in page.text


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_starting_an_exam_opens_question_one_with_the_real_exam_controls(client):
    attempt = start(client)
    page = client.get(f"/attempts/{attempt}/questions/1")
    assert page.status_code == 200
    assert "Question 1 of 8" in page.text
    assert 'role="timer"' in page.text and "0:30:00" in page.text
    for label in ("Previous", "Next", "Flag for review", "Review", "End exam"):
        assert f">{label}</button>" in page.text
    assert "HX-Request" in page.headers["vary"]


def test_esl_option_adds_thirty_minutes(client):
    attempt = start(client, esl="true")
    assert "1:00:00" in client.get(f"/attempts/{attempt}/questions/1").text


def test_paper_follows_the_blueprint_with_hidden_unscored_items(client, app):
    attempt = start(client)
    items = paper(app, attempt)
    assert len(items) == 8
    assert sorted(i["domain"] for i in items) == ["D1"] * 4 + ["D2"] * 4
    assert sum(not i["scored"] for i in items) == 2
    assert len({i["slug"] for i in items}) == 8


def test_an_autosaved_answer_is_stored_and_shown_after_reload(client, app):
    attempt = start(client)
    letter = paper(app, attempt)[0]["key"][0] if paper(app, attempt)[0]["type"] == "single" else "A"
    saved = answer(client, attempt, 1, [letter], **HX)
    assert saved.status_code == 200
    assert "Saved at" in saved.text and 'id="save-status"' in saved.text
    page = client.get(f"/attempts/{attempt}/questions/1").text
    assert re.search(rf'id="choice-{letter}" value="{letter}" checked', page)


def test_each_autosave_reports_how_many_are_answered_after_it_into_the_progress_line(client, app):
    attempt = start(client)
    client.post(f"/attempts/{attempt}/questions/2", data={"action": "flag"})
    page = client.get(f"/attempts/{attempt}/questions/1").text
    progress = r'id="progress"[^>]*><span id="answered-count">0</span> of 8 answered<span id="incomplete-count"></span>'
    assert re.search(progress + " · 1 flagged<", page)

    def answered_after(position, letters):
        saved = answer(client, attempt, position, letters, **HX)
        assert saved.status_code == 200, saved.text
        assert "flagged" not in saved.text, "a save changes no flag, so it leaves that count alone"
        return re.search(r'<span id="answered-count" hx-swap-oob="true">(\d+)</span>', saved.text).group(1)

    assert answered_after(1, ["A"]) == "1"
    assert answered_after(1, ["B"]) == "1"
    assert answered_after(1, ["B"]) == "1"
    assert answered_after(3, ["C"]) == "2"
    assert answered_after(1, []) == "1"


def test_plain_form_saves_then_redirects_to_the_next_question(client, app):
    attempt = start(client)
    first = paper(app, attempt)[0]
    response = client.post(
        f"/attempts/{attempt}/questions/1", data={"choice": first["key"], "action": "next", "carries_selection": "true"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/attempts/{attempt}/questions/2"
    assert paper(app, attempt)[0]["selection"] != ""


def test_htmx_navigation_returns_the_next_question_fragment_and_pushes_its_url(client, app):
    attempt = start(client)
    response = client.post(f"/attempts/{attempt}/questions/1", data={"action": "next"}, headers=HX)
    assert response.status_code == 200
    assert response.headers["hx-push-url"] == f"/attempts/{attempt}/questions/2"
    assert "<!doctype" not in response.text.lower()
    assert 'id="exam"' in response.text and "Question 2 of 8" in response.text


def test_question_url_serves_a_fragment_to_htmx_and_a_full_page_otherwise(client):
    attempt = start(client)
    fragment = client.get(f"/attempts/{attempt}/questions/3", headers=HX)
    full = client.get(f"/attempts/{attempt}/questions/3")
    assert "<!doctype" not in fragment.text.lower() and "Question 3 of 8" in fragment.text
    assert full.text.lower().startswith("<!doctype html>")


def test_flag_toggles_and_is_kept(client, app):
    attempt = start(client)
    client.post(f"/attempts/{attempt}/questions/2", data={"action": "flag"})
    assert paper(app, attempt)[1]["flagged"] is True
    assert 'aria-pressed="true"' in client.get(f"/attempts/{attempt}/questions/2").text
    client.post(f"/attempts/{attempt}/questions/2", data={"action": "flag"})
    assert paper(app, attempt)[1]["flagged"] is False


def test_crossing_out_an_option_is_kept_and_can_be_undone(client, app):
    attempt = start(client)
    response = client.post(f"/attempts/{attempt}/questions/1", data={"action": "strike-B"})
    assert response.status_code == 303 and response.headers["location"].endswith("#option-B")
    assert paper(app, attempt)[0]["struck"] != ""
    assert 'class="option struck" id="option-B"' in client.get(f"/attempts/{attempt}/questions/1").text
    client.post(f"/attempts/{attempt}/questions/1", data={"action": "strike-B"})
    assert paper(app, attempt)[0]["struck"] == ""


def test_multiple_response_uses_checkboxes_and_counts_the_ticks(client, app):
    attempt = start(client)
    position = next(i["position"] for i in paper(app, attempt) if i["type"] == "multiple")
    page = client.get(f"/attempts/{attempt}/questions/{position}").text
    assert 'type="checkbox"' in page and "(Choose two.)" in page
    answer(client, attempt, position, ["A", "C"], **HX)
    page = client.get(f"/attempts/{attempt}/questions/{position}").text
    assert '<span class="count">2</span> of 2 selected' in page


def test_two_answers_to_a_single_answer_question_are_refused_and_change_nothing(client, app):
    attempt = start(client)
    position = next(i["position"] for i in paper(app, attempt) if i["type"] == "single")
    answer(client, attempt, position, ["A"])
    response = answer(client, attempt, position, ["A", "B"])
    assert response.status_code == 422
    assert "takes one answer" in response.text
    assert paper(app, attempt)[position - 1]["selection"] != ""
    assert len(paper(app, attempt)[position - 1]["selection"].split(",")) == 1


def test_an_unknown_option_letter_is_refused_with_a_clear_message(client):
    attempt = start(client)
    response = answer(client, attempt, 1, ["Q"], **HX)
    assert response.status_code == 422
    assert "Unknown option Q" in response.text
    assert response.headers["hx-retarget"] == "#messages"


def test_a_question_number_outside_the_paper_is_not_found(client):
    attempt = start(client)
    response = client.get(f"/attempts/{attempt}/questions/9")
    assert response.status_code == 404
    assert "There is no question 9: this exam has questions 1 to 8." in response.text


def test_a_malformed_action_is_refused(client):
    attempt = start(client)
    response = client.post(f"/attempts/{attempt}/questions/1", data={"action": "delete-everything"})
    assert response.status_code == 422
    assert "action" in response.text


def test_review_screen_lists_every_question_with_filters(client, app):
    attempt = start(client)
    answer(client, attempt, 1, ["A"])
    client.post(f"/attempts/{attempt}/questions/3", data={"action": "flag"})
    everything = client.get(f"/attempts/{attempt}/review").text
    assert everything.count('class="number"') == 8
    unanswered = client.get(f"/attempts/{attempt}/review?filter=unanswered").text
    assert unanswered.count('class="number"') == 7 and "Question 1<" not in unanswered
    flagged = client.get(f"/attempts/{attempt}/review?filter=flagged").text
    assert flagged.count('class="number"') == 1 and "Question 3<" in flagged
    assert client.get(f"/attempts/{attempt}/review?filter=bogus").status_code == 422


def test_ending_asks_for_confirmation_with_unanswered_and_flagged_counts(client, app):
    attempt = start(client)
    answer(client, attempt, 1, ["A"])
    client.post(f"/attempts/{attempt}/questions/2", data={"action": "flag"})
    response = client.post(f"/attempts/{attempt}/questions/2", data={"action": "end"})
    assert response.headers["location"] == f"/attempts/{attempt}/end"
    page = client.get(f"/attempts/{attempt}/end").text
    assert "<strong>7</strong> unanswered," in page
    assert "<strong>1</strong> flagged question " in page


def test_navigation_records_time_spent_on_each_question(client, app, clock):
    attempt = start(client)
    clock.advance(seconds=40)
    client.post(f"/attempts/{attempt}/questions/1", data={"action": "next"})
    clock.advance(seconds=15)
    client.get(f"/attempts/{attempt}/questions/5")
    items = paper(app, attempt)
    assert items[0]["seconds"] == 40 and items[1]["seconds"] == 15


def test_home_offers_resume_for_an_unfinished_attempt(client):
    attempt = start(client)
    page = client.get("/").text
    assert "Resume" in page and f"/attempts/{attempt}" in page


def test_resuming_returns_to_the_question_last_shown(client):
    attempt = start(client)
    client.get(f"/attempts/{attempt}/questions/6")
    response = client.get(f"/attempts/{attempt}")
    assert response.headers["location"] == f"/attempts/{attempt}/questions/6"


def test_the_exam_form_clears_an_answer_when_submitted_with_nothing_ticked(client, app):
    attempt = start(client)
    answer(client, attempt, 1, ["A"])
    client.post(f"/attempts/{attempt}/questions/1", data={"action": "next", "carries_selection": "true"})
    assert paper(app, attempt)[0]["selection"] == ""


def test_a_flag_that_does_not_carry_the_form_leaves_the_answer_alone(client, app):
    attempt = start(client)
    answer(client, attempt, 1, ["A"])
    client.post(f"/attempts/{attempt}/questions/1", data={"action": "flag"})
    assert paper(app, attempt)[0]["selection"] != "" and paper(app, attempt)[0]["flagged"]


def test_a_multiple_response_answer_with_more_choices_than_asked_is_refused_and_changes_nothing(client, app):
    attempt = start(client)
    multiple = next(i for i in paper(app, attempt) if i["type"] == "multiple")
    answer(client, attempt, multiple["position"], multiple["key"])
    over = answer(client, attempt, multiple["position"], multiple["key"] + multiple["wrong"][:1], **HX)
    assert over.status_code == 422 and "This question takes 2 answers" in over.text
    assert paper(app, attempt)[multiple["position"] - 1]["letters"] == sorted(multiple["key"])


def test_next_on_the_last_question_saves_and_leads_to_the_review_screen(client, app):
    attempt = start(client)
    last = paper(app, attempt)[-1]
    data = {"action": "next", "carries_selection": "true", "choice": last["key"]}
    response = client.post(f"/attempts/{attempt}/questions/{last['position']}", data=data)
    assert response.status_code == 303 and response.headers["location"] == f"/attempts/{attempt}/review"
    assert paper(app, attempt)[-1]["letters"] == sorted(last["key"])
    htmx = client.post(f"/attempts/{attempt}/questions/{last['position']}", data={"action": "next"}, headers=HX)
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == f"/attempts/{attempt}/review"
