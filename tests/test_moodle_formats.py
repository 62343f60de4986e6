"""GIFT, Aiken and Moodle XML read as Moodle reads them (question/format/gift/format.php, aiken, xml): which
questions are single or multiple response, what the key is, which questions are skipped and why, and what is
reported about weights, grades and embedded files."""

from __future__ import annotations

import pytest
import yaml

from app.bank.imports import read_upload
from app.bank.upload_check import check_upload
from tests.conftest import TEST_BANK


@pytest.fixture(scope="module")
def blueprint():
    from app.bank.format import ExamIn

    return ExamIn.model_validate(yaml.safe_load((TEST_BANK / "tst-01" / "exam.yaml").read_text())).blueprint()


def read(text: str, name: str):
    return read_upload(text.encode(), name)


def checked(text: str, name: str, blueprint):
    return check_upload(read(text, name), blueprint, filename=name, current={}, default_domain="D1", default_task="1.1")


def only(upload) -> dict:
    assert len(upload.questions) == 1, (upload.questions, upload.skipped)
    return upload.questions[0].content


def reasons(upload) -> list[str]:
    return [s.reason for s in upload.skipped]


# ---- Aiken -------------------------------------------------------------------------------------------


def test_aiken_a_record_without_answer_ends_at_a_blank_line_and_never_swallows_the_next():
    upload = read(
        "Broken record?\nA. One\nB. Two\nC. Three\n\nGood record?\nA. Yes\nB. No\nC. Maybe\nANSWER: A\n", "q.aiken.txt"
    )
    question = only(upload)
    assert question["stem"] == "Good record?" and question["key"] == ["A"]
    [skipped] = upload.skipped
    assert skipped.where == "line 1" and "no ANSWER: line" in skipped.reason


def test_aiken_option_letters_with_or_without_a_space():
    question = only(read("Which?\nA)one\nB.two\nC) three\nD. four\nANSWER: B\n", "q.aiken.txt"))
    assert [o["text"] for o in question["options"]] == ["one", "two", "three", "four"] and question["key"] == ["B"]


def test_aiken_a_two_option_question_is_skipped_with_that_reason():
    upload = read("Is it true?\nA. True\nB. False\nANSWER: A\n", "q.aiken.txt")
    assert upload.questions == []
    assert "only two options" in reasons(upload)[0]


def test_aiken_an_answer_line_alone_is_named():
    upload = read("Q?\nA. a\nB. b\nC. c\n\nANSWER: A\n", "q.aiken.txt")
    assert upload.questions == []
    assert [s.where for s in upload.skipped] == ["line 1", "line 6"]
    assert "no question before it" in upload.skipped[1].reason
