"""Retention classes and each child's retention date, computed from their history.

- adoption (a decision to place for adoption, or care ending in an adoption, E11/E12):
  100 years from that step;
- looked after (any period of care): to the 75th birthday;
- child protection (an initial conference that made a plan): 35 years after the case closed;
- anything else (child in need, a contact, partner records only): to the 25th birthday.
Each number is a setting (config.Settings.retention_*). The longest applicable date wins. A
child with an open case is never due. Without a date of birth, the first day the child was
known stands in for it (which keeps the records longer, never shorter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.casework.models import Case, CaseStep
from joinedup.casework.pathway import CLOSED
from joinedup.config import Settings
from joinedup.intake.models import Event, Mention
from joinedup.people.models import MentionLink, Person

ADOPTION = "adoption"
LOOKED_AFTER = "looked_after"
CHILD_PROTECTION = "child_protection"
DEFAULT = "child_in_need_or_other"
CLASSES = {
    ADOPTION: "Adoption: 100 years",
    LOOKED_AFTER: "Looked after: to the 75th birthday",
    CHILD_PROTECTION: "Child protection: 35 years after the case closed",
    DEFAULT: "Child in need or other: to the 25th birthday",
}
_ADOPTED = ("E11", "E12")


@dataclass(frozen=True)
class Rules:
    looked_after_age: int = 75
    adoption_years: int = 100
    child_protection_years: int = 35
    default_age: int = 25

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        return cls(
            looked_after_age=settings.retention_looked_after_age,
            adoption_years=settings.retention_adoption_years,
            child_protection_years=settings.retention_child_protection_years,
            default_age=settings.retention_default_age,
        )


@dataclass(frozen=True)
class Retention:
    person_id: int
    retention_class: str
    until: date
    open_case: bool  # never due while a case is open
    born: date | None


@dataclass
class _History:
    born: date | None = None
    first_known: date | None = None
    open_case: bool = False
    adoption_on: date | None = None
    looked_after: bool = False
    plan_closed_on: list[date | None] | None = None


def retention_dates(
    session: Session, rules: Rules, person_ids: list[int] | None = None
) -> list[Retention]:
    """Every child's (or these children's) retention, from bulk reads of their history."""
    histories = _histories(session, person_ids)
    return [_retention(pid, h, rules) for pid, h in sorted(histories.items())]


def _retention(person_id: int, h: _History, rules: Rules) -> Retention:
    birth = h.born or h.first_known or date.min
    candidates = [(DEFAULT, _years(birth, rules.default_age))]
    if h.looked_after:
        candidates.append((LOOKED_AFTER, _years(birth, rules.looked_after_age)))
    if h.adoption_on is not None:
        candidates.append((ADOPTION, _years(h.adoption_on, rules.adoption_years)))
    for closed in h.plan_closed_on or []:
        if closed is not None:
            candidates.append((CHILD_PROTECTION, _years(closed, rules.child_protection_years)))
    kind, until = max(candidates, key=lambda c: c[1])
    return Retention(person_id, kind, until, h.open_case, h.born)


def _years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _histories(session: Session, person_ids: list[int] | None) -> dict[int, _History]:
    children = select(Person.id).where(
        Person.kind.in_(("child", "unborn")), Person.merged_into_id.is_(None)
    )
    if person_ids is not None:
        children = children.where(Person.id.in_(person_ids))
    found = {pid: _History() for pid in session.scalars(children)}
    known = session.execute(
        select(MentionLink.person_id, func.min(Mention.birth_date), func.min(Event.occurred_at))
        .join(Mention, Mention.id == MentionLink.mention_id)
        .join(Event, Event.id == Mention.event_id)
        .where(MentionLink.person_id.in_(children))
        .group_by(MentionLink.person_id)
    ).all()
    for pid, born, first in known:
        found[pid].born, found[pid].first_known = born, first.date() if first else None
    cases = session.execute(
        select(Case.id, Case.person_id, Case.stage, Case.closed_on).where(
            Case.person_id.in_(children)
        )
    ).all()
    case_of = {c.id: c for c in cases}
    for c in cases:
        found[c.person_id].open_case |= c.stage != CLOSED
    steps = session.execute(
        select(CaseStep.case_id, CaseStep.kind, CaseStep.outcome, CaseStep.started_on,
               CaseStep.details)
        .join(Case, Case.id == CaseStep.case_id)
        .where(Case.person_id.in_(children))
        .where(CaseStep.kind.in_(("start_looked_after", "adoption_decision", "end_looked_after",
                                  "initial_conference")))
    ).all()  # fmt: skip
    for step in steps:
        case = case_of[step.case_id]
        h = found[case.person_id]
        adopted = (
            step.kind == "end_looked_after"
            and (step.details or {}).get("reason_ceased") in _ADOPTED
        )
        if step.kind == "adoption_decision" or adopted:
            h.adoption_on = min(filter(None, (h.adoption_on, step.started_on)))
        if step.kind == "start_looked_after":
            h.looked_after = True
        if step.kind == "initial_conference" and step.outcome == "plan":
            h.plan_closed_on = [*(h.plan_closed_on or []), case.closed_on]
    return found
