from app.domain.progress import SatItem, answer_changes, flagged_accuracy, over_pace, pace_seconds

KEY = frozenset({"A"})


def item(position, first, final, flagged=False, seconds=100.0, changes=0):
    return SatItem(
        position, seconds, flagged, frozenset(first) if first is not None else None, frozenset(final), KEY, changes
    )


def test_changes_are_counted_by_where_they_led():
    items = [item(1, "B", "A"), item(2, "A", "C"), item(3, "B", "C"), item(4, "A", "A"), item(5, None, "")]
    changes = answer_changes(items)
    assert (changes.changed, changes.wrong_to_right, changes.right_to_wrong, changes.wrong_to_wrong) == (3, 1, 1, 1)


def test_flagged_and_unflagged_accuracy_are_separate():
    flagged, unflagged = flagged_accuracy([item(1, "A", "A", True), item(2, "B", "B", True), item(3, "A", "A")])
    assert (flagged.correct, flagged.total, flagged.percent) == (1, 2, 50)
    assert (unflagged.correct, unflagged.total, unflagged.percent) == (1, 1, 100)


def test_the_mls_c01_pace_is_166_seconds_and_slow_questions_take_twice_that():
    pace = pace_seconds(180, 65)
    assert round(pace) == 166
    assert [i.position for i in over_pace([item(1, "A", "A", seconds=400), item(2, "A", "A", seconds=300)], pace)] == [
        1
    ]


def test_the_summary_and_each_question_share_one_definition_of_a_change():
    from app.domain.progress import change_of

    # Changed three times but ending where it began is no change, whatever the stored counter says.
    items = [item(1, "A", "A", changes=3), item(2, "B", "A", changes=1), item(3, "A", "B", changes=5)]
    assert [change_of(i) for i in items] == [None, "wrong to right", "right to wrong"]
    assert answer_changes(items).changed == sum(change_of(i) is not None for i in items) == 2
