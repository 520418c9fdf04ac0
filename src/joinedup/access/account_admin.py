"""Keeping accounts: create one with its role and e-mail, change the address, disable and enable,
reset a password, and list them. Every change needs accounts:manage and is audited with the
account's id and what changed (never the password or the address itself).

A new or reset password is random and shown once to the administrator, who passes it on; the
person sets up two-factor sign-in on their next sign-in (access.mfa). Disabling ends the
account's sessions and revokes its API tokens at once.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from joinedup.access.accounts import create_user, end_all_sessions, reset_two_factor
from joinedup.access.models import ApiToken, User
from joinedup.access.policy import Action
from joinedup.access.roles import Actor, Role
from joinedup.access.service import authorise, record, require
from joinedup.core.errors import FieldError, NotFound, ValidationFailed

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,118}[a-z0-9]$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    display_name: str
    role: str
    email: str | None
    active: bool
    organisation_id: int | None


def check_account(
    *, username: str, display_name: str, role: str, email: str | None
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not USERNAME.match(username):
        errors.append(FieldError("username", "3 to 120 lower-case letters, digits, . _ @ or -"))
    if not display_name.strip() or len(display_name) > 200:
        errors.append(FieldError("display_name", "enter a name of 200 characters or fewer"))
    if role not in {r.value for r in Role}:
        errors.append(FieldError("role", "one of " + ", ".join(r.value for r in Role)))
    if email is not None and not _email_ok(email):
        errors.append(FieldError("email", "an e-mail address, for example name@council.gov.uk"))
    return errors


def create_account(
    *,
    session: Session,
    actor: Actor,
    username: str,
    display_name: str,
    role: str,
    email: str | None,
    organisation_id: int | None,
    now: datetime,
) -> tuple[User, str]:
    """The new account and its first password (shown once; only its hash is kept)."""
    authorise(session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="user")
    errors = check_account(username=username, display_name=display_name, role=role, email=email)
    if errors:
        raise ValidationFailed("The account is not valid", errors)
    password = new_password()
    user = create_user(session=session, actor=actor, username=username,
                       display_name=display_name.strip(), role=Role(role), password=password,
                       now=now, organisation_id=organisation_id)  # fmt: skip
    user.email = email
    return user, password


def set_email(
    *, session: Session, actor: Actor, username: str, email: str | None, now: datetime
) -> None:
    if email is not None and not _email_ok(email):
        raise ValidationFailed("The address is not valid", [
            FieldError("email", "an e-mail address, for example name@council.gov.uk")])  # fmt: skip
    user = _account(session, actor, username)
    user.email = email
    _changed(session, actor, user, "email" if email else "email removed", now)


def set_active(
    *, session: Session, actor: Actor, username: str, active: bool, now: datetime
) -> None:
    """Enable or disable an account; disabling ends its sessions and revokes its API tokens."""
    user = _account(session, actor, username)
    user.active = active
    if not active:
        end_all_sessions(session=session, user_id=user.id, now=now)
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    _changed(session, actor, user, "enabled" if active else "disabled", now)


def reset_password(*, session: Session, actor: Actor, username: str, now: datetime) -> str:
    """A new random password (shown once); every session of the account ends."""
    user = _account(session, actor, username)
    password = new_password()
    user.password_hash = _hasher.hash(password)
    end_all_sessions(session=session, user_id=user.id, now=now)
    _changed(session, actor, user, "password reset", now)
    return password


def set_organisation(
    *, session: Session, actor: Actor, username: str, organisation_id: int | None, now: datetime
) -> None:
    """The partner organisation the account works for (its inbox gets the organisation's
    notifications; the partner look-up reads its code)."""
    user = _account(session, actor, username)
    user.organisation_id = organisation_id
    _changed(session, actor, user, "organisation", now)


def reset_second_factor(*, session: Session, actor: Actor, username: str, now: datetime) -> None:
    """A lost authenticator: the person sets up a new app at their next sign-in."""
    reset_two_factor(session=session, actor=actor, user=_account(session, actor, username), now=now)


def list_accounts(*, session: Session, actor: Actor, now: datetime) -> list[AccountRow]:
    authorise(session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="user")
    rows = [
        AccountRow(u.id, u.username, u.display_name, u.role, u.email, u.active, u.organisation_id)
        for u in session.scalars(select(User).order_by(User.username))
    ]
    require(session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="user",
            resource_ids=[r.id for r in rows], detail={"list": "accounts"}, now=now)  # fmt: skip
    return rows


def new_password() -> str:
    return secrets.token_urlsafe(18)


def _email_ok(email: str) -> bool:
    return len(email) <= 254 and EMAIL.match(email) is not None


def _account(session: Session, actor: Actor, username: str) -> User:
    authorise(session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="user")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"There is no account named {username!r}.")
    return user


def _changed(session: Session, actor: Actor, user: User, change: str, now: datetime) -> None:
    record(session=session, actor=actor, action=Action.ACCOUNTS_MANAGE, resource_type="user",
           resource_ids=[user.id], detail={"change": change}, now=now)  # fmt: skip
