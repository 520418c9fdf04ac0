"""Role × relationship, restricted children and break-glass, on the service layer (ADR 0012)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry, User
from joinedup.access.relationships import Relationship, relationships_of
from joinedup.access.roles import Actor, Role
from joinedup.access.service import NoRelationship
from joinedup.casework import service as casework
from joinedup.casework.chronicle import Authority
from joinedup.casework.models import CaseStep
from joinedup.chronology import exports
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Filters
from joinedup.config import Settings
from joinedup.core.errors import NotFound, NotPermitted, ValidationFailed
from joinedup.db.session import _AFTER_ROLLBACK
from joinedup.flows import break_glass
from joinedup.people import service as persons
from joinedup.people.service import SearchQuery
from joinedup.sharing import partners
from joinedup.sharing.inbox import list_inbox
from joinedup.testing import FrozenClock
from tests.factories.relationships import allocate, join_team, manage_team, restrict
from tests.unit.people.support import Store, child, nhs, rec

WORKER = Actor(role=Role.SOCIAL_WORKER, label="worker.own", user_id=101)
COLLEAGUE = Actor(role=Role.SOCIAL_WORKER, label="worker.same", user_id=102)
STRANGER = Actor(role=Role.SOCIAL_WORKER, label="worker.other", user_id=103)
MANAGER = Actor(role=Role.TEAM_MANAGER, label="manager.own", user_id=104)
IRO = Actor(role=Role.REVIEWING_OFFICER, label="iro.one", user_id=105)
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=106)
LEADER = Actor(role=Role.SENIOR_LEADER, label="head.one", user_id=108)
AUTHORITY = Authority("Testshire Council Children's Services", "999")
REASON = "Duty call from the police about this child tonight."


@pytest.fixture
def kid(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> int:
    store = Store(session, feed_actor, clock, settings)
    store.submit(rec(child(nhs_number=nhs(8100)), record_id="school:rel"))
    return store.person("school:rel")


@pytest.fixture
def held(session: Session, kid: int) -> int:
    """The child's case, allocated to WORKER in the assessment team that MANAGER manages."""
    for actor in (WORKER, COLLEAGUE):
        join_team(session, actor=actor, team="Assessment team")
    join_team(session, actor=STRANGER, team="Long-term team")
    manage_team(session, actor=MANAGER, team="Assessment team")
    return allocate(session, person_id=kid, worker=WORKER, team="Assessment team")


def read(session: Session, actor: Actor, kid: int, clock: FrozenClock) -> object:
    return chronology.get_chronology(
        session=session, actor=actor, person_id=kid, filters=Filters(), now=clock.now()
    )


def test_each_relationship_is_read_from_casework_and_workforce(
    session: Session, kid: int, held: int, clock: FrozenClock
) -> None:
    def of(actor: Actor) -> frozenset[Relationship]:
        return relationships_of(session, actor, [kid], clock.now())

    assert of(WORKER) == {Relationship.ALLOCATED, Relationship.TEAM}
    assert of(COLLEAGUE) == {Relationship.TEAM}
    assert of(MANAGER) == {Relationship.MANAGER}
    assert of(STRANGER) == set()
    assert of(IRO) == set()
    session.add(CaseStep(case_id=held, kind="initial_conference", status="open",
                         started_on=clock.now().date(), details={}, created_at=clock.now(),
                         updated_at=clock.now(), version=1))  # fmt: skip
    session.flush()
    assert of(IRO) == {Relationship.CHAIR}
    assert of(MASH) == set()  # allocated, and no contact open at the front door
    allocate(session, person_id=kid, worker=None, team="Assessment team")
    assert of(MASH) == {Relationship.FRONT_DOOR}  # the team has it, nobody allocated yet


def test_a_child_nobody_holds_is_the_front_door_s_and_duty_s(
    session: Session, kid: int, clock: FrozenClock
) -> None:
    assert relationships_of(session, STRANGER, [kid], clock.now()) == {Relationship.DUTY}
    assert read(session, STRANGER, kid, clock)  # a duty worker reads an unallocated child


def test_a_worker_of_another_team_is_refused_with_break_glass_offered_and_the_refusal_audited(
    session: Session, kid: int, held: int, clock: FrozenClock
) -> None:
    for actor in (WORKER, COLLEAGUE, MANAGER):
        read(session, actor, kid, clock)
    with pytest.raises(NoRelationship) as refused:
        read(session, STRANGER, kid, clock)
    assert refused.value.break_glass and refused.value.person_id == kid
    with pytest.raises(NoRelationship):
        persons.get_person(session=session, actor=STRANGER, person_id=kid)
    with pytest.raises(NoRelationship):
        casework.get_case(session=session, actor=STRANGER, case_id=held, now=clock.now())
    kept_refusals(session)
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.actor_label == STRANGER.label)
        .order_by(AuditEntry.id)
    ).first()  # fmt: skip
    assert entry is not None and entry.outcome == "refused"
    assert entry.detail["child"] == kid and entry.detail["relationship"] is None


def test_a_permitted_read_records_the_relationship_it_rests_on(
    session: Session, kid: int, held: int, clock: FrozenClock
) -> None:
    read(session, COLLEAGUE, kid, clock)
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.actor_label == COLLEAGUE.label)
    ).one()
    assert entry.outcome == "permitted" and entry.detail["relationship"] == "team"


def test_case_writes_need_the_relationship_not_only_the_role(
    session: Session, kid: int, held: int, clock: FrozenClock
) -> None:
    version = casework.get_case(session=session, actor=WORKER, case_id=held, now=clock.now())
    fields = {"risk_analysis": "Risk reducing.", "decisions": "Continue."}

    def oversee(actor: Actor) -> None:
        casework.act(session=session, actor=actor, authority=AUTHORITY, case_id=held,
                     action="oversight", on=clock.now().date(), fields=fields,
                     expected_version=version.version, now=clock.now())  # fmt: skip

    other_manager = Actor(role=Role.TEAM_MANAGER, label="manager.other", user_id=107)
    with pytest.raises(NoRelationship) as refused:
        oversee(other_manager)
    assert not refused.value.break_glass  # break-glass opens reads, never writes
    oversee(MANAGER)


def test_break_glass_grants_a_time_limited_read_audited_and_alerted(
    session: Session, kid: int, held: int, clock: FrozenClock
) -> None:
    officer = User(username="ig.one", display_name="IG One", role="information_governance",
                   password_hash="x", active=True, created_at=clock.now())  # fmt: skip
    session.add(officer)
    session.flush()
    with pytest.raises(ValidationFailed) as short:
        break_glass.open_record(session=session, actor=STRANGER, person_id=kid,
                                reason="because", now=clock.now())  # fmt: skip
    assert short.value.errors[0].field == "reason"
    grant = break_glass.open_record(session=session, actor=STRANGER, person_id=kid,
                                    reason=REASON, now=clock.now())  # fmt: skip
    assert grant.alert_user_ids == sorted([officer.id, WORKER.user_id])  # type: ignore[type-var]
    read(session, STRANGER, kid, clock)  # within the hour
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.actor_label == STRANGER.label)
        .order_by(AuditEntry.id)
    ).all()  # fmt: skip
    glass = [e for e in entries if e.outcome == "break_glass"]
    assert len(glass) == 1 and glass[0].reason == REASON
    assert entries[-1].detail["relationship"] == "break_glass"
    ig = Actor(role=Role.INFORMATION_GOVERNANCE, label="ig.one", user_id=officer.id)
    for reader in (ig, WORKER):
        inbox = list_inbox(session=session, actor=reader, now=clock.now())
        assert [i.kind for i in inbox] == ["break_glass"]
        assert REASON in inbox[0].body and STRANGER.label in inbox[0].body
    with pytest.raises(NoRelationship):  # reads only: no write rides on it
        chronology.mark_significant(session=session, actor=STRANGER, person_id=kid,
                                    event_id=1, note="", now=clock.now())  # fmt: skip
    with pytest.raises(NoRelationship):  # nor an export: seeing is not sending on
        exports.export_chronology(session=session, actor=STRANGER, person_id=kid,
                                  filters=Filters(), fmt="csv", recipient="Sample Academy DSL",
                                  purpose="Safety plan", lawful_basis="safeguarding",
                                  now=clock.now())  # fmt: skip
    assert exports.preview_export(session=session, actor=WORKER, person_id=kid,
                                  filters=Filters(), now=clock.now()).person_id == kid  # fmt: skip
    clock.advance(timedelta(minutes=61))
    with pytest.raises(NoRelationship):
        read(session, STRANGER, kid, clock)


def test_break_glass_needs_a_role_that_reads_children(
    session: Session, kid: int, held: int, clock: FrozenClock
) -> None:
    with pytest.raises(NotPermitted):
        break_glass.open_record(session=session, actor=LEADER, person_id=kid, reason=REASON,
                                now=clock.now())  # fmt: skip


def test_a_restricted_child_does_not_exist_for_anyone_it_does_not_name(
    session: Session, kid: int, held: int, clock: FrozenClock
) -> None:
    restrict(session, person_id=kid, named=[WORKER])
    search = SearchQuery(nhs_number=nhs(8100))
    for actor in (COLLEAGUE, MANAGER, STRANGER):
        with pytest.raises(NotFound):
            read(session, actor, kid, clock)
        with pytest.raises(NotFound):
            chronology.get_child(session=session, actor=actor, person_id=kid, now=clock.now())
        with pytest.raises(NotFound):
            people_read(session, actor, kid)
        with pytest.raises(NotFound):
            casework.get_case(session=session, actor=actor, case_id=held, now=clock.now())
        results = search_as(session, actor, search, clock)
        assert kid not in results
        with pytest.raises(NotFound):  # no break-glass into a restricted child
            break_glass.open_record(session=session, actor=actor, person_id=kid,
                                    reason=REASON, now=clock.now())  # fmt: skip
    assert read(session, WORKER, kid, clock)
    assert kid in search_as(session, WORKER, search, clock)
    assert read(session, Actor.system("test"), kid, clock)


def kept_refusals(session: Session) -> None:
    """Write the refusals kept for after a rollback, as `unit_of_work` does, in this session."""
    for write in session.info.pop(_AFTER_ROLLBACK, []):
        write(session)


def people_read(session: Session, actor: Actor, kid: int) -> object:
    return persons.get_person(session=session, actor=actor, person_id=kid)


def search_as(session: Session, actor: Actor, query: SearchQuery, clock: FrozenClock) -> list[int]:
    found = persons.search_children(session=session, actor=actor, query=query, now=clock.now())
    return [r.person_id for r in found.items]


def test_a_restricted_child_is_not_known_to_the_partner_look_up(
    session: Session, kid: int, clock: FrozenClock
) -> None:
    school = Actor(role=Role.PARTNER_PRACTITIONER, label="dsl.one", user_id=109)
    facts = partners.ChildFacts([kid], None, None, "child_protection", 1, None, None, "Team")
    declared = "Working with the family this term on attendance."

    def look(found: partners.ChildFacts | None) -> partners.PartnerFlag:
        return partners.look_up(session=session, actor=school, facts=found,
                                declared_reason=declared, contact_route="MASH",
                                now=clock.now())  # fmt: skip

    assert look(facts).known  # a declared involvement is a legitimate relationship
    restrict(session, person_id=kid, named=[])
    assert look(facts) == look(None)  # restricted: the answer for a child not known
