"""The access gate: every service that touches personal data calls `require` first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from joinedup.access import audit
from joinedup.access.policy import Action, permits
from joinedup.access.roles import Actor
from joinedup.core.errors import NotPermitted


def authorise(*, session: Session, actor: Actor, action: Action, resource_type: str) -> None:
    """Check the policy before work whose resource ids are not yet known (a creation).

    The permitted case is audited by `record` once the ids exist, in the same transaction;
    a refusal is recorded here and raises NotPermitted.
    """
    if not permits(actor.role, action):
        _refuse(session, actor, action, resource_type, (), None, None, None)


def _refuse(
    session: Session,
    actor: Actor,
    action: Action,
    resource_type: str,
    resource_ids: Sequence[int | str],
    reason: str | None,
    detail: dict[str, Any] | None,
    now: datetime | None,
) -> None:
    row = audit.entry_row(
        actor=actor,
        action=action.value,
        outcome="refused",
        resource_type=resource_type,
        resource_ids=resource_ids,
        reason=reason,
        detail=detail,
        now=now,
    )
    audit.remember_refusal(session, row)
    raise NotPermitted(f"{actor.role.value} may not {action.value}")


def require(
    *,
    session: Session,
    actor: Actor,
    action: Action,
    resource_type: str,
    resource_ids: Sequence[int | str] = (),
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Check the policy and append the audit entry in the caller's transaction.

    A refusal is recorded too (it survives the rollback that follows) and raises NotPermitted.
    """
    if not permits(actor.role, action):
        _refuse(session, actor, action, resource_type, resource_ids, reason, detail, now)
    audit.append(
        session,
        audit.entry_row(
            actor=actor,
            action=action.value,
            outcome="permitted",
            resource_type=resource_type,
            resource_ids=resource_ids,
            reason=reason,
            detail=detail,
            now=now,
        ),
    )


def record(
    *,
    session: Session,
    actor: Actor,
    action: Action,
    resource_type: str,
    resource_ids: Sequence[int | str],
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Append an entry for work already permitted, once its resource ids are known."""
    audit.append(
        session,
        audit.entry_row(
            actor=actor,
            action=action.value,
            outcome="permitted",
            resource_type=resource_type,
            resource_ids=resource_ids,
            reason=None,
            detail=detail,
            now=now,
        ),
    )
