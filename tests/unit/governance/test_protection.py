"""Protected identities: marked with a reason, audited, validated; never in a partner's view."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.core.errors import NotFound, NotPermitted, ValidationFailed
from joinedup.governance import protection
from joinedup.sharing.partners import PartnerFlag
from joinedup.testing import FrozenClock
from tests.unit.casework.support import DSL, MASH
from tests.unit.governance.support import Family, family


@pytest.fixture
def known(session: Session, feed_actor: Actor, clock: FrozenClock, settings: Settings) -> Family:
    return family(session, feed_actor, clock, settings)


def test_a_protection_is_recorded_with_its_reason_and_audited(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    now = clock.now()
    protection.protect_referrer(session=session, actor=MASH, contact_id=known.neighbour_contact,
                                reason="Neighbour fears reprisal.", now=now)  # fmt: skip
    protection.protect_informant(session=session, actor=MASH, event_id=known.incident_event,
                                 subject_ref="a1", reason="Victim's safety.", now=now)  # fmt: skip
    both = [known.neighbour_contact, known.school_contact]
    assert protection.protected_referrers(session, both) == {known.neighbour_contact}
    assert protection.protected_informants(session, [known.incident_event]) == {
        (known.incident_event, "a1")
    }
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "identities:protect").order_by(AuditEntry.id)
    ).all()
    assert [(e.resource_type, e.resource_ids) for e in entries] == [
        ("contact", [known.neighbour_contact]),
        ("record_version", [known.incident_event]),
    ]
    assert all("Neighbour" not in str(e.detail) for e in entries)  # no free text in the log


def test_bad_marks_are_refused_naming_the_field(
    session: Session, clock: FrozenClock, known: Family
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        protection.protect_referrer(session=session, actor=MASH, contact_id=known.school_contact,
                                    reason="  ", now=clock.now())  # fmt: skip
    assert [e.field for e in caught.value.errors] == ["reason"]
    with pytest.raises(ValidationFailed) as caught:
        protection.protect_informant(session=session, actor=MASH, event_id=known.incident_event,
                                     subject_ref="z9", reason="Why.", now=clock.now())  # fmt: skip
    assert [e.field for e in caught.value.errors] == ["subject_ref"]
    with pytest.raises(NotFound):
        protection.protect_referrer(session=session, actor=MASH, contact_id=999_999,
                                    reason="Why.", now=clock.now())  # fmt: skip
    with pytest.raises(NotPermitted):
        protection.protect_referrer(session=session, actor=DSL, contact_id=known.school_contact,
                                    reason="Why.", now=clock.now())  # fmt: skip


def test_a_partner_look_up_carries_nothing_of_a_referrer() -> None:
    """The partner's flag (sharing.partners) has no field that could hold a referrer or a
    record's content: a protected identity cannot reach a partner through it."""
    fields = {f.name for f in dataclasses.fields(PartnerFlag)}
    assert fields == {"known", "status", "lead_worker", "team", "contact_route", "relationship"}
