"""A concern is always recorded, whatever advice is given about referring it; advice not to
refer can be challenged, and an upheld challenge brings the concern to the front door."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from joinedup.casework.models import Contact
from joinedup.core.errors import NotPermitted, ValidationFailed
from joinedup.practice import consultations
from tests.unit.casework.support import AUTHORITY, DSL, MASH, Desk, desk
from tests.unit.practice.support import MIDWIFE, MIDWIFE_REFERRER, chronology_text, raised, resolve

__all__ = ["desk"]  # the fixture

CONCERN = "Baby's father has a conviction for violence and has moved in."


def consulted(desk: Desk, advice: str, actor=MASH):  # type: ignore[no-untyped-def]
    return consultations.record_consultation(
        session=desk.session, actor=actor, authority=AUTHORITY, person_id=desk.person_id,
        caller=MIDWIFE_REFERRER, concern=CONCERN, advice=advice,
        advice_reasons="Known to health visiting; no current risk described.",
        referral_source="3F", now=desk.clock.now(),
    )  # fmt: skip


def test_advice_not_to_refer_still_records_the_concern_on_the_chronology(desk: Desk) -> None:
    done = consulted(desk, "no_referral")
    assert done.contact_id is None and done.reference == f"CN-{done.id:06d}"
    text = chronology_text(desk)
    assert any(CONCERN in s and "consultation" in s for s in text)
    assert any("Front door advice" in s and "No referral" in s for s in text)
    assert desk.session.scalar(select(Contact.id)) is None


def test_advice_to_refer_raises_the_contact_there_and_then(desk: Desk) -> None:
    done = consulted(desk, "refer")
    contact = desk.session.get(Contact, done.contact_id)
    assert contact is not None and contact.status == "received" and CONCERN in contact.summary


def test_a_challenge_to_advice_not_to_refer_brings_the_concern_to_the_front_door(
    desk: Desk,
) -> None:
    done = consulted(desk, "no_referral")
    with pytest.raises(ValidationFailed):  # advice to refer is not a decision to challenge
        raised(desk, consulted(desk, "refer").id, subject="not_to_refer")
    e = raised(desk, done.id, subject="not_to_refer", reference=done.reference)
    upheld = resolve(desk, e, "upheld")
    contact = desk.session.get(Contact, upheld.new_contact_id)
    assert contact is not None and contact.referral_source == "3D"  # health, from the raiser
    assert "upheld" in contact.summary and e.reasons in contact.summary


def test_only_the_front_door_records_consultations_and_everything_is_named(desk: Desk) -> None:
    for partner in (DSL, MIDWIFE):
        with pytest.raises(NotPermitted):
            consulted(desk, "no_referral", actor=partner)
    with pytest.raises(ValidationFailed) as refused:
        consultations.record_consultation(
            session=desk.session, actor=MASH, authority=AUTHORITY, person_id=desk.person_id,
            caller=MIDWIFE_REFERRER, concern=" ", advice="perhaps", advice_reasons="",
            referral_source="3F", now=desk.clock.now(),
        )  # fmt: skip
    assert {e.field for e in refused.value.errors} == {"concern", "advice", "advice_reasons"}
