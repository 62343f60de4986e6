"""Security headers on every response: no inline script, no framing, no sniffing, little referrer."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from app.web.asgi import HttpMiddleware, add_headers

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders(HttpMiddleware):
    """Pure ASGI middleware, so streaming and static responses get the headers too."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_headers(message, HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
