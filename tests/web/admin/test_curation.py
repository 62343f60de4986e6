"""Curating the bank: list, preview, edit as a new version, retire, coverage, export, reports, regrade."""

import pytest
import yaml
from sqlmodel import Session, select

from app.bank.imports import read_upload
from app.bank.upload_check import check_upload
from app.db import bank
from app.db.tables import Attempt, Regrade
from tests.web.helpers import answer, paper, start


def edit(admin_client, slug, change):
    page = admin_client.get(f"/admin/questions/TST-01/{slug}").text
    text = page.split('name="text" rows="24" spellcheck="false">')[1].split("</textarea>")[0]
    import html

    content = yaml.safe_load(html.unescape(text))
    change(content)
    return admin_client.post(
        f"/admin/questions/TST-01/{slug}/edit", data={"text": yaml.safe_dump(content, sort_keys=False)}
    )


def test_the_question_list_filters_by_domain_type_and_text(admin_client):
    everything = admin_client.get("/admin/questions?exam=TST-01").text
    assert "10 questions." in everything
    assert "4 questions." in admin_client.get("/admin/questions?exam=TST-01&domain=D2").text
    assert "4 questions." in admin_client.get("/admin/questions?exam=TST-01&type=multiple").text
    assert "1 question." in admin_client.get("/admin/questions?exam=TST-01&q=d1-1-2-q3").text


def test_preview_shows_the_question_as_a_candidate_sees_it_with_key_and_versions(admin_client):
    page = admin_client.get("/admin/questions/TST-01/d1-1-1-q1").text
    assert "As a candidate sees it" in page and "Stem of d1-1-1-q1" in page and "Correct answer</strong>" in page


def test_an_edit_is_a_new_version_and_past_attempts_keep_theirs(admin_client, app):
    attempt = start(admin_client)
    admin_client.post(f"/attempts/{attempt}/end")
    before = admin_client.get(f"/attempts/{attempt}/domains/D1").text
    response = edit(admin_client, "d1-1-1-q1", lambda c: c.update(stem="A reworded stem?"))
    assert response.status_code == 303
    assert "A reworded stem?" in admin_client.get("/admin/questions/TST-01/d1-1-1-q1").text
    assert admin_client.get(f"/attempts/{attempt}/domains/D1").text == before


def test_a_bad_edit_is_refused_and_changes_nothing(admin_client, app):
    response = edit(admin_client, "d1-1-1-q1", lambda c: c.update(key=["Z"]))
    assert (
        response.status_code == 422
        and "Nothing was saved" in response.text
        and "key names no option: Z" in response.text
    )
    renamed = edit(admin_client, "d1-1-1-q1", lambda c: c.update(id="another-id"))
    assert renamed.status_code == 422 and "must be this one question" in renamed.text


def test_retired_questions_are_not_drawn_and_can_be_restored(admin_client, app):
    for slug in ("d2-2-1-q1",):
        admin_client.post(f"/admin/questions/TST-01/{slug}/status", data={"status": "retired"})
    coverage = admin_client.get("/admin/coverage").text
    assert "TST-01: 0 full papers" in coverage and "A paper cannot be drawn" in coverage
    refused = admin_client.post("/exams/TST-01/attempts")
    assert refused.status_code == 409 and "domain D2 (Beta) needs 4 questions and the bank has 3" in refused.text
    admin_client.post("/admin/questions/TST-01/d2-2-1-q1/status", data={"status": "active"})
    assert "TST-01: 1 full paper " in admin_client.get("/admin/coverage").text


def test_export_then_import_reports_everything_unchanged(admin_client, app):
    exported = admin_client.get("/admin/export/TST-01.yaml")
    assert exported.headers["content-type"].startswith("application/yaml")
    with Session(app.state.engine) as session:
        blueprint = bank.get_blueprint(session=session, code="TST-01")
        current = bank.current_hashes(session=session, exam_code="TST-01")
    report = check_upload(
        read_upload(exported.content, "tst-01.yaml"), blueprint, filename="tst-01.yaml", current=current
    )
    assert report.counts()["unchanged"] == 10 and report.errors == []


def test_a_reported_problem_reaches_the_admin_queue(admin_client, app):
    attempt = start(admin_client)
    admin_client.post(f"/attempts/{attempt}/end")
    position = next(i["position"] for i in paper(app, attempt) if i["domain"] == "D1")
    response = admin_client.post(
        f"/attempts/{attempt}/questions/{position}/report", data={"kind": "wrong-key", "comment": "I think C is wrong."}
    )
    assert response.status_code == 303 and f"reported={position}" in response.headers["location"]
    queue = admin_client.get("/admin/reports").text
    assert "I think C is wrong." in queue and "wrong-key" in queue
    report_id = queue.split("/admin/reports/")[1].split("/close")[0]
    admin_client.post(f"/admin/reports/{report_id}/close")
    assert "No open reports." in admin_client.get("/admin/reports").text


def test_reporting_needs_a_finished_attempt(admin_client):
    attempt = start(admin_client)
    assert admin_client.post(f"/attempts/{attempt}/questions/1/report", data={"kind": "unclear"}).status_code == 404


def test_a_corrected_key_is_regraded_after_a_dry_run_and_recorded(admin_client, app):
    attempt = start(admin_client)
    items = paper(app, attempt)
    target = next(i for i in items if i["type"] == "single" and i["scored"])
    wrong_letter = target["wrong"][0]
    answer(admin_client, attempt, target["position"], [wrong_letter])
    admin_client.post(f"/attempts/{attempt}/end")
    with Session(app.state.engine) as session:
        before = session.get(Attempt, attempt).result["correct"]
    # The author decides the chosen (stored) option was the right one all along.
    chosen = paper(app, attempt)[target["position"] - 1]["selection"]
    edit(admin_client, target["slug"], lambda c: c.update(key=[chosen]))
    dry = admin_client.get(f"/admin/regrade/TST-01/{target['slug']}").text
    assert "This is a dry run" in dry and attempt in dry and f"{before} → {before + 1}" in dry
    with Session(app.state.engine) as session:
        assert session.get(Attempt, attempt).result["correct"] == before
    applied = admin_client.post(f"/admin/regrade/TST-01/{target['slug']}").text
    assert "Regraded 1 attempt" in applied
    with Session(app.state.engine) as session:
        assert session.get(Attempt, attempt).result["correct"] == before + 1
        [record] = session.exec(select(Regrade)).all()
        assert record.changes[0]["attempt"] == attempt
    assert "No finished attempt would change." in admin_client.get(f"/admin/regrade/TST-01/{target['slug']}").text
    # The record outlives its author's account (deleting that account once failed on it).
    assert admin_client.post("/account/delete", data={"password": "admin passphrase"}).status_code == 303
    with Session(app.state.engine) as session:
        [record] = session.exec(select(Regrade)).all()
        assert record.admin_id is None and record.changes[0]["attempt"] == attempt


def test_candidates_cannot_reach_curation(client):
    for path in (
        "/admin/questions",
        "/admin/coverage",
        "/admin/reports",
        "/admin/export/TST-01.yaml",
        "/admin/questions/TST-01/d1-1-1-q1",
        "/admin/regrade/TST-01/d1-1-1-q1",
    ):
        assert client.get(path).status_code == 404, path


def test_item_statistics_use_first_exam_exposures_and_show_every_question(admin_client, app):
    for _ in range(2):
        attempt = start(admin_client)
        for item in paper(app, attempt):
            answer(admin_client, attempt, item["position"], item["key"])
        admin_client.post(f"/attempts/{attempt}/end")
    page = admin_client.get("/admin/statistics?exam=TST-01").text
    assert "Item statistics: TST-01" in page and page.count("/admin/questions/TST-01/") == 10
    assert "1 candidates&#39; first exams" in page or "1 candidates' first exams" in page
    assert "Show flagged questions only" in page
    assert "Scored questions correct on first exams" in page and "The distribution as a table" in page
    assert admin_client.get("/admin/statistics?exam=TST-01&flagged=true").text.count("/admin/questions/TST-01/") == 0


@pytest.mark.parametrize(
    "path", ["/admin/imports/99999999999999999999/commit", "/admin/reports/99999999999999999999/close"]
)
def test_admin_ids_no_column_holds_are_refused_as_input(admin_client, path):
    assert admin_client.post(path).status_code == 422


@pytest.mark.parametrize("difficulty", ["²", "999999", "-1", "x"])
def test_a_difficulty_filter_that_is_no_difficulty_filters_nothing(admin_client, difficulty):
    response = admin_client.get(f"/admin/questions?exam=TST-01&difficulty={difficulty}")
    assert response.status_code == 200
