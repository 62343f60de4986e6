"""Practice: drills with immediate feedback, missed questions, the review queue, adaptive sessions."""

import re

from sqlmodel import Session, select

from app.db.tables import Attempt, ReviewCard
from tests.web.helpers import answer, paper, start

HX = {"HX-Request": "true"}


def start_practice(client, path="/practice/drills", **form):
    response = client.post(path, data={"exam": "TST-01", **form})
    assert response.status_code == 303, response.text
    return re.match(r"/attempts/(\w+)/questions/1", response.headers["location"]).group(1)


def test_practice_page_offers_drills_by_domain_and_task(client):
    page = client.get("/practice?exam=TST-01").text
    assert "D1 Alpha" in page and "1.2 Second task." in page and "Start drill" in page
    assert "Review due questions" in page and "Start adaptive practice" in page


def test_a_drill_draws_only_the_chosen_domain_and_is_untimed_unless_asked(client, app):
    attempt = start_practice(client, domain="D2", count="3")
    items = paper(app, attempt)
    assert len(items) == 3 and {i["domain"] for i in items} == {"D2"} and all(i["scored"] for i in items)
    page = client.get(f"/attempts/{attempt}/questions/1").text
    assert 'role="timer"' not in page and "TST-01 practice" in page and "Check answer" in page
    timed = start_practice(client, domain="D1", count="4", timed="true")
    assert 'role="timer"' in client.get(f"/attempts/{timed}/questions/1").text


def test_checking_an_answer_shows_every_explanation_and_locks_it(client, app):
    attempt = start_practice(client, count="2")
    first = paper(app, attempt)[0]
    assert "Why option" not in client.get(f"/attempts/{attempt}/questions/1").text
    response = client.post(
        f"/attempts/{attempt}/questions/1",
        data={"choice": first["key"], "action": "check", "carries_selection": "true"},
        headers=HX,
    )
    assert "Correct. The answer is" in response.text and response.text.count("Why option") >= 4
    assert "disabled" in response.text and "Check answer" not in response.text
    changed = answer(client, attempt, 1, first["wrong"][:1] if first["type"] == "single" else first["wrong"][:2])
    assert changed.status_code == 422 and "checked, so it can no longer change" in changed.text
    moved_on = client.post(f"/attempts/{attempt}/questions/1", data={"action": "next"})
    assert moved_on.status_code == 303 and paper(app, attempt)[0]["correct"] is True
    assert "Why option" not in client.get(f"/attempts/{attempt}/questions/2").text


def test_an_exam_refuses_to_check_answers(client, app):
    attempt = start(client)
    response = client.post(f"/attempts/{attempt}/questions/1", data={"action": "check"})
    assert response.status_code == 409 and "Checking an answer is for practice" in response.text
    assert paper(app, attempt)[0]["correct"] is None


def test_a_finished_drill_is_a_practice_result_not_an_exam_result(client):
    attempt = start_practice(client, count="2")
    client.post(f"/attempts/{attempt}/end")
    report = client.get(f"/attempts/{attempt}/report").text
    assert "Practice result" in report and "Estimated scaled score" not in report
    assert f"/attempts/{attempt}/report" not in client.get("/").text


def test_missed_questions_come_back_due_and_can_be_drilled(client, app, clock):
    attempt = start(client)
    items = paper(app, attempt)
    wrong = items[0]
    answer(client, attempt, 1, wrong["wrong"][:1] if wrong["type"] == "single" else wrong["wrong"][:2])
    client.post(f"/attempts/{attempt}/end")  # one wrong, seven unanswered: all eight missed
    missed = client.get("/practice/missed?exam=TST-01").text
    assert missed.count('name="question"') == 8 and "Drill the selected questions" in missed
    d1_only = client.get("/practice/missed?exam=TST-01&domain=D1").text
    assert d1_only.count('name="question"') == 4
    with Session(app.state.engine) as session:
        cards = session.exec(select(ReviewCard)).all()
        assert len(cards) == 8 and {c.last_outcome for c in cards} == {"wrong", "unanswered"}
    assert '<strong id="due-count">0</strong>' in client.get("/practice?exam=TST-01").text
    clock.advance(minutes=2)
    assert '<strong id="due-count">8</strong>' in client.get("/practice?exam=TST-01").text
    review = start_practice(client, "/practice/review")
    assert {i["slug"] for i in paper(app, review)} == {i["slug"] for i in items}
    drill = start_practice(client, question=[wrong["slug"]])
    assert [i["slug"] for i in paper(app, drill)] == [wrong["slug"]]


def test_nothing_due_means_no_review_session(client):
    response = client.post("/practice/review", data={"exam": "TST-01"})
    assert response.status_code == 422 and "Nothing is due for review now." in response.text


def test_adaptive_practice_allocates_by_expected_points_lost(client, app):
    attempt = start_practice(client, "/practice/adaptive", count="6")
    with Session(app.state.engine) as session:
        config = session.get(Attempt, attempt).config
    assert sum(config["allocation"].values()) == 6 and min(config["allocation"].values()) >= 1
    assert len(paper(app, attempt)) == 6


def test_unknown_domains_or_tasks_are_refused_by_name(client):
    response = client.post("/practice/drills", data={"exam": "TST-01", "domain": "D9", "task": "7.7"})
    assert response.status_code == 422 and "TST-01 has no domain or task 7.7, D9." in response.text


def test_a_mock_exam_prefers_questions_not_practised_in_the_last_30_days(client, app):
    practised = {i["slug"] for i in paper(app, start_practice(client, domain="D1", count="2"))}
    exam = {i["slug"] for i in paper(app, start(client))}
    # D1 has 6 questions and the exam takes 4: the 2 practised ones are left out.
    assert not practised & exam


def test_dashboard_charts_exam_scores_and_points_at_stake_with_their_numbers(client, app):
    for _ in range(2):
        attempt = start(client)
        for item in paper(app, attempt):
            if item["domain"] == "D1":
                answer(client, attempt, item["position"], item["key"])
        client.post(f"/attempts/{attempt}/end")
    drill = start_practice(client, count="2")
    client.post(f"/attempts/{drill}/end")
    page = client.get("/dashboard").text
    assert page.count('role="img"') == 2 and "Estimated scaled score by exam attempt" in page
    assert "pass 750" in page and "The scores as a table" in page
    assert "Points at stake" in page and "Drill D2" in page and "?exam=TST-01&amp;domain=D2" in page
    assert page.count("<td>exam</td>") == 2 and page.count("<td>drill</td>") == 1
    assert 'id="due-today"' in page


def test_a_dashboard_link_preselects_the_domain_to_drill(client):
    assert 'value="D2" checked' in client.get("/practice?exam=TST-01&domain=D2").text


def test_checking_with_nothing_chosen_asks_for_an_answer_and_reveals_nothing(client, app):
    attempt = start_practice(client, count="2")
    response = client.post(
        f"/attempts/{attempt}/questions/1", data={"action": "check", "carries_selection": "true"}, headers=HX
    )
    assert response.status_code == 422 and "Choose your answer first" in response.text
    assert "Why option" not in response.text and paper(app, attempt)[0]["correct"] is None


def test_practice_says_end_practice_and_an_untimed_session_shows_no_countdown_anywhere(client):
    attempt = start_practice(client, count="2")
    for page in (
        client.get(f"/attempts/{attempt}/questions/1").text,
        client.get(f"/attempts/{attempt}/review").text,
        client.get(f"/attempts/{attempt}/end").text,
    ):
        assert "End practice" in page and "End exam" not in page
    home = client.get("/").text
    assert "practice, started" in home and "untimed." in home
    assert not re.search(r"\d+:\d\d:\d\d left", home)


def test_an_untimed_drill_report_shows_the_domains_drilled_and_no_even_pace(client):
    attempt = start_practice(client, domain="D2", count="2")
    client.post(f"/attempts/{attempt}/end")
    report = client.get(f"/attempts/{attempt}/report").text
    assert re.findall(r'<th scope="row">(D\d) ', report) == ["D2"]
    assert 'id="even-pace"' not in report and "even pace" not in report
    timed = start_practice(client, domain="D1", count="2", timed="true")
    client.post(f"/attempts/{timed}/end")
    assert 'id="even-pace"' in client.get(f"/attempts/{timed}/report").text
