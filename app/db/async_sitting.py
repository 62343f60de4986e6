"""The hot paths of a sitting on the asyncio engine: the answer save and the question view, each one read
(with the progress counts) and its guarded writes, with question content from the version cache."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.db.attempts import (
    open_and_in_time,
    progress_query,
    short_of_required,
)
from app.db.engine import HotConnection
from app.db.memory import ItemFacts, Memory
from app.db.tables import (
    Attempt,
    AttemptItem,
    BrowserSession,
    Exam,
    QuestionVersion,
    StoredAnswer,
    UTCDateTime,
    answer_text,
    answer_tokens,
)
from app.domain.attempt import (
    AnswerChange,
    AnswerChangedWhileChecked,
    AnswerChecked,
    AttemptFinished,
    ExamError,
    TimeUp,
    time_on_question,
)
from app.domain.attempt import answer_state as answer_state_of
from app.domain.exam import Blueprint, Question


class Answered(NamedTuple):
    """How many questions have an answer, and how many of those are incomplete (fewer options or pairs
    than a complete answer has)."""

    answered: int
    incomplete: int

    @classmethod
    def of(cls, selection: frozenset[str], required: int) -> Answered:
        """The counts of one question's answer."""
        state = answer_state_of(selection, required)
        return cls(int(state != "unanswered"), int(state == "incomplete"))


@dataclass(frozen=True)
class AnswerState:
    """What a save needs to know about an attempt and one of its questions; `question` is None when the
    attempt has no such position."""

    deadline: datetime
    finalized: bool
    option_order: tuple[str, ...]
    selection: frozenset[str]
    checked: bool
    question: Question | None
    answered: Answered
    total: int

    def answered_after(self, change: AnswerChange | None) -> Answered:
        """How many questions are answered, and incomplete, once `change` is stored. Like any count under
        concurrent saves, it can miss another tab's save that is not yet committed; the next save shows it."""
        if change is None or self.question is None:
            return self.answered
        required = len(self.question.key)
        before, after = Answered.of(self.selection, required), Answered.of(change.selection, required)
        return Answered(
            self.answered.answered + after.answered - before.answered,
            self.answered.incomplete + after.incomplete - before.incomplete,
        )


# Built once with bound parameters: building a statement and its cache key costs more than running it.
# Every read and write names its candidate by the browser's session (the hash of its token), resolved in
# the same statement: an ended session owns nothing, at no extra round trip.
_BROWSER_USER = (
    select(col(BrowserSession.user_id)).where(col(BrowserSession.token_hash) == bindparam("browser")).scalar_subquery()
)
_COUNTS = progress_query(bindparam("attempt_id")).subquery()
_STATE = (
    select(
        col(Attempt.deadline),
        col(Attempt.finalized_at),
        col(AttemptItem.option_order),
        col(AttemptItem.selection),
        col(AttemptItem.checked_at),
        col(AttemptItem.version_id),
        col(QuestionVersion.content_hash),
        *_COUNTS.c,
    )
    .select_from(Attempt)
    .join(_COUNTS, true())
    .outerjoin(
        AttemptItem, and_(col(AttemptItem.attempt_id) == Attempt.id, col(AttemptItem.position) == bindparam("position"))
    )
    .outerjoin(QuestionVersion, col(QuestionVersion.id) == AttemptItem.version_id)
    .where(col(Attempt.id) == bindparam("attempt_id"), col(Attempt.user_id) == _BROWSER_USER)
)
_CONTENT = select(col(QuestionVersion.content)).where(col(QuestionVersion.id) == bindparam("version_id"))
_STORED_VALUES = {
    "selection": bindparam("new_selection"),
    "answered_at": bindparam("now", type_=UTCDateTime()),
    "first_selection": func.coalesce(AttemptItem.first_selection, bindparam("first_answer", type_=String)),
    "changes": AttemptItem.changes + bindparam("change_count", type_=Integer),
}


def _attempt_writable(*also):
    """The guard of a stored answer: its attempt not finalized and before its deadline."""
    return exists().where(
        col(Attempt.id) == bindparam("item_attempt"),
        col(Attempt.finalized_at).is_(None),
        col(Attempt.deadline) > bindparam("now", type_=UTCDateTime()),
        *also,
    )


def _stored_parameters(attempt_id: str, position: int, now: datetime, change: AnswerChange) -> dict:
    return {
        "item_attempt": attempt_id,
        "item_position": position,
        "now": now,
        "new_selection": answer_text(change.selection),
        "first_answer": answer_text(change.first_answer) if change.first_answer is not None else None,
        "change_count": 1 if change.changes_complete_answer else 0,
    }


# A checked practice answer is locked: the guard keeps a save that read the item before a racing check
# from overwriting it.
_STORE = (
    update(AttemptItem)
    .where(
        col(AttemptItem.attempt_id) == bindparam("item_attempt"),
        col(AttemptItem.position) == bindparam("item_position"),
        col(AttemptItem.checked_at).is_(None),
        _attempt_writable(),
    )
    .values(_STORED_VALUES)
)


async def answer_state(
    conn: HotConnection, memory: Memory, *, attempt_id: str, browser: str, position: int
) -> AnswerState | None:
    """The state of one question of an attempt that belongs to this browser's candidate, or None for
    anyone else's."""
    row = (await conn.execute(_STATE, {"attempt_id": attempt_id, "browser": browser, "position": position})).first()
    if row is None:
        return None
    deadline, finalized_at, option_order, selection, checked_at, version_id, digest, *counts = row
    answered, incomplete, _flagged, total = counts
    memory.remember_item(attempt_id, position, deadline, option_order, version_id, digest)
    question = None
    if version_id is not None:
        question = await _question(conn, memory, version_id, digest)
    return AnswerState(
        deadline=deadline,
        finalized=finalized_at is not None,
        option_order=tuple(option_order.split(",")) if option_order else (),
        selection=answer_tokens(selection or ""),
        checked=checked_at is not None,
        question=question,
        answered=Answered(answered, incomplete),
        total=total,
    )


async def question_of(conn: HotConnection, memory: Memory, facts: ItemFacts) -> Question:
    return await _question(conn, memory, facts.version_id, facts.digest)


async def _question(conn: HotConnection, memory: Memory, version_id: int, digest: str) -> Question:
    question = memory.question(version_id, digest)
    if question is None:
        content = (await conn.execute(_CONTENT, {"version_id": version_id})).scalar_one()
        question = memory.remember_question(version_id, digest, content)
    return question


async def store_answer(
    conn: HotConnection, *, attempt_id: str, position: int, now: datetime, change: AnswerChange
) -> None:
    """Store the change while the attempt is open and in time; otherwise raise the domain's refusal."""
    result = await conn.execute(_STORE, _stored_parameters(attempt_id, position, now, change))
    if result.rowcount != 1:
        raise await _refusal(conn, attempt_id, position, now)


# The save of a page that says which answer it showed: one statement, instead of a read and a write. It
# stores the change only if that answer is still the one stored, the item is not checked, and the attempt
# is this user's, open and in time; and it returns how many questions are now answered and incomplete, the
# other items' from the statement's snapshot and this one's from the row it wrote. Only those counts: a save
# cannot change the flagged count or the paper's size. Each scan of the attempt's items is about a sixth of
# the database's work for a save, and a RETURNING clause's subquery yields one value, so the two counts
# come from one scan packed into one integer: answered + _PACK × incomplete.
_PACK = 1 << 16  # more questions than any paper holds
_PACKED = literal_column(str(_PACK), Integer)
_OTHER = aliased(AttemptItem)
_OTHER_ANSWERED = col(_OTHER.selection) != literal_column("''")
_COUNTED_ELSEWHERE = (
    select(
        func.count().filter(_OTHER_ANSWERED) + _PACKED * func.count().filter(_OTHER_ANSWERED, short_of_required(_OTHER))
    )
    .where(col(_OTHER.attempt_id) == bindparam("item_attempt"), col(_OTHER.position) != bindparam("item_position"))
    .scalar_subquery()
)
_THIS_ANSWERED = col(AttemptItem.selection) != literal_column("''")
_COUNTED_HERE = case(
    (and_(_THIS_ANSWERED, short_of_required()), literal_column(str(1 + _PACK), Integer)),
    (_THIS_ANSWERED, literal_column("1", Integer)),
    else_=literal_column("0", Integer),
)
_STORE_OVER = (
    update(AttemptItem)
    .where(
        col(AttemptItem.attempt_id) == bindparam("item_attempt"),
        col(AttemptItem.position) == bindparam("item_position"),
        col(AttemptItem.version_id) == bindparam("item_version"),
        col(AttemptItem.option_order) == bindparam("item_order"),
        col(AttemptItem.selection) == bindparam("before"),
        col(AttemptItem.checked_at).is_(None),
        _attempt_writable(col(Attempt.user_id) == _BROWSER_USER),
    )
    .values(_STORED_VALUES)
    .returning(_COUNTED_ELSEWHERE + _COUNTED_HERE)
)


async def store_answer_over(
    conn: HotConnection,
    *,
    attempt_id: str,
    browser: str,
    position: int,
    facts: ItemFacts,
    now: datetime,
    before: frozenset[str],
    change: AnswerChange,
) -> Answered | None:
    """Store `change` over `before` in one statement, and return how many questions are answered (and
    incomplete) once it is stored; or None, having changed nothing, when anything is not as the caller
    believed (the stored answer, the item's facts, the owner, the end or the deadline, a check): then the
    caller reads the state and decides afresh."""
    row = (
        await conn.execute(
            _STORE_OVER,
            _stored_parameters(attempt_id, position, now, change)
            | {
                "browser": browser,
                "item_version": facts.version_id,
                "item_order": ",".join(facts.option_order),
                "before": answer_text(before),
            },
        )
    ).first()
    if row is None:
        return None
    incomplete, answered = divmod(row[0], _PACK)
    return Answered(answered, incomplete)


async def check_answer(
    conn: HotConnection, *, attempt_id: str, position: int, now: datetime, selection: frozenset[str], correct: bool
) -> None:
    """Lock the answer as checked, with `correct` judged on `selection`, only while that is still the stored
    answer: a save landing between the read and this write would otherwise be marked with the verdict of
    the answer before it. A racing check that got there first is as good as this one."""
    result = await conn.execute(
        update(AttemptItem)
        .where(
            col(AttemptItem.attempt_id) == attempt_id,
            col(AttemptItem.position) == position,
            col(AttemptItem.checked_at).is_(None),
            col(AttemptItem.selection) == answer_text(selection),
            open_and_in_time(attempt_id, now),
        )
        .values(checked_at=now, correct=correct)
    )
    if result.rowcount != 1:
        refusal = await _refusal(conn, attempt_id, position, now)
        if not isinstance(refusal, AnswerChecked):
            raise refusal


async def _refusal(conn: HotConnection, attempt_id: str, position: int, now: datetime) -> ExamError:
    """Why a guarded write to an item changed nothing, read after the fact."""
    deadline, finalized_at, checked_at = (
        await conn.execute(
            select(col(Attempt.deadline), col(Attempt.finalized_at), col(AttemptItem.checked_at))
            .outerjoin(
                AttemptItem, and_(col(AttemptItem.attempt_id) == Attempt.id, col(AttemptItem.position) == position)
            )
            .where(col(Attempt.id) == attempt_id)
        )
    ).one()
    if finalized_at is not None:
        return AttemptFinished()
    if now >= deadline:
        return TimeUp(deadline)
    if checked_at is not None:
        return AnswerChecked()
    return AnswerChangedWhileChecked()


@dataclass(frozen=True)
class AttemptView:
    """The attempt as the question screen needs it (the names match the table's, for the templates)."""

    id: str
    user_id: int
    mode: str
    config: dict | None
    deadline: datetime
    finalized_at: datetime | None
    position: int
    position_entered_at: datetime | None
    exam_hash: str


@dataclass(frozen=True)
class ItemView(StoredAnswer):
    option_order: str
    selection: str
    struck: str
    flagged: bool
    checked_at: datetime | None
    correct: bool | None


@dataclass(frozen=True)
class QuestionScreen:
    attempt: AttemptView
    item: ItemView | None
    question: Question | None
    progress: dict[str, int]


_SCREEN = (
    select(
        col(Attempt.id),
        col(Attempt.user_id),
        col(Attempt.mode),
        col(Attempt.config),
        col(Attempt.deadline),
        col(Attempt.finalized_at),
        col(Attempt.position),
        col(Attempt.position_entered_at),
        col(Exam.content_hash).label("exam_hash"),
        col(AttemptItem.option_order),
        col(AttemptItem.selection),
        col(AttemptItem.struck),
        col(AttemptItem.flagged),
        col(AttemptItem.checked_at),
        col(AttemptItem.correct),
        col(AttemptItem.version_id),
        col(QuestionVersion.content_hash).label("version_hash"),
        *_COUNTS.c,
    )
    .select_from(Attempt)
    .join(Exam, col(Exam.code) == Attempt.exam_code)
    .join(_COUNTS, true())
    .outerjoin(
        AttemptItem, and_(col(AttemptItem.attempt_id) == Attempt.id, col(AttemptItem.position) == bindparam("position"))
    )
    .outerjoin(QuestionVersion, col(QuestionVersion.id) == AttemptItem.version_id)
    .where(col(Attempt.id) == bindparam("attempt_id"), col(Attempt.user_id) == _BROWSER_USER)
)
_ENTER = (
    update(Attempt)
    .where(col(Attempt.id) == bindparam("moving"), col(Attempt.finalized_at).is_(None))
    .values(position=bindparam("entered"), position_entered_at=bindparam("now", type_=UTCDateTime()))
)
# The move counts the time on the question left only while the attempt is still where the move read it:
# of two views that read the same position at once (a double click, two tabs), one counts that time.
_ENTER_FROM_READ = _ENTER.where(
    col(Attempt.position) == bindparam("left"),
    col(Attempt.position_entered_at).is_not_distinct_from(bindparam("entered_at", type_=UTCDateTime())),
)
_LEAVE = (
    update(AttemptItem)
    .where(col(AttemptItem.attempt_id) == bindparam("moving"), col(AttemptItem.position) == bindparam("left"))
    .values(seconds_spent=AttemptItem.seconds_spent + bindparam("spent", type_=Float))
)
# On PostgreSQL both as one statement (a data-modifying WITH): one round trip, and atomic without a
# transaction around it. The entering UPDATE takes the attempt's row lock and, behind a racing move, sees
# the position that move wrote; the time is added only if it entered.
_ENTERED = _ENTER_FROM_READ.returning(col(Attempt.id)).cte("entered")
_MOVE = _LEAVE.where(col(AttemptItem.attempt_id).in_(select(_ENTERED.c.id)))


async def question_screen(
    conn: HotConnection, memory: Memory, *, attempt_id: str, browser: str, position: int
) -> QuestionScreen | None:
    """Everything the question screen shows, for an attempt that belongs to this browser's candidate, in
    one read."""
    row = (await conn.execute(_SCREEN, {"attempt_id": attempt_id, "browser": browser, "position": position})).first()
    if row is None:
        return None
    attempt = AttemptView(
        row.id,
        row.user_id,
        row.mode,
        row.config,
        row.deadline,
        row.finalized_at,
        row.position,
        row.position_entered_at,
        row.exam_hash,
    )
    item = question = None
    answered, incomplete, flagged, total = row[-4:]
    if row.version_id is not None:
        memory.remember_item(attempt_id, position, row.deadline, row.option_order, row.version_id, row.version_hash)
        item = ItemView(row.option_order, row.selection, row.struck, row.flagged, row.checked_at, row.correct)
        question = await _question(conn, memory, row.version_id, row.version_hash)
    progress = {"answered": answered, "incomplete": incomplete, "flagged": flagged, "total": total}
    return QuestionScreen(attempt, item, question, progress)


async def blueprint(conn: HotConnection, memory: Memory, *, exam_hash: str, attempt_id: str) -> Blueprint:
    cached = memory.blueprint(exam_hash)
    if cached is not None:
        return cached
    data = (
        await conn.execute(
            select(col(Exam.blueprint))
            .join(Attempt, col(Attempt.exam_code) == Exam.code)
            .where(col(Attempt.id) == attempt_id)
        )
    ).scalar_one()
    return memory.remember_blueprint(exam_hash, data)


async def move_to(conn: HotConnection, *, attempt: AttemptView, position: int, now: datetime) -> None:
    """Record that the candidate moved to `position`, adding the time spent on the question they left."""
    if attempt.finalized_at is not None or now >= attempt.deadline or position == attempt.position:
        return
    spent = time_on_question(attempt.position_entered_at, now, attempt.deadline).total_seconds()
    move = {
        "moving": attempt.id,
        "entered": position,
        "now": now,
        "left": attempt.position,
        "entered_at": attempt.position_entered_at,
        "spent": spent,
    }
    if conn.dialect_name == "postgresql":
        moved = (await conn.execute(_MOVE, move)).rowcount == 1
    else:  # SQLite has no data-modifying WITH; its hot paths always run in one transaction
        moved = (await conn.execute(_ENTER_FROM_READ, move)).rowcount == 1
        if moved:
            await conn.execute(_LEAVE, move)
    if not moved:  # another move got there first and counted that time: only enter
        await conn.execute(_ENTER, move)


async def cross_out(
    conn: HotConnection, *, attempt_id: str, position: int, now: datetime, struck: frozenset[str]
) -> None:
    """Store the options the candidate has crossed out, as `update_item` does."""
    await update_item(conn, attempt_id=attempt_id, position=position, now=now, struck=answer_text(struck))


async def update_item(conn: HotConnection, *, attempt_id: str, position: int, now: datetime, **values) -> None:
    """Change an item (a flag, cross-outs, a checked answer) while its attempt is open and in time; otherwise
    raise the domain's refusal. Built per call: these actions are far rarer than saves and views."""
    result = await conn.execute(
        update(AttemptItem)
        .where(
            col(AttemptItem.attempt_id) == attempt_id,
            col(AttemptItem.position) == position,
            open_and_in_time(attempt_id, now),
        )
        .values(**values)
    )
    if result.rowcount != 1:
        raise await _refusal(conn, attempt_id, position, now)
