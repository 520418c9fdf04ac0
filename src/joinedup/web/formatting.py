"""How dates, times and codes read on a page (dates from core/dates.py: honest about precision)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joinedup.core.dates import MONTHS, UK, date_time, occurred, partial_date


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

__all__ = [
    "FILTERS",
    "MONTHS",
    "UK",
    "date_time",
    "humanise",
    "occurred",
    "partial_date",
    "sex",
    "value",
]
