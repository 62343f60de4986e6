"""Importing flashcards: read a file (bank formats), check each card against the exam (db), store all or none."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from app.bank.cards import read_cards
from app.db import bank, study
from app.domain.study import card_from_content, card_problems, front_key, unknown_tags


@dataclass
class CardImport:
    checked: int = 0
    stored: int = 0
    problems: list[str] = field(default_factory=list)


def import_cards(
    *, session: Session, exam_code: str, data: bytes, filename: str, defaults: dict, commit: bool
) -> CardImport:
    """Check every card of the file against the exam (domain, task, tags its questions carry, a front no other
    card has) and, with `commit`, store them in one transaction; one problem stores nothing."""
    outcome = CardImport()
    blueprint = bank.get_blueprint(session=session, code=exam_code)
    if blueprint is None:
        outcome.problems.append(f"unknown exam {exam_code}")
        return outcome
    upload = read_cards(data, filename, defaults)
    outcome.problems.extend(upload.problems)
    outcome.checked = len(upload.cards) + len(upload.problems)
    known = bank.question_tags(session=session, exam_code=exam_code)
    fronts = {front_key(card.front): card.slug for card in study.cards(session=session, exam_code=exam_code)}
    for card in upload.cards:
        problems = card_problems(card_from_content(card.content()), blueprint)
        missing = unknown_tags(card.tags, known)
        if missing:
            problems.append(("tags", f"no question of {exam_code} is tagged {', '.join(missing)}"))
        other = fronts.get(front_key(card.front))
        if other is not None and other != card.id:
            problems.append(("front", f"the same front as card {other}"))
        fronts.setdefault(front_key(card.front), card.id)
        outcome.problems.extend(f"{filename} card {card.id}: {name}: {message}" for name, message in problems)
    if outcome.problems or not commit:
        session.rollback()
        return outcome
    outcome.stored = study.store_study_aids(
        session=session, exam_code=exam_code, cards=[card.content() for card in upload.cards]
    )
    session.commit()
    return outcome
