"""A child's circle read in one statement: merges up and down, households, relationships."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from joinedup.access.roles import Actor, Role
from joinedup.core.errors import NotFound
from joinedup.intake.models import Event
from joinedup.people.circle import Address, Member, circle_of, with_names
from joinedup.people.models import Household, HouseholdMember, Person, Relationship
from tests.unit.people.support import Store, child, people, rec

__all__ = ["people"]  # the fixture

WORKER = Actor(role=Role.SOCIAL_WORKER, label="sw.one", user_id=101)
D = date


def _persons(store: Store, **kinds: str) -> dict[str, int]:
    """Persons made directly (synthetic), named by their part in the circle."""
    found = {}
    for name, kind in kinds.items():
        person = Person(kind=kind, created_at=datetime(2024, 1, 1, tzinfo=UTC))
        store.session.add(person)
        store.session.flush()
        found[name] = person.id
    return found


@pytest.fixture
def circle_rows(people: Store) -> dict[str, int]:
    """A child with a duplicate merged into them and another merged into the duplicate; a
    mother recorded twice (one merged away), her partner, a half-sister, two homes, and a
    neighbour's household the child never lived in."""
    people.submit(rec(child(), record_id="t:circle"))
    event = people.session.scalars(select(Event.id)).first()
    p = _persons(people, child="child", dup="child", dup2="child", mother="adult",
                 mother2="adult", partner="adult", sister="child", neighbour="adult")  # fmt: skip
    merged = {"dup": "child", "dup2": "dup", "mother2": "mother"}
    for name, into in merged.items():
        people.session.get_one(Person, p[name]).merged_into_id = p[into]
    homes = {}
    for key in ("old", "new", "next_door"):
        home = Household(address_key=key, postcode=f"ZZ{len(homes) + 1} 1ZZ",
                         first_seen=D(2016, 1, 1), last_seen=D(2024, 1, 1))  # fmt: skip
        people.session.add(home)
        people.session.flush()
        homes[key] = home.id
    stays = [("old", "child", D(2016, 1, 1), D(2019, 6, 1)),
             ("old", "mother2", D(2016, 1, 1), D(2019, 6, 1)),
             ("new", "dup2", D(2019, 6, 1), D(2024, 1, 1)),
             ("new", "sister", D(2020, 1, 1), D(2024, 1, 1)),
             ("new", "partner", D(2010, 1, 1), D(2012, 1, 1)),  # before the child came
             ("next_door", "neighbour", D(2016, 1, 1), D(2024, 1, 1))]  # fmt: skip
    for home, who, start, end in stays:
        member = HouseholdMember(household_id=homes[home], person_id=p[who], from_date=start,
                                 to_date=end, source="records")  # fmt: skip
        people.session.add(member)
    ties = [("mother2", "dup", "mother"), ("partner", "child", "parents_partner"),
            ("dup2", "sister", "sibling")]  # fmt: skip
    for who, to, kind in ties:
        people.session.add(Relationship(person_id=p[who], related_person_id=p[to], kind=kind,
                                        from_date=D(2018, 1, 1), to_date=D(2023, 1, 1),
                                        source_event_id=event))  # fmt: skip
    people.session.flush()
    return p | {f"home_{k}": v for k, v in homes.items()}


def test_the_circle_follows_merges_households_and_relationships(
    people: Store, circle_rows: dict[str, int]
) -> None:
    p = circle_rows
    for asked in ("child", "dup", "dup2"):
        circle = circle_of(session=people.session, actor=WORKER, person_id=p[asked])
        assert (circle.person_id, circle.kind) == (p["child"], "child")
        assert circle.persons == (p["child"], p["dup"], p["dup2"])
        assert circle.addresses == (
            Address("ZZ1 1ZZ", p["home_old"], D(2016, 1, 1), D(2019, 6, 1)),
            Address("ZZ2 1ZZ", p["home_new"], D(2019, 6, 1), D(2024, 1, 1)),
        )
        assert circle.members == (
            Member(p["mother"], "adult", ("mother",), True, D(2016, 1, 1), D(2023, 1, 1)),
            Member(p["partner"], "adult", ("parents_partner",), False, D(2018, 1, 1),
                   D(2023, 1, 1)),
            Member(p["sister"], "child", ("sibling",), True, D(2018, 1, 1), D(2024, 1, 1)),
        )  # fmt: skip


def test_a_missing_person_is_not_found_and_names_fall_back_to_the_last_merged(
    people: Store, circle_rows: dict[str, int]
) -> None:
    with pytest.raises(NotFound):
        circle_of(session=people.session, actor=WORKER, person_id=10**9)
    circle = circle_of(session=people.session, actor=WORKER, person_id=circle_rows["child"],
                       named=False)  # fmt: skip
    assert circle.names == {}
    named = with_names(circle, {circle_rows["dup2"]: "Alexander Testperson"})
    assert named.names[circle_rows["child"]] == "Alexander Testperson"
