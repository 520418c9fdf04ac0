"""The record store: organisations, practitioners, source records, versions, events, mentions.

Everything here is written once and never updated, except the pointer `SourceRecord.latest_version`
and its mirror `Event.superseded`, both set when a record's next version is stored.
A mention is stored exactly as sent; identity links to persons live in their own table (people
domain), so linking a mention never rewrites an event or a mention.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("agency", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Practitioner(Base):
    """An author of records, as the source named them (role and contact '' when not given)."""

    __tablename__ = "practitioners"
    __table_args__ = (UniqueConstraint("organisation_id", "name", "role", "contact"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")


class SourceRecord(Base):
    """One record as its organisation identifies it; idempotent on (organisation, record_id)."""

    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("organisation_id", "record_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    first_received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordVersion(Base):
    """The record exactly as sent (`payload`, the JSON text) at one version; immutable."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("source_record_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(BigId, ForeignKey("source_records.id"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    warnings: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Event(Base):
    """What happened, as one version of a source record says; shares its version's key."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_type_occurred", "type", "occurred_at"),
        Index("ix_events_source_record", "source_record_id"),
    )

    id: Mapped[int] = mapped_column(BigId, ForeignKey("record_versions.id"), primary_key=True)
    source_record_id: Mapped[int] = mapped_column(BigId, ForeignKey("source_records.id"))
    organisation_id: Mapped[int] = mapped_column(BigId, ForeignKey("organisations.id"))
    agency: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    date_precision: Mapped[str] = mapped_column(String(8))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("practitioners.id"), nullable=True
    )
    summary: Mapped[str] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    sensitivity: Mapped[str] = mapped_column(String(12))
    # A later version of the record has been stored: readers of current records skip this
    # event without looking up the record's latest version (intake sets it with the pointer).
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Mention(Base):
    """A subject of an event exactly as the source sent it; never edited, never merged."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("event_id", "ref"),
        Index("ix_mentions_nhs_number", "nhs_number"),
        Index("ix_mentions_upn", "upn"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("events.id"))
    ref: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(8))
    relationship: Mapped[str | None] = mapped_column(String(24), nullable=True)
    given_names: Mapped[str | None] = mapped_column(String(200), nullable=True)
    family_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    other_names: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    date_of_birth: Mapped[str | None] = mapped_column(String(10), nullable=True)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    birth_date_precision: Mapped[str | None] = mapped_column(String(8), nullable=True)
    expected_date_of_delivery: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    nhs_number: Mapped[str | None] = mapped_column(String(10), nullable=True)
    nhs_number_valid: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    upn: Mapped[str | None] = mapped_column(String(13), nullable=True)
    upn_valid: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    local_ids: Mapped[dict[str, str]] = mapped_column(JSONDoc, default=dict)
    address_lines: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    town: Mapped[str | None] = mapped_column(String(100), nullable=True)
    postcode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    school_urn: Mapped[str | None] = mapped_column(String(16), nullable=True)
    gp_practice_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    language: Mapped[str | None] = mapped_column(String(40), nullable=True)
    ethnicity: Mapped[str | None] = mapped_column(String(8), nullable=True)
    victim: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    perpetrator: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class IdempotentRequest(Base):
    """An API submission remembered by its Idempotency-Key, so that a retry replays the answer."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("actor_label", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor_label: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
