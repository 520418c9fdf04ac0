"""Reading a circle's events: one query for every linked mention, then entries built in order.

The query reads the record store and the people tables directly (ADR 0007): the events whose
subjects are linked to the given persons, at each record's latest version, with organisation
and author. Each row is one (event, linked subject); rows are grouped into entries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from joinedup.chronology import classify
from joinedup.chronology.models import ChronologyMark
from joinedup.chronology.views import Entry, Mark, Subject
from joinedup.intake.models import (
    Event,
    Mention,
    Organisation,
    Practitioner,
    RecordVersion,
    SourceRecord,
)
from joinedup.people.batchsql import among
from joinedup.people.models import MentionLink

# An adult's records that belong on a child's own chronology (the household's are all shown in
# household mode): what the adult did or suffered that bears on the child's safety.
ADULT_TYPES = frozenset(
    {"domestic_abuse_incident", "adult_offence", "adult_risk", "change_of_household", "housing"}
)
WITHHELD_SENSITIVE = "Health or sexual-health detail: not shown to your role."


def rows_query() -> Select[Any]:
    """Every linked subject of every event, at the record's latest version (the bench reuses it)."""
    found: Any = (
        select(
            MentionLink.person_id,
            Mention.role,
            Mention.relationship,
            Mention.victim,
            Mention.perpetrator,
            Event.id,
            Event.source_record_id,
            SourceRecord.record_id,
            Event.occurred_at,
            Event.date_precision,
            Event.recorded_at,
            RecordVersion.received_at,
            Event.agency,
            Organisation.name,
            Practitioner.name,
            Practitioner.role,
            Practitioner.contact,
            Event.type,
            Event.summary,
            Event.attributes,
            Event.sensitivity,
        )
        .select_from(MentionLink)
        .join(Mention, Mention.id == MentionLink.mention_id)
        .join(Event, Event.id == Mention.event_id)
        .join(RecordVersion, RecordVersion.id == Event.id)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .join(Organisation, Organisation.id == Event.organisation_id)
        .outerjoin(Practitioner, Practitioner.id == Event.author_id)
        .where(RecordVersion.version == SourceRecord.latest_version)
        .order_by(Event.occurred_at, Event.id)
    )
    return found  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Reader:
    """What this reader may see, and what is new to them."""

    sensitive: bool  # may read health and sexual-health detail
    restricted: bool  # may read sealed records
    seen_up_to: datetime | None  # entries received after this are new (None: nothing is new)


@dataclass(slots=True)
class Built:
    entries: list[Entry]
    restricted_withheld: int


def entries_for(
    session: Session,
    *,
    own: Collection[int],
    adults: Collection[int],
    household: Collection[int],
    names: Mapping[int, str],
    reader: Reader,
) -> Built:
    """The chronology of a child (`own`), with adults' relevant records and, if given, the
    whole household's records."""
    persons = {*own, *adults, *household}
    rows = session.execute(rows_query().where(among(session, MentionLink.person_id, persons)))
    marks = _marks(session, own)
    built = Built([], 0)
    grouped: dict[int, list[Sequence[Any]]] = {}
    order: list[int] = []
    for row in rows:
        if row[5] not in grouped:
            grouped[row[5]] = []
            order.append(row[5])
        grouped[row[5]].append(row)
    for event_id in order:
        group = grouped[event_id]
        if not _belongs(group, own, adults, household):
            continue
        if group[0][20] == "restricted" and not reader.restricted:
            built.restricted_withheld += 1
            continue
        built.entries.append(_entry(group, own, names, reader, marks.get(event_id)))
    return built


def _belongs(
    group: Sequence[Sequence[Any]],
    own: Collection[int],
    adults: Collection[int],
    household: Collection[int],
) -> bool:
    kind = group[0][17]
    for row in group:
        person = row[0]
        if person in own or person in household:
            return True
        if person in adults and (kind in ADULT_TYPES or row[4]):
            return True
    return False


def _entry(
    group: Sequence[Sequence[Any]],
    own: Collection[int],
    names: Mapping[int, str],
    reader: Reader,
    mark: Mark | None,
) -> Entry:
    r = group[0]
    kind, agency, attributes = r[17], r[12], r[19] or {}
    hidden = r[20] == "sensitive" and not reader.sensitive
    subjects = tuple(
        Subject(
            person_id=row[0],
            name=names.get(row[0], ""),
            role=row[1],
            relationship=None if row[0] in own else row[2],
            victim=bool(row[3]),
            perpetrator=bool(row[4]),
        )
        for row in group
    )
    return Entry(
        event_id=r[5],
        source_record_id=r[6],
        record_id=r[7],
        occurred_at=r[8],
        date_precision=r[9],
        recorded_at=r[10],
        received_at=r[11],
        agency=agency,
        organisation=r[13],
        author=r[14],
        author_role=r[15] or None,
        author_contact=r[16] or None,
        type=kind,
        summary=None if hidden else r[18],
        withheld=WITHHELD_SENSITIVE if hidden else None,
        attributes={} if hidden else dict(attributes),
        severity=classify.severity(kind, attributes),
        statutory=kind in classify.STATUTORY,
        seen=classify.seen(kind, agency, attributes),
        seen_alone=classify.seen_alone(attributes),
        voice=classify.voice(kind, attributes),
        subjects=subjects,
        about_child=any(s.person_id in own for s in subjects),
        new=reader.seen_up_to is not None and r[11] > reader.seen_up_to,
        mark=mark,
    )


def _marks(session: Session, own: Iterable[int]) -> dict[int, Mark]:
    """The standing marks: the latest entry per event decides (mark or unmark)."""
    found: dict[int, Mark | None] = {}
    query = (
        select(ChronologyMark)
        .where(among(session, ChronologyMark.person_id, own))
        .order_by(ChronologyMark.id)
    )
    for m in session.scalars(query):
        found[m.event_id] = Mark(m.note, m.by, m.at) if m.action == "mark" else None
    return {event: mark for event, mark in found.items() if mark is not None}
