"""A forgotten password: an administrator issues a one-time link (admin page or CLI), or, when the site sends
email, the owner asks for one. Links expire and work once; asking does not reveal whether an address has an
account."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import cli
from app.db import users
from app.services.credentials import hash_password
from tests.conftest import T0, adopt_csrf_token
from tests.web.test_accounts import PASSWORD, sign_up
from tests.web.test_sign_up_by_mail import inbox  # noqa: F401  (a real SMTP server, started by the test)

NEW = "another long passphrase"


def issued_link(admin_client, email="ada@example.com") -> str:
    page = admin_client.post("/admin/password-resets", data={"email": email})
    assert page.status_code == 200, page.text
    return re.search(r'<code id="reset-link">https?://[^/]+(/password/reset/[\w-]+)</code>', page.text).group(1)


def fresh_browser(app) -> TestClient:
    browser = TestClient(app, follow_redirects=False)
    adopt_csrf_token(browser)
    return browser


def test_an_admin_link_sets_a_new_password_once_and_ends_every_other_session(admin_client, other_client, app):
    sign_up(other_client)
    link = issued_link(admin_client)
    with fresh_browser(app) as browser:
        form = browser.get(link)
        assert form.status_code == 200 and "For <strong>ada@example.com</strong>" in form.text
        done = browser.post(link, data={"password": NEW, "confirmation": NEW})
        assert done.status_code == 303 and done.headers["location"] == "/account?password=reset"
        assert "Your password was changed." in browser.get(done.headers["location"]).text
        used = browser.get(link)
        assert used.status_code == 404 and 'id="link-gone"' in used.text
        adopt_csrf_token(browser)  # signing in gave this browser a new session and token
        assert browser.post(link, data={"password": NEW, "confirmation": NEW}).status_code == 404
    assert other_client.get("/account").status_code == 404  # its session ended with the old password
    with fresh_browser(app) as browser:
        old = browser.post("/signin", data={"email": "ada@example.com", "password": PASSWORD})
        assert old.status_code == 422
        assert browser.post("/signin", data={"email": "ada@example.com", "password": NEW}).status_code == 303


def test_a_link_expires_after_a_day_and_a_newer_one_replaces_it(admin_client, other_client, clock):
    sign_up(other_client)
    first = issued_link(admin_client)
    second = issued_link(admin_client)
    assert other_client.get(first).status_code == 404
    assert other_client.get(second).status_code == 200
    clock.advance(hours=25)
    assert other_client.get(second).status_code == 404


def test_a_weak_new_password_is_refused_by_name_and_the_link_still_works(admin_client, other_client):
    sign_up(other_client)
    link = issued_link(admin_client)
    weak = other_client.post(link, data={"password": "short", "confirmation": "short"})
    assert weak.status_code == 422 and "at least 10 characters" in weak.text
    assert other_client.get(link).status_code == 200


def test_an_admin_link_for_an_unknown_address_is_refused_and_needs_an_admin(admin_client, other_client):
    unknown = admin_client.post("/admin/password-resets", data={"email": "nobody@example.com"})
    assert unknown.status_code == 422 and "No account uses nobody@example.com; nothing was made." in unknown.text
    assert other_client.post("/admin/password-resets", data={"email": "x@example.com"}).status_code in (403, 404)


def test_without_email_the_forgot_page_says_to_ask_an_administrator(client):
    assert 'href="/password/forgot">Forgot your password?</a>' in client.get("/signin").text
    page = client.get("/password/forgot").text
    assert 'id="ask-admin"' in page and "mockexam admin reset-link" in page


def test_by_email_the_owner_gets_a_link_and_the_answer_reveals_nothing(client, app, inbox, clock):  # noqa: F811
    with Session(app.state.engine) as session:  # an account made before the site sent email
        users.register(
            session=session, guest=None, email="ada@example.com", password_hash=hash_password(PASSWORD), now=T0
        )
    known = client.post("/password/forgot", data={"email": "Ada@Example.com"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda page: re.sub(r'content="[^"]+"|value="[^"]+"|<strong>[^<]+</strong>', "", page.text)  # noqa: E731
    assert strip(known) == strip(unknown)
    [message] = inbox.messages
    assert message["To"] == "ada@example.com"
    link = re.search(r"https://exams\.example\.org(/password/reset/[\w-]+)", message.get_content()).group(1)
    client.post("/password/forgot", data={"email": "ada@example.com"})
    assert len(inbox.messages) == 1  # a second request within minutes sends nothing more
    assert client.post(link, data={"password": NEW, "confirmation": NEW}).status_code == 303
    adopt_csrf_token(client)
    clock.advance(minutes=3)
    client.post("/password/forgot", data={"email": "ada@example.com"})
    assert len(inbox.messages) == 2
    clock.advance(hours=2)
    late = re.search(r"(/password/reset/[\w-]+)", inbox.messages[1].get_content()).group(1)
    assert client.get(late).status_code == 404  # an emailed link lasts an hour


def test_the_cli_prints_a_working_link(monkeypatch, settings, app, other_client):
    sign_up(other_client)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MOCKEXAM_PUBLIC_URL", "https://exams.example.org")
    result = CliRunner().invoke(cli, ["admin", "reset-link", "ada@example.com"])
    assert result.exit_code == 0, result.output
    path = re.fullmatch(r"https://exams\.example\.org(/password/reset/[\w-]+)\n", result.stdout).group(1)
    assert other_client.get(path).status_code == 200
    missing = CliRunner().invoke(cli, ["admin", "reset-link", "nobody@example.com"])
    assert missing.exit_code == 1 and "no account uses nobody@example.com" in missing.output


def test_sign_up_by_email_sends_an_address_at_most_one_email_in_two_minutes(client, other_client, app, inbox, clock):  # noqa: F811
    first = sign_up(client, email="new@example.com")
    again = sign_up(other_client, email="new@example.com")
    assert first.status_code == again.status_code == 200 and "Check your email" in again.text
    assert len(inbox.messages) == 1
    clock.advance(minutes=3)
    sign_up(other_client, email="new@example.com")
    assert len(inbox.messages) == 2
