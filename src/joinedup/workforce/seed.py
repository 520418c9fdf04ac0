"""Demo workforce: teams and posts for the demo accounts, and synthetic colleagues.

Idempotent: a team that exists already is left alone. The colleagues' accounts get random
passwords (nobody signs in as them); their names are post references, never invented people.
Costs are the issue's figures: about £37,000 a year for a permanent social worker (£48,000
with on-costs) and £67,000 for an agency one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.accounts import create_user, get_user
from joinedup.access.demo_accounts import DEMO_ACCOUNTS
from joinedup.access.roles import Actor, Role
from joinedup.workforce import service
from joinedup.workforce.models import Team

PERMANENT, AGENCY = 48_000, 67_000
# (team, manager account, [(account or None for a vacancy, role, FTE, contract)])
TEAMS: tuple[tuple[str, str, tuple[tuple[str | None, str, float, str], ...]], ...] = (
    ("Assessment team", "team.manager", (
        ("social.worker", "social_worker", 1.0, "permanent"),
        ("sw.assess.2", "social_worker", 1.0, "permanent"),
        ("sw.assess.3", "senior_practitioner", 0.8, "permanent"),
        ("sw.assess.4", "social_worker", 1.0, "agency"),
        (None, "social_worker", 1.0, "permanent"),
    )),
    ("Child protection team", "team.manager", (
        ("sw.cp.1", "social_worker", 1.0, "permanent"),
        ("sw.cp.2", "social_worker", 0.6, "permanent"),
        ("sw.cp.3", "social_worker", 1.0, "agency"),
        ("sw.cp.4", "senior_practitioner", 1.0, "agency"),
        (None, "social_worker", 1.0, "permanent"),
    )),
    ("Children in care team", "team.manager", (
        ("sw.cic.1", "social_worker", 1.0, "permanent"),
        ("sw.cic.2", "social_worker", 0.5, "permanent"),
        ("sw.cic.3", "social_worker", 1.0, "permanent"),
        (None, "social_worker", 1.0, "permanent"),
        (None, "family_support", 1.0, "permanent"),
    )),
)  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    teams: int
    posts: int
    vacancies: int
    agency: int


def seed_demo_workforce(*, session: Session, actor: Actor, today: date, now: datetime) -> Seeded:
    teams = posts = vacancies = agency = 0
    for name, manager, rows in TEAMS:
        if session.scalar(select(Team.id).where(Team.name == name)) is not None:
            continue
        boss = get_user(session=session, username=manager)
        team = service.create_team(session=session, actor=actor, name=name,
                                   manager_user_id=boss.id if boss else None,
                                   manager_label=manager, now=now)  # fmt: skip
        teams += 1
        for n, (username, role, fte, contract) in enumerate(rows, 1):
            user_id = _account(session, actor, username, now) if username else None
            service.add_worker(
                session=session, actor=actor, team_id=team, user_id=user_id,
                label=username or f"vacancy.{team}.{n}", role=role, fte=fte, contract=contract,
                annual_cost=AGENCY if contract == "agency" else PERMANENT,
                start_on=date(today.year - 1 - n % 3, 1 + n, 1), vacant=username is None, now=now,
            )  # fmt: skip
            posts += 1
            vacancies += username is None
            agency += contract == "agency"
    return Seeded(teams, posts, vacancies, agency)


def _account(session: Session, actor: Actor, username: str, now: datetime) -> int | None:
    """The account's id; a missing demo account is left unlinked (never made here, so that
    `ensure_demo_accounts` can still make it with the demo password)."""
    found = get_user(session=session, username=username)
    if found is not None:
        return found.id
    if username in {a.username for a in DEMO_ACCOUNTS}:
        return None
    made = create_user(session=session, actor=actor, username=username,
                       display_name=f"Social worker ({username})", role=Role.SOCIAL_WORKER,
                       password=secrets.token_urlsafe(24), now=now)  # fmt: skip
    return made.id
