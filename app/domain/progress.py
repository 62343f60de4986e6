"""What a candidate can learn from how they sat an exam: pace, changed answers, flagged accuracy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SatItem:
    position: int
    seconds: float
    flagged: bool
    first: frozenset[str] | None
    final: frozenset[str]
    key: frozenset[str]
    changes: int


@dataclass(frozen=True)
class AnswerChanges:
    changed: int
    wrong_to_right: int
    right_to_wrong: int
    wrong_to_wrong: int


def change_of(item: SatItem) -> str | None:
    """The one definition of an answer change: the final answer differs from the first complete one. Named by
    where it led ("wrong to right", "right to wrong", "wrong to wrong"); None when the answer never changed.
    Changes back and forth that end where they began are no change."""
    if item.first is None or item.first == item.final:
        return None
    before = "right" if item.first == item.key else "wrong"
    after = "right" if item.final == item.key else "wrong"
    return f"{before} to {after}"


def answer_changes(items: Sequence[SatItem]) -> AnswerChanges:
    """Questions whose answer changed (`change_of`), by where the change led."""
    kinds = [kind for kind in map(change_of, items) if kind is not None]
    return AnswerChanges(
        len(kinds), kinds.count("wrong to right"), kinds.count("right to wrong"), kinds.count("wrong to wrong")
    )


@dataclass(frozen=True)
class Accuracy:
    correct: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.correct / self.total) if self.total else None


def flagged_accuracy(items: Sequence[SatItem]) -> tuple[Accuracy, Accuracy]:
    """Accuracy of flagged and of unflagged questions: is the candidate's doubt well calibrated?"""

    def accuracy(group):
        return Accuracy(sum(1 for i in group if i.final == i.key), len(group))

    return (accuracy([i for i in items if i.flagged]), accuracy([i for i in items if not i.flagged]))


def pace_seconds(minutes: float, questions: int) -> float:
    """The even pace that uses the whole time: 180 minutes over 65 questions is 166 s a question."""
    return minutes * 60 / questions


def over_pace(items: Sequence[SatItem], pace: float) -> list[SatItem]:
    return [i for i in items if i.seconds > 2 * pace]
