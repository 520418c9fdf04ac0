"""The leaving care service: a young person's leaving-care record and its steps.

A *leaving-care record* is opened for a young person who was looked after and is owed
leaving-care duties (Children Act 1989 ss23A–24B, the Children (Leaving Care) Act 2000): an
eligible, relevant, former relevant or qualifying young person (`eligibility`). It is its own
record, not a case: a care leaver is not a child in need (the CIN census) unless a case is open
for them. Its steps are the personal adviser's allocations, the pathway plan and its reviews
(due at most every six months) and the contacts that say whether the authority is in touch
and what the young person's accommodation and activity are (the SSDA903's OC3).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class LeavingCare(Base):
    __tablename__ = "leaving_care"
    __table_args__ = (
        Index(
            "uq_leaving_care_open_person",
            "person_id",
            unique=True,
            sqlite_where=text("closed_on IS NULL"),
            postgresql_where=text("closed_on IS NULL"),
        ),
        Index("ix_leaving_care_person", "person_id"),
        Index("ix_leaving_care_adviser", "adviser_user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    case_id: Mapped[int | None] = mapped_column(BigId, nullable=True)  # the case of the care
    opened_on: Mapped[date] = mapped_column(Date)
    # Support to 25 on request (Children Act 1989 s23CZB), from this day; else to 21.
    extended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    adviser_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    adviser_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    team: Mapped[str | None] = mapped_column(String(120), nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closure_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook


class LeavingCareStep(Base):
    """A step of a leaving-care record: open while due, done once recorded (as `CaseStep`)."""

    __tablename__ = "leaving_care_steps"
    __table_args__ = (
        Index("ix_leaving_care_steps_record", "record_id", "kind"),
        Index("ix_leaving_care_steps_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(BigId, ForeignKey("leaving_care.id"))
    kind: Mapped[str] = mapped_column(String(30))  # leaving_care_steps.KINDS
    status: Mapped[str] = mapped_column(String(10))  # open | done | cancelled
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    late_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    event_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    recorded_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook
