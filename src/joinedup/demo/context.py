"""State shared across the run (World) and the working context of one household (Ctx)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from joinedup.demo.agencies import Directory, Org
from joinedup.demo.emitter import Emitter, Fragments, Json, Subject
from joinedup.demo.identifiers import LocalIds, NhsNumbers, Upns
from joinedup.demo.model import Household, Person
from joinedup.demo.noise import IdentityBook
from joinedup.demo.places import Address
from joinedup.demo.planfile import PlanWriter
from joinedup.demo.timeutil import birthday, reporting_year

if TYPE_CHECKING:
    from joinedup.demo.caseplan import Track
    from joinedup.demo.schooling import Disruption, Roll


@dataclass(slots=True, eq=False)
class World:
    seed: int
    start: int  # first day of the history (ordinal)
    end: int  # the as-of day (ordinal)
    directory: Directory
    emitter: Emitter
    nhs: NhsNumbers = field(init=False)
    march31: list[int] = field(init=False)
    upns: Upns = field(default_factory=Upns)
    local_ids: LocalIds = field(default_factory=LocalIds)
    counts: dict[int, dict[str, int]] = field(default_factory=dict)
    people_json: Fragments = field(init=False)
    households_json: Fragments = field(init=False)
    trajectories: list[Json] = field(default_factory=list)
    controls: list[Json] = field(default_factory=list)
    plan: PlanWriter = field(init=False)
    plan_skipped: dict[str, int] = field(default_factory=dict)
    _pid: int = 0
    _hid: int = 0

    def __post_init__(self) -> None:
        self.nhs = NhsNumbers(self.seed)
        self.people_json = Fragments(self.emitter.work_dir / "people.part")
        self.households_json = Fragments(self.emitter.work_dir / "households.part")
        self.plan = PlanWriter(self.emitter.work_dir)
        first, last = date.fromordinal(self.start).year, date.fromordinal(self.end).year
        self.march31 = [
            d
            for y in range(first, last + 1)
            if self.start <= (d := date(y, 3, 31).toordinal()) <= self.end
        ]
        if reporting_year(self.end) not in {reporting_year(d) for d in self.march31}:
            self.march31.append(self.end)  # the part-year's stock is taken at the as-of day
        for day in range(self.start, self.end + 1):
            self.count(day, "days_covered")

    def new_pid(self) -> str:
        self._pid += 1
        return f"P{self._pid:06d}"

    def new_hid(self) -> str:
        self._hid += 1
        return f"H{self._hid:06d}"

    @property
    def people(self) -> int:
        return self._pid

    def count(self, day: int, metric: str, n: int = 1) -> None:
        """Add to a statutory or activity count for the DfE reporting year of `day`."""
        if self.start <= day <= self.end:
            year = self.counts.setdefault(reporting_year(day), {})
            year[metric] = year.get(metric, 0) + n


@dataclass(slots=True, eq=False)
class Ctx:
    """Everything an event generator needs while it works on one household."""

    world: World
    rng: random.Random
    hh: Household
    book: IdentityBook
    children: list[Person] = field(default_factory=list)
    placements: list[Household] = field(default_factory=list)
    cases: list[list[int | None]] = field(default_factory=list)  # [start, end] open episodes
    disruptions: dict[str, list[Disruption]] = field(default_factory=dict)  # by person id
    rolls: dict[str, list[Roll]] = field(default_factory=dict)
    triggers: list[tuple[int, list[Person], str]] = field(default_factory=list)
    last_referral: dict[str, int] = field(default_factory=dict)
    # The home authority's casework, planned with its own draws (the household's are untouched).
    plan_rng: random.Random = field(default_factory=lambda: random.Random(0))
    plan_tracks: list[Track] = field(default_factory=list)
    plan_last: dict[str, Track] = field(default_factory=dict)  # each child's latest case

    @property
    def d(self) -> Directory:
        return self.world.directory

    def household_of(self, person: Person, day: int) -> Household:
        for placement in self.placements:
            spell = placement.member_spell(person)
            if spell is not None and spell.covers(day):
                return placement
        return self.hh

    def relationship(self, person: Person, child: Person | None, day: int) -> str | None:
        if child is None:
            return None
        if person is child:
            return "self"
        if child.mother is person:
            return "mother"
        if child.father is person:
            return "father"
        if not person.adult:
            shared = person.mother is not None and person.mother is child.mother
            return "sibling" if shared or person.father is child.father else "household_member"
        kind = self.hh.relation.get(person.pid)
        for placement in self.placements:
            kind = kind or placement.relation.get(person.pid)
        if kind == "partner":
            joined = self.hh.joined.get(person.pid, 0)
            return "step_parent" if day - joined > 730 else "parents_partner"
        return kind or "household_member"

    def subject(
        self,
        org: Org,
        person: Person,
        day: int,
        ref: str,
        role: str,
        first_child: Person | None,
        *,
        address: Address | None = None,
        extra: Json | None = None,
    ) -> Subject:
        if day < person.dob:
            mother = person.mother or person
            ident = self.book.unborn(org, person, mother, day)
            role = "unborn"
        else:
            ident = self.book.held(org, person, day)
        s: Json = {"ref": ref, "role": role}
        rel = self.relationship(person, first_child, day)
        if rel is not None:
            s["relationship"] = rel
        s.update(ident)
        place = self.book.address(org, self.household_of(person, day), day, address)
        if place is not None:
            s["address"] = place
        if extra:
            s.update(extra)
        return s, person.pid

    def subjects(
        self,
        org: Org,
        day: int,
        children: list[Person],
        adults: list[Person],
        *,
        child_extra: Json | None = None,
        adult_extra: dict[str, Json] | None = None,
    ) -> list[Subject]:
        """Children first (c1, c2...), then adults (a1...), related to the first child."""
        first = children[0] if children else None
        out = [
            self.subject(org, c, day, f"c{i}", "child", first, extra=child_extra)
            for i, c in enumerate(children, 1)
        ]
        extras = adult_extra or {}
        out += [
            self.subject(org, a, day, f"a{i}", "adult", first, extra=extras.get(a.pid))
            for i, a in enumerate(adults, 1)
        ]
        return out

    def child_periods(self, child: Person) -> list[tuple[int, int]]:
        """When the child was under 18 and living in the authority, within the history."""
        low = max(self.world.start, child.dob)
        high = min(self.world.end + 1, birthday(child.dob, 18))
        out: list[tuple[int, int]] = []
        for household in (self.hh, *self.placements):
            for spell in household.members:
                if spell.person is not child:
                    continue
                s_end = high if spell.end is None else min(spell.end, high)
                for r in household.residences:
                    if not r.address.in_home:
                        continue
                    start = max(low, spell.start, r.start)
                    end = s_end if r.end is None else min(s_end, r.end)
                    if start < end:
                        out.append((start, end))
        return sorted(out)

    def author(self, org: Org, role: str) -> Json | None:
        return org.author(self.rng, role) if self.rng.random() < 0.85 else None

    def emit(
        self,
        org: Org,
        kind: str,
        rtype: str,
        occurred: str,
        recorded: str,
        summary: str,
        attributes: Json | None,
        subjects: list[Subject],
        *,
        role: str | None = None,
        precision: str | None = None,
        sensitivity: str = "normal",
        withhold: bool = False,
    ) -> str | None:
        """Write one record (`withhold`: draw it all the same, so that every later draw is as it
        would have been, but write nothing: its step is replayed through casework instead)."""
        author = self.author(org, role) if role else None
        return self.world.emitter.emit(
            org,
            kind,
            rtype,
            occurred,
            recorded,
            summary,
            attributes,
            subjects,
            author=author,
            precision=precision,
            sensitivity=sensitivity,
            withhold=withhold,
        )

    def parents_at(self, day: int) -> list[Person]:
        """The household's adults at `day`: parents, then partners, grandparents, others."""
        rank = {"partner": 1, "grandparent": 2, "lodger": 3, "household_member": 3}
        return sorted(
            self.hh.adults_at(day), key=lambda a: rank.get(self.hh.relation.get(a.pid, ""), 0)
        )
