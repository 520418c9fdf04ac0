"""What the chronology keeps of its own: significant-event marks and when each user last looked.

The chronology itself is read from the record store and the people tables (ADR 0007); it never
writes to them. Marks are append-only: unmarking adds an entry, so the curated chronology's
history — who marked what as significant, and why — is never lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import UTCDateTime


class ChronologyMark(Base):
    """A social worker's mark of an event as significant for a child (`mark`), or its removal."""

    __tablename__ = "chronology_marks"
    __table_args__ = (Index("ix_chronology_marks_person", "person_id", "event_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    event_id: Mapped[int] = mapped_column(BigId, ForeignKey("events.id"))
    action: Mapped[str] = mapped_column(String(8))  # mark | unmark
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    by: Mapped[str] = mapped_column(String(120))
    by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChronologyLook(Base):
    """When a user last looked at a child's chronology, and what they had seen before this visit.

    `seen_up_to` moves on only when a look comes more than a visit's length after the last one,
    so changing a filter does not clear what is new since the previous visit.
    """

    __tablename__ = "chronology_looks"
    __table_args__ = (UniqueConstraint("user_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    seen_up_to: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_looked_at: Mapped[datetime] = mapped_column(UTCDateTime)
