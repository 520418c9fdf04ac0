"""The leaving care service: open a young person's leaving-care record, act on it, read it.

Every function checks the policy and writes its audit entry through `access.require` (the child
named) in the caller's transaction, as `service` does for cases; the adviser an open record
names holds the young person as a case's allocated worker does (relationship `adviser`,
`access.relationships`, ADR 0012). The category (eligible,
relevant, former relevant, qualifying) is never typed in: it follows from the young person's
periods of care and date of birth (`eligibility.category`), and a record is opened only for
someone it names. Steps are kept as `CaseStep`s are: the personal adviser's allocations (done
steps, the adviser's history: SSDA903 social worker episodes continue with them), the pathway
plan and its review (an open step due at most six months on, `clocks.pathway_review_due`; a
late review needs its reason) and each contact (OC3: in touch, activity, accommodation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import NO_SUCH_CHILD, authorise, require
from joinedup.access.service import record as audited
from joinedup.casework import chronicle, clocks, eligibility
from joinedup.casework import leaving_care_steps as lcs
from joinedup.casework.chronicle import Authority
from joinedup.casework.leaving_care_models import LeavingCare, LeavingCareStep
from joinedup.casework.models import Case, CaseStep
from joinedup.casework.names import child_names
from joinedup.casework.versions import check_version, flush_versioned
from joinedup.casework.views import StepView
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed
from joinedup.people import merges
from joinedup.people.birth import birth_date
from joinedup.people.models import Person

OPEN, DONE, CANCELLED = "open", "done", "cancelled"
STEP_TITLES = {
    "open": "Leaving care support opened",
    "adviser": "Personal adviser",
    "pathway_plan": "Pathway plan",
    "pathway_review": "Pathway plan review",
    "keeping_in_touch": "Contact: in touch, accommodation and activity",
    "extension": "Support continued to 25",
    "closure": "Leaving care support closed",
}
_POLICY = {"allocate_adviser": Action.CASES_OVERSEE}


@dataclass(frozen=True)
class LeavingCareView:
    id: int
    person_id: int
    young_person: str
    case_id: int | None
    category: str | None  # eligibility.CATEGORIES, on the day read (None: duties ended)
    opened_on: date
    extended_on: date | None
    adviser_label: str | None
    team: str | None
    closed_on: date | None
    closure_reason: str | None
    version: int
    due: list[StepView]
    done: list[StepView]
    actions: list[str]


# -- what the category is read from --------------------------------------------------------


def periods_of_care(session: Session, person_id: int) -> list[eligibility.Care]:
    """The young person's periods of care, from casework's `cla_episode` steps, in order (the
    cases of persons merged into them included)."""
    family = merges.family(session, [person_id])
    rows = session.execute(
        select(CaseStep.started_on, CaseStep.completed_on, CaseStep.status, CaseStep.outcome,
               CaseStep.details)
        .join(Case, Case.id == CaseStep.case_id)
        .join(family, family.c.member == Case.person_id)
        .where(CaseStep.kind == "cla_episode", CaseStep.status != CANCELLED)
        .order_by(CaseStep.started_on, CaseStep.id)
    )  # fmt: skip
    return [
        eligibility.Care(start, end if status == DONE else None,
                         str((details or {}).get("legal_status") or ""), str(outcome or ""))
        for start, end, status, outcome, details in rows
    ]  # fmt: skip


def category_of(
    session: Session, person_id: int, on: date, *, extended: bool = False
) -> str | None:
    """The young person's leaving-care category on `on` (None: not owed the duties, or no date
    of birth known). Dates only; the caller's own read is what is audited."""
    born = birth_date(session, person_id)
    if born is None:
        return None
    return eligibility.category(born=born, periods=periods_of_care(session, person_id), on=on,
                                extended=extended)  # fmt: skip


def open_record_of(session: Session, person_id: int) -> int | None:
    """The young person's open leaving-care record, if any (ids only, for links): theirs or a
    person's since merged into them."""
    family = merges.family(session, [person_id])
    return session.scalar(
        select(LeavingCare.id).join(family, family.c.member == LeavingCare.person_id)
        .where(LeavingCare.closed_on.is_(None)).order_by(LeavingCare.id).limit(1)
    )  # fmt: skip


# -- opening and acting ------------------------------------------------------------------------


def open_record(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    person_id: int,
    on: date,
    fields: dict[str, Any],
    now: datetime,
) -> LeavingCareView:
    """Open leaving care support for a young person the law says it is owed to.

    The young person is checked first (restricted, or no relationship: refused and audited), so
    that a refusal neither writes a row nor tells whether a record is open or a date known."""
    held = authorise(session=session, actor=actor, action=Action.CASES_WRITE,
                     resource_type="leaving_care", child=[person_id],
                     detail={"person": person_id, "step": "open"}, now=now)  # fmt: skip
    details = lcs.validate("open", fields)
    clocks.refuse_future(on, now)
    existing = open_record_of(session, person_id)
    if existing is not None:
        raise InvalidTransition(f"leaving care support is open for this young person ({existing})")
    born = birth_date(session, person_id)
    if born is None:
        raise ValidationFailed("The date of birth is not known", [FieldError(
            "person_id", "no record gives the young person's date of birth to the day, and "
            "the leaving care duties depend on it")])  # fmt: skip
    category = eligibility.category(born=born, periods=periods_of_care(session, person_id), on=on)
    if category is None:
        raise ValidationFailed("Not owed leaving care support", [FieldError(
            "on", f"on {on:%-d %B %Y} the young person is not eligible, relevant, former "
            "relevant or qualifying: leaving care support is for those looked after at 16 or "
            "over (13 weeks since 14 for the full duties), to 21, or 25 on request")])  # fmt: skip
    record = LeavingCare(
        person_id=person_id,
        case_id=getattr(details, "case_id", None),
        opened_on=on,
        opened_at=now,
        updated_at=now,
        updated_by=actor.label,
    )
    session.add(record)
    session.flush()
    opened = {"person": person_id, "step": "open", "category": category}
    audited(session=session, actor=actor, action=Action.CASES_WRITE,
            resource_type="leaving_care", resource_ids=[record.id],
            detail=opened if held is None else {**opened, "relationship": held},
            now=now)  # fmt: skip
    step = _done(session, record, "open", on, now, actor, details.model_dump(mode="json"),
                 category)  # fmt: skip
    _chronicle(session, actor, authority, record, step, on, now,
               f"Leaving care support opened ({eligibility.CATEGORIES[category]}).")  # fmt: skip
    flush_versioned(session)
    return _view(session, record, now)


def act(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    record_id: int,
    action: str,
    on: date,
    fields: dict[str, Any],
    expected_version: int,
    late_reason: str = "",
    now: datetime,
) -> LeavingCareView:
    """One action on an open leaving-care record (`leaving_care_steps.MODELS`, but `open`)."""
    policy = _POLICY.get(action, Action.CASES_WRITE)
    authorise(session=session, actor=actor, action=policy, resource_type="leaving_care")
    record = _record(session, record_id, lock=True)
    require(session=session, actor=actor, action=policy, resource_type="leaving_care",
            resource_ids=[record_id], detail={"person": record.person_id, "step": action},
            now=now, child=[record.person_id])  # fmt: skip
    if action not in _HANDLERS:
        raise InvalidTransition(f"'{action}' is not an action on leaving care support")
    check_version(record, expected_version, fields, record.updated_by, record.updated_at)
    if record.closed_on is not None:
        raise InvalidTransition("this leaving care support is closed")
    clocks.refuse_future(on, now)
    if on < record.opened_on:
        raise ValidationFailed("The date is before support began", [FieldError(
            "on", f"not before {record.opened_on:%-d %B %Y}")])  # fmt: skip
    if len(late_reason) > 10_000:
        raise ValidationFailed("Too long", [FieldError("late_reason", "10,000 characters at most")])
    details = lcs.validate(action, fields)
    _HANDLERS[action](_Act(session, actor, authority, record, on, now, late_reason.strip()),
                      details)  # fmt: skip
    record.updated_at, record.updated_by = now, actor.label
    flush_versioned(session)
    return _view(session, record, now)


def get_record(*, session: Session, actor: Actor, record_id: int, now: datetime) -> LeavingCareView:
    authorise(session=session, actor=actor, action=Action.CASES_READ, resource_type="leaving_care")
    record = _record(session, record_id)
    require(session=session, actor=actor, action=Action.CASES_READ, resource_type="leaving_care",
            resource_ids=[record_id], detail={"person": record.person_id}, now=now,
            child=[record.person_id])  # fmt: skip
    return _view(session, record, now)


@dataclass(frozen=True)
class YoungPerson:
    """What the leaving care page shows for a young person: their latest record (None when
    none was opened) and, without one, the category the law gives them today."""

    person_id: int
    name: str
    record: LeavingCareView | None
    category: str | None


def of_person(*, session: Session, actor: Actor, person_id: int, now: datetime) -> YoungPerson:
    """The young person's leaving care support (audited as a read of their record)."""
    authorise(session=session, actor=actor, action=Action.CASES_READ, resource_type="leaving_care")
    if session.get(Person, person_id) is None:
        raise NotFound(NO_SUCH_CHILD)  # as for a restricted child: nothing told apart
    family = merges.family(session, [person_id])  # theirs, or a person's merged into them
    mine = family.c.member == LeavingCare.person_id
    latest = session.scalar(select(LeavingCare).join(family, mine)
                            .order_by(LeavingCare.id.desc()).limit(1))  # fmt: skip
    require(session=session, actor=actor, action=Action.CASES_READ, resource_type="leaving_care",
            resource_ids=[latest.id] if latest is not None else [],
            detail={"person": person_id}, now=now, child=[person_id])  # fmt: skip
    if latest is not None:
        view = _view(session, latest, now)
        return YoungPerson(person_id, view.young_person, view, view.category)
    name = child_names(session, [person_id]).get(person_id, "")
    return YoungPerson(person_id, name, None,
                       category_of(session, person_id, clocks.london_day(now)))  # fmt: skip


# -- the actions -------------------------------------------------------------------------------


@dataclass
class _Act:
    session: Session
    actor: Actor
    authority: Authority
    record: LeavingCare
    on: date
    now: datetime
    late_reason: str

    def done(
        self, kind: str, details: dict[str, Any], outcome: str | None = None
    ) -> LeavingCareStep:
        return _done(self.session, self.record, kind, self.on, self.now, self.actor, details,
                     outcome)  # fmt: skip

    def note(self, step: LeavingCareStep, summary: str) -> None:
        _chronicle(self.session, self.actor, self.authority, self.record, step, self.on,
                   self.now, summary)  # fmt: skip


def _adviser(a: _Act, d: lcs.Adviser) -> None:
    a.record.adviser_user_id, a.record.adviser_label, a.record.team = d.user_id, d.label, d.team
    step = a.done("adviser", d.model_dump(mode="json"), d.sw_reason or None)
    a.note(step, "Personal adviser allocated.")


def _pathway_plan(a: _Act, d: lcs.PathwayPlan) -> None:
    _cancel(a, "pathway_review")
    step = a.done("pathway_plan", d.model_dump(mode="json"))
    _open_review(a)
    a.note(step, f"Pathway plan agreed. {d.notes}")


def _pathway_review(a: _Act, d: lcs.PathwayPlan) -> None:
    a.session.flush()
    due = a.session.scalar(select(LeavingCareStep).where(
        LeavingCareStep.record_id == a.record.id, LeavingCareStep.kind == "pathway_review",
        LeavingCareStep.status == OPEN))  # fmt: skip
    if due is None:
        raise InvalidTransition("no pathway plan review is due: record the pathway plan first")
    if due.due_on is not None and a.on > due.due_on and not a.late_reason:
        late = clocks.days_late(due.due_on, a.on)
        raise ValidationFailed("This is late: record why", [FieldError(
            "late_reason", f"The review was due by {due.due_on:%-d %B %Y} and is {late} working "
            f"day{'s' if late != 1 else ''} late: say why", "required")])  # fmt: skip
    due.status, due.completed_on, due.details = DONE, a.on, d.model_dump(mode="json")
    if due.due_on is not None and a.on > due.due_on:
        due.late_reason = a.late_reason
    due.recorded_by, due.updated_at = a.actor.label, a.now
    _open_review(a)
    a.session.flush()
    a.note(due, f"Pathway plan reviewed. {d.notes}")


def _keeping_in_touch(a: _Act, d: lcs.KeepingInTouch) -> None:
    born = birth_date(a.session, a.record.person_id)
    if born is not None and eligibility.age(born, a.on) < 18:
        for where, why in (("T", "a foyer"), ("Z", "staying with former foster carers")):
            if d.accommodation == where:
                raise ValidationFailed("Not before 18", [FieldError(
                    "accommodation", f"{why} is for young people of 18 and over")])  # fmt: skip
    step = a.done("keeping_in_touch", d.model_dump(mode="json"), d.in_touch)
    a.note(step, f"Contact with the young person: {lcs.IN_TOUCH[d.in_touch].lower()}.")


def _extend(a: _Act, d: lcs.Extension) -> None:
    if a.record.extended_on is not None:
        raise InvalidTransition("support is continued to 25 already")
    a.record.extended_on = a.on
    step = a.done("extension", d.model_dump(mode="json"))
    a.note(step, "Support continued to 25 at the young person's request.")


def _close(a: _Act, d: lcs.Closure) -> None:
    _cancel(a, "pathway_review")
    a.record.closed_on, a.record.closure_reason = a.on, d.reason
    step = a.done("closure", d.model_dump(mode="json"), d.reason)
    a.note(step, f"Leaving care support closed: {lcs.CLOSURE_REASONS[d.reason].lower()}.")


_HANDLERS: dict[str, Any] = {
    "allocate_adviser": _adviser,
    "pathway_plan": _pathway_plan,
    "pathway_review": _pathway_review,
    "keeping_in_touch": _keeping_in_touch,
    "extend": _extend,
    "close": _close,
}
ACTIONS = tuple(_HANDLERS)


def _open_review(a: _Act) -> None:
    a.session.add(LeavingCareStep(record_id=a.record.id, kind="pathway_review", status=OPEN,
                                  due_on=clocks.pathway_review_due(a.on), started_on=a.on,
                                  details={}, created_at=a.now, updated_at=a.now))  # fmt: skip


def _cancel(a: _Act, kind: str) -> None:
    a.session.flush()
    for step in a.session.scalars(select(LeavingCareStep).where(
            LeavingCareStep.record_id == a.record.id, LeavingCareStep.kind == kind,
            LeavingCareStep.status == OPEN)):  # fmt: skip
        step.status, step.updated_at = CANCELLED, a.now


def _done(
    session: Session,
    record: LeavingCare,
    kind: str,
    on: date,
    now: datetime,
    actor: Actor,
    details: dict[str, Any],
    outcome: str | None,
) -> LeavingCareStep:
    step = LeavingCareStep(record_id=record.id, kind=kind, status=DONE, started_on=on,
                           completed_on=on, outcome=outcome, details=details,
                           recorded_by=actor.label, created_at=now, updated_at=now)  # fmt: skip
    session.add(step)
    session.flush()
    return step


def _chronicle(
    session: Session,
    actor: Actor,
    authority: Authority,
    record: LeavingCare,
    step: LeavingCareStep,
    on: date,
    now: datetime,
    summary: str,
) -> None:
    step.event_id = chronicle.write(
        session=session, actor=actor, authority=authority, person_id=record.person_id,
        record_id=f"leaving_care:{record.id}:step:{step.id}:{step.kind}", kind="note",
        occurred_at=datetime.combine(on, time(12), clocks.UK), summary=summary,
        author=chronicle.Author(actor.label, actor.role.value), now=now,
    )  # fmt: skip


def _record(session: Session, record_id: int, *, lock: bool = False) -> LeavingCare:
    record = session.get(LeavingCare, record_id, with_for_update=lock, populate_existing=lock)
    if record is None:
        raise NotFound(f"leaving care record {record_id} does not exist")
    return record


def _view(session: Session, record: LeavingCare, now: datetime) -> LeavingCareView:
    today = clocks.london_day(now)
    rows = list(session.scalars(select(LeavingCareStep).where(
        LeavingCareStep.record_id == record.id)))  # fmt: skip
    views = [_step_view(s, today) for s in rows if s.status != CANCELLED]
    due = sorted((v for v in views if v.status == OPEN), key=lambda v: (v.due_on or today, v.id))
    done = sorted((v for v in views if v.status == DONE),
                  key=lambda v: (v.completed_on or today, v.id), reverse=True)  # fmt: skip
    on = record.closed_on or today
    category = category_of(session, record.person_id, on, extended=record.extended_on is not None)
    return LeavingCareView(
        id=record.id, person_id=record.person_id,
        young_person=child_names(session, [record.person_id]).get(record.person_id, ""),
        case_id=record.case_id, category=category, opened_on=record.opened_on,
        extended_on=record.extended_on, adviser_label=record.adviser_label, team=record.team,
        closed_on=record.closed_on, closure_reason=record.closure_reason,
        version=record.version, due=due, done=done,
        actions=[] if record.closed_on is not None else list(ACTIONS),
    )  # fmt: skip


def _step_view(s: LeavingCareStep, today: date) -> StepView:
    return StepView(
        id=s.id, kind=s.kind, title=STEP_TITLES[s.kind], status=s.status, due_on=s.due_on,
        started_on=s.started_on, completed_on=s.completed_on, outcome=s.outcome,
        late_reason=s.late_reason, details=dict(s.details or {}), recorded_by=s.recorded_by,
        overdue=s.status == OPEN and s.due_on is not None and s.due_on < today, version=s.version,
    )  # fmt: skip
