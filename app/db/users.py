"""Users and sign-in failures. A candidate without an account is a guest row named by a signed cookie;
signing up turns that row into an account, so its attempts stay with it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db import bank
from app.db.tables import (
    AccountMail,
    ApiToken,
    Attempt,
    AttemptItem,
    BrowserSession,
    FlashcardState,
    GuestStart,
    ImportBatch,
    PasswordReset,
    PendingSignUp,
    ProblemReport,
    Regrade,
    ReviewCard,
    SignInFailure,
    User,
)
from app.domain.accounts import (
    GUEST_WINDOW,
    THROTTLE_WINDOW,
    AccountError,
    RecentFailures,
    Throttled,
    TooManyGuestAttempts,
    check_guest_starts,
    check_throttle,
)


def token_hash(token: str) -> str:
    """What the database keeps of a session's or an API token's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_guest(*, session: Session, now: datetime) -> tuple[User, str]:
    """A new guest and the token of its first session, in one transaction."""
    user = User(role="candidate", created_at=now)
    session.add(user)
    session.flush()
    token = _add_session(session, user.id, now)
    session.commit()
    session.refresh(user)
    return user, token


def _add_session(session: Session, user_id: int, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(BrowserSession(token_hash=token_hash(token), user_id=user_id, created_at=now))
    return token


def start_session(*, session: Session, user_id: int, now: datetime, replacing: str | None = None) -> str:
    """A new session for the user, ending the one it replaces (this browser's earlier session, so that a
    cookie planted or copied before the sign-in opens nothing after it)."""
    if replacing:
        session.exec(delete(BrowserSession).where(col(BrowserSession.token_hash) == token_hash(replacing)))
    token = _add_session(session, user_id, now)
    session.commit()
    return token


def end_session(*, session: Session, token: str) -> None:
    session.exec(delete(BrowserSession).where(col(BrowserSession.token_hash) == token_hash(token)))
    session.commit()


def end_all_sessions(*, session: Session, user_id: int) -> int:
    """Sign the user out everywhere; returns how many sessions ended."""
    ended = session.exec(delete(BrowserSession).where(col(BrowserSession.user_id) == user_id)).rowcount
    session.commit()
    return ended


def session_user(*, session: Session, token: str) -> User | None:
    """The user a live session belongs to, or None for an ended or unknown one."""
    return session.exec(
        select(User)
        .join(BrowserSession, col(BrowserSession.user_id) == User.id)
        .where(BrowserSession.token_hash == token_hash(token))
    ).first()


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def register(
    *, session: Session, guest: User | None, email: str, password_hash: str, now: datetime, role: str = "candidate"
) -> User:
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


SIGN_UP_LINK_LASTS = timedelta(hours=24)


def pend_sign_up(*, session: Session, email: str, password_hash: str, now: datetime) -> str:
    """Keep a sign-up until its owner follows the emailed link; returns the link's token. Links older than
    a day are dropped here. The caller commits once the email is sent."""
    session.exec(delete(PendingSignUp).where(col(PendingSignUp.created_at) < now - SIGN_UP_LINK_LASTS))
    token = secrets.token_urlsafe(32)
    session.add(PendingSignUp(token_hash=token_hash(token), email=email, password_hash=password_hash, created_at=now))
    session.flush()
    return token


def pending_sign_up(*, session: Session, token: str, now: datetime) -> PendingSignUp | None:
    pending = session.get(PendingSignUp, token_hash(token))
    return pending if pending is not None and pending.created_at > now - SIGN_UP_LINK_LASTS else None


def confirm_sign_up(*, session: Session, pending: PendingSignUp, guest: User | None, now: datetime) -> User:
    """The account a followed link asked for (from this browser's guest, as at a direct sign-up); every
    pending sign-up of the address goes with it. AccountError when the address has an account by now."""
    session.exec(delete(PendingSignUp).where(col(PendingSignUp.email) == pending.email))
    return register(session=session, guest=guest, email=pending.email, password_hash=pending.password_hash, now=now)


def issue_password_reset(*, session: Session, user: User, now: datetime, lasts: timedelta) -> str:
    """A one-time link token for the user, valid for `lasts`; any older link of theirs stops working, and
    expired links of anyone are dropped here. The caller commits."""
    session.exec(delete(PasswordReset).where(col(PasswordReset.user_id) == user.id))
    session.exec(delete(PasswordReset).where(col(PasswordReset.expires_at) <= now))
    token = secrets.token_urlsafe(32)
    session.add(PasswordReset(token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=now + lasts))
    return token


def claim_account_mail(*, session: Session, email: str, now: datetime, gap: timedelta) -> bool:
    """Whether an account email may go to the address now: not if one went within `gap`. Claiming records the
    sending; checked and recorded in one step. The caller commits once the email is sent."""
    _serialize(session, "account-mail")
    last = session.get(AccountMail, email)
    if last is not None and last.sent_at > now - gap:
        return False
    last = last or AccountMail(email=email, sent_at=now)
    last.sent_at = now
    session.add(last)
    session.flush()
    return True


def password_reset(*, session: Session, token: str, now: datetime) -> tuple[PasswordReset, User] | None:
    """The unexpired link a token names, with its account."""
    reset = session.get(PasswordReset, token_hash(token))
    if reset is None or reset.expires_at <= now:
        return None
    user = session.get(User, reset.user_id)
    return (reset, user) if user is not None else None


def reset_password(*, session: Session, reset: PasswordReset, user: User, password_hash: str) -> None:
    """Set the new password through a link, which then stops working; every session of the user ends."""
    session.exec(delete(PasswordReset).where(col(PasswordReset.user_id) == user.id))
    set_password(session=session, user=user, password_hash=password_hash)


def set_password(*, session: Session, user: User, password_hash: str) -> None:
    """A new password hash; every session of the user ends with the old password."""
    user.password_hash = password_hash
    session.add(user)
    session.exec(delete(BrowserSession).where(col(BrowserSession.user_id) == user.id))
    session.commit()


def rehash_password(*, session: Session, user: User, password_hash: str) -> None:
    """The same password under newer hashing parameters: nothing else changes."""
    user.password_hash = password_hash
    session.add(user)
    session.commit()


def set_role(*, session: Session, user: User, role: str) -> None:
    user.role = role
    session.add(user)
    session.commit()


def _serialize(session: Session, what: str) -> None:
    """Make the check-and-count that follows one step among concurrent requests: on PostgreSQL behind a
    lock held to the end of the transaction; on SQLite the write lock of the insert that comes first does
    it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:what))").bindparams(what=f"mockexam.{what}"))


def claim_sign_in(*, session: Session, email: str, address: str, now: datetime) -> None:
    """Count this sign-in as a failure before the password is checked, unless the account or the address
    has failed too often already (then raise Throttled, counting nothing). Checking and counting are one
    step: on PostgreSQL behind a transaction-scoped lock, on SQLite behind the write lock the insert
    takes. A sign-in that succeeds clears its account's failures, this one included."""
    _serialize(session, "sign-in")
    claim = SignInFailure(email=email, address=address, at=now)
    session.add(claim)
    session.flush()
    since = now - THROTTLE_WINDOW

    def times(condition):
        return tuple(
            session.exec(
                select(SignInFailure.at)
                .where(condition, SignInFailure.at > since, SignInFailure.id != claim.id)
                .order_by(col(SignInFailure.at))
            ).all()
        )

    try:
        check_throttle(
            RecentFailures(times(SignInFailure.email == email), times(SignInFailure.address == address)), now
        )
    except Throttled:
        session.rollback()
        raise
    # Old failures count for nothing; dropping them here keeps the table small without a scheduler.
    session.exec(delete(SignInFailure).where(col(SignInFailure.at) < since))
    session.commit()


def claim_guest_start(*, session: Session, address: str, limit: int, now: datetime) -> None:
    """Count an attempt a guest starts from this address, unless guests from it started `limit` within the
    hour already (then raise TooManyGuestAttempts, counting nothing); checked and counted in one step."""
    _serialize(session, "guest-start")
    claim = GuestStart(address=address, at=now)
    session.add(claim)
    session.flush()
    since = now - GUEST_WINDOW
    starts = tuple(
        session.exec(
            select(GuestStart.at)
            .where(GuestStart.address == address, GuestStart.at > since, GuestStart.id != claim.id)
            .order_by(col(GuestStart.at))
        ).all()
    )
    try:
        check_guest_starts(starts, limit, now)
    except TooManyGuestAttempts:
        session.rollback()
        raise
    session.exec(delete(GuestStart).where(col(GuestStart.at) <= since))
    session.commit()


def purge_abandoned_guests(*, session: Session, idle_since: datetime, batch: int = 100) -> int:
    """Delete up to `batch` guests, with everything they made, who were created and last started an attempt
    before `idle_since`; returns how many went. Guests have no way back to their data once their browser
    forgets the cookie, so what they leave behind would otherwise grow without end."""
    active = select(Attempt.id).where(Attempt.user_id == User.id, Attempt.started_at >= idle_since)
    abandoned = session.exec(
        select(User)
        .where(col(User.email).is_(None), User.created_at < idle_since, ~active.exists())
        .order_by(col(User.id))
        .limit(batch)
    ).all()
    for guest in abandoned:
        delete_user_and_data(session=session, user=guest)
    return len(abandoned)


def clear_failures(*, session: Session, email: str) -> None:
    session.exec(delete(SignInFailure).where(col(SignInFailure.email) == email))
    session.commit()


def delete_user_and_data(*, session: Session, user: User) -> None:
    """Everything the user made goes: attempts, review cards, flashcard schedules, problem reports, API tokens.
    Imports they ran and regrades they applied stay in the bank's history, no longer linked to anyone."""
    bank.forget_exam_responses(session=session, user_id=user.id)
    attempt_ids = select(Attempt.id).where(Attempt.user_id == user.id)
    session.exec(delete(AttemptItem).where(col(AttemptItem.attempt_id).in_(attempt_ids)))
    session.exec(delete(Attempt).where(col(Attempt.user_id) == user.id))
    for owned in (ReviewCard, FlashcardState, ProblemReport, ApiToken, BrowserSession, PasswordReset):
        session.exec(delete(owned).where(col(owned.user_id) == user.id))
    session.exec(update(ImportBatch).where(col(ImportBatch.user_id) == user.id).values(user_id=None))
    session.exec(update(Regrade).where(col(Regrade.admin_id) == user.id).values(admin_id=None))
    if user.email:
        session.exec(delete(SignInFailure).where(col(SignInFailure.email) == user.email))
        session.exec(delete(AccountMail).where(col(AccountMail.email) == user.email))
    session.delete(user)
    session.commit()
