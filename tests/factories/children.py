"""A synthetic family known to five agencies, ingested through the real intake flow.

A boy (Alexander), his sister (Bella), their mother (Mara) and her partner (Mark Newman, the
perpetrator of a domestic abuse incident and later convicted of an offence). The frozen clock
reads 23 November 2026; one health record is known only to the month (June 2024), and the child
protection plan began in a month known only as May 2026 (history from another authority).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from joinedup.config import Settings
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.people.models import MentionLink
from joinedup.testing import FrozenClock
from tests.factories.people import ingest
from tests.unit.people.support import adult, child, nhs, rec

POLICE = {"agency": "police", "organisation": "Testshire Police"}
SCHOOL = {"agency": "education", "organisation": "Sample Primary School"}
HEALTH = {"agency": "health", "organisation": "Testshire NHS Trust"}
CSC = {"agency": "childrens_social_care", "organisation": "Othershire Council"}
TEACHER = {
    "name": "Ms J Teacher",
    "role": "designated safeguarding lead",
    "contact": "01234 000111",
}
NURSE = {"name": "N Sample", "role": "school nurse", "contact": "nurse@example.nhs.uk"}
WORKER = {"name": "S Worker", "role": "social worker", "contact": "01234 000222"}
BOY_NHS = nhs(7100)


def at(day: str, **more: Any) -> dict[str, Any]:
    return {"occurred_at": f"{day}T10:00:00+00:00", "date_precision": "minute",
            "recorded_at": f"{day}T16:30:00+00:00", **more}  # fmt: skip


def boy(**fields: Any) -> dict[str, Any]:
    return child(nhs_number=BOY_NHS, **fields)


def sister(**fields: Any) -> dict[str, Any]:
    return child(ref="c2", given_names="Bella", date_of_birth="2014-09-01", sex="F",
                 nhs_number=nhs(7200), **fields)  # fmt: skip


def partner(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ref": "a2",
        "relationship": "parents_partner",
        "given_names": "Mark",
        "family_name": "Newman",
        "date_of_birth": "1985-06-06",
        "sex": "M",
    }
    return adult(**{**base, **fields})


def family_records() -> dict[str, dict[str, Any]]:
    records = {
        "school": rec(
            boy(other_names=["Alex Oldname"]),
            adult(),
            source=SCHOOL,
            author=TEACHER,
            attributes={"category": "hunger"},
            summary="Arrived hungry <b>again</b>; said nothing at home to eat.",
            **at("2026-10-10"),
        ),
        "incident": rec(
            boy(),
            adult(victim=True),
            partner(perpetrator=True),
            type="domestic_abuse_incident",
            source=POLICE,
            attributes={"children_present": True, "risk_level": "high"},
            summary="Mother assaulted by her partner; the boy was present.",
            **at("2026-09-01"),
        ),
        "offence": rec(
            partner(relationship=None),
            type="adult_offence",
            source=POLICE,
            attributes={"category": "violence"},
            summary="Partner charged with assault in a public place.",
            **at("2026-08-02"),
        ),
        "sister": rec(
            sister(),
            adult(),
            source=SCHOOL,
            author=TEACHER,
            attributes={"category": "hygiene"},
            summary="Bella's uniform unwashed.",
            **at("2026-07-05"),
        ),
        "dental": rec(
            boy(),
            source=HEALTH,
            type="was_not_brought",
            attributes={"service": "dental"},
            summary="Not brought to the dental appointment.",
            author=NURSE,
            occurred_at="2024-06",
            date_precision="month",
            recorded_at="2024-07-02T09:00:00+00:00",
        ),
        "plan": rec(
            boy(),
            source=CSC,
            type="cp_plan_start",
            attributes={"category_of_abuse": "NEG"},
            summary="Child protection plan under neglect (another authority's history).",
            author=WORKER,
            occurred_at="2026-05",
            date_precision="month",
            recorded_at="2026-06-01T09:00:00+00:00",
        ),
    }
    # The offence names only the partner: the same identity as in the incident links him.
    records["offence"]["subjects"][0]["ref"] = "a1"
    return records


def ingest_family(engine: Engine, settings: Settings, clock: FrozenClock) -> dict[str, Any]:
    """Submit the family's records; the ids of each record's first subject and its event."""
    records = family_records()
    for record in records.values():
        ingest(engine, settings, clock, record)
    ids = {key: subject_person(engine, r["record_id"], r["subjects"][0]["ref"])
           for key, r in records.items()}  # fmt: skip
    events = {key: event_of(engine, r["record_id"]) for key, r in records.items()}
    return {"records": records, "ids": ids, "events": events, "boy": ids["school"]}


def subject_person(engine: Engine, record_id: str, ref: str) -> int:
    query = (
        select(MentionLink.person_id)
        .join(Mention, Mention.id == MentionLink.mention_id)
        .join(Event, Event.id == Mention.event_id)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .where(SourceRecord.record_id == record_id, Mention.ref == ref)
    )
    with engine.connect() as connection:
        found = connection.scalar(query)
    assert found is not None
    return found


def event_of(engine: Engine, record_id: str) -> int:
    query = (
        select(Event.id)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .where(SourceRecord.record_id == record_id)
    )
    with engine.connect() as connection:
        found = connection.scalar(query)
    assert found is not None
    return found
