"""Who must hear of what, written to the outbox in the transaction of the work that caused it.

- Operation Encompass: a domestic abuse incident with a child as subject → the child's school
  (its DSL: the school's inbox, and e-mail when the calendar names the DSL's address) before the
  start of the next school day; a child home educated or with no school → the authority's
  elective home education team.
- CP-IS: an unscheduled-care attendance of a child on a child protection plan or looked after →
  the lead social worker (the case's allocated worker; the team when nobody is allocated).
- A contact's outcome → the referrer, within 1 working day of the decision.
- An information request → the partner's inbox; overdue → a reminder and the front door team.
- The partner look-up (sharing/partners.py), with the facts gathered here from people, intake
  and casework, which sharing does not read.

`notify_events` belongs after `flows.intake.submit_and_resolve` (intake, identity, rules), in the
same unit of work: `submit_and_resolve` calls it with the new events of the types it acts on
(`NOTIFIED_TYPES`).
Keys are built from the source record, not its version, so a corrected record notifies once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.casework import contacts, pathway
from joinedup.casework import service as casework_service
from joinedup.casework.models import Case, Contact, InformationRequest
from joinedup.casework.views import ContactView, InformationRequestView
from joinedup.config import Settings
from joinedup.core.dates import UK
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.core.identifiers import upn_valid
from joinedup.core.workdays import add_working_days
from joinedup.intake.models import Event, Mention, Organisation
from joinedup.people.circle import display_names
from joinedup.people.models import MentionLink
from joinedup.sharing import partners
from joinedup.sharing.inbox import to_staff
from joinedup.sharing.models import Notification
from joinedup.sharing.outbox import EMAIL, INBOX, Delivery, Message, notify
from joinedup.sharing.schooldays import SchoolCalendar, load_calendar

ENCOMPASS, CP_IS = "domestic_abuse_incident", "unscheduled_care"
LEAVING_SCHOOL = ("elective_home_education", "missing_education")
CP_IS_STAGES = (pathway.CHILD_PROTECTION, pathway.LOOKED_AFTER)
EHE_TEAM = "team:elective_home_education"
# Only news is notified: a history load (a previous authority's records, a replay) must not send
# a school years-old incidents. Older events are still on the chronology.
RECENT = {ENCOMPASS: timedelta(days=7), CP_IS: timedelta(days=30)}
NOTIFIED_TYPES = frozenset(RECENT)  # the record types `notify_events` acts on
EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SETTINGS_LABELS = {"emergency_department": "an emergency department", "urgent_care": "urgent care",
                   "out_of_hours": "an out-of-hours service", "ambulance": "an ambulance call-out",
                   "maternity": "maternity services"}  # fmt: skip


@dataclass(frozen=True)
class _Subject:
    event: Event
    person_id: int


def notify_events(
    *,
    session: Session,
    actor: Actor,
    event_ids: Sequence[int],
    settings: Settings,
    now: datetime,
    calendar: SchoolCalendar | None = None,
) -> list[int]:
    """The outbox rows the new events call for (Encompass, CP-IS); the ids of those written."""
    subjects = _children_of(session, event_ids, now)
    if not subjects:
        return []
    calendar = calendar or load_calendar(settings.school_calendar_path)
    names = display_names(session, {s.person_id for s in subjects})
    written: list[int] = []
    for s in subjects:
        name = names.get(s.person_id, "a child")
        if s.event.type == ENCOMPASS:
            written += _encompass(session, actor, calendar, s, name, now)
        else:
            written += _cp_is(session, actor, s, name, now)
    return written


def _children_of(session: Session, event_ids: Sequence[int], now: datetime) -> list[_Subject]:
    """Each recent current Encompass or CP-IS event with each child it names (as a person)."""
    if not event_ids:
        return []
    rows = session.execute(
        select(Event, MentionLink.person_id)
        .join(Mention, Mention.event_id == Event.id)
        .join(MentionLink, MentionLink.mention_id == Mention.id)
        .where(Event.id.in_(list(event_ids)), Event.type.in_((ENCOMPASS, CP_IS)),
               Event.superseded.is_(False), Mention.role == "child")
        .order_by(Event.id, MentionLink.person_id)
    )  # fmt: skip
    return [_Subject(event, person) for event, person in rows.unique()
            if event.occurred_at >= now - RECENT[event.type]]  # fmt: skip


def _encompass(session: Session, actor: Actor, calendar: SchoolCalendar, s: _Subject, name: str,
               now: datetime) -> list[int]:  # fmt: skip
    urn = school_of(session, s.person_id)
    school = calendar.schools.get(urn) if urn else None
    if urn:
        deliveries = [Delivery(INBOX, f"org:{urn}")]
        if school and school.dsl_email:
            deliveries.append(Delivery(EMAIL, school.dsl_email))
        label = f"Designated safeguarding lead, {school.name if school else 'school ' + urn}"
    else:
        team = calendar.elective_home_education
        deliveries = [Delivery(INBOX, EHE_TEAM)]
        if team.email:
            deliveries.append(Delivery(EMAIL, team.email))
        label = team.name
    due = calendar.encompass_due(s.event.occurred_at)
    present = (s.event.attributes or {}).get("children_present")
    body = (
        f"Operation Encompass: the police reported a domestic abuse incident involving {name} "
        f"on {_uk_day(s.event.occurred_at)}."
        + ("" if present is None else f" Children present: {'yes' if present else 'no'}.")
        + f" Please make sure the designated safeguarding lead knows before {_uk_time(due)}."
    )
    message = Message(
        key=f"encompass:{s.event.source_record_id}:{s.person_id}",
        kind="encompass",
        subject="Operation Encompass notification",
        body=body,
        person_ids=[s.person_id],
        recipient_label=label,
        purpose="Operation Encompass: telling the school before the next school day",
        due_at=due,
    )
    return notify(session=session, actor=actor, message=message, deliveries=deliveries, now=now)


def _cp_is(session: Session, actor: Actor, s: _Subject, name: str, now: datetime) -> list[int]:
    case = open_case(session, s.person_id)
    if case is None or case.stage not in CP_IS_STAGES:
        return []
    setting = (s.event.attributes or {}).get("setting", "")
    deliveries = (
        to_staff(session, case.allocated_user_id)
        if case.allocated_user_id
        else [Delivery(INBOX, f"team:{case.team}")]
    )
    message = Message(
        key=f"cp_is:{s.event.source_record_id}:{s.person_id}",
        kind="cp_is",
        subject="Unscheduled care: a child on your caseload",
        body=(
            f"{name} ({pathway.STAGES[case.stage]}, case {case.id}) attended "
            f"{SETTINGS_LABELS.get(setting, 'unscheduled care')} on "
            f"{_uk_day(s.event.occurred_at)}."
        ),
        person_ids=[s.person_id],
        recipient_label=case.allocated_label or case.team or "lead social worker",
        purpose="CP-IS: telling the lead social worker of an unscheduled-care attendance",
    )
    return notify(
        session=session, actor=actor, message=message,
        deliveries=deliveries, now=now,
    )  # fmt: skip


# -- the facts about a child ---------------------------------------------------------------------


def _latest(session: Session, person_id: int, *where: Any) -> tuple[Any, ...] | None:
    """The latest current event naming the person that matches `where`, with its mention."""
    row = session.execute(
        select(Event.occurred_at, Event.type, Event.attributes, Mention.school_urn,
               Mention.gp_practice_code)
        .join(Mention, Mention.event_id == Event.id)
        .join(MentionLink, MentionLink.mention_id == Mention.id)
        .where(MentionLink.person_id == person_id, Event.superseded.is_(False), *where)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    return None if row is None else tuple(row)


def school_of(session: Session, person_id: int) -> str | None:
    """The child's school URN from their latest education records; None when the latest says
    home educated or missing education, or when no record names a school."""
    named = _latest(session, person_id, Mention.school_urn.is_not(None))
    moved = _latest(session, person_id, Event.type == "change_of_school")
    left = _latest(session, person_id, Event.type.in_(LEAVING_SCHOOL))
    # On a tie the record of leaving or moving wins over the school its mention still names.
    found = [r for r in (left, moved, named) if r is not None]
    if not found:
        return None
    _when, kind, attributes, urn, _gp = max(found, key=lambda r: r[0])
    if kind in LEAVING_SCHOOL:
        return None
    if kind == "change_of_school" and (attributes or {}).get("to_urn"):
        return str(attributes["to_urn"])
    return str(urn) if urn else None


def gp_of(session: Session, person_id: int) -> str | None:
    row = _latest(session, person_id, Mention.gp_practice_code.is_not(None))
    return None if row is None else str(row[4])


def open_case(session: Session, person_id: int) -> Case | None:
    """The child's open case (`casework.service.open_case_of`: persons merged into the child
    included)."""
    case_id = casework_service.open_case_of(session, person_id)
    return None if case_id is None else session.get(Case, case_id)


def _uk_day(moment: datetime) -> str:
    return moment.astimezone(UK).strftime("%-d %B %Y")


def _uk_time(moment: datetime) -> str:
    return moment.astimezone(UK).strftime("%H:%M on %A %-d %B %Y")


# -- a contact's outcome -------------------------------------------------------------------------


def send_outcome(
    *,
    session: Session,
    actor: Actor,
    contact_id: int,
    message: str,
    expected_version: int,
    now: datetime,
) -> ContactView:
    """Casework's `send_outcome` (the decision and its register entry), and the referrer's
    e-mail when their contact route is an e-mail address, due within 1 working day."""
    view = contacts.send_outcome(
        session=session, actor=actor, contact_id=contact_id, message=message,
        expected_version=expected_version, now=now,
    )  # fmt: skip
    address = view.referrer.contact.strip()
    if not EMAIL_ADDRESS.match(address):
        return view
    decided = (view.decided_at or now).astimezone(UK).date()
    received = _uk_day(view.received_at)
    text = (
        f"The outcome of your contact of {received} (reference C{view.id}): "
        f"{pathway.CONTACT_DECISIONS.get(view.decision or '', 'decided')}.\n\n{message.strip()}\n"
    )
    notify(
        session=session,
        actor=actor,
        message=Message(
            key=f"contact_outcome:{view.id}",
            kind="contact_outcome",
            subject=f"The outcome of your contact (reference C{view.id})",
            body=text,
            email_body=text,
            person_ids=[view.person_id],
            recipient_label=f"{view.referrer.name}, {view.referrer.organisation}",
            purpose="Telling the referrer the outcome of their contact (Working Together 2023)",
            due_at=_end_of(add_working_days(decided, 1)),
        ),
        deliveries=[Delivery(EMAIL, address)],
        now=now,
    )
    return view


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=UK)


# -- information requests -----------------------------------------------------------------------

FRONT_DOOR_TEAM = "team:front_door"


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
    """Casework's request, and the partner's inbox notification (their organisation, when it is
    known to the store by agency and name with a code)."""
    view = contacts.request_information(
        session=session, actor=actor, contact_id=contact_id, agency=agency,
        organisation=organisation, question=question, now=now,
    )  # fmt: skip
    _tell_partner(session, actor, view, f"request:{view.id}", "Information request", now)
    return view


def escalate_overdue_requests(*, session: Session, actor: Actor, now: datetime) -> int:
    """Remind each partner whose reply is overdue, and tell the front door team; once per
    request. How many requests were escalated now (a scheduled sweep calls this)."""
    overdue = session.scalars(
        select(InformationRequest)
        .where(InformationRequest.status == "open", InformationRequest.due_at < now)
        .order_by(InformationRequest.due_at, InformationRequest.id)
    ).all()
    escalated = 0
    for r in overdue:
        person = session.scalar(select(Contact.person_id).where(Contact.id == r.contact_id))
        message = Message(
            key=f"request_overdue:{r.id}", kind="request_overdue",
            subject=f"Overdue: information request R{r.id} to {r.organisation}",
            body=(f"The reply to information request R{r.id} (contact C{r.contact_id}) from "
                  f"{r.organisation} was due by {_uk_time(r.due_at)} and has not come."),
            person_ids=[] if person is None else [person], recipient_label="Front door",
            purpose="Escalating an overdue reply to the front door",
        )  # fmt: skip
        written = notify(session=session, actor=actor, message=message,
                         deliveries=[Delivery(INBOX, FRONT_DOOR_TEAM)], now=now)  # fmt: skip
        _tell_partner(session, actor, r, f"request_reminder:{r.id}", "Reminder: overdue", now)
        escalated += bool(written)
    return escalated


def escalate_undelivered_encompass(*, session: Session, actor: Actor, now: datetime) -> int:
    """Tell the front door of each Operation Encompass e-mail still undelivered when the school
    day it was due for begins (the mail server down, the address refused), so that someone
    phones the school's DSL; once per notice. How many were escalated now."""
    late = session.scalars(
        select(Notification)
        .where(Notification.kind == "encompass", Notification.channel == EMAIL,
               Notification.status.in_(("pending", "failed")), Notification.due_at < now)
        .order_by(Notification.due_at, Notification.id)
    ).all()  # fmt: skip
    escalated = 0
    for n in late:
        assert n.due_at is not None  # noqa: S101 - selected on it
        message = Message(
            key=f"encompass_undelivered:{n.id}", kind="encompass_undelivered",
            subject="Operation Encompass: a school has not been told",
            body=(f"The Operation Encompass e-mail N{n.id} to {n.recipient} was due before "
                  f"{_uk_time(n.due_at)} and has not been delivered ({n.status}, "
                  f"{n.attempts} attempts). Phone the school's designated safeguarding lead."),
            person_ids=list(n.person_ids or []), recipient_label="Front door",
            purpose="Escalating an undelivered Operation Encompass notice to the front door",
        )  # fmt: skip
        written = notify(session=session, actor=actor, message=message,
                         deliveries=[Delivery(INBOX, FRONT_DOOR_TEAM)], now=now)  # fmt: skip
        escalated += bool(written)
    return escalated


def _tell_partner(
    session: Session, actor: Actor, view: InformationRequestView | InformationRequest, key: str,
    lead: str, now: datetime,
) -> None:  # fmt: skip
    code = session.scalar(
        select(Organisation.code).where(Organisation.agency == view.agency,
                                        Organisation.name == view.organisation)
    )  # fmt: skip
    contact = session.scalar(select(Contact.person_id).join(InformationRequest,
                             InformationRequest.contact_id == Contact.id)
                             .where(InformationRequest.id == view.id))  # fmt: skip
    if not code or contact is None:
        return  # not a partner the store can address: the front door follows up by phone
    message = Message(
        key=key, kind="information_request",
        subject=f"{lead}: the front door asks what you know (R{view.id})",
        body=f"{view.question}\n\nPlease reply by {_uk_time(view.due_at)} (reference R{view.id}).",
        person_ids=[contact], recipient_label=view.organisation,
        purpose="Asking a partner what it knows, for the front door's decision",
        due_at=view.due_at,
    )  # fmt: skip
    notify(session=session, actor=actor, message=message,
           deliveries=[Delivery(INBOX, f"org:{code}")], now=now)  # fmt: skip


# -- the partner look-up -------------------------------------------------------------------------


def look_up_child(
    *,
    session: Session,
    actor: Actor,
    identifier: str,
    declared_reason: str,
    settings: Settings,
    now: datetime,
) -> partners.PartnerFlag:
    """The partner's flag for the child with this NHS number or unique pupil number (UPN);
    sharing/partners.py decides what the partner may see."""
    value = identifier.replace(" ", "").upper()
    if not (re.fullmatch(r"[0-9]{10}", value) or upn_valid(value)):
        raise ValidationFailed("The look-up cannot be made", [FieldError(
            "identifier", "Enter a 10-digit NHS number or a 13-character unique pupil number",
            "format")])  # fmt: skip
    return partners.look_up(
        session=session,
        actor=actor,
        facts=child_facts(session, value),
        declared_reason=declared_reason,
        contact_route=settings.front_door_contact,
        now=now,
    )


def child_facts(session: Session, identifier: str) -> partners.ChildFacts | None:
    """The child with this NHS number or UPN (valid, as recorded): school, GP and open case."""
    by_nhs = identifier.isdigit()
    column, valid = (Mention.nhs_number, Mention.nhs_number_valid) if by_nhs else (
        Mention.upn, Mention.upn_valid)  # fmt: skip
    persons = sorted(set(session.scalars(
        select(MentionLink.person_id).join(Mention, Mention.id == MentionLink.mention_id)
        .where(column == identifier, valid.is_(True), Mention.role == "child")
    )))  # fmt: skip
    if not persons:
        return None
    case = next((c for p in persons if (c := open_case(session, p)) is not None), None)
    return partners.ChildFacts(
        person_ids=persons,
        school_urn=next((u for p in persons if (u := school_of(session, p))), None),
        gp_practice_code=next((g for p in persons if (g := gp_of(session, p))), None),
        stage=case.stage if case else None,
        case_id=case.id if case else None,
        lead_user_id=case.allocated_user_id if case else None,
        lead_label=case.allocated_label if case else None,
        team=case.team if case else None,
    )
