"""The information-sharing register: one row per disclosure of personal data, append-only.

A disclosure says what left the system (and a SHA-256 of the file, so a copy can be matched to
its row), whose data it held, who disclosed it, to whom, why and on which lawful basis. Rows
are never changed or deleted: the ORM refuses to, and the services offer no way to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, event
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
