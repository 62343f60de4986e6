"""What practice needs from the database: a candidate's history, review cards, and questions to offer."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from app.db.tables import Attempt, AttemptItem, Question, QuestionVersion, ReviewCard
from app.domain import srs
from app.domain.practice import Offer, Outcome, review_rating


def in_open_exams(user_id: int, exam_code: str, now: datetime):
    """The questions of the candidate's exams still open: practice must not show their keys."""
    return (
        select(AttemptItem.question_slug)
        .join(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.exam_code == exam_code,
            Attempt.mode == "exam",
            col(Attempt.finalized_at).is_(None),
            Attempt.deadline > now,
        )
    )


def withheld(*, session: Session, user_id: int, exam_code: str, now: datetime) -> set[str]:
    return set(session.exec(in_open_exams(user_id, exam_code, now)).all())


def offers(*, session: Session, exam_code: str, user_id: int, now: datetime) -> list[Offer]:
    """The questions practice can offer this candidate now: active, and in none of their open exams."""
    rows = session.exec(
        # sqlmodel's select() is typed for at most four columns
        select(Question.slug, Question.domain, Question.task, QuestionVersion.id, QuestionVersion.content)  # type: ignore[call-overload]
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(
            Question.exam_code == exam_code,
            Question.status == "active",
            col(Question.slug).not_in(in_open_exams(user_id, exam_code, now)),
        )
    ).all()
    return [
        Offer(vid, slug, domain, task, tuple(o["id"] for o in content["options"]))
        for slug, domain, task, vid, content in rows
    ]


def _answered(user_id: int, exam_code: str):
    return (
        select(AttemptItem, Attempt)
        .join(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.exam_code == exam_code,
            col(Attempt.finalized_at).is_not(None),
            col(AttemptItem.correct).is_not(None),
        )
    )


def outcomes(*, session: Session, user_id: int, exam_code: str) -> list[Outcome]:
    return [
        Outcome(item.domain, bool(item.correct), item.answered_at or attempt.finalized_at)
        for item, attempt in session.exec(_answered(user_id, exam_code)).all()
    ]


def missed(*, session: Session, user_id: int, exam_code: str) -> list[dict]:
    """Every question answered wrong in a finished attempt, with its latest outcome, newest first."""
    latest: dict[str, dict] = {}
    for item, attempt in session.exec(_answered(user_id, exam_code).order_by(Attempt.finalized_at)).all():
        entry = latest.setdefault(
            item.question_slug,
            {"slug": item.question_slug, "domain": item.domain, "version_id": item.version_id, "times_wrong": 0},
        )
        entry["times_wrong"] += 0 if item.correct else 1
        entry["latest_correct"] = bool(item.correct)
        entry["latest_at"] = attempt.finalized_at
    wrong = [e for e in latest.values() if e["times_wrong"]]
    tasks = dict(session.exec(select(Question.slug, Question.task).where(Question.exam_code == exam_code)).all())
    for entry in wrong:
        entry["task"] = tasks.get(entry["slug"], "")
    return sorted(wrong, key=lambda e: e["latest_at"], reverse=True)


def seen_in_practice_since(*, session: Session, user_id: int, exam_code: str, since: datetime) -> set[str]:
    return set(
        session.exec(
            select(AttemptItem.question_slug)
            .join(Attempt)
            .where(
                Attempt.user_id == user_id,
                Attempt.exam_code == exam_code,
                Attempt.mode != "exam",
                Attempt.started_at >= since,
            )
        ).all()
    )


def seen_in_exams(*, session: Session, user_id: int, exam_code: str) -> set[str]:
    return set(
        session.exec(
            select(AttemptItem.question_slug)
            .join(Attempt)
            .where(Attempt.user_id == user_id, Attempt.exam_code == exam_code, Attempt.mode == "exam")
        ).all()
    )


def due(*, session: Session, user_id: int, exam_code: str, now: datetime) -> list[ReviewCard]:
    return list(
        session.exec(
            select(ReviewCard)
            .where(ReviewCard.user_id == user_id, ReviewCard.exam_code == exam_code, ReviewCard.due <= now)
            .order_by(col(ReviewCard.due))
        )
    )


def update_cards(
    *, session: Session, attempt: Attempt, rows: list[AttemptItem], outcomes_by_position: dict, now: datetime
) -> None:
    """Missed and flagged questions enter the review queue; any question already in it is rescheduled by
    this answer. The caller commits, in the same transaction as the finalization."""
    existing = {
        card.question_slug: card
        for card in session.exec(
            select(ReviewCard).where(
                ReviewCard.user_id == attempt.user_id,
                ReviewCard.exam_code == attempt.exam_code,
                col(ReviewCard.question_slug).in_([r.question_slug for r in rows]),
            )
        )
    }
    for row in rows:
        correct = outcomes_by_position[row.position]
        card = existing.get(row.question_slug)
        if card is None and correct and not row.flagged:
            continue
        state, next_due = srs.review(
            card.card if card else None, review_rating(correct=correct, flagged=row.flagged), now
        )
        outcome = "correct" if correct else ("unanswered" if not row.selection else "wrong")
        if card is None:
            session.add(
                ReviewCard(
                    user_id=attempt.user_id,
                    exam_code=attempt.exam_code,
                    question_slug=row.question_slug,
                    domain=row.domain,
                    card=state,
                    due=next_due,
                    last_outcome=outcome,
                )
            )
        else:
            card.card, card.due, card.last_outcome = state, next_due, outcome
            session.add(card)
