"""Cross-site request forgery: every unsafe request is checked in one place (`CsrfGuard`), and
every state-changing form carries a token the server checks.

Signed in, the token is the web session's own `csrf_token`. Before signing in there is no
session, so the sign-in form uses a double-submit token: the same random value in a short-lived
cookie (readable only by the server, scoped to `/sign-in`) and in a hidden field.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from joinedup.web.deps import Viewer

FIELD = "csrf_token"
SIGN_IN_COOKIE = "joinedup_sign_in"
SIGN_IN_COOKIE_PATH = "/sign-in"
SIGN_IN_COOKIE_SECONDS = 30 * 60
logger = logging.getLogger("joinedup.web")


class CsrfRefused(Exception):
    """A form came back without the token it was given: refused with a 403 page."""


def check(submitted: str | None, expected: str | None) -> None:
    """Raise CsrfRefused unless both tokens are present and equal (compared in constant time)."""
    if not submitted or not expected:
        raise CsrfRefused("missing token")
    if not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise CsrfRefused("token mismatch")


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(24)


def set_sign_in_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        max_age=SIGN_IN_COOKIE_SECONDS,
        path=SIGN_IN_COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def clear_sign_in_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(
        SIGN_IN_COOKIE, path=SIGN_IN_COOKIE_PATH, httponly=True, samesite="strict", secure=secure
    )


# -- every unsafe request, in one place --------------------------------------------------------

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
NUL = "\x00"
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _authority(scheme: str, netloc: str) -> str:
    """`host[:port]`, lower-cased, without the scheme's default port."""
    netloc = netloc.lower()
    default = _DEFAULT_PORTS.get(scheme)
    return netloc[: -len(default) - 1] if default and netloc.endswith(f":{default}") else netloc


def same_origin(headers: Headers) -> bool:
    """Whether an unsafe request comes from this site's own pages.

    The browser's `Origin` decides, or, absent, its `Referer`; a request with neither (a
    client that is not a browser, or a browser told to hide them) is judged by its token alone.
    `Origin: null` (a sandboxed frame, a redirect across sites) is never this site.
    """
    claimed = headers.get("origin") or headers.get("referer")
    if claimed is None:
        return True
    parts = urlsplit(claimed)
    host = headers.get("host")
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc or not host:
        return False
    return _authority(parts.scheme, parts.netloc) == _authority(parts.scheme, host)


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def is_sign_in(path: str) -> bool:
    return path == SIGN_IN_COOKIE_PATH or path.startswith(SIGN_IN_COOKIE_PATH + "/")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read once, then whatever comes next."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def submitted_form(scope: Scope, receive: Receive) -> dict[str, list[str]]:
    """A page form's text fields (name → values); empty for any other body."""
    request = Request(scope, receive)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {}
    try:
        form = await request.form()
    except Exception:  # a malformed body carries no token; the route will say what is wrong
        return {}
    fields: dict[str, list[str]] = {}
    try:
        for name, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(name, []).append(value)
        return fields
    finally:
        await form.close()


def nul_fields(fields: dict[str, list[str]]) -> list[str]:
    """The fields holding a NUL, which no text column can store (PostgreSQL refuses it)."""
    return [name.replace(NUL, "?") for name, values in fields.items()
            if NUL in name or any(NUL in value for value in values)]  # fmt: skip


class CsrfGuard:
    """Pure ASGI middleware: every unsafe request to a page must come from this site and carry
    the signed-in session's token. It reads (and hands on) the request body; the response is
    never buffered.

    - Any unsafe request (pages and API) whose `Origin`, or else `Referer`, is another site is
      refused: the 403 page, or the API's JSON 403.
    - A page request with a live session must carry that session's token in the form's
      `csrf_token` field; the routes' own `check` stays as a second lock.
    - Without a live session nothing can be done as anyone: the route sends the person to sign
      in. The sign-in form's token is its double-submit cookie, checked by the sign-in route.
    - A page form field holding a NUL is answered with a 400 page naming the field: no text
      column can store it, and storing it must not become a 500.
    - The API is exempt from the token: it authenticates by a bearer token in the
      `Authorization` header, which a browser never attaches by itself, and never by a cookie.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if not same_origin(Headers(scope=scope)):
            await _refusal(scope, "foreign origin")(scope, receive, send)
            return
        if is_api(path):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        fields = await submitted_form(scope, _replaying(body, receive))
        viewer = None if is_sign_in(path) else await _live_viewer(scope)
        if viewer is not None:
            scope.setdefault("state", {})["viewer"] = viewer
            try:
                check(fields.get(FIELD, [""])[0], viewer.csrf_token)
            except CsrfRefused as refused:
                await _refusal(scope, str(refused))(scope, _replaying(body, receive), send)
                return
        if held := nul_fields(fields):
            await _nul_refusal(scope, held)(scope, _replaying(body, receive), send)
            return
        await self.app(scope, _replaying(body, receive), send)


async def _live_viewer(scope: Scope) -> Viewer | None:
    from joinedup.web.deps import SESSION_COOKIE, resolve_viewer

    request = Request(scope)
    if SESSION_COOKIE not in request.cookies:
        return None
    return await run_in_threadpool(resolve_viewer, request)


def _nul_refusal(scope: Scope, fields: list[str]) -> Response:
    """A 400 page naming each field that holds a NUL (never the 500 storing it would give)."""
    from joinedup.web.errors import error_page

    logger.info("form with a NUL refused on %s %s", scope["method"], scope["path"])
    problems = [f"The field “{name}” holds a NUL character, which cannot be stored: remove it "
                "and send the form again." for name in fields]  # fmt: skip
    return error_page(Request(scope), 400, title="There is a problem", problems=problems)


def _refusal(scope: Scope, reason: str) -> Response:
    from joinedup.api.errors import error_body
    from joinedup.web.errors import error_page

    request = Request(scope)
    logger.warning("unsafe request refused (%s) on %s %s", reason, scope["method"], scope["path"])
    if is_api(scope["path"]):
        message = "Requests from another site's pages are refused."
        return JSONResponse(error_body("forbidden_origin", message), status_code=403)
    return error_page(request, 403, title="Your form could not be sent", csrf=True)
