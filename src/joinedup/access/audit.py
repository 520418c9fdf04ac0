"""Writing audit entries, including refusals that must outlive their rolled-back request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.db.session import keep_after_rollback


def entry_row(
    *,
    actor: Actor,
    action: str,
    outcome: str,
    resource_type: str,
    resource_ids: Sequence[int | str],
    reason: str | None,
    detail: dict[str, Any] | None,
    now: datetime | None,
) -> dict[str, Any]:
    return {
        "occurred_at": now or datetime.now(UTC),
        "actor_user_id": actor.user_id,
        "actor_label": actor.label,
        "actor_role": actor.role.value,
        "action": action,
        "outcome": outcome,
        "resource_type": resource_type,
        "resource_ids": list(resource_ids),
        "reason": reason,
        "detail": detail or {},
    }


def append(session: Session, row: dict[str, Any]) -> None:
    """Append in the caller's transaction: the entry commits, or fails, with the work it records."""
    session.execute(insert(AuditEntry), [row])


def remember_refusal(session: Session, row: dict[str, Any]) -> None:
    """A refusal is followed by a rollback; the entry must outlive it."""
    keep_after_rollback(session, AuditEntry.__table__, row)  # type: ignore[arg-type]
