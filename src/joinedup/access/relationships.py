"""Role × relationship: who an actor is to a child, and which relationships each action needs.

The role policy (`policy.POLICY`) says what a role may ever do; this module says for which
children. A relationship is read from casework and workforce tables by name (SQLAlchemy Core,
as ADR 0009 has reports do), never through their modules: casework imports access, so access
importing casework would be a cycle. ADR 0012 explains the rule and why.

| relationship | the actor is ... |
|---|---|
| allocated   | the worker allocated to the child's open case |
| adviser     | the personal adviser allocated to the young person's open leaving-care record |
| team        | in the team the open case or leaving-care record is allocated to (workforce posts) |
| manager     | the manager of that team, or the manager named on the case |
| chair       | a reviewing officer, and the open case has a conference or review step |
| front_door  | a MASH practitioner, and the child has an open contact or no allocated worker or
|             | adviser |
| duty        | in children's social care, and nobody holds the child (no open case allocated to a
|             | worker or a team, no adviser): a child on nobody's caseload is the front door's
|             | and duty's |
| break_glass | holding an unexpired break-glass grant for the child (reads only) |

Partners' legitimate relationships (school roll, GP registration, a declared involvement) are
`sharing.partners`'s: the partner look-up enforces them itself, and partners have no action
here (the role policy gives them no read of a child's record).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, bindparam, column, select, table
from sqlalchemy.orm import Session

from joinedup.access.policy import Action, permits
from joinedup.access.relationship_models import BreakGlassGrant, RestrictedChild
from joinedup.access.roles import Actor, Role


class Relationship(StrEnum):
    ALLOCATED = "allocated"
    ADVISER = "adviser"
    TEAM = "team"
    MANAGER = "manager"
    CHAIR = "chair"
    FRONT_DOOR = "front_door"
    DUTY = "duty"
    BREAK_GLASS = "break_glass"


R = Relationship
_HOLDERS = frozenset({R.ALLOCATED, R.ADVISER, R.TEAM, R.MANAGER, R.CHAIR})
READ = frozenset({*_HOLDERS, R.FRONT_DOOR, R.DUTY, R.BREAK_GLASS})
WRITE = frozenset({*_HOLDERS, R.DUTY})

# Per action that touches one child: the relationships any one of which lets a permitted role
# act. Roles not in EXEMPT need one; an action not listed needs the role only (a list, a queue,
# a creation before the child is known). Break-glass opens reads, never writes.
NEEDS: dict[Action, frozenset[Relationship]] = {
    Action.CHRONOLOGY_READ: READ,
    Action.PEOPLE_READ: READ,
    Action.CASES_READ: READ,
    Action.CHRONOLOGY_EXPORT: READ - {R.BREAK_GLASS},
    Action.CHRONOLOGY_MARK: WRITE,
    Action.CASES_WRITE: WRITE,
    Action.CASES_CHAIR: frozenset({R.CHAIR, R.MANAGER, R.ALLOCATED, R.ADVISER, R.TEAM, R.DUTY}),
    Action.CASES_OVERSEE: frozenset({R.MANAGER, R.DUTY}),
}
# The platform itself (command line, rules, replays) acts on every child.
EXEMPT = frozenset({Role.SYSTEM})
CHAIRED = ("initial_conference", "review_conference", "cla_review")

_cases = table(
    "cases",
    column("id"),
    column("person_id"),
    column("stage"),
    column("team"),
    column("allocated_user_id"),
    column("allocated_label"),
    column("manager_label"),
)
_steps = table("case_steps", column("case_id"), column("kind"))
# A leaving-care record's adviser and team are those of its latest adviser allocation step.
_leaving = table(
    "leaving_care", column("person_id"), column("adviser_user_id"), column("adviser_label"),
    column("team"), column("closed_on"),
)  # fmt: skip
_contacts = table("contacts", column("person_id"), column("status"))
_persons = table("persons", column("id"), column("merged_into_id"))
_teams = table(
    "workforce_teams", column("id"), column("name"), column("manager_user_id"),
    column("manager_label"),
)  # fmt: skip
_workers = table(
    "workforce_workers", column("team_id"), column("user_id"), column("label"), column("end_on")
)
_OPEN_CONTACT = ("received", "awaiting_signoff")  # casework.pathway: before the decision


def needs(action: Action, role: Role) -> frozenset[Relationship] | None:
    """The relationships the action needs of this role, or None when the role alone suffices."""
    if role in EXEMPT:
        return None
    return NEEDS.get(action)


def hidden_from(session: Session, actor: Actor, person_ids: Sequence[int]) -> set[int]:
    """Which of these persons are restricted and do not name the actor (empty for most).

    A restriction covers the child's whole merge family: the person it was placed on, the
    survivor that person was merged into, and every person merged into that survivor. A case,
    contact, audit or incident keeps the person number it was recorded against, so a child
    merged into a restricted child after the record was made is hidden by the restriction too,
    and a restricted child merged into another does not leave their history on view there.
    """
    if not person_ids or permits(actor.role, Action.CHILDREN_READ_RESTRICTED):
        return set()
    rows = session.execute(
        select(RestrictedChild.person_id, RestrictedChild.named_user_ids).where(
            RestrictedChild.lifted_at.is_(None)
        )
    ).all()  # restrictions in force are few in any authority: a handful, never thousands
    restricted = {pid for pid, named in rows if actor.user_id is None or actor.user_id not in named}
    if not restricted:
        return set()
    return set(person_ids) & _merge_families(session, restricted)


def _merge_families(session: Session, person_ids: set[int]) -> set[int]:
    """The persons and, for each, its survivor and everyone merged into that survivor."""
    family = set(person_ids)
    frontier = set(person_ids)
    while frontier:  # up: to the survivors
        up = {into for (into,) in session.execute(
            select(_persons.c.merged_into_id).where(
                _persons.c.id.in_(frontier), _persons.c.merged_into_id.is_not(None)
            )
        )}  # fmt: skip
        frontier = up - family
        family |= up
    frontier = set(family)
    while frontier:  # down: everyone merged into any of them
        down = {pid for (pid,) in session.execute(
            select(_persons.c.id).where(_persons.c.merged_into_id.in_(frontier))
        )}  # fmt: skip
        frontier = down - family
        family |= down
    return family


def relationships_of(
    session: Session, actor: Actor, person_ids: Sequence[int], now: datetime
) -> frozenset[Relationship]:
    """Every relationship the actor has to the child (the child and anyone merged into them)."""
    ids = list(person_ids)
    found: set[Relationship] = set()
    open_cases: list[Row[Any]] = list(session.execute(
        select(_cases.c.id, _cases.c.team, _cases.c.allocated_user_id, _cases.c.allocated_label,
               _cases.c.manager_label)
        .where(_cases.c.person_id.in_(ids), _cases.c.stage != "closed")
    ))  # fmt: skip
    advisers = _advisers(session, ids)
    holders = [*open_cases, *advisers]
    if not any(h.allocated_user_id is not None or h.allocated_label or h.team is not None
               for h in holders):  # fmt: skip
        found.add(R.DUTY)
    if actor.role is Role.MASH_PRACTITIONER and (
        all(h.allocated_user_id is None and not h.allocated_label for h in holders)
        or _open_contact(session, ids)
    ):
        found.add(R.FRONT_DOOR)
    found |= _holding(session, actor, open_cases, advisers)
    if actor.user_id is not None and _granted(session, actor.user_id, ids, now):
        found.add(R.BREAK_GLASS)
    return frozenset(found)


def _advisers(session: Session, ids: list[int]) -> list[Row[Any]]:
    """The personal adviser and team of the young person's open leaving-care record (named as
    a case names its worker, so that both hold the young person alike)."""
    return list(session.execute(
        select(_leaving.c.team, _leaving.c.adviser_user_id.label("allocated_user_id"),
               _leaving.c.adviser_label.label("allocated_label"))
        .where(_leaving.c.person_id.in_(ids), _leaving.c.closed_on.is_(None))
    ))  # fmt: skip


def _holding(
    session: Session, actor: Actor, cases: Sequence[Row[Any]], advisers: Sequence[Row[Any]]
) -> set[Relationship]:
    """Allocated, adviser, team, manager and chair: matched by account id, or by account name
    (a case and a post name their holder by account name too, so a replay by name is held the
    same). The adviser's team and its manager hold the young person as a case's team does."""
    found: set[Relationship] = set()
    me = actor.user_id

    def mine(user_id: int | None, label: str | None) -> bool:
        return (me is not None and user_id == me) or label == actor.label

    if any(mine(c.allocated_user_id, c.allocated_label) for c in cases):
        found.add(R.ALLOCATED)
    if any(mine(a.allocated_user_id, a.allocated_label) for a in advisers):
        found.add(R.ADVISER)
    if any(c.manager_label == actor.label for c in cases):
        found.add(R.MANAGER)
    teams = {h.team for h in (*cases, *advisers) if h.team is not None}
    if teams:
        found |= _in_teams(session, actor, teams)
    case_ids = [c.id for c in cases]
    if actor.role is Role.REVIEWING_OFFICER and case_ids and session.scalar(
        select(_steps.c.case_id)
        .where(_steps.c.case_id.in_(case_ids), _steps.c.kind.in_(CHAIRED))
        .limit(1)
    ) is not None:  # fmt: skip
        found.add(R.CHAIR)
    return found


def _in_teams(session: Session, actor: Actor, teams: set[str]) -> set[Relationship]:
    """Team and manager, from the workforce's teams and posts. A team with no manager on record
    is covered by every team manager (a vacant manager's post is covered by the others)."""
    found: set[Relationship] = set()
    me = -1 if actor.user_id is None else actor.user_id
    managers = session.execute(
        select(_teams.c.name, _teams.c.manager_user_id, _teams.c.manager_label)
        .where(_teams.c.name.in_(teams))
    ).all()  # fmt: skip
    managed = {t.name for t in managers if t.manager_user_id is not None or t.manager_label}
    if any(t.manager_user_id == me or t.manager_label == actor.label for t in managers) or (
        actor.role is Role.TEAM_MANAGER and teams - managed
    ):
        found.add(R.MANAGER)
    post = session.scalar(
        select(_workers.c.team_id)
        .join(_teams, _teams.c.id == _workers.c.team_id)
        .where(_teams.c.name.in_(teams), _workers.c.end_on.is_(None),
               (_workers.c.user_id == me) | (_workers.c.label == actor.label))
        .limit(1)
    )  # fmt: skip
    if post is not None:
        found.add(R.TEAM)
    return found


def _open_contact(session: Session, ids: list[int]) -> bool:
    found = session.scalar(
        select(_contacts.c.person_id)
        .where(_contacts.c.person_id.in_(ids), _contacts.c.status.in_(_OPEN_CONTACT))
        .limit(1)
    )
    return found is not None


def _granted(session: Session, user_id: int, ids: list[int], now: datetime) -> bool:
    found = session.scalar(
        select(BreakGlassGrant.id)
        .where(
            BreakGlassGrant.user_id == user_id,
            BreakGlassGrant.person_id.in_(ids),
            BreakGlassGrant.expires_at > bindparam("now", now),
        )
        .limit(1)
    )
    return found is not None
