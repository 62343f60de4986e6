"""Accounts: sign up, sign in, sign out, change password, download history, delete the account."""

from __future__ import annotations

import csv
import io
import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from app.db import attempts, users
from app.db.tables import User
from app.domain.accounts import ACCOUNT_MAIL_GAP, EMAIL_RESET_LASTS, AccountError, Throttled
from app.domain.attempt import DisplayedOptions
from app.services.credentials import check_new_password, hash_password, needs_rehash, normalize_email, verify_password
from app.web import csrf, mail
from app.web.deps import SESSION_KEY, MaybeUser, Now, SessionDep, client_address, session_token, templates
from app.web.openapi import errors

router = APIRouter()
EMAIL_KEY = "email"
ADMIN_KEY = "admin"


def _signed_in(request: Request, session, user: User, now) -> None:
    """A new session at sign-in, sign-up and password change: nothing carried over from before, a new CSRF
    token, and the browser's earlier session ended, so a copy of the old cookie opens nothing."""
    token = users.start_session(session=session, user_id=user.id, now=now, replacing=session_token(request))
    csrf.rotate(request)
    request.session[SESSION_KEY] = token
    request.session[EMAIL_KEY] = user.email
    request.session[ADMIN_KEY] = user.role == "admin"  # shows the Admin link; the admin pages check the role


def _form(request: Request, template: str, status: int = 200, **context) -> Response:
    return templates.TemplateResponse(request, template, context, status_code=status)


def _account_user(user: User | None) -> User:
    if user is None or user.email is None:
        raise HTTPException(404)
    return user


@router.get("/signup", name="signup_form")
def signup_form(request: Request) -> Response:
    return _form(request, "accounts/signup.html", open=request.app.state.settings.allow_signup)


@router.post("/signup", name="signup")
def signup(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    now: Now,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    confirmation: Annotated[str, Form()],
) -> Response:
    if not request.app.state.settings.allow_signup:
        return _form(request, "accounts/signup.html", 403, open=False)
    try:
        address = normalize_email(email)
        check_new_password(password, confirmation, email=address)
        if request.app.state.settings.sends_mail:
            return _sign_up_by_mail(request, session, address, hash_password(password), now)
        account = users.register(
            session=session, guest=user, email=address, password_hash=hash_password(password), now=now
        )
    except AccountError as error:
        return _form(request, "accounts/signup.html", 422, open=True, error=str(error), email=email)
    _signed_in(request, session, account, now)
    return RedirectResponse(request.app.url_path_for("home"), status_code=303)


def _sign_up_by_mail(request: Request, session, address: str, password_hash: str, now) -> Response:
    """With mail set up, a sign-up answers alike whether the address has an account or not: the owner of
    the address learns the rest by email (a link that finishes the sign-up, or a note that someone tried)."""
    settings = request.app.state.settings
    existing = users.find_by_email(session=session, email=address)
    if not users.claim_account_mail(session=session, email=address, now=now, gap=ACCOUNT_MAIL_GAP):
        # An email went to this address moments ago: the same answer, and nothing more in the inbox.
        return _form(request, "accounts/signup_sent.html", address=address)
    try:
        if existing is None:
            token = users.pend_sign_up(session=session, email=address, password_hash=password_hash, now=now)
            link = settings.public_url.rstrip("/") + request.app.url_path_for("confirm_signup_form", token=token)
            mail.send(
                settings,
                to=address,
                subject="Finish creating your mockexam account",
                body=(
                    f"Someone, probably you, asked to create a mockexam account for {address}.\n\n"
                    f"To finish, open this link within a day:\n{link}\n\n"
                    "If it was not you, do nothing: no account is made without this link."
                ),
            )
        else:
            signin = settings.public_url.rstrip("/") + request.app.url_path_for("signin_form")
            mail.send(
                settings,
                to=address,
                subject="Someone tried to create a mockexam account with your address",
                body=(
                    f"Someone asked to create a mockexam account for {address}, which has one already. "
                    "Nothing was changed.\n\n"
                    f"If it was you, sign in instead: {signin}\n"
                    "If it was not you, you need do nothing."
                ),
            )
    except mail.MailNotSent as error:
        session.rollback()  # no pending sign-up and no claim on the address without the email
        logging.getLogger("mockexam.mail").error("sign-up email not sent: %s", error)
        return _form(
            request,
            "accounts/signup.html",
            503,
            open=True,
            email=address,
            error="The email that finishes sign-up could not be sent just now; try again in a few minutes.",
        )
    session.commit()
    return _form(request, "accounts/signup_sent.html", address=address)


@router.get("/signup/confirm/{token}", name="confirm_signup_form")
def confirm_signup_form(request: Request, token: str, session: SessionDep, now: Now) -> Response:
    """The emailed link shows a button, so that a mail scanner that opens links makes no account."""
    pending = users.pending_sign_up(session=session, token=token, now=now)
    return _form(request, "accounts/signup_confirm.html", 200 if pending else 404, pending=pending, token=token)


@router.post("/signup/confirm/{token}", name="confirm_signup")
def confirm_signup(request: Request, token: str, session: SessionDep, user: MaybeUser, now: Now) -> Response:
    pending = users.pending_sign_up(session=session, token=token, now=now)
    if pending is None:
        return _form(request, "accounts/signup_confirm.html", 404, pending=None, token=token)
    try:
        account = users.confirm_sign_up(session=session, pending=pending, guest=user, now=now)
    except AccountError as error:
        return _form(request, "accounts/signup_confirm.html", 409, pending=None, token=token, error=str(error))
    _signed_in(request, session, account, now)
    return RedirectResponse(request.app.url_path_for("home"), status_code=303)


@router.get("/signin", name="signin_form")
def signin_form(request: Request) -> Response:
    return _form(request, "accounts/signin.html")


@router.post("/signin", name="signin")
def signin(
    request: Request, session: SessionDep, now: Now, email: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    address = client_address(request)
    typed = email.strip().lower()
    try:
        users.claim_sign_in(session=session, email=typed, address=address, now=now)
        account = users.find_by_email(session=session, email=typed)
        if not verify_password(account.password_hash if account else None, password):
            raise AccountError("That email and password do not match an account.")
    except Throttled as error:
        response = _form(request, "accounts/signin.html", 429, error=str(error), email=email)
        response.headers["Retry-After"] = str(int(error.retry_after.total_seconds()) + 1)
        return response
    except AccountError as error:
        return _form(request, "accounts/signin.html", 422, error=str(error), email=email)
    assert account is not None and account.password_hash is not None  # the password verified
    users.clear_failures(session=session, email=typed)
    if needs_rehash(account.password_hash):
        users.rehash_password(session=session, user=account, password_hash=hash_password(password))
    _signed_in(request, session, account, now)
    return RedirectResponse(request.app.url_path_for("home"), status_code=303)


@router.get("/password/forgot", name="forgot_password_form")
def forgot_password_form(request: Request) -> Response:
    return _form(request, "accounts/forgot.html", by_mail=request.app.state.settings.sends_mail)


@router.post("/password/forgot", name="forgot_password")
def forgot_password(request: Request, session: SessionDep, now: Now, email: Annotated[str, Form()]) -> Response:
    """With mail set up, the owner of the address gets a one-time link. The answer is the same whether the
    address has an account or not, and a second request within minutes sends nothing more."""
    settings = request.app.state.settings
    if not settings.sends_mail:
        return _form(request, "accounts/forgot.html", by_mail=False)
    address = email.strip().lower()
    account = users.find_by_email(session=session, email=address)
    if account is not None and users.claim_account_mail(session=session, email=address, now=now, gap=ACCOUNT_MAIL_GAP):
        token = users.issue_password_reset(session=session, user=account, now=now, lasts=EMAIL_RESET_LASTS)
        link = settings.public_url.rstrip("/") + request.app.url_path_for("reset_password_form", token=token)
        try:
            mail.send(
                settings,
                to=address,
                subject="Choose a new mockexam password",
                body=(
                    f"Someone, probably you, asked to choose a new password for the mockexam account {address}.\n\n"
                    f"Open this link within an hour; it works once:\n{link}\n\n"
                    "If it was not you, do nothing: your password stays as it is."
                ),
            )
        except mail.MailNotSent as error:
            session.rollback()
            logging.getLogger("mockexam.mail").error("password reset email not sent: %s", error)
            return _form(
                request,
                "accounts/forgot.html",
                503,
                by_mail=True,
                email=email,
                error="The email could not be sent just now; try again in a few minutes.",
            )
        session.commit()
    return _form(request, "accounts/forgot_sent.html", address=address)


@router.get("/password/reset/{token}", name="reset_password_form")
def reset_password_form(request: Request, token: str, session: SessionDep, now: Now) -> Response:
    found = users.password_reset(session=session, token=token, now=now)
    return _form(request, "accounts/reset.html", 200 if found else 404, found=found, token=token)


@router.post("/password/reset/{token}", name="reset_password")
def reset_password(
    request: Request,
    token: str,
    session: SessionDep,
    now: Now,
    password: Annotated[str, Form()],
    confirmation: Annotated[str, Form()],
) -> Response:
    """A new password through a link: the link then stops working, every session of the account ends, and
    this browser is signed in with the new password."""
    found = users.password_reset(session=session, token=token, now=now)
    if found is None:
        return _form(request, "accounts/reset.html", 404, found=None, token=token)
    reset, account = found
    try:
        check_new_password(password, confirmation, email=account.email or "")
    except AccountError as error:
        return _form(request, "accounts/reset.html", 422, found=found, token=token, error=str(error))
    users.reset_password(session=session, reset=reset, user=account, password_hash=hash_password(password))
    _signed_in(request, session, account, now)
    return RedirectResponse(request.app.url_path_for("account") + "?password=reset", status_code=303)


@router.post("/signout", name="signout")
def signout(request: Request, session: SessionDep) -> Response:
    token = session_token(request)
    if token:
        users.end_session(session=session, token=token)
    csrf.rotate(request)
    return RedirectResponse(request.app.url_path_for("home"), status_code=303)


@router.post("/signout/everywhere", name="signout_everywhere")
def signout_everywhere(request: Request, session: SessionDep, user: MaybeUser) -> Response:
    """Ends every session of the account, this browser's too: for a lost phone or a shared computer."""
    users.end_all_sessions(session=session, user_id=_account_user(user).id)
    csrf.rotate(request)
    return RedirectResponse(request.app.url_path_for("home"), status_code=303)


@router.get("/account", name="account")
def account(request: Request, user: MaybeUser, password: str = "") -> Response:
    return _form(request, "accounts/account.html", user=_account_user(user), password_changed=password == "reset")


@router.post("/account/password", name="change_password")
def change_password(
    request: Request,
    session: SessionDep,
    user: MaybeUser,
    now: Now,
    current: Annotated[str, Form()],
    password: Annotated[str, Form()],
    confirmation: Annotated[str, Form()],
) -> Response:
    account_user = _account_user(user)
    try:
        if not verify_password(account_user.password_hash, current):
            raise AccountError("The current password is not right; nothing was changed.")
        check_new_password(password, confirmation, email=account_user.email or "")
    except AccountError as error:
        return _form(request, "accounts/account.html", 422, user=account_user, password_error=str(error))
    users.set_password(session=session, user=account_user, password_hash=hash_password(password))
    _signed_in(request, session, account_user, now)  # every other session ended with the old password
    return _form(request, "accounts/account.html", user=account_user, password_changed=True)


def _history(session, user: User) -> list[dict]:
    history = []
    for attempt in attempts.user_attempts(session=session, user_id=user.id):
        finished = attempt.finalized_at is not None
        result = attempt.result or {}
        items = []
        for row in attempts.items(session=session, attempt_id=attempt.id):
            # Answers as the candidate saw them: display letters in the paper's order. Until the end an item
            # shows only what its exam screen shows; which question it is, its domain, whether it is scored
            # and whether it is right would, with the public bank, give the key away.
            item = {
                "position": row.position,
                "selection": list(DisplayedOptions(row.order).to_display(row.chosen)),
                "flagged": row.flagged,
                "seconds_spent": round(row.seconds_spent, 1),
            }
            if finished:
                item |= {
                    "question": row.question_slug,
                    "domain": row.domain,
                    "scored": row.scored,
                    "correct": row.correct,
                }
            items.append(item)
        history.append(
            {
                "id": attempt.id,
                "exam": attempt.exam_code,
                "mode": attempt.mode,
                "started_at": attempt.started_at.isoformat(),
                "deadline": attempt.deadline.isoformat(),
                "finished_at": attempt.finalized_at.isoformat() if attempt.finalized_at is not None else None,
                "scaled_score": result.get("scaled"),
                "passed": result.get("passed"),
                "correct": result.get("correct"),
                "scored_questions": result.get("total"),
                "domains": [
                    {k: d[k] for k in ("code", "correct", "total", "label")} for d in result.get("domains", [])
                ],
                "items": items,
            }
        )
    return history


@router.get("/account/history.json", name="history_json", responses=errors(404), tags=["json"])
def history_json(session: SessionDep, user: MaybeUser, now: Now) -> JSONResponse:
    account_user = _account_user(user)
    return JSONResponse(
        {"email": account_user.email, "exported_at": now.isoformat(), "attempts": _history(session, account_user)},
        headers={"Content-Disposition": 'attachment; filename="mockexam-history.json"'},
    )


@router.get("/account/history.csv", name="history_csv")
def history_csv(session: SessionDep, user: MaybeUser) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "attempt",
            "exam",
            "mode",
            "started_at",
            "finished_at",
            "scaled_score",
            "passed",
            "correct",
            "scored_questions",
            "minutes_used",
        ]
    )
    for entry in _history(session, _account_user(user)):
        minutes: str | float = ""
        if entry["finished_at"]:
            used = datetime.fromisoformat(entry["finished_at"]) - datetime.fromisoformat(entry["started_at"])
            minutes = round(used.total_seconds() / 60, 1)
        writer.writerow(
            [
                entry["id"],
                entry["exam"],
                entry["mode"],
                entry["started_at"],
                entry["finished_at"] or "",
                entry["scaled_score"] if entry["scaled_score"] is not None else "",
                "" if entry["passed"] is None else ("pass" if entry["passed"] else "fail"),
                entry["correct"] if entry["correct"] is not None else "",
                entry["scored_questions"] or "",
                minutes,
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="mockexam-history.csv"'},
    )


@router.post("/account/delete", name="delete_account")
def delete_account(
    request: Request, session: SessionDep, user: MaybeUser, password: Annotated[str, Form()]
) -> Response:
    account_user = _account_user(user)
    if not verify_password(account_user.password_hash, password):
        return _form(
            request,
            "accounts/account.html",
            422,
            user=account_user,
            delete_error="The password is not right; your account was not deleted.",
        )
    users.delete_user_and_data(session=session, user=account_user)
    csrf.rotate(request)
    return RedirectResponse(request.app.url_path_for("home"), status_code=303)
