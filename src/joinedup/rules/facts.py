"""What a rule sees: a child's time line as plain facts, independent of the database.

A `Fact` is one record on the child's chronology (household mode: the siblings' and adults'
records too), reduced to what rules read. A record known only to the month or year sits at the
start of its period, as the store keeps it; rules that count days use `occurred` and say so.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any


@dataclass(frozen=True, slots=True)
class Who:
    """A subject of the record, seen from the child: themselves, a sibling, an adult."""

    person_id: int
    role: str  # child | adult | unborn
    relationship: str | None  # None: the child themselves
    perpetrator: bool = False
    victim: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Fact:
    """One record; two facts are the same when they are the same event."""

    event_id: int
    record_id: str
    occurred: date
    precision: str  # year | month | day | minute
    agency: str
    type: str
    attributes: dict[str, Any]
    about_child: bool  # the child is a subject
    subjects: tuple[Who, ...] = ()
    seen: bool = False  # the recording practitioner saw the child (chronology rules)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fact) and other.event_id == self.event_id

    def __hash__(self) -> int:
        return hash(self.event_id)

    def attribute(self, key: str) -> Any:
        return self.attributes.get(key)

    @property
    def adults(self) -> list[Who]:
        return [s for s in self.subjects if s.role == "adult"]


@dataclass(frozen=True, slots=True)
class Timeline:
    """A child's facts in time order (by day, then event), and their date of birth if known."""

    person_id: int
    facts: tuple[Fact, ...]
    birth: date | None = None
    birth_precision: str | None = None
    household_adults: frozenset[int] = field(default_factory=frozenset)
    days: tuple[date, ...] = field(init=False, repr=False, compare=False)
    kinds: frozenset[str] = field(init=False, repr=False, compare=False)  # types present

    def __post_init__(self) -> None:
        ordered = self.facts
        if any(a.occurred > b.occurred for a, b in pairwise(ordered)):
            ordered = tuple(sorted(ordered, key=lambda f: (f.occurred, f.event_id)))
            object.__setattr__(self, "facts", ordered)
        object.__setattr__(self, "days", tuple(f.occurred for f in ordered))
        object.__setattr__(self, "kinds", frozenset(f.type for f in ordered))

    def upto(self, as_of: date) -> list[Fact]:
        """Facts that had happened by `as_of` (the day the triggering record occurred)."""
        return list(self.facts[: bisect_right(self.days, as_of)])

    def within(self, as_of: date, days: int) -> list[Fact]:
        start = as_of - timedelta(days=days)
        return list(self.facts[bisect_left(self.days, start) : bisect_right(self.days, as_of)])

    def age_in_days(self, on: date) -> int | None:
        """The child's age, or None when the date of birth is unknown or only a year."""
        if self.birth is None or self.birth_precision == "year":
            return None
        return (on - self.birth).days


def of_type(facts: Iterable[Fact], *types: str) -> list[Fact]:
    return [f for f in facts if f.type in types]


def agencies(facts: Sequence[Fact]) -> set[str]:
    return {f.agency for f in facts}
