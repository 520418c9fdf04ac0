"""Who is asking: the signed-in person behind the session cookie, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response

from joinedup.access.accounts import actor_for, resume_session
from joinedup.access.roles import ROLE_TITLES, Actor, Role
from joinedup.config import Settings
from joinedup.db.session import unit_of_work

SESSION_COOKIE = "joinedup_session"


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as pages need them (no ORM objects outlive the unit of work)."""

    actor: Actor
    display_name: str
    session_id: int
    csrf_token: str

    @property
    def role(self) -> Role:
        return self.actor.role

    @property
    def role_title(self) -> str:
        return ROLE_TITLES[self.actor.role]


class SignInRequired(Exception):
    """No live session: the page handler answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str, *, ended: bool) -> None:
        super().__init__("sign-in required")
        self.next_path = next_path
        self.ended = ended


def now(request: Request) -> datetime:
    moment: datetime = request.app.state.clock.now()
    return moment


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def resolve_viewer(request: Request) -> Viewer | None:
    """The live session behind the cookie, touched; None if there is none or it has expired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    settings = settings_of(request)
    with unit_of_work(request.app.state.engine) as session:
        found = resume_session(
            session=session,
            token=token,
            now=now(request),
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
        )
        if found is None:
            return None
        user, web_session = found
        return Viewer(
            actor=actor_for(user),
            display_name=user.display_name,
            session_id=web_session.id,
            csrf_token=web_session.csrf_token,
        )


def signed_in(request: Request) -> Viewer:
    """Dependency for every page behind sign-in."""
    viewer = resolve_viewer(request)
    if viewer is None:
        ended = SESSION_COOKIE in request.cookies
        # Only a page can be gone back to: a form sent after the session ended cannot be.
        back_to = requested_path(request) if request.method in ("GET", "HEAD") else "/"
        raise SignInRequired(back_to, ended=ended)
    request.state.viewer = viewer
    return viewer


CurrentViewer = Annotated[Viewer, Depends(signed_in)]


def requested_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def safe_next(candidate: str | None) -> str:
    """A path on this site to go to after signing in; anything else (an open redirect) is `/`."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return "/"
    if "\\" in candidate or any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        return "/"
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return "/"
    return candidate


def sign_in_url(next_path: str, *, ended: bool = False) -> str:
    target = safe_next(next_path)
    query = [] if target == "/" else [f"next={quote(target, safe='/')}"]
    if ended:
        query.append("ended=1")
    return "/sign-in" + (f"?{'&'.join(query)}" if query else "")


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    """No Max-Age: the server ends the session on idle and absolute timeouts."""
    response.set_cookie(
        SESSION_COOKIE, token, path="/", httponly=True, samesite="lax", secure=secure
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
