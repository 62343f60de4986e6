"""The server's deadline, finalization and the score report."""

import pytest
from sqlmodel import Session

from app.db.tables import Attempt
from tests.web.helpers import answer, paper, start

HX = {"HX-Request": "true"}


def _answer_all_correctly(client, app, attempt, except_positions=()):
    for item in paper(app, attempt):
        if item["position"] not in except_positions:
            assert answer(client, attempt, item["position"], item["key"]).status_code == 303


def test_answer_after_deadline_is_rejected_and_changes_nothing(client, app, clock):
    attempt = start(client)
    answer(client, attempt, 1, ["A"])
    before = paper(app, attempt)[0]["selection"]
    clock.advance(minutes=30)
    response = answer(client, attempt, 1, ["B"])
    assert response.status_code == 409
    assert "ended" in response.text
    assert paper(app, attempt)[0]["selection"] == before


def test_a_late_htmx_save_gets_its_message_in_the_alert_region(client, clock):
    attempt = start(client)
    clock.advance(minutes=31)
    response = answer(client, attempt, 1, ["B"], **HX)
    assert response.status_code == 409
    assert response.headers["hx-retarget"] == "#messages"
    assert "See your result" in response.text


def test_an_attempt_left_alone_is_finalized_when_next_touched_with_answers_saved_before_the_deadline(
    client, app, clock
):
    attempt = start(client)
    _answer_all_correctly(client, app, attempt)
    clock.advance(hours=5)
    response = client.get(f"/attempts/{attempt}")
    assert response.headers["location"] == f"/attempts/{attempt}/report"
    with Session(app.state.engine) as session:
        row = session.get(Attempt, attempt)
        assert row.finalize_reason == "time"
        assert row.finalized_at == row.deadline
        assert row.result["scaled"] == 1000
    report = client.get(f"/attempts/{attempt}/report").text
    assert "(time ran out)" in report and "0:30:00 of 30 minutes" in report


@pytest.mark.parametrize("htmx", [False, True])
def test_a_question_viewed_after_time_ran_out_finalizes_the_attempt_and_leads_to_the_report(client, app, clock, htmx):
    attempt = start(client)
    clock.advance(hours=5)
    response = client.get(f"/attempts/{attempt}/questions/3", headers={"HX-Request": "true"} if htmx else {})
    location = response.headers["hx-redirect" if htmx else "location"]
    assert location == f"/attempts/{attempt}/report"
    with Session(app.state.engine) as session:
        # Nothing was answered, so the sitting is no result.
        assert session.get(Attempt, attempt).finalize_reason == "abandoned"


def test_home_no_longer_offers_resume_once_time_has_run_out(client, clock):
    start(client)
    clock.advance(minutes=45)
    assert "Resume" not in client.get("/").text


def test_ending_twice_finalizes_once(client, app, clock):
    attempt = start(client)
    _answer_all_correctly(client, app, attempt)
    first = client.post(f"/attempts/{attempt}/end")
    with Session(app.state.engine) as session:
        finalized_at = session.get(Attempt, attempt).finalized_at
    clock.advance(minutes=1)
    second = client.post(f"/attempts/{attempt}/end")
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == f"/attempts/{attempt}/report"
    with Session(app.state.engine) as session:
        row = session.get(Attempt, attempt)
        assert row.finalized_at == finalized_at and row.finalize_reason == "submitted"


def test_writes_after_ending_are_refused(client, app):
    attempt = start(client)
    client.post(f"/attempts/{attempt}/end")
    response = client.post(f"/attempts/{attempt}/questions/1", data={"action": "flag"})
    assert response.status_code == 409
    assert "already ended" in response.text
    assert paper(app, attempt)[0]["flagged"] is False


def test_a_perfect_paper_scores_1000_and_passes(client, app):
    attempt = start(client)
    _answer_all_correctly(client, app, attempt)
    client.post(f"/attempts/{attempt}/end")
    report = client.get(f"/attempts/{attempt}/report").text
    assert '<span class="figure">1000</span>' in report and '<strong id="verdict">Pass</strong>' in report
    assert "This is an estimate." in report
    assert "places the pass mark at 70% of the\n    scored questions (4.2 of 6)" in report


def test_unanswered_questions_score_as_wrong(client, app):
    attempt = start(client)
    client.post(f"/attempts/{attempt}/end")
    report = client.get(f"/attempts/{attempt}/report").text
    assert '<span class="figure">100</span>' in report and '<strong id="verdict">Fail</strong>' in report
    assert "You answered 0 of 6 scored questions correctly" in report


def test_report_shows_domains_time_used_and_which_questions_were_unscored(client, app, clock):
    attempt = start(client)
    items = paper(app, attempt)
    _answer_all_correctly(client, app, attempt, except_positions=[i["position"] for i in items if i["domain"] == "D2"])
    clock.advance(minutes=12, seconds=5)
    client.post(f"/attempts/{attempt}/end")
    report = client.get(f"/attempts/{attempt}/report").text
    unscored = [str(i["position"]) for i in items if not i["scored"]]
    assert f"numbers\n    {', '.join(unscored)}." in report
    assert "D1 Alpha</th>" in report and "Meets competencies" in report
    assert "D2 Beta</th>" in report and "Needs improvement" in report
    assert "0:12:05 of 30 minutes" in report
    assert (
        "80% range of your true level, on the same scale" in report and "Chance that your true level passes" in report
    )


def test_domain_review_shows_answers_keys_and_every_option_explanation(client, app):
    attempt = start(client)
    items = paper(app, attempt)
    d1 = [i for i in items if i["domain"] == "D1"]
    answer(client, attempt, d1[0]["position"], d1[0]["wrong"][:1])
    client.post(f"/attempts/{attempt}/questions/{d1[1]['position']}", data={"action": "flag"})
    client.post(f"/attempts/{attempt}/end")
    page = client.get(f"/attempts/{attempt}/domains/D1").text
    assert page.count('<article class="panel answer') == 4
    assert page.count("Why option") == sum(5 if i["type"] == "multiple" else 4 for i in d1)
    assert "Your answer" in page and "Correct answer" in page and "Overall explanation of" in page
    assert "Test reference" in page
    incorrect = client.get(f"/attempts/{attempt}/domains/D1?filter=incorrect").text
    assert incorrect.count('<article class="panel answer') == 4
    flagged = client.get(f"/attempts/{attempt}/domains/D1?filter=flagged").text
    assert flagged.count('<article class="panel answer') == 1
    unanswered = client.get(f"/attempts/{attempt}/domains/D1?filter=unanswered").text
    assert unanswered.count('<article class="panel answer') == 3
    everything_wrong = client.get(f"/attempts/{attempt}/answers?filter=incorrect").text
    assert everything_wrong.count('<article class="panel answer') == 8
    assert client.get(f"/attempts/{attempt}/domains/D7").status_code == 404


def test_the_clock_endpoint_reports_the_servers_remaining_time(client, clock):
    attempt = start(client)
    clock.advance(minutes=10)
    data = client.get(f"/attempts/{attempt}/clock").json()
    assert data["remaining_seconds"] == 20 * 60 and data["finished"] is False
    clock.advance(minutes=25)
    assert client.get(f"/attempts/{attempt}/clock").json() == {
        "finished": True,
        "remaining_seconds": 0,
        "deadline": data["deadline"],
    }


def test_warning_is_on_the_page_when_fifteen_minutes_or_less_remain(client, clock):
    attempt = start(client)
    assert "minutes or less remain" not in client.get(f"/attempts/{attempt}/questions/1").text
    clock.advance(minutes=16)
    assert "15 minutes or less remain." in client.get(f"/attempts/{attempt}/questions/1").text
    clock.advance(minutes=10)
    assert "5 minutes or less remain." in client.get(f"/attempts/{attempt}/questions/1").text


def test_a_second_attempt_prefers_questions_not_seen_before(client, app):
    first = {i["slug"] for i in paper(app, start(client))}
    second = {i["slug"] for i in paper(app, start(client, discard="true"))}
    d1_first = {s for s in first if s.startswith("d1")}
    d1_second = {s for s in second if s.startswith("d1")}
    # D1 has 6 questions for 4 slots: the 2 unseen ones must both be drawn.
    assert (set(f"d1-1-{t}-q{n}" for t in (1, 2) for n in (1, 2, 3)) - d1_first) <= d1_second


def test_report_shows_pacing_changed_answers_and_flagged_accuracy(client, app, clock):
    attempt = start(client)
    items = paper(app, attempt)
    first = items[0]
    answer(client, attempt, 1, first["wrong"][:1] if first["type"] == "single" else first["wrong"][:2])
    answer(client, attempt, 1, first["key"])  # wrong, then right
    client.post(f"/attempts/{attempt}/questions/1", data={"action": "flag"})
    clock.advance(minutes=10)
    client.post(f"/attempts/{attempt}/questions/1", data={"action": "next"})
    client.post(f"/attempts/{attempt}/end")
    report = client.get(f"/attempts/{attempt}/report").text
    assert "You changed 1 answer:\n    1 from wrong to right, 0 from right to wrong" in report
    assert "Flagged questions: 1 of 1 right (100%)" in report
    assert "Question 1 took more than twice that." in report
    assert 'role="img"' in report and "<title" in report and "Time per question as a table" in report
