"""Restricted children and break-glass grants (ADR 0012).

A restriction hides a child from everyone but the users it names (and the platform itself); it
is lifted, never deleted, so the history of who could see the child stays. A break-glass grant
lets one user read one child, whom they have no relationship with, for a limited time, with a
written reason; every grant is also an audit entry with the outcome "break_glass".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class RestrictedChild(Base):
    __tablename__ = "restricted_children"
    __table_args__ = (
        # At most one restriction in force per child, whichever engine.
        Index(
            "uq_restricted_children_in_force",
            "person_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))  # restriction.CATEGORIES
    reason: Mapped[str] = mapped_column(Text)
    named_user_ids: Mapped[list[int]] = mapped_column(JSONDoc, default=list)
    marked_by: Mapped[str] = mapped_column(String(120))
    marked_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BreakGlassGrant(Base):
    __tablename__ = "break_glass_grants"
    __table_args__ = (Index("ix_break_glass_grants_user_person", "user_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId)
    actor_label: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
