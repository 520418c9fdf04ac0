"""Households: who lives with whom and when, from resolved records.

A household is an address (normalised postcode and first line). A person is a member from the
first to the last sighting: at the address itself (`address`), or named in a record with a
child as someone who lives with them and giving no other address (`named_together`; a
grandparent only at the same address). Relationships to the record's first child are kept with
their periods. An adult first seen in a household where a child was already living is a
`HouseholdChange` ("adult_joined"), as is an explicit `change_of_household` record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Executable, Table, and_, bindparam, insert, select, update
from sqlalchemy.orm import Session

from joinedup.people import store
from joinedup.people.batchsql import VALUES, among_bound, run_among
from joinedup.people.mentions import CHUNK, MentionRow
from joinedup.people.models import Household, HouseholdChange, HouseholdMember, Relationship

T_HOUSEHOLD: Table = Household.__table__  # type: ignore[assignment]
T_MEMBER: Table = HouseholdMember.__table__  # type: ignore[assignment]
T_RELATIONSHIP: Table = Relationship.__table__  # type: ignore[assignment]
T_CHANGE: Table = HouseholdChange.__table__  # type: ignore[assignment]

LIVES_WITH = frozenset(
    {"mother", "father", "step_parent", "parents_partner", "sibling", "household_member",
     "lodger", "foster_carer"}
)  # fmt: skip
SAME_ADDRESS_ONLY = frozenset({"grandparent"})
STATED = ("adult_joined", "adult_left")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def address_key(postcode: str | None, lines: Sequence[str]) -> tuple[str, str] | None:
    """(key, postcode) of an address, or None without a postcode."""
    compact = re.sub(r"\s+", "", (postcode or "").upper())
    if not compact:
        return None
    first = _NOT_ALNUM.sub(" ", lines[0].lower()).strip() if lines else ""
    return f"{compact}|{first}"[:240], compact[:16]


@dataclass(frozen=True, slots=True)
class Sighting:
    address: str
    postcode: str
    person: int
    on: date
    source: str
    event_id: int


@dataclass(frozen=True, slots=True)
class Tie:
    person: int
    child: int
    kind: str
    on: date
    event_id: int


@dataclass(frozen=True, slots=True)
class Stated:
    """A change_of_household record: an adult joined or left the child's household."""

    address: str
    postcode: str
    person: int
    change: str
    on: date
    event_id: int


def read_events(
    rows: Sequence[MentionRow], persons: dict[int, int]
) -> tuple[list[Sighting], list[Tie], list[Stated]]:
    """What the records say about who lives with whom (persons: mention id → person)."""
    by_event: dict[int, list[MentionRow]] = {}
    for row in rows:
        if row.id in persons and row.kind != "unborn":
            by_event.setdefault(row.event_id, []).append(row)
    sightings: list[Sighting] = []
    ties: list[Tie] = []
    stated: list[Stated] = []
    for subjects in by_event.values():
        _read_event(subjects, persons, sightings, ties, stated)
    sightings.sort(key=lambda s: (s.on, s.event_id))
    return sightings, ties, stated


def _read_event(
    subjects: list[MentionRow],
    persons: dict[int, int],
    sightings: list[Sighting],
    ties: list[Tie],
    stated: list[Stated],
) -> None:
    on = subjects[0].occurred_at.date()
    event = subjects[0].event_id
    child = next((r for r in subjects if r.role == "child"), None)
    child_home = address_key(child.postcode, child.address_lines) if child else None
    for row in subjects:
        own = address_key(row.postcode, row.address_lines)
        if own is not None:
            sightings.append(Sighting(own[0], own[1], persons[row.id], on, "address", event))
        if child is None or row is child:
            continue
        kind = row.relationship
        change = row.attributes.get("change") if row.event_type == "change_of_household" else None
        if child_home is not None and own is None and kind in LIVES_WITH and change != "adult_left":
            home, code = child_home
            sightings.append(Sighting(home, code, persons[row.id], on, "named_together", event))
        if kind and kind != "self":
            ties.append(Tie(persons[row.id], persons[child.id], kind, on, event))
        home_of_change = child_home or own
        if row.role == "adult" and change in STATED and home_of_change is not None:
            address, code = home_of_change
            stated.append(Stated(address, code, persons[row.id], str(change), on, event))


class Households:
    """Apply a batch's sightings, ties and stated changes with a few queries and bulk writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.homes: dict[str, dict[str, Any]] = {}
        # household → (person, source) → the membership row (id None: new)
        self.members: dict[int, dict[tuple[int, str], dict[str, Any]]] = {}
        self.kinds: dict[int, str] = {}
        self.changes: list[dict[str, Any]] = []
        self.written: dict[int, int] = {}  # a new household's stand-in key → its key

    def apply(self, sightings: list[Sighting], ties: list[Tie], stated: list[Stated]) -> None:
        addresses = {s.address: s.postcode for s in sightings}
        addresses.update({s.address: s.postcode for s in stated})
        people = {s.person for s in sightings} | {s.person for s in stated}
        self._load(addresses)
        members = {p for rows in self.members.values() for p, _ in rows}
        tied = {t.person for t in ties}
        self.kinds, held = _kinds_and_relationships(self.session, people | members | tied, tied)
        for sighting in sightings:
            self._sight(sighting)
        for change in stated:
            self._stated(change)
        self._write_homes()
        memberships = self._write_members()
        relationships = _apply_ties(self.session, ties, held)
        for row in self.changes:
            row["household_id"] = self.written.get(row["household_id"], row["household_id"])
        store.insert_all(
            self.session,
            [(T_MEMBER, memberships), (T_RELATIONSHIP, relationships), (T_CHANGE, self.changes)],
        )

    def _load(self, addresses: dict[str, str]) -> None:
        """The households at these addresses with their members (one query); a new household
        is known by a stand-in key (negative) until it is written."""
        found = list(run_among(self.session, "households", _homes_query, addresses, CHUNK))
        for row in found:
            self.homes.setdefault(
                row.address_key,
                {"id": row.id, "first_seen": row.first_seen, "last_seen": row.last_seen,
                 "new": False},
            )  # fmt: skip
        new = [(key, postcode) for key, postcode in addresses.items() if key not in self.homes]
        for n, (key, postcode) in enumerate(new, 1):
            self.homes[key] = {"id": -n, "postcode": postcode, "new": True,
                               "first_seen": None, "last_seen": None}  # fmt: skip
        for row in sorted(
            (r for r in found if r.member_id is not None), key=lambda r: (r.id, r.member_id)
        ):
            self._member(
                row.id,
                row.person_id,
                row.source,
                {"id": row.member_id, "from_date": row.from_date, "to_date": row.to_date},
            )

    def _member(self, home: int, person: int, source: str, row: dict[str, Any]) -> None:
        self.members.setdefault(home, {})[(person, source)] = row

    def _lives_there(self, home: int, person: int) -> bool:
        rows = self.members.get(home, {})
        return (person, "address") in rows or (person, "named_together") in rows

    def _sight(self, sighting: Sighting) -> None:
        home = self.homes[sighting.address]
        home["first_seen"] = min(filter(None, (home["first_seen"], sighting.on)))
        home["last_seen"] = max(filter(None, (home["last_seen"], sighting.on)))
        home["dirty"] = True
        hid, person = home["id"], sighting.person
        if (
            self.kinds.get(person) == "adult"
            and not self._lives_there(hid, person)
            and (children := self._children_before(hid, sighting.on))
        ):
            self._change(hid, person, children, "adult_joined", sighting.on, sighting.event_id)
        row = self.members.get(hid, {}).get((person, sighting.source))
        if row is None:
            row = {"id": None, "from_date": sighting.on, "to_date": sighting.on}
            self._member(hid, person, sighting.source, row)
        elif sighting.on < row["from_date"] or sighting.on > row["to_date"]:
            row["from_date"] = min(row["from_date"], sighting.on)
            row["to_date"] = max(row["to_date"], sighting.on)
        else:
            return
        row["dirty"] = True

    def _children_before(self, home: int, on: date) -> list[int]:
        return sorted(
            {
                person
                for (person, _), row in self.members.get(home, {}).items()
                if self.kinds.get(person) == "child" and row["from_date"] < on
            }
        )

    def _stated(self, change: Stated) -> None:
        home = self.homes[change.address]
        home["first_seen"] = min(filter(None, (home["first_seen"], change.on)))
        home["last_seen"] = max(filter(None, (home["last_seen"], change.on)))
        home["dirty"] = True
        hid = home["id"]
        already = any(
            c["household_id"] == hid and c["person_id"] == change.person
            and c["event_id"] == change.event_id
            for c in self.changes
        )  # fmt: skip
        if not already:
            rows = self.members.get(hid, {})
            children = sorted({p for p, _ in rows if self.kinds.get(p) == "child"})
            self._change(hid, change.person, children, change.change, change.on, change.event_id)
        if change.change == "adult_left":
            for (p, _), row in self.members.get(hid, {}).items():
                if p == change.person and row["to_date"] > change.on:
                    row["to_date"], row["dirty"] = change.on, True

    def _change(
        self, home: int, person: int, children: list[int], change: str, on: date, event: int
    ) -> None:
        self.changes.append(
            {"household_id": home, "person_id": person, "child_person_ids": children,
             "change": change, "at": on, "event_id": event}
        )  # fmt: skip

    def _write_homes(self) -> None:
        new = [
            {"address_key": key, "postcode": h["postcode"], "first_seen": h["first_seen"],
             "last_seen": h["last_seen"]}
            for key, h in self.homes.items() if h["new"] and h["first_seen"] is not None
        ]  # fmt: skip
        if new:
            t = T_HOUSEHOLD
            keys = self.session.execute(insert(t).returning(t.c.id, t.c.address_key), new)
            self.written = {self.homes[key]["id"]: hid for hid, key in keys}
        changed = [h for h in self.homes.values() if not h["new"] and h.get("dirty")]
        _update_periods(self.session, T_HOUSEHOLD, "first_seen", "last_seen", changed)

    def _write_members(self) -> list[dict[str, Any]]:
        """Changed memberships updated; the new ones returned, to be inserted."""
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for home, rows in self.members.items():
            for (person, source), row in rows.items():
                self._collect(self.written.get(home, home), person, source, row, new, changed)
        _update_periods(self.session, T_MEMBER, "from_date", "to_date", changed)
        return new

    @staticmethod
    def _collect(
        home: int,
        person: int,
        source: str,
        row: dict[str, Any],
        new: list[dict[str, Any]],
        changed: list[dict[str, Any]],
    ) -> None:
        if row["id"] is None:
            new.append({"household_id": home, "person_id": person, "source": source,
                            "from_date": row["from_date"], "to_date": row["to_date"]})  # fmt: skip
        elif row.get("dirty"):
            changed.append(row)


def _kinds_and_relationships(
    session: Session, persons: set[int], tied: set[int]
) -> tuple[dict[int, str], dict[tuple[int, int, str], dict[str, Any]]]:
    """Each person's kind, and the relationships held of the tied persons (one query)."""
    kinds: dict[int, str] = {}
    held: dict[tuple[int, int, str], dict[str, Any]] = {}
    found = run_among(session, "households.kinds", _kinds_query, persons, CHUNK, {_TIED: tied})
    for row in found:
        kinds[row.id] = row.kind
        if row.rid is not None:
            held[(row.id, row.related_person_id, row.related_as)] = {
                "id": row.rid,
                "from_date": row.from_date,
                "to_date": row.to_date,
            }
    return kinds, held


_TIED = "b_tied"


def _homes_query(dialect: str) -> Executable:
    t, m = T_HOUSEHOLD, T_MEMBER
    return (
        select(
            t.c.id, t.c.address_key, t.c.first_seen, t.c.last_seen,
            m.c.id.label("member_id"), m.c.person_id, m.c.source, m.c.from_date, m.c.to_date,
        )
        .select_from(t)
        .outerjoin(m, m.c.household_id == t.c.id)
        .where(among_bound(dialect, t.c.address_key, VALUES))
    )  # fmt: skip


def _kinds_query(dialect: str) -> Executable:
    p, r = store.T_PERSON, T_RELATIONSHIP
    return (
        select(
            p.c.id, p.c.kind, r.c.id.label("rid"), r.c.related_person_id,
            r.c.kind.label("related_as"), r.c.from_date, r.c.to_date,
        )
        .select_from(p)
        .outerjoin(r, and_(r.c.person_id == p.c.id, among_bound(dialect, r.c.person_id, _TIED)))
        .where(among_bound(dialect, p.c.id, VALUES))
    )  # fmt: skip


def _apply_ties(
    session: Session, ties: list[Tie], held: dict[tuple[int, int, str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Relationships whose period grew updated; the new ones returned, to be inserted."""
    if not ties:
        return []
    new: dict[tuple[int, int, str], dict[str, Any]] = {}
    for tie in ties:
        key = (tie.person, tie.child, tie.kind)
        row = held.get(key) or new.get(key)
        if row is None:
            new[key] = {
                "person_id": tie.person, "related_person_id": tie.child, "kind": tie.kind,
                "from_date": tie.on, "to_date": tie.on, "source_event_id": tie.event_id,
            }  # fmt: skip
        elif tie.on < row["from_date"] or tie.on > row["to_date"]:
            row["from_date"], row["to_date"] = (
                min(row["from_date"], tie.on),
                max(row["to_date"], tie.on),
            )
            row["dirty"] = True
    _update_periods(
        session,
        T_RELATIONSHIP,
        "from_date",
        "to_date",
        [r for r in held.values() if r.get("dirty")],
    )
    return list(new.values())


def _update_periods(
    session: Session, table: Table, start: str, end: str, rows: Iterable[dict[str, Any]]
) -> None:
    values = [{"b_id": r["id"], "b_start": r[start], "b_end": r[end]} for r in rows]
    if not values:
        return
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({start: bindparam("b_start"), end: bindparam("b_end")})
    )
    session.connection().execute(statement, values)
