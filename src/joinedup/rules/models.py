"""Prompts: a rule's question to a human about one child, with its evidence and its answer.

One open prompt per rule and child at a time. A prompt is never deleted and never closes
silently: it ends with an outcome and a written rationale; new evidence while it is open is
added to it; an unanswered prompt escalates to a manager after one working day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class Prompt(Base):
    __tablename__ = "prompts"
    __table_args__ = (
        Index("ix_prompts_person_rule", "person_id", "rule_id", "status"),
        Index("ix_prompts_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("persons.id"))
    rule_id: Mapped[str] = mapped_column(String(60))
    rule_version: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(5))
    explanation: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[int]] = mapped_column(JSONDoc)  # event ids, in time order
    as_of: Mapped[date] = mapped_column(Date)  # the day of the record that made it fire
    route: Mapped[str] = mapped_column(String(12))  # front_door | case
    # Routed to a case: the case, its allocated worker and their manager (casework), if any.
    case_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    assigned_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    assigned_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    manager_label: Mapped[str | None] = mapped_column(String(120), nullable=True)
    contact_id: Mapped[int | None] = mapped_column(BigId, nullable=True)  # the contact it made
    status: Mapped[str] = mapped_column(String(12))  # open | escalated | decided
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    rationale: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
