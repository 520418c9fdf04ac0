"""Cross-site request forgery: every state-changing form carries a token the server checks.

Signed in, the token is the web session's own `csrf_token`. Before signing in there is no
session, so the sign-in form uses a double-submit token: the same random value in a short-lived
cookie (readable only by the server, scoped to `/sign-in`) and in a hidden field.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Response

FIELD = "csrf_token"
SIGN_IN_COOKIE = "joinedup_sign_in"
SIGN_IN_COOKIE_PATH = "/sign-in"
SIGN_IN_COOKIE_SECONDS = 30 * 60


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
