"""The partner look-up: no relationship, nothing seen and the attempt audited; a relationship,
the flag and no more; a look-up of a child on a plan or looked after tells the lead worker."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.core.errors import NotPermitted, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.flows import notify as flow
from joinedup.intake.models import Organisation
from joinedup.sharing.models import Notification
from joinedup.sharing.partners import PartnerFlag
from joinedup.testing import FrozenClock
from tests.unit.people.support import nhs, upn
from tests.unit.sharing.test_notify_flow import at_school, open_case, submit

GP = {"agency": "health", "organisation": "Testshire Surgery", "organisation_code": "Y00001"}
OTHER = {"agency": "education", "organisation": "Another School", "organisation_code": "990002"}
CHILD = nhs(41)


def partner(session: Session, code: str, user_id: int = 501) -> Actor:
    org = session.scalar(select(Organisation.id).where(Organisation.code == code))
    assert org is not None
    return Actor(role=Role.PARTNER_PRACTITIONER, label=f"partner.{code}", user_id=user_id,
                 organisation_id=org)  # fmt: skip


def known_child(session: Session, feed: Actor, clock: FrozenClock, settings: Settings) -> int:
    """A pupil of 990001, registered with GP Y00001; 990002 and Y00001 exist as organisations."""
    gp_record = at_school("2026-09-11", source=GP)
    gp_record["subjects"][0].pop("school_urn")
    gp_record["subjects"][0]["gp_practice_code"] = "Y00001"
    other = at_school("2026-09-12", source=OTHER)
    other["subjects"][0]["nhs_number"] = nhs(42)
    other["subjects"][0]["given_names"] = "Otto"
    submit(session, feed, clock, settings, at_school("2026-09-10"), gp_record, other)
    facts = flow.child_facts(session, CHILD)
    assert facts is not None
    return facts.person_ids[0]


def look_up(session: Session, actor: Actor, settings: Settings, reason: str = "",
            number: str = CHILD) -> PartnerFlag:  # fmt: skip
    return flow.look_up_child(session=session, actor=actor, identifier=number,
                              declared_reason=reason, settings=settings,
                              now=datetime(2026, 11, 28, 10, 0, tzinfo=UTC))  # fmt: skip


def test_a_partner_without_a_relationship_sees_nothing_and_the_attempt_is_audited(
    clean_engine: Engine, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    with unit_of_work(clean_engine) as session:
        person = known_child(session, feed_actor, clock, settings)
        open_case(session, person, "child_protection")
        stranger = partner(session, "990002")
    for number in (CHILD, nhs(77)):  # a known child, and one the system has never heard of
        with pytest.raises(NotPermitted) as refused, unit_of_work(clean_engine) as session:
            look_up(session, stranger, settings, number=number)
        assert str(refused.value) == "no legitimate relationship with this child"
    with unit_of_work(clean_engine, write=False) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "children:lookup")
            .order_by(AuditEntry.id)
        ).all()  # fmt: skip
        assert [(e.outcome, e.actor_label, e.resource_ids, e.detail) for e in entries] == [
            ("refused", "partner.990002", [person], {"relationship": "none"}),
            ("refused", "partner.990002", [], {"relationship": "none"}),
        ]
        assert session.scalars(select(Notification)).all() == []


def test_the_childs_school_sees_the_flag_and_no_more(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    person = known_child(session, feed_actor, clock, settings)
    open_case(session, person, "child_protection")
    flag = look_up(session, partner(session, "990001"), settings)
    assert flag == PartnerFlag(
        known=True,
        status="child_protection",
        lead_worker="worker.one",
        team="Assessment team 1",
        contact_route=settings.front_door_contact,
        relationship="school_roll",
    )
    assert {f.name for f in dataclasses.fields(PartnerFlag)} == {
        "known", "status", "lead_worker", "team", "contact_route", "relationship"}  # fmt: skip
    assert flag.status_label == "Child protection plan"
    (entry,) = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "children:lookup")
    ).all()
    assert (entry.outcome, entry.resource_ids, entry.reason) == ("permitted", [person], None)
    assert entry.detail == {"relationship": "school_roll", "known": True,
                            "status": "child_protection"}  # fmt: skip


def test_a_look_up_of_a_child_on_a_plan_tells_the_lead_worker_once_a_day(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    person = known_child(session, feed_actor, clock, settings)
    open_case(session, person, "looked_after")
    dsl = partner(session, "990001")
    look_up(session, dsl, settings)
    look_up(session, dsl, settings)
    (row,) = session.scalars(select(Notification)).all()
    assert (row.kind, row.channel, row.recipient) == ("partner_lookup", "inbox", "user:13")
    assert "partner.990001" in row.body and "Testa" not in row.body


def test_the_gp_practice_sees_the_flag(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    person = known_child(session, feed_actor, clock, settings)
    open_case(session, person, "child_in_need")
    flag = look_up(session, partner(session, "Y00001"), settings)
    assert (flag.known, flag.status, flag.relationship) == (True, "child_in_need",
                                                            "gp_registration")  # fmt: skip
    assert session.scalars(select(Notification)).all() == []  # child in need: nobody told


def test_a_declared_episode_is_recorded_with_its_reason(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    known_child(session, feed_actor, clock, settings)
    reason = "Attending the emergency department with a head injury now"
    flag = look_up(session, partner(session, "990002"), settings, reason=reason)
    assert flag == PartnerFlag(False, None, None, None, None, "declared")  # not known to CSC
    (entry,) = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "children:lookup")
    ).all()
    assert (entry.outcome, entry.reason) == ("permitted", reason)


def test_only_partner_practitioners_look_up(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    known_child(session, feed_actor, clock, settings)
    worker = Actor(role=Role.SOCIAL_WORKER, label="worker.one", user_id=13)
    with pytest.raises(NotPermitted):
        look_up(session, worker, settings, reason="curious")
    with pytest.raises(ValidationFailed):
        look_up(session, partner(session, "990001"), settings, number="12345")


def test_a_school_looks_up_by_unique_pupil_number(
    session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings
) -> None:
    known_child(session, feed_actor, clock, settings)
    census = at_school("2026-10-01")
    census["subjects"][0]["upn"] = upn(7)
    submit(session, feed_actor, clock, settings, census)
    flag = look_up(session, partner(session, "990001"), settings, number=upn(7).lower())
    assert (flag.known, flag.relationship) == (False, "school_roll")
