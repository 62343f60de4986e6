"""Regrading past attempts after a key is corrected: a dry run first, then one recorded transaction.

This is the one deliberate exception to immutable history (DESIGN rule 4): attempts keep the question
version they showed, and only whether an answer counts as correct is recomputed with the corrected key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.db.attempts import result_to_dict
from app.db.tables import Attempt, AttemptItem, Exam, Question, QuestionVersion, Regrade, User, answer_tokens
from app.domain.content import blueprint_from_dict, question_from_content
from app.domain.scoring import ItemOutcome, is_correct, score


@dataclass
class Change:
    attempt_id: str
    who: str
    finished_at: datetime
    mode: str
    positions: list[int]
    before: dict
    after: dict
    new_correct: dict[int, bool]


def preview(*, session: Session, exam_code: str, slug: str) -> tuple[QuestionVersion, list[Change]]:
    """Every finished attempt whose result would change if the question's current key had applied."""
    question = session.exec(select(Question).where(Question.exam_code == exam_code, Question.slug == slug)).one()
    version = session.get_one(QuestionVersion, question.current_version_id)
    key = question_from_content(version.content).key
    blueprint = blueprint_from_dict(session.get_one(Exam, exam_code).blueprint)
    affected = session.exec(
        select(AttemptItem.attempt_id)
        .join(Attempt)
        .where(
            AttemptItem.question_slug == slug, Attempt.exam_code == exam_code, col(Attempt.finalized_at).is_not(None)
        )
        .distinct()
    ).all()
    changes = []
    for attempt_id in affected:
        attempt = session.get_one(Attempt, attempt_id)
        rows = list(
            session.exec(
                select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(col(AttemptItem.position))
            )
        )
        new_correct = {r.position: is_correct(answer_tokens(r.selection), key) for r in rows if r.question_slug == slug}
        if all(new_correct[p] == bool(r.correct) for r in rows for p in [r.position] if p in new_correct):
            continue
        outcomes = [ItemOutcome(r.domain, r.scored, new_correct.get(r.position, bool(r.correct))) for r in rows]
        after = result_to_dict(score(blueprint, outcomes))
        user = session.get_one(User, attempt.user_id)
        assert attempt.finalized_at is not None and attempt.result is not None  # only finished attempts were read
        changes.append(
            Change(
                attempt_id,
                user.email or f"guest #{user.id}",
                attempt.finalized_at,
                attempt.mode,
                sorted(new_correct),
                attempt.result,
                after,
                new_correct,
            )
        )
    return version, sorted(changes, key=lambda c: c.finished_at)


def apply(*, session: Session, exam_code: str, slug: str, admin_id: int, now: datetime) -> Regrade:
    version, changes = preview(session=session, exam_code=exam_code, slug=slug)
    for change in changes:
        for position, correct in change.new_correct.items():
            session.execute(
                update(AttemptItem)
                .where(col(AttemptItem.attempt_id) == change.attempt_id, col(AttemptItem.position) == position)
                .values(correct=correct)
            )
        session.execute(update(Attempt).where(col(Attempt.id) == change.attempt_id).values(result=change.after))
    record = Regrade(
        admin_id=admin_id,
        exam_code=exam_code,
        question_slug=slug,
        version_id=version.id,
        created_at=now,
        changes=[
            {
                "attempt": c.attempt_id,
                "before": c.before["scaled"],
                "after": c.after["scaled"],
                "passed_before": c.before["passed"],
                "passed_after": c.after["passed"],
            }
            for c in changes
        ],
    )
    session.add(record)
    session.commit()
    return record
