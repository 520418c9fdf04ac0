"""Relate an actor to a child, as the access policy reads relationships (ADR 0012).

`allocate` opens (or re-allocates) the child's case to a worker and team; `join_team` puts an
account in a workforce team, and `manage_team` makes it the team's manager; `restrict` marks a
child restricted. All write rows directly, in the caller's session: test set-up, not casework.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.relationship_models import RestrictedChild
from joinedup.access.roles import Actor
from joinedup.casework.models import Case
from joinedup.workforce.models import Team, Worker

WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def allocate(
    session: Session,
    *,
    person_id: int,
    worker: Actor | None,
    team: str = "Assessment team",
    manager: Actor | None = None,
) -> int:
    """The child's open case (opened if there is none), allocated to `worker` in `team`."""
    case = session.scalar(select(Case).where(Case.person_id == person_id, Case.stage != "closed"))
    if case is None:
        case = Case(person_id=person_id, stage="assessment", referral_on=date(2026, 11, 1),
                    referral_source="2A", opened_at=WHEN, updated_at=WHEN, version=1)  # fmt: skip
        session.add(case)
    case.team = team
    case.allocated_user_id = worker.user_id if worker else None
    case.allocated_label = worker.label if worker else None
    case.manager_label = manager.label if manager else None
    session.flush()
    return case.id


def _team(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, created_at=WHEN)
        session.add(team)
        session.flush()
    return team


def join_team(session: Session, *, actor: Actor, team: str) -> None:
    """A post in the team held by the actor's account."""
    session.add(Worker(team_id=_team(session, team).id, user_id=actor.user_id, label=actor.label,
                       role="social_worker", fte=1.0, contract="permanent", annual_cost=50_000,
                       vacant=False, created_at=WHEN))  # fmt: skip
    session.flush()


def manage_team(session: Session, *, actor: Actor, team: str) -> None:
    found = _team(session, team)
    found.manager_user_id, found.manager_label = actor.user_id, actor.label
    session.flush()


def restrict(
    session: Session, *, person_id: int, named: list[Actor], category: str = "adoption"
) -> RestrictedChild:
    row = RestrictedChild(person_id=person_id, category=category, reason="Placed for adoption.",
                          named_user_ids=[a.user_id for a in named if a.user_id is not None],
                          marked_by="test", marked_at=WHEN)  # fmt: skip
    session.add(row)
    session.flush()
    return row
