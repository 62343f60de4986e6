"""The shipped bank: valid, reviewed, explained, and large enough for full papers with spare."""

from collections import Counter

import pytest

from app.bank.loader import load_bank
from app.config import ROOT


@pytest.fixture(scope="module")
def exams():
    return {exam.blueprint.code: exam for exam in load_bank(ROOT / "question_bank")}


def test_the_shipped_bank_has_no_problems(exams):
    problems = [str(p) for exam in exams.values() for p in exam.problems]
    assert problems == []


def test_both_blueprints_ship(exams):
    assert set(exams) >= {"MLS-C01", "MLA-C01"}
    assert exams["MLS-C01"].blueprint.quotas() == {"D1": (10, 3), "D2": (12, 4), "D3": (18, 5), "D4": (10, 3)}
    assert (exams["MLA-C01"].blueprint.scale.cut, exams["MLA-C01"].blueprint.minutes) == (720, 130)


def test_mls_c01_has_exam_prep_size_in_the_exams_proportions(exams):
    counts = Counter(q.domain for q in exams["MLS-C01"].questions)
    assert sum(counts.values()) >= 400
    assert counts["D1"] >= 80 and counts["D2"] >= 96 and counts["D3"] >= 144 and counts["D4"] >= 80


def test_every_mls_c01_task_statement_has_questions(exams):
    exam = exams["MLS-C01"]
    tasks = Counter(q.task for q in exam.questions)
    for domain in exam.blueprint.domains:
        for task, _ in domain.tasks:
            assert tasks[task] >= 15, f"task {task} has {tasks[task]} questions"


def test_every_question_is_explained_referenced_and_independently_reviewed(exams):
    for question in exams["MLS-C01"].questions:
        assert question.references, question.id
        assert all(o.explanation.strip() for o in question.options), question.id
        assert question.review is not None and question.review.status == "reviewed", question.id


def test_multiple_response_share_is_realistic(exams):
    questions = exams["MLS-C01"].questions
    share = sum(q.type == "multiple" for q in questions) / len(questions)
    assert 0.15 <= share <= 0.35


def test_the_committed_schema_is_generated_from_the_models():
    import json

    from app.bank.format import json_schema

    committed = json.loads((ROOT / "question_bank" / "schema.json").read_text())
    assert committed == json_schema(), "question_bank/schema.json is stale: run `mockexam bank schema --write`"


def test_every_shipped_question_file_validates_against_the_schema(exams):
    import json

    import yaml
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json.loads((ROOT / "question_bank" / "schema.json").read_text()))
    for path in sorted((ROOT / "question_bank").glob("*/questions/*.yaml")):
        errors = list(validator.iter_errors(json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))))
        assert errors == [], f"{path.name}: {errors[0].message}"
