"""Children and their cases made directly in the store, and the people who audit them."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.casework.models import Case, CaseStep
from joinedup.people.models import Person

NOW = datetime.fromisoformat("2026-11-23T09:00:00+00:00")  # FrozenClock's default
TODAY = date(2026, 11, 23)
LEADER = Actor(role=Role.SENIOR_LEADER, label="head.one", user_id=31)
AUDITOR = Actor(role=Role.TEAM_MANAGER, label="auditor.one", user_id=32)
MODERATOR = Actor(role=Role.REVIEWING_OFFICER, label="iro.two", user_id=33)
HOLDER = Actor(role=Role.TEAM_MANAGER, label="manager.holder", user_id=34)
WORKER = Actor(role=Role.SOCIAL_WORKER, label="worker.one", user_id=35)
_SERIAL = itertools.count(1)


def person(session: Session, kind: str = "child") -> int:
    row = Person(kind=kind, created_at=NOW)
    session.add(row)
    session.flush()
    return row.id


def case(
    session: Session,
    stage: str = "child_in_need",
    *,
    team: str = "Team A",
    closed_on: date | None = None,
    overdue: int = 0,
    allocated: Actor | None = None,
    manager: Actor | None = HOLDER,
) -> Case:
    row = Case(
        person_id=person(session),
        stage=stage,
        referral_on=date(2026, 5, 1),
        referral_source="2A",
        team=team,
        allocated_user_id=allocated.user_id if allocated else None,
        allocated_label=allocated.label if allocated else None,
        manager_label=manager.label if manager else None,
        closed_on=closed_on,
        closure_reason="RC8" if closed_on else None,
        opened_at=NOW,
        updated_at=NOW,
        version=1,
    )
    session.add(row)
    session.flush()
    for _ in range(overdue):
        session.add(
            CaseStep(
                case_id=row.id,
                kind="cin_visit",
                status="open",
                due_on=date(2026, 10, 1),
                started_on=date(2026, 9, 1),
                details={},
                created_at=NOW,
                updated_at=NOW,
                version=1,
            )
        )
    session.flush()
    return row


GOOD = {
    key: "good"
    for key in (
        "child_seen",
        "seen_alone",
        "voice",
        "risk_analysis",
        "oversight",
        "timeliness",
        "plan",
    )
}
COMMENTS = dict.fromkeys(GOOD, "Seen within timescales; recorded well.")
