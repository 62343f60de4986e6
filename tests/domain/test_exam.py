import pytest

from app.domain.exam import Option, Question, apportion, explanation_gaps, question_problems, stated_choose_count
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
