"""Guests: their attempts are limited per network address and hour, and abandoned guests are deleted."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.db.tables import Attempt, AttemptItem, BrowserSession, GuestStart, User
from tests.conftest import adopt_csrf_token
from tests.web.helpers import start
from tests.web.test_accounts import sign_up


def new_browser(app):
    browser = TestClient(app, follow_redirects=False)
    adopt_csrf_token(browser)
    return browser


def count(app, table) -> int:
    with Session(app.state.engine) as session:
        return len(session.exec(select(table)).all())


def test_guests_from_one_address_start_only_so_many_attempts_an_hour(app, client, clock):
    app.state.settings.guest_attempts_per_hour = 3
    for _ in range(3):
        with new_browser(app) as browser:
            start(browser)
    users_before = count(app, User)
    with new_browser(app) as browser:
        refused = browser.post("/exams/TST-01/attempts")
        assert refused.status_code == 429 and "started 3 attempts within the hour" in refused.text
        assert 0 < int(refused.headers["retry-after"]) <= 3601
        assert browser.post("/practice/drills", data={"exam": "TST-01"}).status_code == 429
    assert count(app, User) == users_before  # a refused guest makes no row
    sign_up(client)
    start(client)  # an account is not a guest
    clock.advance(minutes=61)
    with new_browser(app) as browser:
        start(browser)
    assert count(app, GuestStart) == 1  # the hour's old starts are dropped as new ones are counted


def test_no_guest_attempts_at_all_when_the_limit_is_zero(app, client):
    app.state.settings.guest_attempts_per_hour = 0
    refused = client.post("/exams/TST-01/attempts")
    assert refused.status_code == 429 and "asks everyone to sign up or sign in" in refused.text
    sign_up(client)
    start(client)


def test_a_guest_idle_for_the_set_days_is_deleted_with_everything_they_made(app, client, clock):
    app.state.settings.guest_days = 30
    abandoned = start(client)
    client.post(f"/attempts/{abandoned}/end")
    with new_browser(app) as keeper:
        sign_up(keeper, email="keeper@example.com")
        kept = start(keeper)
    clock.advance(days=31)
    with new_browser(app) as newcomer:
        start(newcomer)  # a new guest clears out a few abandoned ones
    with Session(app.state.engine) as session:
        assert session.get(Attempt, abandoned) is None
        assert session.exec(select(AttemptItem).where(AttemptItem.attempt_id == abandoned)).first() is None
        assert session.get(Attempt, kept) is not None  # accounts are never purged
        assert len(session.exec(select(User).where(User.email.is_(None))).all()) == 1
        assert len(session.exec(select(BrowserSession)).all()) == 2
    assert client.get(f"/attempts/{abandoned}/report").status_code == 404


def test_the_command_line_purges_guests_idle_for_the_set_days(app, client, settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    start(client)  # a guest made at the test clock's start, long before today
    with new_browser(app) as keeper:
        sign_up(keeper, email="keeper@example.com")
    result = CliRunner().invoke(cli, ["admin", "purge-guests", "--days", "30"])
    assert result.exit_code == 0 and "deleted 1 guest idle for 30 days or more" in result.output
    assert count(app, User) == 1
