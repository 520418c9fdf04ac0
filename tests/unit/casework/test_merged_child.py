"""A child whose two records were one child all along: when identity review merges the persons,
the case opened on either is the child's case, read through the survivor; undoing the merge
gives it back to the person it was opened on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from joinedup.access.roles import Actor, Role
from joinedup.casework import service
from joinedup.casework.history import contact_history
from joinedup.core.errors import ValidationFailed
from joinedup.flows import notify
from joinedup.people import service as people_service
from joinedup.rules import service as rules
from tests.unit.casework.support import AUTHORITY, MASH, WORKER, Desk
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

REVIEWER = Actor(role=Role.TEAM_MANAGER, label="manager.one", user_id=12)


def two_persons(people: Store) -> tuple[int, int]:
    """The same boy as two persons: each record's NHS number is his, one mistyped into another
    valid number, so nothing links them until a person does."""
    known = rec(child(nhs_number=nhs(4100)), record_id="a:1")
    other = rec(child(nhs_number=nhs(4200), given_names="Alex", date_of_birth="2016-07-04"),
                record_id="b:1")  # fmt: skip
    people.submit(known, other)
    first, second = people.person("a:1"), people.person("b:1")
    assert first != second
    return first, second


def test_a_case_opened_on_a_merged_person_is_the_survivors(people: Store) -> None:
    survivor, merged = two_persons(people)
    case = Desk(people.session, people.clock, merged).referred()
    now = people.clock.now()
    done = people_service.merge_persons(session=people.session, actor=REVIEWER, from_id=merged,
                                        into_id=survivor, reason="Same boy.", now=now)  # fmt: skip
    assert service.open_case_of(people.session, survivor) == case.id
    assert service.allocations(people.session, [survivor])[survivor].case_id == case.id
    opened = notify.open_case(people.session, survivor)  # a partner's news reaches his worker
    assert opened is not None and opened.id == case.id
    cases = service.cases_of(session=people.session, actor=WORKER, person_ids=[survivor], now=now)
    assert [c.id for c in cases] == [case.id]
    periods = service.case_periods(people.session, [survivor])
    assert [p.referral_on for p in periods[survivor]] == [case.referral_on]
    # the repeat-contact guard shows the front door the contact that opened it
    earlier = contact_history(session=people.session, actor=MASH, authority=AUTHORITY,
                              person_id=survivor, now=now)  # fmt: skip
    assert [c.case_id for c in earlier.contacts] == [case.id]
    # the front door cannot open a second case for him: his case is open
    desk = Desk(people.session, people.clock, survivor)
    with pytest.raises(ValidationFailed) as refused:
        desk.referred()
    assert "open already" in refused.value.errors[0].message
    people.clock.advance(timedelta(hours=1))
    people_service.unmerge(session=people.session, actor=REVIEWER, merge_id=done.id,
                           reason="Not the same boy.", now=people.clock.now())  # fmt: skip
    assert service.open_case_of(people.session, survivor) is None
    assert service.open_case_of(people.session, merged) == case.id


def test_a_prompt_raised_about_a_merged_person_is_on_the_survivors_list(people: Store) -> None:
    survivor, merged = two_persons(people)
    alex = child(nhs_number=nhs(4200), given_names="Alex", date_of_birth="2016-07-04")
    police = {"agency": "police", "organisation": "Testshire Police"}
    school = {"agency": "education", "organisation": "Sample Primary School"}
    people.submit(
        rec(alex, source=school, attributes={"category": "emotional"},
            occurred_at="2026-02-01T10:00:00+00:00"),
        *(rec(alex, adult(), type="domestic_abuse_incident", source=police,
              attributes={"children_present": False}, occurred_at=f"2026-0{m}-01T22:00:00+00:00")
          for m in (3, 4)),
    )  # fmt: skip
    (raised,) = rules.list_prompts(session=people.session, actor=MASH, person_id=merged)
    assert rules.list_prompts(session=people.session, actor=MASH, person_id=survivor) == []
    people_service.merge_persons(session=people.session, actor=REVIEWER, from_id=merged,
                                 into_id=survivor, reason="Same boy.",
                                 now=people.clock.now())  # fmt: skip
    mine = rules.list_prompts(session=people.session, actor=MASH, person_id=survivor)
    assert [p.id for p in mine] == [raised.id]
