"""Submitting records: idempotent, versioned with history kept, audited, refused if not allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.core.errors import NotFound, NotPermitted
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Event, Mention, RecordVersion, SourceRecord
from joinedup.intake.service import (
    Outcome,
    get_record,
    list_records,
    mentions_of,
    submit_records,
)
from joinedup.intake.validation import parse_object
from joinedup.testing import FrozenClock
from joinedup.testing.database import empty_audit_log
from tests.factories.records import numbered, record


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def submit(session: Session, actor: Actor, clock: FrozenClock, *values: dict) -> list[Outcome]:
    results = submit_records(
        session=session, actor=actor, records=[parse_object(v) for v in values], now=clock.now()
    )
    return [r.outcome for r in results]


def test_a_new_record_stores_its_version_event_and_mentions_exactly(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    assert submit(session, feed_actor, clock, record()) == [Outcome.ACCEPTED]
    event = session.scalars(select(Event)).one()
    assert (event.type, event.agency, event.sensitivity) == (
        "domestic_abuse_incident",
        "police",
        "normal",
    )
    assert event.attributes == {"children_present": True, "risk_level": "medium", "arrest": True}
    mentions = session.scalars(select(Mention).order_by(Mention.ref)).all()
    assert [(m.ref, m.given_names, m.date_of_birth) for m in mentions] == [
        ("a1", "Mara", "1990"),
        ("c1", "Testa", "2017-07-15"),
    ]
    assert mentions[1].nhs_number_valid is True and mentions[0].birth_date_precision == "year"


def test_the_same_record_twice_is_unchanged(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    submit(session, feed_actor, clock, record())
    assert submit(session, feed_actor, clock, record()) == [Outcome.UNCHANGED]
    assert count(session, RecordVersion) == 1 and count(session, Event) == 1


def test_new_content_is_a_new_version_with_history_kept(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    submit(session, feed_actor, clock, record())
    assert submit(session, feed_actor, clock, record(summary="Corrected: one child present.")) == [
        Outcome.NEW_VERSION
    ]
    source = session.scalars(select(SourceRecord)).one()
    assert source.latest_version == 2
    summaries = session.scalars(select(Event.summary).order_by(Event.id)).all()
    assert summaries == [record()["summary"], "Corrected: one child present."]


def test_a_record_id_twice_in_one_batch_is_taken_in_order(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    outcomes = submit(session, feed_actor, clock, record(), record(), record(summary="Second."))
    assert outcomes == [Outcome.ACCEPTED, Outcome.UNCHANGED, Outcome.NEW_VERSION]
    assert count(session, SourceRecord) == 1 and count(session, RecordVersion) == 2


def test_each_submission_names_the_event_and_mentions_it_wrote(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    second = record(record_id="INC-2", summary="Another incident.")
    results = submit_records(
        session=session,
        actor=feed_actor,
        records=[parse_object(v) for v in (record(), record(), second, record(summary="New."))],
        now=clock.now(),
    )
    stored = {
        event: sorted(
            m for m, e in session.execute(select(Mention.id, Mention.event_id)) if e == event
        )
        for event in session.scalars(select(Event.id))
    }
    assert [r.outcome for r in results] == [
        Outcome.ACCEPTED, Outcome.UNCHANGED, Outcome.ACCEPTED, Outcome.NEW_VERSION
    ]  # fmt: skip
    written = [r for r in results if r.outcome != Outcome.UNCHANGED]
    assert {r.event_id: sorted(r.mention_ids) for r in written} == stored
    assert len({r.event_id for r in written}) == 3 and all(len(r.mention_ids) == 2 for r in written)
    assert (results[1].event_id, results[1].mention_ids) == (None, ())
    assert results[3].source_record_id == results[0].source_record_id
    # `mentions_of` answers from the submission when it wrote, from the store when unchanged
    first = (results[0].event_id, sorted(results[0].mention_ids))
    assert mentions_of(session, results[0]) == first == mentions_of(session, results[1])


def test_record_ids_are_scoped_by_organisation(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    other = record(source={"agency": "health", "organisation": "Testshire NHS Trust"})
    assert submit(session, feed_actor, clock, record(), other) == [
        Outcome.ACCEPTED,
        Outcome.ACCEPTED,
    ]
    assert count(session, SourceRecord) == 2


def test_a_submission_is_audited_with_the_versions_it_wrote(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    submit(session, feed_actor, clock, numbered(1), numbered(2), numbered(1))
    entry = session.scalars(select(AuditEntry)).one()
    versions = session.scalars(select(RecordVersion.id).order_by(RecordVersion.id)).all()
    assert (entry.actor_label, entry.action, entry.outcome) == (
        "police-feed",
        "records:submit",
        "permitted",
    )
    assert entry.resource_ids == versions
    assert entry.detail == {"accepted": 2, "unchanged": 1, "new_version": 0}


def test_a_role_without_the_right_is_refused_and_the_refusal_is_audited(
    engine: Engine, clock: FrozenClock
) -> None:
    leader = Actor(role=Role.PERFORMANCE_OFFICER, label="perf-test")
    with pytest.raises(NotPermitted), unit_of_work(engine) as session:
        submit(session, leader, clock, numbered(99))
    with unit_of_work(engine, write=False) as session:
        refusals = session.scalars(
            select(AuditEntry).where(AuditEntry.actor_label == "perf-test")
        ).all()
        assert [(r.action, r.outcome) for r in refusals] == [("records:submit", "refused")]
        assert session.scalar(select(func.count()).select_from(RecordVersion)) == 0
    empty_audit_log(engine)


def test_reading_records_is_audited_and_sensitive_detail_withheld_from_the_front_door(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    submit(
        session,
        feed_actor,
        clock,
        record(
            sensitivity="sensitive",
            type="unscheduled_care",
            attributes={"setting": "emergency_department"},
        ),
    )
    mash = Actor(role=Role.MASH_PRACTITIONER, label="mash-test")
    worker = Actor(role=Role.SOCIAL_WORKER, label="sw-test")
    page = list_records(session=session, actor=mash, now=clock.now())
    assert page.total == 1
    detail = get_record(
        session=session,
        actor=mash,
        source_record_id=page.items[0].source_record_id,
        now=clock.now(),
    )
    assert detail.withheld_reason is not None and detail.attributes == {}
    assert record()["summary"] not in detail.text
    full = get_record(
        session=session,
        actor=worker,
        source_record_id=page.items[0].source_record_id,
        now=clock.now(),
    )
    assert full.text == record()["summary"] and full.withheld_reason is None
    reads = session.scalars(
        select(AuditEntry.actor_label)
        .where(AuditEntry.action == "records:read")
        .order_by(AuditEntry.id)
    ).all()
    assert reads == ["mash-test", "mash-test", "sw-test"]


def test_a_restricted_record_is_refused_to_practitioners(
    session: Session, feed_actor: Actor, clock: FrozenClock
) -> None:
    submit(session, feed_actor, clock, record(sensitivity="restricted"))
    source_id = session.scalars(select(SourceRecord.id)).one()
    with pytest.raises(NotPermitted):
        get_record(
            session=session,
            actor=Actor(role=Role.SOCIAL_WORKER, label="sw"),
            source_record_id=source_id,
            now=clock.now(),
        )


def test_a_missing_record_is_not_found(session: Session, clock: FrozenClock) -> None:
    with pytest.raises(NotFound):
        get_record(
            session=session,
            actor=Actor(role=Role.SOCIAL_WORKER, label="sw"),
            source_record_id=424242,
            now=clock.now(),
        )
