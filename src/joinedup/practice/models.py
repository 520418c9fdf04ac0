"""Practice: early help episodes with their family plans, and professional challenge.

An *early help episode* is one period of below-threshold help for a child: a lead professional
from any agency, the team around the family, a plan of actions with owners and dates, and
reviews on a clock. It starts from a front-door decision, from a partner, or by stepping down
from a closing case, and ends closed or stepped up to children's social care.

An *escalation* is one practitioner's challenge to a decision (a contact closed, advice not to
refer, a case closed, a plan ended). It moves through the partnership's stages on working-day
clocks; each stage it has been at is an `EscalationStep`. A *consultation* is an advice call
about a child: its concern is recorded whatever the advice.

Rows people edit carry a `version` (SQLAlchemy's version counter), as casework's do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class EarlyHelpEpisode(Base):
    __tablename__ = "early_help_episodes"
    __table_args__ = (
        # One open episode per child, whichever engine.
        Index(
            "uq_early_help_open_person",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_early_help_status_review", "status", "review_due_on"),
        Index("ix_early_help_lead", "lead_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    status: Mapped[str] = mapped_column(String(12))  # open | stepped_up | closed
    origin: Mapped[str] = mapped_column(String(12))  # front_door | partner | step_down
    contact_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contacts.id"), nullable=True)
    from_case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), nullable=True)
    lead_name: Mapped[str] = mapped_column(String(200))
    lead_agency: Mapped[str] = mapped_column(String(40))
    lead_organisation: Mapped[str] = mapped_column(String(200))
    lead_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    started_on: Mapped[date] = mapped_column(Date)
    plan_outcomes: Mapped[str | None] = mapped_column(Text, nullable=True)
    plan_agreed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    history: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)  # carried in, as lines
    stepped_up_contact_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook


class EarlyHelpMember(Base):
    """One professional in the team around the family."""

    __tablename__ = "early_help_members"
    __table_args__ = (Index("ix_early_help_members_episode", "episode_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    episode_id: Mapped[int] = mapped_column(BigId, ForeignKey("early_help_episodes.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(40))
    organisation: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EarlyHelpAction(Base):
    """One action of the family plan: what, who owns it, by when; done when recorded."""

    __tablename__ = "early_help_actions"
    __table_args__ = (Index("ix_early_help_actions_episode", "episode_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    episode_id: Mapped[int] = mapped_column(BigId, ForeignKey("early_help_episodes.id"))
    what: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EarlyHelpReview(Base):
    __tablename__ = "early_help_reviews"
    __table_args__ = (Index("ix_early_help_reviews_episode", "episode_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    episode_id: Mapped[int] = mapped_column(BigId, ForeignKey("early_help_episodes.id"))
    held_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    next_due_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Escalation(Base):
    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_open_due", "status", "stage_due_on"),
        Index("ix_escalations_person", "person_id"),
        Index("ix_escalations_raiser", "raised_by"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    subject: Mapped[str] = mapped_column(String(20))  # escalations.SUBJECTS
    contact_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contacts.id"), nullable=True)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"), nullable=True)
    consultation_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("consultations.id"), nullable=True
    )
    raised_by: Mapped[str] = mapped_column(String(120))  # the raiser's account label
    raised_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    raised_by_role: Mapped[str] = mapped_column(String(40))
    raiser_name: Mapped[str] = mapped_column(String(200))
    raiser_organisation: Mapped[str] = mapped_column(String(200))
    raiser_agency: Mapped[str] = mapped_column(String(40))
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))  # open | upheld | not_upheld | withdrawn
    stage: Mapped[str] = mapped_column(String(20))  # clocks.STAGES
    stage_started_on: Mapped[date] = mapped_column(Date)
    stage_due_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    reopened_case_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    new_contact_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook


class EscalationStep(Base):
    """What happened to an escalation: raised, moved on a stage (by a person or its clock),
    resolved; each is also on the child's chronology (`event_id`)."""

    __tablename__ = "escalation_steps"
    __table_args__ = (Index("ix_escalation_steps_escalation", "escalation_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(BigId, ForeignKey("escalations.id"))
    kind: Mapped[str] = mapped_column(String(12))  # raised | escalated | overdue | resolutions
    stage: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[int | None] = mapped_column(BigId, nullable=True)


class Consultation(Base):
    """An advice call to the front door about a child: the concern is always recorded."""

    __tablename__ = "consultations"
    __table_args__ = (Index("ix_consultations_person", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    caller_name: Mapped[str] = mapped_column(String(200))
    caller_organisation: Mapped[str] = mapped_column(String(200))
    caller_agency: Mapped[str] = mapped_column(String(40))
    concern: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(String(12))  # refer | early_help | no_referral
    advice_reasons: Mapped[str] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    advised_by: Mapped[str] = mapped_column(String(120))
    advised_at: Mapped[datetime] = mapped_column(UTCDateTime)
