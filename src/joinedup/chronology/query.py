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

from sqlalchemy import Select, Table, select
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
    """Every linked subject of every event, at the record's latest version (the bench reuses it).

    Written against the tables, not the ORM classes: the rows are read as plain tuples, which
    at 2,000 events a child is most of the time a chronology takes.
    """
    ml, m, e = _table(MentionLink), _table(Mention), _table(Event)
    rv, sr = _table(RecordVersion), _table(SourceRecord)
    org, pr = _table(Organisation), _table(Practitioner)
    found: Any = (
        select(
            ml.c.person_id,
            m.c.role,
            m.c.relationship,
            m.c.victim,
            m.c.perpetrator,
            e.c.id,
            e.c.source_record_id,
            sr.c.record_id,
            e.c.occurred_at,
            e.c.date_precision,
            e.c.recorded_at,
            rv.c.received_at,
            e.c.agency,
            org.c.name,
            pr.c.name,
            pr.c.role,
            pr.c.contact,
            e.c.type,
            e.c.summary,
            e.c.attributes,
            e.c.sensitivity,
        )
        .select_from(ml)
        .join(m, m.c.id == ml.c.mention_id)
        .join(e, e.c.id == m.c.event_id)
        .join(rv, rv.c.id == e.c.id)
        .join(sr, sr.c.id == e.c.source_record_id)
        .join(org, org.c.id == e.c.organisation_id)
        .outerjoin(pr, pr.c.id == e.c.author_id)
        .where(rv.c.version == sr.c.latest_version)
        .order_by(e.c.occurred_at, e.c.id)
    )
    return found  # type: ignore[no-any-return]


def for_persons(session: Session, persons: Collection[int]) -> Select[Any]:
    """`rows_query()` for the given persons."""
    return rows_query().where(among(session, _table(MentionLink).c.person_id, persons))


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


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
    whole household's records.

    Two queries: the linked subjects (small columns) decide which events belong; then each
    of those events is read once, with its organisation and author.
    """
    persons = {*own, *adults, *household}
    subjects: dict[int, list[Sequence[Any]]] = {}
    for row in session.execute(_subjects_query(session, persons)).all():
        subjects.setdefault(row[1], []).append(row)
    wanted = [e for e, group in subjects.items() if _belongs(group, own, adults, household)]
    marks = _marks(session, own)
    built = Built([], 0)
    for row in session.execute(_events_query(session, wanted)).all():
        if row[13] == "restricted" and not reader.restricted:
            built.restricted_withheld += 1
            continue
        built.entries.append(_entry(row, subjects[row[0]], own, names, reader, marks.get(row[0])))
    return built


def _subjects_query(session: Session, persons: Collection[int]) -> Select[Any]:
    ml, m, e = _table(MentionLink), _table(Mention), _table(Event)
    rv, sr = _table(RecordVersion), _table(SourceRecord)
    found: Any = (
        select(
            ml.c.person_id,
            m.c.event_id,
            m.c.role,
            m.c.relationship,
            m.c.victim,
            m.c.perpetrator,
            e.c.type,
        )
        .select_from(ml)
        .join(m, m.c.id == ml.c.mention_id)
        .join(e, e.c.id == m.c.event_id)
        .join(rv, rv.c.id == e.c.id)
        .join(sr, sr.c.id == e.c.source_record_id)
        .where(among(session, ml.c.person_id, persons))
        .where(rv.c.version == sr.c.latest_version)
        .order_by(m.c.event_id, m.c.id)  # each entry's subjects in the order the source gave
    )
    return found  # type: ignore[no-any-return]


def _events_query(session: Session, events: Collection[int]) -> Select[Any]:
    e, rv, sr = _table(Event), _table(RecordVersion), _table(SourceRecord)
    org, pr = _table(Organisation), _table(Practitioner)
    found: Any = (
        select(
            e.c.id,
            e.c.source_record_id,
            sr.c.record_id,
            e.c.occurred_at,
            e.c.date_precision,
            e.c.recorded_at,
            rv.c.received_at,
            e.c.agency,
            org.c.name,
            pr.c.name,
            pr.c.role,
            pr.c.contact,
            e.c.type,
            e.c.sensitivity,
            e.c.summary,
            e.c.attributes,
        )
        .select_from(e)
        .join(rv, rv.c.id == e.c.id)
        .join(sr, sr.c.id == e.c.source_record_id)
        .join(org, org.c.id == e.c.organisation_id)
        .outerjoin(pr, pr.c.id == e.c.author_id)
        .where(among(session, e.c.id, events))
        .order_by(e.c.occurred_at, e.c.id)
    )
    return found  # type: ignore[no-any-return]


def _belongs(
    group: Sequence[Sequence[Any]],
    own: Collection[int],
    adults: Collection[int],
    household: Collection[int],
) -> bool:
    kind = group[0][6]
    for row in group:
        person = row[0]
        if person in own or person in household:
            return True
        if person in adults and (kind in ADULT_TYPES or row[5]):
            return True
    return False


def _entry(
    r: Sequence[Any],
    group: Sequence[Sequence[Any]],
    own: Collection[int],
    names: Mapping[int, str],
    reader: Reader,
    mark: Mark | None,
) -> Entry:
    kind, agency, attributes = r[12], r[7], r[15] or {}
    hidden = r[13] == "sensitive" and not reader.sensitive
    subjects = tuple(
        Subject(
            row[0],
            names.get(row[0], ""),
            row[2],
            None if row[0] in own else row[3],
            bool(row[4]),
            bool(row[5]),
        )
        for row in group
    )
    return Entry(
        event_id=r[0],
        source_record_id=r[1],
        record_id=r[2],
        occurred_at=r[3],
        date_precision=r[4],
        recorded_at=r[5],
        received_at=r[6],
        agency=agency,
        organisation=r[8],
        author=r[9],
        author_role=r[10] or None,
        author_contact=r[11] or None,
        type=kind,
        summary=None if hidden else r[14],
        withheld=WITHHELD_SENSITIVE if hidden else None,
        attributes={} if hidden else dict(attributes),
        severity=classify.severity(kind, attributes),
        statutory=kind in classify.STATUTORY,
        seen=classify.seen(kind, agency, attributes),
        seen_alone=classify.seen_alone(attributes),
        voice=classify.voice(kind, attributes),
        subjects=subjects,
        about_child=any(s.person_id in own for s in subjects),
        new=reader.seen_up_to is not None and r[6] > reader.seen_up_to,
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
