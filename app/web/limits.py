"""Request bodies: bounded in size and form-encoded, or refused with a clear message before any work."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.asgi import HttpMiddleware

MAX_BODY_BYTES = 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimits(HttpMiddleware):
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        limit_text = f"{self.max_bytes // 1024} KiB"
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refuse(send, 413, f"The request body is larger than the {limit_text} this server accepts.")
            return
        content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if (declared not in (None, b"0")) and content_type not in FORM_TYPES:
            await _refuse(send, 415, "Send this request as a form (application/x-www-form-urlencoded or "
                                     f"multipart/form-data), not {content_type or 'an undeclared type'}.")
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(limit_text)
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge as error:
            await _refuse(send, 413, f"The request body is larger than the {error} this server accepts.")


class BodyTooLarge(Exception):
    pass
