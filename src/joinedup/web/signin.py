"""Signing in and out: checking the password, rotating the session, and auditing each attempt.

A failed attempt is audited under the account's name only when that account exists; a name
that matches no account is recorded as `unknown account`, so that a password typed into the
username box never reaches the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access import audit
from joinedup.access.accounts import (
    actor_for,
    authenticate,
    end_all_sessions,
    end_session,
    resume_session,
    start_session,
)
from joinedup.access.models import User, WebSession
from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.db.session import unit_of_work

SIGN_IN = "account:sign_in"
SIGN_OUT = "account:sign_out"
SIGN_OUT_EVERYWHERE = "account:sign_out_everywhere"
SESSION_ACTIONS = (SIGN_IN, SIGN_OUT, SIGN_OUT_EVERYWHERE)
UNKNOWN_ACCOUNT = "unknown account"
UNKNOWN_ROLE = "unknown"
_NOBODY = Actor(role=Role.SYSTEM, label=UNKNOWN_ACCOUNT)  # its role is replaced by UNKNOWN_ROLE
MAX_PASSWORD_LENGTH = 1024


@dataclass(frozen=True)
class Attempt:
    """A sign-in's result: the new session's cookie token, or None for a wrong name or password."""

    token: str | None


def sign_in(
    *,
    engine: Engine,
    settings: Settings,
    username: str,
    password: str,
    previous_token: str | None,
    now: datetime,
) -> Attempt:
    user = _check_password(engine, username, password)
    with unit_of_work(engine) as session:
        if previous_token:
            _end_previous(session, settings, previous_token, now)
        if user is None:
            _audit(session, _failed_actor(session, username), SIGN_IN, "refused", [], now)
            return Attempt(token=None)
        signed_in = start_session(session=session, user=user, now=now)
        _audit(session, actor_for(user), SIGN_IN, "permitted", [signed_in.web_session.id], now)
        return Attempt(token=signed_in.token)


def sign_out(*, engine: Engine, actor: Actor, session_id: int, now: datetime) -> None:
    with unit_of_work(engine) as session:
        web_session = session.get(WebSession, session_id)
        if web_session is not None:
            end_session(session=session, web_session=web_session, now=now)
        _audit(session, actor, SIGN_OUT, "permitted", [session_id], now)


def sign_out_everywhere(*, engine: Engine, actor: Actor, now: datetime) -> None:
    assert actor.user_id is not None  # noqa: S101 - a signed-in person always has an account
    with unit_of_work(engine) as session:
        end_all_sessions(session=session, user_id=actor.user_id, now=now)
        _audit(session, actor, SIGN_OUT_EVERYWHERE, "permitted", [actor.user_id], now)


def _check_password(engine: Engine, username: str, password: str) -> User | None:
    """The account, if the password is right; an over-long one is still checked (same timing)
    but never accepted."""
    with unit_of_work(engine, write=False) as session:
        user = authenticate(
            session=session, username=username, password=password[:MAX_PASSWORD_LENGTH]
        )
    return user if len(password) <= MAX_PASSWORD_LENGTH else None


def _end_previous(session: Session, settings: Settings, token: str, now: datetime) -> None:
    """Rotation: whatever session the browser held before signing in is ended."""
    found = resume_session(
        session=session,
        token=token,
        now=now,
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
    if found is not None:
        end_session(session=session, web_session=found[1], now=now)


def _failed_actor(session: Session, username: str) -> Actor | None:
    user = session.scalar(select(User).where(User.username == username))
    return actor_for(user) if user is not None else None


def _audit(
    session: Session,
    actor: Actor | None,
    action: str,
    outcome: str,
    ids: list[int],
    now: datetime,
) -> None:
    reason = "wrong username or password" if outcome == "refused" else None
    row = audit.entry_row(
        actor=actor or _NOBODY,
        action=action,
        outcome=outcome,
        resource_type="web_session",
        resource_ids=ids,
        reason=reason,
        detail=None,
        now=now,
    )
    if actor is None:
        row["actor_role"] = UNKNOWN_ROLE
    audit.append(session, row)
