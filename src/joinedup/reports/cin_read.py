"""What the CIN census reads: the year's cases and their steps in bulk, and who has a UPN.

Read-only and in SQL (an accepted departure for returns: reports read other domains' tables,
never write them). A case is in the census year when it was referred on or before the reference
date and not closed before the year began; each query is bounded by that, whatever the store's
size, so there is no query per case.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from joinedup.casework.models import Case, CaseStep
from joinedup.intake.models import Event, Mention
from joinedup.people import merges
from joinedup.people.batchsql import among
from joinedup.people.models import MentionLink
from joinedup.reports.years import CollectionYear

CHUNK = 20_000
# The steps the census is made from (casework/work.py names them).
KINDS = (
    "assessment",
    "strategy_discussion",
    "section47",
    "initial_conference",
    "cp_plan",
    "review_conference",
    "cin_plan",
    "cin_review",
    "cla_episode",
)


@dataclass(frozen=True)
class Step:
    id: int
    kind: str
    status: str  # open | done | cancelled
    started_on: date
    completed_on: date | None
    outcome: str | None
    details: dict[str, Any]


@dataclass
class CaseRow:
    """One case (a CIN episode) with the steps the census needs, oldest first."""

    id: int
    person_id: int
    referral_on: date
    referral_source: str
    primary_need: str | None
    closed_on: date | None
    closure_reason: str | None
    steps: list[Step] = field(default_factory=list)

    def of(self, kind: str) -> list[Step]:
        return [s for s in self.steps if s.kind == kind]


@dataclass(frozen=True)
class Casework:
    cases: list[CaseRow]  # by child, then referral date
    plan_starts: dict[int, list[date]]  # every CP plan start of each child, any year
    # Each child's completed assessments that recorded disabilities: (completed on, DfE codes).
    disabilities: dict[int, list[tuple[date, list[str]]]]
    first_referral: dict[int, date]  # each child's first referral here, any year


def _in_year(year: CollectionYear) -> ColumnElement[bool]:
    return and_(
        Case.referral_on <= year.end,
        or_(Case.closed_on.is_(None), Case.closed_on >= year.start),
    )


def read_casework(session: Session, year: CollectionYear) -> Casework:
    """The cases open at any time in `year`, their census steps, and each child's CP plans.

    A case is the child's that its person now is: one opened on a person later merged into
    another (two records found to be one child) is the survivor's, with the survivor's other
    cases and plans (`people.merges`)."""
    in_year = _in_year(year)
    rows = session.execute(
        select(Case.id, Case.person_id, Case.referral_on, Case.referral_source,
               Case.primary_need, Case.closed_on, Case.closure_reason).where(in_year)
    ).all()  # fmt: skip
    now_is = merges.survivors(session, {row.person_id for row in rows})
    cases = {
        row.id: CaseRow(row.id, now_is.get(row.person_id, row.person_id), row.referral_on,
                        row.referral_source, row.primary_need, row.closed_on, row.closure_reason)
        for row in rows
    }  # fmt: skip
    steps = session.execute(
        select(CaseStep.case_id, CaseStep.id, CaseStep.kind, CaseStep.status,
               CaseStep.started_on, CaseStep.completed_on, CaseStep.outcome, CaseStep.details)
        .join(Case, Case.id == CaseStep.case_id)
        .where(in_year, CaseStep.kind.in_(KINDS))
        .order_by(CaseStep.case_id, CaseStep.started_on, CaseStep.id)
    )  # fmt: skip
    for case_id, step_id, kind, status, started, completed, outcome, details in steps:
        cases[case_id].steps.append(
            Step(step_id, kind, status, started, completed, outcome, dict(details or {}))
        )
    # every case of each child in the year, at any time: theirs and their merged persons'
    children = merges.family(session, {c.person_id for c in cases.values()})
    starts: dict[int, list[date]] = defaultdict(list)
    for person_id, started in session.execute(
        select(children.c.asked, CaseStep.started_on)
        .join(Case, Case.id == CaseStep.case_id)
        .join(children, children.c.member == Case.person_id)
        .where(CaseStep.kind == "cp_plan")
    ):
        starts[person_id].append(started)
    found: dict[int, list[tuple[date, list[str]]]] = defaultdict(list)
    for person_id, completed, details in session.execute(
        select(children.c.asked, CaseStep.completed_on, CaseStep.details)
        .join(Case, Case.id == CaseStep.case_id)
        .join(children, children.c.member == Case.person_id)
        .where(CaseStep.kind == "assessment", CaseStep.status == "done")
    ):  # fmt: skip
        codes = (details or {}).get("disabilities") or []
        if completed is not None and codes:
            found[person_id].append((completed, list(codes)))
    first: dict[int, date] = {
        person_id: day
        for person_id, day in session.execute(
            select(children.c.asked, func.min(Case.referral_on))
            .join(children, children.c.member == Case.person_id)
            .group_by(children.c.asked)
        )
    }
    ordered = sorted(cases.values(), key=lambda c: (c.person_id, c.referral_on, c.id))
    return Casework(
        ordered,
        {pid: sorted(days) for pid, days in starts.items()},
        {pid: sorted(seen) for pid, seen in found.items()},
        first,
    )


def upns_recorded(session: Session, person_ids: set[int]) -> set[int]:
    """The children whose current records carry a UPN of any kind, valid or not: when none is
    one the records agree on, the sources disagree (UPN unknown reason UN5)."""
    found: set[int] = set()
    wanted = sorted(person_ids)
    for start in range(0, len(wanted), CHUNK):
        found.update(
            session.scalars(
                select(MentionLink.person_id)
                .join(Mention, Mention.id == MentionLink.mention_id)
                .join(Event, Event.id == Mention.event_id)
                .where(among(session, MentionLink.person_id, wanted[start : start + CHUNK]),
                       Mention.upn.is_not(None), Mention.upn != "",
                       Event.superseded.is_(False))
                .distinct()
            )
        )  # fmt: skip
    return found
