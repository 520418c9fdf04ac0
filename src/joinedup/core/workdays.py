"""Working days in England: Monday to Friday less England and Wales bank holidays."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache

import holidays

_WEEK = timedelta(days=7)


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(calendar.keys())


@lru_cache(maxsize=256)
def _weekday_bank_holidays(year: int) -> tuple[date, ...]:
    """The bank holidays of `year` that fall Monday to Friday, in order."""
    return tuple(sorted(d for d in _bank_holidays(year) if d.weekday() < 5))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays after `start` up to and including `end` (end > start)."""
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    return 5 * weeks + sum((first + k) % 7 < 5 for k in range(1, rest + 1))


def _bank_holidays_on_weekdays_between(start: date, end: date) -> int:
    """Weekday bank holidays after `start` up to and including `end` (end > start)."""
    total = 0
    for year in range(start.year, end.year + 1):
        days = _weekday_bank_holidays(year)
        total += bisect_right(days, end) - bisect_right(days, start)
    return total


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not after `start`.

    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`.
    """
    if end <= start:
        return 0
    return _weekdays_between(start, end) - _bank_holidays_on_weekdays_between(start, end)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the start day itself is day 0).

    Whole weeks are skipped while more than a week's working days remain; each jump counts
    strictly fewer working days than remain, so the day-by-day finish lands on exactly the
    date a day-by-day count from `start` would.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining > 5:
        jump = current + _WEEK * ((remaining - 1) // 5)
        remaining -= working_days_between(current, jump)
        current = jump
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
