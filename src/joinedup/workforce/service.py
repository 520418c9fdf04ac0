"""Workforce services: teams, posts and absences; caseloads, suggestions and the waiting list.

Every read of caseloads names children's cases, so each asks `access.require` (workforce:read)
and is audited with ids and counts only. Teams and posts are kept by managers (workforce:manage).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.casework import service as casework
from joinedup.config import Settings
from joinedup.core.errors import FieldError, NotFound, ValidationFailed
from joinedup.people.circle import circle_of
from joinedup.workforce import caseload
from joinedup.workforce.caseload import Load, OpenCase, Post, Suggestion, Weights
from joinedup.workforce.models import Absence, AllocationPeriod, Team, Worker

CONTRACTS = ("permanent", "agency")
ABSENCE_KINDS = ("leave", "sickness", "training", "other")


@dataclass(frozen=True)
class Rules:
    """The authority's caseload rules: weights per kind of case and the cap per FTE."""

    weights: Weights
    cap_per_fte: float

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        weights = Weights(
            child_protection=settings.caseload_weight_child_protection,
            looked_after=settings.caseload_weight_looked_after,
            child_in_need=settings.caseload_weight_child_in_need,
            assessment=settings.caseload_weight_assessment,
        )
        return cls(weights, settings.caseload_cap_per_fte)


DEFAULT_RULES = Rules(Weights(), 18.0)


# -- teams, posts, absences ----------------------------------------------------------------------


def create_team(
    *, session: Session, actor: Actor, name: str, manager_user_id: int | None,
    manager_label: str | None, now: datetime,
) -> int:  # fmt: skip
    authorise(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="team")
    team = Team(name=name, manager_user_id=manager_user_id, manager_label=manager_label,
                created_at=now)  # fmt: skip
    session.add(team)
    session.flush()
    record(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="team",
           resource_ids=[team.id], detail={"change": "created"}, now=now)  # fmt: skip
    return team.id


def add_worker(
    *,
    session: Session,
    actor: Actor,
    team_id: int,
    label: str,
    role: str,
    fte: float,
    contract: str,
    annual_cost: int,
    start_on: date | None,
    now: datetime,
    user_id: int | None = None,
    end_on: date | None = None,
    vacant: bool = False,
) -> int:
    """A post in a team: filled by an account (or not yet linked to one), or vacant."""
    authorise(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="worker")
    _check_post(role, fte, contract, annual_cost, start_on, end_on)
    if session.get(Team, team_id) is None:
        raise NotFound(f"team {team_id} does not exist")
    worker = Worker(team_id=team_id, user_id=user_id, label=label, role=role, fte=fte,
                    contract=contract, annual_cost=annual_cost, vacant=vacant,
                    start_on=start_on, end_on=end_on, created_at=now)  # fmt: skip
    session.add(worker)
    session.flush()
    record(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="worker",
           resource_ids=[worker.id], detail={"change": "created", "contract": contract},
           now=now)  # fmt: skip
    return worker.id


def _check_post(
    role: str, fte: float, contract: str, cost: int, start: date | None, end: date | None
) -> None:
    errors = []
    if role not in caseload.ROLES:
        errors.append(FieldError("role", "not a role this service knows"))
    if not 0 < fte <= 1:
        errors.append(FieldError("fte", "more than 0 and at most 1"))
    if contract not in CONTRACTS:
        errors.append(FieldError("contract", "permanent or agency"))
    if cost < 0:
        errors.append(FieldError("annual_cost", "not negative"))
    if start and end and end < start:
        errors.append(FieldError("end_on", "not before the start"))
    if errors:
        raise ValidationFailed("The post is not valid", errors)


def record_absence(
    *, session: Session, actor: Actor, worker_id: int, from_on: date, to_on: date, kind: str,
    now: datetime,
) -> int:  # fmt: skip
    authorise(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="absence")
    if kind not in ABSENCE_KINDS or to_on < from_on:
        raise ValidationFailed("The absence is not valid", [FieldError("to_on", "from before to")])
    if session.get(Worker, worker_id) is None:
        raise NotFound(f"worker {worker_id} does not exist")
    absence = Absence(worker_id=worker_id, from_on=from_on, to_on=to_on, kind=kind, created_at=now)
    session.add(absence)
    session.flush()
    record(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="absence",
           resource_ids=[absence.id], detail={"worker": worker_id, "kind": kind},
           now=now)  # fmt: skip
    return absence.id


def list_workers(session: Session, today: date) -> list[Worker]:
    """Every post current on `today` (started and not ended), vacant ones included."""
    return list(session.scalars(
        select(Worker)
        .where((Worker.start_on.is_(None)) | (Worker.start_on <= today))
        .where((Worker.end_on.is_(None)) | (Worker.end_on >= today))
        .order_by(Worker.id)
    ))  # fmt: skip


def posts(session: Session, today: date) -> list[Post]:
    """The filled case-holding posts current on `today`, as the arithmetic takes them (those
    without an account hold the cases allocated by their name)."""
    teams: dict[int, str] = {i: n for i, n in session.execute(select(Team.id, Team.name))}
    return [
        Post(w.id, w.user_id, w.label, teams[w.team_id], float(w.fte), w.contract)
        for w in list_workers(session, today)
        if not w.vacant and w.role in caseload.CASE_HOLDING
    ]


def absent_users(session: Session, today: date) -> frozenset[int]:
    rows = session.scalars(
        select(Worker.user_id).join(Absence, Absence.worker_id == Worker.id)
        .where(Absence.from_on <= today, Absence.to_on >= today, Worker.user_id.is_not(None))
    )  # fmt: skip
    return frozenset(r for r in rows if r is not None)


# -- caseloads -----------------------------------------------------------------------------------


def _open(rows: Sequence[casework.OpenCaseRow]) -> list[OpenCase]:
    return [OpenCase(r.case_id, r.person_id, r.stage, r.allocated_user_id, r.referral_on,
                     r.allocated_label) for r in rows]  # fmt: skip


def caseloads(*, session: Session, actor: Actor, rules: Rules, today: date,
              now: datetime) -> list[Load]:  # fmt: skip
    """Every case-holding post's count, weighted load and cap."""
    authorise(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="caseload")
    found = caseload.loads(posts(session, today), _open(casework.open_cases(session)),
                           rules.weights, rules.cap_per_fte)  # fmt: skip
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="caseload",
            detail={"list": "caseloads", "posts": len(found)}, now=now)  # fmt: skip
    return found


def suggest(
    *, session: Session, actor: Actor, rules: Rules, case_id: int, today: date, now: datetime
) -> list[Suggestion]:
    """Who could take this case, best first: a sibling's worker, then the most spare capacity."""
    person_id = _open_case(session, actor, case_id, "suggestions", now)
    found = _loads_without(session, rules, case_id, today)
    siblings = sibling_workers(session=session, actor=actor, person_id=person_id)
    return caseload.suggestions(found, siblings, absent_users(session, today))


def _open_case(session: Session, actor: Actor, case_id: int, purpose: str, now: datetime) -> int:
    authorise(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="case")
    rows = casework.open_cases(session, case_ids=[case_id])
    if not rows:
        raise NotFound(f"case {case_id} is not open")
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="case",
            resource_ids=[case_id], detail={"list": purpose}, now=now)  # fmt: skip
    return rows[0].person_id


def _loads_without(session: Session, rules: Rules, case_id: int, today: date) -> list[Load]:
    """Every post's load from the open cases other than this one (its current holder's too)."""
    others = [c for c in _open(casework.open_cases(session)) if c.case_id != case_id]
    return caseload.loads(posts(session, today), others, rules.weights, rules.cap_per_fte)


def sibling_workers(*, session: Session, actor: Actor, person_id: int) -> frozenset[int]:
    """The accounts holding the open cases of the other children in the child's household."""
    circle = circle_of(session=session, actor=actor, person_id=person_id, named=False)
    children = [m.person_id for m in circle.members if m.kind == "child"]
    held = casework.allocations(session, children)
    return frozenset(a.user_id for a in held.values() if a.user_id is not None)


def check_cap(*, session: Session, actor: Actor, rules: Rules, case_id: int, user_id: int,
              today: date, now: datetime) -> Load | None:  # fmt: skip
    """The load of the post that would take the case, if one more child breaks its cap."""
    _open_case(session, actor, case_id, "cap", now)
    for load in _loads_without(session, rules, case_id, today):
        if load.post.user_id == user_id and load.breaks_cap():
            return load
    return None


@dataclass(frozen=True)
class Waiting:
    case_id: int
    person_id: int
    stage: str
    referral_on: date
    days: int


def unallocated(*, session: Session, actor: Actor, today: date, now: datetime) -> list[Waiting]:
    """Open cases with nobody allocated (no account and no name), longest wait first."""
    authorise(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="case")
    rows = [r for r in casework.open_cases(session) if not r.allocated]
    waiting = sorted(
        (Waiting(r.case_id, r.person_id, r.stage, r.referral_on,
                 caseload.waiting_days(r.referral_on, today)) for r in rows),
        key=lambda w: (-w.days, w.case_id),
    )  # fmt: skip
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="case",
            resource_ids=[w.case_id for w in waiting], detail={"list": "unallocated"},
            now=now)  # fmt: skip
    return waiting


# -- allocation history --------------------------------------------------------------------------


def record_allocation(
    *, session: Session, actor: Actor, case_id: int, person_id: int, user_id: int | None,
    label: str, team: str, on: date, over_cap: bool, now: datetime,
) -> int:  # fmt: skip
    """Close the case's current period (if any) on `on` and open the new holder's; the audit
    entry says whether the manager confirmed going over the cap."""
    require(session=session, actor=actor, action=Action.CASES_OVERSEE, resource_type="case",
            resource_ids=[case_id], detail={"step": "allocation_period", "over_cap": over_cap,
                                            "user": user_id}, now=now)  # fmt: skip
    session.execute(
        update(AllocationPeriod)
        .where(AllocationPeriod.case_id == case_id, AllocationPeriod.to_on.is_(None))
        .values(to_on=on)
    )
    period = AllocationPeriod(case_id=case_id, person_id=person_id, user_id=user_id, label=label,
                              team=team, from_on=on, recorded_by=actor.label,
                              recorded_at=now)  # fmt: skip
    session.add(period)
    session.flush()
    return period.id


def history(
    *, session: Session, actor: Actor, case_id: int, now: datetime
) -> list[AllocationPeriod]:
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="case",
            resource_ids=[case_id], detail={"list": "allocation_history"}, now=now)  # fmt: skip
    return list(session.scalars(
        select(AllocationPeriod).where(AllocationPeriod.case_id == case_id)
        .order_by(AllocationPeriod.from_on, AllocationPeriod.id)
    ))  # fmt: skip


@dataclass(frozen=True)
class Holder:
    """The post an allocation goes to: the account, its team and the team's manager."""

    user_id: int
    label: str
    team: str
    manager_label: str | None


def holder_of(session: Session, user_id: int, today: date) -> Holder | None:
    """The current case-holding post filled by the account, if it has one."""
    row = session.execute(
        select(Worker.label, Team.name, Team.manager_label)
        .join(Team, Team.id == Worker.team_id)
        .where(Worker.user_id == user_id, Worker.vacant.is_(False))
        .where((Worker.start_on.is_(None)) | (Worker.start_on <= today))
        .where((Worker.end_on.is_(None)) | (Worker.end_on >= today))
        .order_by(Worker.id)
    ).first()
    return Holder(user_id, row[0], row[1], row[2]) if row else None
