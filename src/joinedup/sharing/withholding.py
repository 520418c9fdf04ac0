"""Decisions not to share: recorded with their ground and reason, as every disclosure is.

The register's other half (DOMAIN.md: "record every decision *not* to share, with reasons").
Recorded by the service that decides, in its transaction, under its action; read by
information governance with the disclosures. Append-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.sharing.models import NonDisclosure
from joinedup.sharing.views import GROUND_LABELS, NonDisclosureView

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
    require(session=session, actor=actor, action=Action.SHARING_READ,
            resource_type="sharing_register", detail={"offset": offset, "decisions": True},
            now=now)  # fmt: skip
    rows = session.scalars(
        select(NonDisclosure)
        .order_by(NonDisclosure.decided_at.desc(), NonDisclosure.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        NonDisclosureView(r.id, r.decided_at, r.by_label, r.by_role, list(r.person_ids or []),
                          r.what, r.requester, r.ground, r.reason)
        for r in rows
    ]  # fmt: skip
