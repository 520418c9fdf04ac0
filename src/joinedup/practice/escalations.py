"""Professional challenge: a practitioner escalates a decision they disagree with.

Any practitioner, a partner's or the authority's own, may challenge a decision: a contact closed
with no further action or early help (not accepting a referral), advice not to refer, a case
closed, or a plan ended. The escalation moves through the partnership's stages on working-day
clocks (`practice.clocks`); a stage left open past its due date moves on by itself
(`sweep_overdue`). Resolving it takes reasons: *upheld* reverses the decision (the contact is
reopened as a referral; otherwise a new contact reaches the front door carrying the challenge),
*not upheld*, or *withdrawn* by the one who raised it. Every step is on the child's chronology
(written through intake in the same transaction, ADR 0008) and in the audit log.

Status changes go through `TRANSITIONS`; anything else is refused and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access import audit
from joinedup.access.policy import Action, permits
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor, Role
from joinedup.access.service import authorise, record, require
from joinedup.casework import chronicle, contacts
from joinedup.casework.chronicle import Authority
from joinedup.casework.clocks import london_day
from joinedup.casework.versions import check_version, flush_versioned
from joinedup.casework.views import Referrer
from joinedup.core.errors import (
    Conflict,
    FieldError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    ValidationFailed,
    text_errors,
)
from joinedup.practice import clocks
from joinedup.practice import escalation_rules as rules
from joinedup.practice.clocks import EscalationClock, Position
from joinedup.practice.escalation_rules import (
    AGENCIES,
    CASE_CLOSURE,
    CONTACT_DECISION,
    NOT_TO_REFER,
    NOT_UPHELD,
    OPEN,
    PLAN_ENDING,
    STAGE_ROLES,
    STATUS_TITLES,
    SUBJECTS,
    TRANSITIONS,
    UPHELD,
    WITHDRAWN,
    next_status,
)
from joinedup.practice.models import Escalation, EscalationStep
from joinedup.practice.views import EscalationView, Raiser
from joinedup.sharing.outbox import INBOX, Delivery, Message, notify

__all__ = [
    "AGENCIES",
    "CASE_CLOSURE",
    "CONTACT_DECISION",
    "NOT_TO_REFER",
    "NOT_UPHELD",
    "OPEN",
    "PLAN_ENDING",
    "STAGE_ROLES",
    "STATUS_TITLES",
    "SUBJECTS",
    "TRANSITIONS",
    "UPHELD",
    "WITHDRAWN",
    "Actor",
    "Raiser",
    "escalate",
    "get_escalation",
    "list_mine",
    "list_open",
    "next_status",
    "raise_escalation",
    "resolve",
    "sweep_overdue",
    "withdraw",
]


def raise_escalation(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    subject: str,
    reference: str,
    raiser: Raiser,
    reasons: str,
    now: datetime,
    clock: EscalationClock = clocks.DEFAULT,
) -> EscalationView:
    """Challenge a decision with reasons; the practitioner stage's clock starts today."""
    authorise(
        session=session, actor=actor, action=Action.ESCALATIONS_RAISE, resource_type="escalation"
    )
    errors = rules.raiser_errors(raiser) + text_errors("reasons", reasons, required=True)
    if subject not in SUBJECTS:
        errors.append(FieldError("subject", "Choose what you are challenging", "required"))
        raise ValidationFailed("The escalation cannot be raised", errors)
    number = rules.number_of(reference)
    if number is None:
        errors.append(FieldError("reference", "Enter the reference you were given", "required"))
    if errors:
        raise ValidationFailed("The escalation cannot be raised", errors)
    assert number is not None  # noqa: S101 - checked above
    person_id, links = rules.subject_of(session, actor, subject, number)
    already = session.scalar(
        select(Escalation.id).where(
            Escalation.status == OPEN,
            Escalation.subject == subject,
            *(getattr(Escalation, k) == v for k, v in links.items()),
        )
    )
    if already is not None:
        raise Conflict(
            f"this decision is being challenged already (ES-{already:06d})",
            [FieldError("reference", f"an escalation of it is open already: ES-{already:06d}")],
        )
    today = london_day(now)
    first = clocks.first_position(today, clock)
    escalation = Escalation(
        person_id=person_id,
        subject=subject,
        **links,
        raised_by=actor.label,
        raised_by_user_id=actor.user_id,
        raised_by_role=actor.role.value,
        raiser_name=raiser.name.strip(),
        raiser_organisation=raiser.organisation.strip(),
        raiser_agency=raiser.agency,
        reasons=reasons.strip(),
        status=OPEN,
        stage=first.stage,
        stage_started_on=first.started_on,
        stage_due_on=first.due_on,
        opened_at=now,
        updated_at=now,
        updated_by=actor.label,
    )
    session.add(escalation)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=Action.ESCALATIONS_RAISE,
        resource_type="escalation",
        resource_ids=[escalation.id],
        detail={"person": person_id, "subject": subject},
        now=now,
    )
    summary = (
        f"Professional challenge ES-{escalation.id:06d} raised by {raiser.name.strip()} "
        f"({raiser.organisation.strip()}) against {rules.what_of(escalation).lower()}: "
        f"{escalation.reasons} Stage: {clocks.STAGE_TITLES[first.stage].lower()}, "
        f"due {first.due_on:%-d %B %Y}."
    )
    _step(session, actor, authority, escalation, "raised", first, summary, now,
          agency=raiser.agency, organisation=raiser.organisation.strip())  # fmt: skip
    return rules.for_viewer(rules.view_of(session, escalation, now), actor)


def get_escalation(
    *, session: Session, actor: Actor, escalation_id: int, now: datetime
) -> EscalationView:
    """The escalation: for those who resolve escalations, or the one who raised it."""
    escalation = session.get(Escalation, escalation_id)
    own = escalation is not None and escalation.raised_by == actor.label
    action = Action.ESCALATIONS_RAISE if own else Action.ESCALATIONS_READ
    authorise(session=session, actor=actor, action=action, resource_type="escalation")
    if escalation is None:
        raise NotFound(f"escalation {escalation_id} does not exist")
    require(session=session, actor=actor, action=action, resource_type="escalation",
            resource_ids=[escalation_id], detail={"person": escalation.person_id},
            now=now)  # fmt: skip
    return rules.for_viewer(rules.view_of(session, escalation, now, steps=True), actor)


def list_open(*, session: Session, actor: Actor, now: datetime) -> list[EscalationView]:
    """Open escalations, the soonest due first (overdue ones are the earliest)."""
    rows = list(
        session.scalars(
            select(Escalation)
            .where(Escalation.status == OPEN)
            .order_by(Escalation.stage_due_on, Escalation.id)
        )
    )
    rows = _visible(session, actor, rows)
    require(session=session, actor=actor, action=Action.ESCALATIONS_READ,
            resource_type="escalation", resource_ids=[e.id for e in rows],
            detail={"list": "open"}, now=now)  # fmt: skip
    return rules.views_of(session, rows, now)


def list_mine(*, session: Session, actor: Actor, now: datetime) -> list[EscalationView]:
    """The escalations the actor raised, newest first."""
    rows = list(
        session.scalars(
            select(Escalation)
            .where(Escalation.raised_by == actor.label)
            .order_by(Escalation.opened_at.desc(), Escalation.id.desc())
        )
    )
    rows = _visible(session, actor, rows)
    require(session=session, actor=actor, action=Action.ESCALATIONS_RAISE,
            resource_type="escalation", resource_ids=[e.id for e in rows],
            detail={"list": "mine"}, now=now)  # fmt: skip
    return [rules.for_viewer(v, actor) for v in rules.views_of(session, rows, now)]


def _visible(session: Session, actor: Actor, rows: list[Escalation]) -> list[Escalation]:
    """Without the restricted children the actor may not see: a restricted child is in no list
    of anyone it does not name (ADR 0012)."""
    hidden = hidden_from(session, actor, [e.person_id for e in rows])
    return [e for e in rows if e.person_id not in hidden] if hidden else rows


def resolve(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    escalation_id: int,
    outcome: str,
    reasons: str,
    expected_version: int,
    now: datetime,
) -> EscalationView:
    """Uphold (the decision is reversed) or not uphold an escalation, with reasons."""
    if outcome not in (UPHELD, NOT_UPHELD):
        raise ValidationFailed(
            "Choose an outcome", [FieldError("outcome", "choose upheld or not upheld", "required")]
        )
    action = "uphold" if outcome == UPHELD else "not_uphold"
    escalation = _editable(session, actor, escalation_id, action, expected_version, now)
    errors = text_errors("reasons", reasons, required=True)
    if errors:
        raise ValidationFailed("Give the reasons for the outcome", errors)
    escalation.status = next_status(escalation.status, action)
    escalation.resolution = reasons.strip()
    escalation.resolved_at, escalation.resolved_by = now, actor.label
    escalation.updated_at, escalation.updated_by = now, actor.label
    follow = ""
    if outcome == UPHELD:
        follow = _reverse(session, _recorder(actor), authority, escalation, now)
    title = STATUS_TITLES[escalation.status].lower()
    summary = (
        f"Professional challenge ES-{escalation.id:06d} {title} at the stage "
        f"'{clocks.STAGE_TITLES[escalation.stage].lower()}' by {actor.label}: "
        f"{escalation.resolution}{follow}"
    )
    _step(
        session,
        _recorder(actor),
        authority,
        escalation,
        outcome,
        rules.position_of(escalation),
        summary,
        now,
    )
    flush_versioned(session)
    return rules.for_viewer(rules.view_of(session, escalation, now, steps=True), actor)


def escalate(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    escalation_id: int,
    note: str,
    expected_version: int,
    now: datetime,
    clock: EscalationClock = clocks.DEFAULT,
) -> EscalationView:
    """Not resolved at this stage: move it to the next one now (its clock starts today)."""
    escalation = _editable(session, actor, escalation_id, "escalate", expected_version, now,
                           raiser_may=True)  # fmt: skip
    errors = text_errors("note", note, required=True)
    if errors:
        raise ValidationFailed("Say why it goes to the next stage", errors)
    if clocks.next_stage(escalation.stage) is None:
        raise InvalidTransition("the safeguarding partnership is the last stage")
    moved = clocks.moved_on(rules.position_of(escalation), london_day(now), clock)
    _move(session, _recorder(actor), authority, escalation, moved, "escalated", note.strip(), now)
    flush_versioned(session)
    return rules.for_viewer(rules.view_of(session, escalation, now, steps=True), actor)


def withdraw(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    escalation_id: int,
    reasons: str,
    expected_version: int,
    now: datetime,
) -> EscalationView:
    """The one who raised it withdraws it, with reasons (the concern stays recorded)."""
    authorise(session=session, actor=actor, action=Action.ESCALATIONS_RAISE,
              resource_type="escalation")  # fmt: skip
    escalation = _locked(session, escalation_id)
    if escalation.raised_by != actor.label and actor.role is not Role.SYSTEM:
        _refuse(session, actor, Action.ESCALATIONS_RAISE, escalation, "not the raiser", now)
    require(session=session, actor=actor, action=Action.ESCALATIONS_RAISE,
            resource_type="escalation", resource_ids=[escalation_id],
            detail={"person": escalation.person_id, "step": "withdraw"}, now=now)  # fmt: skip
    check_version(escalation, expected_version, {}, escalation.updated_by, escalation.updated_at)
    status = next_status(escalation.status, "withdraw")
    errors = text_errors("reasons", reasons, required=True)
    if errors:
        raise ValidationFailed("Say why it is withdrawn", errors)
    escalation.status, escalation.resolution = status, reasons.strip()
    escalation.resolved_at, escalation.resolved_by = now, actor.label
    escalation.updated_at, escalation.updated_by = now, actor.label
    summary = f"Professional challenge ES-{escalation.id:06d} withdrawn: {escalation.resolution}"
    position = rules.position_of(escalation)
    _step(session, actor, authority, escalation, WITHDRAWN, position, summary, now,
          agency=escalation.raiser_agency, organisation=escalation.raiser_organisation)  # fmt: skip
    flush_versioned(session)
    return rules.for_viewer(rules.view_of(session, escalation, now, steps=True), actor)


def sweep_overdue(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    as_of: date,
    now: datetime,
    clock: EscalationClock = clocks.DEFAULT,
) -> list[tuple[int, str]]:
    """Move every open escalation past its stage's due date on to the next stage (as many
    stages as its clocks have run out by `as_of`); (escalation, new stage) for each move."""
    authorise(session=session, actor=actor, action=Action.ESCALATIONS_RESOLVE,
              resource_type="escalation")  # fmt: skip
    rows = list(
        session.scalars(
            select(Escalation)
            .where(Escalation.status == OPEN, Escalation.stage_due_on < as_of,
                   Escalation.stage != clocks.PARTNERSHIP)
            .order_by(Escalation.id)
            .with_for_update()
        )
    )  # fmt: skip
    require(session=session, actor=actor, action=Action.ESCALATIONS_RESOLVE,
            resource_type="escalation", resource_ids=[e.id for e in rows],
            detail={"sweep": "overdue", "as_of": as_of.isoformat()}, now=now)  # fmt: skip
    moved: list[tuple[int, str]] = []
    for escalation in rows:
        next_status(escalation.status, "overdue")
        for position in clocks.overdue_moves(rules.position_of(escalation), as_of, clock):
            note = (
                f"the previous stage was due by {position.started_on:%-d %B %Y} "
                "and was not resolved"
            )
            _move(session, actor, authority, escalation, position, "overdue", note, now)
            moved.append((escalation.id, position.stage))
    flush_versioned(session)
    return moved


# -- internals ---------------------------------------------------------------------------------


def _editable(
    session: Session,
    actor: Actor,
    escalation_id: int,
    action: str,
    expected_version: int,
    now: datetime,
    *,
    raiser_may: bool = False,
) -> Escalation:
    """The escalation, locked, once the actor may act on it at its stage."""
    own = raiser_may and actor.role is not Role.SYSTEM
    policy = Action.ESCALATIONS_RESOLVE
    escalation = _locked(session, escalation_id)
    if own and escalation.raised_by == actor.label:
        policy = Action.ESCALATIONS_RAISE
    authorise(session=session, actor=actor, action=policy, resource_type="escalation")
    if policy is Action.ESCALATIONS_RESOLVE:
        if escalation.raised_by == actor.label:
            _refuse(session, actor, policy, escalation, "raised it", now)
        allowed = STAGE_ROLES[escalation.stage]
        if actor.role is not Role.SYSTEM and actor.role not in allowed:
            _refuse(session, actor, policy, escalation, f"stage {escalation.stage}", now)
    require(session=session, actor=actor, action=policy, resource_type="escalation",
            resource_ids=[escalation_id],
            detail={"person": escalation.person_id, "step": action}, now=now)  # fmt: skip
    check_version(escalation, expected_version, {}, escalation.updated_by, escalation.updated_at)
    next_status(escalation.status, action)  # refuses what the table does not allow
    return escalation


def _refuse(
    session: Session, actor: Actor, action: Action, escalation: Escalation, why: str,
    now: datetime,
) -> None:  # fmt: skip
    """A refusal beyond the role policy (the stage, or one's own escalation), audited."""
    audit.remember_refusal(session, audit.entry_row(
        actor=actor, action=action.value, outcome="refused", resource_type="escalation",
        resource_ids=[escalation.id], reason=None, detail={"why": why}, now=now,
    ))  # fmt: skip
    if why == "raised it":
        raise NotPermitted("the one who raised an escalation cannot resolve it")
    if why == "not the raiser":
        raise NotPermitted("only the one who raised an escalation may withdraw it")
    roles = ", ".join(r.value.replace("_", " ") for r in sorted(STAGE_ROLES[escalation.stage]))
    raise NotPermitted(
        f"at the stage '{clocks.STAGE_TITLES[escalation.stage].lower()}' it is resolved by: {roles}"
    )


def _recorder(actor: Actor) -> Actor:
    """Who writes what a resolution sets off (the chronology record, the reopened referral):
    the resolver when their role may, otherwise the platform on their behalf, under their
    account's label, since the escalation policy, checked and audited, allowed the resolution
    itself (a head of service resolves but does not record casework; ADR 0015)."""
    if all(permits(actor.role, a) for a in (Action.RECORDS_SUBMIT, Action.CASES_WRITE)):
        return actor
    return Actor(role=Role.SYSTEM, label=actor.label, user_id=actor.user_id,
                 organisation_id=actor.organisation_id)  # fmt: skip


def _locked(session: Session, escalation_id: int) -> Escalation:
    found = session.get(Escalation, escalation_id, with_for_update=True, populate_existing=True)
    if found is None:
        raise NotFound(f"escalation {escalation_id} does not exist")
    return found


def _reverse(
    session: Session, actor: Actor, authority: Authority, escalation: Escalation, now: datetime
) -> str:
    """What an upheld challenge changes; the sentence the chronology adds about it."""
    reason = f"Professional challenge ES-{escalation.id:06d} upheld: {escalation.resolution}"
    if escalation.subject == CONTACT_DECISION and escalation.contact_id is not None:
        view = contacts.reopen_as_referral(session=session, actor=actor, authority=authority,
                                           contact_id=escalation.contact_id, reason=reason,
                                           now=now)  # fmt: skip
        escalation.reopened_case_id = view.case_id
        return f" The contact is reopened as a referral (case {view.case_id})."
    raised = contacts.raise_contact(
        session=session,
        actor=actor,
        authority=authority,
        person_id=escalation.person_id,
        source_kind="partner",
        referral_source=rules.source_of(session, escalation),
        referrer=Referrer(
            escalation.raiser_name,
            escalation.raiser_organisation,
            escalation.raiser_agency,
            escalation.raised_by,
        ),
        summary=f"{reason}\n\nThe challenge: {escalation.reasons}",
        received_at=now,
        now=now,
    )
    escalation.new_contact_id = raised.id
    return f" A contact (C{raised.id}) is raised at the front door."


def _move(
    session: Session, actor: Actor, authority: Authority, escalation: Escalation,
    position: Position, kind: str, note: str, now: datetime,
) -> None:  # fmt: skip
    escalation.stage = position.stage
    escalation.stage_started_on, escalation.stage_due_on = position.started_on, position.due_on
    escalation.updated_at, escalation.updated_by = now, actor.label
    how = "by its clock" if kind == "overdue" else f"by {actor.label}"
    summary = (
        f"Professional challenge ES-{escalation.id:06d} moved {how} to the stage "
        f"'{clocks.STAGE_TITLES[position.stage].lower()}', due {position.due_on:%-d %B %Y}: "
        f"{note}"
    )
    _step(session, actor, authority, escalation, kind, position, summary, now, note=note)


def _step(
    session: Session, actor: Actor, authority: Authority, escalation: Escalation, kind: str,
    position: Position, summary: str, now: datetime, *, note: str | None = None,
    agency: str = "childrens_social_care", organisation: str | None = None,
) -> None:  # fmt: skip
    step = EscalationStep(
        escalation_id=escalation.id,
        kind=kind,
        stage=position.stage,
        started_on=position.started_on,
        due_on=position.due_on,
        note=note if note is not None else (escalation.resolution if kind != "raised" else None),
        recorded_by=actor.label,
        recorded_at=now,
    )
    session.add(step)
    session.flush()
    step.event_id = chronicle.write(
        session=session,
        actor=actor,
        authority=authority,
        person_id=escalation.person_id,
        record_id=f"escalation:{escalation.id}:{step.id}",
        kind="note",
        occurred_at=now,
        summary=summary,
        agency=agency,
        organisation=organisation,
        author=chronicle.Author(actor.label, actor.role.value),
        now=now,
    )
    if kind not in ("raised", "withdrawn"):
        _tell_raiser(session, actor, escalation, step.id, summary, now)


def _tell_raiser(
    session: Session, actor: Actor, escalation: Escalation, step_id: int, summary: str,
    now: datetime,
) -> None:  # fmt: skip
    """The raiser hears of each move and of the outcome in their inbox (not when it is their
    own doing); recorded in the information-sharing register like every notification."""
    if escalation.raised_by_user_id is None or escalation.raised_by == actor.label:
        return
    sender = actor if permits(actor.role, Action.NOTIFICATIONS_SEND) else _recorder(actor)
    notify(
        session=session,
        actor=sender,
        message=Message(
            key=f"escalation:{escalation.id}:{step_id}",
            kind="escalation",
            subject=f"Your escalation ES-{escalation.id:06d}: "
            f"{STATUS_TITLES[escalation.status].lower()}, "
            f"{clocks.STAGE_TITLES[escalation.stage].lower()}",
            body=summary,
            person_ids=[escalation.person_id],
            recipient_label=f"{escalation.raiser_name}, {escalation.raiser_organisation}",
            purpose="Telling a practitioner what became of their professional challenge",
        ),
        deliveries=[Delivery(INBOX, f"user:{escalation.raised_by_user_id}")],
        now=now,
    )
