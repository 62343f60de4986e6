from datetime import UTC, datetime, timedelta

import pytest

from app.domain.attempt import (
    AttemptFinished,
    DisplayedOptions,
    InvalidSelection,
    TimeUp,
    check_writable,
    deadline_for,
    is_over,
    plan_answer,
    read_selection,
    remaining,
    time_on_question,
    warning_due,
)
from app.domain.exam import Option, Prompt, Question

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEADLINE = deadline_for(T0, 180)


def test_deadline_is_start_plus_duration():
    assert datetime(2026, 3, 2, 12, 0, tzinfo=UTC) == DEADLINE
    assert deadline_for(T0, 210) - T0 == timedelta(minutes=210)


def test_time_is_over_exactly_at_the_deadline():
    assert not is_over(DEADLINE, DEADLINE - timedelta(microseconds=1))
    assert is_over(DEADLINE, DEADLINE)


def test_remaining_never_goes_negative():
    assert remaining(DEADLINE, DEADLINE + timedelta(hours=1)) == timedelta(0)
    assert remaining(DEADLINE, T0) == timedelta(hours=3)


@pytest.mark.parametrize(
    "left, warning",
    [
        (timedelta(minutes=16), None),
        (timedelta(minutes=15), timedelta(minutes=15)),
        (timedelta(minutes=6), timedelta(minutes=15)),
        (timedelta(minutes=5), timedelta(minutes=5)),
        (timedelta(0), timedelta(minutes=5)),
    ],
)
def test_warnings_at_15_and_5_minutes(left, warning):
    assert warning_due(DEADLINE, DEADLINE - left) == warning


def test_answer_after_deadline_is_rejected():
    with pytest.raises(TimeUp, match="Time is up: this exam ended at 12:00:00 UTC"):
        check_writable(deadline=DEADLINE, finished=False, now=DEADLINE)
    check_writable(deadline=DEADLINE, finished=False, now=DEADLINE - timedelta(seconds=1))


def test_a_finished_attempt_is_never_writable():
    with pytest.raises(AttemptFinished):
        check_writable(deadline=DEADLINE, finished=True, now=T0)


def test_display_letters_map_to_stored_options_in_paper_order():
    shown = DisplayedOptions(("C", "A", "D", "B"))
    assert shown.letters == ("A", "B", "C", "D")
    assert shown.to_stored(["A"]) == {"C"}
    assert shown.to_stored(["b", "D"]) == {"A", "B"}
    assert shown.to_display({"C", "B"}) == ("A", "D")


def test_unknown_letters_are_refused_with_the_valid_ones_named():
    with pytest.raises(InvalidSelection, match="Unknown option Z: this question has options A, B, C, D"):
        DisplayedOptions(("A", "B", "C", "D")).to_stored(["Z"])


def _item(kind: str, options: int = 4, prompts: int = 0, key=frozenset({"A"})) -> Question:
    return Question(
        id="q",
        domain="D1",
        task="1.1",
        type=kind,
        stem="Which?",
        options=tuple(Option(chr(65 + i), f"option {i}", "why") for i in range(options)),
        key=frozenset(key),
        explanation="because",
        prompts=tuple(Prompt(str(i), f"prompt {i}", "why") for i in range(1, prompts + 1)),
    )


def test_a_single_answer_question_refuses_two_answers():
    with pytest.raises(InvalidSelection, match="takes one answer"):
        read_selection(DisplayedOptions(("A", "B", "C", "D")), ["A", "B"], _item("single"))
    assert read_selection(DisplayedOptions(("A", "B", "C", "D")), [], _item("single")) == frozenset()


def test_a_paired_answer_maps_each_letter_to_its_stored_option_and_keeps_its_slot():
    shown = DisplayedOptions(("C", "A", "B"))
    ordering = _item("ordering", options=3, key={"1=A", "2=B", "3=C"})
    assert read_selection(shown, ["1=b", "2=C", "3=A"], ordering) == {"1=A", "2=B", "3=C"}
    assert shown.to_display({"1=A", "2=B", "3=C"}) == ("1=B", "2=C", "3=A")
    assert read_selection(shown, ["1=B", ""], ordering) == {"1=A"}, "a partly ordered answer is kept"


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (["1=A", "1=B"], "The prompt 1 has two answers"),
        (["4=A"], "There is no prompt 4: this question has 1, 2, 3"),
        (["A"], "Give each prompt its answer from the list beside it"),
        (["1=Z"], "Unknown option Z"),
    ],
)
def test_a_matching_answer_that_cannot_be_one_is_refused_with_a_message(sent, message):
    matching = _item("matching", options=4, prompts=3, key={"1=A", "2=B", "3=A"})
    with pytest.raises(InvalidSelection, match=message):
        read_selection(DisplayedOptions(("A", "B", "C", "D")), sent, matching)


def test_a_choice_question_refuses_pairs():
    with pytest.raises(InvalidSelection, match="takes options, not pairs"):
        read_selection(DisplayedOptions(("A", "B", "C", "D")), ["1=A"], _item("single"))


def test_time_on_a_question_stops_at_the_deadline():
    assert time_on_question(DEADLINE - timedelta(minutes=2), DEADLINE + timedelta(minutes=5), DEADLINE) == timedelta(
        minutes=2
    )
    assert time_on_question(None, DEADLINE, DEADLINE) == timedelta(0)


def test_same_selection_again_plans_no_write():
    assert plan_answer(before=frozenset({"a"}), selection=frozenset({"a"}), checked=True, required=1) is None


def test_first_complete_answer_is_kept_and_is_not_a_change():
    plan = plan_answer(before=frozenset(), selection=frozenset({"a", "c"}), checked=False, required=2)
    assert plan.first_answer == {"a", "c"} and not plan.changes_complete_answer


def test_partial_multiple_response_answer_is_not_a_first_answer():
    plan = plan_answer(before=frozenset(), selection=frozenset({"a"}), checked=False, required=2)
    assert plan.first_answer is None and not plan.changes_complete_answer


def test_replacing_a_complete_answer_counts_one_change():
    plan = plan_answer(before=frozenset({"a"}), selection=frozenset({"b"}), checked=False, required=1)
    assert plan.changes_complete_answer and plan.selection == {"b"}


def test_checked_practice_answer_cannot_change():
    with pytest.raises(InvalidSelection, match="checked"):
        plan_answer(before=frozenset({"a"}), selection=frozenset({"b"}), checked=True, required=1)
