"""Loading the bank into the database: idempotent, versioned, and all-or-nothing."""

import shutil
from datetime import UTC, datetime

import pytest
import yaml
from sqlmodel import Session, select

from app.bank.loader import load_exam
from app.bootstrap import BankInvalid, load_shipped_bank
from app.db import migrate
from app.db.bank import active_pool, sync_exam
from app.db.tables import Question, QuestionVersion
from tests.conftest import TEST_BANK

NOW = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture
def bank_copy(tmp_path):
    target = tmp_path / "bank"
    shutil.copytree(TEST_BANK, target)
    return target


def _questions_file(bank):
    return bank / "tst-01" / "questions" / "questions.yaml"


def test_loading_the_same_bank_again_changes_nothing(fresh_database_url, bank_copy):
    [report] = load_shipped_bank(fresh_database_url, bank_copy, now=NOW)
    assert (report.new, report.changed, report.unchanged) == (0, 0, 10)


def test_an_edited_question_becomes_a_new_version_and_the_old_one_is_kept(fresh_database_url, bank_copy, engine_for):
    path = _questions_file(bank_copy)
    data = yaml.safe_load(path.read_text())
    data["questions"][0]["stem"] = "A reworded stem. Which is right?"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    [report] = load_shipped_bank(fresh_database_url, bank_copy, now=NOW)
    assert (report.new, report.changed, report.unchanged) == (0, 1, 9)
    with Session(engine_for(fresh_database_url)) as session:
        question = session.exec(select(Question).where(Question.slug == "d1-1-1-q1")).one()
        versions = session.exec(select(QuestionVersion).where(QuestionVersion.question_id == question.id)).all()
        assert len(versions) == 2
        current = session.get(QuestionVersion, question.current_version_id)
        assert current.content["stem"] == "A reworded stem. Which is right?"
        assert len(active_pool(session=session, exam_code="TST-01")) == 10


def test_a_review_note_alone_does_not_make_a_new_version(fresh_database_url, bank_copy):
    path = _questions_file(bank_copy)
    data = yaml.safe_load(path.read_text())
    data["questions"][0]["review"] = {"status": "reviewed", "reviewer": "someone else", "notes": "fine"}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    [report] = load_shipped_bank(fresh_database_url, bank_copy, now=NOW)
    assert report.changed == 0


def test_a_bank_with_any_problem_stores_nothing(fresh_database_url, bank_copy, engine_for):
    path = _questions_file(bank_copy)
    data = yaml.safe_load(path.read_text())
    data["questions"][0]["stem"] = "Changed, but never stored"
    data["questions"][1]["key"] = ["Z"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(BankInvalid, match="question d1-1-1-q2: key: key names no option: Z"):
        load_shipped_bank(fresh_database_url, bank_copy, now=NOW)
    with Session(engine_for(fresh_database_url)) as session:
        assert len(session.exec(select(QuestionVersion)).all()) == 10


def _write(bank, text):
    _questions_file(bank).write_text(text, encoding="utf-8")
    return load_exam(bank / "tst-01")


VALID = """\
questions:
  - id: ok-one
    domain: D1
    task: "1.1"
    type: single
    stem: Which?
    options:
      - {id: A, text: a, explanation: x}
      - {id: B, text: b, explanation: y}
      - {id: C, text: c, explanation: z}
    key: [A]
    explanation: because
"""


def test_problems_name_the_file_line_question_and_field(bank_copy):
    text = (
        VALID
        + """\
  - id: bad-two
    domain: D1
    task: 1.1
    type: single
    stem: Which?
    colour: blue
    options:
      - {id: A, text: a, explanation: x}
      - {id: B, text: b, explanation: y}
      - {id: C, text: c, explanation: z}
    key: [A]
    explanation: because
"""
    )
    loaded = _write(bank_copy, text)
    messages = [str(p) for p in loaded.problems]
    assert (
        "tst-01/questions/questions.yaml:13: question bad-two: task: Value error, write the task as a "
        'quoted string, e.g. "1.1", so that 1.10 stays 1.10' in messages
    )
    assert any(m.endswith("question bad-two: colour: Extra inputs are not permitted") for m in messages)
    assert [q.id for q in loaded.questions] == ["ok-one"]


def test_duplicate_ids_are_reported(bank_copy):
    loaded = _write(bank_copy, VALID + VALID.split("questions:\n", 1)[1])
    assert any("question ok-one: id: duplicate id" in str(p) for p in loaded.problems)


def test_broken_yaml_is_reported_with_its_line(bank_copy):
    loaded = _write(bank_copy, "questions:\n  - id: x\n    stem: [unclosed\n")
    [problem] = loaded.problems
    assert problem.field == "(file)" and problem.line is not None


def test_latin1_text_is_reported_as_not_utf8(bank_copy):
    _questions_file(bank_copy).write_bytes("questions: []\n# caf\xe9\n".encode("latin-1"))
    [problem] = load_exam(bank_copy / "tst-01").problems
    assert "not UTF-8" in problem.message


def test_a_file_without_a_questions_list_is_reported(bank_copy):
    [problem] = _write(bank_copy, "- just a list\n").problems
    assert "top-level `questions` list" in problem.message


def test_sync_reports_new_questions_on_an_empty_database(empty_database_url, engine_for):
    migrate.upgrade(empty_database_url)
    with Session(engine_for(empty_database_url)) as session:
        loaded = load_exam(TEST_BANK / "tst-01")
        contents = [q.content() for q in loaded.questions]
        report = sync_exam(
            session=session,
            blueprint=loaded.blueprint,
            blueprint_data=loaded.blueprint_data,
            contents=contents,
            now=NOW,
        )
        session.commit()
    assert (report.new, report.changed, report.unchanged) == (10, 0, 0)


def test_a_case_studys_questions_are_offered_to_assembly_as_one_group(fresh_database_url, bank_copy, engine_for):
    from tests.test_bank_item_types import CASE, matching, ordering

    document = {"cases": [CASE], "questions": [ordering(case="case-shop"), matching(case="case-shop")]}
    (bank_copy / "tst-01" / "questions" / "case.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    [report] = load_shipped_bank(fresh_database_url, bank_copy, now=NOW)
    assert report.new == 2
    with Session(engine_for(fresh_database_url)) as session:
        pool = {c.question_id: c for c in active_pool(session=session, exam_code="TST-01")}
        assert pool["order-steps"].case == pool["match-inference"].case == "case-shop"
        assert pool["d1-1-1-q1"].case is None
        stored = session.get(QuestionVersion, pool["order-steps"].version_id)
        assert stored.content["case"]["scenario"] == CASE["scenario"]
