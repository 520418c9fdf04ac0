"""Break-glass: opening a child's record without a relationship, with a written reason.

A practitioner whose role reads children's records, but who holds no relationship with this
child (ADR 0012), may still open the record when the work cannot wait (a duty call about a
child of another team, out of hours). They write why; the grant lets them read (never write)
the child's record for `MINUTES`; the grant is an audit entry with the outcome "break_glass"
and the reason; information governance, the allocated worker and the personal adviser are told
(`flows.break_glass` writes their inbox notifications, since access may not import sharing).

A restricted child cannot be broken into: for everyone the restriction does not name they do
not exist (`relationships.hidden_from`), so break-glass answers "not found" as every read does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from joinedup.access import audit
from joinedup.access.models import User
from joinedup.access.policy import Action
from joinedup.access.relationship_models import BreakGlassGrant
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor, Role
from joinedup.access.service import NO_SUCH_CHILD, authorise
from joinedup.core.errors import FieldError, NotFound, NotPermitted, ValidationFailed

MINUTES = 60  # how long a grant lasts
REASON_MIN, REASON_MAX = 20, 2000
OUTCOME = "break_glass"
_persons = table("persons", column("id"), column("merged_into_id"))
_cases = table("cases", column("person_id"), column("stage"), column("allocated_user_id"))
_leaving = table("leaving_care", column("person_id"), column("adviser_user_id"),
                 column("closed_on"))  # fmt: skip


@dataclass(frozen=True)
class Grant:
    id: int
    person_id: int
    expires_at: datetime
    alert_user_ids: list[int]  # information governance, the allocated worker and adviser if any


def open_record(
    *,
    session: Session,
    actor: Actor,
    person_id: int,
    reason: str,
    now: datetime,
    minutes: int = MINUTES,
) -> Grant:
    """Grant the actor a time-limited read of the child's record; audited as "break_glass"."""
    authorise(session=session, actor=actor, action=Action.CHILDREN_BREAK_GLASS,
              resource_type="person")  # fmt: skip
    if actor.user_id is None:
        raise NotPermitted("break-glass is for a signed-in person")
    exists = session.scalar(select(_persons.c.id).where(_persons.c.id == person_id))
    if exists is None or hidden_from(session, actor, [person_id]):
        raise NotFound(NO_SUCH_CHILD)
    text = reason.strip()
    if not REASON_MIN <= len(text) <= REASON_MAX:
        message = f"Enter why you need this record, in {REASON_MIN} to {REASON_MAX:,} characters"
        raise ValidationFailed(message, [FieldError("reason", message)])
    expires = now + timedelta(minutes=minutes)
    grant = BreakGlassGrant(user_id=actor.user_id, actor_label=actor.label,
                            actor_role=actor.role.value, person_id=person_id, reason=text,
                            granted_at=now, expires_at=expires)  # fmt: skip
    session.add(grant)
    session.flush()
    audit.append(
        session,
        audit.entry_row(actor=actor, action=Action.CHILDREN_BREAK_GLASS.value, outcome=OUTCOME,
                        resource_type="person", resource_ids=[person_id], reason=text,
                        detail={"grant": grant.id, "minutes": minutes}, now=now),
    )  # fmt: skip
    return Grant(grant.id, person_id, expires, _alerted(session, actor, person_id))


def _alerted(session: Session, actor: Actor, person_id: int) -> list[int]:
    officers = session.scalars(
        select(User.id).where(User.role == Role.INFORMATION_GOVERNANCE.value, User.active)
    )
    allocated = session.scalars(
        select(_cases.c.allocated_user_id).where(
            _cases.c.person_id == person_id,
            _cases.c.stage != "closed",
            _cases.c.allocated_user_id.is_not(None),
        )
    )
    advisers = session.scalars(
        select(_leaving.c.adviser_user_id).where(
            _leaving.c.person_id == person_id,
            _leaving.c.closed_on.is_(None),
            _leaving.c.adviser_user_id.is_not(None),
        )
    )
    return sorted({*officers, *allocated, *advisers} - {actor.user_id})
