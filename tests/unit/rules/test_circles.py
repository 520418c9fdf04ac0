"""The rules' batch read of circles gives what `people.circle.circle_of` gives, person by person:
the survivor of a merge with everyone merged into them, and the household and relatives."""

from __future__ import annotations

from sqlalchemy import select

from joinedup.access.roles import Actor
from joinedup.intake.models import Event
from joinedup.people import service as people_service
from joinedup.people.circle import circle_of
from joinedup.people.models import Person
from joinedup.rules.circles import CHILD_KINDS, read_named_scopes, read_scopes
from tests.unit.people.support import Store, adult, child, nhs, people, rec
from tests.unit.rules.test_facts_sql import records

__all__ = ["people"]  # the fixture

SYSTEM = Actor.system("test")


def same_as_circle_of(people: Store) -> int:
    persons = list(people.session.scalars(select(Person.id)))
    scopes = read_scopes(people.session, persons)
    for person in persons:
        circle = circle_of(session=people.session, actor=SYSTEM, person_id=person, named=False)
        scope = scopes[person]
        assert (scope.child, scope.kind) == (circle.person_id, circle.kind)
        assert scope.own == frozenset(circle.persons)
        assert scope.members == {m.person_id: m.kind for m in circle.members}
    return len(persons)


def test_a_family_over_five_years_reads_as_circle_of_reads_it(people: Store) -> None:
    family = records()
    for r in family:
        people.submit(r)
    assert same_as_circle_of(people) == 4
    boy = read_scopes(people.session, [people.person(family[1]["record_id"])])
    (scope,) = boy.values()
    assert sorted(scope.members.values()) == ["adult", "adult", "child"]


def test_a_record_reads_the_circles_of_the_children_in_its_named_persons_circles(
    people: Store,
) -> None:
    """One statement gives the circles of the persons a record names and of the children found
    in them who are not named (a record about the partner alone reaches the boy and his
    sister): each as `circle_of` gives it."""
    family = records()
    for r in family:
        people.submit(r)
    events = list(people.session.scalars(select(Event.id).order_by(Event.id)))
    seconds = 0
    for event in events:
        named, found, day = read_named_scopes(people.session, [event])
        assert named and day is not None
        tops = {scope.child for scope in named.values()}
        children = {p for scope in named.values() for p, kind in scope.members.items()
                    if kind in CHILD_KINDS}  # fmt: skip
        assert found.keys() == children - tops
        assert found == read_scopes(people.session, found.keys())
        for person, scope in {**named, **found}.items():
            circle = circle_of(session=people.session, actor=SYSTEM, person_id=person,
                               named=False)  # fmt: skip
            assert (scope.child, scope.kind) == (circle.person_id, circle.kind)
            assert scope.own == frozenset(circle.persons)
            assert scope.members == {m.person_id: m.kind for m in circle.members}
        seconds += bool(found)
    assert seconds == len(events)  # every record here leaves a child of the family unnamed


def test_merged_persons_read_as_their_survivor(people: Store) -> None:
    first, second = (rec(child(given_names=g, family_name="Qwerty", date_of_birth=dob,
                               nhs_number=nhs(n)), adult(ref="a1", given_names=m))
                     for g, dob, n, m in (("Zed", "2019-01-01", 3100, "Ann"),
                                          ("Yan", "2012-05-05", 3200, "Bea")))  # fmt: skip
    people.submit(first, second)
    a, b = people.person(first["record_id"]), people.person(second["record_id"])
    people_service.merge_persons(session=people.session, actor=SYSTEM, from_id=b, into_id=a,
                                 reason="same child", now=people.clock.now())  # fmt: skip
    assert same_as_circle_of(people) >= 4
    scopes = read_scopes(people.session, [a, b])
    assert scopes[a] == scopes[b] and scopes[b].own == {a, b}
    assert read_scopes(people.session, [10**9]) == {}
