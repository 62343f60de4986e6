"""A base for the app's small pure-ASGI middlewares: they act on HTTP requests and pass the rest through."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


def add_headers(message: Message, headers: list[tuple[bytes, bytes]]) -> None:
    """Add headers to a response's start message, leaving any the app set itself."""
    present = {name.lower() for name, _ in message.get("headers", [])}
    message["headers"] = [*message.get("headers", []), *((n, v) for n, v in headers if n not in present)]
