"""Imported questions without explanations or a reference wait as drafts that no paper draws until an
administrator completes and publishes them."""

from sqlmodel import Session

from app.db import bank
from tests.web.admin.test_import import upload


def test_an_import_without_explanations_is_stored_as_drafts_that_no_paper_draws(admin_client, app):
    with Session(app.state.engine) as session:
        counts = bank.active_counts(session=session, exam_code="TST-01")
    check = upload(admin_client, "questions.aiken.txt", domain="D1", task="1.1")
    batch = check.text.split("/admin/imports/")[1].split("/commit")[0]
    committed = admin_client.post(f"/admin/imports/{batch}/commit")
    assert committed.status_code == 200
    assert "lack explanations or a reference, so they wait as" in committed.text
    with Session(app.state.engine) as session:
        assert bank.active_counts(session=session, exam_code="TST-01") == counts
        drafts = bank.list_questions(session=session, exam_code="TST-01", status="draft")
    assert drafts
    slug = drafts[0][0].slug
    listed = admin_client.get("/admin/questions?exam=TST-01&status=draft").text
    assert slug in listed
    page = admin_client.get(f"/admin/questions/TST-01/{slug}").text
    assert "Publish</button>" in page and "A draft: no paper draws it" in page
    refused = admin_client.post(f"/admin/questions/TST-01/{slug}/status", data={"status": "active"})
    assert refused.status_code == 422 and "cannot be drawn by papers yet" in refused.text
    assert "the question needs at least one reference" in refused.text
    with Session(app.state.engine) as session:
        assert bank.get_question(session=session, exam_code="TST-01", slug=slug).status == "draft"
