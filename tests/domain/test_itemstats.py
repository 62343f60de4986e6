"""Item statistics against values worked by hand on a 4-candidate, 3-question matrix:

        q1 q2 q3  total
    P1   1  1  1   3
    P2   1  1  0   2
    P3   1  0  0   1
    P4   0  0  0   0

Rest score for q2 (share correct on the other two): 1, 0.5, 0.5, 0.
"""

import math

import pytest

from app.domain.itemstats import Response, correlation, form_statistics, item_statistics

Q2 = [
    Response(True, frozenset("A"), 1.0),
    Response(True, frozenset("A"), 0.5),
    Response(False, frozenset("B"), 0.5),
    Response(False, frozenset("C"), 0.0),
]


def test_facility_discrimination_and_efficiency_match_the_hand_computation():
    stats = item_statistics("q2", Q2, {"A"}, "ABC", min_sample=4)
    assert stats.facility == 50
    # cov = 0.5/3, var(score) = 1/3, var(rest) = 0.5/3  →  r = (1/6) / sqrt(1/18) = 0.7071
    assert stats.discrimination == pytest.approx(100 / math.sqrt(2), abs=1e-9)
    # sorted pairs give the same covariance: the item discriminates as well as its margins allow
    assert stats.efficiency == pytest.approx(100)
    assert stats.flags == []


def test_options_report_how_often_they_were_chosen_and_by_whom():
    stats = item_statistics("q2", Q2, {"A"}, "ABC", min_sample=4)
    assert stats.options["A"][0] == 0.5 and stats.options["B"][0] == 0.25
    assert stats.options["B"][1] == pytest.approx(0.0, abs=1e-12)
    assert stats.options["C"][1] < 0 < stats.options["A"][1]
    assert stats.patterns[0] == (("A",), 2)


def test_a_key_that_strong_candidates_miss_is_flagged_as_a_likely_mis_key():
    miskeyed = [Response(r.correct is False, r.selection, r.rest) for r in Q2]
    stats = item_statistics("q2", miskeyed, {"B", "C"}, "ABC", min_sample=4)
    assert stats.discrimination < 0
    assert any("likely mis-key" in f for f in stats.flags)
    assert any("distractor A attracts stronger candidates" in f for f in stats.flags)


def test_no_flags_before_the_minimum_sample():
    miskeyed = [Response(r.correct is False, r.selection, r.rest) for r in Q2]
    assert item_statistics("q2", miskeyed, {"B"}, "ABC").flags == []


def test_too_easy_and_too_hard():
    easy = [Response(True, frozenset("A"), i / 10) for i in range(9)] + [Response(True, frozenset("A"), 0.5)]
    assert "too easy" in item_statistics("e", easy, {"A"}, "AB", min_sample=10).flags
    hard = [Response(False, frozenset("B"), i / 10) for i in range(10)]
    assert "too hard" in item_statistics("h", hard, {"A"}, "AB", min_sample=10).flags


def test_cronbach_alpha_and_standard_error_of_measurement():
    # item variances 0.25, 1/3, 0.25; total variance 5/3  →  alpha = 1.5 · (1 − 0.5) = 0.75
    stats = form_statistics([3, 2, 1, 0], [0.25, 1 / 3, 0.25])
    assert stats.alpha == pytest.approx(0.75)
    assert stats.sem == pytest.approx(math.sqrt(5 / 3) * 0.5)
    assert stats.mean == 1.5


def test_correlation_needs_variation_and_three_points():
    assert correlation([1, 1, 1], [0, 1, 2]) is None
    assert correlation([0, 1], [0, 1]) is None


def test_a_matching_item_reports_each_pairs_share_and_flags_a_pair_that_draws_stronger_candidates():
    from app.domain.exam import Option, Prompt, Question

    matching = Question(
        id="m",
        domain="D1",
        task="1.1",
        type="matching",
        stem="Match.",
        options=tuple(Option(o, o, "") for o in "ABC"),
        key=frozenset({"1=A", "2=B"}),
        explanation="",
        prompts=(Prompt("1", "one", "why"), Prompt("2", "two", "why")),
    )
    assert matching.answer_tokens == ("1=A", "1=B", "1=C", "2=A", "2=B", "2=C")
    responses = [
        Response(False, frozenset({"1=A", "2=C"}), 1.0),  # the strongest pick 2=C: a likely mis-key
        Response(False, frozenset({"1=A", "2=C"}), 0.9),
        Response(True, frozenset({"1=A", "2=B"}), 0.2),
        Response(True, frozenset({"1=A", "2=B"}), 0.1),
    ]
    stats = item_statistics("m", responses, matching.key, matching.answer_tokens, min_sample=4)
    assert stats.options["2=C"][0] == 0.5 and stats.options["1=B"][0] == 0.0
    assert "distractor 2=C attracts stronger candidates (r = 0.99)" in stats.flags
    assert stats.flags[0].startswith("likely mis-key")
