"""The signed session cookie, its signature checked once per worker instead of on every request."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, overload

from itsdangerous import SignatureExpired, TimestampSigner, want_bytes
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from app.db.memory import Bounded


class RememberingSigner(TimestampSigner):
    """A timestamp signer that remembers the cookies whose signature it has verified.

    A candidate sends the same cookie with every click, and checking its HMAC again cost about 11 µs of a
    40 µs budget. Only a cookie that verified is remembered, keyed by its exact bytes, so a forged or
    altered cookie is checked, and refused, every time. The age is checked on every use, as before."""

    def __init__(self, secret_key: str, limit: int = 8192) -> None:
        super().__init__(secret_key)
        self._verified: Bounded[bytes, tuple[bytes, int]] = Bounded(limit)

    # The overloads of TimestampSigner.unsign: the return type follows `return_timestamp`.
    @overload
    def unsign(
        self, signed_value: str | bytes, max_age: int | None = None, return_timestamp: Literal[False] = False
    ) -> bytes: ...

    @overload
    def unsign(
        self, signed_value: str | bytes, max_age: int | None = None, return_timestamp: Literal[True] = True
    ) -> tuple[bytes, datetime]: ...

    def unsign(
        self, signed_value: str | bytes, max_age: int | None = None, return_timestamp: bool = False
    ) -> bytes | tuple[bytes, datetime]:
        key = want_bytes(signed_value)
        verified = self._verified.get(key)
        if verified is None:
            value, signed_at = super().unsign(key, return_timestamp=True)  # raises on a bad signature
            verified = self._verified.put(key, (value, int(signed_at.timestamp())))
        value, timestamp = verified
        if max_age is not None:
            age = self.get_timestamp() - timestamp
            if age > max_age or age < 0:
                raise SignatureExpired(
                    f"Signature age {age} is outside 0 to {max_age} seconds",
                    payload=value,
                    date_signed=self.timestamp_to_datetime(timestamp),
                )
        return (value, self.timestamp_to_datetime(timestamp)) if return_timestamp else value


class SessionCookieMiddleware(SessionMiddleware):
    """Starlette's signed-cookie sessions, with a signer that remembers the cookies it has verified."""

    # `app` positional-only, as Starlette's middleware protocol has it: add_middleware then type-checks.
    def __init__(self, app: ASGIApp, /, secret_key: str, **options) -> None:
        super().__init__(app, secret_key, **options)
        self.signer = RememberingSigner(secret_key)
