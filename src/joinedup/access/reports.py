"""Reading the audit log, for information governance. Reading it is itself audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require

OUTCOMES = ("permitted", "refused")


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    actor_label: str
    actor_role: str
    action: str
    outcome: str
    resource_type: str
    resource_ids: list[Any]
    reason: str | None


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditRow]
    total: int
    actions: list[str]  # every action in the log, for a filter's choices


def list_entries(
    *,
    session: Session,
    actor: Actor,
    limit: int,
    offset: int,
    actor_label: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    now: datetime | None = None,
) -> AuditPage:
    """Entries newest first, filtered by account name, action and outcome (each exact).

    The read is audited first, in the caller's transaction, so the page shows its own entry.
    """
    filters = {"actor_label": actor_label, "action": action, "outcome": outcome}
    require(
        session=session,
        actor=actor,
        action=Action.AUDIT_READ,
        resource_type="audit_log",
        detail={"filters": {k: v for k, v in filters.items() if v}, "offset": offset},
        now=now,
    )
    query = _filtered(select(AuditEntry), actor_label, action, outcome)
    count = _filtered(select(func.count(AuditEntry.id)), actor_label, action, outcome)
    rows = session.scalars(
        query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [_row(entry) for entry in rows]
    actions = list(
        session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )
    return AuditPage(items=items, total=session.scalar(count) or 0, actions=actions)


def _filtered(
    query: Select[Any], actor_label: str | None, action: str | None, outcome: str | None
) -> Select[Any]:
    if actor_label:
        query = query.where(AuditEntry.actor_label == actor_label)
    if action:
        query = query.where(AuditEntry.action == action)
    if outcome:
        query = query.where(AuditEntry.outcome == outcome)
    return query


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        id=entry.id,
        occurred_at=entry.occurred_at,
        actor_label=entry.actor_label,
        actor_role=entry.actor_role,
        action=entry.action,
        outcome=entry.outcome,
        resource_type=entry.resource_type,
        resource_ids=list(entry.resource_ids or []),
        reason=entry.reason,
    )
