"""Days as proleptic ordinals (fast integers) and their ISO 8601 renderings."""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from joinedup.core.workdays import add_working_days, next_working_day

YEAR = 365.25


@cache
def iso_day(day: int) -> str:
    return date.fromordinal(day).isoformat()


def iso_dt(day: int, minute: int) -> str:
    """A UTC date-time; minutes past midnight may spill into later days."""
    day += minute // 1440
    minute %= 1440
    return f"{iso_day(day)}T{minute // 60:02d}:{minute % 60:02d}:00+00:00"


def year_of(day: int) -> int:
    return int(iso_day(day)[:4])


def reporting_year(day: int) -> int:
    """The DfE reporting year (year ending 31 March) a day falls in."""
    d = date.fromordinal(day)
    return d.year + 1 if d.month >= 4 else d.year


def age(dob: int, day: int) -> float:
    return (day - dob) / YEAR


def birthday(dob: int, years: int) -> int:
    d = date.fromordinal(dob)
    try:
        return date(d.year + years, d.month, d.day).toordinal()
    except ValueError:  # 29 February
        return date(d.year + years, 3, 1).toordinal()


def ordinal(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()


def poisson_days(rng: random.Random, start: int, end: int, per_year: float) -> list[int]:
    """Days of a Poisson process with the given yearly rate over [start, end)."""
    if per_year <= 0 or end <= start:
        return []
    days: list[int] = []
    t = float(start)
    scale = YEAR / per_year
    while True:
        t += rng.expovariate(1.0) * scale
        if t >= end:
            return days
        days.append(int(t))


def working_days_after(day: int, n: int) -> int:
    """The day n working days after `day` (weekends and England's bank holidays skipped), so a
    meeting dated this way falls on a working day when n > 0."""
    return add_working_days(date.fromordinal(day), n).toordinal()


def on_working_day(day: int) -> int:
    """`day` if it is a working day, else the next one (for a meeting dated in calendar days)."""
    return next_working_day(date.fromordinal(day)).toordinal()


def daytime(rng: random.Random) -> int:
    return rng.randint(8 * 60, 17 * 60 + 30)


def evening(rng: random.Random) -> int:
    """Minutes past midnight, weighted to evenings and night (when police attend incidents)."""
    return (rng.randint(17 * 60, 27 * 60) + rng.randint(0, 59)) % 1440


def poisson_in(rng: random.Random, periods: list[tuple[int, int]], per_year: float) -> list[int]:
    """Poisson days over several disjoint periods."""
    days: list[int] = []
    for start, end in periods:
        days.extend(poisson_days(rng, start, end, per_year))
    return days
