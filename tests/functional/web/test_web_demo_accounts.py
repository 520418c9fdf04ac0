"""Demo accounts: one per kind of user, made idempotently, and only in demo mode."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from joinedup.access.accounts import authenticate
from joinedup.access.demo_accounts import DEMO_PASSWORD, DemoModeOff, ensure_demo_accounts
from joinedup.access.models import AuditEntry, User
from joinedup.access.roles import Actor, Role
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock


def test_one_account_per_role_made_once_and_audited(
    clean_engine: Engine, clock: FrozenClock, system_actor: Actor
) -> None:
    for _ in range(2):
        with unit_of_work(clean_engine) as session:
            made = ensure_demo_accounts(
                session=session, actor=system_actor, now=clock.now(), demo=True
            )
    people = {
        Role.PARTNER_PRACTITIONER,
        Role.MASH_PRACTITIONER,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.REVIEWING_OFFICER,
        Role.SENIOR_LEADER,
        Role.PERFORMANCE_OFFICER,
        Role.INFORMATION_GOVERNANCE,
    }
    assert {a.role for a in made if a.signs_in} == people
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalar(select(func.count(User.id))) == len(made)
        created = session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "accounts:manage")
        )
        assert created == len(made)  # the second call made nothing
        assert authenticate(session=session, username="ig.officer", password=DEMO_PASSWORD)
        feed = session.scalar(select(User).where(User.username == "police.feed"))
        assert feed is not None and feed.role == Role.PARTNER_SYSTEM.value
        assert authenticate(session=session, username="police.feed", password=DEMO_PASSWORD) is None


def test_refused_unless_demo_mode_is_on(
    clean_engine: Engine, clock: FrozenClock, system_actor: Actor
) -> None:
    with pytest.raises(DemoModeOff), unit_of_work(clean_engine) as session:
        ensure_demo_accounts(session=session, actor=system_actor, now=clock.now(), demo=False)
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalar(select(func.count(User.id))) == 0
