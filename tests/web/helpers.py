"""Test helpers that look behind the candidate's back: what the key is for a position on a paper."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from app.db.tables import AttemptItem, QuestionVersion


def browser_of_owner(app, attempt_id: str) -> str:
    """How the database names a session of the attempt's owner: another browser of theirs, signed in."""
    from datetime import UTC, datetime

    from app.db import users
    from app.db.tables import Attempt

    with Session(app.state.engine) as session:
        owner = session.get(Attempt, attempt_id).user_id
        token = users.start_session(session=session, user_id=owner, now=datetime.now(UTC))
    return users.token_hash(token)


def start(client, exam="TST-01", **form) -> str:
    response = client.post(f"/exams/{exam}/attempts", data=form)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/attempts/(\w+)/questions/1", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def paper(app, attempt_id: str) -> list[dict]:
    """Per position: the display letters of the key, the stored selection, the flags, the domain."""
    with Session(app.state.engine) as session:
        rows = session.exec(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
        ).all()
        out = []
        for row in rows:
            content = session.get(QuestionVersion, row.version_id).content
            order = row.option_order.split(",")
            key_letters = sorted(chr(ord("A") + order.index(k)) for k in content["key"])
            wrong = [chr(ord("A") + i) for i, k in enumerate(order) if k not in content["key"]]
            out.append(
                {
                    "position": row.position,
                    "key": key_letters,
                    "wrong": wrong,
                    "type": content["type"],
                    "selection": row.selection,
                    "letters": sorted(chr(ord("A") + order.index(k)) for k in row.selection.split(",") if k),
                    "flagged": row.flagged,
                    "struck": row.struck,
                    "scored": row.scored,
                    "domain": row.domain,
                    "slug": row.question_slug,
                    "seconds": row.seconds_spent,
                    "correct": row.correct,
                }
            )
        return out


def answer(client, attempt_id: str, position: int, letters: list[str], **headers):
    return client.post(f"/attempts/{attempt_id}/questions/{position}/answer", data={"choice": letters}, headers=headers)
