"""A partner's concern reaching the front door: stored, resolved to a child, raised as a contact.

One call, one transaction (the caller's unit of work): the concern is stored as the partner's
exchange record (type `concern`) through intake, its child resolved to a person like every other
record's, and a contact raised for that child; if any step fails, none of it is kept. The
partner gets a reference back and nothing of any case.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.casework import contacts
from joinedup.casework.chronicle import Authority
from joinedup.casework.views import Referrer
from joinedup.config import Settings
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.attributes import CONCERN_CATEGORIES
from joinedup.intake.service import Submitted, mentions_of
from joinedup.intake.validation import RecordInvalid, parse_object
from joinedup.people.store import linked


@dataclass(frozen=True)
class Service:
    """Where the professional works: the exchange format's agency and the DfE referral source."""

    title: str
    agency: str
    referral_source: str


# The DfE CIN census referral sources (RETURNS.md) by the kind of service raising the concern.
SERVICES: dict[str, Service] = {
    "school": Service("A school", "education", "2A"),
    "education_services": Service("Other education services", "education", "2B"),
    "early_years": Service("A nursery or early years setting", "early_years", "2B"),
    "gp": Service("A GP practice", "health", "3A"),
    "health_visitor": Service("Health visiting", "health", "3B"),
    "school_nurse": Service("School nursing", "health", "3C"),
    "community_health": Service("Other community health services", "health", "3D"),
    "emergency_department": Service("An emergency department", "health", "3E"),
    "hospital": Service("Other hospital services", "health", "3F"),
    "police": Service("Police", "police", "6"),
    "housing": Service("Housing or another council service", "housing", "4"),
    "probation": Service("Probation", "probation", "7"),  # other legal agency
    "youth_justice": Service("Youth justice", "youth_justice", "5B"),  # LA: other internal
    "voluntary": Service("A voluntary organisation", "voluntary", "8"),
    "other": Service("Another organisation", "other", "10"),
}
CATEGORIES = CONCERN_CATEGORIES
# The contact's summary is "Category: " and the words, within the contact's text limit: the form
# takes what is left after the longest category, so a long concern is refused on its own field.
WHAT_SEEN_LIMIT = contacts.TEXT_LIMIT - max(len(c) + 2 for c in CATEGORIES)


@dataclass(frozen=True)
class Concern:
    """What the professional told the front door, as they entered it."""

    given_names: str
    family_name: str
    date_of_birth: date | None
    nhs_number: str
    address: str
    postcode: str
    what_seen: str
    category: str
    service: str  # a key of SERVICES
    organisation: str
    referrer_name: str
    referrer_role: str
    referrer_contact: str


@dataclass(frozen=True)
class Receipt:
    """What the partner is told: a reference to quote, and nothing of any case."""

    reference: str
    contact_id: int


def raise_concern(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    concern: Concern,
    now: datetime,
    settings: Settings,
) -> Receipt:
    """Store the concern, resolve its child and raise a contact at the front door."""
    errors = _errors(concern, now)
    if errors:
        raise ValidationFailed("The concern cannot be sent", errors)
    service = SERVICES[concern.service]
    record_id = f"concern-{uuid.uuid4().hex}"
    try:
        parsed = parse_object(_record(concern, service, record_id, now))
    except RecordInvalid as exc:
        raise ValidationFailed("The concern cannot be sent", _form_errors(exc.errors)) from None
    [stored] = submit_and_resolve(
        session=session, actor=actor, parsed_records=[parsed], now=now, settings=settings
    )
    person_id = _child_of(session, stored)
    contact = contacts.raise_contact(
        session=session,
        actor=actor,
        authority=authority,
        person_id=person_id,
        source_kind="partner",
        referral_source=service.referral_source,
        referrer=Referrer(
            concern.referrer_name, concern.organisation, service.agency, concern.referrer_contact
        ),
        summary=f"{concern.category.capitalize()}: {concern.what_seen}",
        received_at=now,
        now=now,
    )
    return Receipt(reference=f"FD-{contact.id:06d}", contact_id=contact.id)


def _record(concern: Concern, service: Service, record_id: str, now: datetime) -> dict[str, Any]:
    child: dict[str, Any] = {
        "ref": "c1",
        "role": "child",
        "given_names": concern.given_names.strip(),
        "family_name": concern.family_name.strip(),
    }
    if concern.date_of_birth is not None:
        child["date_of_birth"] = concern.date_of_birth.isoformat()
    if concern.nhs_number.strip():
        child["nhs_number"] = concern.nhs_number.replace(" ", "")
    if concern.address.strip() or concern.postcode.strip():
        lines = [line.strip() for line in concern.address.splitlines() if line.strip()][:6]
        child["address"] = {"lines": lines, "postcode": concern.postcode.strip() or None}
    return {
        "format": "joinedup/1",
        "record_id": record_id,
        "source": {"agency": service.agency, "organisation": concern.organisation.strip()},
        "author": {
            "name": concern.referrer_name.strip(),
            "role": concern.referrer_role.strip() or None,
            "contact": concern.referrer_contact.strip(),
        },
        "type": "concern",
        "occurred_at": now.isoformat(),
        "date_precision": "minute",
        "recorded_at": now.isoformat(),
        "summary": concern.what_seen.strip(),
        "attributes": {"category": concern.category},
        "subjects": [child],
    }


def _child_of(session: Session, stored: Submitted) -> int:
    """The person the concern's only subject, the child, was resolved to."""
    _event, mentions = mentions_of(session, stored)
    person = linked(session, mentions[:1]).get(mentions[0]) if mentions else None
    if person is None:  # resolution links every new mention; this would be a fault
        raise RuntimeError("the concern's child was not resolved to a person")
    return person


def _errors(concern: Concern, now: datetime) -> list[FieldError]:
    errors = [
        FieldError(name, message, "required")
        for name, value, message in (
            ("given_names", concern.given_names, "Enter the child's given names"),
            ("family_name", concern.family_name, "Enter the child's family name"),
            ("what_seen", concern.what_seen, "Enter what you saw or heard"),
            ("organisation", concern.organisation, "Enter the name of your organisation"),
            ("referrer_name", concern.referrer_name, "Enter your name"),
            ("referrer_contact", concern.referrer_contact, "Enter how to reach you"),
        )
        if not value.strip()
    ]
    if concern.category not in CATEGORIES:
        errors.append(FieldError("category", "Choose what the concern is about", "required"))
    if concern.service not in SERVICES:
        errors.append(FieldError("service", "Choose where you work", "required"))
    if concern.date_of_birth is not None and concern.date_of_birth > now.date():
        errors.append(FieldError("date_of_birth", "Date of birth must be in the past"))
    if len(concern.what_seen) > WHAT_SEEN_LIMIT:
        too_long = f"What you saw must be {WHAT_SEEN_LIMIT:,} characters or fewer"
        errors.append(FieldError("what_seen", too_long))
    return errors


# Where an exchange-format error points, the form field it is about.
_FIELDS = {
    "subjects.0.nhs_number": "nhs_number",
    "subjects.0.date_of_birth": "date_of_birth",
    "subjects.0.given_names": "given_names",
    "subjects.0.family_name": "family_name",
    "subjects.0.address.postcode": "postcode",
    "subjects.0.address.lines": "address",
    "source.organisation": "organisation",
    "author.name": "referrer_name",
    "author.role": "referrer_role",
    "author.contact": "referrer_contact",
    "summary": "what_seen",
}


def _form_errors(errors: list[FieldError]) -> list[FieldError]:
    found = []
    for e in errors:
        name = next((f for p, f in _FIELDS.items() if e.field.startswith(p)), "what_seen")
        found.append(FieldError(name, f"{name.replace('_', ' ').capitalize()}: {e.message}"))
    return found
