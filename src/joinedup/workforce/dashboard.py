"""The workforce dashboard's figures: caseload distribution, vacancy and agency rates, spend,
cost per open case, turnover and changes of social worker per child. Aggregates only: counts,
FTE and pounds, never a child's name."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.casework import service as casework
from joinedup.casework.models import Case
from joinedup.workforce import caseload
from joinedup.workforce.caseload import Load, OpenCase
from joinedup.workforce.models import AllocationPeriod, Worker
from joinedup.workforce.service import Rules, list_workers, posts

BANDS = (0, 6, 12, 18, 24, 30)  # children per FTE; 18 is the default cap
CHANGE_BANDS = ("None", "1", "2", "3 or more")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


@dataclass(frozen=True)
class Dashboard:
    loads: list[Load]
    distribution: list[Bar]  # posts by children per FTE
    posts_fte: float
    vacant_fte: float
    agency_fte: float
    spend: list[Bar]  # pounds a year by contract
    open_cases: int
    unallocated: int
    longest_wait: int
    changes: list[Bar]  # children by changes of worker in the last 12 months
    leavers: int

    @property
    def vacancy_rate(self) -> float:
        return self.vacant_fte / self.posts_fte if self.posts_fte else 0.0

    @property
    def agency_rate(self) -> float:
        filled = self.posts_fte - self.vacant_fte
        return self.agency_fte / filled if filled else 0.0

    @property
    def cost_per_open_case(self) -> float:
        total = sum(b.value for b in self.spend)
        return total / self.open_cases if self.open_cases else 0.0

    @property
    def turnover_rate(self) -> float:
        filled = self.posts_fte - self.vacant_fte
        return self.leavers / (filled + self.leavers) if filled + self.leavers else 0.0


def band_labels(edges: Sequence[int]) -> list[str]:
    labels = [f"{a} to {b - 1}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"{edges[-1]} or more"]


def changes_band(periods: int) -> int:
    """A child held by n workers in the period has had n - 1 changes (3 or more together)."""
    return min(max(periods - 1, 0), 3)


def dashboard(*, session: Session, actor: Actor, rules: Rules, today: date,
              now: datetime) -> Dashboard:  # fmt: skip
    authorise(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="caseload")
    rows = casework.open_cases(session)
    cases = [OpenCase(r.case_id, r.person_id, r.stage, r.allocated_user_id, r.referral_on,
                      r.allocated_label) for r in rows]  # fmt: skip
    loads = caseload.loads(posts(session, today), cases, rules.weights, rules.cap_per_fte)
    per_fte = [x.per_fte for x in loads]
    counts = caseload.distribution(per_fte, BANDS)
    workers = [w for w in list_workers(session, today) if w.role in caseload.CASE_HOLDING]
    spend: dict[str, float] = {"permanent": 0.0, "agency": 0.0}
    for w in workers:
        if not w.vacant:
            spend[w.contract] = spend.get(w.contract, 0.0) + w.annual_cost
    waiting = [caseload.waiting_days(r.referral_on, today) for r in rows
               if not r.allocated]  # fmt: skip
    result = Dashboard(
        loads=sorted(loads, key=lambda x: (-x.per_fte, x.post.label)),
        distribution=[Bar(label, n) for label, n in zip(band_labels(BANDS), counts, strict=True)],
        posts_fte=round(sum(float(w.fte) for w in workers), 2),
        vacant_fte=round(sum(float(w.fte) for w in workers if w.vacant), 2),
        agency_fte=round(sum(float(w.fte) for w in workers if _agency(w)), 2),
        spend=[Bar("Permanent", spend["permanent"]), Bar("Agency", spend["agency"])],
        open_cases=len(rows),
        unallocated=len(waiting),
        longest_wait=max(waiting, default=0),
        changes=_changes(session, today),
        leavers=_leavers(session, today),
    )
    require(session=session, actor=actor, action=Action.WORKFORCE_READ, resource_type="caseload",
            detail={"list": "dashboard", "posts": len(loads), "open_cases": len(rows)},
            now=now)  # fmt: skip
    return result


def _agency(w: Worker) -> bool:
    return w.contract == "agency" and not w.vacant


def _changes(session: Session, today: date) -> list[Bar]:
    """Children with an allocation in the last 12 months, by how often their worker changed.

    A period still open on a closed case ended when the case closed (closing a case does not
    write to workforce's table), so a child whose case closed before the 12 months is not held.
    """
    since = today - timedelta(days=365)
    ended = func.coalesce(AllocationPeriod.to_on, Case.closed_on)
    held = (
        select(AllocationPeriod.person_id, func.count().label("n"))
        .join(Case, Case.id == AllocationPeriod.case_id)
        .where(ended.is_(None) | (ended >= since))
        .group_by(AllocationPeriod.person_id)
        .subquery()
    )
    counts = [0, 0, 0, 0]
    for n, children in session.execute(select(held.c.n, func.count()).group_by(held.c.n)):
        counts[changes_band(int(n))] += int(children)
    return [Bar(label, c) for label, c in zip(CHANGE_BANDS, counts, strict=True)]


def _leavers(session: Session, today: date) -> int:
    since = today - timedelta(days=365)
    found = session.scalar(
        select(func.count()).where(Worker.end_on.is_not(None), Worker.end_on >= since,
                                   Worker.end_on < today, Worker.vacant.is_(False))
    )  # fmt: skip
    return int(found or 0)
