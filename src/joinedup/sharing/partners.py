"""The partner look-up (as NHS CP-IS, for every partner agency): a flag, never the record.

A partner practitioner with a legitimate relationship to a child — the child's school (their
organisation code is the child's latest school URN), their GP practice (the latest GP practice
code), or a current episode they declare with a reason — sees whether the child is known to
children's social care, under which status, and who the lead worker and team are with a
contact route. Nothing else: no case notes, no chronology. Without a relationship they see
nothing, and the refusal is audited like every look-up. A look-up of a child on a child
protection plan or looked after tells the lead worker (an outbox notification).

The caller (flows/notify.py) gathers the child's facts: sharing does not read casework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from joinedup.access import audit
from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.core.errors import NotPermitted
from joinedup.sharing.inbox import organisation_code, to_staff
from joinedup.sharing.outbox import INBOX, Delivery, Message, notify

SCHOOL_ROLL, GP_REGISTRATION, DECLARED_EPISODE = "school_roll", "gp_registration", "declared"
STATUS_LABELS = {
    "child_protection": "Child protection plan",
    "looked_after": "Looked after",
    "child_in_need": "Child in need",
}
NOTIFY_LEAD = ("child_protection", "looked_after")
REASON_LIMIT = 500


@dataclass(frozen=True)
class ChildFacts:
    """What the look-up decides on: the child's persons, latest school and GP, open case."""

    person_ids: Sequence[int]
    school_urn: str | None
    gp_practice_code: str | None
    stage: str | None  # the open case's stage, or None
    case_id: int | None
    lead_user_id: int | None
    lead_label: str | None
    team: str | None


@dataclass(frozen=True)
class PartnerFlag:
    """All a partner sees."""

    known: bool
    status: str | None  # child_protection | looked_after | child_in_need | None
    lead_worker: str | None
    team: str | None
    contact_route: str | None
    relationship: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status or "", "")


def relationship_of(
    org_code: str | None, facts: ChildFacts | None, declared_reason: str
) -> str | None:
    """The partner's legitimate relationship to the child, or None."""
    if facts is not None and org_code:
        if facts.school_urn == org_code:
            return SCHOOL_ROLL
        if facts.gp_practice_code == org_code:
            return GP_REGISTRATION
    return DECLARED_EPISODE if declared_reason.strip() else None


def look_up(
    *,
    session: Session,
    actor: Actor,
    facts: ChildFacts | None,
    declared_reason: str,
    contact_route: str,
    now: datetime,
) -> PartnerFlag:
    """The flag for a child (`facts` None when no child matched); NotPermitted, audited, when
    the partner has no relationship (the same answer whether or not the child exists)."""
    authorise(session=session, actor=actor, action=Action.CHILDREN_LOOKUP, resource_type="person")
    if facts is not None and hidden_from(session, actor, list(facts.person_ids)):
        facts = None  # a restricted child is, to those it does not name, not known (ADR 0012)
    reason = declared_reason.strip()[:REASON_LIMIT]
    relationship = relationship_of(organisation_code(session, actor), facts, reason)
    persons = list(facts.person_ids) if facts else []
    if relationship is None:
        audit.remember_refusal(session, audit.entry_row(
            actor=actor, action=Action.CHILDREN_LOOKUP.value, outcome="refused",
            resource_type="person", resource_ids=persons, reason=None,
            detail={"relationship": "none"}, now=now))  # fmt: skip
        raise NotPermitted("no legitimate relationship with this child")
    flag = _flag(facts, relationship, contact_route)
    require(
        session=session,
        actor=actor,
        action=Action.CHILDREN_LOOKUP,
        resource_type="person",
        resource_ids=persons,
        reason=reason if relationship == DECLARED_EPISODE else None,
        detail={"relationship": relationship, "known": flag.known, "status": flag.status},
        now=now,
    )
    if facts is not None and facts.stage in NOTIFY_LEAD:
        _tell_lead_worker(session, actor, facts, relationship, now)
    return flag


def _flag(facts: ChildFacts | None, relationship: str, contact_route: str) -> PartnerFlag:
    if facts is None or facts.stage is None:
        return PartnerFlag(False, None, None, None, None, relationship)
    return PartnerFlag(True, facts.stage, facts.lead_label, facts.team, contact_route, relationship)


def _tell_lead_worker(
    session: Session, actor: Actor, facts: ChildFacts, relationship: str, now: datetime
) -> None:
    deliveries = (
        to_staff(session, facts.lead_user_id)
        if facts.lead_user_id is not None
        else [Delivery(INBOX, f"team:{facts.team}")]
    )
    notify(
        session=session,
        actor=actor,
        message=Message(
            key=f"lookup:{facts.case_id}:{actor.label}:{now.date().isoformat()}",
            kind="partner_lookup",
            subject="A partner looked up a child on your caseload",
            body=(
                f"{actor.label} ({actor.role.value}) looked up the child of case "
                f"{facts.case_id} on {now.date().isoformat()} ({relationship})."
            ),
            person_ids=list(facts.person_ids),
            recipient_label=facts.lead_label or facts.team or "lead worker",
            purpose="Telling the lead worker that a partner looked up a child on a plan or "
            "looked after (partner look-up)",
        ),
        deliveries=deliveries,
        now=now,
    )
