"""Rules for accounts: when sign-in attempts are throttled and how many attempts guests may start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.attempt import ExamError

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class AccountError(ExamError):
    """A sign-up, sign-in or account change that cannot be done; the message says why."""


class Throttled(AccountError):
    def __init__(self, who: str, retry_after: timedelta):
        self.retry_after = retry_after
        minutes = max(1, -(-int(retry_after.total_seconds()) // 60))
        super().__init__(f"Too many failed sign-ins {who}. Try again in {minutes} minute{'s' if minutes != 1 else ''}.")


@dataclass(frozen=True)
class RecentFailures:
    """Failed sign-ins within the throttle window, oldest first."""

    for_account: tuple[datetime, ...]
    from_address: tuple[datetime, ...]


def check_throttle(failures: RecentFailures, now: datetime) -> None:
    """Refuse a sign-in while an account or an address has failed too often within the window; the wait
    ends when the oldest counted failure leaves the window."""
    for times, limit, who in (
        (failures.for_account, MAX_FAILURES_PER_ACCOUNT, "for this account"),
        (failures.from_address, MAX_FAILURES_PER_ADDRESS, "from your network address"),
    ):
        if len(times) >= limit:
            raise Throttled(who, times[-limit] + THROTTLE_WINDOW - now)


GUEST_WINDOW = timedelta(hours=1)


class TooManyGuestAttempts(ExamError):
    """Guests from one network address started as many attempts as an hour allows (or none are allowed)."""

    def __init__(self, limit: int, retry_after: timedelta | None):
        self.retry_after = retry_after
        if retry_after is None:
            super().__init__("This server asks everyone to sign up or sign in before starting an attempt.")
            return
        minutes = max(1, -(-int(retry_after.total_seconds()) // 60))
        super().__init__(
            f"Guests from your network address have started {limit} attempts within the hour, the "
            f"most this server allows. Sign up or sign in to go on now, or try again in {minutes} "
            f"minute{'s' if minutes != 1 else ''}."
        )


def check_guest_starts(starts: tuple[datetime, ...], limit: int, now: datetime) -> None:
    """Refuse a guest's attempt while `limit` guest attempts from the same address fall within the hour
    (`starts`, oldest first); the wait ends when the oldest of them leaves it."""
    if limit == 0:
        raise TooManyGuestAttempts(limit, None)
    if len(starts) >= limit:
        raise TooManyGuestAttempts(limit, starts[-limit] + GUEST_WINDOW - now)


# A reset link an administrator hands over may wait a day; one requested by email is used at once. An address
# gets at most one account email (sign-up link, a note that someone tried, reset link) in ACCOUNT_MAIL_GAP.
ADMIN_RESET_LASTS = timedelta(hours=24)
EMAIL_RESET_LASTS = timedelta(hours=1)
ACCOUNT_MAIL_GAP = timedelta(minutes=2)
