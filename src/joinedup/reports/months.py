"""Months for the reports: a period of London calendar months from `YYYY-MM` text, validated
with a message for each field, and the first instant of each month."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time

from joinedup.casework import clocks
from joinedup.core.errors import FieldError

MAX_MONTHS = 60
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def shift(month: date, n: int) -> date:
    """The first day of the month `n` months from `month` (n may be negative)."""
    year, index = divmod(month.year * 12 + month.month - 1 + n, 12)
    return date(year, index + 1, 1)


def _month(text: str, name: str, label: str, errors: list[FieldError]) -> date | None:
    found = _MONTH.match(text)
    if found and 1 <= int(found.group(2)) <= 12 and int(found.group(1)) >= 1990:
        return date(int(found.group(1)), int(found.group(2)), 1)
    errors.append(FieldError(name, f"Enter the {label} month as a year and month, for "
                                   "example 2026-04"))  # fmt: skip
    return None


def period(start: str | None, end: str | None, today: date) -> tuple[list[date], list[FieldError]]:
    """The months from `start` to `end` (YYYY-MM; by default the 12 months to this one)."""
    this = today.replace(day=1)
    errors: list[FieldError] = []
    last = _month(end, "to", "last", errors) if end and end.strip() else this
    first = _month(start, "from", "first", errors) if start and start.strip() else None
    if last is not None and last > this:
        errors.append(FieldError("to", "The last month cannot be after this month"))
    if first is None and not errors and last is not None:
        first = shift(last, -11)
    if first is not None and last is not None and not errors:
        if first > last:
            errors.append(FieldError("from", "The first month must not be after the last month"))
        elif (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
            errors.append(FieldError("from", f"Choose at most {MAX_MONTHS} months"))
    if errors or first is None or last is None:
        return [], errors
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    return [shift(first, i) for i in range(n)], []


def month_starts(months: Sequence[date]) -> list[datetime]:
    """The first instant (London) of each month and of the month after the last."""
    days = [*months, shift(months[-1], 1)]
    return [datetime.combine(d, time.min, tzinfo=clocks.UK) for d in days]
