"""Households from resolved records: membership periods, relationships, a new adult joining."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from joinedup.people.models import Household, HouseholdChange, HouseholdMember, Relationship
from tests.unit.people.support import Store, adult, child, people, rec

__all__ = ["people"]  # the fixture


def at(day: str) -> dict[str, str]:
    return {"occurred_at": f"{day}T10:00:00+00:00", "date_precision": "minute"}


def test_members_periods_relationships_and_an_adult_joining_then_leaving(people: Store) -> None:
    mum = adult()
    partner = adult("a2", "parents_partner", given_names="Mark", family_name="Newman",
                    date_of_birth="1985-06-06", sex="M")  # fmt: skip
    first = rec(child(), mum, **at("2024-01-10"))
    incident = rec(child(), mum, partner, type="domestic_abuse_incident",
                   attributes={"children_present": True}, **at("2024-03-01"))  # fmt: skip
    left = rec(child(), partner, type="change_of_household", attributes={"change": "adult_left"},
               **at("2024-05-01"))  # fmt: skip
    people.submit(first)
    people.submit(incident)
    people.submit(left)
    boy, mara = people.person(first["record_id"]), people.person(first["record_id"], "a1")
    mark = people.person(incident["record_id"], "a2")
    (home,) = people.session.scalars(select(Household)).all()
    assert home.address_key == "ZZ11ZZ|1 sample road"
    assert (home.first_seen, home.last_seen) == (date(2024, 1, 10), date(2024, 5, 1))
    members = {
        (m.person_id, m.source): (m.from_date, m.to_date)
        for m in people.session.scalars(select(HouseholdMember))
    }
    assert members == {
        (boy, "address"): (date(2024, 1, 10), date(2024, 5, 1)),
        (mara, "named_together"): (date(2024, 1, 10), date(2024, 3, 1)),
        (mark, "named_together"): (date(2024, 3, 1), date(2024, 3, 1)),
    }
    changes = people.session.scalars(select(HouseholdChange).order_by(HouseholdChange.at)).all()
    assert [(c.change, c.person_id, c.child_person_ids, c.at) for c in changes] == [
        ("adult_joined", mark, [boy], date(2024, 3, 1)),
        ("adult_left", mark, [boy], date(2024, 5, 1)),
    ]
    ties = {(r.person_id, r.kind): (r.from_date, r.to_date)
            for r in people.session.scalars(select(Relationship))}  # fmt: skip
    assert ties == {
        (mara, "mother"): (date(2024, 1, 10), date(2024, 3, 1)),
        (mark, "parents_partner"): (date(2024, 3, 1), date(2024, 5, 1)),
    }


def test_the_first_sighting_of_a_household_is_not_an_adult_joining(people: Store) -> None:
    people.submit(rec(child(), adult(), **at("2024-01-10")))
    assert not people.session.scalars(select(HouseholdChange)).all()


def test_a_grandparent_elsewhere_is_not_a_member_of_the_childs_household(people: Store) -> None:
    gran = adult("a2", "grandparent", given_names="Edna", date_of_birth="1950-01-01",
                 address={"lines": ["7 Elm Way"], "postcode": "ZZ3 3ZZ"})  # fmt: skip
    record = rec(child(), gran, **at("2024-01-10"))
    people.submit(record)
    edna = people.person(record["record_id"], "a2")
    homes = {h.id: h.postcode for h in people.session.scalars(select(Household))}
    member_of = {
        homes[m.household_id] for m in people.session.scalars(select(HouseholdMember))
        if m.person_id == edna
    }  # fmt: skip
    assert member_of == {"ZZ33ZZ"}
