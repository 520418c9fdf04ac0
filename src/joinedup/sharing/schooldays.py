"""School days for Operation Encompass: the authority's term dates, as data, validated on load.

A school day is a Monday to Friday within a term that is neither a bank holiday (England and
Wales) nor an INSET day. Encompass asks that the school's DSL hears of an incident before the
start of the next school day after it: `encompass_due` is that instant, in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from joinedup.core.dates import UK
from joinedup.core.workdays import is_working_day, next_working_day

PACKAGED = Path(__file__).with_name("school_calendar.yaml")


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: date
    end: date


class School(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=200)
    dsl_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")


class Team(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")


class SchoolCalendar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    authority_code: str = Field(pattern=r"^[0-9]{3}$")
    school_day_starts: time = time(8, 30)
    terms: tuple[Term, ...] = Field(min_length=1)
    inset_days: frozenset[date] = frozenset()
    schools: dict[str, School] = Field(default_factory=dict)
    elective_home_education: Team

    @model_validator(mode="after")
    def _terms_in_order(self) -> SchoolCalendar:
        for term in self.terms:
            if term.end < term.start:
                raise ValueError(f"a term ends ({term.end}) before it starts ({term.start})")
        for earlier, later in zip(self.terms, self.terms[1:], strict=False):
            if later.start <= earlier.end:
                raise ValueError(f"terms overlap or are out of order at {later.start}")
        return self

    def covers(self, day: date) -> bool:
        return self.terms[0].start <= day <= self.terms[-1].end

    def is_school_day(self, day: date) -> bool:
        in_term = any(t.start <= day <= t.end for t in self.terms)
        return in_term and is_working_day(day) and day not in self.inset_days

    def next_school_day(self, after: date) -> date:
        """The first school day after `after`; past the calendar's last term, the next working
        day (a notification is never held back for want of next year's dates)."""
        day = after + timedelta(days=1)
        while self.covers(day):
            if self.is_school_day(day):
                return day
            day += timedelta(days=1)
        return next_working_day(day)

    def encompass_due(self, incident_at: datetime) -> datetime:
        """The start of the next school day after the incident (its day in UK time), in UTC."""
        day = self.next_school_day(incident_at.astimezone(UK).date())
        return datetime.combine(day, self.school_day_starts, tzinfo=UK).astimezone(UTC)


def load_calendar(path: Path | None = None) -> SchoolCalendar:
    """The calendar at `path` (the packaged demo calendar when None); ValueError if invalid."""
    return _load(path or PACKAGED)


@lru_cache(maxsize=8)
def _load(path: Path) -> SchoolCalendar:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return SchoolCalendar.model_validate(data)
