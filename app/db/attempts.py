"""Attempts and their items. Every write is guarded in SQL by the deadline and the finalized mark, so a
request that races the end of an exam cannot slip an answer in after it."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Integer, String, and_, exists, func, insert, literal_column, update
from sqlmodel import Session, col, select

from app.db import practice, study
from app.db.bank import active_pool, count_exam_responses, option_ids, versions
from app.db.memory import Memory
from app.db.tables import Attempt, AttemptItem, Exam, QuestionVersion, answer_tokens
from app.domain import attempt as rules
from app.domain.assembly import PaperItem, draw, shuffle_options
from app.domain.attempt import deadline_for, time_on_question
from app.domain.exam import Blueprint
from app.domain.scoring import ItemOutcome, is_correct, score
from app.domain.study import cards_for_misses

# These UPDATEs are guarded in SQL and followed by explicit refreshes where needed, so the ORM need not
# evaluate them against objects in the session.
NO_SYNC = {"synchronize_session": False}


def create_attempt(
    *,
    session: Session,
    attempt_id: str,
    user_id: int,
    blueprint: Blueprint,
    paper: tuple[PaperItem, ...],
    seed: int,
    minutes: float,
    now: datetime,
    mode: str = "exam",
    config: dict | None = None,
) -> Attempt:
    attempt = Attempt(
        id=attempt_id,
        user_id=user_id,
        exam_code=blueprint.code,
        seed=seed,
        minutes=minutes,
        started_at=now,
        deadline=deadline_for(now, minutes),
        position=1,
        position_entered_at=now,
        mode=mode,
        config=config,
    )
    session.add(attempt)
    session.flush()
    required = dict(
        session.exec(
            select(QuestionVersion.id, QuestionVersion.required).where(
                col(QuestionVersion.id).in_([item.version_id for item in paper])
            )
        ).all()
    )
    # One multi-row INSERT for the paper's items rather than an ORM object each.
    session.execute(
        insert(AttemptItem),
        [
            {
                "attempt_id": attempt_id,
                "position": item.position,
                "version_id": item.version_id,
                "question_slug": item.question_id,
                "domain": item.domain,
                "scored": item.scored,
                "option_order": ",".join(item.option_order),
                "required": required[item.version_id],
                "selection": "",
                "struck": "",
                "flagged": False,
                "seconds_spent": 0.0,
                "changes": 0,
            }
            for item in paper
        ],
    )
    session.commit()
    session.refresh(attempt)
    return attempt


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the pool is built and drawn from. A start makes two tuples for
    every question of the bank, which the collector would count, chase through generations and walk the
    whole heap for (at 10,000 questions it doubled the start's time); none of them is in a cycle, so
    reference counting frees them all as soon as the draw is done. Nested or concurrent pauses leave the
    collector as the outermost found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def start_exam(
    *,
    session: Session,
    blueprint: Blueprint,
    user_id: int,
    attempt_id: str,
    seed: int,
    minutes: float,
    now: datetime,
    practice_since: datetime,
) -> Attempt:
    """Draw a paper for the user and store it as a new attempt. Questions met in earlier exams, or in
    practice since `practice_since`, come last, so practice cannot inflate exam scores. The draw reads
    only the question table; the options are read for the 65 drawn questions alone."""
    seen = practice.seen_in_exams(
        session=session, user_id=user_id, exam_code=blueprint.code
    ) | practice.seen_in_practice_since(
        session=session, user_id=user_id, exam_code=blueprint.code, since=practice_since
    )
    rng = random.Random(seed)
    with _collector_paused():
        drawn = draw(blueprint, active_pool(session=session, exam_code=blueprint.code), seen=seen, rng=rng)
    paper = shuffle_options(drawn, option_ids(session=session, version_ids=[d.version_id for d in drawn]), rng=rng)
    return create_attempt(
        session=session,
        attempt_id=attempt_id,
        user_id=user_id,
        blueprint=blueprint,
        paper=paper,
        seed=seed,
        minutes=minutes,
        now=now,
    )


def get_sitting(*, session: Session, memory: Memory, attempt_id: str, user_id: int) -> tuple[Attempt, Blueprint] | None:
    """The attempt, if it belongs to this user, with its exam's blueprint, in one query."""
    row = session.exec(
        select(Attempt, Exam.content_hash).join(Exam).where(Attempt.id == attempt_id, Attempt.user_id == user_id)
    ).first()
    if row is None:
        return None
    attempt, content_hash = row
    blueprint = memory.blueprint(content_hash) or memory.remember_blueprint(
        content_hash, session.exec(select(col(Exam.blueprint)).where(Exam.code == attempt.exam_code)).one()
    )
    return attempt, blueprint


def user_attempts(*, session: Session, user_id: int) -> list[Attempt]:
    return list(
        session.exec(select(Attempt).where(Attempt.user_id == user_id).order_by(col(Attempt.started_at).desc()))
    )


def items(*, session: Session, attempt_id: str) -> list[AttemptItem]:
    return list(
        session.exec(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(col(AttemptItem.position))
        )
    )


def get_item(*, session: Session, attempt_id: str, position: int) -> AttemptItem | None:
    return session.get(AttemptItem, (attempt_id, position))


def seen_questions(*, session: Session, user_id: int, exam_code: str) -> set[str]:
    return set(
        session.exec(
            select(AttemptItem.question_slug)
            .join(Attempt)
            .where(Attempt.user_id == user_id, Attempt.exam_code == exam_code)
        ).all()
    )


def open_and_in_time(attempt_id: str, now: datetime):
    return exists().where(
        and_(col(Attempt.id) == attempt_id, col(Attempt.finalized_at).is_(None), col(Attempt.deadline) > now)
    )


# Constants written into the hot statements' SQL rather than sent as parameters with every execution.
_COMMA, _EMPTY = literal_column("','", String), literal_column("''", String)
_ONE = literal_column("1", Integer)


def short_of_required(item=AttemptItem):
    """Whether an item's stored selection has fewer options or pairs than a complete answer (its tokens are
    comma-joined), in SQL. Only items that take more than one are measured: most take one, and the test
    then costs an integer comparison instead of two string functions."""
    size = func.length(item.selection) - func.length(func.replace(item.selection, _COMMA, _EMPTY)) + _ONE
    return and_(item.required > _ONE, size < item.required)


def progress_query(attempt_id: str | BindParameter[Any]):
    """The progress line's counts: answered (anything selected), of those incomplete (fewer options or
    pairs than a complete answer has, as the review screen counts them), flagged, and all."""
    answered = col(AttemptItem.selection) != ""
    return select(
        func.count().filter(answered),
        func.count().filter(answered, short_of_required()),
        func.count().filter(col(AttemptItem.flagged)),
        func.count(),
    ).where(AttemptItem.attempt_id == attempt_id)


def _seen(row: AttemptItem, open_position: int) -> bool:
    """Whether the candidate had a question on screen: time spent on it, anything done to it, or open now."""
    return bool(row.seconds_spent or row.selection or row.flagged or row.struck) or row.position == open_position


def open_exam(*, session: Session, user_id: int, exam_code: str, now: datetime) -> Attempt | None:
    """The candidate's mock exam of this exam that is still running, if any."""
    return session.exec(
        select(Attempt).where(
            col(Attempt.user_id) == user_id,
            col(Attempt.exam_code) == exam_code,
            col(Attempt.mode) == "exam",
            col(Attempt.finalized_at).is_(None),
            col(Attempt.deadline) > now,
        )
    ).first()


def finalize(
    *, session: Session, memory: Memory, attempt: Attempt, blueprint: Blueprint, now: datetime, reason: str
) -> bool:
    """Score and close the attempt with what was stored before the deadline. Exactly one caller wins
    when several race (two tabs, the timer and a button); the others change nothing and get False."""
    if attempt.finalized_at is not None:
        return False
    ended = min(now, attempt.deadline)
    rows = items(session=session, attempt_id=attempt.id)
    reason = rules.end_reason(reason, answered=sum(1 for r in rows if r.selection))
    questions = versions(session=session, memory=memory, version_ids=[r.version_id for r in rows])
    outcomes = []
    for row in rows:
        row_correct = is_correct(answer_tokens(row.selection), questions[row.version_id].key)
        outcomes.append((row, row_correct))
    result = score(blueprint, [ItemOutcome(r.domain, r.scored, ok) for r, ok in outcomes])
    spent = time_on_question(attempt.position_entered_at, ended, attempt.deadline).total_seconds()
    claimed = session.exec(
        update(Attempt)
        .where(col(Attempt.id) == attempt.id, col(Attempt.finalized_at).is_(None))
        .values(finalized_at=ended, finalize_reason=reason, result=result_to_dict(result))
        .execution_options(**NO_SYNC)
    )
    if claimed.rowcount != 1:
        session.rollback()
        session.refresh(attempt)
        return False
    # One executemany by primary key for the outcomes, then the time on the question open at the end.
    session.execute(
        update(AttemptItem),
        [{"attempt_id": attempt.id, "position": row.position, "correct": ok} for row, ok in outcomes],
    )
    session.execute(
        update(AttemptItem)
        .where(col(AttemptItem.attempt_id) == attempt.id, col(AttemptItem.position) == attempt.position)
        .values(seconds_spent=AttemptItem.seconds_spent + spent)
        .execution_options(**NO_SYNC)
    )
    if not rules.is_result(reason):
        session.commit()
        session.refresh(attempt)
        return True
    if attempt.mode == "exam":
        count_exam_responses(session=session, exam_code=attempt.exam_code, slugs=[r.question_slug for r in rows])
    # When time runs out, only the questions the candidate saw enter the review queue.
    reviewed = [r for r in rows if _seen(r, attempt.position)] if reason == rules.TIME else rows
    practice.update_cards(
        session=session,
        attempt=attempt,
        rows=reviewed,
        outcomes_by_position={r.position: ok for r, ok in outcomes},
        now=ended,
    )
    # A question answered wrongly or flagged brings the flashcards on its concept forward.
    weak = [questions[r.version_id] for r, ok in outcomes if r.flagged or (r.selection and not ok)]
    if weak:
        study.bring_forward(
            session=session,
            user_id=attempt.user_id,
            exam_code=attempt.exam_code,
            cards=cards_for_misses(
                [(q.tags, q.task) for q in weak], study.cards(session=session, exam_code=attempt.exam_code)
            ),
            now=ended,
        )
    session.commit()
    session.refresh(attempt)
    return True


def result_to_dict(result) -> dict:
    data = asdict(result)
    data["raw_cut"] = str(result.raw_cut)
    data["cut_fraction"] = str(result.cut_fraction)
    data["band"] = list(result.band)
    return data
