"""The true state of the synthetic world: people, households, where and when they lived."""

from __future__ import annotations

from dataclasses import dataclass, field

from joinedup.demo.places import Address


@dataclass(slots=True, eq=False)
class Person:
    pid: str
    given: str
    sex: str
    dob: int  # ordinal day; for someone unborn at the end of the history, the due date
    culture: str
    surnames: list[tuple[int, str]]  # (from day, family name), earliest first
    nhs: str
    ethnicity: str
    language: str
    upn: str | None = None
    mother: Person | None = None
    father: Person | None = None
    twin_of: list[str] = field(default_factory=list)
    violent: bool = False
    risks: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    alias: str | None = None  # a name an adult sometimes gives instead of their own
    born: bool = True  # False while still unborn at the end of the history
    adult: bool = False  # an adult in the history (not one of the household's children)

    def surname_at(self, day: int) -> str:
        name = self.surnames[0][1]
        for start, value in self.surnames:
            if start <= day:
                name = value
        return name

    def previous_surnames(self, day: int) -> list[str]:
        current = self.surname_at(day)
        return [n for start, n in self.surnames if start <= day and n != current]

    @property
    def family_name(self) -> str:
        return self.surnames[-1][1]


@dataclass(slots=True)
class Spell:
    """A person's membership of a household from start until end (exclusive; None = still)."""

    person: Person
    start: int
    end: int | None = None

    def covers(self, day: int) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(slots=True)
class Residence:
    address: Address
    start: int
    end: int | None = None

    def covers(self, day: int) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(slots=True, eq=False)
class Household:
    hid: str
    culture: str
    tier: int  # 0 universal, 1 vulnerable, 2 in need, 3 high need
    members: list[Spell] = field(default_factory=list)
    residences: list[Residence] = field(default_factory=list)
    kind: str = "family"  # or "placement" (foster carers)
    gp_index: int = 0
    relation: dict[str, str] = field(default_factory=dict)  # pid -> partner, grandparent...
    joined: dict[str, int] = field(default_factory=dict)  # pid -> day a partner joined
    role: str = ""  # "trajectory" or "control" when the household plays one

    def children_at(self, day: int) -> list[Person]:
        return [
            s.person
            for s in self.members
            if s.covers(day)
            and not s.person.adult
            and s.person.born
            and s.person.dob <= day
            and day - s.person.dob < 6574  # under 18
        ]

    def adults_at(self, day: int) -> list[Person]:
        return [s.person for s in self.members if s.covers(day) and s.person.adult]

    def address_at(self, day: int) -> Address | None:
        for r in self.residences:
            if r.covers(day):
                return r.address
        return None

    def previous_address(self, day: int) -> tuple[Address | None, int]:
        """The address before the one at `day`, and the day of that move."""
        for i, r in enumerate(self.residences):
            if r.covers(day):
                return (self.residences[i - 1].address if i else None), r.start
        return None, 0

    def in_home(self, day: int) -> bool:
        address = self.address_at(day)
        return address is not None and address.in_home

    def member_spell(self, person: Person) -> Spell | None:
        for s in self.members:
            if s.person is person:
                return s
        return None

    def people(self) -> list[Person]:
        seen: list[Person] = []
        for s in self.members:
            if all(p is not s.person for p in seen):
                seen.append(s.person)
        return seen
