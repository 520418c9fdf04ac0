"""The shapes of the chronology API: a child's chronology and the child's joined-up record.

Dates come with their precision (`year`, `month`, `day`, `minute`): an event known only as
"March 2011" is sent as `2011-03-01T00:00:00Z` with `date_precision: "month"`, never as a day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from joinedup.chronology.views import ChildRecord, Chronology, Filters, Visibility

Precision = Literal["year", "month", "day", "minute"]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SubjectOut(_Out):
    person_id: int
    name: str = Field(description="The person's most often recorded name.")
    role: str = Field(description="child, adult or unborn, as the source described them.")
    relationship: str | None = Field(
        description="To the child (mother, parents_partner, ...); null for the child themself."
    )
    victim: bool
    perpetrator: bool


class MarkOut(_Out):
    note: str | None
    by: str
    at: datetime


class EntryOut(_Out):
    event_id: int
    source_record_id: int
    record_id: str = Field(description="The source's own identifier for the record.")
    occurred_at: datetime
    date_precision: Precision = Field(description="How precisely `occurred_at` is known.")
    recorded_at: datetime
    received_at: datetime
    agency: str
    organisation: str
    author: str | None
    author_role: str | None
    author_contact: str | None
    type: str
    summary: str | None = Field(description="Null when withheld from this reader.")
    withheld: str | None = Field(description="Why the summary is not shown, if it is not.")
    attributes: dict[str, Any]
    severity: Literal["high", "medium", "low"]
    statutory: bool
    seen: bool = Field(description="The recording practitioner saw the child.")
    seen_alone: bool
    voice: bool = Field(description="The child's own words or views were recorded.")
    subjects: list[SubjectOut]
    about_child: bool = Field(description="The child is named (not only their household).")
    new: bool = Field(description="Received since this reader last looked.")
    mark: MarkOut | None = Field(description="Marked significant by a social worker.")


class FiltersOut(_Out):
    agencies: list[str]
    types: list[str]
    severities: list[str]
    since: date | None
    until: date | None
    household: bool
    significant_only: bool

    @classmethod
    def of(cls, f: Filters) -> FiltersOut:
        return cls(agencies=sorted(f.agencies), types=sorted(f.types),
                   severities=sorted(f.severities), since=f.since, until=f.until,
                   household=f.household, significant_only=f.significant_only)  # fmt: skip


class ChronologyOut(_Out):
    person_id: int = Field(description="The child (the survivor, if the id asked for was merged).")
    name: str
    entries: list[EntryOut] = Field(description="This page's entries, oldest first.")
    page: int = Field(description="Which page this is, from 1 (a page beyond the last: the last).")
    per_page: int = Field(description="Entries a page holds.")
    pages: int = Field(description="Pages of entries matching the filters (at least 1).")
    matching: int = Field(description="Entries matching the filters, on every page.")
    shown: int = Field(description="The same as `matching` (kept for earlier clients).")
    total: int = Field(description="Entries before filtering.")
    filters: FiltersOut
    agencies: list[str] = Field(description="Every agency on the unfiltered chronology.")
    types: list[str]
    last_looked_at: datetime | None = Field(description="This reader's previous visit.")
    new_count: int = Field(description="Entries received since this reader last looked.")
    restricted_withheld: int = Field(description="Sealed records not shown to this reader.")
    persons: list[int] = Field(description="Whose records are included.")

    @classmethod
    def of(cls, found: Chronology) -> ChronologyOut:
        derived = ("shown", "filters", "pages", "per_page")
        values = {name: getattr(found, name) for name in cls.model_fields if name not in derived}
        per_page = found.per_page or max(1, found.matching)
        return cls.model_validate({
            **values, "shown": found.matching, "filters": FiltersOut.of(found.filters),
            "per_page": per_page, "pages": max(1, -(-found.matching // per_page)),
        })  # fmt: skip


class RecordedOut(_Out):
    value: str
    times: int = Field(description="How many records gave this value.")
    first: datetime
    last: datetime


class AddressOut(_Out):
    lines: str
    postcode: str
    first: datetime
    last: datetime


class RelativeOut(_Out):
    person_id: int
    name: str
    kind: str
    relationships: list[str]
    lives_with: bool
    from_date: date | None
    to_date: date | None


class StatusOut(_Out):
    open_case_since: datetime | None
    child_in_need_since: datetime | None
    cp_plan_since: datetime | None
    cp_category: str | None
    looked_after_since: datetime | None
    legal_status: str | None
    last_step: str | None
    last_step_at: datetime | None
    precisions: dict[str, Precision] = Field(
        description="How precisely each date is known, by field name."
    )


class InvolvedOut(_Out):
    agency: str
    organisation: str
    name: str
    role: str | None
    contact: str | None
    last_at: datetime
    last_precision: Precision


class TypeCount(BaseModel):
    type: str
    count: int


class VisibilityOut(_Out):
    last_seen: EntryOut | None
    last_seen_alone: EntryOut | None
    last_voice: EntryOut | None
    agencies_90_days: list[str]
    counts_by_type: list[TypeCount] = Field(description="Most frequent first.")
    as_of: datetime

    @classmethod
    def of(cls, v: Visibility) -> VisibilityOut:
        values = {name: getattr(v, name) for name in cls.model_fields if name != "counts_by_type"}
        counts = [TypeCount(type=kind, count=n) for kind, n in v.counts_by_type]
        return cls.model_validate({**values, "counts_by_type": counts})


class ChildOut(_Out):
    person_id: int
    kind: str
    name: str
    names: list[RecordedOut]
    other_names: list[RecordedOut]
    dates_of_birth: list[RecordedOut] = Field(description="As sent: YYYY, YYYY-MM or YYYY-MM-DD.")
    sexes: list[RecordedOut]
    nhs_numbers: list[RecordedOut]
    upns: list[RecordedOut]
    addresses: list[AddressOut] = Field(description="Oldest first.")
    relatives: list[RelativeOut] = Field(description="Household and relationships, adults first.")
    status: StatusOut
    involved: list[InvolvedOut]
    visibility: VisibilityOut
    merged_person_ids: list[int]

    @classmethod
    def of(cls, record: ChildRecord) -> ChildOut:
        values = {name: getattr(record, name) for name in cls.model_fields if name != "visibility"}
        return cls.model_validate({**values, "visibility": VisibilityOut.of(record.visibility)})
