"""The information-sharing register: recording each disclosure, and reading the register.

A disclosure is recorded by the service that makes it, in the same transaction as the audit
entry and the work itself (an export, a notification), so there is never a disclosure without
its row. Reading the register is audited too. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, column, exists, func, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.sharing.models import Disclosure
from joinedup.sharing.views import (
    BASIS_LABELS,
    LAWFUL_BASES,
    DisclosurePage,
    DisclosureView,
    LawfulBasis,
)

__all__ = [
    "LAWFUL_BASES",
    "DisclosurePage",
    "DisclosureView",
    "LawfulBasis",
    "check_disclosure",
    "list_disclosures",
    "record_disclosure",
]

RECIPIENT_LIMIT = 300
PURPOSE_LIMIT = 2000


def check_disclosure(*, recipient: str, purpose: str, lawful_basis: str) -> list[FieldError]:
    """What is wrong with a disclosure's to-whom, why and lawful basis: one error per field."""
    errors: list[FieldError] = []
    if not recipient.strip():
        errors.append(FieldError("recipient", "Enter who the information is going to", "required"))
    elif len(recipient.strip()) > RECIPIENT_LIMIT:
        errors.append(
            FieldError("recipient", f"Recipient must be {RECIPIENT_LIMIT} characters or fewer")
        )
    if not purpose.strip():
        errors.append(
            FieldError("purpose", "Enter why the information is being shared", "required")
        )
    elif len(purpose.strip()) > PURPOSE_LIMIT:
        errors.append(
            FieldError("purpose", f"Purpose must be {PURPOSE_LIMIT:,} characters or fewer")
        )
    if lawful_basis not in BASIS_LABELS:
        errors.append(FieldError("lawful_basis", "Select the lawful basis for sharing", "choice"))
    return errors


def record_disclosure(
    *,
    session: Session,
    actor: Actor,
    action: Action,
    person_ids: Sequence[int],
    what: str,
    entry_count: int,
    details: Mapping[str, Any],
    sha256: str | None,
    recipient: str,
    purpose: str,
    lawful_basis: str,
    now: datetime,
) -> int:
    """Add a row to the register for a disclosure made under `action`; its id.

    The audit entry (under the same action, naming every person whose data went, with the
    register row's id and `details`) is written in the caller's transaction. `details` must
    hold codes and counts only: it is copied into the audit log.
    """
    errors = check_disclosure(recipient=recipient, purpose=purpose, lawful_basis=lawful_basis)
    if errors:
        raise ValidationFailed("The disclosure cannot be recorded", errors)
    authorise(session=session, actor=actor, action=action, resource_type="person")
    row = Disclosure(
        disclosed_at=now,
        by_label=actor.label,
        by_user_id=actor.user_id,
        by_role=actor.role.value,
        person_ids=list(person_ids),
        what=what,
        details=dict(details),
        entry_count=entry_count,
        sha256=sha256,
        recipient=recipient.strip(),
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
    )
    session.add(row)
    session.flush()
    require(
        session=session,
        actor=actor,
        action=action,
        resource_type="person",
        resource_ids=list(person_ids),
        detail={"disclosure": row.id, "what": what, "entries": entry_count,
                "lawful_basis": lawful_basis, **details},
        now=now,
    )  # fmt: skip
    return row.id


def list_disclosures(
    *,
    session: Session,
    actor: Actor,
    limit: int,
    offset: int = 0,
    person_id: int | None = None,
    now: datetime,
) -> DisclosurePage:
    """The register newest first, for information governance; optionally about one person."""
    require(
        session=session,
        actor=actor,
        action=Action.SHARING_READ,
        resource_type="sharing_register",
        resource_ids=[] if person_id is None else [person_id],
        detail={"offset": offset, "person": person_id},
        now=now,
    )
    query = select(Disclosure)
    count = select(func.count(Disclosure.id))
    if person_id is not None:
        query = query.where(_about(session, person_id))
        count = count.where(_about(session, person_id))
    rows = session.scalars(
        query.order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return DisclosurePage(items=[_view(r) for r in rows], total=session.scalar(count) or 0)


def _about(session: Session, person_id: int) -> ColumnElement[bool]:
    return naming(session, Disclosure.person_ids, person_id)


def naming(session: Session, person_ids: Any, person_id: int) -> ColumnElement[bool]:
    """Rows whose `person_ids` list includes the person (JSONB on PostgreSQL, JSON text on
    SQLite): the disclosures, or the decisions not to share, about one person."""
    if session.get_bind().dialect.name == "postgresql":
        return type_coerce(person_ids, JSONB).contains([person_id])
    members = func.json_each(person_ids).table_valued("value")
    return exists(select(1).select_from(members).where(column("value") == person_id))


def _view(row: Disclosure) -> DisclosureView:
    return DisclosureView(
        id=row.id,
        disclosed_at=row.disclosed_at,
        by_label=row.by_label,
        by_user_id=row.by_user_id,
        by_role=row.by_role,
        person_ids=list(row.person_ids or []),
        what=row.what,
        details=dict(row.details or {}),
        entry_count=row.entry_count,
        sha256=row.sha256,
        recipient=row.recipient,
        purpose=row.purpose,
        lawful_basis=row.lawful_basis,
    )
