"""A child's circle: who the child is (every person merged into them) and who lives with them.

The people domain's read interface for the chronology (ADR 0007). It follows merges, so rows
that still carry a merged-away person's id are read as their survivor's. It checks the policy
(`authorise`); the calling service writes the one audit entry naming every person it shows.
The circle is read in one statement (`circle_query`): the merges up to the survivor and down to
everyone merged into them, the households, who else lived there, the relationships, and the
merges of everyone found, each a part of one UNION ALL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Select,
    String,
    Table,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise
from joinedup.core.errors import NotFound
from joinedup.intake.models import Mention
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
    parts: dict[int, list[Sequence[Any]]] = {part: [] for part in range(6)}
    for row in session.execute(circle_query(), {"person_id": person_id}):
        parts[row[0]].append(row)
    into = {r[1]: r[2] for r in parts[UP]}
    if person_id not in into:
        raise NotFound(f"person {person_id} does not exist")
    survivor = _survivor(into, person_id)
    absorbed = sorted((r[2], r[1]) for r in parts[DOWN] if r[1] != survivor)
    own = [survivor, *(pid for _, pid in absorbed)]
    stays = _stays(parts[STAYS])
    members = _members(own, stays, parts[OTHERS], parts[TIES], parts[CHAIN])
    kind = next(r[4] for r in (*parts[UP], *parts[DOWN]) if r[1] == survivor)
    circle = Circle(
        person_id=survivor,
        kind=kind,
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


# The parts of `circle_query`, and what each row carries after its part:
UP = 0  # the asked-for person and each they were merged into: id, merged into, -, kind
DOWN = 1  # the survivor and everyone merged into them: id, depth of merges, -, kind
STAYS = 2  # their households: membership id, household id, person id, postcode, from, to
OTHERS = 3  # everyone in those households: membership id, household id, person id, -, from, to
TIES = 4  # relationships with them: id, person id, related person id, kind, from, to
CHAIN = 5  # the persons of OTHERS and TIES and each they were merged into: id, merged into, -,
# kind


@cache
def circle_query() -> Select[Any]:
    """The circle of the person bound to `person_id`, in one statement (see UP to CHAIN for its
    parts); built once (building it costs more than running it)."""
    p, hm, h, r = (_table(m) for m in (Person, HouseholdMember, Household, Relationship))
    up = _merged_into(p, p.c.id == bindparam("person_id", type_=BigInteger), "up")
    top = select(up.c.id).where(up.c.merged_into_id.is_(None))
    down: Any = (
        select(p.c.id, literal(0).label("depth"), p.c.kind)
        .where(p.c.id.in_(top))
        .cte("down", recursive=True)
    )
    down = down.union_all(
        select(p.c.id, down.c.depth + 1, p.c.kind).join(down, p.c.merged_into_id == down.c.id)
    )
    own = select(down.c.id)
    homes = select(hm.c.household_id).where(hm.c.person_id.in_(own))
    others = select(hm.c.person_id).where(hm.c.household_id.in_(homes))
    tie = (r.c.id, r.c.person_id, r.c.related_person_id, r.c.kind, r.c.from_date, r.c.to_date)
    ties = union(  # not an OR of two IN (subquery), which PostgreSQL answers by a full scan
        select(*tie).where(r.c.related_person_id.in_(own)),
        select(*tie).where(r.c.person_id.in_(own)),
    ).cte("ties")
    found = union(others, select(ties.c.person_id), select(ties.c.related_person_id))
    chain = _merged_into(p, p.c.id.in_(found), "chain")
    # Typed NULLs: PostgreSQL settles a UNION's column types pairwise, an untyped NULL as text.
    number, day, text = cast(null(), BigInteger), cast(null(), Date), cast(null(), String)
    parts: Any = union_all(
        select(literal(UP), up.c.id, up.c.merged_into_id, number, up.c.kind, day, day),
        select(literal(DOWN), down.c.id, down.c.depth, number, down.c.kind, day, day),
        select(literal(STAYS), hm.c.id, hm.c.household_id, hm.c.person_id, h.c.postcode,
               hm.c.from_date, hm.c.to_date)
        .join_from(hm, h, h.c.id == hm.c.household_id)
        .where(hm.c.person_id.in_(own)),
        select(literal(OTHERS), hm.c.id, hm.c.household_id, hm.c.person_id, text,
               hm.c.from_date, hm.c.to_date).where(hm.c.household_id.in_(homes)),
        select(literal(TIES), *ties.c),
        select(literal(CHAIN), chain.c.id, chain.c.merged_into_id, number, chain.c.kind, day,
               day),
    )  # fmt: skip
    return parts  # type: ignore[no-any-return]


def _merged_into(p: Table, start: ColumnElement[bool], name: str) -> Any:
    """The persons `start` picks, and each they were merged into, as a recursive CTE."""
    found: Any = select(p.c.id, p.c.merged_into_id, p.c.kind).where(start)
    found = found.cte(name, recursive=True)
    step = select(p.c.id, p.c.merged_into_id, p.c.kind).join(
        found, p.c.id == found.c.merged_into_id
    )
    return found.union(step)


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _survivor(into: dict[int, int | None], person_id: int) -> int:
    """The person `person_id` now is, following merges (as `merges.survivor_of`)."""
    seen, at = set(), person_id
    while into.get(at) is not None and at not in seen:
        seen.add(at)
        at = into[at]  # type: ignore[assignment]
    return at


def _stays(rows: Iterable[Sequence[Any]]) -> list[Address]:
    """The households the child's persons lived in, each over its whole span."""
    spans: dict[int, Address] = {}
    for _, _, home, _, postcode, start, end in sorted(rows, key=lambda r: (r[5], r[1])):
        seen = spans.get(home)
        start = min(start, seen.from_date) if seen else start
        end = max(end, seen.to_date) if seen else end
        spans[home] = Address(postcode, home, start, end)
    return sorted(spans.values(), key=lambda a: (a.from_date, a.household_id))


def _members(
    own: list[int],
    stays: list[Address],
    others: Iterable[Sequence[Any]],
    ties: Iterable[Sequence[Any]],
    chain: Iterable[Sequence[Any]],
) -> list[Member]:
    periods: dict[int, list[date]] = {}
    lives: set[int] = set()
    span = {stay.household_id: stay for stay in stays}
    for _, _, home, pid, _, start, end in others:
        stay = span[home]
        if start <= stay.to_date and end >= stay.from_date:
            lives.add(pid)
            periods.setdefault(pid, []).extend((start, end))
    kinds: dict[int, list[str]] = {}
    for _, _, pid, related, kind, start, end in ties:
        other = pid if related in own else related
        kinds.setdefault(other, []).append(kind if related in own else _reverse(kind))
        periods.setdefault(other, []).extend((start, end))
    into = {row[1]: row[2] for row in chain}
    person_kinds = {row[1]: row[4] for row in chain}
    survivors = {pid: _survivor(into, pid) for pid in periods}
    return _as_members(set(own), periods, lives, kinds, survivors, person_kinds)


def _as_members(
    own: set[int],
    periods: dict[int, list[date]],
    lives: set[int],
    kinds: dict[int, list[str]],
    survivors: dict[int, int],
    person_kinds: dict[int, str],
) -> list[Member]:
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


def _reverse(kind: str) -> str:
    """The child named as someone's relation in a record about another child: their sibling."""
    return "sibling" if kind == "sibling" else "related_child"
