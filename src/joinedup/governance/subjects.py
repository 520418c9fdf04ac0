"""A person's ids of every kind, resolved from the tables of the domains that hold them
(read-only, in bulk, as ADR 0009 allows reports to): their person and anyone merged into them,
the records that mention them, their contacts, cases, steps and prompts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.casework.models import Case, CaseStep, Contact, InformationRequest
from joinedup.core.errors import NotFound
from joinedup.intake.models import Event, Mention
from joinedup.people.models import MentionLink, Person
from joinedup.rules.models import Prompt


@dataclass(frozen=True)
class SubjectRefs:
    person_ids: list[int]  # the person first, then anyone merged into them
    mention_ids: list[int]
    event_ids: list[int]  # = record version ids
    source_record_ids: list[int]
    contact_ids: list[int]
    case_ids: list[int]
    step_ids: list[int]
    prompt_ids: list[int]
    request_ids: list[int]

    def audit_refs(self) -> dict[str, list[int]]:
        """Resource type -> ids, as the audit log names them."""
        return {
            "person": self.person_ids,
            "mention": self.mention_ids,
            "record_version": self.event_ids,
            "source_record": self.source_record_ids,
            "contact": self.contact_ids,
            "case": self.case_ids,
            "case_step": self.step_ids,
            "prompt": self.prompt_ids,
            "information_request": self.request_ids,
        }


def person_ids(session: Session, person_id: int) -> list[int]:
    """The person and anyone merged into them; NotFound when there is no such person."""
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}")
    merged = session.scalars(
        select(Person.id).where(Person.merged_into_id == person_id).order_by(Person.id)
    )
    return [person_id, *merged]


def resolve(session: Session, person_id: int) -> SubjectRefs:
    persons = person_ids(session, person_id)
    mentions = session.execute(
        select(Mention.id, Mention.event_id, Event.source_record_id)
        .join(MentionLink, MentionLink.mention_id == Mention.id)
        .join(Event, Event.id == Mention.event_id)
        .where(MentionLink.person_id.in_(persons))
    ).all()
    contacts = _ids(session, select(Contact.id).where(Contact.person_id.in_(persons)))
    cases = _ids(session, select(Case.id).where(Case.person_id.in_(persons)))
    return SubjectRefs(
        person_ids=persons,
        mention_ids=sorted({m.id for m in mentions}),
        event_ids=sorted({m.event_id for m in mentions}),
        source_record_ids=sorted({m.source_record_id for m in mentions}),
        contact_ids=contacts,
        case_ids=cases,
        step_ids=_ids(session, select(CaseStep.id).where(CaseStep.case_id.in_(cases))),
        prompt_ids=_ids(session, select(Prompt.id).where(Prompt.person_id.in_(persons))),
        request_ids=_ids(
            session,
            select(InformationRequest.id).where(InformationRequest.contact_id.in_(contacts)),
        ),
    )


def _ids(session: Session, query: object) -> list[int]:
    return sorted(session.scalars(query))  # type: ignore[call-overload]
