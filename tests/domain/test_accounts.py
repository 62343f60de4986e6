from datetime import UTC, datetime, timedelta

import pytest

from app.domain.accounts import (AccountError, RecentFailures, Throttled, check_new_password, check_throttle,
                                 normalize_email)
from app.passwords import hash_password, verify_password

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_emails_are_trimmed_and_lowercased():
    assert normalize_email("  Ada@Example.COM ") == "ada@example.com"


@pytest.mark.parametrize("raw", ["ada", "ada@", "@example.com", "ada@example", "a b@example.com", ""])
def test_malformed_emails_are_refused_by_name(raw):
    with pytest.raises(AccountError, match="is not an email address"):
        normalize_email(raw)


@pytest.mark.parametrize("password, confirmation, words", [
    ("long enough pw", "long enough pX", "differ"), ("short", "short", "at least 10"),
    ("x" * 1025, "x" * 1025, "at most 1024")])
def test_new_passwords_must_match_and_have_a_sane_length(password, confirmation, words):
    with pytest.raises(AccountError, match=words):
        check_new_password(password, confirmation)


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


def test_argon2_hashes_verify_only_the_right_password():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong horse battery")
    assert not verify_password(None, "anything at all")
    assert not verify_password("not a hash", "anything at all")
