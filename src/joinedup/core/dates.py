"""Dates as people read them: honest about precision ("March 2011", not "1 March 2011"), in UK time.

Pages, exports and reports all format dates here, so a date never reads more precise in a PDF
than on the screen.
"""

from __future__ import annotations

from datetime import UTC, datetime
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
