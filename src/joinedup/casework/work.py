"""The work of one action on a case: the step it completes, the deadlines it opens, its record.

`service.act` checks the policy, the version and the transition, validates the fields, then
hands them to the action's handler here. A handler completes the step the action answers (a
late one needs the recorded reason), opens the deadlines it sets with their due dates from
`clocks`, and writes the step's chronology record; all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.casework import chronicle, clocks, pathway, steps
from joinedup.casework.chronicle import Authority
from joinedup.casework.models import Case, CaseStep
from joinedup.core import dfe_codes
from joinedup.core.errors import FieldError, InvalidTransition, ValidationFailed

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
    "legal_status": "Change of legal status",
    "missing": "Missing or away from placement",
    "cla_outcomes": "Health and outcomes",
    "adoption_decision": "Decision to place for adoption",
    "allocation": "Allocation",
    "cla_review": "Looked-after review",
    "oversight": "Management oversight",
    "closure": "Closure",
}
CIN_REVIEW_MONTHS = 3  # local practice; no national interval


@dataclass
class Work:
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


Handler = Callable[[Work, Any, str], None]


def _complete_assessment(w: Work, d: steps.AssessmentComplete, outcome: str) -> None:
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


def _strategy(w: Work, d: steps.StrategyDiscussion, outcome: str) -> None:
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


def _section47(w: Work, d: steps.Section47, outcome: str) -> None:
    step = w.complete("section47", d.model_dump(mode="json"), outcome, ad_hoc=False)
    if outcome == "conference":
        last = w.done_dates("strategy_discussion")
        w.open("initial_conference", clocks.icpc_due(last[-1] if last else w.on))
    elif outcome == "child_in_need":
        w.open("cin_plan", None)
    w.chronicle(step, "section47", f"Section 47 enquiry concluded: {outcome.replace('_', ' ')}. "
                f"{d.findings}", {"outcome": outcome})  # fmt: skip


def _book(w: Work, d: steps.Booking, _: str) -> None:
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


def _conference(w: Work, d: steps.Conference, outcome: str) -> None:
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


def _core_group(w: Work, d: steps.Meeting, _: str) -> None:
    step = w.complete("core_group", d.model_dump(mode="json"))
    w.open("core_group", clocks.next_core_group_due(w.on))
    w.chronicle(step, "note", f"Core group meeting. {d.notes}")


def _visit(w: Work, d: steps.Visit, _: str) -> None:
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


def _end_plan(w: Work, reason: str) -> None:
    plan = w.open_step("cp_plan")
    w.cancel("core_group", "visit", "review_conference")
    if plan is not None:
        plan.status, plan.completed_on, plan.outcome = DONE, w.on, reason
        plan.updated_at = w.now
        w.session.flush()
        w.chronicle(
            plan, "cp_plan_end", f"Child protection plan ended: {reason.replace('_', ' ')}."
        )


def _review(w: Work, d: steps.Conference, outcome: str) -> None:
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


def _looked_after(w: Work, d: steps.LookedAfter, _: str) -> None:
    if w.case.stage == pathway.CHILD_PROTECTION:
        _end_plan(w, "became_looked_after")
    fields = d.model_dump(mode="json")
    need = d.category_of_need or w.case.primary_need
    w.open("cla_episode", None, {
        "legal_status": d.legal_status, "current_legal_status": d.legal_status,
        "uasc": d.uasc, "home_postcode": d.home_postcode,
        "category_of_need": need if need in dfe_codes.CATEGORY_OF_NEED else None,
        **{k: v for k, v in fields.items() if k.startswith("previous_permanence")},
    })  # fmt: skip
    w.open("placement", None, fields)
    w.open("cla_review", clocks.cla_review_due(w.on, []))
    w.open("visit", clocks.cla_visit_due(w.on, w.on, None, intended_to_18=d.intended_to_18))
    episode = w.open_step("cla_episode")
    assert episode is not None  # noqa: S101 - opened above
    w.chronicle(episode, "cla_start", f"Became looked after ({d.legal_status}), placement "
                f"{d.placement_type}.", {"legal_status": d.legal_status})  # fmt: skip


def _episode(w: Work) -> CaseStep:
    episode = w.open_step("cla_episode")
    if episode is None:
        raise InvalidTransition("the child is not looked after on this case")
    return episode


def _new_legal_status(w: Work, episode: CaseStep, legal_status: str) -> None:
    """Refuse a 'change' to the status the child has; else make it the current one."""
    current = episode.details.get("current_legal_status") or episode.details.get("legal_status")
    if legal_status == current:
        raise ValidationFailed("That is the child's legal status already", [FieldError(
            "legal_status", f"the child's legal status is {current} already")])  # fmt: skip
    for later in ("legal_status", "placement"):
        dated = w.done_dates(later, since=w.on + timedelta(days=1))
        if dated:
            raise ValidationFailed("A later change is recorded", [FieldError(
                "on", f"a {STEP_TITLES[later].lower()} is recorded after this date "
                f"({dated[-1]:%-d %B %Y}): record changes in date order")])  # fmt: skip
    episode.details = {**episode.details, "current_legal_status": legal_status}
    episode.updated_at = w.now


def _placement(w: Work, d: steps.Placement, _: str) -> None:
    episode = _episode(w)
    old = w.open_step("placement")
    if old is None:
        raise InvalidTransition("the child has no current placement to change")
    if w.on < old.started_on:
        raise ValidationFailed("The date is before the current placement began", [FieldError(
            "on", f"not before {old.started_on:%-d %B %Y}")])  # fmt: skip
    if d.legal_status is not None:
        _new_legal_status(w, episode, d.legal_status)
    old.status, old.completed_on, old.outcome, old.updated_at = DONE, w.on, "changed", w.now
    w.cancel("visit")
    w.open("placement", None, d.model_dump(mode="json"))
    w.open("visit", clocks.cla_visit_due(episode.started_on, w.on, None,
                                         intended_to_18=d.intended_to_18))  # fmt: skip
    new = w.open_step("placement")
    assert new is not None  # noqa: S101 - opened above
    w.chronicle(new, "note", f"Placement changed to {d.placement_type}. {d.reason_for_change}")


def _legal_status(w: Work, d: steps.LegalStatus, _: str) -> None:
    episode = _episode(w)
    _new_legal_status(w, episode, d.legal_status)
    step = w.complete("legal_status", d.model_dump(mode="json"))
    w.chronicle(step, "note", f"Legal status changed to {d.legal_status}. {d.notes}",
                {"legal_status": d.legal_status})  # fmt: skip


def _missing(w: Work, d: steps.Missing, _: str) -> None:
    """A missing or away episode: open until its end is recorded (the same start and kind)."""
    episode = _episode(w)
    if d.started_on < episode.started_on or d.started_on > w.on:
        since = f"{episode.started_on:%-d %B %Y}"
        raise ValidationFailed("The start is outside the time looked after", [FieldError(
            "started_on", f"between {since} and the date recorded")])  # fmt: skip
    if d.ended_on is not None and d.ended_on > w.on:
        raise ValidationFailed("Dates cannot be in the future", [FieldError(
            "ended_on", "not after the date recorded")])  # fmt: skip
    fields = d.model_dump(mode="json")
    w.session.flush()
    step = next((s for s in w.session.scalars(select(CaseStep).where(
        CaseStep.case_id == w.case.id, CaseStep.kind == "missing", CaseStep.status == OPEN))
        if s.details.get("started_on") == fields["started_on"]
        and s.details.get("missing") == d.missing), None)  # fmt: skip
    if step is None:
        step = CaseStep(case_id=w.case.id, kind="missing", status=OPEN, started_on=d.started_on,
                        created_at=w.now, details={})  # fmt: skip
        w.session.add(step)
    step.details, step.recorded_by, step.updated_at = fields, w.actor.label, w.now
    if d.ended_on is not None:
        step.status, step.completed_on, step.outcome = DONE, d.ended_on, "returned"
    w.session.flush()
    what = "missing" if d.missing == "M" else "away from placement without authorisation"
    w.chronicle(step, "note", f"Child {what} from {d.started_on:%-d %B %Y}"
                + (f" to {d.ended_on:%-d %B %Y}." if d.ended_on else ".") + f" {d.notes}",
                {"missing": d.missing})  # fmt: skip


def _outcomes(w: Work, d: steps.Outcomes, _: str) -> None:
    _episode(w)
    step = w.complete("cla_outcomes", d.model_dump(mode="json"))
    w.chronicle(step, "note", "The year's health and outcomes recorded for the SSDA903.")


def _adoption_decision(w: Work, d: steps.AdoptionDecision, _: str) -> None:
    """The decision to place for adoption; recorded again with the same date, its reversal."""
    _episode(w)
    if d.decided_on > w.on or (d.ceased_on is not None and d.ceased_on > w.on):
        late = "decided_on" if d.decided_on > w.on else "ceased_on"
        raise ValidationFailed("Dates cannot be in the future",
                               [FieldError(late, "not after the date recorded")])  # fmt: skip
    fields = d.model_dump(mode="json")
    w.session.flush()
    step = next((s for s in w.session.scalars(select(CaseStep).where(
        CaseStep.case_id == w.case.id, CaseStep.kind == "adoption_decision"))
        if s.details.get("decided_on") == fields["decided_on"]), None)  # fmt: skip
    if step is None:
        step = CaseStep(case_id=w.case.id, kind="adoption_decision", status=DONE,
                        started_on=d.decided_on, completed_on=w.on, created_at=w.now,
                        details={})  # fmt: skip
        w.session.add(step)
    step.details, step.recorded_by, step.updated_at = fields, w.actor.label, w.now
    step.outcome = "reversed" if d.ceased_on is not None else "decided"
    w.session.flush()
    w.chronicle(step, "note", "The decision that the child should "
                + ("no longer " if d.ceased_on else "") + "be placed for adoption.")  # fmt: skip


def _cla_review(w: Work, d: steps.ClaReview, _: str) -> None:
    episode = w.open_step("cla_episode")
    step = w.complete("cla_review", d.model_dump(mode="json"))
    if episode is not None:
        held = w.done_dates("cla_review", since=episode.started_on)
        w.open("cla_review", clocks.cla_review_due(episode.started_on, held))
    w.chronicle(step, "note", f"Looked-after review. {d.notes}")


def _end_looked_after(w: Work, d: steps.EndLookedAfter, _: str) -> None:
    episode = _episode(w)
    placement = w.open_step("placement")
    if d.reason_ceased in dfe_codes.SGO_TO_FOSTER_CARERS:
        place = placement.details.get("placement_type") if placement is not None else None
        if place not in dfe_codes.FOSTER_PLACEMENTS:
            raise ValidationFailed("The period of care cannot end this way", [FieldError(
                "reason_ceased", f"{d.reason_ceased} is a special guardianship order to the "
                f"child's foster carers, but the child's placement is {place or 'not recorded'}, "
                "not foster care (U1 to U6): record the move to the carers first")])  # fmt: skip
    if placement is not None:
        placement.status, placement.completed_on, placement.outcome = DONE, w.on, "ended"
    w.cancel("cla_review", "visit")
    episode.status, episode.completed_on, episode.outcome = DONE, w.on, d.reason_ceased
    if d.reason_ceased in dfe_codes.ADOPTED:
        adoption = d.model_dump(mode="json", exclude={"reason_ceased", "notes"})
        episode.details = {**episode.details, **adoption}
    episode.updated_at = w.now
    w.session.flush()
    w.chronicle(episode, "cla_end", f"Stopped being looked after ({d.reason_ceased}). {d.notes}",
                {"reason": d.reason_ceased})  # fmt: skip


def _cin_plan(w: Work, d: steps.Plan, _: str) -> None:
    step = w.complete("cin_plan", d.model_dump(mode="json"))
    w.cancel("cin_review")
    w.open("cin_review", clocks.add_months(w.on, CIN_REVIEW_MONTHS))
    w.chronicle(step, "note", f"Child in need plan agreed. {d.outcomes_sought}")


def _cin_review(w: Work, d: steps.Review, outcome: str) -> None:
    step = w.complete("cin_review", d.model_dump(mode="json"), outcome)
    if outcome == "continue":
        w.open("cin_review", clocks.add_months(w.on, CIN_REVIEW_MONTHS))
    w.chronicle(step, "note", f"Child in need review: {outcome}. {d.notes}")


_AFTER_ASSESSMENT = ("RC8", "RC9")  # "case closed after assessment": no further action, early help
_BEYOND_ASSESSMENT = ("section47", "initial_conference", "cp_plan", "cin_plan")


def _beyond_assessment(w: Work) -> bool:
    """Whether the case went past an assessment: a section 47 enquiry begun, or a child found
    in need or protected (a plan begun, or opened to be written)."""
    w.session.flush()
    return w.session.scalar(
        select(CaseStep.id).where(CaseStep.case_id == w.case.id,
                                  CaseStep.kind.in_(_BEYOND_ASSESSMENT),
                                  CaseStep.status != CANCELLED).limit(1)
    ) is not None  # fmt: skip


_MID_ENQUIRY = {
    pathway.SECTION47: "during a section 47 enquiry",
    pathway.AWAITING_CONFERENCE: "while it awaits its initial child protection conference",
}


def _check_mid_enquiry(w: Work, d: steps.Closure) -> None:
    """Closing during a section 47 enquiry or before the initial conference it convened: only
    on a transfer to another authority (RC5), which takes the enquiry on; and not dated before
    the enquiry began or concluded (CIN rule 8565)."""
    if d.closure_reason != dfe_codes.TRANSFERRED:
        raise ValidationFailed("This reason for closure does not fit the case", [FieldError(
            "closure_reason", f"{d.closure_reason} cannot close a case "
            f"{_MID_ENQUIRY[w.case.stage]}: only a transfer to another local authority "
            "(RC5) closes it here; otherwise conclude the enquiry or hold the conference first",
        )])  # fmt: skip
    open_steps = (w.open_step("section47"), w.open_step("initial_conference"))
    began = max((s.started_on for s in open_steps if s is not None), default=w.on)
    if w.on < began:
        raise ValidationFailed("The date is before the enquiry's last step", [FieldError(
            "on", f"not before {began:%-d %B %Y}")])  # fmt: skip


def _end_mid_enquiry(w: Work) -> str:
    """End the enquiry the transfer takes away (done, outcome "transferred", on its own
    chronology entry); the conference it convened is cancelled with the rest. Returns what
    ended, for the closure's entry."""
    enquiry, conference = w.open_step("section47"), w.open_step("initial_conference")
    if enquiry is not None:
        enquiry = w.complete("section47", {}, "transferred", ad_hoc=False)
        w.chronicle(enquiry, "section47", "Section 47 enquiry ended: the child moved to "
                    "another local authority, which takes the enquiry on.",
                    {"outcome": "transferred"})  # fmt: skip
        return " The section 47 enquiry ended with the transfer."
    booked = conference.details.get("booked_for") if conference is not None else None
    if booked:
        return f" The initial conference booked for {booked} is cancelled."
    return " The initial conference is not held here."


def _close(w: Work, d: steps.Closure, _: str) -> None:
    mid_enquiry = w.case.stage in _MID_ENQUIRY
    if mid_enquiry:
        _check_mid_enquiry(w, d)
    if w.open_step("assessment") is not None:
        raise InvalidTransition("complete the child and family assessment before closing")
    if d.closure_reason in _AFTER_ASSESSMENT and _beyond_assessment(w):
        raise ValidationFailed("This reason for closure does not fit the case", [FieldError(
            "closure_reason", f"{d.closure_reason} is for a case closed after an assessment "
            "alone; this case had a section 47 enquiry, a conference or a plan, so choose "
            "another reason (RC7 when services ended or the child is no longer in need)",
        )])  # fmt: skip
    ended = _end_mid_enquiry(w) if mid_enquiry else ""
    w.cancel(*STEP_TITLES)
    w.case.closed_on, w.case.closure_reason = w.on, d.closure_reason
    step = CaseStep(case_id=w.case.id, kind="closure", status=DONE, started_on=w.on,
                    completed_on=w.on, outcome="closed", details=d.model_dump(mode="json"),
                    recorded_by=w.actor.label, created_at=w.now, updated_at=w.now)  # fmt: skip
    w.session.add(step)
    w.session.flush()
    w.chronicle(step, "case_closed", f"Case closed ({d.closure_reason}).{ended} {d.notes}",
                {"reason": d.closure_reason})  # fmt: skip


def _oversight(w: Work, d: steps.Oversight, _: str) -> None:
    w.complete("oversight", d.model_dump(mode="json"), d.kind)
    w.open("oversight", clocks.oversight_due(w.on))


def _allocate(w: Work, d: steps.Allocation, _: str) -> None:
    """The case's worker from `on`; kept as a done step, the child's history of social workers
    (SSDA903 SWEpisodes)."""
    w.case.allocated_user_id, w.case.allocated_label = d.user_id, d.label
    w.case.team, w.case.manager_label = d.team, d.manager_label or None
    w.session.add(CaseStep(case_id=w.case.id, kind="allocation", status=DONE, started_on=w.on,
                           completed_on=w.on, outcome=d.sw_reason or None,
                           details=d.model_dump(mode="json"), recorded_by=w.actor.label,
                           created_at=w.now, updated_at=w.now))  # fmt: skip


def _unsupported(_w: Work, _d: Any, _o: str) -> None:
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
    "legal_status": _legal_status,
    "missing": _missing,
    "cla_outcomes": _outcomes,
    "adoption_decision": _adoption_decision,
    "cla_review": _cla_review,
    "end_looked_after": _end_looked_after,
    "cin_plan": _cin_plan,
    "cin_review": _cin_review,
    "close": _close,
    "oversight": _oversight,
    "allocate": _allocate,
}
