"""Due, overdue and oversight lists: what needs doing, soonest first, for whom.

Every list is one query over open steps (or contacts, or information requests), audited as a
read of the cases it names.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.casework import clocks, pathway
from joinedup.casework.leaving_care_models import LeavingCare, LeavingCareStep
from joinedup.casework.models import Case, CaseStep, Contact, InformationRequest
from joinedup.casework.names import child_names
from joinedup.casework.views import DueItem
from joinedup.casework.work import OPEN, STEP_TITLES


def deadlines(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    user_id: int | None = None,
    team: str | None = None,
    within_days: int = 14,
    front_door: bool = False,
) -> list[DueItem]:
    """Open deadlines due within `within_days` or overdue, soonest first: a worker's, a team's,
    or (neither given) everyone's; with the front door's undecided contacts when neither is
    given or `front_door` (a front-door practitioner's own list)."""
    today = clocks.london_day(now)
    query = (
        select(CaseStep, Case)
        .join(Case, Case.id == CaseStep.case_id)
        .where(
            CaseStep.status == OPEN,
            CaseStep.due_on.is_not(None),
            CaseStep.due_on <= today + timedelta(days=within_days),
        )
        .order_by(CaseStep.due_on, CaseStep.id)
    )
    if user_id is not None:
        query = query.where(Case.allocated_user_id == user_id)
    if team is not None:
        query = query.where(Case.team == team)
    found = _visible(session, actor, list(session.execute(query)))
    contacts: list[Contact] = []
    if front_door or (user_id is None and team is None):
        contacts = list(
            session.scalars(
                select(Contact)
                .where(Contact.status != pathway.DECIDED)
                .order_by(Contact.decision_due_at, Contact.id)
            )
        )
        hidden = hidden_from(session, actor, [c.person_id for c in contacts])
        contacts = [c for c in contacts if c.person_id not in hidden]
    require(
        session=session,
        actor=actor,
        action=Action.CASES_READ,
        resource_type="case",
        resource_ids=sorted({c.id for _, c in found}),
        detail={"list": "deadlines", "contacts": len(contacts)},
        now=now,
    )
    names = child_names(session, {c.person_id for _, c in found} | {c.person_id for c in contacts})
    items = [
        DueItem(
            kind=s.kind,
            title=STEP_TITLES[s.kind],
            due_on=s.due_on,
            overdue=s.due_on < today,
            case_id=c.id,
            contact_id=None,
            person_id=c.person_id,
            child_name=names.get(c.person_id, ""),
            allocated_label=c.allocated_label,
            team=c.team,
            agency=None,
        )
        for s, c in found
        if s.due_on is not None
    ]
    items += [
        DueItem(
            kind="contact_decision",
            title="Decision on a contact",
            due_on=clocks.london_day(c.decision_due_at),
            overdue=clocks.is_overdue(c.decision_due_at, now),
            case_id=None,
            contact_id=c.id,
            person_id=c.person_id,
            child_name=names.get(c.person_id, ""),
            allocated_label=None,
            team="Front door",
            agency=None,
        )
        for c in contacts
    ]
    if not front_door or user_id is not None or team is not None:
        items += _pathway_reviews(session, actor, now, user_id, team, within_days)
    return sorted(items, key=lambda i: (i.due_on, i.kind))


def _pathway_reviews(
    session: Session,
    actor: Actor,
    now: datetime,
    user_id: int | None,
    team: str | None,
    within_days: int,
) -> list[DueItem]:
    """Leaving care support's pathway plan reviews due (the personal adviser's, the team's, or
    everyone's), audited as a read of the records they name."""
    today = clocks.london_day(now)
    query = (
        select(LeavingCareStep, LeavingCare)
        .join(LeavingCare, LeavingCare.id == LeavingCareStep.record_id)
        .where(LeavingCareStep.status == OPEN, LeavingCareStep.due_on.is_not(None),
               LeavingCareStep.due_on <= today + timedelta(days=within_days))
        .order_by(LeavingCareStep.due_on, LeavingCareStep.id)
    )  # fmt: skip
    if user_id is not None:
        query = query.where(LeavingCare.adviser_user_id == user_id)
    if team is not None:
        query = query.where(LeavingCare.team == team)
    found = _visible(session, actor, list(session.execute(query)))
    if not found:
        return []
    require(session=session, actor=actor, action=Action.CASES_READ, resource_type="leaving_care",
            resource_ids=sorted({r.id for _, r in found}), detail={"list": "deadlines"},
            now=now)  # fmt: skip
    names = child_names(session, {r.person_id for _, r in found})
    return [
        DueItem(kind=s.kind, title="Pathway plan review", due_on=s.due_on,
                overdue=s.due_on < today, case_id=None, contact_id=None, person_id=r.person_id,
                child_name=names.get(r.person_id, ""), allocated_label=r.adviser_label,
                team=r.team, agency=None)
        for s, r in found
        if s.due_on is not None
    ]  # fmt: skip


def overdue_requests(
    *, session: Session, actor: Actor, now: datetime, agency: str | None = None
) -> list[DueItem]:
    """Information requests past their deadline and unanswered, by partner agency."""
    query = (
        select(InformationRequest, Contact)
        .join(Contact, Contact.id == InformationRequest.contact_id)
        .where(InformationRequest.status == "open", InformationRequest.due_at < now)
        .order_by(InformationRequest.due_at, InformationRequest.id)
    )
    if agency is not None:
        query = query.where(InformationRequest.agency == agency)
    found = _visible(session, actor, list(session.execute(query)))
    require(
        session=session,
        actor=actor,
        action=Action.CONTACTS_READ,
        resource_type="information_request",
        resource_ids=[r.id for r, _ in found],
        detail={"list": "overdue_requests"},
        now=now,
    )
    names = child_names(session, {c.person_id for _, c in found})
    return [
        DueItem(
            kind="information_request",
            title=f"Information request to {r.organisation}",
            due_on=clocks.london_day(r.due_at),
            overdue=True,
            case_id=None,
            contact_id=c.id,
            person_id=c.person_id,
            child_name=names.get(c.person_id, ""),
            allocated_label=None,
            team="Front door",
            agency=r.agency,
        )
        for r, c in found
    ]


def no_oversight(*, session: Session, actor: Actor, now: datetime) -> list[DueItem]:
    """Open cases with no management oversight in the last 20 working days."""
    today = clocks.london_day(now)
    found = list(
        session.execute(
            select(CaseStep, Case)
            .join(Case, Case.id == CaseStep.case_id)
            .where(CaseStep.kind == "oversight", CaseStep.status == OPEN, CaseStep.due_on < today)
            .order_by(CaseStep.due_on, CaseStep.id)
        )
    )
    found = _visible(session, actor, found)
    require(
        session=session,
        actor=actor,
        action=Action.CASES_READ,
        resource_type="case",
        resource_ids=[c.id for _, c in found],
        detail={"list": "no_oversight"},
        now=now,
    )
    names = child_names(session, {c.person_id for _, c in found})
    return [
        DueItem(
            kind="oversight",
            title=STEP_TITLES["oversight"],
            due_on=s.due_on or today,
            overdue=True,
            case_id=c.id,
            contact_id=None,
            person_id=c.person_id,
            child_name=names.get(c.person_id, ""),
            allocated_label=c.allocated_label,
            team=c.team,
            agency=None,
        )
        for s, c in found
    ]


def _visible(session: Session, actor: Actor, rows: list[Any]) -> list[Any]:
    """The rows (anything, then its case or contact) without the restricted children the actor
    may not see (ADR 0012): a restricted child is in no list of anyone it does not name."""
    hidden = hidden_from(session, actor, [row[-1].person_id for row in rows])
    return [row for row in rows if row[-1].person_id not in hidden] if hidden else rows
