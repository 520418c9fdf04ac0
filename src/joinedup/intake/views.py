"""Reading the record store back: lists of records received and one record in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action, permits
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.core.errors import NotFound
from joinedup.intake.models import (
    Event,
    Mention,
    Organisation,
    Practitioner,
    RecordVersion,
    SourceRecord,
)

SENSITIVE_WITHHELD = "Sensitive health detail: withheld from your role."


@dataclass(frozen=True)
class RecordSummary:
    source_record_id: int
    record_id: str
    organisation: str
    agency: str
    type: str
    occurred_at: datetime
    date_precision: str
    recorded_at: datetime
    latest_version: int
    sensitivity: str
    received_at: datetime


@dataclass(frozen=True)
class RecordPage:
    items: list[RecordSummary]
    total: int


@dataclass(frozen=True)
class SubjectView:
    ref: str
    role: str
    relationship: str | None
    given_names: str | None
    family_name: str | None
    date_of_birth: str | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    postcode: str | None


@dataclass(frozen=True)
class VersionView:
    version: int
    received_at: datetime
    content_hash: str


@dataclass(frozen=True)
class RecordDetail:
    summary: RecordSummary
    text: str
    attributes: dict[str, Any]
    author_name: str | None
    author_role: str | None
    author_contact: str | None
    subjects: list[SubjectView]
    versions: list[VersionView]
    warnings: list[dict[str, Any]]
    withheld_reason: str | None = None


def _summary_query() -> Any:
    return (
        select(
            SourceRecord.id,
            SourceRecord.record_id,
            Organisation.name,
            Event.agency,
            Event.type,
            Event.occurred_at,
            Event.date_precision,
            Event.recorded_at,
            SourceRecord.latest_version,
            Event.sensitivity,
            RecordVersion.received_at,
        )
        .join(Organisation, Organisation.id == SourceRecord.organisation_id)
        .join(
            RecordVersion,
            and_(
                RecordVersion.source_record_id == SourceRecord.id,
                RecordVersion.version == SourceRecord.latest_version,
            ),
        )
        .join(Event, Event.id == RecordVersion.id)
    )


def list_records(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    limit: int = 50,
    offset: int = 0,
    agency: str | None = None,
) -> RecordPage:
    """The latest version of each record received, newest first."""
    query = _summary_query()
    count = select(func.count()).select_from(SourceRecord)
    if agency:
        query = query.where(Event.agency == agency)
        count = count.join(Organisation).where(Organisation.agency == agency)
    rows = session.execute(query.order_by(SourceRecord.id.desc()).limit(limit).offset(offset))
    items = [RecordSummary(*row) for row in rows]
    require(
        session=session,
        actor=actor,
        action=Action.RECORDS_READ,
        resource_type="source_record",
        resource_ids=[item.source_record_id for item in items],
        detail={"view": "list", "agency": agency, "offset": offset},
        now=now,
    )
    return RecordPage(items=items, total=session.scalar(count) or 0)


def get_record(
    *, session: Session, actor: Actor, source_record_id: int, now: datetime
) -> RecordDetail:
    """One record at its latest version, with its history; sensitivity rules applied."""
    require(
        session=session,
        actor=actor,
        action=Action.RECORDS_READ,
        resource_type="source_record",
        resource_ids=[source_record_id],
        detail={"view": "detail"},
        now=now,
    )
    row = session.execute(_summary_query().where(SourceRecord.id == source_record_id)).first()
    if row is None:
        raise NotFound("There is no record with that number.")
    summary = RecordSummary(*row)
    if summary.sensitivity == "restricted":
        require(
            session=session,
            actor=actor,
            action=Action.RECORDS_READ_RESTRICTED,
            resource_type="source_record",
            resource_ids=[source_record_id],
            now=now,
        )
    event, version = session.execute(
        select(Event, RecordVersion)
        .join(RecordVersion, RecordVersion.id == Event.id)
        .where(
            RecordVersion.source_record_id == source_record_id,
            RecordVersion.version == summary.latest_version,
        )
    ).one()
    withheld = summary.sensitivity == "sensitive" and not permits(
        actor.role, Action.RECORDS_READ_SENSITIVE
    )
    author = session.get(Practitioner, event.author_id) if event.author_id else None
    return RecordDetail(
        summary=summary,
        text=SENSITIVE_WITHHELD if withheld else event.summary,
        attributes={} if withheld else dict(event.attributes),
        author_name=author.name if author else None,
        author_role=(author.role or None) if author else None,
        author_contact=(author.contact or None) if author else None,
        subjects=_subjects(session, event.id),
        versions=_versions(session, source_record_id),
        warnings=list(version.warnings),
        withheld_reason=SENSITIVE_WITHHELD if withheld else None,
    )


def _subjects(session: Session, event_id: int) -> list[SubjectView]:
    mentions = session.scalars(
        select(Mention).where(Mention.event_id == event_id).order_by(Mention.id)
    )
    return [
        SubjectView(
            m.ref,
            m.role,
            m.relationship,
            m.given_names,
            m.family_name,
            m.date_of_birth,
            m.sex,
            m.nhs_number,
            m.upn,
            m.postcode,
        )
        for m in mentions
    ]


def _versions(session: Session, source_record_id: int) -> list[VersionView]:
    rows = session.execute(
        select(RecordVersion.version, RecordVersion.received_at, RecordVersion.content_hash)
        .where(RecordVersion.source_record_id == source_record_id)
        .order_by(RecordVersion.version)
    )
    return [VersionView(*row) for row in rows]
