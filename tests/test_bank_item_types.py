"""Ordering, matching and case-study items in the native format: what the loader reads, and what it refuses
with the file, line, question and field named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from app.bank.imports import read_native
from app.bank.loader import load_bank
from app.domain.content import question_from_content
from app.domain.exam import Case
from app.domain.scoring import is_correct
from tests.conftest import TEST_BANK

REFERENCE = [{"title": "Docs", "url": "https://docs.aws.amazon.com/sagemaker/latest/dg/whatis.html"}]
CASE = {"id": "case-shop", "title": "A shop", "scenario": "A shop forecasts demand for 400 products."}


def ordering(**overrides) -> dict:
    return {
        "id": "order-steps",
        "domain": "D1",
        "task": "1.1",
        "type": "ordering",
        "stem": "In what order should the engineer do these steps?",
        "options": [
            {"id": "A", "text": "Register the model", "explanation": "Last: only an evaluated model is registered."},
            {"id": "B", "text": "Evaluate the model", "explanation": "Second: it needs a trained model."},
            {"id": "C", "text": "Train the model", "explanation": "First: nothing exists before it."},
        ],
        "key": ["C", "B", "A"],
        "explanation": "Train, then evaluate, then register.",
        "references": REFERENCE,
        **overrides,
    }


def matching(**overrides) -> dict:
    return {
        "id": "match-inference",
        "domain": "D2",
        "task": "2.1",
        "type": "matching",
        "stem": "Match each workload with the inference option that fits it best.",
        "prompts": [
            {"id": "1", "text": "Nightly scoring of a whole table", "explanation": "Batch: no endpoint is needed."},
            {"id": "2", "text": "One-gigabyte payloads", "explanation": "Asynchronous: it queues large payloads."},
            {"id": "3", "text": "Answers within 50 ms", "explanation": "Real time: a persistent endpoint."},
        ],
        "options": [
            {"id": "A", "text": "Batch transform"},
            {"id": "B", "text": "Real-time endpoint"},
            {"id": "C", "text": "Asynchronous inference"},
            {"id": "D", "text": "Serverless inference"},
        ],
        "key": {"1": "A", "2": "C", "3": "B"},
        "explanation": "Each workload's size and latency decide.",
        "references": REFERENCE,
        **overrides,
    }


def bank_with(tmp_path: Path, questions: list[dict], cases: list[dict] | None = None) -> Path:
    bank = tmp_path / "bank"
    shutil.copytree(TEST_BANK, bank)
    document = {"questions": questions} if cases is None else {"cases": cases, "questions": questions}
    (bank / "tst-01" / "questions" / "new-types.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return bank


def loaded(tmp_path: Path, questions: list[dict], cases: list[dict] | None = None):
    [exam] = load_bank(bank_with(tmp_path, questions, cases))
    return exam


def problems(tmp_path, questions, cases=None) -> list[str]:
    return [str(p) for p in loaded(tmp_path, questions, cases).problems]


def test_an_ordering_key_is_each_step_at_its_position(tmp_path):
    [question] = [q for q in loaded(tmp_path, [ordering()]).questions if q.type == "ordering"]
    domain = question_from_content(question.content())
    assert domain.key == {"1=C", "2=B", "3=A"}
    assert is_correct({"1=C", "2=B", "3=A"}, domain.key)
    assert not is_correct({"1=C", "2=A", "3=B"}, domain.key), "only the exact sequence earns credit"


def test_a_matching_key_is_each_prompt_with_its_response(tmp_path):
    [question] = [q for q in loaded(tmp_path, [matching()]).questions if q.type == "matching"]
    domain = question_from_content(question.content())
    assert domain.key == {"1=A", "2=C", "3=B"} and [p.id for p in domain.prompts] == ["1", "2", "3"]
    assert domain.keyed_option("2") == "C"
    assert not is_correct({"1=A", "2=C"}, domain.key), "a partly matched answer earns nothing"


def test_a_case_study_puts_its_scenario_into_each_of_its_questions(tmp_path):
    exam = loaded(tmp_path, [ordering(case="case-shop"), matching(case="case-shop")], cases=[CASE])
    assert exam.problems == []
    for question in exam.questions:
        if question.case is not None:
            assert question_from_content(question.content()).case == Case(**CASE)


def test_questions_without_the_new_fields_keep_their_content_and_hash(tmp_path):
    [exam] = load_bank(TEST_BANK)
    assert all("case" not in q.content() and "prompts" not in q.content() for q in exam.questions)


@pytest.mark.parametrize(
    ("questions", "cases", "expected"),
    [
        ([ordering(key=["C", "B", "B"])], None, "question order-steps: key: the order repeats step B"),
        ([ordering(key=["C", "B"])], None, "key: the order leaves out step A"),
        ([ordering(key=["C", "B", "X"])], None, "key: key names no option: X"),
        ([ordering(options=ordering()["options"][:2], key=["C", "B"])], None, "options: an ordering question has 3–5"),
        ([ordering(key={"1": "C"})], None, "the key of this ordering question is a list of option ids"),
        ([matching(key={"1": "A", "2": "C"})], None, "question match-inference: key: prompt 3 has no response"),
        ([matching(key={"1": "A", "2": "C", "3": "B", "4": "A"})], None, "the key pairs unknown prompt 4"),
        ([matching(key=["A", "C", "B"])], None, "a matching key pairs each prompt with a response"),
        ([matching(prompts=matching()["prompts"][:2], key={"1": "A", "2": "C"})], None, "has 3–7 prompts, not 2"),
        (
            [matching(prompts=[{**p, "explanation": ""} for p in matching()["prompts"]])],
            None,
            "prompts.1.explanation: every pair needs its explanation",
        ),
        ([ordering(case="case-shop")], [CASE], "case study case-shop has one question; it needs two or more"),
        ([ordering(case="case-none")], [CASE], "case 'case-none' is not one of the `cases` of this file"),
        (
            [ordering(case="case-shop", also={"MLA-C01": "1.1"}), matching(case="case-shop")],
            [CASE],
            "case study case-shop's questions must map to the same exams",
        ),
        ([ordering(), matching()], [{"id": "case-shop", "title": "A shop"}], "cases.0.scenario: Field required"),
    ],
)
def test_a_faulty_item_is_refused_naming_file_line_question_and_field(tmp_path, questions, cases, expected):
    found = problems(tmp_path, questions, cases)
    assert any(expected in p for p in found), found
    assert all(p.startswith("bank/tst-01/questions/new-types.yaml") for p in found)


def test_an_uploaded_file_resolves_its_case_studies_like_the_bank(tmp_path):
    document = {"cases": [CASE], "questions": [ordering(case="case-shop"), matching(case="case-shop")]}
    upload = read_native(yaml.safe_dump(document), "cases.yaml")
    assert [q.content["case"] for q in upload.questions] == [CASE, CASE]


def test_an_upload_takes_ordering_and_matching_items_and_whole_case_studies_only():
    from app.bank.upload_check import check_upload
    from tests.domain.helpers import MLS_C01

    document = {"cases": [CASE], "questions": [ordering(case="case-shop"), matching()]}
    report = check_upload(read_native(yaml.safe_dump(document), "new.yaml"), MLS_C01, filename="new.yaml", current={})
    assert [q.id for q in report.valid] == ["match-inference"]
    [refused] = report.errors
    assert (refused.question, refused.field) == ("order-steps", "case")
    assert refused.message == "case study case-shop needs two or more questions"
    assert report.statuses == {"match-inference": "new"} and report.domains["D1"] == 0
