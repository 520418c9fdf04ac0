"""The front door: contacts, triage, information requests, the decision and its sign-off.

Every function takes the acting `Actor`, passes the access gate (which writes the audit entry)
and flushes in the caller's transaction; each step that belongs on the chronology writes its
record there too. Status changes go through `pathway.CONTACT_TRANSITIONS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.casework import chronicle, clocks, pathway, service
from joinedup.casework.chronicle import Authority
from joinedup.casework.models import Contact, InformationRequest
from joinedup.casework.names import child_names
from joinedup.casework.versions import check_version, flush_versioned
from joinedup.casework.views import ContactView, InformationRequestView, Referrer
from joinedup.core import dfe_codes
from joinedup.core.errors import (
    FieldError,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    text_errors,
)
from joinedup.people.service import person_kind
from joinedup.sharing.service import record_disclosure

TEXT_LIMIT = 10_000
AGENCIES = (
    "police",
    "health",
    "education",
    "early_years",
    "housing",
    "childrens_social_care",
    "probation",
    "youth_justice",
    "voluntary",
    "public",
    "other",
)


def raise_contact(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    person_id: int,
    source_kind: str,
    referral_source: str,
    referrer: Referrer,
    summary: str,
    received_at: datetime,
    prompt_id: int | None = None,
    now: datetime,
) -> ContactView:
    """A contact about a child reaches the front door; its decision is due in 1 working day."""
    authorise(session=session, actor=actor, action=Action.CONTACTS_RAISE, resource_type="contact")
    errors = _referrer_errors(referrer)
    if source_kind not in pathway.SOURCE_KINDS:
        errors.append(FieldError("source_kind", f"'{source_kind}' is not a kind of source"))
    if referral_source not in dfe_codes.REFERRAL_SOURCES:
        errors.append(FieldError("referral_source", f"'{referral_source}' is not a DfE code"))
    errors += text_errors("summary", summary, required=True)
    if received_at > now:
        errors.append(FieldError("received_at", "must not be in the future"))
    if person_kind(session, person_id) not in ("child", "unborn"):
        errors.append(FieldError("person_id", f"person {person_id} is not a child known here"))
    if errors:
        raise ValidationFailed("The contact cannot be recorded", errors)
    contact = Contact(
        person_id=person_id,
        received_at=received_at,
        source_kind=source_kind,
        referral_source=referral_source,
        referrer_name=referrer.name.strip(),
        referrer_organisation=referrer.organisation.strip(),
        referrer_agency=referrer.agency,
        referrer_contact=referrer.contact.strip(),
        summary=summary.strip(),
        prompt_id=prompt_id,
        status=pathway.RECEIVED,
        decision_due_at=clocks.contact_decision_due(received_at),
        created_by=actor.label,
        updated_at=now,
        updated_by=actor.label,
    )
    session.add(contact)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=Action.CONTACTS_RAISE,
        resource_type="contact",
        resource_ids=[contact.id],
        detail={"person": person_id, "source": referral_source},
        now=now,
    )
    chronicle.write(
        session=session,
        actor=actor,
        authority=authority,
        person_id=person_id,
        record_id=f"contact:{contact.id}",
        kind="note",
        occurred_at=received_at,
        summary=f"Contact received by the front door from {referrer.organisation} "
        f"({referral_source}): {summary.strip()}",
        author=chronicle.Author(actor.label, actor.role.value),
        now=now,
    )
    return _view(session, contact, now)


def get_contact(*, session: Session, actor: Actor, contact_id: int, now: datetime) -> ContactView:
    # The policy first: whether a contact exists is itself not for everyone to learn.
    authorise(session=session, actor=actor, action=Action.CONTACTS_READ, resource_type="contact")
    contact = _contact(session, contact_id)
    require(
        session=session,
        actor=actor,
        action=Action.CONTACTS_READ,
        resource_type="contact",
        resource_ids=[contact_id],
        detail={"person": contact.person_id},
        now=now,
        child=[contact.person_id],
    )
    return _view(session, contact, now)


def front_door_queue(*, session: Session, actor: Actor, now: datetime) -> list[ContactView]:
    """Contacts awaiting a decision or its sign-off: red first, then by their deadline."""
    rows = list(
        session.scalars(
            select(Contact)
            .where(Contact.status != pathway.DECIDED)
            .order_by(Contact.decision_due_at, Contact.id)
        )
    )
    hidden = hidden_from(session, actor, [c.person_id for c in rows])  # ADR 0012
    rows = [c for c in rows if c.person_id not in hidden]
    require(
        session=session,
        actor=actor,
        action=Action.CONTACTS_READ,
        resource_type="contact",
        resource_ids=[c.id for c in rows],
        detail={"list": "front_door"},
        now=now,
    )
    rank = {"red": 0, "amber": 1, "green": 2, None: 3}
    views = [_view(session, c, now, requests=False) for c in rows]
    return sorted(views, key=lambda v: (rank[v.urgency], v.decision_due_at, v.id))


def triage(
    *,
    session: Session,
    actor: Actor,
    contact_id: int,
    urgency: str,
    expected_version: int,
    now: datetime,
) -> ContactView:
    contact = _editable(
        session, actor, contact_id, "triage", expected_version, now, {"urgency": urgency}
    )
    if urgency not in pathway.URGENCIES:
        raise ValidationFailed(
            "Choose an urgency", [FieldError("urgency", "choose red, amber or green")]
        )
    contact.urgency = urgency
    contact.updated_at, contact.updated_by = now, actor.label
    flush_versioned(session)
    return _view(session, contact, now)


def request_information(
    *,
    session: Session,
    actor: Actor,
    contact_id: int,
    agency: str,
    organisation: str,
    question: str,
    now: datetime,
) -> InformationRequestView:
    """Ask a named partner agency what it knows; due by the contact's urgency (red 4 hours,
    amber 1 working day, green 3 working days)."""
    contact = _editable(session, actor, contact_id, "request_information", None, now)
    errors: list[FieldError] = []
    if contact.urgency is None:
        errors.append(FieldError("urgency", "triage the contact (red, amber or green) first"))
    if agency not in AGENCIES:
        errors.append(FieldError("agency", f"'{agency}' is not an agency"))
    errors += text_errors("organisation", organisation, required=True, limit=200)
    errors += text_errors("question", question, required=True)
    if errors:
        raise ValidationFailed("The request cannot be sent", errors)
    assert contact.urgency is not None  # noqa: S101 - checked above
    request = InformationRequest(
        contact_id=contact.id,
        agency=agency,
        organisation=organisation.strip(),
        question=question.strip(),
        urgency=contact.urgency,
        requested_at=now,
        due_at=clocks.information_request_due(now, contact.urgency),
        requested_by=actor.label,
        status="open",
    )
    session.add(request)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=Action.CONTACTS_TRIAGE,
        resource_type="information_request",
        resource_ids=[request.id],
        detail={"contact": contact.id, "agency": agency},
        now=now,
    )
    return _request_view(request, now)


def record_reply(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    request_id: int,
    reply: str,
    replied_by: str,
    expected_version: int,
    now: datetime,
) -> InformationRequestView:
    """The partner's answer, recorded on the child's chronology as that partner's record."""
    authorise(session=session, actor=actor, action=Action.CONTACTS_TRIAGE, resource_type="contact")
    request = session.get(
        InformationRequest, request_id, with_for_update=True, populate_existing=True
    )
    if request is None:
        raise NotFound(f"information request {request_id} does not exist")
    contact = _contact(session, request.contact_id)
    require(
        session=session,
        actor=actor,
        action=Action.CONTACTS_TRIAGE,
        resource_type="information_request",
        resource_ids=[request_id],
        detail={"contact": contact.id, "person": contact.person_id},
        now=now,
        child=[contact.person_id],
    )
    check_version(
        request, expected_version, {"reply": reply}, request.recorded_by, request.replied_at
    )
    errors = text_errors("reply", reply, required=True) + text_errors(
        "replied_by", replied_by, required=True, limit=200
    )
    if request.status != "open":
        errors.append(FieldError("reply", "this request has been answered already"))
    if errors:
        raise ValidationFailed("The reply cannot be recorded", errors)
    request.reply, request.replied_by = reply.strip(), replied_by.strip()
    request.replied_at, request.recorded_by, request.status = now, actor.label, "replied"
    flush_versioned(session)
    chronicle.write(
        session=session,
        actor=actor,
        authority=authority,
        person_id=contact.person_id,
        record_id=f"information-request:{request.id}",
        kind="note",
        occurred_at=now,
        summary=f"Reply to the front door's information request: {request.reply}",
        agency=request.agency,
        organisation=request.organisation,
        author=chronicle.Author(request.replied_by or "", "respondent"),
        now=now,
    )
    return _request_view(request, now)


def decide(
    *,
    session: Session,
    actor: Actor,
    contact_id: int,
    decision: str,
    rationale: str,
    late_reason: str = "",
    expected_version: int,
    now: datetime,
) -> ContactView:
    """The practitioner's decision and rationale; it stands once a manager signs it off."""
    submitted = {"decision": decision, "rationale": rationale.strip()}
    contact = _editable(session, actor, contact_id, "decide", expected_version, now, submitted)
    errors: list[FieldError] = []
    if decision not in pathway.CONTACT_DECISIONS:
        errors.append(FieldError("decision", "choose a decision"))
    elif decision == pathway.OPEN_CASE and service.open_case_of(session, contact.person_id) is None:
        errors.append(FieldError("decision", "the child has no open case here: refer instead"))
    elif decision in pathway.OPENS_CASE and service.open_case_of(session, contact.person_id):
        errors.append(
            FieldError("decision", "the child's case is open already: add this contact to it")
        )
    errors += text_errors("rationale", rationale, required=True)
    if contact.urgency is None:
        errors.append(FieldError("urgency", "triage the contact (red, amber or green) first"))
    if now > contact.decision_due_at and not late_reason.strip():
        errors.append(
            FieldError("late_reason", "the decision is after its deadline: say why", "required")
        )
    errors += text_errors("late_reason", late_reason)
    if errors:
        raise ValidationFailed("The decision cannot be recorded", errors)
    contact.decision, contact.rationale = decision, rationale.strip()
    contact.late_reason = late_reason.strip() or None
    contact.decided_by, contact.decided_at = actor.label, now
    contact.status = pathway.next_contact_status(contact.status, "decide")
    contact.updated_at, contact.updated_by = now, actor.label
    flush_versioned(session)
    return _view(session, contact, now)


def sign_off(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    contact_id: int,
    approve: bool,
    note: str = "",
    expected_version: int,
    now: datetime,
) -> ContactView:
    """A manager signs the decision off (a referral opens the case) or returns it with a note."""
    authorise(
        session=session, actor=actor, action=Action.CONTACTS_SIGN_OFF, resource_type="contact"
    )
    contact = _contact(session, contact_id, lock=True)
    require(
        session=session,
        actor=actor,
        action=Action.CONTACTS_SIGN_OFF,
        resource_type="contact",
        resource_ids=[contact_id],
        detail={"person": contact.person_id, "approve": approve},
        now=now,
        child=[contact.person_id],
    )
    check_version(contact, expected_version, {}, contact.updated_by, contact.updated_at)
    if not approve and not note.strip():
        raise ValidationFailed(
            "Say why the decision is returned", [FieldError("note", "enter a note", "required")]
        )
    errors = text_errors("note", note)
    if errors:
        raise ValidationFailed("The sign-off cannot be recorded", errors)
    contact.status = pathway.next_contact_status(
        contact.status, "sign_off" if approve else "return"
    )
    contact.signoff_note = note.strip() or None
    contact.updated_at, contact.updated_by = now, actor.label
    if approve:
        contact.signed_off_by, contact.signed_off_at = actor.label, now
        if contact.decision in pathway.OPENS_CASE:
            contact.case_id = _open_case(session, actor, authority, contact, now)
        elif contact.decision == pathway.OPEN_CASE:
            contact.case_id = service.open_case_of(session, contact.person_id)
            if contact.case_id is None:
                raise InvalidTransition("the child's case has closed since: decide again")
        chronicle.write(
            session=session,
            actor=actor,
            authority=authority,
            person_id=contact.person_id,
            record_id=f"contact:{contact.id}:outcome",
            kind="contact_outcome",
            occurred_at=now,
            summary=f"Decision on the contact: {_decision_title(contact)}. {contact.rationale}",
            attributes={"outcome": _outcome_code(contact.decision)},
            author=chronicle.Author(contact.decided_by or actor.label, "front door"),
            now=now,
        )
    flush_versioned(session)
    return _view(session, contact, now)


def send_outcome(
    *,
    session: Session,
    actor: Actor,
    contact_id: int,
    message: str,
    expected_version: int,
    now: datetime,
) -> ContactView:
    """Close the loop: tell the referrer what was decided, recorded in the sharing register."""
    contact = _editable(
        session,
        actor,
        contact_id,
        "send_outcome",
        expected_version,
        now,
        {"outcome_message": message.strip()},
    )
    errors = text_errors("message", message, required=True)
    if contact.outcome_sent_at is not None:
        errors.append(FieldError("message", "the outcome has been sent to the referrer already"))
    if errors:
        raise ValidationFailed("The outcome cannot be sent", errors)
    contact.outcome_message, contact.outcome_sent_at = message.strip(), now
    contact.updated_at, contact.updated_by = now, actor.label
    record_disclosure(
        session=session,
        actor=actor,
        action=Action.CONTACTS_TRIAGE,
        person_ids=[contact.person_id],
        what="contact_outcome",
        entry_count=1,
        details={"contact": contact.id, "decision": contact.decision},
        sha256=None,
        recipient=f"{contact.referrer_name}, {contact.referrer_organisation}",
        purpose="Telling the referrer the outcome of their contact (Working Together 2023)",
        lawful_basis="safeguarding",
        now=now,
    )
    flush_versioned(session)
    return _view(session, contact, now)


def reopen_as_referral(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    contact_id: int,
    reason: str,
    now: datetime,
) -> ContactView:
    """A decision reversed on professional challenge (practice/escalations.py): a decided
    contact closed with no further action or early help becomes a referral and the case opens
    (or, when the child's case is open, the contact joins it). The first decision stays on the
    chronology; the reversal is a record of its own."""
    authorise(
        session=session, actor=actor, action=Action.ESCALATIONS_RESOLVE, resource_type="contact"
    )
    contact = _contact(session, contact_id, lock=True)
    require(
        session=session,
        actor=actor,
        action=Action.ESCALATIONS_RESOLVE,
        resource_type="contact",
        resource_ids=[contact_id],
        detail={"person": contact.person_id, "step": "reopen"},
        now=now,
        child=[contact.person_id],
    )
    if contact.status != pathway.DECIDED or contact.decision not in REOPENABLE:
        raise InvalidTransition(
            "only a contact decided as no further action or early help can be reopened"
        )
    errors = text_errors("reason", reason, required=True)
    if errors:
        raise ValidationFailed("Say why the decision is reversed", errors)
    open_already = service.open_case_of(session, contact.person_id)
    contact.decision = pathway.OPEN_CASE if open_already else pathway.REFERRAL
    contact.case_id = open_already or _open_case(session, actor, authority, contact, now)
    contact.rationale = reason.strip()
    contact.decided_by, contact.decided_at = actor.label, now
    contact.signed_off_by, contact.signed_off_at = actor.label, now
    contact.updated_at, contact.updated_by = now, actor.label
    chronicle.write(
        session=session,
        actor=actor,
        authority=authority,
        person_id=contact.person_id,
        record_id=f"contact:{contact.id}:reopened",
        kind="contact_outcome",
        occurred_at=now,
        summary=f"Decision on the contact reversed on professional challenge: "
        f"{_decision_title(contact)}. {contact.rationale}",
        attributes={"outcome": _outcome_code(contact.decision)},
        author=chronicle.Author(actor.label, actor.role.value),
        now=now,
    )
    flush_versioned(session)
    return _view(session, contact, now)


REOPENABLE = frozenset({pathway.NFA, pathway.EARLY_HELP})


# -- internals ---------------------------------------------------------------------------------


def _open_case(
    session: Session, actor: Actor, authority: Authority, contact: Contact, now: datetime
) -> int:
    return service.open_case(
        session=session,
        actor=actor,
        authority=authority,
        person_id=contact.person_id,
        referral_on=clocks.london_day(now),
        referral_source=contact.referral_source,
        contact_id=contact.id,
        strategy=contact.decision == pathway.STRATEGY,
        now=now,
    )


def _decision_title(contact: Contact) -> str:
    return pathway.CONTACT_DECISIONS.get(contact.decision or "", "")


def _outcome_code(decision: str | None) -> str:
    return "referral" if decision in pathway.OPENS_CASE else (decision or "")


def _contact(session: Session, contact_id: int, *, lock: bool = False) -> Contact:
    """The contact; `lock` (a save) holds its row until commit (see service._case)."""
    contact = session.get(Contact, contact_id, with_for_update=lock, populate_existing=lock)
    if contact is None:
        raise NotFound(f"contact {contact_id} does not exist")
    return contact


def _editable(
    session: Session,
    actor: Actor,
    contact_id: int,
    action: str,
    expected_version: int | None,
    now: datetime,
    submitted: dict[str, str] | None = None,
) -> Contact:
    authorise(session=session, actor=actor, action=Action.CONTACTS_TRIAGE, resource_type="contact")
    contact = _contact(session, contact_id, lock=True)
    require(
        session=session,
        actor=actor,
        action=Action.CONTACTS_TRIAGE,
        resource_type="contact",
        resource_ids=[contact_id],
        detail={"person": contact.person_id, "step": action},
        now=now,
        child=[contact.person_id],
    )
    if expected_version is not None:
        check_version(
            contact, expected_version, submitted or {}, contact.updated_by, contact.updated_at
        )
    pathway.next_contact_status(contact.status, action)  # refuses what the table does not allow
    return contact


def _referrer_errors(referrer: Referrer) -> list[FieldError]:
    errors = text_errors("referrer.name", referrer.name, required=True, limit=200)
    errors += text_errors("referrer.organisation", referrer.organisation, required=True, limit=200)
    errors += text_errors("referrer.contact", referrer.contact, required=True, limit=200)
    if referrer.agency not in AGENCIES:
        errors.append(FieldError("referrer.agency", f"'{referrer.agency}' is not an agency"))
    return errors


def _request_view(r: InformationRequest, now: datetime) -> InformationRequestView:
    return InformationRequestView(
        id=r.id,
        agency=r.agency,
        organisation=r.organisation,
        question=r.question,
        urgency=r.urgency,
        requested_at=r.requested_at,
        due_at=r.due_at,
        requested_by=r.requested_by,
        status=r.status,
        reply=r.reply,
        replied_by=r.replied_by,
        replied_at=r.replied_at,
        overdue=r.status == "open" and clocks.is_overdue(r.due_at, now),
        version=r.version,
    )


def _view(session: Session, c: Contact, now: datetime, *, requests: bool = True) -> ContactView:
    found: Sequence[InformationRequest] = (
        session.scalars(
            select(InformationRequest)
            .where(InformationRequest.contact_id == c.id)
            .order_by(InformationRequest.id)
        ).all()
        if requests
        else []
    )
    names = child_names(session, [c.person_id])
    return ContactView(
        id=c.id,
        person_id=c.person_id,
        child_name=names.get(c.person_id, ""),
        received_at=c.received_at,
        source_kind=c.source_kind,
        referral_source=c.referral_source,
        referrer=Referrer(
            c.referrer_name, c.referrer_organisation, c.referrer_agency, c.referrer_contact
        ),
        summary=c.summary,
        prompt_id=c.prompt_id,
        status=c.status,
        urgency=c.urgency,
        decision_due_at=c.decision_due_at,
        overdue=c.status != pathway.DECIDED and clocks.is_overdue(c.decision_due_at, now),
        decision=c.decision,
        rationale=c.rationale,
        late_reason=c.late_reason,
        decided_by=c.decided_by,
        decided_at=c.decided_at,
        signed_off_by=c.signed_off_by,
        signed_off_at=c.signed_off_at,
        signoff_note=c.signoff_note,
        outcome_sent_at=c.outcome_sent_at,
        outcome_message=c.outcome_message,
        case_id=c.case_id,
        requests=[_request_view(r, now) for r in found],
        version=c.version,
    )
