"""The subject access export: everything held about a person, with third parties and protected
identities withheld (governance.redaction), as structured JSON, a readable HTML page and a
manifest of counts. Recorded in the sharing register as a disclosure to the data subject, and
so audited as an export, in the caller's transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.reports import entries_about
from joinedup.access.roles import Actor
from joinedup.access.service import authorise
from joinedup.casework.models import Case, CaseStep, Contact, InformationRequest
from joinedup.chronology.models import ChronologyMark
from joinedup.governance import protection, subjects
from joinedup.governance.redaction import PROTECTED, REASONS, THIRD_PARTY, Redactor, own_words
from joinedup.intake.models import Event, Mention, Organisation, RecordVersion
from joinedup.people.models import Household, HouseholdMember, MentionLink, Relationship
from joinedup.rules.models import Prompt
from joinedup.sharing.models import Disclosure, NonDisclosure, Notification
from joinedup.sharing.service import record_disclosure

FORMAT = "joinedup-subject-access/1"
_IDENTITY_FIELDS = ("given_names", "family_name", "other_names", "date_of_birth", "sex",
                    "nhs_number", "upn", "local_ids")  # fmt: skip


@dataclass(frozen=True)
class SubjectAccessExport:
    person_id: int
    document: dict[str, Any]  # the structured export
    manifest: dict[str, Any]  # counts per section and what was withheld, never the text
    json_bytes: bytes
    disclosure_id: int


def export(
    *,
    session: Session,
    actor: Actor,
    person_id: int,
    requester_person_id: int | None = None,
    recipient: str = "The data subject",
    now: datetime,
) -> SubjectAccessExport:
    authorise(session=session, actor=actor, action=Action.GOVERNANCE_SUBJECT_ACCESS,
              resource_type="person")  # fmt: skip
    refs = subjects.resolve(session, person_id)
    requester = subjects.person_ids(session, requester_person_id) if requester_person_id else []
    disclosed = set(refs.person_ids) | set(requester)
    mentions = _mentions(session, refs.event_ids)
    own = [m for m in mentions if m["person_id"] in disclosed]
    redactor = Redactor(own_words(n for m in own for n in (m["given_names"], m["family_name"])))
    protected_events = protection.protected_informants(session, refs.event_ids)
    protected_contacts = protection.protected_referrers(session, refs.contact_ids)
    # Names are collected before any free text is written, so every section withholds them all.
    records = _records(session, refs.event_ids, mentions, disclosed, protected_events, redactor)
    contacts = _contacts(session, refs.contact_ids, protected_contacts, redactor)
    sections: dict[str, list[dict[str, Any]]] = {
        "identities": _identities(own),
        "addresses": _addresses(session, own, refs.person_ids),
        "relationships": _relationships(session, refs.person_ids, redactor),
        "records": [_free_text(r, redactor, "summary") for r in records],
        "chronology": _chronology(session, refs.person_ids, records, redactor),
        "contacts": [_free_text(c, redactor, "summary", "rationale", "outcome_message")
                     for c in contacts],
        "information_requests": _requests(session, refs.request_ids, redactor),
        "cases": _cases(session, refs.case_ids, redactor),
        "prompts": _prompts(session, refs.prompt_ids, redactor),
        "sharing": _sharing(session, refs.person_ids, redactor),
        "access_log": _access(session, actor, refs, now),
    }  # fmt: skip
    counts = {name: len(rows) for name, rows in sections.items()}
    withheld = {reason: redactor.counts.get(reason, 0) for reason in REASONS}
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "person_id": person_id,
        "merged_person_ids": refs.person_ids[1:],
        "requester_person_id": requester_person_id,
        "produced_at": now.isoformat(),
        "produced_by": actor.label,
        "sections": counts,
        "withheld": withheld,
        "withheld_because": REASONS,
        "review": "Free text may name people no rule can find: review before release.",
    }
    document = {"manifest": manifest, **sections}
    body = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    total = sum(counts.values())
    disclosure = record_disclosure(
        session=session, actor=actor, action=Action.GOVERNANCE_SUBJECT_ACCESS,
        person_ids=refs.person_ids, what="subject_access_export", entry_count=total,
        details={"sections": counts, "withheld": withheld},
        sha256=hashlib.sha256(body).hexdigest(), recipient=recipient,
        purpose="Subject access request: UK GDPR Article 15 right of access",
        lawful_basis="legal_obligation", now=now,
    )  # fmt: skip
    manifest["disclosure_id"] = disclosure
    return SubjectAccessExport(person_id, document, manifest, body, disclosure)


def _mentions(session: Session, event_ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Mention, MentionLink.person_id)
        .outerjoin(MentionLink, MentionLink.mention_id == Mention.id)
        .where(Mention.event_id.in_(event_ids))
        .order_by(Mention.event_id, Mention.id)
    ).all()
    return [
        {**{f: getattr(m, f) for f in (*_IDENTITY_FIELDS, "ref", "role", "relationship",
                                       "address_lines", "town", "postcode", "event_id")},
         "person_id": person_id}
        for m, person_id in rows
    ]  # fmt: skip


def _identities(own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[bytes, dict[str, Any]] = {}
    for mention in own:
        identity = {f: mention[f] for f in _IDENTITY_FIELDS}
        seen.setdefault(orjson.dumps(identity, option=orjson.OPT_SORT_KEYS), identity)
    return list(seen.values())


def _addresses(
    session: Session, own: list[dict[str, Any]], person_ids: list[int]
) -> list[dict[str, Any]]:
    found: dict[bytes, dict[str, Any]] = {}
    for m in own:
        if m["address_lines"] or m["postcode"]:
            address = {"lines": m["address_lines"], "town": m["town"], "postcode": m["postcode"],
                       "as_recorded_by": "records"}  # fmt: skip
            found.setdefault(orjson.dumps(address), address)
    households = session.execute(
        select(Household.postcode, HouseholdMember.from_date, HouseholdMember.to_date)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(HouseholdMember.person_id.in_(person_ids))
        .order_by(HouseholdMember.from_date, HouseholdMember.id)
    ).all()
    lived = [{"postcode": h.postcode, "from": h.from_date.isoformat(),
              "to": h.to_date.isoformat(), "as_recorded_by": "household"}
             for h in households]  # fmt: skip
    return [*found.values(), *lived]


def _relationships(
    session: Session, person_ids: list[int], redactor: Redactor
) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Relationship).where(Relationship.person_id.in_(person_ids)).order_by(Relationship.id)
    )
    return [{"kind": r.kind, "from": r.from_date.isoformat(), "to": r.to_date.isoformat(),
             "other_person": redactor.withhold(THIRD_PARTY)} for r in rows]  # fmt: skip


def _records(
    session: Session,
    event_ids: list[int],
    mentions: list[dict[str, Any]],
    disclosed: set[int],
    protected: set[tuple[int, str | None]],
    redactor: Redactor,
) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Event, RecordVersion.payload, Organisation.name)
        .join(RecordVersion, RecordVersion.id == Event.id)
        .join(Organisation, Organisation.id == Event.organisation_id)
        .where(Event.id.in_(event_ids))
        .order_by(Event.occurred_at, Event.id)
    ).all()
    linked = {(m["event_id"], m["ref"]): m["person_id"] for m in mentions}
    result = []
    for event, payload, organisation in rows:
        sent = orjson.loads(payload)
        people = []
        for subject in sent.get("subjects", []):
            ref = subject.get("ref")
            if (event.id, ref) in protected:
                people.append({"ref": ref, **redactor.withhold(PROTECTED, *_names(subject))})
            elif linked.get((event.id, ref)) in disclosed:
                people.append(subject)
            else:
                kept = {k: subject.get(k) for k in ("ref", "role", "relationship")}
                people.append({**kept, **redactor.withhold(THIRD_PARTY, *_names(subject))})
        author = sent.get("author")
        if author and (event.id, None) in protected:
            author = redactor.withhold(PROTECTED, author.get("name"))
        elif author and event.agency == "public":
            author = redactor.withhold(THIRD_PARTY, author.get("name"))
        result.append({
            "record_id": sent.get("record_id"), "organisation": organisation,
            "agency": event.agency, "type": event.type, "event_id": event.id,
            "occurred_at": event.occurred_at.isoformat(), "author": author,
            "summary": sent.get("summary"), "attributes": sent.get("attributes", {}),
            "sensitivity": event.sensitivity, "superseded": event.superseded, "subjects": people,
        })  # fmt: skip
    return result


def _names(subject: dict[str, Any]) -> list[str | None]:
    given, family = subject.get("given_names"), subject.get("family_name")
    full = " ".join(n for n in (given, family) if n)
    return [full, given, family, *subject.get("other_names", [])]


def _contacts(
    session: Session, contact_ids: list[int], protected: set[int], redactor: Redactor
) -> list[dict[str, Any]]:
    result = []
    for c in session.scalars(
        select(Contact).where(Contact.id.in_(contact_ids)).order_by(Contact.id)
    ):
        if c.id in protected:
            referrer = redactor.withhold(
                PROTECTED, c.referrer_name, c.referrer_contact, c.referrer_organisation
            )
        elif c.source_kind == "public":
            referrer = redactor.withhold(THIRD_PARTY, c.referrer_name, c.referrer_contact)
        else:
            referrer = {"name": c.referrer_name, "organisation": c.referrer_organisation,
                        "agency": c.referrer_agency}  # fmt: skip
        result.append({
            "id": c.id, "received_at": c.received_at.isoformat(), "source_kind": c.source_kind,
            "referral_source": c.referral_source, "referrer": referrer, "summary": c.summary,
            "status": c.status, "decision": c.decision, "rationale": c.rationale,
            "decided_by": c.decided_by, "outcome_message": c.outcome_message,
        })  # fmt: skip
    return result


def _free_text(row: dict[str, Any], redactor: Redactor, *fields: str) -> dict[str, Any]:
    return {**row, **{f: redactor.text(row.get(f)) for f in fields}}


def _chronology(
    session: Session, person_ids: list[int], records: list[dict[str, Any]], redactor: Redactor
) -> list[dict[str, Any]]:
    marks = session.scalars(
        select(ChronologyMark).where(ChronologyMark.person_id.in_(person_ids))
        .order_by(ChronologyMark.at, ChronologyMark.id)
    )  # fmt: skip
    significant: dict[int, dict[str, Any]] = {}
    for mark in marks:
        significant[mark.event_id] = {"action": mark.action, "note": redactor.text(mark.note),
                                      "by": mark.by, "at": mark.at.isoformat()}  # fmt: skip
    return [{"occurred_at": r["occurred_at"], "agency": r["agency"], "type": r["type"],
             "event_id": r["event_id"], "marked": significant.get(r["event_id"])}
            for r in records]  # fmt: skip


def _requests(session: Session, ids: list[int], redactor: Redactor) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(InformationRequest)
        .where(InformationRequest.id.in_(ids))
        .order_by(InformationRequest.id)
    )
    return [{"id": r.id, "contact_id": r.contact_id, "agency": r.agency,
             "organisation": r.organisation, "question": redactor.text(r.question),
             "requested_at": r.requested_at.isoformat(), "status": r.status,
             "reply": redactor.text(r.reply)} for r in rows]  # fmt: skip


def _cases(session: Session, ids: list[int], redactor: Redactor) -> list[dict[str, Any]]:
    steps: dict[int, list[dict[str, Any]]] = {}
    for s in session.scalars(
        select(CaseStep).where(CaseStep.case_id.in_(ids)).order_by(CaseStep.id)
    ):
        steps.setdefault(s.case_id, []).append({
            "kind": s.kind, "status": s.status, "started_on": s.started_on.isoformat(),
            "completed_on": s.completed_on.isoformat() if s.completed_on else None,
            "outcome": s.outcome, "late_reason": redactor.text(s.late_reason),
            "details": _text_in(s.details, redactor),
        })  # fmt: skip
    cases = session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id))
    return [{"id": c.id, "stage": c.stage, "referral_on": c.referral_on.isoformat(),
             "closed_on": c.closed_on.isoformat() if c.closed_on else None,
             "closure_reason": c.closure_reason, "team": c.team,
             "allocated_worker": c.allocated_label, "steps": steps.get(c.id, [])}
            for c in cases]  # fmt: skip


def _text_in(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, dict):
        return {k: _text_in(v, redactor) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_in(v, redactor) for v in value]
    return value


def _prompts(session: Session, ids: list[int], redactor: Redactor) -> list[dict[str, Any]]:
    rows = session.scalars(select(Prompt).where(Prompt.id.in_(ids)).order_by(Prompt.id))
    return [{"id": p.id, "rule": p.rule_id, "raised_on": p.as_of.isoformat(),
             "explanation": redactor.text(p.explanation), "status": p.status,
             "outcome": p.outcome, "rationale": redactor.text(p.rationale),
             "decided_by": p.decided_by} for p in rows]  # fmt: skip


def _sharing(session: Session, person_ids: list[int], redactor: Redactor) -> list[dict[str, Any]]:
    wanted = set(person_ids)
    result: list[dict[str, Any]] = []
    for d in session.scalars(select(Disclosure).order_by(Disclosure.disclosed_at, Disclosure.id)):
        if wanted & set(d.person_ids):
            result.append({"kind": "disclosure", "at": d.disclosed_at.isoformat(), "what": d.what,
                           "to": d.recipient, "purpose": redactor.text(d.purpose),
                           "lawful_basis": d.lawful_basis, "by": d.by_label})  # fmt: skip
    for n in session.scalars(
        select(NonDisclosure).order_by(NonDisclosure.decided_at, NonDisclosure.id)
    ):
        if wanted & set(n.person_ids):
            result.append({"kind": "decision_not_to_share", "at": n.decided_at.isoformat(),
                           "what": n.what, "requested_by": n.requester, "ground": n.ground,
                           "reason": redactor.text(n.reason), "by": n.by_label})  # fmt: skip
    for m in session.scalars(
        select(Notification).order_by(Notification.created_at, Notification.id)
    ):
        if wanted & set(m.person_ids):
            result.append({"kind": "notification", "at": m.created_at.isoformat(),
                           "what": m.kind, "to": m.recipient, "status": m.status})  # fmt: skip
    return result


def _access(
    session: Session, actor: Actor, refs: subjects.SubjectRefs, now: datetime
) -> list[dict[str, Any]]:
    rows = entries_about(session=session, actor=actor, refs=refs.audit_refs(),
                         subject=refs.person_ids[0], now=now)  # fmt: skip
    return [{"at": r.occurred_at.isoformat(), "who": r.actor_label, "role": r.actor_role,
             "action": r.action, "outcome": r.outcome} for r in rows]  # fmt: skip
