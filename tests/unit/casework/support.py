"""A child known to the store, and the people who work their case, for casework tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor, Role
from joinedup.casework import contacts, service
from joinedup.casework.chronicle import Authority
from joinedup.casework.views import CaseView, ContactView, Referrer
from joinedup.config import Settings
from joinedup.testing import FrozenClock
from tests.unit.people.support import Store, child, nhs, rec

AUTHORITY = Authority("Testshire Council Children's Services", "999")
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=11)
MANAGER = Actor(role=Role.TEAM_MANAGER, label="manager.one", user_id=12)
WORKER = Actor(role=Role.SOCIAL_WORKER, label="worker.one", user_id=13)
CHAIR = Actor(role=Role.REVIEWING_OFFICER, label="iro.one", user_id=14)
DSL = Actor(role=Role.PARTNER_PRACTITIONER, label="dsl.one", user_id=15)
SCHOOL = Referrer("Dana Testdsl", "Testshire Primary School", "education", "dsl@school.test")
ATTENDEES = [
    {"agency": "childrens_social_care", "name": "W One", "role": "social worker"},
    {"agency": "police", "name": "P One", "role": "detective constable"},
    {"agency": "health", "name": "H One", "role": "named nurse"},
]
ASSESSED = {
    "child_seen": True,
    "seen_alone": True,
    "child_views": "Said they feel safe at school.",
    "analysis": "Neglect of basic care; parents engage.",
    "factors": ["16A"],
    "primary_need": "N1",
}


@dataclass
class Desk:
    """One child, and services called as the people who would call them."""

    session: Session
    clock: FrozenClock
    person_id: int

    def today(self) -> date:
        return service.clocks.london_day(self.clock.now())

    def contact(self, **changes: Any) -> ContactView:
        fields: dict[str, Any] = {
            "person_id": self.person_id,
            "source_kind": "partner",
            "referral_source": "2A",
            "referrer": SCHOOL,
            "summary": "Child arrived hungry three days running.",
            "received_at": self.clock.now(),
        }
        fields.update(changes)
        return contacts.raise_contact(
            session=self.session, actor=DSL, authority=AUTHORITY, now=self.clock.now(), **fields
        )

    def referred(self, decision: str = "referral", urgency: str = "amber") -> CaseView:
        """A contact decided and signed off: the case it opened."""
        c = self.triage(self.contact(), urgency)
        c = self.decide(c, decision, "Needs assessment.")
        c = self.sign_off(c)
        assert c.case_id is not None
        return self.case(c.case_id)

    def triage(self, c: ContactView, urgency: str) -> ContactView:
        return contacts.triage(session=self.session, actor=MASH, contact_id=c.id,
                               urgency=urgency, expected_version=c.version,
                               now=self.clock.now())  # fmt: skip

    def decide(
        self, c: ContactView, decision: str, rationale: str, late_reason: str = ""
    ) -> ContactView:
        return contacts.decide(session=self.session, actor=MASH, contact_id=c.id,
                               decision=decision, rationale=rationale, late_reason=late_reason,
                               expected_version=c.version, now=self.clock.now())  # fmt: skip

    def sign_off(self, c: ContactView, actor: Actor = MANAGER) -> ContactView:
        return contacts.sign_off(session=self.session, actor=actor, authority=AUTHORITY,
                                 contact_id=c.id, approve=True, expected_version=c.version,
                                 now=self.clock.now())  # fmt: skip

    def case(self, case_id: int) -> CaseView:
        return service.get_case(
            session=self.session, actor=WORKER, case_id=case_id, now=self.clock.now()
        )

    def act(
        self,
        case: CaseView,
        action: str,
        outcome: str = "",
        fields: dict[str, Any] | None = None,
        *,
        actor: Actor = WORKER,
        on: date | None = None,
        late_reason: str = "",
    ) -> CaseView:
        return service.act(
            session=self.session,
            actor=actor,
            authority=AUTHORITY,
            case_id=case.id,
            action=action,
            outcome=outcome,
            on=on or self.today(),
            fields=fields or {},
            expected_version=case.version,
            late_reason=late_reason,
            now=self.clock.now(),
        )

    def days(self, n: int) -> None:
        self.clock.advance(timedelta(days=n))


@pytest.fixture
def desk(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> Desk:
    store = Store(session, feed_actor, clock, settings)
    first = rec(
        child(nhs_number=nhs(4200)), record_id="school:1", occurred_at="2026-11-02T10:00:00+00:00"
    )
    store.submit(first)
    return Desk(session, clock, store.person("school:1"))
