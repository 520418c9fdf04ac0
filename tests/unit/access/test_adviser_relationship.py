"""The personal adviser holds a care leaver as the allocated worker holds a child (ADR 0012):
known answers on one young person whose case has closed, on the service layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access import break_glass
from joinedup.access.models import AuditEntry
from joinedup.access.relationships import Relationship, relationships_of
from joinedup.access.roles import Actor, Role
from joinedup.access.service import NoRelationship
from joinedup.casework import leaving_care
from joinedup.casework.chronicle import Authority
from joinedup.casework.leaving_care import LeavingCareView
from joinedup.casework.leaving_care_models import LeavingCare
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Filters
from joinedup.config import Settings
from joinedup.core.errors import NotFound
from joinedup.testing import FrozenClock
from tests.factories.relationships import WHEN, allocate, join_team, manage_team, restrict
from tests.unit.people.support import Store, child, nhs, rec

ADVISER = Actor(role=Role.SOCIAL_WORKER, label="pa.one", user_id=121)
STRANGER = Actor(role=Role.SOCIAL_WORKER, label="worker.other", user_id=122)
MANAGER = Actor(role=Role.TEAM_MANAGER, label="manager.leaving", user_id=123)
OTHER_MANAGER = Actor(role=Role.TEAM_MANAGER, label="manager.other", user_id=124)
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=125)
TEAM = "Leaving care team"
AUTHORITY = Authority("Testshire Council Children's Services", "999")
IN_TOUCH = {"in_touch": "YES", "activity": "F5", "accommodation": "U", "suitable": True}
R = Relationship


@pytest.fixture
def young(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> int:
    """A care leaver (19) with no open case; the leaving care team has its manager."""
    store = Store(session, feed_actor, clock, settings)
    store.submit(rec(child(nhs_number=nhs(8200), date_of_birth="2007-05-01"),
                     record_id="school:adviser"))  # fmt: skip
    manage_team(session, actor=MANAGER, team=TEAM)
    manage_team(session, actor=OTHER_MANAGER, team="Long-term team")
    join_team(session, actor=STRANGER, team="Long-term team")
    return store.person("school:adviser")


def advise(session: Session, person_id: int, clock: FrozenClock) -> int:
    """An open leaving-care record with ADVISER allocated (as its adviser step leaves it)."""
    record = LeavingCare(person_id=person_id, opened_on=clock.now().date() - timedelta(days=30),
                         opened_at=WHEN, updated_at=WHEN, adviser_user_id=ADVISER.user_id,
                         adviser_label=ADVISER.label, team=TEAM)  # fmt: skip
    session.add(record)
    session.flush()
    return record.id


def read(session: Session, actor: Actor, record_id: int, clock: FrozenClock) -> LeavingCareView:
    view = leaving_care.get_record(session=session, actor=actor, record_id=record_id,
                                   now=clock.now())  # fmt: skip
    chronology.get_chronology(session=session, actor=actor, person_id=view.person_id,
                              filters=Filters(), now=clock.now())  # fmt: skip
    return view


def write(
    session: Session, actor: Actor, view: LeavingCareView, clock: FrozenClock, action: str = ""
) -> LeavingCareView:
    action, fields = (action, {"reason": "no_longer_required"}) if action else (
        "keeping_in_touch", IN_TOUCH)  # fmt: skip
    return leaving_care.act(session=session, actor=actor, authority=AUTHORITY, record_id=view.id,
                            action=action, on=clock.now().date(), fields=fields,
                            expected_version=view.version, now=clock.now())  # fmt: skip


def test_the_adviser_and_their_manager_hold_the_young_person_and_duty_no_longer_does(
    session: Session, young: int, clock: FrozenClock
) -> None:
    def of(actor: Actor) -> frozenset[Relationship]:
        return relationships_of(session, actor, [young], clock.now())

    assert of(STRANGER) == {R.DUTY} and of(MASH) == {R.DUTY, R.FRONT_DOOR}  # nobody holds them
    record_id = advise(session, young, clock)
    assert of(ADVISER) == {R.ADVISER}
    assert of(MANAGER) == {R.MANAGER}
    assert of(STRANGER) == of(OTHER_MANAGER) == of(MASH) == set()
    view = read(session, ADVISER, record_id, clock)
    view = write(session, ADVISER, view, clock)
    view = write(session, MANAGER, read(session, MANAGER, record_id, clock), clock)
    for actor in (STRANGER, OTHER_MANAGER):
        with pytest.raises(NoRelationship) as refused:
            read(session, actor, record_id, clock)
        assert refused.value.break_glass  # a read: the glass may be broken, with a reason
        with pytest.raises(NoRelationship):
            write(session, actor, view, clock)
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.actor_label == ADVISER.label, AuditEntry.outcome == "permitted"))  # fmt: skip
    rested = [e.detail["relationship"] for e in entries if "relationship" in (e.detail or {})]
    assert len(rested) >= 3 and set(rested) == {"adviser"}  # two reads and a write


def test_breaking_the_glass_on_a_care_leaver_alerts_their_adviser(
    session: Session, young: int, clock: FrozenClock
) -> None:
    advise(session, young, clock)
    reason = "Out of hours: the young person is at the hospital and asks for their adviser."
    grant = break_glass.open_record(session=session, actor=STRANGER, person_id=young,
                                    reason=reason, now=clock.now())  # fmt: skip
    assert grant.alert_user_ids == [ADVISER.user_id]


def test_once_the_record_closes_the_adviser_holds_the_young_person_no_longer(
    session: Session, young: int, clock: FrozenClock
) -> None:
    record_id = advise(session, young, clock)
    write(session, ADVISER, read(session, ADVISER, record_id, clock), clock, "close")
    assert relationships_of(session, ADVISER, [young], clock.now()) == {R.DUTY}  # as anyone's
    allocate(session, person_id=young, worker=STRANGER, team="Long-term team")  # a case again
    with pytest.raises(NoRelationship):
        read(session, ADVISER, record_id, clock)
    assert read(session, STRANGER, record_id, clock).closed_on == clock.now().date()


def test_a_restricted_young_person_is_not_found_by_their_adviser_unless_named(
    session: Session, young: int, clock: FrozenClock
) -> None:
    record_id = advise(session, young, clock)
    restrict(session, person_id=young, named=[MANAGER])
    with pytest.raises(NotFound):
        read(session, ADVISER, record_id, clock)
    with pytest.raises(NotFound):
        leaving_care.of_person(session=session, actor=ADVISER, person_id=young, now=clock.now())
    assert read(session, MANAGER, record_id, clock).id == record_id
