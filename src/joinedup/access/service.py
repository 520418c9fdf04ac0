"""The access gate: every service that touches personal data calls `require` first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from joinedup.access import audit, relationships
from joinedup.access.policy import Action, permits
from joinedup.access.roles import Actor
from joinedup.core.errors import NotFound, NotPermitted

NO_SUCH_CHILD = "There is no child with that number."


@dataclass
class NoRelationship(NotPermitted):
    """The role permits the action, but the actor has no relationship with the child.

    `break_glass` says whether the actor may open the child's record with a written reason.
    """

    person_id: int = 0
    break_glass: bool = False


def authorise(
    *,
    session: Session,
    actor: Actor,
    action: Action,
    resource_type: str,
    child: Sequence[int] | None = None,
    resource_ids: Sequence[int | str] = (),
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> str | None:
    """Check the policy before work whose resource ids are not yet known (a creation).

    The permitted case is audited by `record` once the ids exist, in the same transaction;
    a refusal is recorded here and raises NotPermitted. With `child`, the child is checked
    as `require` checks it (restricted: NotFound; no relationship: NoRelationship), before
    anything is written, and the relationship the work rests on is returned for `record`'s
    entry (None when the role alone suffices). `resource_ids`, when known, name what a refusal
    was of; a permitted check writes no entry.
    """
    if not permits(actor.role, action):
        _refuse(session, actor, action, resource_type, resource_ids, None, detail, now)
    if not child:
        return None
    return _check_child(session, actor, action, child, resource_type, resource_ids, detail, now)


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


def _check_child(
    session: Session,
    actor: Actor,
    action: Action,
    child: Sequence[int],
    resource_type: str,
    resource_ids: Sequence[int | str],
    detail: dict[str, Any] | None,
    now: datetime | None,
) -> str | None:
    """Refuse a restricted child as absent, and a child the actor has no relationship with.

    Returns the relationship the action rests on (None when the role alone suffices).
    """
    refused = {**(detail or {}), "child": child[0]}
    if relationships.hidden_from(session, actor, child):
        refused["restricted"] = True
        _remember(session, actor, action, resource_type, resource_ids, refused, now)
        raise NotFound(NO_SUCH_CHILD)
    wanted = relationships.needs(action, actor.role)
    if wanted is None:
        return None
    have = relationships.relationships_of(session, actor, child, now or datetime.now(UTC))
    held = sorted(have & wanted)
    if held:
        # A relationship of the actor's own comes before break-glass in the audit entry.
        own = [r for r in held if r != relationships.Relationship.BREAK_GLASS]
        return (own or held)[0]
    refused["relationship"] = None
    _remember(session, actor, action, resource_type, resource_ids, refused, now)
    glass = relationships.Relationship.BREAK_GLASS in wanted and permits(
        actor.role, Action.CHILDREN_BREAK_GLASS
    )
    raise NoRelationship(
        f"{actor.role.value} has no relationship with child {child[0]} for {action.value}",
        person_id=child[0],
        break_glass=glass,
    )


def _remember(
    session: Session,
    actor: Actor,
    action: Action,
    resource_type: str,
    resource_ids: Sequence[int | str],
    detail: dict[str, Any],
    now: datetime | None,
) -> None:
    audit.remember_refusal(
        session,
        audit.entry_row(actor=actor, action=action.value, outcome="refused",
                        resource_type=resource_type, resource_ids=resource_ids, reason=None,
                        detail=detail, now=now),
    )  # fmt: skip


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
    child: Sequence[int] | None = None,
) -> None:
    """Check the policy and append the audit entry in the caller's transaction.

    `child` names the one child the action touches (their person id first, then anyone merged
    into them): a restricted child is then refused as not found, and the actor needs the
    relationship the action asks of their role (`relationships.NEEDS`), which the entry records.
    A refusal is recorded too (it survives the rollback that follows) and raises NotPermitted
    (NoRelationship when only the relationship is missing) or NotFound.
    """
    if not permits(actor.role, action):
        _refuse(session, actor, action, resource_type, resource_ids, reason, detail, now)
    if child:
        held = _check_child(session, actor, action, child, resource_type, resource_ids,
                            detail, now)  # fmt: skip
        if held is not None:
            detail = {**(detail or {}), "relationship": held}
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
