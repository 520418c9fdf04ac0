"""Practice quality: audit rounds and their case audits, serious incidents, and the actions both
give rise to. Grades are stored by standard in `CaseAudit.grades` as
`{standard: {"grade": ..., "comment": ...}}` (`audits.STANDARDS`, `audits.GRADES`).

Each row people edit carries a `version` (SQLAlchemy's version counter), as casework's rows do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class AuditRound(Base):
    """One round of case audits: the sample drawn, with the seed that reproduces it."""

    __tablename__ = "quality_audit_rounds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    method: Mapped[str] = mapped_column(String(10))  # sampling.METHODS
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)  # asked for
    look_back_days: Mapped[int] = mapped_column(Integer)  # closed cases within this many days
    drawn_on: Mapped[date] = mapped_column(Date)
    population: Mapped[int] = mapped_column(Integer)  # cases it was drawn from
    strata: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)  # stratum → cases
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseAudit(Base):
    """One sampled case: graded by an auditor, then moderated by a second."""

    __tablename__ = "quality_case_audits"
    __table_args__ = (
        Index("ix_quality_case_audits_round", "round_id", "status"),
        Index("ix_quality_case_audits_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(BigId, ForeignKey("quality_audit_rounds.id"))
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(BigId)
    stratum: Mapped[str] = mapped_column(String(20))  # sampling.STRATA
    team: Mapped[str | None] = mapped_column(String(120), nullable=True)  # at the draw
    status: Mapped[str] = mapped_column(String(12))  # to_do | submitted | moderated
    auditor_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    auditor_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    grades: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    overall: Mapped[str | None] = mapped_column(String(24), nullable=True)
    overall_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    moderator_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    moderator_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    moderation: Mapped[str | None] = mapped_column(String(10), nullable=True)  # agreed | changed
    moderated_overall: Mapped[str | None] = mapped_column(String(24), nullable=True)
    moderation_reasons: Mapped[str | None] = mapped_column(Text, nullable=True)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook

    @property
    def final_grade(self) -> str | None:
        """The moderated grade once moderated, else the auditor's."""
        return self.moderated_overall or self.overall


class SeriousIncident(Base):
    """A child died or was seriously harmed and abuse or neglect is known or suspected."""

    __tablename__ = "quality_incidents"
    __table_args__ = (Index("ix_quality_incidents_person", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(20))  # incidents.KINDS
    incident_on: Mapped[date] = mapped_column(Date)
    aware_on: Mapped[date] = mapped_column(Date)  # the authority became aware
    summary: Mapped[str] = mapped_column(Text)
    notified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notification_ref: Mapped[str | None] = mapped_column(String(40), nullable=True)
    review_from: Mapped[date] = mapped_column(Date)  # the rapid review's period
    review_to: Mapped[date] = mapped_column(Date)
    analysis: Mapped[str | None] = mapped_column(Text, nullable=True)  # the reviewers'
    rapid_review_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # completed
    lcspr_decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    lcspr_decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lcspr_published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook


class QualityAction(Base):
    """An action from a case audit or a learning action from a serious incident."""

    __tablename__ = "quality_actions"
    __table_args__ = (
        Index("ix_quality_actions_audit", "audit_id"),
        Index("ix_quality_actions_incident", "incident_id"),
        Index("ix_quality_actions_open", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    audit_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("quality_case_audits.id"), nullable=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("quality_incidents.id"), nullable=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_label: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # open | done
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completion_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook
