"""Users. Until accounts exist, a candidate is a user row named by a signed browser cookie."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.db.tables import User


def create_guest(*, session: Session, now: datetime) -> User:
    user = User(role="candidate", created_at=now)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)
