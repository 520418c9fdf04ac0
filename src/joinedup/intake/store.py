"""Writing a batch of validated records: organisations, authors, source records, versions,
events and mentions, with Core bulk statements (a few round trips per batch, not per row)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, false, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from joinedup.db.bulk import bulk_insert_all, reserve_many
from joinedup.intake.models import (
    Event,
    Mention,
    Organisation,
    Practitioner,
    RecordVersion,
    SourceRecord,
)
from joinedup.intake.validation import Parsed, ParsedSubject

_T_ORG: Table = Organisation.__table__  # type: ignore[assignment]
_T_PRAC: Table = Practitioner.__table__  # type: ignore[assignment]
_T_SRC: Table = SourceRecord.__table__  # type: ignore[assignment]
_T_VER: Table = RecordVersion.__table__  # type: ignore[assignment]
_T_EVENT: Table = Event.__table__  # type: ignore[assignment]
_T_MENTION: Table = Mention.__table__  # type: ignore[assignment]

OrgKey = tuple[str, str]
AuthorKey = tuple[int, str, str, str]


def insert_missing(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT DO NOTHING on either engine: safe if another writer got there first."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    session.execute(statement.on_conflict_do_nothing(), list(rows))


def organisation_ids(
    session: Session, parsed: Sequence[Parsed], now: datetime
) -> dict[OrgKey, int]:
    """The organisations' ids, each written the first time it sends (one statement a batch
    once every organisation is known: the look-up)."""
    wanted: dict[OrgKey, str | None] = {}
    for item in parsed:
        source = item.record.source
        wanted.setdefault((source.agency, source.organisation), source.organisation_code)
    columns = (_T_ORG.c.agency, _T_ORG.c.name)
    found = _known(session, columns, _T_ORG.c.id, list(wanted))
    missing = [key for key in wanted if key not in found]
    if missing:
        insert_missing(
            session,
            _T_ORG,
            [
                {"agency": a, "name": n, "code": wanted[(a, n)], "created_at": now}
                for a, n in missing
            ],
        )
        found.update(_known(session, columns, _T_ORG.c.id, missing))
    return found


def author_ids(
    session: Session, parsed: Sequence[Parsed], orgs: dict[OrgKey, int]
) -> dict[AuthorKey, int]:
    """The authors' ids (practitioners of the organisations), each written the first time."""
    wanted: set[AuthorKey] = set()
    for item in parsed:
        key = author_key(item, orgs)
        if key is not None:
            wanted.add(key)
    if not wanted:
        return {}
    columns = (_T_PRAC.c.organisation_id, _T_PRAC.c.name, _T_PRAC.c.role, _T_PRAC.c.contact)
    found = _known(session, columns, _T_PRAC.c.id, sorted(wanted))
    missing = sorted(key for key in wanted if key not in found)
    if missing:
        insert_missing(
            session,
            _T_PRAC,
            [{"organisation_id": o, "name": n, "role": r, "contact": c} for o, n, r, c in missing],
        )
        found.update(_known(session, columns, _T_PRAC.c.id, missing))
    return found


def _known(
    session: Session, columns: Sequence[Any], ident: Any, keys: Sequence[tuple[Any, ...]]
) -> dict[Any, int]:
    """The ids of the rows whose `columns` are among `keys`, by key."""
    found = session.execute(select(*columns, ident).where(tuple_(*columns).in_(list(keys))))
    return {tuple(row[:-1]): row[-1] for row in found}


def author_key(item: Parsed, orgs: dict[OrgKey, int]) -> AuthorKey | None:
    author = item.record.author
    if author is None:
        return None
    org = orgs[(item.record.source.agency, item.record.source.organisation)]
    return (org, author.name, author.role or "", author.contact or "")


def current_versions(
    session: Session, keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], tuple[int, int, str]]:
    """(organisation id, record_id) → (source record id, latest version, its content hash).

    One query a batch: an OR of one `organisation_id = ? AND record_id IN (…)` per organisation,
    which both engines answer from the unique index (a row-value IN is planned badly on
    PostgreSQL; a query per organisation costs a round trip each). On PostgreSQL the rows are
    locked; SQLite's writers are serialised by BEGIN IMMEDIATE already.
    """
    by_org: dict[int, list[str]] = {}
    for org, record_id in keys:
        by_org.setdefault(org, []).append(record_id)
    if not by_org:
        return {}
    wanted = or_(
        *(
            and_(_T_SRC.c.organisation_id == org, _T_SRC.c.record_id.in_(sorted(ids)))
            for org, ids in sorted(by_org.items())
        )
    )
    query = (
        select(
            _T_SRC.c.organisation_id,
            _T_SRC.c.record_id,
            _T_SRC.c.id,
            _T_SRC.c.latest_version,
            _T_VER.c.content_hash,
        )
        .join(
            _T_VER,
            and_(
                _T_VER.c.source_record_id == _T_SRC.c.id,
                _T_VER.c.version == _T_SRC.c.latest_version,
            ),
        )
        .where(wanted)
        .with_for_update(of=_T_SRC)
    )
    return {(o, r): (ident, v, digest) for o, r, ident, v, digest in session.execute(query)}


@dataclass(frozen=True)
class Reserved:
    """Primary keys taken for a batch's new rows before they are written."""

    sources: list[int]
    versions: list[int]
    mentions: list[int]


def reserve(session: Session, *, sources: int, versions: int, mentions: int) -> Reserved:
    """Keys for the batch's new source records, versions (an event shares its version's key)
    and mentions, in one statement."""
    ids = reserve_many(session, {_T_SRC: sources, _T_VER: versions, _T_MENTION: mentions})
    return Reserved(ids[_T_SRC], ids[_T_VER], ids[_T_MENTION])


def insert_records(
    session: Session,
    *,
    sources: Sequence[dict[str, Any]],
    versions: Sequence[dict[str, Any]],
    events: Sequence[dict[str, Any]],
    mentions: Sequence[dict[str, Any]],
) -> None:
    """The batch's rows, each table's after those it refers to (one statement for a few rows on
    PostgreSQL, `bulk_insert_all`)."""
    bulk_insert_all(
        session,
        [(_T_SRC, sources), (_T_VER, versions), (_T_EVENT, events), (_T_MENTION, mentions)],
    )


def source_row(ident: int, key: tuple[int, str], now: datetime) -> dict[str, Any]:
    return {
        "id": ident,
        "organisation_id": key[0],
        "record_id": key[1],
        "latest_version": 1,
        "first_received_at": now,
    }


def raise_latest_versions(session: Session, latest: dict[int, int]) -> None:
    """Point each source record at its new latest version, and mark its earlier versions'
    events superseded (the chronology reads current events by that flag alone)."""
    if not latest:
        return
    pointer = (
        update(_T_SRC)
        .where(_T_SRC.c.id == bindparam("sid"))
        .values(latest_version=bindparam("latest"))
    )
    earlier = select(_T_VER.c.id).where(
        _T_VER.c.source_record_id == bindparam("sid"), _T_VER.c.version < bindparam("latest")
    )
    superseded = (
        update(_T_EVENT)
        .where(_T_EVENT.c.source_record_id == bindparam("sid"), _T_EVENT.c.id.in_(earlier))
        .where(_T_EVENT.c.superseded == false())
        .values(superseded=True)
    )
    rows = [{"sid": sid, "latest": version} for sid, version in latest.items()]
    connection = session.connection()
    connection.execute(pointer, rows)
    connection.execute(superseded, rows)


def event_row(
    item: Parsed, version_id: int, source_id: int, org_id: int, author_id: int | None, now: datetime
) -> dict[str, Any]:
    record = item.record
    return {
        "id": version_id,
        "source_record_id": source_id,
        "organisation_id": org_id,
        "agency": record.source.agency,
        "type": record.type,
        "occurred_at": item.occurred_at,
        "date_precision": item.date_precision,
        "recorded_at": item.recorded_at or now,
        "author_id": author_id,
        "summary": record.summary,
        "attributes": record.attributes,
        "sensitivity": record.sensitivity,
    }


def mention_row(ident: int, event_id: int, parsed: ParsedSubject) -> dict[str, Any]:
    s = parsed.subject
    address = s.address
    return {
        "id": ident,
        "event_id": event_id,
        "ref": s.ref,
        "role": s.role,
        "relationship": s.relationship,
        "given_names": s.given_names,
        "family_name": s.family_name,
        "other_names": list(s.other_names),
        "date_of_birth": s.date_of_birth,
        "birth_date": parsed.birth_date,
        "birth_date_precision": parsed.birth_date_precision,
        "expected_date_of_delivery": parsed.expected_date_of_delivery,
        "sex": s.sex,
        "nhs_number": parsed.nhs_number,
        "nhs_number_valid": parsed.nhs_number_valid,
        "upn": s.upn,
        "upn_valid": parsed.upn_valid,
        "local_ids": dict(s.local_ids),
        "address_lines": list(address.lines) if address else [],
        "town": address.town if address else None,
        "postcode": address.postcode if address else None,
        "school_urn": s.school_urn,
        "gp_practice_code": s.gp_practice_code,
        "language": s.language,
        "ethnicity": s.ethnicity,
        "victim": s.victim,
        "perpetrator": s.perpetrator,
    }
