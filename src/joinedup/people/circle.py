"""A child's circle: who the child is (every person merged into them) and who lives with them.

The people domain's read interface for the chronology (ADR 0007). It follows merges, so rows
that still carry a merged-away person's id are read as their survivor's. It checks the policy
(`authorise`); the calling service writes the one audit entry naming every person it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise
from joinedup.core.errors import NotFound
from joinedup.intake.models import Mention
from joinedup.people import merges
from joinedup.people.batchsql import among
from joinedup.people.models import (
    Household,
    HouseholdMember,
    MentionLink,
    Person,
    Relationship,
)


@dataclass(frozen=True, slots=True)
class Member:
    """Someone in the child's circle: how they are related and over which period."""

    person_id: int
    kind: str  # child | adult | unborn
    relationships: tuple[str, ...]  # to the child, as sources said (mother, sibling, ...)
    lives_with: bool  # shared a household with the child at some time
    from_date: date | None
    to_date: date | None


@dataclass(frozen=True, slots=True)
class Address:
    postcode: str
    household_id: int
    from_date: date
    to_date: date


@dataclass(frozen=True, slots=True)
class Circle:
    person_id: int  # the child (the survivor, if the id asked for was merged away)
    kind: str
    persons: tuple[int, ...]  # the child and every person merged into them
    addresses: tuple[Address, ...]  # the child's households over time, oldest first
    members: tuple[Member, ...]  # the others, adults first
    names: dict[int, str] = field(default_factory=dict)  # most often recorded name per person

    @property
    def everyone(self) -> list[int]:
        return [*self.persons, *(m.person_id for m in self.members)]


def circle_of(*, session: Session, actor: Actor, person_id: int, named: bool = True) -> Circle:
    """The child, their addresses, and everyone who lived with them or is related to them.

    `named=False` leaves `names` empty, for a caller that counts the names in a statement of its
    own (the chronology's outline reads the same mentions) and gives them by `with_names`."""
    authorise(session=session, actor=actor, action=Action.PEOPLE_READ, resource_type="person")
    survivor = merges.survivor_of(session, merges.person_or_raise(session, person_id).id)
    person = session.get(Person, survivor)
    if person is None:  # pragma: no cover - survivor_of only returns existing persons
        raise NotFound(f"no person {person_id}")
    own = [survivor, *_absorbed(session, survivor)]
    stays = _stays(session, own)
    members = _members(session, own, stays)
    circle = Circle(
        person_id=survivor,
        kind=person.kind,
        persons=tuple(own),
        addresses=tuple(stays),
        members=tuple(members),
    )
    if not named:
        return circle
    return with_names(circle, display_names(session, circle.everyone))


def with_names(circle: Circle, names: dict[int, str]) -> Circle:
    """The circle with its persons' display names; the child's own, if no record named the
    survivor itself, is that of the person last merged into them."""
    names.setdefault(circle.person_id, names.get(circle.persons[-1], ""))
    return replace(circle, names=names)


def display_names(session: Session, persons: Iterable[int]) -> dict[int, str]:
    """Each person's most often recorded "given family" name (ties: the earliest recorded).

    The database counts: one row per person and name as recorded, not one per mention (a
    child with 2,000 records has a handful of names).
    """
    query = (
        select(
            MentionLink.person_id,
            Mention.given_names,
            Mention.family_name,
            func.count(),
            func.min(MentionLink.mention_id),
        )
        .join(Mention, Mention.id == MentionLink.mention_id)
        .where(among(session, MentionLink.person_id, persons))
        .group_by(MentionLink.person_id, Mention.given_names, Mention.family_name)
    )
    return commonest_names(session.execute(query))


def commonest_names(
    rows: Iterable[tuple[int, str | None, str | None, int, int]],
) -> dict[int, str]:
    """From rows of (person, given names, family name, times recorded, first mention): each
    person's name recorded most often; of equally frequent names, the one recorded first."""
    found: dict[int, dict[str, tuple[int, int]]] = {}
    for pid, given, family, times, first in rows:
        name = " ".join(x for x in (given, family) if x)
        if name:
            names = found.setdefault(pid, {})
            before_times, before_first = names.get(name, (0, first))
            names[name] = (before_times + times, min(before_first, first))
    return {pid: _commonest(names) for pid, names in found.items()}


def _commonest(names: dict[str, tuple[int, int]]) -> str:
    """The name recorded most often; of equally frequent names, the one recorded first."""
    return min(names, key=lambda name: (-names[name][0], names[name][1]))


def _absorbed(session: Session, person_id: int) -> list[int]:
    found: list[int] = []
    frontier = [person_id]
    while frontier:
        frontier = list(
            session.scalars(select(Person.id).where(Person.merged_into_id.in_(frontier)))
        )
        found.extend(frontier)
    return found


def _stays(session: Session, own: list[int]) -> list[Address]:
    rows = session.execute(
        select(HouseholdMember, Household.postcode)
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.person_id.in_(own))
        .order_by(HouseholdMember.from_date, HouseholdMember.id)
    )
    spans: dict[int, Address] = {}
    for m, postcode in rows:
        seen = spans.get(m.household_id)
        start = min(m.from_date, seen.from_date) if seen else m.from_date
        end = max(m.to_date, seen.to_date) if seen else m.to_date
        spans[m.household_id] = Address(postcode, m.household_id, start, end)
    return sorted(spans.values(), key=lambda a: (a.from_date, a.household_id))


def _members(session: Session, own: list[int], stays: list[Address]) -> list[Member]:
    periods: dict[int, list[date]] = {}
    lives: set[int] = set()
    span = {stay.household_id: stay for stay in stays}
    others = session.scalars(
        select(HouseholdMember).where(HouseholdMember.household_id.in_(list(span)))
    )
    for m in others:
        stay = span[m.household_id]
        if m.from_date <= stay.to_date and m.to_date >= stay.from_date:
            lives.add(m.person_id)
            periods.setdefault(m.person_id, []).extend((m.from_date, m.to_date))
    kinds: dict[int, list[str]] = {}
    ties = session.scalars(
        select(Relationship).where(
            or_(Relationship.related_person_id.in_(own), Relationship.person_id.in_(own))
        )
    )
    for tie in ties:
        other = tie.person_id if tie.related_person_id in own else tie.related_person_id
        kind = tie.kind if tie.related_person_id in own else _reverse(tie.kind)
        kinds.setdefault(other, []).append(kind)
        periods.setdefault(other, []).extend((tie.from_date, tie.to_date))
    return _as_members(session, set(own), periods, lives, kinds)


def _as_members(
    session: Session,
    own: set[int],
    periods: dict[int, list[date]],
    lives: set[int],
    kinds: dict[int, list[str]],
) -> list[Member]:
    survivors, person_kinds = _survivors(session, set(periods))
    merged: dict[int, tuple[list[date], set[str], bool]] = {}
    for pid, days in periods.items():
        to = survivors[pid]
        if to in own:
            continue
        spans, ks, live = merged.setdefault(to, ([], set(), False))
        spans.extend(days)
        ks.update(kinds.get(pid, ()))
        merged[to] = (spans, ks, live or pid in lives)
    members = [
        Member(
            pid,
            person_kinds.get(pid, "adult"),
            tuple(sorted(ks)),
            live,
            min(spans, default=None),
            max(spans, default=None),
        )
        for pid, (spans, ks, live) in merged.items()
    ]
    return sorted(members, key=lambda m: (m.kind != "adult", m.from_date or date.min, m.person_id))


def _survivors(session: Session, persons: set[int]) -> tuple[dict[int, int], dict[int, str]]:
    """Each person's survivor (following merges), and every person's kind, in few queries."""
    into: dict[int, int | None] = {}
    kinds: dict[int, str] = {}
    wanted = set(persons)
    while wanted:
        rows = session.execute(
            select(Person.id, Person.merged_into_id, Person.kind).where(Person.id.in_(wanted))
        )
        for pid, to, kind in rows:
            into[pid], kinds[pid] = to, kind
        wanted = {to for to in into.values() if to is not None and to not in into}
    survivors: dict[int, int] = {}
    for pid in persons:
        seen, at = set(), pid
        while into.get(at) is not None and at not in seen:
            seen.add(at)
            at = into[at]  # type: ignore[assignment]
        survivors[pid] = at
    return survivors, kinds


def _reverse(kind: str) -> str:
    """The child named as someone's relation in a record about another child: their sibling."""
    return "sibling" if kind == "sibling" else "related_child"
