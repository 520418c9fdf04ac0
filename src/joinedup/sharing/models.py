"""The information-sharing register (one row per disclosure of personal data, append-only) and
the notification outbox.

A disclosure says what left the system (and a SHA-256 of the file, so a copy can be matched to
its row), whose data it held, who disclosed it, to whom, why and on which lawful basis. Rows
are never changed or deleted: the ORM refuses to, and the services offer no way to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from joinedup.db.base import Base, BigId
from joinedup.db.types import JSONDoc, UTCDateTime


class Disclosure(Base):
    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    disclosed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    by_label: Mapped[str] = mapped_column(String(120))  # the account name, as in the audit log
    by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True, index=True)
    by_role: Mapped[str] = mapped_column(String(40))
    person_ids: Mapped[list[int]] = mapped_column(JSONDoc, default=list)  # whose data went
    what: Mapped[str] = mapped_column(String(60))  # a code: chronology_export, ...
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)  # format, entries, ...
    entry_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recipient: Mapped[str] = mapped_column(String(300))  # organisation or person, as entered
    purpose: Mapped[str] = mapped_column(Text)
    lawful_basis: Mapped[str] = mapped_column(String(40))  # a code from views.LAWFUL_BASES


class AppendOnly(RuntimeError):
    """A register row was about to be changed or deleted."""


@event.listens_for(Disclosure, "before_update")
@event.listens_for(Disclosure, "before_delete")
def _refuse_change(_mapper: Mapper[Any], _connection: Any, target: Disclosure) -> None:
    raise AppendOnly(f"the sharing register is append-only (disclosure {target.id})")


class Notification(Base):
    """One message to one recipient on one channel, written in the transaction that caused it.

    A rolled-back transaction leaves no row, so it sends nothing; the relay delivers committed
    rows after commit, at least once. `dedup_key` is unique: the same key twice is one
    notification, and the key travels with the e-mail so that a receiver can drop a resend.
    Inbox rows are delivered by being written (status `delivered`); e-mail rows wait for the relay.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "channel", "next_attempt_at"),
        Index("ix_notifications_recipient", "recipient", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # encompass, cp_is, contact_outcome, ...
    channel: Mapped[str] = mapped_column(String(12))  # inbox | email
    # inbox: "user:<id>", "org:<code>", "team:<name>"; email: the address
    recipient: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    person_ids: Mapped[list[int]] = mapped_column(JSONDoc, default=list)
    disclosure_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    status: Mapped[str] = mapped_column(String(12))  # pending | delivered | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(80), nullable=True)  # a code, no text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # statutory
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NonDisclosure(Base):
    """A decision not to share, with its ground and reason: the other half of the register."""

    __tablename__ = "non_disclosures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    by_label: Mapped[str] = mapped_column(String(120))
    by_user_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    by_role: Mapped[str] = mapped_column(String(40))
    person_ids: Mapped[list[int]] = mapped_column(JSONDoc, default=list)
    what: Mapped[str] = mapped_column(String(60))  # what was asked for: a code
    requester: Mapped[str] = mapped_column(String(300))  # who asked, or would have received it
    ground: Mapped[str] = mapped_column(String(40))  # a code from views.WITHHOLDING_GROUNDS
    reason: Mapped[str] = mapped_column(Text)


@event.listens_for(NonDisclosure, "before_update")
@event.listens_for(NonDisclosure, "before_delete")
def _refuse_change_of_decision(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    raise AppendOnly(f"the sharing register is append-only (decision {target.id})")
