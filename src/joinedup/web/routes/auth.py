"""Sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from joinedup.web import csrf, signin
from joinedup.web.deps import (
    SESSION_COOKIE,
    CurrentViewer,
    clear_session_cookie,
    now,
    safe_next,
    set_session_cookie,
    settings_of,
)
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
WRONG_DETAILS = "Enter a correct username and password"


@router.get("/sign-in")
def sign_in_page(
    request: Request, next: str = "", ended: str = "", signed_out: str = ""
) -> Response:
    notice = None
    if ended:
        notice = "You were signed out because your session ended. Sign in again to continue."
    elif signed_out:
        notice = "You have signed out."
    return _form(request, next_path=next, notice=notice)


@router.post("/sign-in")
def sign_in(
    request: Request,
    username: FormText = "",
    password: FormText = "",
    csrf_token: FormText = "",
    next: FormText = "",
) -> Response:
    csrf.check(csrf_token, request.cookies.get(csrf.SIGN_IN_COOKIE))
    username = username.strip()
    errors = _missing(username, password)
    if errors:
        return _form(request, next_path=next, username=username, errors=errors, token=csrf_token)
    settings = settings_of(request)
    attempt = signin.sign_in(
        engine=request.app.state.engine,
        settings=settings,
        username=username,
        password=password,
        previous_token=request.cookies.get(SESSION_COOKIE),
        now=now(request),
    )
    if attempt.token is None:
        wrong = {"username": WRONG_DETAILS}
        return _form(request, next_path=next, username=username, errors=wrong, token=csrf_token)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, attempt.token, secure=settings.cookie_secure)
    csrf.clear_sign_in_cookie(response, secure=settings.cookie_secure)
    return response


@router.post("/sign-out")
def sign_out(request: Request, viewer: CurrentViewer, csrf_token: FormText = "") -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    signin.sign_out(
        engine=request.app.state.engine,
        actor=viewer.actor,
        session_id=viewer.session_id,
        now=now(request),
    )
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    clear_session_cookie(response, secure=settings_of(request).cookie_secure)
    return response


def _missing(username: str, password: str) -> dict[str, str]:
    errors = {}
    if not username:
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105 - a message, not a secret
    return errors


def _form(
    request: Request,
    *,
    next_path: str,
    username: str = "",
    errors: dict[str, str] | None = None,
    token: str | None = None,
    notice: str | None = None,
) -> Response:
    """The sign-in form; a fresh double-submit token unless re-showing the form after a post."""
    token = token or csrf.new_sign_in_token()
    response = render(
        request,
        "auth/sign_in.html",
        title="Sign in",
        errors=errors or {},
        username=username,
        next_path=safe_next(next_path),
        csrf_token=token,
        notice=notice,
        demo_accounts=DEMO_ACCOUNTS if settings_of(request).demo_accounts else (),
        demo_password=DEMO_PASSWORD,
    )
    csrf.set_sign_in_cookie(response, token, secure=settings_of(request).cookie_secure)
    return response
