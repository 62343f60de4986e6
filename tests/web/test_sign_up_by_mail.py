"""With mail set up, sign-up answers alike whether the address has an account or not: the address's owner
learns the rest by email, from a real SMTP server the test starts."""

from __future__ import annotations

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from app.db.tables import User
from tests.conftest import adopt_csrf_token
from tests.web.helpers import start
from tests.web.test_accounts import sign_up


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def inbox(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = Inbox()
    server = Controller(received, hostname="127.0.0.1", port=port)
    server.start()
    app.state.settings = app.state.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_starttls": False,
            "mail_from": "exams@example.org",
            "public_url": "https://exams.example.org",
        }
    )
    yield received
    server.stop()


def answer_without_token(response) -> str:
    return re.sub(r'name="csrf[-_]token" content="[^"]+"|value="[^"]{40,}"', "", response.text)


def test_a_new_address_gets_a_link_that_finishes_the_sign_up(client, app, inbox):
    attempt = start(client)  # a guest's attempt, kept by the account the link makes
    response = sign_up(client, email="new@example.com")
    assert response.status_code == 200 and "Check your email" in response.text
    with Session(app.state.engine) as session:
        assert session.exec(select(User).where(User.email == "new@example.com")).first() is None
    [message] = inbox.messages
    assert message["To"] == "new@example.com" and message["From"] == "exams@example.org"
    link = re.search(r"https://exams\.example\.org(/signup/confirm/\S+)", message.get_content()).group(1)
    assert "Create my account" in client.get(link).text  # opening the link makes nothing
    assert client.post(link).status_code == 303
    adopt_csrf_token(client)
    assert client.get("/account").status_code == 200
    assert client.get(f"/attempts/{attempt}/questions/1").status_code == 200
    assert client.post(link).status_code == 404  # used once


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_an_email(client, other_client, app, inbox):
    app.state.settings = app.state.settings.model_copy(update={"smtp_host": ""})
    sign_up(client, email="owner@example.com")  # made before mail was set up
    app.state.settings = app.state.settings.model_copy(update={"smtp_host": "127.0.0.1"})
    taken = sign_up(other_client, email="owner@example.com", password="another long passphrase")
    free = sign_up(other_client, email="someone@example.com", password="another long passphrase")
    assert taken.status_code == free.status_code == 200
    assert answer_without_token(taken) == answer_without_token(free).replace("someone@example.com", "owner@example.com")
    notice = next(m for m in inbox.messages if m["To"] == "owner@example.com")
    assert "has one already" in notice.get_content() and "/signin" in notice.get_content()


def test_an_unsendable_email_is_said_plainly_and_makes_nothing(client, app, inbox):
    app.state.settings = app.state.settings.model_copy(update={"smtp_port": 1})  # nothing listens there
    response = sign_up(client, email="new@example.com")
    assert response.status_code == 503 and "could not be sent just now" in response.text


def test_an_old_or_unknown_link_finishes_nothing(client, app, inbox, clock):
    sign_up(client, email="late@example.com")
    link = re.search(r"(/signup/confirm/\S+)", inbox.messages[0].get_content()).group(1)
    clock.advance(hours=25)
    assert client.post(link).status_code == 404
    assert client.get("/signup/confirm/nonsense").status_code == 404


def test_mail_settings_need_a_sender_and_the_public_address():
    from pydantic import ValidationError

    from app.config import Settings

    with pytest.raises(ValidationError, match="MOCKEXAM_MAIL_FROM and MOCKEXAM_PUBLIC_URL"):
        Settings(smtp_host="mail.example.org")
