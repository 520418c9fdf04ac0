"""What the returns read from the leaving care service, in bulk: records and their steps.

Read-only, by whole batches (ADR 0009). Dates and codes only: the export that calls these has
checked the policy and written its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.casework.leaving_care_models import LeavingCare, LeavingCareStep
from joinedup.people import merges
from joinedup.people.batchsql import among

CHUNK = 20_000


@dataclass(frozen=True)
class Record:
    id: int
    person_id: int
    opened_on: date
    extended_on: date | None
    closed_on: date | None
    closure_reason: str | None
    adviser_label: str | None
    team: str | None


@dataclass(frozen=True)
class Step:
    id: int
    record_id: int
    kind: str
    status: str
    started_on: date
    completed_on: date | None
    outcome: str | None
    details: dict[str, Any] = field(default_factory=dict)


def records(session: Session, person_ids: Iterable[int]) -> list[Record]:
    """Every leaving-care record of these young people (and of persons merged into them), in
    order of opening."""
    wanted = sorted(set(person_ids))
    found: list[Record] = []
    for start in range(0, len(wanted), CHUNK):
        family = merges.family(session, wanted[start : start + CHUNK])
        rows = session.execute(
            select(LeavingCare.id, family.c.asked, LeavingCare.opened_on,
                   LeavingCare.extended_on, LeavingCare.closed_on, LeavingCare.closure_reason,
                   LeavingCare.adviser_label, LeavingCare.team)
            .join(family, family.c.member == LeavingCare.person_id)
        )  # fmt: skip
        found.extend(Record(*row) for row in rows)
    found.sort(key=lambda r: (r.person_id, r.opened_on, r.id))
    return found


def steps(session: Session, record_ids: Iterable[int], kinds: Iterable[str]) -> list[Step]:
    """The done (and open) steps of these kinds on these records, in date order."""
    wanted, kinds = sorted(set(record_ids)), sorted(set(kinds))
    found: list[Step] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = session.execute(
            select(LeavingCareStep.id, LeavingCareStep.record_id, LeavingCareStep.kind,
                   LeavingCareStep.status, LeavingCareStep.started_on,
                   LeavingCareStep.completed_on, LeavingCareStep.outcome,
                   LeavingCareStep.details)
            .where(among(session, LeavingCareStep.record_id, chunk),
                   LeavingCareStep.kind.in_(kinds), LeavingCareStep.status != "cancelled")
        )  # fmt: skip
        found.extend(
            Step(sid, rid, kind, status, started, completed, outcome, dict(details or {}))
            for sid, rid, kind, status, started, completed, outcome, details in rows
        )
    found.sort(key=lambda s: (s.completed_on or s.started_on, s.id))
    return found
