"""Disposal: acting on recorded decisions to dispose, and on nothing else.

A child's personal data is anonymised in place rather than its rows deleted: every other
table refers to the person, their records and their cases by id, and the audit log (ids only,
hash-chained) must keep verifying. What goes: the child's names, dates of birth, identifiers
and addresses wherever they were recorded (their subject entries in partners' records, as
stored and as sent), their identity keys and household history, and the free text of their
contacts, casework, prompts and chronology marks; a record about no other child loses its
summary, attributes and author too. What stays: ids, dates, codes and the decision itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.casework.models import Case, CaseStep, Contact, InformationRequest
from joinedup.chronology.models import ChronologyMark
from joinedup.governance import subjects
from joinedup.governance.models import RetentionDecision
from joinedup.governance.redaction import Redactor
from joinedup.governance.retention import Rules, retention_dates
from joinedup.governance.stewardship import holds_of, latest_decision
from joinedup.intake.models import Event, Mention, RecordVersion
from joinedup.people.models import (
    HouseholdChange,
    HouseholdMember,
    MentionLink,
    PersonIdentity,
    PersonKey,
)
from joinedup.rules.models import Prompt

DISPOSED = "[disposed]"
_CHILDREN = ("child", "unborn")


@dataclass(frozen=True)
class DisposalReport:
    disposed: list[int]  # person ids
    skipped: dict[int, str]  # person id -> why (a hold, an open case, a newer decision)


def dispose_decided(
    *, session: Session, actor: Actor, rules: Rules, now: datetime
) -> DisposalReport:
    authorise(session=session, actor=actor, action=Action.GOVERNANCE_DISPOSE,
              resource_type="person")  # fmt: skip
    pending = session.scalars(
        select(RetentionDecision)
        .where(RetentionDecision.decision == "dispose", RetentionDecision.disposed_at.is_(None))
        .order_by(RetentionDecision.id)
    ).all()
    disposed: list[int] = []
    skipped: dict[int, str] = {}
    for decision in pending:
        why = _why_not(session, rules, decision, now)
        if why:
            skipped[decision.person_id] = why
            continue
        counts = anonymise(session, decision.person_id)
        decision.disposed_at = now
        require(session=session, actor=actor, action=Action.GOVERNANCE_DISPOSE,
                resource_type="person", resource_ids=[decision.person_id],
                detail={"retention_decision": decision.id, **counts}, now=now)  # fmt: skip
        disposed.append(decision.person_id)
    session.flush()
    return DisposalReport(disposed, skipped)


def _why_not(session: Session, rules: Rules, decision: RetentionDecision, now: datetime) -> str:
    latest = latest_decision(session, decision.person_id)
    if latest is None or latest.id != decision.id:
        return "a later decision replaced it"
    if holds_of(session, decision.person_id):
        return "a legal hold is in force"
    found = retention_dates(session, rules, [decision.person_id])
    if not found:
        return "not a child's record"
    if found[0].open_case:
        return "a case was opened since the decision"
    if found[0].until > now.date():
        return "the retention date has moved beyond today"
    return ""


def anonymise(session: Session, person_id: int) -> dict[str, int]:
    """Remove the child's personal data, keeping every row other rows refer to; counts."""
    refs = subjects.resolve(session, person_id)
    persons, mentions = refs.person_ids, refs.mention_ids
    refs_by_event = _refs_by_event(session, mentions)
    names = Redactor(own_words=set(), counts=Counter(), placeholder=DISPOSED)
    for row in session.execute(
        select(Mention.given_names, Mention.family_name, Mention.other_names).where(
            Mention.id.in_(mentions)
        )
    ).all():
        names.withhold("disposed", " ".join(filter(None, row[:2])), *row[:2], *row[2])
    records = _scrub_records(session, refs_by_event, persons, names)
    session.execute(update(Mention).where(Mention.id.in_(mentions)).values(
        given_names=None, family_name=None, other_names=[], date_of_birth=None, birth_date=None,
        birth_date_precision=None, expected_date_of_delivery=None, nhs_number=None,
        nhs_number_valid=None, upn=None, upn_valid=None, local_ids={}, address_lines=[],
        town=None, postcode=None, school_urn=None, gp_practice_code=None, language=None,
        ethnicity=None))  # fmt: skip
    session.execute(delete(PersonKey).where(PersonKey.person_id.in_(persons)))
    session.execute(
        update(PersonIdentity).where(PersonIdentity.person_id.in_(persons)).values(features={})
    )
    session.execute(delete(HouseholdChange).where(HouseholdChange.person_id.in_(persons)))
    session.execute(delete(HouseholdMember).where(HouseholdMember.person_id.in_(persons)))
    session.execute(update(Contact).where(Contact.id.in_(refs.contact_ids)).values(
        referrer_name=DISPOSED, referrer_organisation=DISPOSED, referrer_contact=DISPOSED,
        summary=DISPOSED, rationale=None, late_reason=None, signoff_note=None,
        outcome_message=None))  # fmt: skip
    session.execute(update(InformationRequest).where(InformationRequest.id.in_(refs.request_ids))
                    .values(question=DISPOSED, reply=None))  # fmt: skip
    session.execute(update(CaseStep).where(CaseStep.id.in_(refs.step_ids))
                    .values(details={}, late_reason=None))  # fmt: skip
    session.execute(update(Case).where(Case.id.in_(refs.case_ids)).values(allocated_label=None))
    session.execute(update(Prompt).where(Prompt.id.in_(refs.prompt_ids))
                    .values(explanation=DISPOSED, rationale=None, history=[]))  # fmt: skip
    session.execute(update(ChronologyMark).where(ChronologyMark.person_id.in_(persons))
                    .values(note=None))  # fmt: skip
    return {"mentions": len(mentions), "records": records, "contacts": len(refs.contact_ids),
            "cases": len(refs.case_ids), "steps": len(refs.step_ids)}  # fmt: skip


def _refs_by_event(session: Session, mention_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for event_id, ref in session.execute(
        select(Mention.event_id, Mention.ref).where(Mention.id.in_(mention_ids))
    ).all():
        found.setdefault(event_id, set()).add(ref)
    return found


def _scrub_records(
    session: Session, refs_by_event: dict[int, set[str]], persons: list[int], names: Redactor
) -> int:
    """Each record's payload as sent, with the child's subject entries reduced to their role
    and their names struck from its summary; a record about no other child loses its summary,
    attributes and author as well."""
    others = _other_children(session, list(refs_by_event), persons)
    rows = session.execute(
        select(RecordVersion.id, RecordVersion.payload).where(
            RecordVersion.id.in_(list(refs_by_event))
        )
    ).all()
    for version_id, payload in rows:
        sent: dict[str, Any] = orjson.loads(payload)
        mine = refs_by_event[version_id]
        sent["subjects"] = [
            {k: s.get(k) for k in ("ref", "role", "relationship")} | {"disposed": True}
            if s.get("ref") in mine else s
            for s in sent.get("subjects", [])
        ]  # fmt: skip
        if version_id in others:
            summary = names.text(sent.get("summary"))
            sent["summary"] = summary
            session.execute(update(Event).where(Event.id == version_id).values(summary=summary))
        else:
            sent.update(summary=DISPOSED, attributes={})
            sent.pop("author", None)
            session.execute(update(Event).where(Event.id == version_id).values(
                summary=DISPOSED, attributes={}, author_id=None))  # fmt: skip
        session.execute(update(RecordVersion).where(RecordVersion.id == version_id)
                        .values(payload=orjson.dumps(sent).decode()))  # fmt: skip
    return len(rows)


def _other_children(session: Session, event_ids: list[int], persons: list[int]) -> set[int]:
    """The records (of these) that are also about a child who is not being disposed of."""
    rows = session.execute(
        select(Mention.event_id)
        .outerjoin(MentionLink, MentionLink.mention_id == Mention.id)
        .where(Mention.event_id.in_(event_ids), Mention.role.in_(_CHILDREN))
        .where((MentionLink.person_id.is_(None)) | (MentionLink.person_id.not_in(persons)))
    ).all()
    return {r.event_id for r in rows}
