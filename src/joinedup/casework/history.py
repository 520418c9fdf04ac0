"""The repeat-contact guard: what is already known of the child and their household.

"Start-again syndrome" (DOMAIN.md): each contact treated as new. Before deciding, the front door
sees this authority's earlier contacts and cases for the child and everyone in their household,
and the statutory steps other authorities' children's social care recorded about them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.casework import contacts, service
from joinedup.casework.chronicle import Authority
from joinedup.casework.models import Contact
from joinedup.casework.views import History
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Filters

CSC = "childrens_social_care"


def contact_history(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    person_id: int,
    now: datetime,
    exclude_contact: int | None = None,
) -> History:
    """Earlier contacts and cases for the child and household, newest first, and the statutory
    entries other authorities recorded (the chronology's reads are audited there)."""
    found = chronology.get_chronology(
        session=session,
        actor=actor,
        person_id=person_id,
        filters=Filters(agencies=frozenset({CSC}), household=True),
        now=now,
        per_page=None,
    )
    persons = sorted(set(found.persons) | {person_id})
    rows = list(
        session.scalars(
            select(Contact)
            .where(Contact.person_id.in_(persons), Contact.id != (exclude_contact or 0))
            .order_by(Contact.received_at.desc(), Contact.id.desc())
        )
    )
    require(
        session=session,
        actor=actor,
        action=Action.CONTACTS_READ,
        resource_type="contact",
        resource_ids=[c.id for c in rows],
        detail={"person": person_id, "list": "history", "persons": len(persons)},
        now=now,
    )
    earlier = [
        contacts.get_contact(session=session, actor=actor, contact_id=c.id, now=now) for c in rows
    ]
    cases = service.cases_of(session=session, actor=actor, person_ids=persons, now=now)
    elsewhere = [
        e
        for e in reversed(found.entries)
        if e.statutory and e.agency == CSC and e.organisation != authority.name
    ]
    return History(contacts=earlier, cases=cases, elsewhere=elsewhere)
