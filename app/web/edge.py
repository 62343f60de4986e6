"""The app's one ASGI middleware at the edge: request id and log line, body limits, security headers.

One layer instead of three: each request crosses it once (the profile showed every layer costs)."""

from __future__ import annotations

import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.asgi import HttpMiddleware, add_headers
from app.web.limits import BODY_METHODS, MAX_BODY_BYTES, BodyTooLarge, body_refusal, counting, refuse
from app.web.request_log import SAFE_REQUEST_ID, log_request
from app.web.security import HEADERS


class Edge(HttpMiddleware):
    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        super().__init__(app)
        self.max_body_bytes = max_body_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        response_headers = [*HEADERS, (b"x-request-id", request_id.encode())]
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                add_headers(message, response_headers)
            await send(message)

        try:
            if scope["method"] in BODY_METHODS:
                refusal = body_refusal(scope, self.max_body_bytes)
                if refusal:
                    await refuse(send_with_headers, *refusal)
                    return
                try:
                    await self.app(scope, counting(receive, self.max_body_bytes), send_with_headers)
                except BodyTooLarge as error:
                    await refuse(send_with_headers, 413, str(error))
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            log_request(scope, request_id, status, started)
