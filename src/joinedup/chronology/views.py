"""What the chronology services hand to the faces: plain, typed, read-only views."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Filters:
    """Which entries to show; empty sets mean every agency, type or severity."""

    agencies: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    since: date | None = None  # occurred on or after
    until: date | None = None  # occurred on or before
    household: bool = False  # siblings and adults together
    significant_only: bool = False  # the curated chronology

    @property
    def narrowed(self) -> bool:
        return (
            bool(self.agencies or self.types or self.severities or self.since or self.until)
            or self.significant_only
        )


@dataclass(frozen=True, slots=True)
class Subject:
    """A person the entry is about, as the source described them."""

    person_id: int
    name: str
    role: str  # child | adult | unborn
    relationship: str | None  # to the child (mother, parents_partner, ...) or None for the child
    victim: bool
    perpetrator: bool


@dataclass(frozen=True, slots=True)
class Mark:
    note: str | None
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One event on the chronology, with its provenance and what it means for the child."""

    event_id: int
    source_record_id: int
    record_id: str
    occurred_at: datetime
    date_precision: str
    recorded_at: datetime
    received_at: datetime
    agency: str
    organisation: str
    author: str | None
    author_role: str | None
    author_contact: str | None
    type: str
    summary: str | None  # None: withheld from this reader (see `withheld`)
    withheld: str | None  # why the summary is not shown
    attributes: dict[str, Any]
    severity: str
    statutory: bool
    seen: bool
    seen_alone: bool
    voice: bool
    subjects: tuple[Subject, ...]
    about_child: bool  # the child is a subject (not only someone in their household)
    new: bool  # received since the reader last looked
    mark: Mark | None  # a social worker marked it significant


@dataclass(frozen=True, slots=True)
class Chronology:
    """One page of a child's chronology, with counts of the whole of it."""

    person_id: int
    name: str
    entries: list[Entry]  # the page, oldest first
    total: int  # entries before filtering
    matching: int  # entries the filters keep (every page's)
    page: int  # which page `entries` is, from 1
    per_page: int | None  # None: every matching entry is on the one page
    filters: Filters
    agencies: list[str]  # every agency on the unfiltered chronology, for the filter
    types: list[str]
    last_looked_at: datetime | None  # the reader's previous visit (None: their first look)
    new_count: int
    restricted_withheld: int  # sealed records not shown to this reader
    persons: list[int] = field(default_factory=list)  # whose records are included


@dataclass(frozen=True, slots=True)
class Visibility:
    """The "invisible child" made visible: when anyone last saw or heard the child."""

    last_seen: Entry | None
    last_seen_alone: Entry | None
    last_voice: Entry | None
    agencies_90_days: list[str]
    counts_by_type: list[tuple[str, int]]  # most frequent first
    as_of: datetime


@dataclass(frozen=True, slots=True)
class Recorded:
    """A value as sources recorded it (a name, a date of birth, an identifier), and how often."""

    value: str
    times: int
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class AddressSeen:
    lines: str
    postcode: str
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class Relative:
    person_id: int
    name: str
    kind: str  # adult | child | unborn
    relationships: tuple[str, ...]
    lives_with: bool
    from_date: date | None
    to_date: date | None


@dataclass(frozen=True, slots=True)
class Status:
    """Where the child is on the statutory pathway, from the statutory records received."""

    open_case_since: datetime | None
    child_in_need_since: datetime | None
    cp_plan_since: datetime | None
    cp_category: str | None
    looked_after_since: datetime | None
    legal_status: str | None
    last_step: str | None
    last_step_at: datetime | None
    # How precisely each date above is known (`date_precision` of the record it came from),
    # keyed by the field's name; a date without a key was recorded to the day or minute.
    precisions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Involved:
    """A practitioner who recorded something about the child, with their contact route."""

    agency: str
    organisation: str
    name: str
    role: str | None
    contact: str | None
    last_at: datetime
    last_precision: str = "day"  # how precisely `last_at` is known


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """The child page: who the child is, who they live with, where they are, who is involved."""

    person_id: int
    kind: str
    name: str
    names: list[Recorded]
    other_names: list[Recorded]
    dates_of_birth: list[Recorded]
    sexes: list[Recorded]
    nhs_numbers: list[Recorded]
    upns: list[Recorded]
    addresses: list[AddressSeen]
    relatives: list[Relative]
    status: Status
    involved: list[Involved]
    visibility: Visibility
    merged_person_ids: list[int]
