"""The rules of professional challenge that the escalation services share: what may be
challenged, the statuses and their one transition table, who resolves at each stage, how a
reference names a decision, and the views the services return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.casework import contacts, pathway
from joinedup.casework.clocks import london_day
from joinedup.casework.models import Case, Contact
from joinedup.casework.names import child_names
from joinedup.core.errors import FieldError, InvalidTransition, ValidationFailed, text_errors
from joinedup.practice import clocks
from joinedup.practice.clocks import Position
from joinedup.practice.models import Consultation, Escalation, EscalationStep
from joinedup.practice.views import EscalationStepView, EscalationView, Raiser

TEXT_LIMIT = 10_000
CONTACT_DECISION, NOT_TO_REFER, CASE_CLOSURE, PLAN_ENDING = (
    "contact_decision",
    "not_to_refer",
    "case_closure",
    "plan_ending",
)
SUBJECTS = {
    CONTACT_DECISION: "The front door's decision on a contact (no further action or early help)",
    NOT_TO_REFER: "Advice not to refer (a consultation)",
    CASE_CLOSURE: "The decision to close a case",
    PLAN_ENDING: "The decision to end a plan",
}
OPEN, UPHELD, NOT_UPHELD, WITHDRAWN = "open", "upheld", "not_upheld", "withdrawn"
STATUS_TITLES = {
    OPEN: "Open",
    UPHELD: "Upheld",
    NOT_UPHELD: "Not upheld",
    WITHDRAWN: "Withdrawn",
}
# (status, action) -> the next status. The only way an escalation's status changes.
TRANSITIONS: dict[tuple[str, str], str] = {
    (OPEN, "escalate"): OPEN,
    (OPEN, "overdue"): OPEN,
    (OPEN, "uphold"): UPHELD,
    (OPEN, "not_uphold"): NOT_UPHELD,
    (OPEN, "withdraw"): WITHDRAWN,
}
# Who may resolve or move on an escalation at each stage: the decision's own line first, then
# its managers, then the senior leaders who also answer for the partnership stage.
STAGE_ROLES: dict[str, frozenset[Role]] = {
    clocks.PRACTITIONER: frozenset(
        {Role.MASH_PRACTITIONER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SENIOR_LEADER}
    ),
    clocks.MANAGER: frozenset({Role.TEAM_MANAGER, Role.SENIOR_LEADER}),
    clocks.SENIOR_MANAGER: frozenset({Role.SENIOR_LEADER}),
    clocks.PARTNERSHIP: frozenset({Role.SENIOR_LEADER}),
}
AGENCIES = contacts.AGENCIES


def next_status(status: str, action: str) -> str:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(
            f"an escalation that is {STATUS_TITLES.get(status, status).lower()} "
            f"cannot be {action.replace('_', ' ')}ed any more"
            if status != OPEN
            else f"'{action}' is not an action on an escalation"
        ) from None


def number_of(reference: str) -> int | None:
    """ES-/FD-/CN-/C-prefixed or bare numbers: the digits, or None."""
    text = reference.strip().upper()
    for prefix in ("FD-", "CN-", "ES-", "C"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return int(text) if text.isdigit() and len(text) < 12 else None


def subject_of(
    session: Session, actor: Actor, subject: str, number: int
) -> tuple[int, dict[str, int]]:
    """The child and the decision challenged; a partner may only name their own contact."""
    missing = ValidationFailed(
        "The escalation cannot be raised",
        [FieldError("reference", "No decision of that kind has this reference")],
    )
    if subject == CONTACT_DECISION:
        contact = session.get(Contact, number)
        if contact is None or (
            actor.role is Role.PARTNER_PRACTITIONER and contact.created_by != actor.label
        ):
            raise missing
        if contact.status != pathway.DECIDED or contact.decision not in contacts.REOPENABLE:
            raise ValidationFailed(
                "The escalation cannot be raised",
                [FieldError("reference", "This contact was not closed with no further action "
                                         "or early help: there is no such decision to challenge")],
            )  # fmt: skip
        return contact.person_id, {"contact_id": contact.id}
    if subject == NOT_TO_REFER:
        consultation = session.get(Consultation, number)
        if consultation is None or consultation.advice == "refer":
            raise missing
        return consultation.person_id, {"consultation_id": consultation.id}
    case = session.get(Case, number)
    if case is None or (
        actor.role is Role.PARTNER_PRACTITIONER
        and not _raised_about(session, actor, case.person_id)
    ):  # a partner challenges only a case about a child they raised a concern about
        raise missing
    if subject == CASE_CLOSURE and case.stage != pathway.CLOSED:
        raise ValidationFailed("The escalation cannot be raised",
                               [FieldError("reference", "This case is not closed")])  # fmt: skip
    return case.person_id, {"case_id": case.id}


def source_of(session: Session, escalation: Escalation) -> str:
    """The DfE referral source of the new contact: the case's own, or the consultation's
    caller's agency ('10', other, when unknown)."""
    if escalation.case_id is not None:
        case = session.get(Case, escalation.case_id)
        if case is not None:
            return case.referral_source
    return {"police": "6", "health": "3D", "education": "2A", "early_years": "2B",
            "housing": "4", "probation": "7", "voluntary": "8",
            "childrens_social_care": "5A"}.get(escalation.raiser_agency, "10")  # fmt: skip


def position_of(escalation: Escalation) -> Position:
    return Position(escalation.stage, escalation.stage_started_on, escalation.stage_due_on)


def what_of(escalation: Escalation) -> str:
    ref = {CONTACT_DECISION: f" (contact C{escalation.contact_id})",
           NOT_TO_REFER: f" (consultation CN-{escalation.consultation_id or 0:06d})"}.get(
        escalation.subject, f" (case {escalation.case_id})")  # fmt: skip
    return SUBJECTS[escalation.subject] + ref


def raiser_errors(raiser: Raiser) -> list[FieldError]:
    errors = text_errors("raiser_name", raiser.name, required=True, limit=200)
    errors += text_errors("raiser_organisation", raiser.organisation, required=True, limit=200)
    if raiser.agency not in AGENCIES:
        errors.append(FieldError("raiser_agency", "choose your agency", "required"))
    return errors


def views_of(session: Session, rows: Sequence[Escalation], now: datetime) -> list[EscalationView]:
    names = child_names(session, {e.person_id for e in rows})
    return [view_of(session, e, now, names=names) for e in rows]


def view_of(
    session: Session,
    e: Escalation,
    now: datetime,
    *,
    steps: bool = False,
    names: dict[int, str] | None = None,
) -> EscalationView:
    names = names if names is not None else child_names(session, [e.person_id])
    found = (
        session.scalars(
            select(EscalationStep)
            .where(EscalationStep.escalation_id == e.id)
            .order_by(EscalationStep.id)
        ).all()
        if steps
        else []
    )
    return EscalationView(
        id=e.id,
        person_id=e.person_id,
        child_name=names.get(e.person_id, ""),
        subject=e.subject,
        contact_id=e.contact_id,
        case_id=e.case_id,
        consultation_id=e.consultation_id,
        raised_by=e.raised_by,
        raiser=Raiser(e.raiser_name, e.raiser_organisation, e.raiser_agency),
        reasons=e.reasons,
        status=e.status,
        stage=e.stage,
        stage_started_on=e.stage_started_on,
        stage_due_on=e.stage_due_on,
        overdue=e.status == OPEN and clocks.is_overdue(e.stage_due_on, london_day(now)),
        opened_at=e.opened_at,
        resolved_at=e.resolved_at,
        resolved_by=e.resolved_by,
        resolution=e.resolution,
        reopened_case_id=e.reopened_case_id,
        new_contact_id=e.new_contact_id,
        version=e.version,
        steps=[
            EscalationStepView(
                s.kind, s.stage, s.started_on, s.due_on, s.note, s.recorded_by, s.recorded_at
            )
            for s in found
        ],
    )


def _raised_about(session: Session, actor: Actor, person_id: int) -> bool:
    found = session.scalar(
        select(Contact.id).where(Contact.person_id == person_id, Contact.created_by == actor.label)
    )
    return found is not None


def for_viewer(view: EscalationView, actor: Actor) -> EscalationView:
    """What a partner sees of their own escalation: not the child's name as the store has it
    (a reference may name a child they did not know), nor what the decision reopened."""
    if actor.role is not Role.PARTNER_PRACTITIONER:
        return view
    return replace(view, child_name="", contact_id=None, case_id=None, reopened_case_id=None,
                   new_contact_id=None)  # fmt: skip
