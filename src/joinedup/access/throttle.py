"""Sign-in throttling: at most N failed attempts per account name, and M per client address, in
a rolling window; the database keeps the count, so every process sees the same one.

An attempt is written `pending` and committed *before* the password or code is checked, then
counted with every other attempt in the window that has not succeeded. A burst of parallel
guesses therefore sees itself: the k-th committed attempt counts at least k, so no more than N
are ever checked. Attempts refused because of the lock are settled `locked` and do not count,
so the lock lifts once the window has moved past the failures that caused it. Names that match
no account are counted the same way (by name), so a lock does not reveal whether one exists.

Account names and client addresses are kept only as keyed hashes (HMAC-SHA256).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from joinedup.access.auth_models import SignInAttempt

PENDING, FAILED, SUCCEEDED, LOCKED = "pending", "failed", "succeeded", "locked"
_KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    account_failures: int
    address_failures: int
    window: timedelta


@dataclass(frozen=True)
class Reservation:
    """An attempt on the books: `allowed` says whether it may be checked at all."""

    attempt_id: int
    allowed: bool
    account_failures: int
    address_failures: int


def account_key(key: bytes, username: str) -> str:
    return _keyed(key, "account", username.strip().casefold())


def client_key(key: bytes, address: str) -> str:
    return _keyed(key, "client", address)


def _keyed(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def reserve(*, session: Session, account: str, client: str, now: datetime) -> int:
    """Write the attempt (its own transaction, committed before counting); returns its id."""
    attempt = SignInAttempt(occurred_at=now, account_key=account, client_key=client, state=PENDING)
    session.add(attempt)
    session.flush()
    return attempt.id


def count(*, session: Session, attempt_id: int, limits: Limits, now: datetime) -> Reservation:
    """Count the window's unsettled and failed attempts, this one included."""
    attempt = session.get(SignInAttempt, attempt_id)
    assert attempt is not None  # noqa: S101 - reserved and committed just before
    since = now - limits.window
    by_account = _count(session, SignInAttempt.account_key == attempt.account_key, since)
    by_client = _count(session, SignInAttempt.client_key == attempt.client_key, since)
    allowed = by_account <= limits.account_failures and by_client <= limits.address_failures
    return Reservation(attempt.id, allowed, by_account, by_client)


def _count(session: Session, which: ColumnElement[bool], since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(
                which,
                SignInAttempt.state.in_((PENDING, FAILED)),
                SignInAttempt.occurred_at > since,
            )
        )
        or 0
    )


def settle(*, session: Session, attempt_id: int, state: str, now: datetime) -> None:
    session.execute(update(SignInAttempt).where(SignInAttempt.id == attempt_id).values(state=state))
    # Old attempts are of no further use: cleared as new ones are settled.
    session.execute(
        delete(SignInAttempt).where(
            SignInAttempt.occurred_at < now - _KEEP,
            or_(SignInAttempt.state != PENDING, SignInAttempt.occurred_at < now - 2 * _KEEP),
        )
    )
