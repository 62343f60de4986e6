"""Starting, abandoning, finishing: a start page before the clock, one running mock exam per exam, and sittings
that are no result (discarded, or timed out with nothing answered) kept in history but out of the figures."""

import re

from sqlmodel import Session, select

from app.db.tables import Attempt, ReviewCard
from tests.web.helpers import answer, paper, start
from tests.web.test_accounts import sign_up


def test_the_start_page_states_the_rules_and_no_clock_runs_before_start(client, app):
    page = client.get("/exams/TST-01/start").text
    assert "8 questions in" in page and "The clock starts when you choose Start" in page
    assert "Flag for review" in page and "ESL +30 minutes" in page and "Start the exam" in page
    with Session(app.state.engine) as session:
        assert session.exec(select(Attempt)).all() == []
    assert client.get("/exams/NOPE/start").status_code == 404


def test_a_second_start_of_a_running_exam_is_refused_and_the_start_page_offers_resume_or_discard(client, app):
    running = start(client)
    refused = client.post("/exams/TST-01/attempts")
    assert refused.status_code == 409 and "You have an unfinished TST-01 exam" in refused.text
    page = client.get("/exams/TST-01/start").text
    assert f'href="/attempts/{running}">Resume it</a>' in page
    assert 'name="discard" value="true"' in page and "Discard the unfinished exam and start a new one" in page
    fresh = start(client, discard="true")
    with Session(app.state.engine) as session:
        assert session.get(Attempt, running).finalize_reason == "discarded"
        assert session.get(Attempt, fresh).finalized_at is None


def test_a_discarded_exam_stays_in_history_but_out_of_the_trend_and_the_review_queue(client, app):
    sign_up(client)
    discarded = start(client)
    item = paper(app, discarded)[0]
    answer(client, discarded, 1, item["wrong"][:1] if item["type"] == "single" else item["wrong"][:2])
    start(client, discard="true")
    with Session(app.state.engine) as session:
        assert session.exec(select(ReviewCard)).all() == []
    dashboard = client.get("/dashboard?exam=TST-01").text
    assert "<td>discarded</td>" in dashboard and "Score trend" not in dashboard
    report = client.get(f"/attempts/{discarded}/report").text
    assert 'id="not-a-result"' in report and "Discarded: no result" in report
    assert "Estimated scaled score" not in report
    assert f"/attempts/{discarded}/report" not in client.get("/").text


def test_a_timed_out_sitting_reviews_only_the_questions_seen(client, app, clock):
    attempt = start(client)
    item = paper(app, attempt)[0]
    answer(client, attempt, 1, item["wrong"][:1] if item["type"] == "single" else item["wrong"][:2])
    client.post(f"/attempts/{attempt}/questions/1", data={"action": "next"})
    clock.advance(hours=5)
    client.get(f"/attempts/{attempt}/questions/2")
    with Session(app.state.engine) as session:
        assert session.get(Attempt, attempt).finalize_reason == "time"
        queued = {c.question_slug for c in session.exec(select(ReviewCard))}
    # Question 1 (answered) and question 2 (open when time ran out) were seen; questions 3-8 never were.
    assert queued == {i["slug"] for i in paper(app, attempt)[:2]}


def test_the_report_of_a_sitting_abandoned_by_time_says_it_is_no_result(client, clock):
    attempt = start(client)
    clock.advance(hours=5)
    report = client.get(f"/attempts/{attempt}/report").text
    assert re.search(r"Time ran out with nothing answered: no result", report)
