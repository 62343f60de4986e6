import dataclasses

import pytest

from app.domain.exam import (
    ExamRules,
    Option,
    Question,
    apportion,
    explanation_gaps,
    question_problems,
    stated_choose_count,
)
from tests.domain.helpers import MLS_C01


def test_mls_c01_paper_quotas_follow_largest_remainder():
    assert apportion(65, [20, 24, 36, 20]) == [13, 16, 23, 13]
    assert MLS_C01.quotas() == {"D1": (10, 3), "D2": (12, 4), "D3": (18, 5), "D4": (10, 3)}


def test_mla_c01_weights_apportion_to_the_documented_counts():
    assert apportion(50, [28, 26, 22, 24]) == [14, 13, 11, 12]


def test_apportion_breaks_ties_deterministically_by_weight_then_position():
    assert apportion(1, [1, 1]) == [1, 0]
    assert apportion(2, [1, 1, 2]) == [0, 0, 2] or apportion(2, [1, 1, 2]) == [1, 0, 1]
    assert sum(apportion(7, [3, 3, 3])) == 7


@pytest.mark.parametrize("bad", [[0, 0], [-1, 2], []])
def test_apportion_rejects_weights_without_a_positive_sum(bad):
    with pytest.raises(ValueError):
        apportion(5, bad)


@pytest.mark.parametrize(
    "stem, n",
    [
        ("Pick. (Choose two.)", 2),
        ("(choose three)", 3),
        ("x (Choose 2)", 2),
        ("Which steps? (Select TWO.)", 2),
        ("Which are true? (Choose 3 answers)", 3),
        ("(Choose 2 answer)", 2),
        ("No instruction", None),
        ("Choose the best option (select one of them)", None),
    ],
)
def test_choose_count_is_read_from_the_stem(stem, n):
    assert stated_choose_count(stem) == n


def _question(**overrides) -> Question:
    fields = dict(
        id="q",
        domain="D1",
        task="1.1",
        type="single",
        stem="Which?",
        options=tuple(Option(i, f"text {i}", f"why {i}") for i in "ABCD"),
        key=frozenset({"A"}),
        explanation="because",
    )
    fields.update(overrides)
    return Question(**fields)


def test_a_sound_question_has_no_problems():
    assert question_problems(_question(), MLS_C01) == []


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"domain": "D9"}, "domain", "unknown domain"),
        ({"task": "2.1"}, "task", "not in domain D1"),
        ({"key": frozenset({"E"})}, "key", "names no option: E"),
        ({"key": frozenset({"A", "B"})}, "key", "single-answer question has 2 keys"),
        (
            {
                "type": "multiple",
                "stem": "Pick (Choose three.)",
                "key": frozenset({"A", "B"}),
                "options": tuple(Option(i, i, i) for i in "ABCDE"),
            },
            "stem",
            "says choose 3 but the key has 2",
        ),
        (
            {
                "type": "multiple",
                "stem": "Pick",
                "key": frozenset({"A", "B"}),
                "options": tuple(Option(i, i, i) for i in "ABCDE"),
            },
            "stem",
            "must say how many",
        ),
    ],
)
def test_question_problems_name_the_field(overrides, field, words):
    problems = question_problems(_question(**overrides), MLS_C01)
    assert any(f == field and words in message for f, message in problems), problems


# ---- an exam's rules -----------------------------------------------------------------------------------------

QUIZ = dataclasses.replace(
    MLS_C01,
    code="QUIZ-1",
    rules=ExamRules(min_options_single=2, min_options_multiple=3, choose_n_in_stem=False, types=("single", "multiple")),
)
TRUE_FALSE = {"options": (Option("A", "True", "yes"), Option("B", "False", "no")), "stem": "S3 is a block store."}
THREE_WAY_PICK = {
    "type": "multiple",
    "stem": "Which are object stores?",
    "key": frozenset({"A", "B"}),
    "options": tuple(Option(i, i, i) for i in "ABC"),
}


def test_an_exam_without_rules_keeps_awss():
    assert MLS_C01.rules == ExamRules(3, 5, True, ("single", "multiple", "ordering", "matching"))


def test_aws_refuses_a_true_false_naming_its_rule_and_how_to_change_it():
    [(field, message)] = question_problems(_question(**TRUE_FALSE), MLS_C01)
    assert field == "options"
    assert message == (
        "a single-answer question needs at least 3 options, has 2 "
        "(rule min_options_single of exam MLS-C01; an exam sets it under `rules:` in its exam.yaml)"
    )


def test_an_exam_whose_rules_allow_two_options_takes_a_true_false():
    assert question_problems(_question(**TRUE_FALSE), QUIZ) == []


def test_a_multiple_response_question_needs_the_options_and_the_choose_instruction_its_exam_asks_for():
    fields = {f for f, _ in question_problems(_question(**THREE_WAY_PICK), MLS_C01)}
    assert fields == {"options", "stem"}
    messages = [m for _, m in question_problems(_question(**THREE_WAY_PICK), MLS_C01)]
    assert "rule min_options_multiple of exam MLS-C01" in messages[0]
    assert "rule choose_n_in_stem of exam MLS-C01" in messages[1]
    assert question_problems(_question(**THREE_WAY_PICK), QUIZ) == []


def test_a_stem_that_says_how_many_to_choose_must_agree_with_the_key_whatever_the_rules():
    wrong = _question(**{**THREE_WAY_PICK, "stem": "Which are object stores? (Choose three.)"})
    assert question_problems(wrong, QUIZ) == [("stem", "the stem says choose 3 but the key has 2 options")]


def test_a_type_the_exam_does_not_take_is_refused_naming_the_rule():
    ordering = _question(
        type="ordering",
        options=tuple(Option(i, i, "") for i in "ABC"),
        key=frozenset({"1=A", "2=B", "3=C"}),
    )
    assert question_problems(ordering, MLS_C01) == []
    assert question_problems(ordering, QUIZ) == [
        (
            "type",
            "exam QUIZ-1 takes no ordering questions, only single, multiple "
            "(rule types of exam QUIZ-1; an exam sets it under `rules:` in its exam.yaml)",
        )
    ]


def test_missing_explanations_are_named_option_by_option():
    question = _question(options=(Option("A", "a", ""), Option("B", "b", "x"), Option("C", "c", "y")), explanation=" ")
    assert explanation_gaps(question) == [
        ("options.A.explanation", "every option needs its explanation"),
        ("explanation", "the question needs an overall explanation"),
    ]


def test_coverage_counts_disjoint_papers_by_the_scarcest_domain():
    from app.domain.coverage import coverage

    rows, papers = coverage(MLS_C01, {"D1": 81, "D2": 98, "D3": 144, "D4": 86})
    assert [(r.code, r.per_paper, r.papers) for r in rows] == [
        ("D1", 13, 6),
        ("D2", 16, 6),
        ("D3", 23, 6),
        ("D4", 13, 6),
    ]
    assert papers == 6
    assert coverage(MLS_C01, {"D1": 81, "D2": 10, "D3": 144, "D4": 86})[1] == 0
