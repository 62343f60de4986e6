"""Request bodies: bounded in size and form-encoded, or refused with a clear message before any work."""

from __future__ import annotations

import asyncio
import json

from starlette.types import Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BodyRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _too_large(max_bytes: int) -> str:
    return f"The request body is larger than the {max_bytes // 1024} KiB this server accepts."


async def refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def body_refusal(scope: Scope, max_bytes: int) -> tuple[int, str] | None:
    """What is wrong with a request's declared body, judged from its headers alone."""
    headers = dict(scope.get("headers", []))
    declared = headers.get(b"content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        return 413, _too_large(max_bytes)
    content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
    if declared not in (None, b"0") and content_type not in FORM_TYPES:
        return 415, (
            "Send this request as a form (application/x-www-form-urlencoded or multipart/form-data), "
            f"not {content_type or 'an undeclared type'}."
        )
    return None


async def read_body(receive: Receive, max_bytes: int, seconds: float) -> Receive:
    """Read the whole body within `seconds` and at most `max_bytes` (whatever it declared), and return a
    receive that hands it to the app as one message, then passes on what comes after (a disconnect)."""
    chunks: list[bytes] = []
    received = 0

    async def read_all() -> None:
        nonlocal received
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                raise BodyRefused(400, "The request ended before its body was complete.")
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > max_bytes:
                raise BodyRefused(413, _too_large(max_bytes))
            chunks.append(chunk)
            if not message.get("more_body", False):
                return

    try:
        await asyncio.wait_for(read_all(), seconds)
    except TimeoutError:
        raise BodyRefused(408, f"The request body did not arrive within {seconds:g} seconds.") from None
    body: Message | None = {"type": "http.request", "body": b"".join(chunks), "more_body": False}

    async def replay() -> Message:
        nonlocal body
        if body is not None:
            message, body = body, None
            return message
        return await receive()

    return replay
