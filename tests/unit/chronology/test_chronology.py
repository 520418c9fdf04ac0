"""A child's chronology from hand-made records of several agencies, resolved through intake."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.chronology import service as chronology
from joinedup.chronology.models import ChronologyMark
from joinedup.chronology.views import Filters
from joinedup.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.people import service as people_service
from joinedup.people.circle import circle_of
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

WORKER = Actor(role=Role.SOCIAL_WORKER, label="sw.one", user_id=101)
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=102)
SYSTEM = Actor.system("test")
PARTNER = Actor(role=Role.PARTNER_PRACTITIONER, label="partner.one", user_id=103)
POLICE = {"agency": "police", "organisation": "Testshire Police"}
SCHOOL = {"agency": "education", "organisation": "Sample Primary School"}
HEALTH = {"agency": "health", "organisation": "Testshire NHS Trust"}


def at(day: str, **more: Any) -> dict[str, Any]:
    return {"occurred_at": f"{day}T10:00:00+00:00", "date_precision": "minute", **more}


def boy(**fields: Any) -> dict[str, Any]:
    return child(nhs_number=nhs(1100), **fields)


def sister(**fields: Any) -> dict[str, Any]:
    return child(ref="c2", given_names="Bella", date_of_birth="2014-09-01", sex="F",
                 nhs_number=nhs(1200), **fields)  # fmt: skip


def partner(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": "a2",
        "relationship": "parents_partner",
        "given_names": "Mark",
        "family_name": "Newman",
        "date_of_birth": "1985-06-06",
        "sex": "M",
    }
    base.update(fields)
    return adult(**base)


@pytest.fixture
def family(people: Store) -> dict[str, Any]:
    """A boy, his sister and mother, and the mother's partner, known to three agencies."""
    records = {
        "school": rec(
            boy(), adult(), source=SCHOOL, attributes={"category": "hunger"}, **at("2024-01-10")
        ),
        "incident": rec(
            boy(),
            adult(victim=True),
            partner(perpetrator=True),
            type="domestic_abuse_incident",
            source=POLICE,
            attributes={"children_present": True, "risk_level": "high"},
            **at("2024-03-01"),
        ),
        "offence": rec(
            partner(relationship=None),
            type="adult_offence",
            source=POLICE,
            attributes={"category": "violence"},
            **at("2024-04-02"),
        ),
        "sister": rec(
            sister(), adult(), source=SCHOOL, attributes={"category": "hygiene"}, **at("2024-05-05")
        ),
        "month": rec(
            boy(),
            source=HEALTH,
            type="was_not_brought",
            attributes={"service": "dental"},
            occurred_at="2024-06",
            date_precision="month",
        ),
    }
    # The offence names only the partner: link him by the same identity as in the incident.
    records["offence"]["subjects"][0]["ref"] = "a1"
    for r in records.values():
        people.submit(r)
    ids = {k: people.person(r["record_id"], r["subjects"][0]["ref"]) for k, r in records.items()}
    return {"people": people, "records": records, "ids": ids}


def read(
    people: Store,
    person: int,
    actor: Actor = WORKER,
    page: int = 1,
    per_page: int | None = 100,
    **filters: Any,
) -> Any:
    return chronology.get_chronology(
        session=people.session, actor=actor, person_id=person, filters=Filters(**filters),
        now=people.clock.now(), page=page, per_page=per_page,
    )  # fmt: skip


def types(found: Any) -> list[str]:
    return [e.type for e in found.entries]


def test_child_mode_has_own_records_and_the_adults_relevant_ones_in_time_order(
    family: dict[str, Any],
) -> None:
    found = read(family["people"], family["ids"]["school"])
    # the sister's concern is hers; the partner's offence bears on the boy (a related adult)
    assert types(found) == ["concern", "domestic_abuse_incident", "adult_offence",
                            "was_not_brought"]  # fmt: skip
    offence = found.entries[2]
    assert not offence.about_child
    assert [(s.relationship, s.name) for s in offence.subjects] == [(None, "Mark Newman")]
    incident = found.entries[1]
    who = {(s.relationship, s.perpetrator, s.victim) for s in incident.subjects}
    assert who == {(None, False, False), ("mother", False, True),
                   ("parents_partner", True, False)}  # fmt: skip
    assert incident.severity == "high" and incident.agency == "police"
    assert incident.author == "PC T Example" and incident.author_contact == "0300 000 0001"
    month = found.entries[3]
    assert (month.date_precision, month.occurred_at.date()) == ("month", date(2024, 6, 1))
    assert found.agencies == ["education", "health", "police"]


def test_household_mode_adds_the_siblings_records(family: dict[str, Any]) -> None:
    found = read(family["people"], family["ids"]["school"], household=True)
    assert "concern" in types(found) and types(found).count("concern") == 2
    hers = next(e for e in found.entries if e.event_id == _event(family, "sister"))
    assert not hers.about_child
    assert family["ids"]["sister"] in found.persons


def test_filters_by_agency_type_severity_and_period(family: dict[str, Any]) -> None:
    p, boy_id = family["people"], family["ids"]["school"]
    assert types(read(p, boy_id, agencies=frozenset({"police"}))) == [
        "domestic_abuse_incident", "adult_offence"]  # fmt: skip
    assert types(read(p, boy_id, types=frozenset({"was_not_brought"}))) == ["was_not_brought"]
    assert types(read(p, boy_id, severities=frozenset({"high"}))) == [
        "domestic_abuse_incident", "adult_offence"]  # fmt: skip
    found = read(p, boy_id, since=date(2024, 2, 1), until=date(2024, 3, 31))
    assert types(found) == ["domestic_abuse_incident"]
    assert found.total == 4


def test_sensitive_detail_is_withheld_and_sealed_records_are_not_shown(people: Store) -> None:
    people.submit(rec(boy(), source=HEALTH, sensitivity="sensitive", summary="Clinic detail.",
                      **at("2024-02-02")))  # fmt: skip
    people.submit(rec(boy(), source=HEALTH, sensitivity="restricted", **at("2024-02-03")))
    person = people_service.person_for_mention(
        session=people.session, actor=WORKER, mention_id=_any_mention(people)
    )
    assert person is not None
    by_mash = read(people, person, MASH)
    (entry,) = by_mash.entries
    assert entry.summary is None and entry.withheld and entry.attributes == {}
    assert by_mash.restricted_withheld == 1
    (entry,) = read(people, person, WORKER).entries
    assert entry.summary == "Clinic detail."


def test_new_since_you_last_looked(people: Store) -> None:
    people.submit(rec(boy(), **at("2024-01-10")))
    person = people.person(_last(people))
    first = read(people, person)
    assert first.last_looked_at is None and first.new_count == 0
    people.clock.advance(timedelta(hours=2))
    people.submit(rec(boy(), **at("2023-12-01")))  # arrives later, happened earlier
    people.clock.advance(timedelta(hours=1))
    second = read(people, person)
    assert second.last_looked_at is not None
    assert [e.new for e in second.entries] == [True, False]
    people.clock.advance(timedelta(minutes=5))  # the same visit: a filter does not clear "new"
    assert read(people, person, agencies=frozenset({"police"})).new_count == 1
    people.clock.advance(timedelta(hours=1))  # a later visit: seen now
    assert read(people, person).new_count == 0


def test_marking_significant_events_curates_without_changing_records(
    family: dict[str, Any],
) -> None:
    p, boy_id = family["people"], family["ids"]["school"]
    incident = _event(family, "incident")
    before = p.session.get(Event, incident)
    summary = before.summary if before else None
    kw: dict[str, Any] = {"session": p.session, "person_id": boy_id, "event_id": incident,
                          "now": p.clock.now()}  # fmt: skip
    chronology.mark_significant(actor=WORKER, note="Children present; high risk.", **kw)
    with pytest.raises(InvalidTransition):
        chronology.mark_significant(actor=WORKER, note="again", **kw)
    curated = read(p, boy_id, significant_only=True)
    assert types(curated) == ["domestic_abuse_incident"]
    assert curated.entries[0].mark is not None and curated.entries[0].mark.by == "sw.one"
    chronology.unmark_significant(actor=WORKER, note="Marked in error.", **kw)
    assert types(read(p, boy_id, significant_only=True)) == []
    history = p.session.scalars(select(ChronologyMark.action).order_by(ChronologyMark.id)).all()
    assert history == ["mark", "unmark"]
    after = p.session.get(Event, incident)
    assert after is not None and after.summary == summary
    with pytest.raises(NotPermitted):
        chronology.mark_significant(actor=MASH, note="", **kw)
    with pytest.raises(NotFound):
        chronology.mark_significant(actor=WORKER, note="", **{**kw, "event_id": 10**9})
    with pytest.raises(ValidationFailed):
        chronology.mark_significant(actor=WORKER, note="x" * 2001, **kw)


def test_every_read_is_audited_and_partners_are_refused(family: dict[str, Any]) -> None:
    p, boy_id = family["people"], family["ids"]["school"]
    read(p, boy_id, household=True)
    entry = p.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "chronology:read")
    ).one()
    assert boy_id in entry.resource_ids and family["ids"]["sister"] in entry.resource_ids
    assert entry.detail["household"] is True and entry.actor_label == "sw.one"
    with pytest.raises(NotPermitted):
        read(p, boy_id, PARTNER)


def test_a_merged_away_child_reads_as_the_survivor(people: Store) -> None:
    people.submit(rec(child(given_names="Zed", family_name="Qwerty", date_of_birth="2019-01-01",
                            nhs_number=nhs(3100)), **at("2024-01-01")))  # fmt: skip
    first = people.person(_last(people))
    people.submit(rec(child(given_names="Yan", family_name="Asdfgh", date_of_birth="2012-05-05",
                            nhs_number=nhs(3200)), **at("2024-02-01")))  # fmt: skip
    second = people.person(_last(people))
    people_service.merge_persons(session=people.session, actor=Actor.system("t"),
                                 from_id=second, into_id=first, reason="same child",
                                 now=people.clock.now())  # fmt: skip
    found = read(people, second)
    assert found.person_id == first and len(found.entries) == 2
    assert found.name == "Zed Qwerty"
    assert [s.name for e in found.entries for s in e.subjects] == ["Zed Qwerty"] * 2


def test_the_names_counted_with_the_outline_are_the_circles(family: dict[str, Any]) -> None:
    """The chronology counts its persons' names in its own statement: the same names as the
    circle's `display_names`, in child and household mode."""
    people: Store = family["people"]
    boy_id = family["ids"]["school"]
    people.submit(rec(boy(given_names="Alex"), source=SCHOOL, **at("2024-07-01")))
    circle = circle_of(session=people.session, actor=WORKER, person_id=boy_id)
    for household in (False, True):
        found = read(people, boy_id, household=household)
        assert found.name == circle.names[boy_id] == "Alexander Testperson"
        shown = {s.person_id: s.name for e in found.entries for s in e.subjects}
        assert len(shown) == (4 if household else 3)
        assert shown == {pid: circle.names[pid] for pid in shown}


def test_only_the_latest_version_of_a_record_is_on_the_chronology(people: Store) -> None:
    original = rec(boy(), summary="First account.", **at("2024-01-10"))
    people.submit(original)
    people.submit({**original, "summary": "Corrected account."})
    found = read(people, people.person(original["record_id"]))
    assert [e.summary for e in found.entries] == ["Corrected account."]
    assert people.session.scalar(select(func.count()).select_from(Event)) == 2


def test_a_superseded_version_leaves_the_chronology_and_its_successor_is_new(
    people: Store,
) -> None:
    """The chronology reads current events by `Event.superseded` alone: intake must set it
    on every earlier version when a new one arrives, and never on the latest."""
    original = rec(boy(), summary="First account.", **at("2024-01-10"))
    people.submit(original)
    other = rec(boy(), summary="Another record.", **at("2024-02-10"))
    people.submit(other)
    person = people.person(original["record_id"])
    assert read(people, person).total == 2  # the reader's first look
    people.clock.advance(timedelta(hours=2))
    people.submit({**original, "summary": "Corrected account."})
    people.submit({**original, "summary": "Corrected again."})
    people.clock.advance(timedelta(hours=1))
    found = read(people, person)
    assert [e.summary for e in found.entries] == ["Corrected again.", "Another record."]
    assert (found.total, found.matching, found.new_count) == (2, 2, 1)
    assert [e.new for e in found.entries] == [True, False]
    flags = people.session.execute(
        select(Event.summary, Event.superseded)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .where(SourceRecord.record_id == original["record_id"])
        .order_by(Event.id)
    ).all()
    assert [tuple(f) for f in flags] == [
        ("First account.", True),
        ("Corrected account.", True),
        ("Corrected again.", False),
    ]


def test_the_migration_marks_the_earlier_versions_of_a_stored_record(people: Store) -> None:
    original = rec(boy(), summary="First account.", **at("2024-01-10"))
    people.submit(original)
    people.submit({**original, "summary": "Corrected account."})
    people.session.execute(update(Event).values(superseded=False))
    migration = importlib.import_module("joinedup.db.migrations.versions.0009_events_superseded")
    people.session.execute(text(migration.SUPERSEDED))
    people.session.expire_all()
    found = read(people, people.person(original["record_id"]))
    assert [e.summary for e in found.entries] == ["Corrected account."]
    assert people.session.scalar(select(func.count()).where(Event.superseded)) == 1


def _event(family: dict[str, Any], key: str) -> int:
    p: Store = family["people"]
    query = (
        select(Event.id)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .where(SourceRecord.record_id == family["records"][key]["record_id"])
    )
    return int(p.session.scalars(query).one())


def _last(people: Store) -> str:
    return (
        people.session.scalars(
            select(SourceRecord.record_id).order_by(SourceRecord.id.desc())
        ).first()
        or ""
    )


def _any_mention(people: Store) -> int:
    return people.session.scalars(select(Mention.id).order_by(Mention.id)).first() or 0


# -- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def long_history(people: Store) -> tuple[Store, int]:
    """A boy named on 230 school records, one a day, and 20 sealed health records."""
    first = date(2020, 1, 1)
    for n in range(230):
        people.submit(rec(boy(), source=SCHOOL, attributes={"category": "hunger"},
                          **at((first + timedelta(days=n)).isoformat())))  # fmt: skip
    for n in range(20):
        people.submit(rec(boy(), source=HEALTH, sensitivity="restricted",
                          **at((first + timedelta(days=n, hours=1)).isoformat())))  # fmt: skip
    found = people.session.scalars(select(SourceRecord.record_id)).first()
    return people, people.person(found, "c1")


def test_a_page_is_read_from_the_database_with_the_whole_chronology_counted(
    long_history: tuple[Store, int],
) -> None:
    people, person = long_history
    everything = read(people, person, SYSTEM, per_page=None)  # may read sealed records
    assert len(everything.entries) == everything.total == everything.matching == 250
    days = [e.occurred_at for e in everything.entries]
    assert days == sorted(days)
    second = read(people, person, SYSTEM, page=2)
    assert (second.page, second.per_page, second.matching, second.total) == (2, 100, 250, 250)
    assert [e.event_id for e in second.entries] == [e.event_id for e in everything.entries[100:200]]
    assert second.agencies == ["education", "health"] and second.restricted_withheld == 0
    by_worker = read(people, person, page=3)  # may not see sealed records
    assert (by_worker.total, by_worker.matching, by_worker.restricted_withheld) == (230, 230, 20)
    assert len(by_worker.entries) == 30 and by_worker.agencies == ["education"]
    assert {e.agency for e in read(people, person, page=1).entries} == {"education"}


def test_a_page_beyond_the_last_reads_as_the_last_and_filters_page_too(
    long_history: tuple[Store, int],
) -> None:
    people, person = long_history
    beyond = read(people, person, page=99)
    assert beyond.page == 3 and len(beyond.entries) == 30  # 230 seen by a social worker
    assert read(people, person, page=0).page == 1
    health = read(people, person, SYSTEM, agencies=frozenset({"health"}), per_page=15, page=2)
    assert (health.matching, health.total, health.page) == (20, 250, 2)
    assert [e.agency for e in health.entries] == ["health"] * 5
    nothing = read(people, person, agencies=frozenset({"police"}), page=4)
    assert (nothing.matching, nothing.page, nothing.entries) == (0, 1, [])
