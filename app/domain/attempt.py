"""The rules of a sitting: time, what may be written, and how a selection is read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

WARNING_THRESHOLDS = (timedelta(minutes=15), timedelta(minutes=5))


class ExamError(Exception):
    """A request the rules of the exam refuse. The message is shown to the candidate."""


class TimeUp(ExamError):
    def __init__(self, deadline: datetime):
        self.deadline = deadline
        super().__init__(
            f"Time is up: this exam ended at {deadline:%H:%M:%S} UTC. Nothing after that is saved; "
            "your answers saved before the end count."
        )


class AttemptFinished(ExamError):
    def __init__(self) -> None:
        super().__init__("This exam has already ended, so its answers can no longer change.")


class InvalidSelection(ExamError):
    pass


class AnswerChecked(InvalidSelection):
    def __init__(self) -> None:
        super().__init__("This answer was checked, so it can no longer change.")


class AnswerChangedWhileChecked(InvalidSelection):
    def __init__(self) -> None:
        super().__init__("The answer changed while it was being checked; check it again.")


class NoSuchQuestion(ExamError):
    def __init__(self, position: int, total: int):
        super().__init__(f"There is no question {position}: this exam has questions 1 to {total}.")


def deadline_for(started_at: datetime, minutes: float) -> datetime:
    return started_at + timedelta(minutes=minutes)


def remaining(deadline: datetime, now: datetime) -> timedelta:
    return max(deadline - now, timedelta(0))


def is_over(deadline: datetime, now: datetime) -> bool:
    return now >= deadline


def warning_due(deadline: datetime, now: datetime) -> timedelta | None:
    """The smallest warning threshold already reached (15 or 5 minutes left), if any."""
    left = remaining(deadline, now)
    reached = [t for t in WARNING_THRESHOLDS if left <= t]
    return min(reached) if reached else None


def check_writable(*, deadline: datetime, finished: bool, now: datetime) -> None:
    if finished:
        raise AttemptFinished()
    if is_over(deadline, now):
        raise TimeUp(deadline)


def check_position(position: int, total: int) -> None:
    if not 1 <= position <= total:
        raise NoSuchQuestion(position, total)


@dataclass(frozen=True)
class DisplayedOptions:
    """An item's options as the candidate sees them: letters A, B, C … in the paper's shuffled order.

    The browser only ever sees display letters, so nothing in a page reveals how options are stored.
    """

    order: tuple[str, ...]

    @property
    def letters(self) -> tuple[str, ...]:
        return _LETTERS[: len(self.order)]

    def to_stored(self, letters: Iterable[str]) -> frozenset[str]:
        shown = self.letters
        wanted = [letter.strip().upper() for letter in letters if letter.strip()]
        unknown = sorted({letter for letter in wanted if letter not in shown})
        if unknown:
            named = ", ".join(u if u.isascii() and u.isprintable() and len(u) <= 3 else "(unreadable)" for u in unknown)
            raise InvalidSelection(f"Unknown option {named}: this question has options {', '.join(shown)}.")
        return frozenset(self.order[shown.index(letter)] for letter in wanted)

    def to_display(self, stored: Iterable[str]) -> tuple[str, ...]:
        shown = self.letters
        return tuple(sorted(shown[self.order.index(option_id)] for option_id in stored if option_id in self.order))


_LETTERS = tuple(chr(ord("A") + i) for i in range(26))


def read_selection(displayed: DisplayedOptions, letters: Iterable[str], *, question_type: str) -> frozenset[str]:
    selection = displayed.to_stored(letters)
    if question_type == "single" and len(selection) > 1:
        raise InvalidSelection("This question takes one answer; choose a single option.")
    return selection


def time_on_question(entered_at: datetime | None, left_at: datetime, deadline: datetime) -> timedelta:
    """Time spent on a question between entering it and leaving it, never counting past the deadline."""
    if entered_at is None:
        return timedelta(0)
    return max(min(left_at, deadline) - entered_at, timedelta(0))


@dataclass(frozen=True)
class AnswerChange:
    """How a new selection changes an item: the answer to store, whether it is the first complete answer
    (kept for coaching on changed answers), and whether it changes a complete one."""

    selection: frozenset[str]
    first_answer: frozenset[str] | None
    changes_complete_answer: bool


def plan_answer(
    *, before: frozenset[str], selection: frozenset[str], checked: bool, required: int
) -> AnswerChange | None:
    """What storing `selection` over `before` means, or None when nothing changes. `required` is the
    number of options the key has; a checked practice answer is locked."""
    if selection == before:
        return None
    if checked:
        raise AnswerChecked()
    return AnswerChange(
        selection=selection,
        first_answer=selection if len(selection) >= required else None,
        changes_complete_answer=len(before) >= required,
    )
