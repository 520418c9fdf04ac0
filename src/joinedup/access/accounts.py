"""Accounts: passwords (argon2id), server-side web sessions and partner-system API tokens.

Tokens and session cookies are random; only their SHA-256 is stored, so a copy of the
database does not let anyone sign in.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from joinedup.access.auth_models import MfaCredential, RecoveryCode, SignInChallenge
from joinedup.access.models import ApiToken, User, WebSession
from joinedup.access.policy import Action
from joinedup.access.roles import Actor, Role
from joinedup.access.service import authorise, record
from joinedup.core.errors import Conflict
from joinedup.core.ids import new_token, sha256_hex

_hasher = PasswordHasher()
# Verified against when the account does not exist, so that timing does not reveal which do.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# The first step of a sign-in, as its audit entry names it.
PASSWORD, SINGLE_SIGN_ON = "password", "single sign-on"
_SSO_PREFIX = "sso:"  # a challenge's purpose after single sign-on: `sso:verify`, `sso:enrol`


@dataclass(frozen=True)
class SignedIn:
    user: User
    web_session: WebSession
    token: str


def actor_for(user: User) -> Actor:
    return Actor(
        role=Role(user.role),
        label=user.username,
        user_id=user.id,
        organisation_id=user.organisation_id,
    )


def create_user(
    *,
    session: Session,
    actor: Actor,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    now: datetime,
    organisation_id: int | None = None,
) -> User:
    authorise(session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="user")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"an account named '{username}' already exists")
    user = User(
        username=username,
        display_name=display_name,
        role=role.value,
        organisation_id=organisation_id,
        password_hash=_hasher.hash(password),
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=Action.ACCOUNTS_MANAGE,
        resource_type="user",
        resource_ids=[user.id],
        detail={"change": "created", "role": role.value},
        now=now,
    )
    return user


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def burn_password_check(password: str) -> None:
    """Spend the time a password check takes, without checking one (a locked account)."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_DUMMY_HASH, password)


def start_challenge(
    *, session: Session, user: User, purpose: str, now: datetime, first_step: str = PASSWORD
) -> str:
    """The step between the password (or single sign-on) and the code: a random cookie token,
    only its hash kept. The first step is kept with the purpose (`sso:verify`), so that the
    sign-in's audit entry names the step actually taken (`first_step_of`)."""
    token = new_token()
    session.add(
        SignInChallenge(
            token_hash=sha256_hex(token.encode()),
            user_id=user.id,
            purpose=_SSO_PREFIX + purpose if first_step == SINGLE_SIGN_ON else purpose,
            csrf_token=new_token(24),
            created_at=now,
        )
    )
    session.flush()
    return token


def first_step_of(challenge: SignInChallenge) -> str:
    """How the person got to the code step: `password` or `single sign-on`."""
    return SINGLE_SIGN_ON if challenge.purpose.startswith(_SSO_PREFIX) else PASSWORD


def live_challenge(
    *, session: Session, token: str, purpose: str, now: datetime, lifetime: timedelta
) -> tuple[SignInChallenge, User] | None:
    found = session.execute(
        select(SignInChallenge, User)
        .join(User, User.id == SignInChallenge.user_id)
        .where(
            SignInChallenge.token_hash == sha256_hex(token.encode()),
            SignInChallenge.purpose.in_((purpose, _SSO_PREFIX + purpose)),
            SignInChallenge.ended_at.is_(None),
            User.active.is_(True),
        )
    ).first()
    if found is None or not now - lifetime <= found[0].created_at <= now:
        return None
    return found[0], found[1]


def end_challenge(*, session: Session, token: str, now: datetime) -> None:
    session.execute(
        update(SignInChallenge)
        .where(
            SignInChallenge.token_hash == sha256_hex(token.encode()),
            SignInChallenge.ended_at.is_(None),
        )
        .values(ended_at=now)
    )


def start_session(*, session: Session, user: User, now: datetime) -> SignedIn:
    token = new_token()
    web_session = WebSession(
        token_hash=sha256_hex(token.encode()),
        user_id=user.id,
        csrf_token=new_token(24),
        created_at=now,
        last_seen_at=now,
    )
    session.add(web_session)
    session.flush()
    return SignedIn(user=user, web_session=web_session, token=token)


def resume_session(
    *, session: Session, token: str, now: datetime, idle: timedelta, absolute: timedelta
) -> tuple[User, WebSession] | None:
    """The user behind a session cookie, if the session is live; touches its last-seen time."""
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == sha256_hex(token.encode()), WebSession.ended_at.is_(None))
    ).first()
    if found is None:
        return None
    web_session, user = found
    expired = now - web_session.last_seen_at > idle or now - web_session.created_at > absolute
    if expired or not user.active:
        web_session.ended_at = now
        return None
    web_session.last_seen_at = now
    return user, web_session


def end_session(*, session: Session, web_session: WebSession, now: datetime) -> None:
    web_session.ended_at = now


def end_all_sessions(*, session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def reset_two_factor(*, session: Session, actor: Actor, user: User, now: datetime) -> None:
    """An administrator's reset for a lost authenticator: the secret and recovery codes go, the
    account's sessions end, and the person sets up a new app at their next sign-in."""
    authorise(session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="user")
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.execute(delete(MfaCredential).where(MfaCredential.user_id == user.id))
    end_all_sessions(session=session, user_id=user.id, now=now)
    record(
        session=session,
        actor=actor,
        action=Action.ACCOUNTS_MANAGE,
        resource_type="user",
        resource_ids=[user.id],
        detail={"change": "two-factor reset"},
        now=now,
    )


def issue_api_token(
    *, session: Session, actor: Actor, user: User, label: str, now: datetime
) -> str:
    authorise(
        session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="api_token"
    )
    token = "ju_" + new_token()
    row = ApiToken(
        token_hash=sha256_hex(token.encode()), user_id=user.id, label=label, created_at=now
    )
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=Action.ACCOUNTS_MANAGE,
        resource_type="api_token",
        resource_ids=[row.id],
        detail={"user_id": user.id},
        now=now,
    )
    return token


def actor_for_token(*, session: Session, token: str) -> Actor | None:
    user = session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == sha256_hex(token.encode()),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )
    return actor_for(user) if user else None


def revoke_api_tokens(
    *, session: Session, actor: Actor, user: User, label: str, now: datetime
) -> int:
    """Revoke the user's live tokens with this label; returns how many were revoked."""
    authorise(
        session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="api_token"
    )
    ids = list(
        session.scalars(
            select(ApiToken.id).where(
                ApiToken.user_id == user.id, ApiToken.label == label, ApiToken.revoked_at.is_(None)
            )
        )
    )
    if ids:
        session.execute(update(ApiToken).where(ApiToken.id.in_(ids)).values(revoked_at=now))
        record(
            session=session,
            actor=actor,
            action=Action.ACCOUNTS_MANAGE,
            resource_type="api_token",
            resource_ids=ids,
            detail={"change": "revoked"},
            now=now,
        )
    return len(ids)


def get_user(*, session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))
