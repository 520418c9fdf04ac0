"""How dates, times and codes read on a page: honest about precision, in UK time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def occurred(moment: datetime, precision: str) -> str:
    """An event's date shown only as precisely as its source knew it.

    Dates without a time are stored as the first instant of their period in UTC, so they are
    read in UTC; a time to the minute is shown in UK time.
    """
    if precision == "minute":
        return date_time(moment)
    day = moment.astimezone(UTC)
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def partial_date(text: str | None) -> str | None:
    """A date as sent, partial or whole: `15 July 1973`, `July 1973` or `1973`; None if absent."""
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def date_time(moment: datetime) -> str:
    """`14 March 2011 23:10`, in UK time."""
    local = moment.astimezone(UK)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H:%M}"


def humanise(code: str | None) -> str:
    """A stored code for reading: `domestic_abuse` → `Domestic abuse`."""
    if not code:
        return ""
    words = code.replace("_", " ").replace(":", ": ")
    return words[:1].upper() + words[1:]


def value(item: Any) -> str:
    """A scalar or list from a record's attributes, as text (escaped later by autoescape)."""
    if item is None:
        return "Not given"
    if isinstance(item, bool):
        return "Yes" if item else "No"
    if isinstance(item, list | tuple):
        return ", ".join(value(part) for part in item)
    if isinstance(item, dict):
        return "; ".join(f"{humanise(str(k))}: {value(v)}" for k, v in item.items())
    return str(item)


SEXES = {"F": "Female", "M": "Male", "U": "Not known", "I": "Indeterminate"}


def sex(code: str | None) -> str:
    """The exchange format's sex codes, in words."""
    return SEXES.get(code or "", "")


FILTERS: dict[str, Callable[..., str | None]] = {
    "occurred": occurred,
    "partial_date": partial_date,
    "date_time": date_time,
    "humanise": humanise,
    "value": value,
    "sex": sex,
}
