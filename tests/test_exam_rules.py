"""An exam's rules are data: AWS's unless its exam.yaml says otherwise, and every refusal names the rule."""

import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from app.bank.format import ExamIn
from app.bank.lint import lint_bank
from app.bank.loader import load_bank
from app.cli import cli
from app.config import ROOT
from app.domain.content import blueprint_from_dict
from app.domain.exam import ExamRules
from tests.conftest import T0, TESTS

AWS_RULES = {
    "min_options_single": 3,
    "min_options_multiple": 5,
    "choose_n_in_stem": True,
    "types": ["single", "multiple", "ordering", "matching"],
}
BANKS = [ROOT / "question_bank", TESTS / "data" / "bank", TESTS / "data" / "bank-item-types"]


def exam_yaml(**extra) -> dict:
    return {
        "code": "QUIZ-1",
        "title": "Quiz",
        "minutes": 20,
        "scored": 10,
        "scale": {"min": 0, "cut": 60, "max": 100},
        "default_cut_fraction": 0.6,
        "domains": [{"code": "D1", "name": "One", "weight": 1, "tasks": {"1.1": "First."}}],
        **extra,
    }


def test_an_exam_yaml_without_rules_gets_awss_and_is_stored_as_before_exams_had_rules():
    exam = ExamIn.model_validate(exam_yaml())
    assert exam.blueprint().rules == ExamRules()
    assert "rules" not in exam.data()  # so a shipped exam's stored blueprint, and its hash, stay the same


def test_an_exam_states_the_rules_it_changes_and_keeps_awss_for_the_rest():
    exam = ExamIn.model_validate(exam_yaml(rules={"min_options_single": 2, "choose_n_in_stem": False}))
    assert exam.blueprint().rules == ExamRules(min_options_single=2, choose_n_in_stem=False)
    # The database keeps the blueprint as data; the rules come back from it.
    assert blueprint_from_dict(exam.data()).rules == exam.blueprint().rules


@pytest.mark.parametrize(
    "rules, words",
    [
        ({"min_options_single": 1}, "greater than or equal to 2"),
        ({"min_options_multiple": 9}, "less than or equal to 8"),
        ({"types": []}, "at least 1 item"),
        ({"types": ["single", "essay"]}, "'single', 'multiple', 'ordering' or 'matching'"),
        ({"types": ["single", "single"]}, "types names single more than once"),
        ({"min_options": 2}, "Extra inputs are not permitted"),
    ],
)
def test_rules_that_make_no_sense_are_refused_with_the_reason(rules, words):
    with pytest.raises(ValidationError, match=words):
        ExamIn.model_validate(exam_yaml(rules=rules))


def _lint_lines(bank: Path) -> tuple[list[str], list[str]]:
    exams = load_bank(bank)
    return [str(p) for e in exams for p in e.problems], [str(f) for f in lint_bank(exams, today=T0.date())]


@pytest.mark.parametrize("bank", BANKS, ids=lambda path: path.name)
def test_the_shipped_and_test_banks_are_judged_by_awss_rules_exactly_as_before(bank, tmp_path):
    """Every exam of these banks states no rules, so it has AWS's; writing them out changes nothing that the
    loader or the linter says, and the stored blueprint has no `rules` (its hash is the one it had)."""
    exams = load_bank(bank)
    assert all(e.blueprint.rules == ExamRules() and "rules" not in e.blueprint_data for e in exams)
    spelled_out = tmp_path / bank.name
    shutil.copytree(bank, spelled_out)
    for exam_file in spelled_out.glob("*/exam.yaml"):
        data = yaml.safe_load(exam_file.read_text())
        exam_file.write_text(yaml.safe_dump({**data, "rules": AWS_RULES}, sort_keys=False))
    assert _lint_lines(spelled_out) == _lint_lines(bank)


# ---- a teacher's exam, end to end ----------------------------------------------------------------------------

CLASSROOM = TESTS / "data" / "classroom"


def test_the_classroom_quiz_loads_with_its_own_rules_and_lints_without_errors():
    [quiz] = load_bank(CLASSROOM)
    assert quiz.problems == []
    assert quiz.blueprint.rules == ExamRules(
        min_options_single=2, min_options_multiple=4, choose_n_in_stem=False, types=("single", "multiple")
    )
    assert {len(q.options) for q in quiz.questions} >= {2, 4}  # true/false, and multiple response of four
    assert [f for f in lint_bank([quiz], today=T0.date()) if f.severity == "error"] == []


def test_a_teachers_exam_takes_the_true_false_questions_an_aws_exam_refuses(tmp_path, monkeypatch):
    """`mockexam bank load` loads the teacher's exam beside an AWS-ruled one; the same Aiken file of true/false
    questions is then refused by the AWS-ruled exam, naming the rule, and stored in the teacher's."""
    bank = tmp_path / "bank"
    shutil.copytree(CLASSROOM / "quiz-101", bank / "quiz-101")
    shutil.copytree(TESTS / "data" / "bank" / "tst-01", bank / "tst-01")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MOCKEXAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOCKEXAM_BANK_DIR", str(bank))
    runner = CliRunner()
    loaded = runner.invoke(cli, ["bank", "load"])
    assert loaded.exit_code == 0, loaded.output
    assert "bank QUIZ-101: 10 new, 0 changed, 0 unchanged" in loaded.stdout

    aiken = str(CLASSROOM / "true-false.txt")
    refused = runner.invoke(cli, ["bank", "import", aiken, "--exam", "TST-01", "--domain", "D1", "--task", "1.1"])
    assert refused.exit_code == 1
    assert "1 new, 0 changed, 0 unchanged, 3 errors" in refused.output  # only the three-option question fits
    assert refused.output.count("needs at least 3 options, has 2 (rule min_options_single of exam TST-01") == 3

    taken = runner.invoke(
        cli, ["bank", "import", aiken, "--exam", "QUIZ-101", "--domain", "D1", "--task", "1.1", "--commit"]
    )
    assert taken.exit_code == 0, taken.output
    assert "true-false.txt (aiken): 4 new, 0 changed, 0 unchanged, 0 errors" in taken.output
    assert "stored: 4 new (4 as drafts" in taken.output  # Aiken carries no explanations or references


def test_a_gift_true_false_is_taken_by_the_classroom_quiz_and_refused_by_an_aws_ruled_exam():
    from app.bank.imports import read_upload
    from app.bank.upload_check import check_upload

    gift = b"$CATEGORY: $course$/QUIZ-101/D2/2.1\n\n::udp-no-handshake:: UDP opens a connection first. {F}\n"
    [quiz] = load_bank(CLASSROOM)
    [aws] = load_bank(TESTS / "data" / "bank")
    taken = check_upload(read_upload(gift, "tf.gift"), quiz.blueprint, filename="tf.gift", current={})
    assert taken.errors == [] and [(q.id, q.key) for q in taken.valid] == [("udp-no-handshake", ["B"])]
    refused = check_upload(
        read_upload(gift, "tf.gift"),
        aws.blueprint,
        filename="tf.gift",
        current={},
        default_domain="D1",
        default_task="1.1",
    )
    assert [e.field for e in refused.errors] == ["options"] and "min_options_single" in refused.errors[0].message
