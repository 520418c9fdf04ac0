"""Who looked at this child, what did this user look at, and the unusual-volume alert."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry, User
from joinedup.access.policy import Action
from joinedup.access.roles import Actor, Role
from joinedup.access.service import require
from joinedup.config import Settings
from joinedup.core.errors import NotPermitted
from joinedup.governance import reports
from joinedup.governance.models import AuditAlert
from joinedup.people.models import Person
from joinedup.sharing.models import Notification
from joinedup.testing import FrozenClock
from tests.unit.casework.support import WORKER
from tests.unit.governance.support import IG, Family, family

DAY = date(2026, 11, 20)
BUSY = Actor(role=Role.SOCIAL_WORKER, label="busy.one", user_id=31)
STEADY = Actor(role=Role.MASH_PRACTITIONER, label="steady.one", user_id=32)


@pytest.fixture
def known(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> Family:
    return family(session, feed_actor, clock, settings)


def _read(session: Session, actor: Actor, kind: str, ids: list[int], at: datetime) -> None:
    require(session=session, actor=actor, action=Action.PEOPLE_READ, resource_type=kind,
            resource_ids=ids, now=at)  # fmt: skip


def test_who_looked_finds_every_entry_about_the_child_and_is_itself_audited(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    at = clock.now()
    _read(session, WORKER, "person", [known.child], at)
    _read(session, WORKER, "contact", [known.neighbour_contact], at)
    _read(session, STEADY, "person", [known.sister], at)  # the sister, not the child
    rows = reports.who_looked(session=session, actor=IG, person_id=known.child, now=at)
    by_worker = [r for r in rows if r.actor_label == WORKER.label]
    assert [r.resource_type for r in by_worker] == ["person", "contact"]
    assert all(r.actor_label != STEADY.label for r in rows)
    assert any(r.action == "records:submit" or r.resource_type == "mention" for r in rows)
    read = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "audit:read").order_by(AuditEntry.id)
    ).all()
    assert read[-1].resource_ids == [known.child]
    assert read[-1].actor_label == IG.label
    with pytest.raises(NotPermitted):
        reports.who_looked(session=session, actor=WORKER, person_id=known.child, now=at)


def test_what_a_user_looked_at_counts_children_not_adults(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    at = datetime(2026, 11, 20, 10, tzinfo=UTC)
    _read(session, WORKER, "person", [known.child, known.mother], at)
    _read(session, WORKER, "person", [known.sister], at + timedelta(days=2))
    seen = reports.user_activity(session=session, actor=IG, account=WORKER.label,
                                 since=DAY, until=DAY, now=clock.now())  # fmt: skip
    assert seen.children == [known.child]
    assert len(seen.entries) == 1
    until = DAY + timedelta(days=2)
    wider = reports.user_activity(session=session, actor=IG, account=WORKER.label,
                                  since=DAY, until=until, now=clock.now())  # fmt: skip
    assert wider.children == sorted([known.child, known.sister])


def _children(session: Session, n: int) -> list[int]:
    made = [Person(kind="child", created_at=datetime(2026, 1, 1, tzinfo=UTC)) for _ in range(n)]
    session.add_all(made)
    session.flush()
    return [p.id for p in made]


def test_an_unusual_day_alerts_information_governance_once(
    session: Session, clock: FrozenClock
) -> None:
    reader = User(username="ig.reader", display_name="IG reader", role="information_governance",
                  password_hash="x", active=True, created_at=clock.now())  # fmt: skip
    session.add(reader)
    kids = _children(session, 130)
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    for day in range(1, 11):  # steady.one reads 40 a day for ten days: a norm of 40
        _read(session, STEADY, "person", kids[:40], noon - timedelta(days=day))
    _read(session, STEADY, "person", kids[:100], noon)  # 100, below 3 x 40
    for child in kids[:51]:  # busy.one, no history: 51 children, above 50
        _read(session, BUSY, "person", [child], noon)
    thresholds = reports.Thresholds(children=50, factor=3.0)
    raised = reports.raise_alerts(session=session, actor=Actor.system("test"), day=DAY,
                                  thresholds=thresholds, now=clock.now())  # fmt: skip
    assert [(a.actor_label, a.children, a.threshold, a.norm) for a in raised] == [
        ("busy.one", 51, 50, 0)
    ]
    again = reports.raise_alerts(session=session, actor=Actor.system("test"), day=DAY,
                                 thresholds=thresholds, now=clock.now())  # fmt: skip
    assert again == []
    assert len(session.scalars(select(AuditAlert)).all()) == 1
    (note,) = session.scalars(select(Notification).where(Notification.kind == "audit_alert"))
    assert note.recipient == f"user:{reader.id}"
    assert "busy.one viewed 51 children on 2026-11-20" in note.subject
    # A busier day for steady.one (above 3 x 40) does alert.
    _read(session, STEADY, "person", kids[:121], noon + timedelta(days=1))
    later = reports.raise_alerts(session=session, actor=Actor.system("test"),
                                 day=DAY + timedelta(days=1), thresholds=thresholds,
                                 now=clock.now())  # fmt: skip
    assert [(a.actor_label, a.children, a.threshold) for a in later] == [("steady.one", 121, 120)]


def test_days_are_the_uks_so_a_summer_night_after_midnight_is_the_next_day(
    session: Session, clock: FrozenClock
) -> None:
    kids = _children(session, 60)
    late = datetime(2026, 7, 19, 23, 30, tzinfo=UTC)  # 00:30 on 20 July in London (BST)
    for child in kids[:51]:
        _read(session, BUSY, "person", [child], late)
    thresholds = reports.Thresholds(children=50, factor=3.0)
    system = Actor.system("test")
    before = reports.raise_alerts(session=session, actor=system, day=date(2026, 7, 19),
                                  thresholds=thresholds, now=clock.now())  # fmt: skip
    after = reports.raise_alerts(session=session, actor=system, day=date(2026, 7, 20),
                                 thresholds=thresholds, now=clock.now())  # fmt: skip
    assert before == []
    assert [(a.actor_label, a.children) for a in after] == [("busy.one", 51)]
    seen = reports.user_activity(session=session, actor=IG, account=BUSY.label,
                                 since=date(2026, 7, 20), until=date(2026, 7, 20),
                                 now=clock.now())  # fmt: skip
    assert len(seen.children) == 51
    assert reports.user_activity(session=session, actor=IG, account=BUSY.label,
                                 since=date(2026, 7, 19), until=date(2026, 7, 19),
                                 now=clock.now()).children == []  # fmt: skip
