"""API tokens expire, can be listed and revoked, and record when they were last used."""

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.db import users
from app.db.tables import User
from tests.web.admin.test_import import FILES


def make_token(monkeypatch, settings, *args) -> str:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["admin", "token", "root@example.com", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def import_with(client, token):
    return client.post(
        "/api/imports",
        data={"exam": "TST-01"},
        headers={"Authorization": f"Bearer {token}"},
        files=[("files", ("sheet.csv", (FILES / "sheet.csv").read_bytes()))],
    )


def listed(monkeypatch, settings) -> str:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return CliRunner().invoke(cli, ["admin", "token", "--list"]).output


def test_a_token_stops_working_when_it_expires(admin_client, app, settings, monkeypatch, clock):
    token = make_token(monkeypatch, settings, "--days", "30", "--name", "nightly import")
    clock.now = datetime.now(UTC) + timedelta(days=29)  # the command line made it on the real clock
    assert import_with(admin_client, token).status_code == 200
    clock.advance(days=2)
    expired = import_with(admin_client, token)
    assert expired.status_code == 401 and "API token is required" in expired.json()["detail"]


def test_a_revoked_token_stops_working_and_the_list_shows_its_use(admin_client, app, settings, monkeypatch):
    token = make_token(monkeypatch, settings, "--name", "nightly import")
    before = listed(monkeypatch, settings)
    assert "'nightly import'" in before and "never used" in before
    assert import_with(admin_client, token).status_code == 200
    assert "last used" in listed(monkeypatch, settings)
    token_id = re.match(r"([0-9a-f]{12})\s", listed(monkeypatch, settings)).group(1)
    revoked = CliRunner().invoke(cli, ["admin", "token", "--revoke", token_id])
    assert revoked.exit_code == 0 and f"revoked token {token_id}" in revoked.output
    assert import_with(admin_client, token).status_code == 401
    again = CliRunner().invoke(cli, ["admin", "token", "--revoke", token_id])
    assert again.exit_code == 1 and "no token has the id" in again.output


def test_the_admin_pages_list_tokens_and_revoke_one(admin_client, app, settings, monkeypatch):
    token = make_token(monkeypatch, settings, "--name", "uploader")
    page = admin_client.get("/admin/tokens")
    assert page.status_code == 200 and "uploader" in page.text and token not in page.text
    token_id = re.search(r"/admin/tokens/([0-9a-f]{12})/revoke", page.text).group(1)
    assert admin_client.post(f"/admin/tokens/{token_id}/revoke").status_code == 303
    assert "uploader" not in admin_client.get("/admin/tokens").text
    assert import_with(admin_client, token).status_code == 401
    assert admin_client.post("/admin/tokens/000000000000/revoke").status_code == 404


def test_a_token_stops_working_when_its_owner_is_no_longer_an_administrator(admin_client, app, settings, monkeypatch):
    token = make_token(monkeypatch, settings)
    with Session(app.state.engine) as session:
        users.set_role(
            session=session,
            user=session.exec(select(User).where(User.email == "root@example.com")).one(),
            role="candidate",
        )
    assert import_with(admin_client, token).status_code == 401


def test_candidates_do_not_see_the_token_pages(client):
    assert client.get("/admin/tokens").status_code == 404


def test_signing_an_account_out_everywhere_from_the_command_line(admin_client, app, settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["admin", "signout", "root@example.com"])
    assert result.exit_code == 0 and "ended 1 session of root@example.com" in result.output
    assert admin_client.get("/admin/tokens").status_code == 404
    missing = CliRunner().invoke(cli, ["admin", "signout", "nobody@example.com"])
    assert missing.exit_code == 1 and "no account has the email" in missing.output
