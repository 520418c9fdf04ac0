"""Cases on the statutory pathway: open, act, read, and the due, overdue and oversight lists.

`act` is the one way a case moves: the action and its outcome must be in
`pathway.TRANSITIONS`; its fields are validated by `steps.MODELS`; the step it completes is
closed (a late one needs a recorded reason), the deadlines it sets are opened as steps with their
due dates (`clocks`), its chronology record and its audit entry are written, and the case's
version moves on, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.casework import chronicle, clocks, pathway, steps
from joinedup.casework.chronicle import Authority
from joinedup.casework.models import Case, CaseStep, Contact, InformationRequest
from joinedup.casework.names import child_names
from joinedup.casework.versions import check_version, flush_versioned
from joinedup.casework.views import CaseView, DueItem, StepView
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed

OPEN, DONE, CANCELLED = "open", "done", "cancelled"
STEP_TITLES = {
    "assessment": "Child and family assessment",
    "strategy_discussion": "Strategy discussion",
    "section47": "Section 47 enquiry",
    "initial_conference": "Initial child protection conference",
    "cp_plan": "Child protection plan",
    "core_group": "Core group meeting",
    "review_conference": "Review child protection conference",
    "visit": "Visit to the child",
    "cin_plan": "Child in need plan",
    "cin_review": "Child in need review",
    "cla_episode": "Looked after",
    "placement": "Placement",
    "cla_review": "Looked-after review",
    "oversight": "Management oversight",
    "closure": "Closure",
}
# Who may take each action: conferences and reviews are chaired; oversight is a manager's.
_POLICY = {
    "initial_conference": Action.CASES_CHAIR,
    "review_conference": Action.CASES_CHAIR,
    "cla_review": Action.CASES_CHAIR,
    "oversight": Action.CASES_OVERSEE,
    "allocate": Action.CASES_OVERSEE,
}
CIN_REVIEW_MONTHS = 3  # local practice; no national interval


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
    """A referral accepted: the case opens at the assessment, its deadlines set."""
    open_already = session.scalar(
        select(Case.id).where(Case.person_id == person_id, Case.stage != pathway.CLOSED)
    )
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
    require(
        session=session,
        actor=actor,
        action=Action.CASES_WRITE,
        resource_type="case",
        resource_ids=[case.id],
        detail={"person": person_id, "step": "open", "strategy": strategy},
        now=now,
    )
    work = _Work(session, actor, authority, case, referral_on, now, "")
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
    )
    if action not in HANDLERS:
        raise InvalidTransition(f"'{action}' is not an action on a case")
    check_version(case, expected_version, fields, case.updated_by, case.updated_at)
    stage = pathway.next_stage(case.stage, action, outcome)
    if on > clocks.london_day(now):
        raise ValidationFailed(
            "Dates cannot be in the future", [FieldError("on", "not after today")]
        )
    if on < case.referral_on:
        message = f"not before the referral ({case.referral_on:%-d %B %Y})"
        raise ValidationFailed("The date is before the case began", [FieldError("on", message)])
    if len(late_reason) > 10_000:
        raise ValidationFailed("Too long", [FieldError("late_reason", "10,000 characters at most")])
    details = steps.validate(action, fields)
    work = _Work(session, actor, authority, case, on, now, late_reason.strip())
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
    )
    return _case_view(session, case, now)


def cases_of(
    *, session: Session, actor: Actor, person_ids: Sequence[int], now: datetime
) -> list[CaseView]:
    """Every case of these children, newest first (the case summary on the child page)."""
    rows = list(
        session.scalars(
            select(Case).where(Case.person_id.in_(list(person_ids))).order_by(Case.id.desc())
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
    )
    return [_case_view(session, c, now) for c in rows]


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
    found = list(session.execute(query))
    contacts: list[Contact] = []
    if front_door or (user_id is None and team is None):
        contacts = list(
            session.scalars(
                select(Contact)
                .where(Contact.status != pathway.DECIDED)
                .order_by(Contact.decision_due_at)
            )
        )
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
    return sorted(items, key=lambda i: (i.due_on, i.kind))


def overdue_requests(
    *, session: Session, actor: Actor, now: datetime, agency: str | None = None
) -> list[DueItem]:
    """Information requests past their deadline and unanswered, by partner agency."""
    query = (
        select(InformationRequest, Contact)
        .join(Contact, Contact.id == InformationRequest.contact_id)
        .where(InformationRequest.status == "open", InformationRequest.due_at < now)
        .order_by(InformationRequest.due_at)
    )
    if agency is not None:
        query = query.where(InformationRequest.agency == agency)
    found = list(session.execute(query))
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
            .order_by(CaseStep.due_on)
        )
    )
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


def open_case_of(session: Session, person_id: int) -> int | None:
    """The child's open case, if any (routing a prompt or a contact to it)."""
    return session.scalar(
        select(Case.id).where(Case.person_id == person_id, Case.stage != pathway.CLOSED)
    )


@dataclass(frozen=True)
class Allocation:
    """Where work about a child goes when their case is open: the case, its worker, manager."""

    case_id: int
    user_id: int | None
    label: str | None
    manager_label: str | None
    team: str | None


def allocations(session: Session, person_ids: Sequence[int]) -> dict[int, Allocation]:
    """The open case of each child who has one, with its allocation (no personal data: ids and
    account names, for routing; the caller's own action is what is audited)."""
    rows = session.execute(
        select(Case.person_id, Case.id, Case.allocated_user_id, Case.allocated_label,
               Case.manager_label, Case.team)
        .where(Case.person_id.in_(list(person_ids)), Case.stage != pathway.CLOSED)
    )  # fmt: skip
    return {pid: Allocation(cid, uid, label, manager, team)
            for pid, cid, uid, label, manager, team in rows}  # fmt: skip


# -- the work of one action ----------------------------------------------------------------------


@dataclass
class _Work:
    session: Session
    actor: Actor
    authority: Authority
    case: Case
    on: date
    now: datetime
    late_reason: str

    def open(self, kind: str, due_on: date | None, details: dict[str, Any] | None = None) -> None:
        self.session.add(
            CaseStep(
                case_id=self.case.id,
                kind=kind,
                status=OPEN,
                due_on=due_on,
                started_on=self.on,
                details=details or {},
                created_at=self.now,
                updated_at=self.now,
            )
        )

    def open_step(self, kind: str) -> CaseStep | None:
        self.session.flush()
        return self.session.scalar(
            select(CaseStep)
            .where(CaseStep.case_id == self.case.id, CaseStep.kind == kind, CaseStep.status == OPEN)
            .order_by(CaseStep.id.desc())
            .limit(1)
        )

    def complete(
        self, kind: str, details: dict[str, Any], outcome: str = "", *, ad_hoc: bool = True
    ) -> CaseStep:
        """Close the open step of `kind` (or record an unscheduled one when `ad_hoc`)."""
        step = self.open_step(kind)
        if step is None:
            if not ad_hoc:
                raise InvalidTransition(f"no {STEP_TITLES[kind].lower()} is open on this case")
            step = CaseStep(
                case_id=self.case.id,
                kind=kind,
                started_on=self.on,
                created_at=self.now,
                details={},
            )
            self.session.add(step)
        if step.due_on is not None and self.on > step.due_on and not self.late_reason:
            late = clocks.days_late(step.due_on, self.on)
            raise ValidationFailed(
                "This is late: record why",
                [
                    FieldError(
                        "late_reason",
                        f"{STEP_TITLES[kind]} was due by {step.due_on:%-d %B %Y} and is "
                        f"{late} working day{'s' if late != 1 else ''} late: say why",
                        "required",
                    )
                ],
            )
        step.status, step.completed_on, step.outcome = DONE, self.on, outcome or None
        step.details = {**(step.details or {}), **details}
        if step.due_on is not None and self.on > step.due_on:
            step.late_reason = self.late_reason
        step.recorded_by, step.updated_at = self.actor.label, self.now
        self.session.flush()
        return step

    def cancel(self, *kinds: str) -> None:
        self.session.flush()
        for step in self.session.scalars(
            select(CaseStep).where(
                CaseStep.case_id == self.case.id,
                CaseStep.kind.in_(kinds),
                CaseStep.status == OPEN,
            )
        ):
            step.status, step.updated_at = CANCELLED, self.now

    def done_dates(self, kind: str, since: date | None = None) -> list[date]:
        self.session.flush()
        query = select(CaseStep.completed_on).where(
            CaseStep.case_id == self.case.id, CaseStep.kind == kind, CaseStep.status == DONE
        )
        if since is not None:
            query = query.where(CaseStep.completed_on >= since)
        return sorted(d for d in self.session.scalars(query) if d is not None)

    def chronicle(
        self, step: CaseStep, kind: str, summary: str, attributes: dict[str, Any] | None = None
    ) -> None:
        step.event_id = chronicle.write(
            session=self.session,
            actor=self.actor,
            authority=self.authority,
            person_id=self.case.person_id,
            record_id=f"case:{self.case.id}:step:{step.id}:{kind}",
            kind=kind,
            occurred_at=datetime.combine(self.on, time(12), clocks.UK),
            summary=summary,
            attributes=attributes,
            author=chronicle.Author(self.actor.label, self.actor.role.value),
            now=self.now,
        )


Handler = Callable[[_Work, Any, str], None]


def _complete_assessment(w: _Work, d: steps.AssessmentComplete, outcome: str) -> None:
    if w.open_step("assessment") is None:
        raise InvalidTransition("no child and family assessment is open on this case")
    step = w.complete("assessment", d.model_dump(mode="json"), outcome, ad_hoc=False)
    if d.primary_need:
        w.case.primary_need = d.primary_need
    if outcome == "child_in_need" and w.case.stage == pathway.ASSESSMENT:
        w.open("cin_plan", None)
    w.chronicle(
        step,
        "assessment",
        f"Child and family assessment completed: {outcome.replace('_', ' ')}. {d.analysis}",
        {"outcome": outcome, "child_seen": d.child_seen, "seen_alone": d.seen_alone,
         "child_voice": bool(d.child_views)},
    )  # fmt: skip


def _strategy(w: _Work, d: steps.StrategyDiscussion, outcome: str) -> None:
    step = w.complete("strategy_discussion", d.model_dump(mode="json"), outcome)
    if outcome == "section47" and w.open_step("section47") is None:
        w.open("section47", None)
    agencies = sorted({a.agency for a in d.attendees})
    w.chronicle(
        step,
        "strategy_discussion",
        f"Strategy discussion ({', '.join(agencies)}): "
        f"{'section 47 enquiry to start' if outcome == 'section47' else 'no section 47 enquiry'}."
        f" {d.reasons}",
        {"outcome": outcome},
    )


def _section47(w: _Work, d: steps.Section47, outcome: str) -> None:
    step = w.complete("section47", d.model_dump(mode="json"), outcome, ad_hoc=False)
    if outcome == "conference":
        last = w.done_dates("strategy_discussion")
        w.open("initial_conference", clocks.icpc_due(last[-1] if last else w.on))
    elif outcome == "child_in_need":
        w.open("cin_plan", None)
    w.chronicle(step, "section47", f"Section 47 enquiry concluded: {outcome.replace('_', ' ')}. "
                f"{d.findings}", {"outcome": outcome})  # fmt: skip


def _book(w: _Work, d: steps.Booking, _: str) -> None:
    step = w.open_step("initial_conference") or w.open_step("review_conference")
    if step is None:
        raise InvalidTransition("no conference is due on this case")
    if step.due_on is not None and d.booked_for > step.due_on and not w.late_reason:
        raise ValidationFailed(
            "The conference is booked after it is due",
            [FieldError("late_reason", f"it is due by {step.due_on:%-d %B %Y}: say why it "
                        "cannot be held by then", "required")],
        )  # fmt: skip
    step.details = {**(step.details or {}), "booked_for": d.booked_for.isoformat(),
                    "venue": d.venue}  # fmt: skip
    step.late_reason = w.late_reason or step.late_reason
    step.updated_at = w.now


def _conference(w: _Work, d: steps.Conference, outcome: str) -> None:
    if outcome == "plan" and not d.categories:
        raise ValidationFailed(
            "A plan needs its categories of abuse",
            [FieldError("categories", "choose at least one category of abuse", "required")],
        )
    step = w.complete("initial_conference", d.model_dump(mode="json"), outcome, ad_hoc=False)
    category = d.categories[0] if len(d.categories) == 1 else "MUL"
    attributes = {"outcome": outcome, **({"category_of_abuse": category} if d.categories else {})}
    w.chronicle(step, "cp_conference", f"Initial child protection conference: {d.decision}",
                attributes)  # fmt: skip
    if outcome == "plan":
        w.open("cp_plan", None, {"categories": d.categories, "icpc_on": w.on.isoformat()})
        w.open("core_group", clocks.first_core_group_due(w.on))
        w.open("review_conference", clocks.review_conference_due(w.on, None))
        w.open("visit", clocks.cp_visit_due(w.on))
        plan = w.open_step("cp_plan")
        assert plan is not None  # noqa: S101 - opened above
        w.chronicle(plan, "cp_plan_start", "Child protection plan started "
                    f"({', '.join(d.categories)}).", {"category_of_abuse": category})  # fmt: skip
    elif outcome == "child_in_need":
        w.open("cin_plan", None)


def _core_group(w: _Work, d: steps.Meeting, _: str) -> None:
    step = w.complete("core_group", d.model_dump(mode="json"))
    w.open("core_group", clocks.next_core_group_due(w.on))
    w.chronicle(step, "note", f"Core group meeting. {d.notes}")


def _visit(w: _Work, d: steps.Visit, _: str) -> None:
    step = w.complete("visit", d.model_dump(mode="json"))
    if w.case.stage == pathway.CHILD_PROTECTION:
        w.open("visit", clocks.cp_visit_due(w.on))
    elif w.case.stage == pathway.LOOKED_AFTER:
        episode, placement = w.open_step("cla_episode"), w.open_step("placement")
        if episode is not None and placement is not None:
            w.open("visit", clocks.cla_visit_due(
                episode.started_on, placement.started_on, w.on,
                intended_to_18=bool(placement.details.get("intended_to_18"))))  # fmt: skip
    seen = "seen alone" if d.seen_alone else ("seen" if d.child_seen else "not seen")
    w.chronicle(step, "note", f"Visit by the social worker: child {seen}. {d.notes}",
                {"child_seen": d.child_seen, "seen_alone": d.seen_alone,
                 "child_voice": bool(d.child_views)})  # fmt: skip


def _end_plan(w: _Work, reason: str) -> None:
    plan = w.open_step("cp_plan")
    w.cancel("core_group", "visit", "review_conference")
    if plan is not None:
        plan.status, plan.completed_on, plan.outcome = DONE, w.on, reason
        plan.updated_at = w.now
        w.session.flush()
        w.chronicle(
            plan, "cp_plan_end", f"Child protection plan ended: {reason.replace('_', ' ')}."
        )


def _review(w: _Work, d: steps.Conference, outcome: str) -> None:
    step = w.complete("review_conference", d.model_dump(mode="json"), outcome)
    w.chronicle(step, "cp_conference", f"Review child protection conference: {d.decision}",
                {"outcome": outcome})  # fmt: skip
    if outcome == "continue":
        plan = w.open_step("cp_plan")
        icpc = date.fromisoformat(plan.details["icpc_on"]) if plan else w.on
        w.open("review_conference", clocks.review_conference_due(icpc, w.on))
    else:
        _end_plan(w, "ended_at_review")
        w.open("cin_plan", None)


def _looked_after(w: _Work, d: steps.LookedAfter, _: str) -> None:
    if w.case.stage == pathway.CHILD_PROTECTION:
        _end_plan(w, "became_looked_after")
    fields = d.model_dump(mode="json")
    w.open("cla_episode", None, {"legal_status": d.legal_status})
    w.open("placement", None, fields)
    w.open("cla_review", clocks.cla_review_due(w.on, []))
    w.open("visit", clocks.cla_visit_due(w.on, w.on, None, intended_to_18=d.intended_to_18))
    episode = w.open_step("cla_episode")
    assert episode is not None  # noqa: S101 - opened above
    w.chronicle(episode, "cla_start", f"Became looked after ({d.legal_status}), placement "
                f"{d.placement_type}.", {"legal_status": d.legal_status})  # fmt: skip


def _placement(w: _Work, d: steps.Placement, _: str) -> None:
    episode = w.open_step("cla_episode")
    old = w.open_step("placement")
    if episode is None or old is None:
        raise InvalidTransition("the child has no current placement to change")
    old.status, old.completed_on, old.outcome, old.updated_at = DONE, w.on, "changed", w.now
    w.cancel("visit")
    w.open("placement", None, d.model_dump(mode="json"))
    w.open("visit", clocks.cla_visit_due(episode.started_on, w.on, None,
                                         intended_to_18=d.intended_to_18))  # fmt: skip
    new = w.open_step("placement")
    assert new is not None  # noqa: S101 - opened above
    w.chronicle(new, "note", f"Placement changed to {d.placement_type}. {d.reason_for_change}")


def _cla_review(w: _Work, d: steps.Review, _: str) -> None:
    episode = w.open_step("cla_episode")
    step = w.complete("cla_review", d.model_dump(mode="json"))
    if episode is not None:
        held = w.done_dates("cla_review", since=episode.started_on)
        w.open("cla_review", clocks.cla_review_due(episode.started_on, held))
    w.chronicle(step, "note", f"Looked-after review. {d.notes}")


def _end_looked_after(w: _Work, d: steps.EndLookedAfter, _: str) -> None:
    episode = w.open_step("cla_episode")
    if episode is None:
        raise InvalidTransition("the child is not looked after on this case")
    placement = w.open_step("placement")
    if placement is not None:
        placement.status, placement.completed_on, placement.outcome = DONE, w.on, "ended"
    w.cancel("cla_review", "visit")
    episode.status, episode.completed_on, episode.outcome = DONE, w.on, d.reason_ceased
    episode.updated_at = w.now
    w.session.flush()
    w.chronicle(episode, "cla_end", f"Stopped being looked after ({d.reason_ceased}). {d.notes}",
                {"reason": d.reason_ceased})  # fmt: skip


def _cin_plan(w: _Work, d: steps.Plan, _: str) -> None:
    step = w.complete("cin_plan", d.model_dump(mode="json"))
    w.cancel("cin_review")
    w.open("cin_review", clocks.add_months(w.on, CIN_REVIEW_MONTHS))
    w.chronicle(step, "note", f"Child in need plan agreed. {d.outcomes_sought}")


def _cin_review(w: _Work, d: steps.Review, outcome: str) -> None:
    step = w.complete("cin_review", d.model_dump(mode="json"), outcome)
    if outcome == "continue":
        w.open("cin_review", clocks.add_months(w.on, CIN_REVIEW_MONTHS))
    w.chronicle(step, "note", f"Child in need review: {outcome}. {d.notes}")


def _close(w: _Work, d: steps.Closure, _: str) -> None:
    if w.open_step("assessment") is not None:
        raise InvalidTransition("complete the child and family assessment before closing")
    w.cancel(*STEP_TITLES)
    w.case.closed_on, w.case.closure_reason = w.on, d.closure_reason
    step = CaseStep(case_id=w.case.id, kind="closure", status=DONE, started_on=w.on,
                    completed_on=w.on, outcome="closed", details=d.model_dump(mode="json"),
                    recorded_by=w.actor.label, created_at=w.now, updated_at=w.now)  # fmt: skip
    w.session.add(step)
    w.session.flush()
    w.chronicle(step, "case_closed", f"Case closed ({d.closure_reason}). {d.notes}",
                {"reason": d.closure_reason})  # fmt: skip


def _oversight(w: _Work, d: steps.Oversight, _: str) -> None:
    w.complete("oversight", d.model_dump(mode="json"), d.kind)
    w.open("oversight", clocks.oversight_due(w.on))


def _allocate(w: _Work, d: steps.Allocation, _: str) -> None:
    w.case.allocated_user_id, w.case.allocated_label = d.user_id, d.label
    w.case.team, w.case.manager_label = d.team, d.manager_label or None


def _unsupported(_w: _Work, _d: Any, _o: str) -> None:
    raise InvalidTransition("save an assessment's draft with save_assessment")


HANDLERS: dict[str, Handler] = {
    "save_assessment": _unsupported,
    "complete_assessment": _complete_assessment,
    "strategy_discussion": _strategy,
    "complete_section47": _section47,
    "book_conference": _book,
    "initial_conference": _conference,
    "review_conference": _review,
    "core_group": _core_group,
    "visit": _visit,
    "start_looked_after": _looked_after,
    "placement": _placement,
    "cla_review": _cla_review,
    "end_looked_after": _end_looked_after,
    "cin_plan": _cin_plan,
    "cin_review": _cin_review,
    "close": _close,
    "oversight": _oversight,
    "allocate": _allocate,
}


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


def count_open(session: Session) -> int:
    return session.scalar(select(func.count()).where(Case.stage != pathway.CLOSED)) or 0


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
