import random
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.practice import AGAIN, GOOD, HARD, Offer, Outcome, allocate, choose_for_drill, mastery, review_rating
from app.domain.srs import retrievability, review

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MLS_WEIGHTS = {"D1": 20, "D2": 24, "D3": 36, "D4": 20}


def test_adaptive_allocation_matches_the_research_vector():
    # scoring.md §5.1: p̂ = .80/.60/.70/.50, k = 20, λ = 0.7 → 3/5/7/5
    assert allocate(MLS_WEIGHTS, {"D1": 0.8, "D2": 0.6, "D3": 0.7, "D4": 0.5}, 20) == {
        "D1": 3,
        "D2": 5,
        "D3": 7,
        "D4": 5,
    }


def test_every_domain_gets_a_question_once_a_session_has_four():
    allocation = allocate(MLS_WEIGHTS, {"D1": 0.99, "D2": 0.2, "D3": 0.2, "D4": 0.2}, 4)
    assert allocation == {"D1": 1, "D2": 1, "D3": 1, "D4": 1}
    assert sum(allocate(MLS_WEIGHTS, {"D1": 0.5, "D2": 0.5, "D3": 0.5, "D4": 0.5}, 3).values()) == 3


def test_mastery_weighs_recent_answers_more():
    history = [Outcome("D1", False, NOW - timedelta(days=30)), Outcome("D1", True, NOW)]
    level = mastery(history, ["D1", "D2"], NOW)
    assert level["D1"] == pytest.approx(2 / (2 + 1 + 0.9**30), abs=1e-9)
    assert level["D2"] == 0.5


@pytest.mark.parametrize(
    "correct, flagged, rating", [(False, False, AGAIN), (False, True, AGAIN), (True, True, HARD), (True, False, GOOD)]
)
def test_outcomes_map_to_conservative_fsrs_ratings(correct, flagged, rating):
    assert review_rating(correct=correct, flagged=flagged) == rating


def test_a_missed_question_comes_back_soon_and_a_known_one_later():
    missed, missed_due = review(None, AGAIN, NOW)
    assert missed_due - NOW <= timedelta(minutes=10)
    _, later = review(missed, GOOD, missed_due)
    assert later > missed_due
    known, known_due = review(None, GOOD, NOW)
    assert known_due - NOW >= timedelta(minutes=10)
    assert 0 < retrievability(known, NOW + timedelta(days=30)) < 1


def _offers():
    return [
        Offer(i, f"{d.lower()}-q{i}", d, t, ("A", "B", "C", "D"))
        for i, (d, t) in enumerate([("D1", "1.1")] * 5 + [("D2", "2.1")] * 5 + [("D2", "2.2")] * 5)
    ]


def test_a_drill_takes_due_reviews_first_then_unseen_questions_within_its_domains():
    pool = _offers()
    due = ["d2-q7", "d1-q0"]
    seen = {o.question_id for o in pool if o.domain == "D2"} - {"d2-q12"}
    chosen = choose_for_drill(pool, 4, domains={"D2"}, due=due, seen=seen, rng=random.Random(1))
    assert [o.question_id for o in chosen][:2] == ["d2-q7", "d2-q12"]
    assert {o.domain for o in chosen} == {"D2"} and len(chosen) == 4


def test_a_drill_can_be_limited_to_task_statements():
    chosen = choose_for_drill(_offers(), 10, tasks={"2.2"}, rng=random.Random(2))
    assert len(chosen) == 5 and {o.task for o in chosen} == {"2.2"}
