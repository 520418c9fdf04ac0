"""Sign in (password, then a code from an authenticator app), set up two-factor sign-in, sign out.

Between the password and the code the browser holds a challenge cookie scoped to `/sign-in`,
never a session; the forms of that step carry the challenge's own CSRF token.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from joinedup.access.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from joinedup.access.oidc import REQUEST_LIFETIME_SECONDS, SsoRefused
from joinedup.core.errors import NotFound
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
WRONG_CODE = "Enter a correct code from your authenticator app, or an unused recovery code"
LOCKED = (
    "There have been too many attempts to sign in with these details. "
    "Wait {minutes} minutes, then try again."
)
EXPIRED = "Your sign-in took too long. Sign in again to continue."
CHALLENGE_COOKIE = "joinedup_sign_in_step"
SSO_COOKIE = "joinedup_sso"
SSO_PATH = "/sign-in/sso"
STEP_PATHS = {signin.VERIFY: "/sign-in/two-factor", signin.ENROL: "/sign-in/set-up-two-factor"}


@router.get("/sign-in")
def sign_in_page(
    request: Request, next: str = "", ended: str = "", signed_out: str = "", expired: str = ""
) -> Response:
    notice = None
    if ended:
        notice = "You were signed out because your session ended. Sign in again to continue."
    elif signed_out:
        notice = "You have signed out."
    elif expired:
        notice = EXPIRED
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
    attempt = signin.sign_in(
        engine=request.app.state.engine,
        settings=settings_of(request),
        username=username,
        password=password,
        client=client_address(request),
        previous_token=request.cookies.get(SESSION_COOKIE),
        now=now(request),
    )
    return _after_first_step(request, attempt, next, username, csrf_token)


def _after_first_step(
    request: Request, attempt: signin.Attempt, next_path: str, username: str, token: str
) -> Response:
    if attempt.kind == "wrong":
        wrong = {"username": WRONG_DETAILS}
        return _form(request, next_path=next_path, username=username, errors=wrong, token=token)
    if attempt.kind == "locked":
        return _locked(request, next_path, username, token)
    return _continue(request, attempt, next_path)


def _continue(request: Request, attempt: signin.Attempt, next_path: str) -> Response:
    """Signed in: to the page asked for; a second step due: to it, with its challenge cookie."""
    secure = settings_of(request).cookie_secure
    assert attempt.token is not None  # noqa: S101 - signed_in, verify and enrol carry one
    if attempt.kind == "signed_in":
        response = RedirectResponse(safe_next(next_path), status_code=303)
        set_session_cookie(response, attempt.token, secure=secure)
        csrf.clear_sign_in_cookie(response, secure=secure)
        return response
    target = STEP_PATHS[attempt.kind] + _next_query(next_path)
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
    response.set_cookie(
        CHALLENGE_COOKIE,
        attempt.token,
        max_age=settings_of(request).sign_in_step_minutes * 60,
        path="/sign-in",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    return response


@router.get("/sign-in/two-factor")
def two_factor_page(request: Request, next: str = "") -> Response:
    found = _challenge(request, signin.VERIFY)
    if found is None:
        return _expired(request, next)
    return _code_form(request, found[2], next)


@router.post("/sign-in/two-factor")
def two_factor(
    request: Request, code: FormText = "", csrf_token: FormText = "", next: FormText = ""
) -> Response:
    return _give_code(request, signin.VERIFY, code, csrf_token, next)


@router.get("/sign-in/set-up-two-factor")
def set_up_page(request: Request, next: str = "") -> Response:
    found = _challenge(request, signin.ENROL)
    if found is None:
        return _expired(request, next)
    user_id, username, token = found
    enrolment = signin.begin_enrolment(
        engine=request.app.state.engine,
        settings=settings_of(request),
        user_id=user_id,
        username=username,
        now=now(request),
    )
    return _set_up_form(
        request, token, next, enrolment_svg=enrolment.qr_svg, secret=enrolment.grouped
    )


@router.post("/sign-in/set-up-two-factor")
def set_up(
    request: Request, code: FormText = "", csrf_token: FormText = "", next: FormText = ""
) -> Response:
    return _give_code(request, signin.ENROL, code, csrf_token, next)


def _give_code(request: Request, purpose: str, code: str, token: str, next_path: str) -> Response:
    found = _challenge(request, purpose)
    if found is None:
        return _expired(request, next_path)
    csrf.check(token, found[2])
    code = code.strip()
    if not code:
        missing = {"code": "Enter the code from your authenticator app"}
        return _step_form(request, purpose, token, next_path, missing)
    attempt = signin.give_code(
        engine=request.app.state.engine,
        settings=settings_of(request),
        token=request.cookies.get(CHALLENGE_COOKIE, ""),
        purpose=purpose,
        code=code[:64],
        client=client_address(request),
        previous_token=request.cookies.get(SESSION_COOKIE),
        now=now(request),
    )
    if attempt.kind == "wrong":
        return _step_form(request, purpose, token, next_path, {"code": WRONG_CODE})
    if attempt.kind == "locked":
        return _locked(request, next_path, "", None)
    if attempt.kind == "expired":
        return _expired(request, next_path)
    return _signed_in(request, attempt, next_path)


def _signed_in(request: Request, attempt: signin.Attempt, next_path: str) -> Response:
    """The session starts; a first set-up also shows its recovery codes, once."""
    secure = settings_of(request).cookie_secure
    assert attempt.token is not None  # noqa: S101 - a signed-in attempt carries its token
    if attempt.recovery_codes:
        response: Response = render(
            request,
            "auth/recovery_codes.html",
            title="Save your recovery codes",
            codes=attempt.recovery_codes,
            next_path=safe_next(next_path),
            first_time=True,
        )
    else:
        response = RedirectResponse(safe_next(next_path), status_code=303)
    set_session_cookie(response, attempt.token, secure=secure)
    response.delete_cookie(CHALLENGE_COOKIE, path="/sign-in", httponly=True, samesite="lax",
                           secure=secure)  # fmt: skip
    csrf.clear_sign_in_cookie(response, secure=secure)
    return response


def _step_form(
    request: Request, purpose: str, token: str, next_path: str, errors: dict[str, str]
) -> Response:
    if purpose == signin.VERIFY:
        return _code_form(request, token, next_path, errors)
    found = _challenge(request, purpose)
    if found is None:
        return _expired(request, next_path)
    enrolment = signin.pending_enrolment(
        engine=request.app.state.engine,
        settings=settings_of(request),
        user_id=found[0],
        username=found[1],
        now=now(request),
    )
    return _set_up_form(
        request, token, next_path, enrolment.qr_svg, enrolment.grouped, errors=errors
    )


def _code_form(
    request: Request, token: str, next_path: str, errors: dict[str, str] | None = None
) -> Response:
    return render(
        request,
        "auth/two_factor.html",
        title="Enter the code from your authenticator app",
        errors=errors or {},
        csrf_token=token,
        next_path=safe_next(next_path),
        status_code=200,
    )


def _set_up_form(
    request: Request,
    token: str,
    next_path: str,
    enrolment_svg: str,
    secret: str,
    errors: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "auth/set_up_two_factor.html",
        title="Set up two-factor sign-in",
        errors=errors or {},
        csrf_token=token,
        next_path=safe_next(next_path),
        qr_svg=enrolment_svg,
        secret=secret,
    )


def _challenge(request: Request, purpose: str) -> tuple[int, str, str] | None:
    return signin.challenge_user(
        engine=request.app.state.engine,
        settings=settings_of(request),
        token=request.cookies.get(CHALLENGE_COOKIE),
        purpose=purpose,
        now=now(request),
    )


def _expired(request: Request, next_path: str) -> Response:
    query = _next_query(next_path)
    target = "/sign-in" + (query + "&" if query else "?") + "expired=1"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(CHALLENGE_COOKIE, path="/sign-in", httponly=True, samesite="lax",
                           secure=settings_of(request).cookie_secure)  # fmt: skip
    return response


def _locked(request: Request, next_path: str, username: str, token: str | None) -> Response:
    minutes = settings_of(request).sign_in_window_minutes
    errors = {"username": LOCKED.format(minutes=minutes)}
    response = _form(
        request, next_path=next_path, username=username, errors=errors, token=token, status=429
    )
    response.delete_cookie(CHALLENGE_COOKIE, path="/sign-in", httponly=True, samesite="lax",
                           secure=settings_of(request).cookie_secure)  # fmt: skip
    return response


def _next_query(next_path: str) -> str:
    target = safe_next(next_path)
    return "" if target == "/" else "?" + urlencode({"next": target})


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: uvicorn --proxy-headers)."""
    return request.client.host if request.client else "unknown"


@router.get("/sign-in/sso")
def sso_start(request: Request, next: str = "") -> Response:
    """Single sign-on: off to the council's provider, with a state cookie to come back with."""
    settings = settings_of(request)
    if not settings.oidc_enabled:
        raise NotFound("single sign-on is not set up")
    client = signin.sso_client(settings, str(request.url_for("sso_callback")))
    try:
        started = signin.sso_start(
            engine=request.app.state.engine, client=client, next_path=safe_next(next),
            now=now(request),
        )  # fmt: skip
    except SsoRefused as refused:
        return _sso_refused(request, refused.reason)
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(
        SSO_COOKIE,
        started.state,
        max_age=REQUEST_LIFETIME_SECONDS,
        path=SSO_PATH,
        httponly=True,
        samesite="lax",  # sent when the provider sends the browser back (a cross-site GET)
        secure=settings.cookie_secure,
    )
    return response


@router.get("/sign-in/sso/callback", name="sso_callback")
def sso_callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    settings = settings_of(request)
    if not settings.oidc_enabled:
        raise NotFound("single sign-on is not set up")
    result = signin.sso_finish(
        engine=request.app.state.engine,
        settings=settings,
        client=signin.sso_client(settings, str(request.url_for("sso_callback"))),
        state=state[:200],
        expected_state=request.cookies.get(SSO_COOKIE),
        code=code[:2000],
        provider_error=error[:200],
        previous_token=request.cookies.get(SESSION_COOKIE),
        now=now(request),
    )
    if result.reason is not None:
        response = _sso_refused(request, result.reason)
    else:
        response = _continue(request, result.attempt, result.next_path)
    response.delete_cookie(SSO_COOKIE, path=SSO_PATH, httponly=True, samesite="lax",
                           secure=settings.cookie_secure)  # fmt: skip
    return response


_NOT_LINKED = {
    "no matching account",
    "unknown subject and no verified e-mail",
    "e-mail outside the council's domain",
    "account not active",
    "e-mail matches more than one account",
}


def _sso_refused(request: Request, reason: str) -> Response:
    """A clear page: not linked (ask for an account), or the sign-in failed (try again)."""
    return render(
        request,
        "auth/sso_refused.html",
        title="You could not be signed in with your council account",
        not_linked=reason in _NOT_LINKED,
        status_code=403,
    )


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
    status: int = 200,
) -> Response:
    """The sign-in form; a fresh double-submit token unless re-showing the form after a post."""
    token = token or csrf.new_sign_in_token()
    settings = settings_of(request)
    response = render(
        request,
        "auth/sign_in.html",
        title="Sign in",
        errors=errors or {},
        username=username,
        next_path=safe_next(next_path),
        csrf_token=token,
        notice=notice,
        demo_accounts=DEMO_ACCOUNTS if settings.demo_accounts else (),
        demo_password=DEMO_PASSWORD,
        sso=settings.oidc_enabled,
        status_code=status,
    )
    csrf.set_sign_in_cookie(response, token, secure=settings.cookie_secure)
    return response
