"""Cases on the statutory pathway: open, act and read (the lists of what is due: `lists`).

`act` is the one way a case moves: the action and its outcome must be in
`pathway.TRANSITIONS`; its fields are validated by `steps.MODELS`; the step it completes is
closed (a late one needs a recorded reason), the deadlines it sets are opened as steps with their
due dates (`clocks`), its chronology record and its audit entry are written, and the case's
version moves on, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.access.service import record as audited
from joinedup.casework import clocks, pathway, steps
from joinedup.casework.chronicle import Authority
from joinedup.casework.models import Case, CaseStep, Contact
from joinedup.casework.names import child_names
from joinedup.casework.versions import check_version, flush_versioned
from joinedup.casework.views import CaseView, StepView
from joinedup.casework.work import DONE, HANDLERS, OPEN, STEP_TITLES, Work
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed
from joinedup.people import merges

# Who may take each action: conferences and reviews are chaired; oversight is a manager's.
_POLICY = {
    "initial_conference": Action.CASES_CHAIR,
    "review_conference": Action.CASES_CHAIR,
    "cla_review": Action.CASES_CHAIR,
    "oversight": Action.CASES_OVERSEE,
    "allocate": Action.CASES_OVERSEE,
}


def open_case(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    person_id: int,
    referral_on: date,
    referral_source: str,
    contact_id: int | None,
    strategy: bool,
    now: datetime,
) -> int:
    """A referral accepted: the case opens at the assessment, its deadlines set.

    The child is checked first (restricted, or no relationship: refused and audited), so that a
    refusal neither writes a row nor tells whether the child has a case open."""
    opened = {"person": person_id, "step": "open", "strategy": strategy}
    held = authorise(session=session, actor=actor, action=Action.CASES_WRITE,
                     resource_type="case", child=[person_id], detail=opened,
                     now=now)  # fmt: skip
    open_already = open_case_of(session, person_id)
    if open_already is not None:
        raise InvalidTransition(
            f"the child already has an open case ({open_already}): add this to it instead"
        )
    case = Case(
        person_id=person_id,
        stage=pathway.ASSESSMENT,
        referral_on=referral_on,
        referral_source=referral_source,
        contact_id=contact_id,
        opened_at=now,
        updated_at=now,
        updated_by=actor.label,
    )
    session.add(case)
    session.flush()
    audited(session=session, actor=actor, action=Action.CASES_WRITE, resource_type="case",
            resource_ids=[case.id], now=now,
            detail=opened if held is None else {**opened, "relationship": held})  # fmt: skip
    work = Work(session, actor, authority, case, referral_on, now, "")
    work.open("assessment", clocks.assessment_due(referral_on))
    work.open("oversight", clocks.oversight_due(referral_on))
    if strategy:
        work.open("strategy_discussion", clocks.strategy_discussion_due(referral_on))
    session.flush()
    del authority
    return case.id


def act(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    case_id: int,
    action: str,
    outcome: str = "",
    on: date,
    fields: dict[str, Any],
    expected_version: int,
    late_reason: str = "",
    now: datetime,
) -> CaseView:
    """Take one step of the pathway on a case (see the module's docstring)."""
    policy = _POLICY.get(action, Action.CASES_WRITE)
    authorise(session=session, actor=actor, action=policy, resource_type="case")
    case = _case(session, case_id, lock=True)
    require(
        session=session,
        actor=actor,
        action=policy,
        resource_type="case",
        resource_ids=[case_id],
        detail={"person": case.person_id, "step": action, "outcome": outcome},
        now=now,
        child=[case.person_id],
    )
    if action not in HANDLERS:
        raise InvalidTransition(f"'{action}' is not an action on a case")
    check_version(case, expected_version, fields, case.updated_by, case.updated_at)
    stage = pathway.next_stage(case.stage, action, outcome)
    clocks.refuse_future(on, now)
    if on < case.referral_on:
        message = f"not before the referral ({case.referral_on:%-d %B %Y})"
        raise ValidationFailed("The date is before the case began", [FieldError("on", message)])
    if len(late_reason) > 10_000:
        raise ValidationFailed("Too long", [FieldError("late_reason", "10,000 characters at most")])
    details = steps.validate(action, fields)
    work = Work(session, actor, authority, case, on, now, late_reason.strip())
    HANDLERS[action](work, details, outcome)
    case.stage = stage
    case.updated_at, case.updated_by = now, actor.label
    flush_versioned(session)
    return _case_view(session, case, now)


def save_assessment(
    *,
    session: Session,
    actor: Actor,
    step_id: int,
    fields: dict[str, Any],
    expected_version: int,
    now: datetime,
) -> StepView:
    """Save the open assessment's draft; two saves from the same version: the second is refused
    with what the first saved, and nothing of either is lost."""
    authorise(session=session, actor=actor, action=Action.CASES_WRITE, resource_type="case")
    step = session.get(CaseStep, step_id, with_for_update=True, populate_existing=True)
    if step is None or step.kind != "assessment":
        raise NotFound(f"assessment {step_id} does not exist")
    case = _case(session, step.case_id)
    require(
        session=session,
        actor=actor,
        action=Action.CASES_WRITE,
        resource_type="case_step",
        resource_ids=[step_id],
        detail={"person": case.person_id, "case": case.id, "step": "save_assessment"},
        now=now,
        child=[case.person_id],
    )
    draft = steps.validate("save_assessment", fields).model_dump(mode="json")
    check_version(step, expected_version, draft, step.recorded_by, step.updated_at)
    if step.status != OPEN:
        raise InvalidTransition("this assessment is complete: it can no longer be changed")
    pathway.next_stage(case.stage, "save_assessment")
    step.details = draft
    step.recorded_by, step.updated_at = actor.label, now
    flush_versioned(session)
    return _step_view(step, clocks.london_day(now))


def get_case(*, session: Session, actor: Actor, case_id: int, now: datetime) -> CaseView:
    authorise(session=session, actor=actor, action=Action.CASES_READ, resource_type="case")
    case = _case(session, case_id)
    require(
        session=session,
        actor=actor,
        action=Action.CASES_READ,
        resource_type="case",
        resource_ids=[case_id],
        detail={"person": case.person_id},
        now=now,
        child=[case.person_id],
    )
    return _case_view(session, case, now)


def cases_of(
    *, session: Session, actor: Actor, person_ids: Sequence[int], now: datetime
) -> list[CaseView]:
    """Every case of these children, newest first (the case summary on the child page),
    including the cases of persons merged into them (`people.merges.family`)."""
    family = merges.family(session, person_ids)
    rows = list(
        session.scalars(
            select(Case).where(Case.person_id.in_(select(family.c.member))).order_by(Case.id.desc())
        )
    )
    require(
        session=session,
        actor=actor,
        action=Action.CASES_READ,
        resource_type="case",
        resource_ids=[c.id for c in rows],
        detail={"persons": len(person_ids)},
        now=now,
        child=list(person_ids),
    )
    return [_case_view(session, c, now) for c in rows]


def open_case_of(session: Session, person_id: int) -> int | None:
    """The child's open case, if any (routing a prompt or a contact to it): opened on the child
    or on a person merged into them. Should two be open (each opened on one of two persons
    later merged), the older; the child's page lists both."""
    family = merges.family(session, [person_id])
    return session.scalar(
        select(Case.id)
        .join(family, family.c.member == Case.person_id)
        .where(Case.stage != pathway.CLOSED)
        .order_by(Case.id)
        .limit(1)
    )


@dataclass(frozen=True)
class Allocation:
    """Where work about a child goes when their case is open: the case, its worker, manager."""

    case_id: int
    user_id: int | None
    label: str | None
    manager_label: str | None
    team: str | None


@dataclass(frozen=True, slots=True)
class CasePeriod:
    """A case's span: open from the day its referral was received to the day it closed
    (both days included; `closed_on` None while it is open)."""

    referral_on: date
    closed_on: date | None

    def open_on(self, day: date) -> bool:
        return self.referral_on <= day and (self.closed_on is None or day <= self.closed_on)


def allocations(session: Session, person_ids: Sequence[int]) -> dict[int, Allocation]:
    """The open case of each child who has one, with its allocation (no personal data: ids and
    account names, for routing; the caller's own action is what is audited)."""
    family = merges.family(session, person_ids)
    rows = session.execute(
        select(family.c.asked, Case.id, Case.allocated_user_id, Case.allocated_label,
               Case.manager_label, Case.team)
        .join(family, family.c.member == Case.person_id)
        .where(Case.stage != pathway.CLOSED)
        .order_by(Case.id)
    )  # fmt: skip
    found: dict[int, Allocation] = {}
    for pid, cid, uid, label, manager, team in rows:  # the older of two open (`open_case_of`)
        found.setdefault(pid, Allocation(cid, uid, label, manager, team))
    return found


def case_periods(session: Session, person_ids: Sequence[int]) -> dict[int, list[CasePeriod]]:
    """Each child's cases here, from referral to closure, oldest first: where work about the
    child went on a past day (the rules' backtest routes its prompts as live intake would have).
    Ids and dates only; the caller's own action is what is audited."""
    family = merges.family(session, person_ids)
    rows = session.execute(
        select(family.c.asked, Case.referral_on, Case.closed_on)
        .join(family, family.c.member == Case.person_id)
        .order_by(family.c.asked, Case.referral_on, Case.id)
    )
    periods: dict[int, list[CasePeriod]] = {}
    for person_id, referral_on, closed_on in rows:
        periods.setdefault(person_id, []).append(CasePeriod(referral_on, closed_on))
    return periods


# -- reading -------------------------------------------------------------------------------------


def _case(session: Session, case_id: int, *, lock: bool = False) -> Case:
    """The case; `lock` (a save) holds its row until commit, so a concurrent save of the same
    version waits and then sees the new version (PostgreSQL; SQLite's writers queue already)."""
    case = session.get(Case, case_id, with_for_update=lock, populate_existing=lock)
    if case is None:
        raise NotFound(f"case {case_id} does not exist")
    return case


def _step_view(s: CaseStep, today: date) -> StepView:
    return StepView(
        id=s.id,
        kind=s.kind,
        title=STEP_TITLES[s.kind],
        status=s.status,
        due_on=s.due_on,
        started_on=s.started_on,
        completed_on=s.completed_on,
        outcome=s.outcome,
        late_reason=s.late_reason,
        details=dict(s.details or {}),
        recorded_by=s.recorded_by,
        overdue=s.status == OPEN and s.due_on is not None and s.due_on < today,
        version=s.version,
    )


def _case_view(session: Session, case: Case, now: datetime) -> CaseView:
    today = clocks.london_day(now)
    rows = list(session.scalars(select(CaseStep).where(CaseStep.case_id == case.id)))
    due = [_step_view(s, today) for s in rows if s.status == OPEN]
    done = [_step_view(s, today) for s in rows if s.status == DONE]
    due.sort(key=lambda s: (s.due_on is None, s.due_on or today, s.id))
    done.sort(key=lambda s: (s.completed_on or today, s.id), reverse=True)
    return CaseView(
        id=case.id,
        person_id=case.person_id,
        child_name=child_names(session, [case.person_id]).get(case.person_id, ""),
        stage=case.stage,
        stage_title=pathway.STAGES[case.stage],
        referral_on=case.referral_on,
        referral_source=case.referral_source,
        primary_need=case.primary_need,
        team=case.team,
        allocated_label=case.allocated_label,
        manager_label=case.manager_label,
        closed_on=case.closed_on,
        closure_reason=case.closure_reason,
        version=case.version,
        due=due,
        done=done,
        actions=pathway.actions(case.stage),
    )


@dataclass(frozen=True)
class OpenCaseRow:
    """An open case as workforce reads it for caseloads: ids, stage and dates only."""

    case_id: int
    person_id: int
    stage: str
    allocated_user_id: int | None
    referral_on: date
    team: str | None
    allocated_label: str | None = None  # a worker without an account is allocated by name

    @property
    def allocated(self) -> bool:
        return self.allocated_user_id is not None or bool(self.allocated_label)


def open_cases(session: Session, *, case_ids: Sequence[int] | None = None) -> list[OpenCaseRow]:
    """Every open case (or those of `case_ids`) with its stage and allocation (no personal data;
    the caller's own action is what is audited)."""
    query = select(Case.id, Case.person_id, Case.stage, Case.allocated_user_id,
                   Case.referral_on, Case.team, Case.allocated_label
                   ).where(Case.stage != pathway.CLOSED)  # fmt: skip
    if case_ids is not None:
        query = query.where(Case.id.in_(list(case_ids)))
    return [OpenCaseRow(*row) for row in session.execute(query.order_by(Case.id))]


@dataclass(frozen=True)
class DemandDates:
    """The dates demand is counted from: contacts received, referrals, and each case's span."""

    contacts: list[date]
    referrals: list[date]
    spans: list[tuple[date, date | None]]  # (referral, closure) of every case


def demand_dates(session: Session, *, since: date) -> DemandDates:
    """Dates only (no ids, no personal data), for the demand forecast; the caller audits."""
    start = datetime.combine(since, time.min, tzinfo=clocks.UK)
    received = session.scalars(select(Contact.received_at).where(Contact.received_at >= start))
    spans = [(r, c) for r, c in session.execute(
        select(Case.referral_on, Case.closed_on)
        .where((Case.closed_on.is_(None)) | (Case.closed_on >= since))
    )]  # fmt: skip
    referrals = [r for r, _ in spans if r >= since]
    return DemandDates([clocks.london_day(at) for at in received], referrals, spans)
