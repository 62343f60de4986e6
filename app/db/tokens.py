"""Administrators' API tokens: only a token's hash is kept; a token works until it expires or is revoked,
and only while its owner is an administrator."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.db.tables import ApiToken, User
from app.db.users import token_hash

PREFIX = "mx_"
ID_LENGTH = 12  # of the hash, in hex: what lists show and what revoking names


@dataclass(frozen=True)
class TokenInfo:
    id: str
    name: str
    email: str | None
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


def create(*, session: Session, user: User, name: str, lifetime: timedelta, now: datetime) -> str:
    """A new token for the administrator; the caller shows it once, since only its hash is stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(token_hash=token_hash(token), user_id=user.id, name=name, created_at=now, expires_at=now + lifetime)
    )
    session.commit()
    return token


def administrator(*, session: Session, token: str, now: datetime) -> User | None:
    """The administrator a live token belongs to, noting when it was last used; None for anything else."""
    hashed = token_hash(token)
    user = session.exec(
        select(User)
        .join(ApiToken, col(ApiToken.user_id) == User.id)
        .where(ApiToken.token_hash == hashed, col(ApiToken.expires_at) > now, User.role == "admin")
    ).first()
    if user is not None:
        session.exec(update(ApiToken).where(col(ApiToken.token_hash) == hashed).values(last_used_at=now))
        session.commit()
    return user


def listed(*, session: Session) -> list[TokenInfo]:
    rows = session.exec(
        select(ApiToken, User.email)
        .join(User, col(ApiToken.user_id) == User.id)
        .order_by(col(ApiToken.created_at).desc())
    ).all()
    return [
        TokenInfo(
            token.token_hash[:ID_LENGTH], token.name, email, token.created_at, token.expires_at, token.last_used_at
        )
        for token, email in rows
    ]


def revoke(*, session: Session, token_id: str) -> int:
    """Revoke the token whose listed id this is; returns how many were revoked (0 or 1)."""
    if len(token_id) != ID_LENGTH or any(c not in "0123456789abcdef" for c in token_id):
        return 0
    revoked = session.exec(delete(ApiToken).where(col(ApiToken.token_hash).startswith(token_id))).rowcount
    session.commit()
    return revoked
