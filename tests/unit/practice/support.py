"""People and helpers for practice tests, over casework's desk (one child known to the store)."""

from __future__ import annotations

from typing import Any

from joinedup.access.roles import Actor, Role
from joinedup.casework import contacts
from joinedup.casework.views import ContactView, Referrer
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Filters
from joinedup.practice import escalations
from joinedup.practice.views import EscalationView, Raiser
from tests.unit.casework.support import AUTHORITY, MANAGER, WORKER, Desk

MIDWIFE = Actor(role=Role.PARTNER_PRACTITIONER, label="midwife.one", user_id=21)
OTHER_PARTNER = Actor(role=Role.PARTNER_PRACTITIONER, label="gp.one", user_id=22)
HEAD = Actor(role=Role.SENIOR_LEADER, label="head.one", user_id=23)
SW_RAISER = Actor(role=Role.SOCIAL_WORKER, label="worker.two", user_id=24)
PERFORMANCE = Actor(role=Role.PERFORMANCE_OFFICER, label="perf.one", user_id=25)
HEALTH = Raiser("Mo Testmidwife", "Testshire Maternity Unit", "health")
MIDWIFE_REFERRER = Referrer("Mo Testmidwife", "Testshire Maternity Unit", "health", "mw@nhs.test")


def closed_contact(desk: Desk, decision: str = "no_further_action") -> ContactView:
    """A midwife's contact, decided and signed off as `decision`."""
    c = contacts.raise_contact(
        session=desk.session, actor=MIDWIFE, authority=AUTHORITY, person_id=desk.person_id,
        source_kind="partner", referral_source="3F", referrer=MIDWIFE_REFERRER,
        summary="Mother anxious and withdrawn at booking; partner answers for her.",
        received_at=desk.clock.now(), now=desk.clock.now(),
    )  # fmt: skip
    c = desk.triage(c, "green")
    c = desk.decide(c, decision, "Below threshold: universal services.")
    return desk.sign_off(c)


def raised(desk: Desk, contact_id: int, actor: Actor = MIDWIFE, **changes: Any) -> EscalationView:
    fields: dict[str, Any] = {
        "subject": "contact_decision",
        "reference": f"FD-{contact_id:06d}",
        "raiser": HEALTH,
        "reasons": "Mother disclosed domestic abuse at booking; baby due in four weeks.",
    }
    fields.update(changes)
    return escalations.raise_escalation(
        session=desk.session, actor=actor, authority=AUTHORITY, now=desk.clock.now(), **fields
    )


def resolve(
    desk: Desk, e: EscalationView, outcome: str = "upheld", actor: Actor = MANAGER
) -> EscalationView:
    return escalations.resolve(session=desk.session, actor=actor, authority=AUTHORITY,
                               escalation_id=e.id, outcome=outcome,
                               reasons="The history shows risk to an unborn baby.",
                               expected_version=e.version, now=desk.clock.now())  # fmt: skip


def chronology_text(desk: Desk) -> list[str]:
    page = chronology.get_chronology(session=desk.session, actor=WORKER, person_id=desk.person_id,
                                     filters=Filters(), now=desk.clock.now(),
                                     per_page=None)  # fmt: skip
    return [e.summary for e in page.entries]
