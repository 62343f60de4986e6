"""Spaced repetition with the `fsrs` package (FSRS-6, open-spaced-repetition): the maintained scheduler
Anki adopted, and a pure library, so the scheduling stays testable with a fixed clock."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from fsrs import Card, Rating, Scheduler
from fsrs.card import CardDict

DESIRED_RETENTION = 0.9
_scheduler = Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=False)


def review(card: dict | None, rating: int, at: datetime) -> tuple[dict, datetime]:
    """The card after this review, and when it is next due."""
    current = Card.from_dict(cast(CardDict, card)) if card else Card(card_id=1, due=at)
    updated, _ = _scheduler.review_card(current, Rating(rating), at)
    return cast(dict, updated.to_dict()), updated.due


def retrievability(card: dict, at: datetime) -> float:
    return _scheduler.get_card_retrievability(Card.from_dict(cast(CardDict, card)), at)
