"""Security headers on every response, and a fresh CSP nonce for each request's inline script."""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# FastAPI's own interactive API docs load their script from elsewhere; they are left alone.
_DOCS_PATHS = ("/api/v1/docs",)
_CACHEABLE_PREFIX = "/static/"


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(path: str, nonce: str) -> dict[str, str]:
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if path not in _DOCS_PATHS:
        headers["Content-Security-Policy"] = content_security_policy(nonce)
    if not path.startswith(_CACHEABLE_PREFIX):
        # Pages and API answers may carry personal data: never kept by a browser or a proxy.
        headers["Cache-Control"] = "no-store"
    return headers


class SecurityHeaders:
    """Pure ASGI middleware (no response buffering): sets the nonce, then adds the headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = new_nonce()
        scope.setdefault("state", {})["csp_nonce"] = nonce
        extra = security_headers(scope["path"], nonce)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                added = [
                    (name.lower().encode("latin-1"), text.encode("latin-1"))
                    for name, text in extra.items()
                    if name.lower().encode("latin-1") not in present
                ]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with_headers)
