"""A chronology's filters from a query string: shared by the chronology page, its export, the API.

One vocabulary of query parameters, so a link from the chronology to its export (or a page of
it) carries exactly the same filters:

    agency=police&agency=health  type=concern  severity=high  since=2024-01-31  until=2024-06-30
    household=yes  significant=yes

A date may also come from a GOV.UK date input (`since-day`, `since-month`, `since-year`), which
wins when any of its parts is filled in. Bad input never raises: each problem comes back as a
message keyed by the field it names (`since`, `until`, `agency`, `type`, `severity`,
`household`, `significant`), and that filter is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Protocol
from urllib.parse import urlencode

from joinedup.chronology.classify import SEVERITIES
from joinedup.chronology.views import Filters

FIELDS = ("agency", "type", "severity", "since", "until", "household", "significant")
LABELS = {"since": "Date from", "until": "Date to"}
MAX_CHOICES = 50
_CODE = re.compile(r"[a-z][a-z0-9_]{0,59}")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YES = frozenset({"yes", "true", "1", "on"})
_NO = frozenset({"", "no", "false", "0", "off"})
PARTS = ("day", "month", "year")


class Params(Protocol):
    """What is read from a query string (Starlette's `QueryParams` is one)."""

    def getlist(self, key: str) -> list[str]: ...


Errors = dict[str, str]


def parse_filters(query_params: Params) -> tuple[Filters, Errors]:
    """The filters a query string asks for, and a message for each field that is not valid."""
    errors: Errors = {}
    since = _date(query_params, "since", errors)
    until = _date(query_params, "until", errors)
    household = _flag(query_params, "household", "Household", errors)
    significant = _flag(query_params, "significant", "Significant only", errors)
    filters, problems = checked_filters(
        agencies=query_params.getlist("agency"),
        types=query_params.getlist("type"),
        severities=query_params.getlist("severity"),
        since=since,
        until=until,
        household=household,
        significant_only=significant,
    )
    return filters, {**errors, **problems}


def checked_filters(
    *,
    agencies: Iterable[str] = (),
    types: Iterable[str] = (),
    severities: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
    household: bool = False,
    significant_only: bool = False,
) -> tuple[Filters, Errors]:
    """Filters from values already typed (the API's query parameters), checked together."""
    errors: Errors = {}
    chosen_agencies = _codes(agencies, "agency", "agencies", errors)
    chosen_types = _codes(types, "type", "types", errors)
    chosen_severities = frozenset(s for s in severities if s)
    if not chosen_severities <= set(SEVERITIES):
        errors["severity"] = "Severity must be high, medium or low"
        chosen_severities = frozenset()
    if since and until and until < since:
        errors["until"] = "Date to must be the same as or after date from"
        until = None
    filters = Filters(
        agencies=chosen_agencies,
        types=chosen_types,
        severities=chosen_severities,
        since=since,
        until=until,
        household=household,
        significant_only=significant_only,
    )
    return filters, errors


def query_items(filters: Filters) -> list[tuple[str, str]]:
    """The filters as query parameters, in a stable order (for links to pages and the export)."""
    items = [("agency", a) for a in sorted(filters.agencies)]
    items += [("type", t) for t in sorted(filters.types)]
    items += [("severity", s) for s in SEVERITIES if s in filters.severities]
    items += [(name, day.isoformat()) for name, day in (("since", filters.since),
              ("until", filters.until)) if day]  # fmt: skip
    items += [("household", "yes")] if filters.household else []
    items += [("significant", "yes")] if filters.significant_only else []
    return items


def query_string(filters: Filters, **extra: str) -> str:
    """`agency=police&since=2024-01-31…` (empty when nothing is filtered), plus `extra`."""
    items = query_items(filters) + [(k, v) for k, v in extra.items() if v]
    return urlencode(items)


def date_parts(query_params: Params, name: str, value: date | None) -> dict[str, str]:
    """What a GOV.UK date input shows: the parts as typed, else the date the filter holds."""
    typed = {part: _first(query_params, f"{name}-{part}") for part in PARTS}
    if any(typed.values()) or value is None:
        return typed
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


# -- internals ---------------------------------------------------------------------------------


def _first(query_params: Params, key: str) -> str:
    found = query_params.getlist(key)
    return found[0].strip() if found else ""


def _date(query_params: Params, name: str, errors: Errors) -> date | None:
    label = LABELS[name]
    parts = {part: _first(query_params, f"{name}-{part}") for part in PARTS}
    if any(parts.values()):
        return _from_parts(parts, name, label, errors)
    text = _first(query_params, name)
    if not text:
        return None
    found = _ISO.fullmatch(text)
    day = _real(*map(int, found.groups())) if found else None
    if day is None:
        errors[name] = f"{label} must be a real date in the form YYYY-MM-DD, like 2024-03-27"
    return day


def _from_parts(parts: dict[str, str], name: str, label: str, errors: Errors) -> date | None:
    missing = [part for part in PARTS if not parts[part]]
    if missing:
        errors[name] = f"{label} must include a {' and '.join(missing)}"
        return None
    if not all(parts[p].isdigit() for p in PARTS) or len(parts["year"]) != 4:
        errors[name] = f"{label} must be a real date"
        return None
    day = _real(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    if day is None:
        errors[name] = f"{label} must be a real date"
    return day


def _real(year: int, month: int, day: int) -> date | None:
    if year < 1900:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _flag(query_params: Params, name: str, label: str, errors: Errors) -> bool:
    text = _first(query_params, name).lower()
    if text in _YES:
        return True
    if text not in _NO:
        errors[name] = f"{label} must be yes or left out"
    return False


def _codes(values: Iterable[str], name: str, plural: str, errors: Errors) -> frozenset[str]:
    chosen = frozenset(v.strip() for v in values if v.strip())
    if len(chosen) > MAX_CHOICES or not all(_CODE.fullmatch(v) for v in chosen):
        errors[name] = f"Choose {plural} from the list"
        return frozenset()
    return chosen
