"""The admin pages open on an exam that has questions, every per-exam page has the exam picker, and the question
list is paginated with its filters kept."""

import re

from sqlmodel import Session

from app.db.bank import sync_exam
from app.db.tables import Exam
from app.domain.content import blueprint_from_dict
from tests.conftest import T0


def add_empty_live_exam(app):
    """An exam listed before TST-01 (by code) and live, with no questions yet."""
    with Session(app.state.engine) as session:
        data = dict(session.get(Exam, "TST-01").blueprint, code="AAA-00", title="Empty")
        sync_exam(session=session, blueprint=blueprint_from_dict(data), blueprint_data=data, contents=[], now=T0)
        session.commit()


def test_admin_pages_open_on_an_exam_with_questions(admin_client, app):
    add_empty_live_exam(app)
    assert "<h1>Questions: TST-01</h1>" in admin_client.get("/admin/questions").text
    statistics = admin_client.get("/admin/statistics").text
    assert "<h1>Item statistics: TST-01</h1>" in statistics
    assert re.search(r'<select id="f-exam" name="exam">.*AAA-00.*TST-01', statistics)
    assert "<h1>Questions: AAA-00</h1>" in admin_client.get("/admin/questions?exam=AAA-00").text
    assert admin_client.get("/admin/questions?exam=NOPE").status_code == 404


def test_the_question_list_is_paginated_and_keeps_its_filters(admin_client, monkeypatch):
    monkeypatch.setattr("app.web.admin.QUESTIONS_PER_PAGE", 4)
    first = admin_client.get("/admin/questions?exam=TST-01&domain=D1").text
    assert "6 questions; showing 1–4." in first and "Page 1 of 2" in first
    assert first.count("/admin/questions/TST-01/d1-") == 4
    assert 'href="/admin/questions?exam=TST-01&amp;domain=D1&amp;page=2" rel="next"' in first
    second = admin_client.get("/admin/questions?exam=TST-01&domain=D1&page=2").text
    assert "showing 5–6." in second and second.count("/admin/questions/TST-01/d1-") == 2
    assert "Next page" not in second and "Previous page" in second
    beyond = admin_client.get("/admin/questions?exam=TST-01&domain=D1&page=9").text
    assert "Page 2 of 2" in beyond
    assert admin_client.get("/admin/questions?exam=TST-01&page=0").status_code == 422
