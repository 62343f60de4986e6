from fractions import Fraction

import pytest

from app.domain.exam import Scale
from app.domain.scoring import (
    MEETS,
    NEEDS,
    ItemOutcome,
    classify_domain,
    credible_band,
    dogleg,
    is_correct,
    probability_above,
    scaled_score,
    score,
    weighted_fraction,
)
from tests.domain.helpers import MLA_SCALE, MLS_C01

MLS_SCALE = MLS_C01.scale


@pytest.mark.parametrize(
    "raw, mls, mla, passed",
    [
        (0, 100, 100, False),
        (1, 119, 118, False),
        (10, 286, 277, False),
        (17.5, 425, 410, False),
        (25, 564, 543, False),
        (34, 731, 702, False),
        (35, 750, 720, True),
        (36, 767, 739, True),
        (40, 833, 813, True),
        (45, 917, 907, True),
        (49, 983, 981, True),
        (50, 1000, 1000, True),
    ],
)
def test_scaled_scores_match_the_fallback_cut_vectors(raw, mls, mla, passed):
    assert scaled_score(raw, 50, Fraction(35), MLS_SCALE) == (mls, passed)
    assert scaled_score(raw, 50, Fraction(35), MLA_SCALE) == (mla, passed)


@pytest.mark.parametrize(
    "raw, shown, passed", [(35, 715, False), (36, 732, False), (37, 750, True), (40, 808, True), (50, 1000, True)]
)
def test_a_harder_form_with_cut_37_moves_the_pass_mark(raw, shown, passed):
    assert scaled_score(raw, 50, Fraction(37), MLS_SCALE) == (shown, passed)


@pytest.mark.parametrize(
    "correct, p_pass, band",
    [
        (30, 0.059, (572, 733)),
        (33, 0.247, (628, 781)),
        (35, 0.468, (666, 810)),
        (37, 0.704, (704, 839)),
        (40, 0.933, (762, 882)),
        (45, 0.999, (855, 948)),
    ],
)
def test_probability_of_passing_and_80_percent_band(correct, p_pass, band):
    assert probability_above(correct, 50, 0.7) == pytest.approx(p_pass, abs=0.0005)
    assert credible_band(correct, 50, 0.7, MLS_SCALE) == band


@pytest.mark.parametrize(
    "n, r, chance, label, borderline",
    [
        (10, 7, 0.430, MEETS, True),
        (10, 5, 0.078, NEEDS, False),
        (10, 9, 0.887, MEETS, False),
        (18, 11, 0.182, NEEDS, False),
        (18, 13, 0.526, MEETS, True),
        (18, 16, 0.954, MEETS, False),
        (12, 8, 0.346, NEEDS, True),
    ],
)
def test_domain_classification_vectors(n, r, chance, label, borderline):
    got_label, got_borderline, got_chance = classify_domain(r, n, 0.7)
    assert (got_label, got_borderline) == (label, borderline)
    assert got_chance == pytest.approx(chance, abs=0.0005)


def test_weighted_fraction_example_maps_to_834():
    x = weighted_fraction([(20, 2, 3), (24, 3, 4), (36, 8, 10), (20, 3, 3)])
    assert x == pytest.approx(0.8013, abs=0.0001)
    assert dogleg(x, 0.7, MLS_SCALE) == pytest.approx(834.4, abs=0.05)


def test_a_fail_just_under_a_fractional_cut_never_rounds_up_to_the_pass_mark():
    cut = Fraction(3402, 100)  # 34.02 of 50: raw 34 lies at 749.6 on the line
    assert dogleg(34 / 50, float(cut / 50), MLS_SCALE) == pytest.approx(749.6, abs=0.05)
    assert scaled_score(34, 50, cut, MLS_SCALE) == (749, False)
    assert scaled_score(35, 50, cut, MLS_SCALE) == (765, True)


@pytest.mark.parametrize("x_cut", [0, 1, -0.1, 1.5])
def test_cut_must_lie_strictly_inside_zero_and_one(x_cut):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        dogleg(0.5, x_cut, Scale(100, 750, 1000))


def test_multiple_response_with_an_extra_option_scores_zero():
    assert is_correct({"A", "C"}, {"A", "C"})
    assert not is_correct({"A", "C", "D"}, {"A", "C"})
    assert not is_correct({"A"}, {"A", "C"})


def test_unanswered_is_wrong():
    assert not is_correct(set(), {"B"})


def _paper(correct_by_domain: dict[str, int], unscored_right: bool = True) -> list[ItemOutcome]:
    counts = MLS_C01.quotas()
    outcomes = []
    for domain, (scored, unscored) in counts.items():
        right = correct_by_domain.get(domain, 0)
        outcomes += [ItemOutcome(domain, True, i < right) for i in range(scored)]
        outcomes += [ItemOutcome(domain, False, unscored_right) for _ in range(unscored)]
    return outcomes


def test_an_all_blank_attempt_scores_100_and_a_perfect_one_1000():
    assert score(MLS_C01, _paper({}, unscored_right=False)).scaled == 100
    assert score(MLS_C01, _paper({"D1": 10, "D2": 12, "D3": 18, "D4": 10})).scaled == 1000


def test_unscored_questions_do_not_count():
    all_unscored_right = score(MLS_C01, _paper({"D1": 7, "D2": 8, "D3": 13, "D4": 7}, unscored_right=True))
    all_unscored_wrong = score(MLS_C01, _paper({"D1": 7, "D2": 8, "D3": 13, "D4": 7}, unscored_right=False))
    assert all_unscored_right == all_unscored_wrong
    assert (all_unscored_right.correct, all_unscored_right.total, all_unscored_right.scaled) == (35, 50, 750)
    assert all_unscored_right.passed


def test_score_reports_domains_with_labels_and_points_at_stake():
    result = score(MLS_C01, _paper({"D1": 5, "D2": 12, "D3": 18, "D4": 10}))
    d1 = result.domains[0]
    assert (d1.code, d1.correct, d1.total, d1.label) == ("D1", 5, 10, NEEDS)
    assert d1.points_at_stake == pytest.approx(0.20 * 0.5 * 50)
    assert result.domains[2].label == MEETS


@pytest.mark.parametrize("correct", [0, 1, 25, 49, 50])
def test_the_estimate_lies_inside_its_own_range_even_at_the_ends_of_the_scale(correct):
    outcomes = [ItemOutcome("D3", True, i < correct) for i in range(50)]
    result = score(MLS_C01, outcomes)
    assert result.band[0] <= result.scaled <= result.band[1]
    if correct == 0:
        assert result.scaled == result.band[0] == 100
    if correct == 50:
        assert result.scaled == result.band[1] == 1000


def test_the_headline_is_borderline_while_the_chance_of_passing_is_between_20_and_80_percent():
    from app.domain.scoring import verdict

    assert [verdict(p) for p in (0.0, 0.2, 0.21, 0.47, 0.79, 0.8, 1.0)] == [
        "Fail",
        "Fail",
        "Borderline",
        "Borderline",
        "Borderline",
        "Pass",
        "Pass",
    ]


def test_a_paper_just_over_the_cut_is_borderline_not_a_clear_pass():
    from app.domain.scoring import verdict

    just_over = score(MLS_C01, _paper({"D1": 7, "D2": 9, "D3": 13, "D4": 7}))
    assert just_over.passed and verdict(just_over.probability_pass) == "Borderline"
    clear = score(MLS_C01, _paper({"D1": 10, "D2": 12, "D3": 17, "D4": 9}))
    assert verdict(clear.probability_pass) == "Pass"
