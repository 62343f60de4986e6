"""The rules of a sitting: time, what may be written, and how a selection is read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.exam import Question, pair, unpair

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


class UnfinishedExam(ExamError):
    def __init__(self, exam_code: str) -> None:
        super().__init__(f"You have an unfinished {exam_code} exam: resume it, or discard it and start a new one.")


# Why an attempt ended. A discarded sitting, and one that ran out of time with nothing answered, stay in the
# history as such but are no result: they stay out of the score trend, points at stake and the review queue.
SUBMITTED, TIME, DISCARDED, ABANDONED = "submitted", "time", "discarded", "abandoned"
NOT_A_RESULT = frozenset({DISCARDED, ABANDONED})


def end_reason(requested: str, *, answered: int) -> str:
    """The reason recorded for an ending: time running out on a sitting with nothing answered is abandoned."""
    return ABANDONED if requested == TIME and answered == 0 else requested


def is_result(reason: str | None) -> bool:
    return reason not in NOT_A_RESULT


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

    def to_stored(self, tokens: Iterable[str]) -> frozenset[str]:
        """The stored answer of what a page sends: letters ("B"), or for a paired item "slot=letter" ("2=B")."""
        shown = self.letters
        # "2=" is a list left at its blank entry: nothing chosen there.
        wanted = [
            part for token in tokens if (part := token.strip().upper().partition("="))[0] and part[1:] != ("=", "")
        ]
        letters = [letter if sep else slot for slot, sep, letter in wanted]
        unknown = sorted({letter for letter in letters if letter not in shown})
        if unknown:
            named = ", ".join(u if u.isascii() and u.isprintable() and len(u) <= 3 else "(unreadable)" for u in unknown)
            raise InvalidSelection(f"Unknown option {named}: this question has options {', '.join(shown)}.")
        return frozenset(
            pair(slot, self.order[shown.index(letter)]) if sep else self.order[shown.index(slot)]
            for slot, sep, letter in wanted
        )

    def to_display(self, stored: Iterable[str]) -> tuple[str, ...]:
        """The tokens a page shows for a stored answer, in a stable order."""
        shown = self.letters
        tokens = []
        for token in stored:
            slot, sep, option = token.partition("=") if "=" in token else ("", "", token)
            if option in self.order:
                letter = shown[self.order.index(option)]
                tokens.append(pair(slot, letter) if sep else letter)
        return tuple(sorted(tokens, key=lambda t: (len(t.partition("=")[0]), t)))


_LETTERS = tuple(chr(ord("A") + i) for i in range(26))


def read_selection(displayed: DisplayedOptions, tokens: Iterable[str], question: Question) -> frozenset[str]:
    """A candidate's answer to `question` from what the page sent, refused with a message the candidate can
    act on when it cannot be an answer to this item."""
    selection = displayed.to_stored(tokens)
    if not question.paired:
        if any("=" in token for token in selection):
            raise InvalidSelection("This question takes options, not pairs; choose from its letters.")
        if question.type == "single" and len(selection) > 1:
            raise InvalidSelection("This question takes one answer; choose a single option.")
        if question.type == "multiple" and len(selection) > len(question.key):
            raise InvalidSelection(
                f"This question takes {len(question.key)} answers; clear one of yours before choosing another."
            )
        return selection
    noun = "position" if question.type == "ordering" else "prompt"
    slots = [slot for slot, _ in map(unpair, selection)]
    if any("=" not in token for token in selection):
        raise InvalidSelection(f"Give each {noun} its answer from the list beside it.")
    unknown = sorted(set(slots) - set(question.slots))
    if unknown:
        raise InvalidSelection(f"There is no {noun} {unknown[0]}: this question has {', '.join(question.slots)}.")
    twice = sorted({slot for slot in slots if slots.count(slot) > 1})
    if twice:
        raise InvalidSelection(f"The {noun} {twice[0]} has two answers; choose one.")
    return selection


def answer_state(selection: frozenset[str], required: int) -> str:
    """ "unanswered", "incomplete" (fewer options or pairs than a complete answer has, as the real exam's
    review screen counts them) or "answered"."""
    if not selection:
        return "unanswered"
    return "incomplete" if len(selection) < required else "answered"


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


@dataclass(frozen=True)
class PairRow:
    """One prompt or position of a paired item as a page shows it: the response the candidate gave and,
    once revealed, the keyed response and why (display letters throughout)."""

    slot: str
    label: str
    chosen: str | None
    keyed: str | None = None
    explanation: str = ""

    @property
    def correct(self) -> bool:
        return self.chosen is not None and self.chosen == self.keyed


def pair_rows(
    question: Question, displayed: DisplayedOptions, selection: frozenset[str], *, reveal: bool
) -> list[PairRow]:
    """The prompts (matching) or steps (ordering) of a paired item with the candidate's answer, and the key
    and its explanations only when `reveal` is set (after the end, or a checked practice answer)."""
    chosen = dict(unpair(token) for token in displayed.to_display(selection) if "=" in token)
    rows = []
    for slot in question.slots:
        keyed_option = question.keyed_option(slot) if reveal else None
        keyed = displayed.letters[displayed.order.index(keyed_option)] if keyed_option in displayed.order else None
        if question.type == "matching":
            prompt = question.prompt(slot)
            label, why = prompt.text, prompt.explanation
        else:
            label = f"Step {slot}"
            why = question.option(keyed_option).explanation if keyed_option else ""
        rows.append(PairRow(slot, label, chosen.get(slot), keyed, why if reveal else ""))
    return rows


def walk_step(positions: Iterable[int], current: int, *, forward: bool) -> int | None:
    """The next (or previous) position of a set being walked from the review screen (flagged, unanswered or
    incomplete questions), or None at its end, where the walk returns to the review screen."""
    if forward:
        return min((p for p in positions if p > current), default=None)
    return max((p for p in positions if p < current), default=None)
