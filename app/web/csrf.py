"""CSRF protection: every state-changing request must carry this session's token, as the form field
`csrf_token` (plain forms) or the `X-CSRF-Token` header (htmx, scripts)."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request
from jinja2 import pass_context
from markupsafe import Markup
from starlette.datastructures import UploadFile

SESSION_KEY = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
REJECTED = (
    "This form has expired or did not come from this site, so nothing was changed. Reload the page and try again."
)


def token_for(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def rotate(request: Request) -> None:
    """A fresh session at sign-in and sign-out: nothing from before, a new token."""
    request.session.clear()
    token_for(request)


def needs_token(request: Request) -> bool:
    # The JSON API authenticates each request with a bearer token, never with the cookie, so a forged
    # cross-site request carries nothing it could use.
    return request.method not in SAFE_METHODS and not request.scope["path"].startswith("/api/")


def check_token(request: Request, sent) -> None:
    """Refuse the request unless `sent` is this session's token."""
    expected = request.session.get(SESSION_KEY)
    if not (isinstance(sent, str) and isinstance(expected, str) and secrets.compare_digest(sent, expected)):
        raise HTTPException(403, REJECTED)


async def verify_csrf(request: Request) -> None:
    if not needs_token(request):
        return
    sent: str | UploadFile | None = request.headers.get(HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(FIELD)
    check_token(request, sent)


@pass_context
def csrf_field(context) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token_for(context["request"]))


@pass_context
def csrf_token(context) -> str:
    return token_for(context["request"])
