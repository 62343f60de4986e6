"""Request bodies: bounded in size and form-encoded, or refused with a clear message before any work."""

from __future__ import annotations

import json

from starlette.types import Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BodyTooLarge(Exception):
    pass


def _too_large(max_bytes: int) -> str:
    return f"The request body is larger than the {max_bytes // 1024} KiB this server accepts."


async def refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def body_refusal(scope: Scope, max_bytes: int) -> tuple[int, str] | None:
    """What is wrong with a request's declared body, judged from its headers alone."""
    headers = dict(scope.get("headers", []))
    declared = headers.get(b"content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        return 413, _too_large(max_bytes)
    content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
    if declared not in (None, b"0") and content_type not in FORM_TYPES:
        return 415, ("Send this request as a form (application/x-www-form-urlencoded or multipart/form-data), "
                     f"not {content_type or 'an undeclared type'}.")
    return None


def counting(receive: Receive, max_bytes: int) -> Receive:
    """A receive that stops a body which turns out larger than it declared (or declared nothing)."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise BodyTooLarge(_too_large(max_bytes))
        return message

    return counted
