"""What Annex A reads from casework: contacts, cases and their steps, in three bulk statements.

Read-only and in bulk (ADR 0009): the contacts received in the last 12 months; every case of
every child who had a case open at any time in the last 12 months (their earlier cases too, for
"previous plans" and "second period of care"); and the steps of those cases that Annex A uses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from joinedup.casework import clocks
from joinedup.casework.models import Case, CaseStep, Contact
from joinedup.people import merges

# The step kinds Annex A reads (casework.work.STEP_TITLES; `legal_status` and `missing` are the
# SSDA903 steps, read when present).
KINDS = (
    "assessment",
    "section47",
    "initial_conference",
    "cp_plan",
    "review_conference",
    "visit",
    "cin_plan",
    "cla_episode",
    "placement",
    "cla_review",
    "legal_status",
    "missing",
    "adoption_decision",
)


@dataclass(frozen=True)
class ContactRow:
    id: int
    person_id: int
    received_on: date
    source: str
    status: str
    decision: str | None
    decided_on: date | None  # signed off


@dataclass(frozen=True)
class CaseRow:
    id: int
    person_id: int
    referral_on: date
    referral_source: str
    primary_need: str | None
    team: str | None
    worker: str | None
    closed_on: date | None
    closure_reason: str | None


@dataclass(frozen=True)
class StepRow:
    id: int
    case_id: int
    kind: str
    status: str
    started_on: date
    completed_on: date | None
    outcome: str | None
    details: dict[str, Any]

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass
class Casework:
    contacts: list[ContactRow]
    cases: dict[int, CaseRow]
    steps: dict[int, list[StepRow]] = field(default_factory=dict)  # by case, oldest first
    _by_kind: dict[tuple[int, str], list[StepRow]] = field(default_factory=dict, repr=False)

    def cases_of(self) -> dict[int, list[CaseRow]]:
        found: dict[int, list[CaseRow]] = defaultdict(list)
        for case in sorted(self.cases.values(), key=lambda c: (c.referral_on, c.id)):
            found[case.person_id].append(case)
        return found

    def of(self, case_id: int, kind: str) -> list[StepRow]:
        """The case's steps of `kind`, oldest first (indexed on first use)."""
        if not self._by_kind:
            for steps in self.steps.values():
                for step in steps:
                    self._by_kind.setdefault((step.case_id, step.kind), []).append(step)
        return self._by_kind.get((case_id, kind), [])


def read(session: Session, *, since: date, as_of: date) -> Casework:
    """Contacts received from `since` to `as_of`; the cases and steps described above."""
    start = datetime.combine(since, time.min, tzinfo=clocks.UK)
    contacts = [
        ContactRow(cid, pid, clocks.london_day(received), source, status, decision,
                   clocks.london_day(signed) if signed is not None else None)
        for cid, pid, received, source, status, decision, signed in session.execute(
            select(Contact.id, Contact.person_id, Contact.received_at, Contact.referral_source,
                   Contact.status, Contact.decision, Contact.signed_off_at)
            .where(Contact.received_at >= start,
                   Contact.received_at <= clocks.end_of_day(as_of))
            .order_by(Contact.received_at, Contact.id)
        )
    ]  # fmt: skip
    active = select(Case.person_id).where(
        Case.referral_on <= as_of, or_(Case.closed_on.is_(None), Case.closed_on >= since)
    )
    cases = {
        row[0]: CaseRow(*row)
        for row in session.execute(
            select(Case.id, Case.person_id, Case.referral_on, Case.referral_source,
                   Case.primary_need, Case.team, Case.allocated_label, Case.closed_on,
                   Case.closure_reason)
            .where(Case.person_id.in_(active), Case.referral_on <= as_of)
            .order_by(Case.id)
        )
    }  # fmt: skip
    # a contact or case made for a person later merged into another is the survivor's
    persons = {c.person_id for c in contacts} | {c.person_id for c in cases.values()}
    now_is = merges.survivors(session, persons)
    if now_is:
        contacts = [replace(c, person_id=now_is.get(c.person_id, c.person_id)) for c in contacts]
        cases = {k: replace(c, person_id=now_is.get(c.person_id, c.person_id))
                 for k, c in cases.items()}  # fmt: skip
    steps: dict[int, list[StepRow]] = defaultdict(list)
    case_ids = select(Case.id).where(Case.person_id.in_(active), Case.referral_on <= as_of)
    for row in session.execute(
        select(CaseStep.id, CaseStep.case_id, CaseStep.kind, CaseStep.status,
               CaseStep.started_on, CaseStep.completed_on, CaseStep.outcome, CaseStep.details)
        .where(CaseStep.case_id.in_(case_ids), CaseStep.kind.in_(KINDS),
               CaseStep.status != "cancelled", CaseStep.started_on <= as_of)
        .order_by(CaseStep.started_on, CaseStep.id)
    ):  # fmt: skip
        sid, case_id, kind, status, started, completed, outcome, details = row
        step = StepRow(sid, case_id, kind, status, started, completed, outcome, dict(details or {}))
        if completed is not None and completed > as_of:
            # Done after the day Annex A describes: as it stood then, still open.
            step = replace(step, status="open", completed_on=None, outcome=None)
        steps[case_id].append(step)
    for case_id, case in list(cases.items()):
        if case.closed_on is not None and case.closed_on > as_of:
            cases[case_id] = replace(case, closed_on=None, closure_reason=None)
    return Casework(contacts, cases, dict(steps))
