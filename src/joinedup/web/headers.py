"""Security headers on every response: pages, the API, exports, error pages and static files.

The content security policy allows script only from this site (`script-src 'self'`): no page
carries inline script, so there is no nonce to hand out (the GOV.UK template's one line of
inline script is taken out when the template loads, web/templating.py, and /static/app.js does
its work). Personal data is never kept by a browser or a proxy: every answer but a static file
is `Cache-Control: no-store`. HSTS is sent when the service is served over HTTPS (a request
that arrived over HTTPS, or `cookie_secure`, which is only set behind HTTPS).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# FastAPI's own interactive API docs load their script from elsewhere; they are left alone.
_DOCS_PATHS = ("/api/v1/docs",)
_CACHEABLE_PREFIX = "/static/"
HSTS = "max-age=31536000; includeSubDomains"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Nothing in the service needs a device or a browser feature beyond plain pages.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def security_headers(path: str, *, https: bool) -> dict[str, str]:
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if path not in _DOCS_PATHS:
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    if not path.startswith(_CACHEABLE_PREFIX):
        # Pages, exports and API answers may carry personal data: never kept anywhere.
        headers["Cache-Control"] = "no-store"
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def _over_https(scope: Scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    app = scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    return bool(getattr(settings, "cookie_secure", False))


class SecurityHeaders:
    """Pure ASGI middleware (no response buffering): adds the headers to the response's start."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope["path"], https=_over_https(scope))

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
