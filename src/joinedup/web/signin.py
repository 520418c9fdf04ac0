"""Signing in and out: the password, the second step, throttling, rotation and the audit trail.

A sign-in is two steps for every account but a demonstration one (demo mode only): the password
(or the council's single sign-on), then a code from an authenticator app, set up on the first
sign-in. Between them the browser holds a short-lived challenge, never a session; the session is
made only when both steps are done, with a new token, and any session the browser presented is
ended (no fixation). Every attempt at a password or a code goes through `access.throttle`.

A failed attempt is audited under the account's name only when that account exists; a name
that matches no account is recorded as `unknown account`, so that a password typed into the
username box never reaches the audit log. Reasons are fixed phrases, never free text.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access import audit, mfa, oidc, throttle
from joinedup.access.accounts import (
    PASSWORD,
    SINGLE_SIGN_ON,
    actor_for,
    authenticate,
    burn_password_check,
    end_all_sessions,
    end_challenge,
    end_session,
    first_step_of,
    live_challenge,
    resume_session,
    start_challenge,
    start_session,
)
from joinedup.access.demo_accounts import DEMO_ACCOUNTS
from joinedup.access.models import User, WebSession
from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.db.session import unit_of_work

SIGN_IN = "account:sign_in"
SIGN_IN_LOCKED = "account:sign_in_locked"
SIGN_OUT = "account:sign_out"
SIGN_OUT_EVERYWHERE = "account:sign_out_everywhere"
TWO_FACTOR_SET_UP = "account:two_factor_set_up"
RECOVERY_CODES_RENEWED = "account:recovery_codes_renewed"
SESSION_ACTIONS = (SIGN_IN, SIGN_OUT, SIGN_OUT_EVERYWHERE)
UNKNOWN_ACCOUNT = "unknown account"
UNKNOWN_ROLE = "unknown"
_NOBODY = Actor(role=Role.SYSTEM, label=UNKNOWN_ACCOUNT)  # its role is replaced by UNKNOWN_ROLE
MAX_PASSWORD_LENGTH = 1024
DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS if a.signs_in)
VERIFY, ENROL = "verify", "enrol"

Kind = Literal["signed_in", "verify", "enrol", "wrong", "locked", "expired"]


@dataclass(frozen=True)
class Attempt:
    """A step's result: `kind`, and the token for the browser's next cookie (a session's for
    `signed_in`, a challenge's for `verify` and `enrol`); recovery codes to show once."""

    kind: Kind
    token: str | None = None
    recovery_codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Keys:
    mfa: bytes
    throttle: bytes


def keys(settings: Settings) -> Keys:
    secret = settings.mfa_key.get_secret_value() if settings.mfa_key else None
    key = mfa.key_bytes(secret)
    return Keys(mfa=key, throttle=hmac.new(key, b"sign-in throttle", hashlib.sha256).digest())


def demo_mode(settings: Settings) -> bool:
    return settings.demo_accounts or settings.environment == "demo"


def is_demo_exempt(settings: Settings, username: str) -> bool:
    """Demonstration accounts (published password) skip the second step, in demo mode only."""
    return demo_mode(settings) and username in DEMO_USERNAMES


def _limits(settings: Settings) -> throttle.Limits:
    return throttle.Limits(
        account_failures=settings.sign_in_max_failures,
        address_failures=settings.sign_in_address_max_failures,
        window=timedelta(minutes=settings.sign_in_window_minutes),
    )


def sign_in(
    *,
    engine: Engine,
    settings: Settings,
    username: str,
    password: str,
    client: str,
    previous_token: str | None,
    now: datetime,
) -> Attempt:
    reservation = _reserve(engine, settings, username, client, now)
    if not reservation.allowed:
        burn_password_check(password[:MAX_PASSWORD_LENGTH])  # the same time as a real check
        _refuse_locked(engine, settings, username, reservation, previous_token, now)
        return Attempt("locked")
    user = _check_password(engine, username, password)
    if user is not None and user.username in DEMO_USERNAMES and not demo_mode(settings):
        user = None  # a demonstration account's password is published: never outside demo mode
    with unit_of_work(engine) as session:
        _end_previous(session, settings, previous_token, now)
        if user is None:
            throttle.settle(
                session=session, attempt_id=reservation.attempt_id, state=throttle.FAILED, now=now
            )
            actor = _failed_actor(session, username)
            _audit(session, actor, SIGN_IN, "refused", [], now, "wrong username or password")
            return Attempt("wrong")
        throttle.settle(
            session=session, attempt_id=reservation.attempt_id, state=throttle.SUCCEEDED, now=now
        )
        if is_demo_exempt(settings, user.username):
            return _finish(session, user, now, {"method": PASSWORD, "second_factor": "demo"})
        return _challenge(session, settings, user, now, PASSWORD)


def sso_client(settings: Settings, redirect_uri: str) -> oidc.Client:
    assert settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret  # noqa: S101
    return oidc.Client(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        redirect_uri=settings.oidc_redirect_uri or redirect_uri,
        email_domain=settings.oidc_email_domain,
    )


def sso_start(
    *, engine: Engine, client: oidc.Client, next_path: str, now: datetime
) -> oidc.Started:
    """Raises oidc.SsoRefused when the provider cannot be reached."""
    with unit_of_work(engine) as session:
        return oidc.start(session=session, client=client, next_path=next_path, now=now)


@dataclass(frozen=True)
class SsoResult:
    attempt: Attempt
    next_path: str
    reason: str | None = None


def sso_finish(
    *,
    engine: Engine,
    settings: Settings,
    client: oidc.Client,
    state: str,
    expected_state: str | None,
    code: str,
    provider_error: str,
    previous_token: str | None,
    now: datetime,
) -> SsoResult:
    """The browser is back from the provider: check the state, the code and the ID token, match
    the account, then the code step unless the provider is trusted for MFA."""
    next_path = "/"
    try:
        if not state or not expected_state or not hmac.compare_digest(state, expected_state):
            raise oidc.SsoRefused("state does not match")
        with unit_of_work(engine) as session:
            request = oidc.take_request(session=session, state=state, now=now)
            next_path = request.next_path
        if provider_error or not code:
            raise oidc.SsoRefused("provider returned an error")
        identity = oidc.finish(client=client, request=request, code=code, now=now)
        with unit_of_work(engine) as session:
            _end_previous(session, settings, previous_token, now)
            user = oidc.match_account(
                session=session, identity=identity, email_domain=client.email_domain, now=now
            )
            if settings.oidc_trusted_for_mfa:
                detail = {"method": SINGLE_SIGN_ON, "second_factor": "identity provider"}
                return SsoResult(_finish(session, user, now, detail), next_path)
            return SsoResult(_challenge(session, settings, user, now, SINGLE_SIGN_ON), next_path)
    except oidc.SsoRefused as refused:
        with unit_of_work(engine) as session:
            _end_previous(session, settings, previous_token, now)
            row = _row(None, SIGN_IN, "refused", [], now)
            row["reason"] = f"single sign-on: {refused.reason}"
            row["detail"] = {"method": SINGLE_SIGN_ON}
            audit.append(session, row)
        return SsoResult(Attempt("wrong"), next_path, refused.reason)


def challenge_user(
    *, engine: Engine, settings: Settings, token: str | None, purpose: str, now: datetime
) -> tuple[int, str, str] | None:
    """The live challenge behind a cookie: (user id, username, its form token), or None."""
    found = _live(engine, settings, token, purpose, now)
    return found[:3] if found is not None else None


def _live(
    engine: Engine, settings: Settings, token: str | None, purpose: str, now: datetime
) -> tuple[int, str, str, str] | None:
    """(user id, username, form token, the first step: password or single sign-on), or None."""
    if not token:
        return None
    with unit_of_work(engine) as session:
        found = live_challenge(
            session=session, token=token, purpose=purpose, now=now, lifetime=_step(settings)
        )
        if found is None:
            return None
        challenge, user = found
        return user.id, user.username, challenge.csrf_token, first_step_of(challenge)


def begin_enrolment(
    *, engine: Engine, settings: Settings, user_id: int, username: str, now: datetime
) -> mfa.Enrolment:
    with unit_of_work(engine) as session:
        return mfa.begin_enrolment(
            session=session, user_id=user_id, username=username, key=keys(settings).mfa, now=now
        )


def pending_enrolment(
    *, engine: Engine, settings: Settings, user_id: int, username: str, now: datetime
) -> mfa.Enrolment:
    """The secret being set up, shown again after a wrong code (a new one if there is none)."""
    with unit_of_work(engine) as session:
        key = keys(settings).mfa
        found = mfa.pending_enrolment(session=session, user_id=user_id, username=username, key=key)
        return found or mfa.begin_enrolment(
            session=session, user_id=user_id, username=username, key=key, now=now
        )


def give_code(
    *,
    engine: Engine,
    settings: Settings,
    token: str,
    purpose: str,
    code: str,
    client: str,
    previous_token: str | None,
    now: datetime,
) -> Attempt:
    """The second step: a code (or, to sign in, a recovery code); to set up, the first code."""
    found = _live(engine, settings, token, purpose, now)
    if found is None:
        return Attempt("expired")
    user_id, username, _, first_step = found
    reservation = _reserve(engine, settings, username, client, now)
    if not reservation.allowed:
        _refuse_locked(engine, settings, username, reservation, previous_token, now)
        with unit_of_work(engine) as session:
            end_challenge(session=session, token=token, now=now)
        return Attempt("locked")
    with unit_of_work(engine) as session:
        _end_previous(session, settings, previous_token, now)
        user = session.get(User, user_id)
        assert user is not None  # noqa: S101 - the challenge's account
        key = keys(settings).mfa
        codes: list[str] | None = []
        factor = "totp"
        if purpose == ENROL:
            codes = mfa.confirm_enrolment(
                session=session, user_id=user_id, code=code, key=key, now=now
            )
        elif mfa.looks_like_recovery_code(code):
            factor = "recovery code"
            if not mfa.use_recovery_code(session=session, user_id=user_id, code=code, now=now):
                codes = None
        elif not mfa.verify_code(session=session, user_id=user_id, code=code, key=key, now=now):
            codes = None
        state = throttle.FAILED if codes is None else throttle.SUCCEEDED
        throttle.settle(session=session, attempt_id=reservation.attempt_id, state=state, now=now)
        if codes is None:
            _audit(session, actor_for(user), SIGN_IN, "refused", [], now, "wrong code")
            return Attempt("wrong")
        end_challenge(session=session, token=token, now=now)
        if purpose == ENROL:
            _audit(session, actor_for(user), TWO_FACTOR_SET_UP, "permitted", [user.id], now)
        detail = {"method": first_step, "second_factor": factor}
        signed_in = _finish(session, user, now, detail)
        return Attempt("signed_in", signed_in.token, codes)


def renew_recovery_codes(*, engine: Engine, actor: Actor, now: datetime) -> list[str]:
    assert actor.user_id is not None  # noqa: S101 - a signed-in person always has an account
    with unit_of_work(engine) as session:
        codes = mfa.new_recovery_codes(session=session, user_id=actor.user_id, now=now)
        _audit(session, actor, RECOVERY_CODES_RENEWED, "permitted", [actor.user_id], now)
        return codes


@dataclass(frozen=True)
class TwoFactorStatus:
    demo_exempt: bool
    enrolled: bool
    recovery_codes_left: int


def two_factor_status(*, engine: Engine, settings: Settings, actor: Actor) -> TwoFactorStatus:
    assert actor.user_id is not None  # noqa: S101 - a signed-in person always has an account
    with unit_of_work(engine, write=False) as session:
        return TwoFactorStatus(
            demo_exempt=is_demo_exempt(settings, actor.label),
            enrolled=mfa.is_enrolled(session, actor.user_id),
            recovery_codes_left=mfa.recovery_codes_left(session, actor.user_id),
        )


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


def _step(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.sign_in_step_minutes)


def _reserve(
    engine: Engine, settings: Settings, username: str, client: str, now: datetime
) -> throttle.Reservation:
    key = keys(settings).throttle
    with unit_of_work(engine) as session:
        attempt_id = throttle.reserve(
            session=session,
            account=throttle.account_key(key, username),
            client=throttle.client_key(key, client),
            now=now,
        )
    with unit_of_work(engine, write=False) as session:
        return throttle.count(
            session=session, attempt_id=attempt_id, limits=_limits(settings), now=now
        )


def _refuse_locked(
    engine: Engine,
    settings: Settings,
    username: str,
    reservation: throttle.Reservation,
    previous_token: str | None,
    now: datetime,
) -> None:
    with unit_of_work(engine) as session:
        _end_previous(session, settings, previous_token, now)
        throttle.settle(
            session=session, attempt_id=reservation.attempt_id, state=throttle.LOCKED, now=now
        )
        by = (
            "account" if reservation.account_failures > settings.sign_in_max_failures else "address"
        )
        row = _row(_failed_actor(session, username), SIGN_IN_LOCKED, "refused", [], now)
        row["reason"] = "too many failed attempts"
        row["detail"] = {
            "limit": by,
            "window_minutes": settings.sign_in_window_minutes,
            "account_attempts": reservation.account_failures,
            "address_attempts": reservation.address_failures,
        }
        audit.append(session, row)


def _challenge(
    session: Session, settings: Settings, user: User, now: datetime, first_step: str
) -> Attempt:
    purpose = VERIFY if mfa.is_enrolled(session, user.id) else ENROL
    token = start_challenge(
        session=session, user=user, purpose=purpose, now=now, first_step=first_step
    )
    return Attempt(purpose, token)  # type: ignore[arg-type]


def _finish(session: Session, user: User, now: datetime, detail: dict[str, str]) -> Attempt:
    signed_in = start_session(session=session, user=user, now=now)
    row = _row(actor_for(user), SIGN_IN, "permitted", [signed_in.web_session.id], now)
    row["detail"] = detail
    audit.append(session, row)
    return Attempt("signed_in", signed_in.token)


def _check_password(engine: Engine, username: str, password: str) -> User | None:
    """The account, if the password is right; an over-long one is still checked (same timing)
    but never accepted."""
    with unit_of_work(engine, write=False) as session:
        user = authenticate(
            session=session, username=username, password=password[:MAX_PASSWORD_LENGTH]
        )
    return user if len(password) <= MAX_PASSWORD_LENGTH else None


def _end_previous(session: Session, settings: Settings, token: str | None, now: datetime) -> None:
    """Rotation: whatever session the browser held before signing in is ended."""
    if not token:
        return
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


def _row(
    actor: Actor | None, action: str, outcome: str, ids: list[int], now: datetime
) -> dict[str, object]:
    row = audit.entry_row(
        actor=actor or _NOBODY,
        action=action,
        outcome=outcome,
        resource_type="web_session",
        resource_ids=ids,
        reason=None,
        detail=None,
        now=now,
    )
    if actor is None:
        row["actor_role"] = UNKNOWN_ROLE
    return row


def _audit(
    session: Session,
    actor: Actor | None,
    action: str,
    outcome: str,
    ids: list[int],
    now: datetime,
    reason: str | None = None,
) -> None:
    row = _row(actor, action, outcome, ids, now)
    row["reason"] = reason
    audit.append(session, row)
