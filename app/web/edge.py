"""The app's one ASGI middleware at the edge: request id and log line, admission, body limits, security
headers.

One layer instead of three: each request crosses it once (the profile showed every layer costs)."""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.asgi import HttpMiddleware, add_headers
from app.web.limits import BODY_METHODS, MAX_BODY_BYTES, BodyRefused, body_refusal, read_body, refuse
from app.web.request_log import SAFE_REQUEST_ID, RequestIds, log_request
from app.web.security import HEADERS

errors = logging.getLogger("mockexam.error")


class Admission:
    """At most `limit` requests inside the app at once; the rest wait here, in order, without a thread.

    The limit is the worker's number of database connections. A request inside therefore always gets a
    connection at once, so no request ever waits for one while holding a thread from the pool that other
    requests need to finish: that wait is how a worker stalls under a burst of candidates."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None

    def slots(self) -> asyncio.Semaphore:
        # One semaphore per event loop: a worker has one, but tests drive the same app from several.
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._slots is None:
            self._loop, self._slots = loop, asyncio.Semaphore(self.limit)
        return self._slots


class Edge(HttpMiddleware):
    def __init__(
        self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES, max_in_flight: int = 20, body_seconds: float = 20.0
    ) -> None:
        super().__init__(app)
        self.max_body_bytes = max_body_bytes
        self.body_seconds = body_seconds
        self.admission = Admission(max_in_flight)
        self.request_ids = RequestIds()

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if SAFE_REQUEST_ID.match(incoming) else self.request_ids()
        scope.setdefault("state", {})["request_id"] = request_id
        response_headers = [*HEADERS, (b"x-request-id", request_id.encode())]
        started = time.perf_counter()
        status = 500

        started_response = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
                add_headers(message, response_headers)
            await send(message)

        try:
            if scope["method"] in BODY_METHODS:
                # The whole body is read before the request may take a slot: a client that sends its body
                # slowly, or not at all, waits here and holds nothing that other candidates need.
                refusal = body_refusal(scope, self.max_body_bytes)
                if refusal is None:
                    try:
                        receive = await read_body(receive, self.max_body_bytes, self.body_seconds)
                    except BodyRefused as error:
                        refusal = error.status, str(error)
                if refusal is not None:
                    await refuse(send_with_headers, *refusal)
                    return
            if scope["path"].startswith("/static/"):  # files only, no database
                await self.app(scope, receive, send_with_headers)
                return
            async with self.admission.slots():
                await self.app(scope, receive, send_with_headers)
        except Exception:
            # Answered here rather than by Starlette's outermost error handler, so that a failure's page
            # carries the security headers like every other response.
            if started_response:
                raise
            errors.exception("unhandled error in %s %s (request %s)", scope["method"], scope["path"], request_id)
            await refuse(
                send_with_headers,
                500,
                "Something went wrong on the server. Try again; if it keeps "
                f"failing, give the administrator the request id {request_id}.",
            )
        finally:
            log_request(scope, request_id, status, started)
