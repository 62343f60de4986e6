"""Users and sign-in failures. A candidate without an account is a guest row named by a signed cookie;
signing up turns that row into an account, so its attempts stay with it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db import bank
from app.db.tables import (ApiToken, Attempt, AttemptItem, ImportBatch, ProblemReport, Regrade, ReviewCard,
                           SignInFailure, User)
from app.domain.accounts import THROTTLE_WINDOW, AccountError, RecentFailures


def create_guest(*, session: Session, now: datetime) -> User:
    user = User(role="candidate", created_at=now)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def register(*, session: Session, guest: User | None, email: str, password_hash: str, now: datetime,
             role: str = "candidate") -> User:
    """Make an account, from this browser's guest row when there is one, so earlier attempts are kept."""
    user = guest if guest is not None and guest.email is None else User(role=role, created_at=now)
    user.email, user.password_hash = email, password_hash
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountError(f"An account with the email {email} exists already; sign in instead.") from None
    session.refresh(user)
    return user


def set_password(*, session: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    session.add(user)
    session.commit()


def set_role(*, session: Session, user: User, role: str) -> None:
    user.role = role
    session.add(user)
    session.commit()


def recent_failures(*, session: Session, email: str, address: str, now: datetime) -> RecentFailures:
    since = now - THROTTLE_WINDOW

    def times(condition):
        return tuple(session.exec(select(SignInFailure.at).where(condition, SignInFailure.at > since)
                                  .order_by(SignInFailure.at)).all())

    return RecentFailures(times(SignInFailure.email == email), times(SignInFailure.address == address))


def record_failure(*, session: Session, email: str, address: str, now: datetime) -> None:
    session.add(SignInFailure(email=email, address=address, at=now))
    # Old failures count for nothing; dropping them here keeps the table small without a scheduler.
    session.exec(delete(SignInFailure).where(col(SignInFailure.at) < now - THROTTLE_WINDOW))
    session.commit()


def clear_failures(*, session: Session, email: str) -> None:
    session.exec(delete(SignInFailure).where(SignInFailure.email == email))
    session.commit()


def delete_user_and_data(*, session: Session, user: User) -> None:
    """Everything the user made goes: attempts, review cards, problem reports, API tokens. Imports they ran
    and regrades they applied stay in the bank's history, no longer linked to anyone."""
    bank.forget_exam_responses(session=session, user_id=user.id)
    attempt_ids = select(Attempt.id).where(Attempt.user_id == user.id)
    session.exec(delete(AttemptItem).where(col(AttemptItem.attempt_id).in_(attempt_ids)))
    session.exec(delete(Attempt).where(Attempt.user_id == user.id))
    for owned in (ReviewCard, ProblemReport, ApiToken):
        session.exec(delete(owned).where(owned.user_id == user.id))
    session.exec(update(ImportBatch).where(ImportBatch.user_id == user.id).values(user_id=None))
    session.exec(update(Regrade).where(Regrade.admin_id == user.id).values(admin_id=None))
    if user.email:
        session.exec(delete(SignInFailure).where(SignInFailure.email == user.email))
    session.delete(user)
    session.commit()
