"""Your account: who you are signed in as, and signing out on every device."""

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
    return render(request, "account/index.html", title="Your account")


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
