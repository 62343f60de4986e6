"""Gathering first exam-mode exposures for item statistics (one query, then pure computation)."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from app.db.tables import Attempt, AttemptItem, answer_tokens
from app.domain.attempt import NOT_A_RESULT
from app.domain.itemstats import Response


def first_exposures(*, session: Session, exam_code: str) -> tuple[dict[str, list[Response]], list[tuple[float, dict]]]:
    """Per question, each candidate's first finished exam-mode answer with their share correct on the rest of
    that paper's scored questions; and, per first attempt, its scored total with each scored item's outcome."""
    rows = session.exec(
        select(AttemptItem, Attempt.user_id, Attempt.started_at)
        .join(Attempt)
        .where(
            Attempt.exam_code == exam_code,
            Attempt.mode == "exam",
            col(Attempt.finalized_at).is_not(None),
            # A discarded or abandoned sitting is no result, so its blanks say nothing about the questions.
            col(Attempt.finalize_reason).not_in(sorted(NOT_A_RESULT)),
        )
        .order_by(col(Attempt.started_at))
    ).all()
    papers: dict[str, list[AttemptItem]] = defaultdict(list)
    owner: dict[str, int] = {}
    for item, user_id, _ in rows:
        papers[item.attempt_id].append(item)
        owner[item.attempt_id] = user_id
    seen: set[tuple[int, str]] = set()
    responses: dict[str, list[Response]] = defaultdict(list)
    forms: list[tuple[float, dict]] = []
    first_attempt_of: dict[int, str] = {}
    for attempt_id, items in papers.items():  # attempts in start order
        first_attempt_of.setdefault(owner[attempt_id], attempt_id)
        scored = [i for i in items if i.scored]
        right = sum(1 for i in scored if i.correct)
        for item in items:
            if (owner[attempt_id], item.question_slug) in seen:
                continue
            seen.add((owner[attempt_id], item.question_slug))
            if item.scored:
                rest = (right - (1 if item.correct else 0)) / max(len(scored) - 1, 1)
            else:
                rest = right / max(len(scored), 1)
            responses[item.question_slug].append(Response(bool(item.correct), answer_tokens(item.selection), rest))
    for attempt_id in first_attempt_of.values():
        scored = [i for i in papers[attempt_id] if i.scored]
        forms.append((sum(1 for i in scored if i.correct), {i.question_slug: bool(i.correct) for i in scored}))
    return responses, forms
