"""The repeat-contact guard: earlier contacts and cases for the child and their household here,
and other authorities' statutory steps, every read audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from joinedup.access.models import AuditEntry
from joinedup.casework.history import contact_history
from joinedup.config import Settings
from joinedup.core.errors import NotPermitted
from tests.unit.casework.support import AUTHORITY, DSL, MASH, Desk, desk
from tests.unit.people.support import Store, adult, child, nhs, rec

__all__ = ["desk"]  # the fixture

OTHERSHIRE = {"agency": "childrens_social_care", "organisation": "Othershire Council"}


def history(d: Desk, exclude: int | None = None):  # type: ignore[no-untyped-def]
    return contact_history(
        session=d.session,
        actor=MASH,
        authority=AUTHORITY,
        person_id=d.person_id,
        now=d.clock.now(),
        exclude_contact=exclude,
    )


def test_a_new_child_has_no_history(desk: Desk) -> None:
    found = history(desk)
    assert (found.contacts, found.cases, found.elsewhere) == ([], [], [])


def test_earlier_contacts_and_cases_here_are_shown_newest_first(desk: Desk) -> None:
    case = desk.referred()
    desk.days(1)
    latest = desk.contact(summary="Bruise on the arm.", received_at=desk.clock.now())
    found = history(desk, exclude=latest.id)
    assert [c.decision for c in found.contacts] == ["referral"]
    assert [c.id for c in found.cases] == [case.id]
    everything = history(desk)
    assert everything.contacts[0].id == latest.id


def test_another_authoritys_statutory_steps_are_shown_and_ours_are_not(
    desk: Desk, settings: Settings
) -> None:
    Store(desk.session, MASH, desk.clock, settings).submit(
        rec(
            child(nhs_number=nhs(4200)),
            source=OTHERSHIRE,
            type="cp_plan_start",
            attributes={"category_of_abuse": "NEG"},
            summary="Child protection plan under neglect.",
            occurred_at="2025-05",
            date_precision="month",
            record_id="oth:1",
        )
    )
    desk.referred()  # our own contact outcome is statutory too, but it is ours
    found = history(desk)
    assert [(e.organisation, e.type) for e in found.elsewhere] == [
        ("Othershire Council", "cp_plan_start")
    ]


def test_a_household_members_contact_is_shown(desk: Desk, settings: Settings) -> None:
    family = rec(
        child(nhs_number=nhs(4200)),
        child(ref="c2", given_names="Bella", date_of_birth="2014-09-01", sex="F",
              nhs_number=nhs(4300)),
        adult(),
        record_id="school:2",
    )  # fmt: skip
    store = Store(desk.session, MASH, desk.clock, settings)
    store.submit(family)
    bella = store.person("school:2", "c2")
    assert bella != desk.person_id
    theirs = Desk(desk.session, desk.clock, bella).contact(summary="Sister seen hungry.")
    found = history(desk)
    assert theirs.id in [c.id for c in found.contacts]


def test_the_guard_is_audited_and_refused_to_a_partner(desk: Desk) -> None:
    desk.referred()
    history(desk)
    reads = desk.session.scalars(
        select(AuditEntry.detail).where(AuditEntry.action == "contacts:read")
    ).all()
    assert any(d.get("list") == "history" for d in reads)
    with pytest.raises(NotPermitted):
        contact_history(
            session=desk.session,
            actor=DSL,
            authority=AUTHORITY,
            person_id=desk.person_id,
            now=desk.clock.now(),
        )
