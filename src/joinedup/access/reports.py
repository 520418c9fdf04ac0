"""Reading the audit log, for information governance. Reading it is itself audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, exists, func, or_, select
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


# The audit reports (issue 9): who looked at a child, and what a user looked at. Both read the
# log by the resources an entry names; the child's ids of each kind are resolved by the caller
# (governance.reports), which knows the other domains' tables.


def _naming(session: Session, resource_type: str, ids: Sequence[int]) -> ColumnElement[bool]:
    """Entries of `resource_type` whose `resource_ids` hold any of `ids`."""
    if session.get_bind().dialect.name == "postgresql":
        members = func.jsonb_array_elements_text(AuditEntry.resource_ids).table_valued("value")
        wanted: list[Any] = [str(i) for i in ids]
    else:
        members = func.json_each(AuditEntry.resource_ids).table_valued("value")
        wanted = [*ids, *(str(i) for i in ids)]
    named = exists(select(1).select_from(members).where(column("value").in_(wanted)))
    return and_(AuditEntry.resource_type == resource_type, named)


def entries_about(
    *,
    session: Session,
    actor: Actor,
    refs: Mapping[str, Sequence[int]],
    subject: int,
    limit: int | None = None,
    now: datetime | None = None,
) -> list[AuditRow]:
    """Every entry naming any of the resources in `refs` (resource type -> ids), oldest first.

    `subject` is the person the question is about; reading is audited, naming them."""
    require(
        session=session,
        actor=actor,
        action=Action.AUDIT_READ,
        resource_type="audit_log",
        resource_ids=[subject],
        detail={"report": "who_looked", "kinds": {k: len(v) for k, v in refs.items() if v}},
        now=now,
    )
    clauses = [_naming(session, kind, ids) for kind, ids in refs.items() if ids]
    if not clauses:
        return []
    query = select(AuditEntry).where(or_(*clauses))
    query = query.order_by(AuditEntry.occurred_at, AuditEntry.id)
    if limit is not None:
        query = query.limit(limit)
    return [_row(entry) for entry in session.scalars(query)]


def entries_by(
    *,
    session: Session,
    actor: Actor,
    actor_label: str,
    since: datetime,
    until: datetime,
    now: datetime | None = None,
) -> list[AuditRow]:
    """Every entry written by one account in [since, until), oldest first; audited."""
    require(
        session=session,
        actor=actor,
        action=Action.AUDIT_READ,
        resource_type="audit_log",
        detail={"report": "user_activity", "account": actor_label,
                "since": since.isoformat(), "until": until.isoformat()},
        now=now,
    )  # fmt: skip
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_label == actor_label)
        .where(AuditEntry.occurred_at >= since, AuditEntry.occurred_at < until)
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    return [_row(entry) for entry in rows]
