"""Protected identities: an informant (a contact's referrer, a record's author or one of its
subjects) whose identity no partner and no subject access export may see.

Partners never see a referrer or a record's content at all (the partner look-up returns a
flag: sharing.partners.PartnerFlag); subject access exports withhold every protected identity
(governance.sar). Marking one is audited; a mark is never removed (a correction is a new row).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.casework.models import Contact
from joinedup.core.errors import FieldError, NotFound, ValidationFailed
from joinedup.governance.models import ProtectedIdentity
from joinedup.intake.models import Event, Mention

REASON_LIMIT = 2000


def protect_referrer(
    *, session: Session, actor: Actor, contact_id: int, reason: str, now: datetime
) -> int:
    """Protect the identity of a contact's referrer; the protection's id."""
    _check_reason(reason)
    if session.get(Contact, contact_id) is None:
        raise NotFound(f"no contact {contact_id}")
    row = _add(session, actor, now, reason, contact_id=contact_id)
    require(session=session, actor=actor, action=Action.IDENTITIES_PROTECT,
            resource_type="contact", resource_ids=[contact_id],
            detail={"protection": row.id, "who": "referrer"}, now=now)  # fmt: skip
    return row.id


def protect_informant(
    *,
    session: Session,
    actor: Actor,
    event_id: int,
    subject_ref: str | None,
    reason: str,
    now: datetime,
) -> int:
    """Protect a record's author (`subject_ref` None) or one of its subjects (by `ref`)."""
    _check_reason(reason)
    if session.get(Event, event_id) is None:
        raise NotFound(f"no record {event_id}")
    if subject_ref is not None:
        known = session.scalar(
            select(Mention.id).where(Mention.event_id == event_id, Mention.ref == subject_ref)
        )
        if known is None:
            message = f"the record has no subject {subject_ref!r}"
            raise ValidationFailed(message, [FieldError("subject_ref", message)])
    row = _add(session, actor, now, reason, event_id=event_id, subject_ref=subject_ref)
    require(session=session, actor=actor, action=Action.IDENTITIES_PROTECT,
            resource_type="record_version", resource_ids=[event_id],
            detail={"protection": row.id, "who": "subject" if subject_ref else "author"},
            now=now)  # fmt: skip
    return row.id


def protected_referrers(session: Session, contact_ids: Sequence[int]) -> set[int]:
    """The contacts (of these) whose referrer is protected."""
    if not contact_ids:
        return set()
    query = select(ProtectedIdentity.contact_id).where(
        ProtectedIdentity.contact_id.in_(contact_ids)
    )
    return {i for i in session.scalars(query) if i is not None}


def protected_informants(session: Session, event_ids: Sequence[int]) -> set[tuple[int, str | None]]:
    """(record, subject ref or None for its author) pairs protected, among these records."""
    if not event_ids:
        return set()
    query = select(ProtectedIdentity.event_id, ProtectedIdentity.subject_ref).where(
        ProtectedIdentity.event_id.in_(event_ids)
    )
    return {(e, ref) for e, ref in session.execute(query).all() if e is not None}


def _check_reason(reason: str) -> None:
    if not reason.strip():
        message = "Enter why this identity must be protected"
        raise ValidationFailed(message, [FieldError("reason", message, "required")])
    if len(reason) > REASON_LIMIT:
        message = f"Reason must be {REASON_LIMIT:,} characters or fewer"
        raise ValidationFailed(message, [FieldError("reason", message)])


def _add(
    session: Session,
    actor: Actor,
    now: datetime,
    reason: str,
    *,
    contact_id: int | None = None,
    event_id: int | None = None,
    subject_ref: str | None = None,
) -> ProtectedIdentity:
    row = ProtectedIdentity(
        contact_id=contact_id, event_id=event_id, subject_ref=subject_ref,
        reason=reason.strip(), marked_by=actor.label, marked_by_user_id=actor.user_id,
        marked_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row
