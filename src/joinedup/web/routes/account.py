"""Your account: who you are signed in as, your two-factor sign-in, and signing out everywhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.web import csrf, signin
from joinedup.web.deps import CurrentViewer, clear_session_cookie, now, settings_of
from joinedup.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/account")
def account(request: Request, viewer: CurrentViewer) -> Response:
    status = signin.two_factor_status(
        engine=request.app.state.engine, settings=settings_of(request), actor=viewer.actor
    )
    if status.demo_exempt:
        text = "Not used: this is a demonstration account (demo mode, synthetic data only)"
    elif status.enrolled:
        text = "On: a code from your authenticator app"
    else:
        text = "On: set up when you next sign in with your password"
    return render(
        request, "account/index.html", title="Your account", two_factor=status, two_factor_text=text
    )


@router.post("/account/recovery-codes")
def renew_recovery_codes(
    request: Request, viewer: CurrentViewer, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    status = signin.two_factor_status(
        engine=request.app.state.engine, settings=settings_of(request), actor=viewer.actor
    )
    if not status.enrolled:
        return RedirectResponse("/account", status_code=303)
    codes = signin.renew_recovery_codes(
        engine=request.app.state.engine, actor=viewer.actor, now=now(request)
    )
    return render(
        request,
        "auth/recovery_codes.html",
        title="Save your recovery codes",
        codes=codes,
        next_path="/account",
        first_time=False,
    )


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(
    request: Request, viewer: CurrentViewer, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    csrf.check(csrf_token, viewer.csrf_token)
    signin.sign_out_everywhere(
        engine=request.app.state.engine, actor=viewer.actor, now=now(request)
    )
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    clear_session_cookie(response, secure=settings_of(request).cookie_secure)
    return response
