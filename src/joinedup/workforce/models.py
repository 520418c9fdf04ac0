"""Workforce: teams, workers (posts, filled or vacant), absences and the history of allocations.

A *worker* is a post in a team: filled by an account (`user_id`) or vacant (`user_id` None and
`vacant` true), permanent or agency, with its FTE, annual cost and dates. An *allocation* row is
one period during which a case was held by one account; the flow that allocates closes the
previous row (`to_on`) and opens the next, so a child's changes of social worker can be counted.
Casework's own tables are never written from here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import UTCDateTime


class Team(Base):
    __tablename__ = "workforce_teams"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    manager_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    manager_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Worker(Base):
    __tablename__ = "workforce_workers"
    __table_args__ = (
        Index("ix_workforce_workers_team", "team_id"),
        Index("ix_workforce_workers_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("workforce_teams.id"))
    user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    label: Mapped[str] = mapped_column(String(120))  # an account name or a post reference
    role: Mapped[str] = mapped_column(String(40))  # workforce.caseload.ROLES
    fte: Mapped[float] = mapped_column(Numeric(4, 2, asdecimal=False))
    contract: Mapped[str] = mapped_column(String(10))  # permanent | agency
    annual_cost: Mapped[int] = mapped_column(Integer)  # pounds, on-costs included
    vacant: Mapped[bool] = mapped_column(Boolean, default=False)
    start_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Absence(Base):
    __tablename__ = "workforce_absences"
    __table_args__ = (Index("ix_workforce_absences_worker", "worker_id", "from_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(BigId, ForeignKey("workforce_workers.id"))
    from_on: Mapped[date] = mapped_column(Date)
    to_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # leave | sickness | training | other
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AllocationPeriod(Base):
    """One case held by one account from `from_on` until `to_on` (None while it still holds it)."""

    __tablename__ = "workforce_allocations"
    __table_args__ = (
        Index("ix_workforce_allocations_case", "case_id", "from_on"),
        Index("ix_workforce_allocations_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(BigId)
    user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    label: Mapped[str] = mapped_column(String(120))
    team: Mapped[str] = mapped_column(String(120))
    from_on: Mapped[date] = mapped_column(Date)
    to_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
