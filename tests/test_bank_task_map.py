"""One reviewed question serves several exams through its task map (`also`)."""

import shutil

import yaml

from app.bank.loader import load_bank
from tests.conftest import TEST_BANK
from tests.test_bank_lint import question


def two_exam_bank(tmp_path, questions):
    """The test exam TST-01 and a successor TST-02 whose tasks are numbered alike but grouped otherwise."""
    root = tmp_path / "bank"
    shutil.copytree(TEST_BANK / "tst-01", root / "tst-01")
    successor = yaml.safe_load((root / "tst-01" / "exam.yaml").read_text())
    successor["code"] = "TST-02"
    successor["domains"] = [
        {"code": "D1", "name": "Alpha", "weight": 50, "tasks": {"1.1": "First task."}},
        {"code": "D2", "name": "Beta", "weight": 50, "tasks": {"1.2": "Second task.", "2.1": "Third task."}},
    ]
    (root / "tst-02" / "questions").mkdir(parents=True)
    (root / "tst-02" / "exam.yaml").write_text(yaml.safe_dump(successor))
    (root / "tst-02" / "questions" / "shared.yaml").write_text(yaml.safe_dump({"questions": questions}))
    return {exam.blueprint.code: exam for exam in load_bank(root)}


def test_a_mapped_question_serves_the_other_exam_at_the_mapped_task_and_its_domain(tmp_path):
    exams = two_exam_bank(
        tmp_path, [question(0, domain="D2", task="1.2", also={"TST-01": "1.2"}), question(1, domain="D2", task="2.1")]
    )
    assert [p for exam in exams.values() for p in exam.problems] == []
    [shared] = [q for q in exams["TST-01"].questions if q.id == "q0"]
    assert (shared.domain, shared.task) == ("D1", "1.2")
    assert [q.id for q in exams["TST-02"].questions] == ["q0", "q1"]
    assert "q1" not in {q.id for q in exams["TST-01"].questions}


def test_the_task_map_is_not_part_of_what_the_candidate_sees(tmp_path):
    exams = two_exam_bank(tmp_path, [question(0, domain="D2", task="1.2", also={"TST-01": "1.2"})])
    [home] = exams["TST-02"].questions
    [mapped] = [q for q in exams["TST-01"].questions if q.id == "q0"]
    assert "also" not in home.content()
    assert {k: v for k, v in home.content().items() if k not in ("domain", "task")} == {
        k: v for k, v in mapped.content().items() if k not in ("domain", "task")
    }


def test_a_map_to_an_unknown_exam_or_task_is_a_problem_of_the_questions_own_file(tmp_path):
    exams = two_exam_bank(
        tmp_path,
        [
            question(0, domain="D2", task="1.2", also={"TST-09": "1.2"}),
            question(1, domain="D2", task="2.1", also={"TST-01": "3.4"}),
        ],
    )
    problems = sorted(str(p) for p in exams["TST-02"].problems)
    assert len(problems) == 2
    assert "question q0: also.TST-09: no other exam 'TST-09' in the bank (TST-01)" in problems[0]
    assert "question q1: also.TST-01: task '3.4' is not in TST-01 (1.1, 1.2, 2.1)" in problems[1]
    assert problems[0].startswith("bank/tst-02/questions/shared.yaml:")
    assert exams["TST-01"].questions and all(q.id not in ("q0", "q1") for q in exams["TST-01"].questions)


def test_a_mapped_id_that_the_other_exam_uses_already_is_refused(tmp_path):
    exams = two_exam_bank(tmp_path, [question(0, domain="D2", task="1.2", id="d1-1-1-q1", also={"TST-01": "1.2"})])
    [problem] = exams["TST-02"].problems
    assert problem.message == "TST-01 has a question with this id already, in bank/tst-01/questions/questions.yaml"
    assert [q.domain for q in exams["TST-01"].questions if q.id == "d1-1-1-q1"] == ["D1"]


def test_a_mapped_task_must_be_quoted(tmp_path):
    exams = two_exam_bank(tmp_path, [question(0, domain="D2", task="1.2", also={"TST-01": 1.2})])
    [problem] = exams["TST-02"].problems
    assert problem.field == "also" and 'write the task of TST-01 as a quoted string, e.g. "1.2"' in problem.message
