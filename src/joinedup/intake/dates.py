"""Dates as agencies send them: partial dates of birth, and instants with an honest precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
PRECISIONS = ("year", "month", "day", "minute")
_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateError(ValueError):
    """A date that cannot be read; the message says why, in a practitioner's words."""


def parse_partial_date(text: str) -> tuple[date, str]:
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY` → (first day of the period, precision)."""
    try:
        if _DAY.fullmatch(text):
            return date.fromisoformat(text), "day"
        if _MONTH.fullmatch(text):
            return date(int(text[:4]), int(text[5:7]), 1), "month"
        if _YEAR.fullmatch(text):
            return date(int(text), 1, 1), "year"
    except ValueError:
        raise DateError(f"'{text}' is not a real date") from None
    raise DateError(f"'{text}' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")


def parse_full_date(text: str) -> date:
    day, precision = parse_partial_date(text)
    if precision != "day":
        raise DateError(f"'{text}' must be a full date, YYYY-MM-DD")
    return day


def parse_moment(text: str) -> tuple[datetime, str, bool]:
    """An ISO 8601 date or date-time → (instant in UTC, natural precision, offset_missing).

    A partial or whole date stands for its first instant, midnight UTC; a date-time without an
    offset is read as UK local time and flagged, so that the caller can warn.
    """
    if len(text) <= 10:
        day, precision = parse_partial_date(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC), precision, False
    if "T" not in text and " " not in text:
        raise DateError(f"'{text}' is not an ISO 8601 date or date-time")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DateError(f"'{text}' is not a real ISO 8601 date-time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UK).astimezone(UTC), "minute", True
    return moment.astimezone(UTC), "minute", False


def truncate(moment: datetime, precision: str) -> datetime:
    """The first instant of the period that `precision` keeps."""
    if precision == "year":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if precision == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if precision == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment
