"""A session is a row in the database: a cookie opens an account only while its session lives, and signing
up, signing in, signing out, changing the password and deleting the account each end the sessions they must."""

from __future__ import annotations

from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import users
from app.db.tables import User
from tests.conftest import adopt_csrf_token
from tests.web.helpers import start
from tests.web.test_accounts import PASSWORD, sign_in, sign_up

COOKIE = "mockexam"


@contextmanager
def browser_with(app, cookie: str):
    """Another browser holding a copy of a cookie taken earlier, as a thief or a shared computer would."""
    with TestClient(app, follow_redirects=False) as thief:
        thief.cookies.set(COOKIE, cookie)
        yield thief


def signed_in_as(browser) -> str | None:
    page = browser.get("/account")
    if page.status_code != 200:
        return None
    return page.text.split('<h2 id="who">')[1].split("</h2>")[0]


def test_the_cookie_of_a_deleted_account_opens_no_account_made_after_it(client, other_client, app):
    sign_up(client, email="first@example.com")
    deleted_cookie = client.cookies[COOKIE]
    with Session(app.state.engine) as session:
        deleted_id = session.exec(select(User.id).where(User.email == "first@example.com")).one()
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 303
    sign_up(other_client, email="second@example.com")
    with Session(app.state.engine) as session:
        second = session.exec(select(User).where(User.email == "second@example.com")).one()
        assert second.id > deleted_id  # ids are never handed out twice
        users.set_role(session=session, user=second, role="admin")
    assert signed_in_as(other_client) == "second@example.com"
    with browser_with(app, deleted_cookie) as thief:
        assert signed_in_as(thief) is None
        assert thief.get("/admin/questions").status_code == 404


def test_a_guest_cookie_planted_before_sign_up_opens_nothing_after_it(client, app):
    attempt = start(client)  # the attacker's guest session, planted in the victim's browser
    planted = client.cookies[COOKIE]
    with browser_with(app, planted) as victim:
        adopt_csrf_token(victim)
        assert sign_up(victim, email="victim@example.com").status_code == 303
        assert signed_in_as(victim) == "victim@example.com"
        assert victim.get(f"/attempts/{attempt}/questions/1").status_code == 200  # the guest's attempt is kept
    with browser_with(app, planted) as attacker:
        assert signed_in_as(attacker) is None
        assert attacker.get(f"/attempts/{attempt}/questions/1").status_code == 404


def test_signing_in_ends_the_session_the_browser_had_before(client, other_client, app):
    sign_up(client)
    attempt = start(client)
    before = other_client.cookies.get(COOKIE)
    start(other_client)  # a guest session in the browser that then signs in
    before = other_client.cookies[COOKIE]
    assert sign_in(other_client).status_code == 303
    with browser_with(app, before) as copy:
        assert signed_in_as(copy) is None
        assert copy.get(f"/attempts/{attempt}/questions/1").status_code == 404


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(client, app):
    sign_up(client)
    attempt = start(client)
    copied = client.cookies[COOKIE]
    assert client.post("/signout").status_code == 303
    with browser_with(app, copied) as thief:
        assert signed_in_as(thief) is None
        assert thief.get(f"/attempts/{attempt}/questions/1").status_code == 404
        assert (
            thief.post(
                f"/attempts/{attempt}/questions/1/answer", data={"choice": ["A"]}, headers={"X-CSRF-Token": "x"}
            ).status_code
            == 403
        )


def test_a_cookie_copied_before_a_password_change_opens_nothing_after_it_but_this_browser_stays_in(client, app):
    sign_up(client)
    attempt = start(client)
    copied = client.cookies[COOKIE]
    changed = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "another long passphrase", "confirmation": "another long passphrase"},
    )
    assert changed.status_code == 200 and "Your password was changed." in changed.text
    adopt_csrf_token(client)
    assert signed_in_as(client) == "ada@example.com"
    assert client.get(f"/attempts/{attempt}/questions/1").status_code == 200
    with browser_with(app, copied) as thief:
        assert signed_in_as(thief) is None
        assert thief.get(f"/attempts/{attempt}/questions/1").status_code == 404


def test_signing_out_everywhere_ends_every_session_of_the_account(client, other_client, app):
    sign_up(client)
    sign_in(other_client)
    attempt = start(other_client)
    assert client.post("/signout/everywhere").status_code == 303
    assert signed_in_as(client) is None and signed_in_as(other_client) is None
    assert other_client.get(f"/attempts/{attempt}/questions/1").status_code == 404
    assert sign_in(other_client).status_code == 303
    assert other_client.get(f"/attempts/{attempt}/questions/1").status_code == 200


def test_a_session_cookie_of_the_old_kind_naming_a_user_id_opens_nothing(client, app):
    import base64
    import json

    from itsdangerous import TimestampSigner

    sign_up(client)
    old_style = TimestampSigner("test-secret").sign(base64.b64encode(json.dumps({"uid": 1}).encode())).decode()
    with browser_with(app, old_style) as forger:
        assert signed_in_as(forger) is None
