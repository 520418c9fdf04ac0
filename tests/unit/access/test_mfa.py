"""Two-factor secrets and codes on a real database: sealing, drift, replay, recovery codes."""

from __future__ import annotations

import base64
from datetime import timedelta

import pyotp
import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy.orm import Session

from joinedup.access import accounts, mfa, throttle
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import NotPermitted
from joinedup.testing import FrozenClock

KEY = mfa.key_bytes(None)


def _user(session: Session, clock: FrozenClock) -> int:
    user = accounts.create_user(
        session=session,
        actor=Actor.system("test"),
        username="a.user",
        display_name="A User (synthetic)",
        role=Role.SOCIAL_WORKER,
        password="a long synthetic password",
        now=clock.now(),
    )
    return user.id


def test_a_sealed_secret_opens_only_for_its_own_account_and_key() -> None:
    sealed = mfa.seal("JBSWY3DPEHPK3PXP", key=KEY, user_id=7)
    assert "JBSWY3DPEHPK3PXP" not in sealed and sealed.startswith("v1:")
    assert mfa.unseal(sealed, key=KEY, user_id=7) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(InvalidTag):
        mfa.unseal(sealed, key=KEY, user_id=8)  # copied onto another account
    other = base64.urlsafe_b64encode(b"x" * 32).decode()
    with pytest.raises(InvalidTag):
        mfa.unseal(sealed, key=mfa.key_bytes(other), user_id=7)
    with pytest.raises(mfa.MfaKeyError):
        mfa.key_bytes("too-short")


def test_codes_within_one_step_once_each_and_recovery_codes_once(
    session: Session, clock: FrozenClock
) -> None:
    user_id = _user(session, clock)
    enrolment = mfa.begin_enrolment(
        session=session, user_id=user_id, username="a.user", key=KEY, now=clock.now()
    )
    assert enrolment.uri.startswith("otpauth://totp/Joined%20Up:a.user?secret=")
    totp = pyotp.TOTP(enrolment.secret)
    assert not mfa.verify_code(
        session=session, user_id=user_id, code=totp.at(clock.now()), key=KEY, now=clock.now()
    )  # not live until confirmed
    codes = mfa.confirm_enrolment(
        session=session, user_id=user_id, code=totp.at(clock.now()), key=KEY, now=clock.now()
    )
    assert codes is not None and len(set(codes)) == 10
    later = clock.now() + timedelta(minutes=2)

    def check(moment_offset: int) -> bool:
        code = totp.at(later + timedelta(seconds=moment_offset))
        return mfa.verify_code(session=session, user_id=user_id, code=code, key=KEY, now=later)

    assert not check(-60) and check(-30) and not check(-30)  # replay of the same step
    assert not check(-30) and check(0) and check(30) and not check(60)
    assert not check(0)  # an earlier step than the last used is refused too
    assert mfa.recovery_codes_left(session, user_id) == 10
    assert mfa.use_recovery_code(session=session, user_id=user_id, code=codes[3], now=later)
    assert not mfa.use_recovery_code(session=session, user_id=user_id, code=codes[3], now=later)
    assert mfa.recovery_codes_left(session, user_id) == 9
    assert mfa.looks_like_recovery_code(codes[0].upper()) and not mfa.looks_like_recovery_code(
        "123456"
    )


def test_the_throttle_counts_pending_and_failed_attempts_in_the_window_only(
    session: Session, clock: FrozenClock
) -> None:
    limits = throttle.Limits(account_failures=2, address_failures=5, window=timedelta(minutes=15))
    key = b"k" * 32
    account, client = throttle.account_key(key, " A.User "), throttle.client_key(key, "10.0.0.1")
    assert account == throttle.account_key(key, "a.user") and "a.user" not in account

    def attempt(state: str) -> throttle.Reservation:
        attempt_id = throttle.reserve(
            session=session, account=account, client=client, now=clock.now()
        )
        counted = throttle.count(
            session=session, attempt_id=attempt_id, limits=limits, now=clock.now()
        )
        throttle.settle(session=session, attempt_id=attempt_id, state=state, now=clock.now())
        return counted

    assert attempt(throttle.SUCCEEDED).allowed  # a success never counts against anyone
    assert attempt(throttle.FAILED).account_failures == 1
    assert attempt(throttle.FAILED).allowed
    locked = attempt(throttle.LOCKED)
    assert not locked.allowed and locked.account_failures == 3
    clock.advance(timedelta(minutes=15, seconds=1))
    assert attempt(throttle.FAILED).account_failures == 1  # the window has moved on


def test_an_administrator_resets_a_lost_authenticator(session: Session, clock: FrozenClock) -> None:
    user_id = _user(session, clock)
    enrolment = mfa.begin_enrolment(
        session=session, user_id=user_id, username="a.user", key=KEY, now=clock.now()
    )
    code = pyotp.TOTP(enrolment.secret).at(clock.now())
    mfa.confirm_enrolment(session=session, user_id=user_id, code=code, key=KEY, now=clock.now())
    user = accounts.get_user(session=session, username="a.user")
    assert user is not None and mfa.is_enrolled(session, user_id)
    live = accounts.start_session(session=session, user=user, now=clock.now())
    with pytest.raises(NotPermitted):
        accounts.reset_two_factor(
            session=session,
            actor=Actor(role=Role.TEAM_MANAGER, label="tm", user_id=99),
            user=user,
            now=clock.now(),
        )
    accounts.reset_two_factor(
        session=session, actor=Actor.system("test"), user=user, now=clock.now()
    )
    assert (
        mfa.credential(session, user_id) is None and mfa.recovery_codes_left(session, user_id) == 0
    )
    session.refresh(live.web_session)
    assert live.web_session.ended_at == clock.now()
