"""Decisions not to share: recorded with their ground and reason, as every disclosure is.

The register's other half (DOMAIN.md: "record every decision *not* to share, with reasons").
Recorded by the service that decides, in its transaction, under its action; read by
information governance with the disclosures. Append-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.core.errors import FieldError, NotFound, ValidationFailed
from joinedup.people.models import Person
from joinedup.sharing.models import NonDisclosure
from joinedup.sharing.service import naming
from joinedup.sharing.views import GROUND_LABELS, NonDisclosurePage, NonDisclosureView

REQUESTER_LIMIT, REASON_LIMIT = 300, 2000


def check_decision(*, requester: str, ground: str, reason: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if not requester.strip() or len(requester.strip()) > REQUESTER_LIMIT:
        errors.append(FieldError("requester", "Enter who asked, in 300 characters or fewer"))
    if ground not in GROUND_LABELS:
        errors.append(FieldError("ground", "Select why the information is not shared", "choice"))
    if not reason.strip() or len(reason.strip()) > REASON_LIMIT:
        errors.append(FieldError("reason", "Enter the reason, in 2,000 characters or fewer"))
    return errors


def record_decision_not_to_share(
    *,
    session: Session,
    actor: Actor,
    action: Action,
    person_ids: Sequence[int],
    what: str,
    requester: str,
    ground: str,
    reason: str,
    now: datetime,
) -> int:
    """Add the decision to the register under `action`; its id. The audit entry holds codes
    only (the reason stays in the register)."""
    errors = check_decision(requester=requester, ground=ground, reason=reason)
    if errors:
        raise ValidationFailed("The decision cannot be recorded", errors)
    authorise(session=session, actor=actor, action=action, resource_type="person")
    known = set(session.scalars(select(Person.id).where(Person.id.in_(list(person_ids)))))
    if not person_ids or known != set(person_ids):
        raise NotFound("There is no child with that number.")
    row = NonDisclosure(
        decided_at=now, by_label=actor.label, by_user_id=actor.user_id, by_role=actor.role.value,
        person_ids=list(person_ids), what=what, requester=requester.strip(), ground=ground,
        reason=reason.strip(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action=action, resource_type="person",
           resource_ids=list(person_ids), now=now,
           detail={"non_disclosure": row.id, "what": what, "ground": ground})  # fmt: skip
    return row.id


def list_decisions_not_to_share(
    *, session: Session, actor: Actor, limit: int, offset: int = 0, now: datetime
) -> list[NonDisclosureView]:
    """The decisions newest first, for information governance (audited as a register read)."""
    return decisions_not_to_share(session=session, actor=actor, limit=limit, offset=offset,
                                  now=now).items  # fmt: skip


def decisions_not_to_share(
    *,
    session: Session,
    actor: Actor,
    limit: int,
    offset: int = 0,
    person_id: int | None = None,
    now: datetime,
) -> NonDisclosurePage:
    """The decisions newest first, optionally about one person, with how many there are."""
    require(session=session, actor=actor, action=Action.SHARING_READ,
            resource_type="sharing_register",
            resource_ids=[] if person_id is None else [person_id],
            detail={"offset": offset, "decisions": True, "person": person_id},
            now=now)  # fmt: skip
    query = select(NonDisclosure)
    count = select(func.count(NonDisclosure.id))
    if person_id is not None:
        about = naming(session, NonDisclosure.person_ids, person_id)
        query, count = query.where(about), count.where(about)
    rows = session.scalars(
        query.order_by(NonDisclosure.decided_at.desc(), NonDisclosure.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [
        NonDisclosureView(r.id, r.decided_at, r.by_label, r.by_role, list(r.person_ids or []),
                          r.what, r.requester, r.ground, r.reason)
        for r in rows
    ]  # fmt: skip
    return NonDisclosurePage(items=items, total=session.scalar(count) or 0)
