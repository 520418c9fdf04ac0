"""Consultations: a professional calls the front door for advice about a child.

A concern is always recorded, whatever the advice. The caller's concern goes on the child's
chronology as their agency's record, and the advice beside it as the front door's, in the same
transaction; advice to refer raises the contact there and then (the caller is not asked to do it
again). Advice not to refer can be challenged with the consultation's reference
(`practice.escalations`, subject `not_to_refer`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record
from joinedup.casework import chronicle, contacts
from joinedup.casework.chronicle import Authority
from joinedup.casework.views import Referrer
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.people.service import person_kind
from joinedup.practice.models import Consultation
from joinedup.practice.views import ConsultationView

REFER, EARLY_HELP, NO_REFERRAL = "refer", "early_help", "no_referral"
ADVICE = {
    REFER: "Refer to the front door: the contact is raised now",
    EARLY_HELP: "Below the threshold for social care: offer early help",
    NO_REFERRAL: "No referral: the caller's agency continues to support the child",
}


def record_consultation(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    person_id: int,
    caller: Referrer,
    concern: str,
    advice: str,
    advice_reasons: str,
    referral_source: str,
    now: datetime,
) -> ConsultationView:
    """Record the call: the concern and the advice on the chronology; a contact if advised."""
    authorise(session=session, actor=actor, action=Action.CONSULTATIONS_RECORD,
              resource_type="consultation")  # fmt: skip
    errors: list[FieldError] = []
    for name, value, limit in (("caller.name", caller.name, 200),
                               ("caller.organisation", caller.organisation, 200),
                               ("concern", concern, 10_000),
                               ("advice_reasons", advice_reasons, 10_000)):  # fmt: skip
        if not value.strip():
            errors.append(FieldError(name, "enter this", "required"))
        elif len(value) > limit:
            errors.append(FieldError(name, f"must be {limit:,} characters or fewer"))
    if caller.agency not in contacts.AGENCIES:
        errors.append(FieldError("caller.agency", "choose the caller's agency", "required"))
    if advice not in ADVICE:
        errors.append(FieldError("advice", "choose the advice given", "required"))
    if person_kind(session, person_id) not in ("child", "unborn"):
        errors.append(FieldError("person_id", f"person {person_id} is not a child known here"))
    if errors:
        raise ValidationFailed("The consultation cannot be recorded", errors)
    row = Consultation(
        person_id=person_id,
        caller_name=caller.name.strip(),
        caller_organisation=caller.organisation.strip(),
        caller_agency=caller.agency,
        concern=concern.strip(),
        advice=advice,
        advice_reasons=advice_reasons.strip(),
        advised_by=actor.label,
        advised_at=now,
    )
    session.add(row)
    session.flush()
    record(session=session, actor=actor, action=Action.CONSULTATIONS_RECORD,
           resource_type="consultation", resource_ids=[row.id],
           detail={"person": person_id, "advice": advice}, now=now)  # fmt: skip
    event = chronicle.write(
        session=session, actor=actor, authority=authority, person_id=person_id,
        record_id=f"consultation:{row.id}", kind="note", occurred_at=now,
        summary=f"Concern raised in a consultation with the front door (CN-{row.id:06d}): "
        f"{row.concern}",
        agency=caller.agency, organisation=row.caller_organisation,
        author=chronicle.Author(row.caller_name, "caller"), now=now,
    )  # fmt: skip
    chronicle.write(
        session=session, actor=actor, authority=authority, person_id=person_id,
        record_id=f"consultation:{row.id}:advice", kind="note", occurred_at=now,
        summary=f"Front door advice on consultation CN-{row.id:06d}: {ADVICE[advice]}. "
        f"{row.advice_reasons}",
        author=chronicle.Author(actor.label, actor.role.value), now=now,
    )  # fmt: skip
    if advice == REFER:
        contact = contacts.raise_contact(
            session=session, actor=actor, authority=authority, person_id=person_id,
            source_kind="partner", referral_source=referral_source, referrer=caller,
            summary=f"From consultation CN-{row.id:06d}: {row.concern}", received_at=now,
            now=now,
        )  # fmt: skip
        row.contact_id = contact.id
        session.flush()
    return ConsultationView(row.id, person_id, advice, row.contact_id, event)
