"""What the study aids need from the database: an exam's flashcards and cheat sheets, and each candidate's
schedule of the cards."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.tables import CheatSheet, Flashcard, FlashcardState
from app.domain import srs
from app.domain.content import content_hash
from app.domain.study import CheatSheet as DomainSheet
from app.domain.study import Flashcard as DomainCard
from app.domain.study import Schedule, card_from_content, sheet_from_content


def store_study_aids(*, session: Session, exam_code: str, cards: list[dict], sheets: list[dict] | None = None) -> int:
    """Store an exam's cards and, when given, all its sheets (validated content); unchanged ones are left alone.
    Given sheets replace the exam's sheets; cards stay when absent, as questions do, since imports add cards
    too. The caller commits. Returns how many cards and sheets were new or changed."""
    changed = 0
    stored = {c.slug: c for c in session.exec(select(Flashcard).where(Flashcard.exam_code == exam_code))}
    for content in cards:
        digest = content_hash(content)
        row = stored.get(content["id"])
        if row is not None and row.content_hash == digest:
            continue
        if row is None:
            row = Flashcard(exam_code=exam_code, slug=content["id"], domain="", task="", content={}, content_hash="")
        row.domain, row.task, row.content, row.content_hash = content["domain"], content["task"], content, digest
        session.add(row)
        changed += 1
    if sheets is None:
        session.flush()
        return changed
    kept = {s.domain: s for s in session.exec(select(CheatSheet).where(CheatSheet.exam_code == exam_code))}
    for content in sheets:
        digest = content_hash(content)
        sheet = kept.pop(content["domain"], None)
        if sheet is not None and sheet.content_hash == digest:
            continue
        sheet = sheet or CheatSheet(exam_code=exam_code, domain=content["domain"], content={}, content_hash="")
        sheet.content, sheet.content_hash = content, digest
        session.add(sheet)
        changed += 1
    for gone in kept.values():
        session.delete(gone)
    session.flush()
    return changed


def cards(*, session: Session, exam_code: str) -> list[DomainCard]:
    """The exam's cards in deck order."""
    return [card_from_content(content) for content in card_contents(session=session, exam_code=exam_code)]


def card_count(*, session: Session, exam_code: str) -> int:
    return session.exec(select(func.count()).select_from(Flashcard).where(Flashcard.exam_code == exam_code)).one()


def sheets(*, session: Session, exam_code: str) -> list[DomainSheet]:
    rows = session.exec(select(CheatSheet.content).where(CheatSheet.exam_code == exam_code).order_by(CheatSheet.domain))
    return [sheet_from_content(content) for content in rows]


def schedules(*, session: Session, user_id: int, exam_code: str) -> dict[str, Schedule]:
    rows = session.exec(
        select(FlashcardState).where(FlashcardState.user_id == user_id, FlashcardState.exam_code == exam_code)
    )
    return {row.card_slug: Schedule(row.due, seen=row.card is not None) for row in rows}


def due_count(*, session: Session, user_id: int, exam_code: str, now: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(FlashcardState)
        .where(FlashcardState.user_id == user_id, FlashcardState.exam_code == exam_code, FlashcardState.due <= now)
    ).one()


def retention(*, session: Session, user_id: int, exam_code: str) -> tuple[int, int]:
    """How often the candidate recalled a card seen before, and how often they did not."""
    recalled, lapsed = session.exec(
        select(
            func.coalesce(func.sum(FlashcardState.recalled), 0), func.coalesce(func.sum(FlashcardState.lapsed), 0)
        ).where(FlashcardState.user_id == user_id, FlashcardState.exam_code == exam_code)
    ).one()
    return int(recalled), int(lapsed)


def grade(*, session: Session, user_id: int, exam_code: str, card: DomainCard, rating: int, now: datetime) -> datetime:
    """Schedule the card after the candidate graded their recall of it; returns when it is next due. The caller
    commits."""
    state = session.get(FlashcardState, (user_id, exam_code, card.slug))
    if state is None:
        state = FlashcardState(user_id=user_id, exam_code=exam_code, card_slug=card.slug, domain=card.domain, due=now)
    if state.card is not None:
        if rating == 1:
            state.lapsed += 1
        else:
            state.recalled += 1
    state.card, state.due = srs.review(state.card, rating, now)
    state.last_grade = rating
    session.add(state)
    session.flush()
    return state.due


def bring_forward(
    *, session: Session, user_id: int, exam_code: str, cards: Iterable[DomainCard], now: datetime
) -> None:
    """Make these cards due now: a card never drilled joins the queue, a card scheduled later comes forward. The
    caller commits."""
    wanted = {card.slug: card for card in cards}
    if not wanted:
        return
    existing = {
        row.card_slug: row
        for row in session.exec(
            select(FlashcardState).where(
                FlashcardState.user_id == user_id,
                FlashcardState.exam_code == exam_code,
                col(FlashcardState.card_slug).in_(list(wanted)),
            )
        )
    }
    for slug, card in wanted.items():
        row = existing.get(slug)
        if row is None:
            session.add(
                FlashcardState(user_id=user_id, exam_code=exam_code, card_slug=slug, domain=card.domain, due=now)
            )
        elif row.due > now:
            row.due = now
            session.add(row)


def card_contents(*, session: Session, exam_code: str) -> list[dict]:
    """The exam's cards as stored (for export), in deck order: by domain, task and id."""
    rows = session.exec(
        select(Flashcard.content)
        .where(Flashcard.exam_code == exam_code)
        .order_by(Flashcard.domain, Flashcard.task, Flashcard.slug)
    )
    return [dict(content) for content in rows]
