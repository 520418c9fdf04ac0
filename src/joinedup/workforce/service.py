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
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationFailed(
            "The team is not valid", [FieldError("name", "enter a name of 120 characters or fewer")]
        )
    if session.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise ValidationFailed(
            "The team is not valid", [FieldError("name", "another team has this name")]
        )
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
    errors = []
    if kind not in ABSENCE_KINDS:
        errors.append(FieldError("kind", "choose leave, sickness, training or other"))
    if to_on < from_on:
        errors.append(FieldError("to_on", "not before the first day"))
    if errors:
        raise ValidationFailed("The absence is not valid", errors)
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


# -- keeping teams, posts and absences (the pages under /workforce/teams) -----------------------


@dataclass(frozen=True)
class AbsenceView:
    id: int
    from_on: date
    to_on: date
    kind: str


@dataclass(frozen=True)
class PostView:
    id: int
    label: str
    role: str
    fte: float
    contract: str
    annual_cost: int
    vacant: bool
    start_on: date | None
    end_on: date | None
    user_id: int | None
    absences: tuple[AbsenceView, ...]  # current and to come

    def current(self, today: date) -> bool:
        started = self.start_on is None or self.start_on <= today
        return started and (self.end_on is None or self.end_on >= today)

    def absent_on(self, today: date) -> AbsenceView | None:
        return next((a for a in self.absences if a.from_on <= today <= a.to_on), None)


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    manager_label: str | None
    posts: tuple[PostView, ...]


def teams(*, session: Session, actor: Actor, today: date, now: datetime) -> list[TeamView]:
    """Every team with its posts (ended ones too, for the record) and their absences from
    `today` on. Staff records are personal data: the read is audited with the posts' ids."""
    authorise(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="worker")
    absences: dict[int, list[AbsenceView]] = {}
    for a in session.scalars(
        select(Absence).where(Absence.to_on >= today).order_by(Absence.from_on, Absence.id)
    ):
        absences.setdefault(a.worker_id, []).append(AbsenceView(a.id, a.from_on, a.to_on, a.kind))
    by_team: dict[int, list[PostView]] = {}
    for w in session.scalars(select(Worker).order_by(Worker.team_id, Worker.label, Worker.id)):
        by_team.setdefault(w.team_id, []).append(_post_view(w, absences.get(w.id, [])))
    found = [
        TeamView(t.id, t.name, t.manager_label, tuple(by_team.get(t.id, [])))
        for t in session.scalars(select(Team).order_by(Team.name))
    ]
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="worker",
            resource_ids=[p.id for t in found for p in t.posts],
            detail={"list": "teams", "teams": len(found)}, now=now)  # fmt: skip
    return found


def get_post(*, session: Session, actor: Actor, worker_id: int, today: date,
             now: datetime) -> tuple[TeamView, PostView]:  # fmt: skip
    """One post and its team (for the forms that change it)."""
    authorise(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="worker")
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise NotFound(f"There is no post numbered {worker_id}.")
    team = session.get(Team, worker.team_id)
    assert team is not None  # noqa: S101 - a foreign key
    ahead = session.scalars(
        select(Absence).where(Absence.worker_id == worker_id, Absence.to_on >= today)
        .order_by(Absence.from_on, Absence.id)
    )  # fmt: skip
    post = _post_view(worker, [AbsenceView(a.id, a.from_on, a.to_on, a.kind) for a in ahead])
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="worker",
            resource_ids=[worker_id], detail={"list": "post"}, now=now)  # fmt: skip
    return TeamView(team.id, team.name, team.manager_label, ()), post


def team_name(*, session: Session, actor: Actor, team_id: int) -> str:
    authorise(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="team")
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"There is no team numbered {team_id}.")
    return team.name


def change_post(
    *,
    session: Session,
    actor: Actor,
    worker_id: int,
    fte: float,
    contract: str,
    annual_cost: int,
    end_on: date | None,
    user_id: int | None,
    label: str | None,
    now: datetime,
) -> None:
    """Change a post's hours, contract, cost or end date, or fill a vacancy with an account.

    A filled post is not handed to someone else: its holder leaving is an end date, and the
    next holder a new post (so turnover and the history stay true)."""
    authorise(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="worker")
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise NotFound(f"There is no post numbered {worker_id}.")
    _check_post(worker.role, fte, contract, annual_cost, worker.start_on, end_on)
    if user_id is not None and not worker.vacant and worker.user_id not in (None, user_id):
        raise ValidationFailed(
            "The post is not valid",
            [FieldError("account", "is already filled: end this post and add a new one")],
        )
    changed = {
        name: True
        for name, before, after in (
            ("fte", float(worker.fte), fte), ("contract", worker.contract, contract),
            ("annual_cost", worker.annual_cost, annual_cost), ("end_on", worker.end_on, end_on),
            ("account", worker.user_id, user_id if user_id is not None else worker.user_id),
        )
        if before != after
    }  # fmt: skip
    worker.fte, worker.contract, worker.annual_cost, worker.end_on = (
        fte, contract, annual_cost, end_on,
    )  # fmt: skip
    if user_id is not None:
        worker.user_id, worker.vacant = user_id, False
        worker.label = label or worker.label
    record(session=session, actor=actor, action=Action.WORKFORCE_MANAGE, resource_type="worker",
           resource_ids=[worker_id], detail={"change": "changed", "fields": sorted(changed)},
           now=now)  # fmt: skip


def _post_view(w: Worker, absences: list[AbsenceView]) -> PostView:
    return PostView(w.id, w.label, w.role, float(w.fte), w.contract, w.annual_cost, w.vacant,
                    w.start_on, w.end_on, w.user_id, tuple(absences))  # fmt: skip
