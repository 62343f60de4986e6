"""The session cookie's signer remembers the cookies it verified, and still refuses what it always refused."""

from __future__ import annotations

import pytest
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from app.web.sessions import RememberingSigner

YEAR = 60 * 60 * 24 * 365


class FrozenSigner(RememberingSigner):
    """The signer with a clock the test moves."""

    now = 1_800_000_000

    def get_timestamp(self) -> int:
        return self.now


def test_a_verified_cookie_is_remembered_and_reads_the_same():
    signer = FrozenSigner("secret")
    cookie = signer.sign(b"payload")
    assert signer.unsign(cookie, max_age=YEAR) == b"payload"
    assert signer.unsign(cookie, max_age=YEAR) == b"payload"
    assert cookie in signer._verified
    value, signed_at = signer.unsign(cookie, max_age=YEAR, return_timestamp=True)
    assert value == b"payload" and signed_at.timestamp() == FrozenSigner.now


def test_a_cookie_signed_with_another_key_is_refused_every_time_and_never_remembered():
    forged = TimestampSigner("another secret").sign(b'{"user_id": 1}')
    signer = RememberingSigner("secret")
    for _ in range(2):
        with pytest.raises(BadSignature):
            signer.unsign(forged, max_age=YEAR)
    assert signer._verified == {}


def test_an_altered_payload_is_refused_even_after_the_original_was_remembered():
    signer = RememberingSigner("secret")
    cookie = signer.sign(b'{"user_id": 1}')
    signer.unsign(cookie, max_age=YEAR)
    altered = cookie.replace(b'"user_id": 1', b'"user_id": 2')
    with pytest.raises(BadSignature):
        signer.unsign(altered, max_age=YEAR)


def test_a_remembered_cookie_expires_at_its_age_like_any_other():
    signer = FrozenSigner("secret")
    cookie = signer.sign(b"payload")
    assert signer.unsign(cookie, max_age=100) == b"payload"
    signer.now += 101
    with pytest.raises(SignatureExpired):
        signer.unsign(cookie, max_age=100)
    assert signer.unsign(cookie) == b"payload"  # no age asked, as itsdangerous itself


def test_a_cookie_signed_in_the_future_is_refused():
    signer = FrozenSigner("secret")
    cookie = signer.sign(b"payload")
    signer.now -= 10
    with pytest.raises(SignatureExpired):
        signer.unsign(cookie, max_age=YEAR)


def test_the_memory_is_bounded_and_forgets_the_oldest_first():
    signer = RememberingSigner("secret", limit=3)
    cookies = [signer.sign(f"user {n}".encode()) for n in range(4)]
    for cookie in cookies:
        signer.unsign(cookie, max_age=YEAR)
    assert list(signer._verified) == cookies[1:]
    assert signer.unsign(cookies[0], max_age=YEAR) == b"user 0"  # verified afresh


def test_a_tampered_session_cookie_is_a_new_empty_session(client, app):
    """End to end: a cookie altered after signing does not keep the candidate's session."""
    from tests.web.helpers import start

    attempt = start(client)
    cookie = client.cookies["mockexam"]
    client.cookies.clear()
    client.cookies.set("mockexam", cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert client.get(f"/attempts/{attempt}/questions/1").status_code == 404
