"""Casework: contacts at the front door, information requests, cases and the steps of each case.

A *contact* is what reaches the front door about one child; triage gives it an urgency, asks
partners for what they know, and ends in a decision signed off by a manager. A decision to refer
opens a *case* (one open case per child), which moves through the statutory pathway in
`pathway.TRANSITIONS`. Every step of a case, and every deadline the law sets on it, is a *case
step*: open steps are what is due; done steps are the history. DfE codes are stored as they are.

Each row people edit carries a `version`; SQLAlchemy's version counter makes every UPDATE say
`WHERE version = :seen`, so two people saving from the same version cannot both succeed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_status_due", "status", "decision_due_at"),
        Index("ix_contacts_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_kind: Mapped[str] = mapped_column(String(20))  # pathway.SOURCE_KINDS
    referral_source: Mapped[str] = mapped_column(String(3))  # DfE code (RETURNS.md)
    referrer_name: Mapped[str] = mapped_column(String(200))
    referrer_organisation: Mapped[str] = mapped_column(String(200))
    referrer_agency: Mapped[str] = mapped_column(String(40))
    referrer_contact: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    prompt_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("prompts.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # pathway.CONTACT_TRANSITIONS
    urgency: Mapped[str | None] = mapped_column(String(5), nullable=True)
    decision_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(30), nullable=True)
    rationale: Mapped[str | None] = mapped_column(Text, nullable=True)
    late_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signed_off_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signoff_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)  # who saved last
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook


class InformationRequest(Base):
    """A question from the front door to a named partner agency, with its response deadline."""

    __tablename__ = "information_requests"
    __table_args__ = (
        Index("ix_information_requests_contact", "contact_id"),
        Index("ix_information_requests_open", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(BigId, ForeignKey("contacts.id"))
    agency: Mapped[str] = mapped_column(String(40))  # an exchange-format agency
    organisation: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(5))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10))  # open | replied
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    replied_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recorded_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook


class Case(Base):
    """One episode of need (a CIN census episode): from the referral to its closure."""

    __tablename__ = "cases"
    __table_args__ = (
        # One open case per child, whichever engine (both support partial indexes).
        Index(
            "uq_cases_open_person",
            "person_id",
            unique=True,
            sqlite_where=text("stage != 'closed'"),
            postgresql_where=text("stage != 'closed'"),
        ),
        Index("ix_cases_person", "person_id"),
        Index("ix_cases_allocated", "allocated_user_id", "stage"),
        Index("ix_cases_team", "team", "stage"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    stage: Mapped[str] = mapped_column(String(24))  # pathway.STAGES
    referral_on: Mapped[date] = mapped_column(Date)
    referral_source: Mapped[str] = mapped_column(String(3))
    primary_need: Mapped[str | None] = mapped_column(String(2), nullable=True)
    contact_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    team: Mapped[str | None] = mapped_column(String(120), nullable=True)
    allocated_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    allocated_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    manager_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closure_reason: Mapped[str | None] = mapped_column(String(4), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)  # who saved last
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook


class CaseStep(Base):
    """A step of a case: open while due (with its deadline), done once recorded.

    `details` holds the step's own fields, validated by `steps.DETAILS[kind]` before they are
    stored (categories of abuse, attendees by agency, legal status, the child's views, ...).
    """

    __tablename__ = "case_steps"
    __table_args__ = (
        Index("ix_case_steps_case", "case_id", "kind"),
        Index("ix_case_steps_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(30))  # steps.KINDS
    status: Mapped[str] = mapped_column(String(10))  # open | done | cancelled
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    late_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    event_id: Mapped[int | None] = mapped_column(BigId, nullable=True)  # its chronology record
    recorded_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook
