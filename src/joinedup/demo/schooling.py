"""Which school a child is on the roll of, and when: phases, moves, exclusion, home education."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from joinedup.demo.agencies import School
from joinedup.demo.context import Ctx
from joinedup.demo.model import Person
from joinedup.demo.places import district_of
from joinedup.demo.timeutil import iso_day, ordinal


@dataclass(slots=True)
class Roll:
    start: int
    end: int
    school: School


@dataclass(slots=True)
class Disruption:
    """A day the child leaves school: home education, missing education, permanent exclusion."""

    kind: str  # ehe, cme, excluded
    day: int
    back: int | None = None  # the day they are on a roll again (None: not in the history)


def entry_day(child: Person) -> int:
    """1 September of the school year in which the child turns five (reception)."""
    born = iso_day(child.dob)
    year = int(born[:4]) + (5 if int(born[5:7]) >= 9 else 4)
    return ordinal(year, 9, 1)


def phase_bounds(child: Person) -> tuple[int, int, int]:
    """Reception entry, the start of year 7, and the end of year 11."""
    entry = entry_day(child)
    year = int(iso_day(entry)[:4])
    return entry, ordinal(year + 7, 9, 1), ordinal(year + 12, 7, 21)


def _boundaries(ctx: Ctx, child: Person, start: int, end: int) -> list[int]:
    days = {start}
    for household in (ctx.hh, *ctx.placements):
        days.update(r.start for r in household.residences if start < r.start < end)
        days.update(
            s.start for s in household.members if s.person is child and start < s.start < end
        )
    return sorted(days)


def _pick(ctx: Ctx, child: Person, day: int, phase: str, current: School | None) -> School:
    household = ctx.household_of(child, day)
    address = household.address_at(day)
    district = district_of(address) if address is not None and address.in_home else 0
    if current is not None and current.phase == phase:
        moved_far = district not in current.districts
        if not moved_far or ctx.rng.random() < 0.5:
            return current
    return ctx.d.school_for(ctx.rng, phase, district)


def _cut(
    segments: list[tuple[int, int]], disruptions: list[Disruption]
) -> list[tuple[int, int, str]]:
    """Split on-roll segments around disruptions; tag each piece with the provision."""
    out: list[tuple[int, int, str]] = [(s, e, "") for s, e in segments]
    for d in disruptions:
        pieces: list[tuple[int, int, str]] = []
        for s, e, tag in out:
            off_end = d.back if d.back is not None else e
            if d.day >= e or off_end <= s or tag:
                pieces.append((s, e, tag))
                continue
            if s < d.day:
                pieces.append((s, d.day, ""))
            if d.kind == "excluded":
                pieces.append((max(s, d.day), min(e, off_end), "alternative"))
            if off_end < e:
                pieces.append((off_end, e, ""))
        out = pieces
    return [(s, e, tag) for s, e, tag in out if s < e]


def rolls(ctx: Ctx, child: Person, disruptions: list[Disruption], special: bool) -> list[Roll]:
    entry, year7, leave = phase_bounds(child)
    segments: list[tuple[int, int]] = []
    for start, end in ctx.child_periods(child):
        s, e = max(start, entry), min(end, leave)
        if s >= e:
            continue
        if s < year7 < e:
            segments += [(s, year7), (year7, e)]
        else:
            segments.append((s, e))
    out: list[Roll] = []
    current: School | None = None
    for s, e, tag in _cut(segments, disruptions):
        if tag == "alternative":
            out.append(Roll(s, e, ctx.d.alternative))
            continue
        bounds = [*_boundaries(ctx, child, s, e), e]
        for a, b in itertools.pairwise(bounds):
            phase = "primary" if a < year7 else "secondary"
            school = ctx.d.special if special else _pick(ctx, child, a, phase, current)
            if out and out[-1].school is school and out[-1].end == a:
                out[-1].end = b
            else:
                out.append(Roll(a, b, school))
            current = school
    return out


def school_at(roll: list[Roll], day: int) -> School | None:
    for r in roll:
        if r.start <= day < r.end:
            return r.school
    return None
