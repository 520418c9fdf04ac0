"""What the SSDA903 reads from casework, in bulk: periods of care, their steps, and cases.

Read-only and by whole batches (ADR 0009): one query per kind of row, never one per child.
Each period of care is a `cla_episode` step; its placements, changes of legal status, reviews,
missing episodes and allocations are the case's other steps. Dates only and codes: the export
that calls these has checked the policy and written its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.casework.models import Case, CaseStep
from joinedup.people import merges
from joinedup.people.batchsql import among

CHUNK = 20_000
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Period:
    """One period of being looked after (from becoming looked after to the end)."""

    case_id: int
    person_id: int
    start: date
    end: date | None
    reason: str | None  # REC, when it ended
    details: dict[str, Any]
    primary_need: str | None


@dataclass(frozen=True)
class Step:
    id: int
    case_id: int
    kind: str
    status: str
    started_on: date
    completed_on: date | None
    outcome: str | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseRow:
    id: int
    person_id: int
    referral_on: date
    closed_on: date | None
    allocated_user_id: int | None
    allocated_label: str | None


def periods(session: Session, *, until: date) -> list[Period]:
    """Every period of care begun by `until` (the year's end), by child, in order of start. A
    case opened on a person later merged into another is the survivor's (`people.merges`)."""
    rows = session.execute(
        select(CaseStep.case_id, Case.person_id, CaseStep.started_on, CaseStep.completed_on,
               CaseStep.status, CaseStep.outcome, CaseStep.details, Case.primary_need)
        .join(Case, Case.id == CaseStep.case_id)
        .where(CaseStep.kind == "cla_episode", CaseStep.status != CANCELLED,
               CaseStep.started_on <= until)
        .order_by(Case.person_id, CaseStep.started_on, CaseStep.id)
    ).all()  # fmt: skip
    now_is = merges.survivors(session, {row.person_id for row in rows})
    found = [
        Period(case_id, now_is.get(person_id, person_id), start,
               end if status == "done" else None, outcome if status == "done" else None,
               dict(details or {}), need)
        for case_id, person_id, start, end, status, outcome, details, need in rows
    ]  # fmt: skip
    if now_is:  # a merged person's periods join the survivor's, in order of start
        found.sort(key=lambda p: (p.person_id, p.start))
    return found


def steps(session: Session, case_ids: Iterable[int], kinds: Iterable[str]) -> list[Step]:
    """The steps of these kinds on these cases (not cancelled ones), in date order."""
    wanted, kinds = sorted(set(case_ids)), sorted(set(kinds))
    found: list[Step] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = session.execute(
            select(CaseStep.id, CaseStep.case_id, CaseStep.kind, CaseStep.status,
                   CaseStep.started_on, CaseStep.completed_on, CaseStep.outcome,
                   CaseStep.details)
            .where(among(session, CaseStep.case_id, chunk), CaseStep.kind.in_(kinds),
                   CaseStep.status != CANCELLED)
        )  # fmt: skip
        found.extend(
            Step(sid, case_id, kind, status, started, completed, outcome, dict(details or {}))
            for sid, case_id, kind, status, started, completed, outcome, details in rows
        )
    found.sort(key=lambda s: (s.started_on, s.id))
    return found


def cases_of(session: Session, person_ids: Iterable[int]) -> list[CaseRow]:
    """Every case of these children (for their social workers), in order of referral: the
    cases of persons merged into them too."""
    wanted = sorted(set(person_ids))
    found: list[CaseRow] = []
    for start in range(0, len(wanted), CHUNK):
        family = merges.family(session, wanted[start : start + CHUNK])
        rows = session.execute(
            select(Case.id, family.c.asked, Case.referral_on, Case.closed_on,
                   Case.allocated_user_id, Case.allocated_label)
            .join(family, family.c.member == Case.person_id)
        )  # fmt: skip
        found.extend(CaseRow(*row) for row in rows)
    found.sort(key=lambda c: (c.person_id, c.referral_on, c.id))
    return found
