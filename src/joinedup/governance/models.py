"""Information governance's own records: legal holds, retention decisions, protected identities
and the unusual-volume alerts raised from the audit log.

None of them has a foreign key to the personal data it governs: a decision to dispose of a
person's records, the hold that stopped it, and the alert about who read them must outlive the
records themselves (as the audit log does, holding ids only).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import UTCDateTime


class LegalHold(Base):
    """Stops disposal of a person's records while it is in force (lifted_at is None)."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(120))
    placed_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lifted_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lift_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class RetentionDecision(Base):
    """What information governance decided at a retention review: retain, extend or dispose."""

    __tablename__ = "retention_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, index=True)
    decision: Mapped[str] = mapped_column(String(8))  # retain | extend | dispose
    reason: Mapped[str] = mapped_column(Text)
    retention_class: Mapped[str] = mapped_column(String(24))
    due_on: Mapped[date] = mapped_column(Date)  # the retention date under review
    review_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # extend: next review
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ProtectedIdentity(Base):
    """An informant whose identity no partner and no subject access export may see: a
    contact's referrer (contact_id), or a record's author or one of its subjects (event_id,
    with subject_ref naming the subject; None for the author)."""

    __tablename__ = "protected_identities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    event_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    subject_ref: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    marked_by: Mapped[str] = mapped_column(String(120))
    marked_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditAlert(Base):
    """One account that viewed an unusual number of children in one day (once per key)."""

    __tablename__ = "audit_alerts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    actor_label: Mapped[str] = mapped_column(String(120))
    actor_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    children: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    norm: Mapped[int] = mapped_column(Integer)  # the account's own daily median, last 30 days
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
