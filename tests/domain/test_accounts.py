from datetime import UTC, datetime, timedelta

import pytest

from app.domain.accounts import RecentFailures, Throttled, check_throttle

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_five_failures_for_an_account_within_fifteen_minutes_throttle_it_until_the_oldest_expires():
    failures = tuple(NOW - timedelta(minutes=m) for m in (12, 9, 6, 3, 1))
    with pytest.raises(Throttled, match="for this account. Try again in 3 minutes") as error:
        check_throttle(RecentFailures(failures, failures), NOW)
    assert error.value.retry_after == timedelta(minutes=3)
    check_throttle(RecentFailures(failures[1:], failures[1:]), NOW)


def test_twenty_failures_from_one_address_throttle_it():
    failures = tuple(NOW - timedelta(seconds=s) for s in range(20, 0, -1))
    with pytest.raises(Throttled, match="from your network address"):
        check_throttle(RecentFailures((), failures), NOW)
