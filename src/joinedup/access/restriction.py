"""Restricted children: hidden from everyone but the users a restriction names (ADR 0012).

A child placed for adoption, a member of staff's own family or a public figure is marked
restricted by a manager or information governance, with a category and a reason. From then on
the child exists only for the users the restriction names (the marker always among them) and
for the platform itself: search leaves them out, and every read by anyone else is refused as
"not found", indistinguishable from a child who does not exist (a refusal that said "restricted"
would itself disclose that the child is known). Marking and lifting are audited; a restriction is
lifted, never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from joinedup.access.models import User
from joinedup.access.policy import Action
from joinedup.access.relationship_models import RestrictedChild
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record
from joinedup.core.errors import Conflict, FieldError, NotFound, ValidationFailed

__all__ = [
    "CATEGORIES",
    "Restriction",
    "hidden_from",
    "lift",
    "list_restrictions",
    "may_restrict",
    "restrict",
]

CATEGORIES = {
    "adoption": "Adoption",
    "staff_family": "A member of staff's own family",
    "public_figure": "A public figure or their family",
    "other": "Another reason (say why)",
}
REASON_MIN, REASON_MAX = 10, 2000
_persons = table("persons", column("id"))


@dataclass(frozen=True)
class Restriction:
    id: int
    person_id: int
    category: str
    reason: str
    named_user_ids: list[int]
    named: list[str]  # the named users' account names
    marked_by: str
    marked_at: datetime


def may_restrict(*, session: Session, actor: Actor) -> None:
    """Refuse (audited) an actor whose role may not mark children restricted."""
    authorise(session=session, actor=actor, action=Action.CHILDREN_RESTRICT, resource_type="person")


def restrict(
    *,
    session: Session,
    actor: Actor,
    person_id: int,
    category: str,
    reason: str,
    named_usernames: Sequence[str],
    now: datetime,
) -> Restriction:
    """Mark the child restricted; the marker is always named, so they keep sight of the child."""
    authorise(session=session, actor=actor, action=Action.CHILDREN_RESTRICT, resource_type="person")
    if session.scalar(select(_persons.c.id).where(_persons.c.id == person_id)) is None:
        raise NotFound(f"person {person_id} does not exist")
    if person_id in hidden_from(session, actor, [person_id]):
        raise NotFound(f"person {person_id} does not exist")
    named = _named(session, actor, category, reason, named_usernames)
    if _in_force(session, person_id) is not None:
        raise Conflict("this child is restricted already: lift the restriction to change it")
    row = RestrictedChild(
        person_id=person_id,
        category=category,
        reason=reason.strip(),
        named_user_ids=sorted(named),
        marked_by=actor.label,
        marked_by_user_id=actor.user_id,
        marked_at=now,
    )
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action=Action.CHILDREN_RESTRICT, resource_type="person",
           resource_ids=[person_id], now=now,
           detail={"change": "restricted", "category": category, "restriction": row.id,
                   "named_users": sorted(named)})  # fmt: skip
    return _view(session, row)


def lift(*, session: Session, actor: Actor, person_id: int, now: datetime) -> None:
    """Lift the restriction in force (the row stays, with who lifted it and when)."""
    authorise(session=session, actor=actor, action=Action.CHILDREN_RESTRICT, resource_type="person")
    row = _in_force(session, person_id)
    if row is None or person_id in hidden_from(session, actor, [person_id]):
        raise NotFound(f"no restriction in force on person {person_id}")
    row.lifted_at, row.lifted_by = now, actor.label
    session.flush()
    record(session=session, actor=actor, action=Action.CHILDREN_RESTRICT, resource_type="person",
           resource_ids=[person_id], detail={"change": "lifted", "restriction": row.id},
           now=now)  # fmt: skip


def list_restrictions(*, session: Session, actor: Actor, now: datetime) -> list[Restriction]:
    """The restrictions in force that the reader is named on (the platform: all of them)."""
    authorise(session=session, actor=actor, action=Action.CHILDREN_RESTRICT, resource_type="person")
    rows = list(
        session.scalars(
            select(RestrictedChild)
            .where(RestrictedChild.lifted_at.is_(None))
            .order_by(RestrictedChild.marked_at.desc(), RestrictedChild.id.desc())
        )
    )
    hidden = hidden_from(session, actor, [r.person_id for r in rows])
    shown = [r for r in rows if r.person_id not in hidden]
    record(session=session, actor=actor, action=Action.CHILDREN_RESTRICT, resource_type="person",
           resource_ids=[r.person_id for r in shown], detail={"list": "restrictions"},
           now=now)  # fmt: skip
    return [_view(session, r) for r in shown]


def _named(
    session: Session, actor: Actor, category: str, reason: str, usernames: Sequence[str]
) -> set[int]:
    problems = []
    if category not in CATEGORIES:
        problems.append(FieldError("category", "Choose why the child is restricted"))
    if not REASON_MIN <= len(reason.strip()) <= REASON_MAX:
        problems.append(FieldError(
            "reason", f"Enter a reason of {REASON_MIN} to {REASON_MAX:,} characters"))  # fmt: skip
    wanted = {u.strip() for u in usernames if u.strip()}
    rows = session.execute(select(User.username, User.id).where(User.username.in_(wanted)))
    found = {username: user_id for username, user_id in rows}
    unknown = sorted(wanted - set(found))
    if unknown:
        problems.append(FieldError("named", f"No account is named {', '.join(unknown)}"))
    if problems:
        raise ValidationFailed("The restriction could not be recorded", problems)
    return set(found.values()) | ({actor.user_id} if actor.user_id is not None else set())


def _in_force(session: Session, person_id: int) -> RestrictedChild | None:
    return session.scalar(
        select(RestrictedChild).where(
            RestrictedChild.person_id == person_id, RestrictedChild.lifted_at.is_(None)
        )
    )


def _view(session: Session, row: RestrictedChild) -> Restriction:
    names = session.scalars(
        select(User.username).where(User.id.in_(row.named_user_ids)).order_by(User.username)
    )
    return Restriction(row.id, row.person_id, row.category, row.reason,
                       list(row.named_user_ids), list(names), row.marked_by,
                       row.marked_at)  # fmt: skip
