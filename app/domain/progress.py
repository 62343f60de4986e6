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


def answer_changes(items: Sequence[SatItem]) -> AnswerChanges:
    """Questions whose first complete answer differs from the final one, by where the change led."""
    changed = [i for i in items if i.first is not None and i.first != i.final]
    wrong_to_right = sum(1 for i in changed if i.first != i.key and i.final == i.key)
    right_to_wrong = sum(1 for i in changed if i.first == i.key and i.final != i.key)
    return AnswerChanges(len(changed), wrong_to_right, right_to_wrong, len(changed) - wrong_to_right - right_to_wrong)


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
