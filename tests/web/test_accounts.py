"""Accounts: sign up keeps a guest's attempts, sign in is throttled and rotates the session, and a user's
data can be downloaded and deleted."""

import csv
import io

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.db.tables import Attempt, ProblemReport, Question, ReviewCard, User
from tests.conftest import adopt_csrf_token
from tests.web.helpers import answer, paper, start

PASSWORD = "a long passphrase"


def sign_up(client, email="ada@example.com", password=PASSWORD, confirmation=None):
    response = client.post(
        "/signup", data={"email": email, "password": password, "confirmation": confirmation or password}
    )
    if response.status_code == 303:
        adopt_csrf_token(client)
    return response


def sign_in(client, email="ada@example.com", password=PASSWORD):
    response = client.post("/signin", data={"email": email, "password": password})
    if response.status_code == 303:
        adopt_csrf_token(client)
    return response


def test_signing_up_keeps_the_attempts_made_before_in_this_browser(client, app):
    attempt = start(client)
    response = sign_up(client, email="  Ada@Example.com ")
    assert response.status_code == 303
    assert "ada@example.com" in client.get("/").text
    with Session(app.state.engine) as session:
        owner = session.get(Attempt, attempt).user_id
        assert session.get(User, owner).email == "ada@example.com"
    assert client.get(f"/attempts/{attempt}/questions/1").status_code == 200


@pytest.mark.parametrize(
    "email, password, confirmation, message",
    [
        ("not-an-email", PASSWORD, PASSWORD, "is not an email address"),
        ("ada@example.com", "short", "short", "at least 10 characters"),
        ("ada@example.com", PASSWORD, PASSWORD + "!", "The two passwords differ"),
        ("ada\x00@example.com", PASSWORD, PASSWORD, "is not an email address"),
        ("ada@example.com", "password12", "password12", "Choose a harder password. This is a very common password."),
        ("ada@example.com", "1234567890", "1234567890", "Choose a harder password."),
    ],
)
def test_bad_sign_up_input_is_refused_by_name_and_creates_nothing(client, app, email, password, confirmation, message):
    response = sign_up(client, email, password, confirmation)
    assert response.status_code == 422 and message in response.text
    with Session(app.state.engine) as session:
        assert session.exec(select(User).where(User.email.is_not(None))).all() == []


def test_an_email_can_hold_only_one_account(client, other_client):
    assert sign_up(client).status_code == 303
    response = sign_up(other_client, email="ADA@example.com")
    assert response.status_code == 422 and "exists already; sign in instead" in response.text


def test_sign_up_can_be_turned_off(client, app):
    app.state.settings.allow_signup = False
    assert "Sign-up is turned off" in client.get("/signup").text
    assert sign_up(client).status_code == 403


def test_sign_in_rotates_the_session_and_sign_out_ends_it(client, other_client):
    sign_up(client)
    attempt = start(client)
    old_token = other_client.headers["X-CSRF-Token"]
    assert sign_in(other_client).status_code == 303
    assert other_client.headers["X-CSRF-Token"] != old_token
    assert other_client.get(f"/attempts/{attempt}/questions/1").status_code == 200
    assert other_client.post("/signout").status_code == 303
    adopt_csrf_token(other_client)
    assert other_client.get(f"/attempts/{attempt}/questions/1").status_code == 404


def test_a_wrong_password_says_so_without_telling_which_part_was_wrong(client, other_client):
    sign_up(client)
    wrong = sign_in(other_client, password="not the passphrase")
    unknown = sign_in(other_client, email="nobody@example.com")
    for response in (wrong, unknown):
        assert response.status_code == 422 and "That email and password do not match an account." in response.text


def test_five_failures_throttle_the_account_even_with_the_right_password(client, other_client, clock):
    sign_up(client)
    for _ in range(5):
        sign_in(other_client, password="guess guess guess")
    throttled = sign_in(other_client)
    assert throttled.status_code == 429
    assert "Too many failed sign-ins for this account. Try again in 15 minutes." in throttled.text
    assert int(throttled.headers["retry-after"]) > 0
    clock.advance(minutes=16)
    assert sign_in(other_client).status_code == 303


def test_changing_the_password_needs_the_current_one(client):
    sign_up(client)
    refused = client.post(
        "/account/password",
        data={"current": "wrong wrong wrong", "password": "new passphrase!", "confirmation": "new passphrase!"},
    )
    assert refused.status_code == 422 and "current password is not right" in refused.text
    changed = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "new passphrase!", "confirmation": "new passphrase!"},
    )
    assert changed.status_code == 200 and "Your password was changed." in changed.text
    client.post("/signout")
    adopt_csrf_token(client)
    assert sign_in(client).status_code == 422
    assert sign_in(client, password="new passphrase!").status_code == 303


def test_history_downloads_as_json_and_csv_without_revealing_unfinished_answers(client, app):
    sign_up(client)
    finished = start(client)
    answer(client, finished, 1, ["A"])
    client.post(f"/attempts/{finished}/end")
    unfinished = start(client)
    answer(client, unfinished, 2, ["B"])
    data = client.get("/account/history.json").json()
    by_id = {a["id"]: a for a in data["attempts"]}
    assert data["email"] == "ada@example.com" and set(by_id) == {finished, unfinished}
    assert by_id[finished]["scaled_score"] is not None and "correct" in by_id[finished]["items"][0]
    assert all("correct" not in item and "scored" not in item for item in by_id[unfinished]["items"])
    rows = list(csv.DictReader(io.StringIO(client.get("/account/history.csv").text)))
    assert {row["attempt"] for row in rows} == {finished, unfinished}
    assert next(r for r in rows if r["attempt"] == finished)["passed"] in ("pass", "fail")


def test_deleting_the_account_removes_its_attempts_and_needs_the_password(client, app):
    sign_up(client)
    attempt = start(client)
    refused = client.post("/account/delete", data={"password": "wrong wrong wrong"})
    assert refused.status_code == 422 and "was not deleted" in refused.text
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 303
    with Session(app.state.engine) as session:
        assert session.get(Attempt, attempt) is None
        assert session.exec(select(User).where(User.email == "ada@example.com")).first() is None


def _responses(app) -> dict[str, int]:
    with Session(app.state.engine) as session:
        return {q.slug: q.exam_responses for q in session.exec(select(Question)).all()}


def test_a_finished_exam_counts_one_response_per_question_until_its_account_is_deleted(client, other_client, app):
    sign_up(client)
    finished = start(client)
    client.post(f"/attempts/{finished}/end")
    start(client)  # left open: counts nothing
    start(other_client)  # another candidate's open exam: counts nothing
    shown = {item["slug"] for item in paper(app, finished)}
    counts = _responses(app)
    assert {slug for slug, n in counts.items() if n} == shown and {counts[slug] for slug in shown} == {1}
    reported = client.post(f"/attempts/{finished}/questions/1/report", data={"kind": "unclear", "comment": "Hm."})
    assert reported.status_code == 303
    # Its review cards and its problem report go with it (they once made the deletion fail).
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 303
    assert set(_responses(app).values()) == {0}
    with Session(app.state.engine) as session:
        assert session.exec(select(ProblemReport)).first() is None and session.exec(select(ReviewCard)).first() is None


def test_account_pages_need_an_account(client):
    start(client)  # a guest
    assert client.get("/account").status_code == 404
    assert client.get("/account/history.json").status_code == 404


def test_admin_create_makes_an_administrator_from_the_environment(monkeypatch, settings, app):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MOCKEXAM_ADMIN_PASSWORD", "admin passphrase")
    result = CliRunner().invoke(cli, ["admin", "create", "Root@Example.com"])
    assert result.exit_code == 0 and "created administrator root@example.com" in result.output
    again = CliRunner().invoke(cli, ["admin", "create", "root@example.com"])
    assert again.exit_code == 0 and "is now an administrator" in again.output
    with Session(app.state.engine) as session:
        assert session.exec(select(User).where(User.email == "root@example.com")).one().role == "admin"
    monkeypatch.setenv("MOCKEXAM_ADMIN_PASSWORD", "short")
    weak = CliRunner().invoke(cli, ["admin", "create", "x@example.com"])
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    monkeypatch.setenv("MOCKEXAM_ADMIN_PASSWORD", "aaaaaaaaaaaa")
    guessable = CliRunner().invoke(cli, ["admin", "create", "x@example.com"])
    assert guessable.exit_code == 1 and "Choose a harder password" in guessable.output
