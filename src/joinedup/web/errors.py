"""Errors → responses, in one place for the whole app: a GOV.UK page, or the API's JSON.

Each kind of failure keeps its own status and words: a refusal is never shown as "not found",
nor an unexpected fault as a refusal. Logs name the kind of error and the path, never the
error's message (it may quote personal data).
"""

from __future__ import annotations

import logging
import traceback

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from joinedup.api.errors import api_error, error_body, is_api
from joinedup.core.errors import (
    Conflict,
    InvalidTransition,
    JoinedUpError,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from joinedup.web.csrf import CsrfRefused
from joinedup.web.deps import SignInRequired, clear_session_cookie, settings_of, sign_in_url
from joinedup.web.templating import render

logger = logging.getLogger("joinedup.web")

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def error_page(request: Request, status: int, **values: object) -> Response:
    template = {
        403: "errors/403.html",
        404: "errors/404.html",
        500: "errors/500.html",
    }.get(status, "errors/problem.html")
    title = str(values.pop("title", _TITLES.get(status, "There is a problem")))
    return render(request, template, title=title, status_code=status, **values)


_TITLES = {
    403: "You do not have access to this page",
    404: "Page not found",
    405: "This page cannot be used that way",
    409: "This could not be done",
    422: "There is a problem",
    500: "Sorry, there is a problem with the service",
}


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, JoinedUpError)  # noqa: S101 - registered for this type only
    if is_api(request):
        return api_error(exc)
    logger.info("%s on %s %s", type(exc).__name__, request.method, request.url.path)
    if isinstance(exc, NotFound):
        return error_page(request, 404)
    if isinstance(exc, NotPermitted):
        return error_page(request, 403)
    if isinstance(exc, ValidationFailed):
        return error_page(request, 422, problems=[e.message for e in exc.errors] or [exc.message])
    if isinstance(exc, InvalidTransition | Conflict):
        return error_page(request, 409, problems=[exc.message])
    return error_page(request, 400, problems=[exc.message])


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for this type only
    if is_api(request):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )
    if exc.status_code == 404:
        return error_page(request, 404)
    title = _TITLES.get(exc.status_code, "There is a problem")
    return error_page(request, exc.status_code, title=title, problems=[])


async def on_sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)  # noqa: S101 - registered for this type only
    response = RedirectResponse(sign_in_url(exc.next_path, ended=exc.ended), status_code=303)
    if exc.ended:
        clear_session_cookie(response, secure=settings_of(request).cookie_secure)
    return response


async def on_csrf_refused(request: Request, exc: Exception) -> Response:
    logger.warning("form refused (%s) on %s %s", exc, request.method, request.url.path)
    return error_page(request, 403, title="Your form could not be sent", csrf=True)


def install(app: FastAPI) -> None:
    app.add_exception_handler(JoinedUpError, on_domain_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(CsrfRefused, on_csrf_refused)
    app.add_middleware(CatchAll)


def log_fault(scope: Scope, exc: BaseException) -> None:
    """The kind of error, where, and the code path: no message, no local values."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error(
        "unexpected %s on %s %s\n%s", type(exc).__name__, scope["method"], scope["path"], frames
    )


class CatchAll:
    """The last resort: an unexpected error becomes the 500 page (or the API's JSON 500).

    It is middleware rather than Starlette's `Exception` handler because that one re-raises
    to the server, whose log would carry the error's message and, with it, personal data.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # the last resort, by design
            log_fault(scope, exc)
            if not started:
                await _fault_response(scope)(scope, receive, send)


def _fault_response(scope: Scope) -> Response:
    request = Request(scope)
    if is_api(request):
        body = error_body("internal_error", "Sorry, there is a problem with the service")
        return JSONResponse(body, status_code=500)
    try:
        return error_page(request, 500)
    except Exception:  # the page itself failed: plain words, still a 500
        return Response("Sorry, there is a problem with the service.", status_code=500)
