"""What the people services hand to the faces: plain, typed, read-only views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from joinedup.people.linkage.types import Level


@dataclass(frozen=True, slots=True)
class IdentityView:
    """One identity a person was recorded with, and when (the model's features of it)."""

    id: int
    person_id: int
    features: dict[str, Any]
    first_seen: datetime
    last_seen: datetime
    mention_count: int


@dataclass(frozen=True, slots=True)
class LinkView:
    """One mention linked to the person, with the link's provenance."""

    mention_id: int
    event_id: int
    event_type: str
    agency: str
    occurred_at: datetime
    method: str
    match_weight: float | None
    match_probability: float | None
    model_version: str | None
    decided_by: str | None
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class MergeView:
    id: int
    from_person_id: int
    into_person_id: int
    moved_mention_ids: list[int]
    reason: str | None
    by: str
    at: datetime
    undone_at: datetime | None
    undone_by: str | None


@dataclass(frozen=True, slots=True)
class MembershipView:
    household_id: int
    postcode: str
    from_date: date
    to_date: date
    source: str


@dataclass(frozen=True, slots=True)
class RelationshipView:
    person_id: int
    related_person_id: int
    kind: str
    from_date: date
    to_date: date


@dataclass(frozen=True, slots=True)
class PersonDetail:
    id: int
    kind: str
    created_at: datetime
    merged_into_id: int | None  # the survivor, when this person was merged away
    absorbed_person_ids: list[int]  # persons merged into this one (their identities are here)
    identities: list[IdentityView]
    links: list[LinkView]
    merges: list[MergeView]
    households: list[MembershipView]
    relationships: list[RelationshipView]


@dataclass(frozen=True, slots=True)
class MentionView:
    """A mention's identity exactly as its source sent it, with its record's context."""

    mention_id: int
    event_id: int
    event_type: str
    agency: str
    occurred_at: datetime
    role: str
    given_names: str | None
    family_name: str | None
    other_names: list[str]
    date_of_birth: str | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    address: str | None
    postcode: str | None
    school_urn: str | None


@dataclass(frozen=True, slots=True)
class ReviewTaskSummary:
    id: int
    status: str
    reason: str
    mention_id: int
    person_id: int
    candidate_person_id: int
    match_probability: float | None
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    agency: str = ""  # the agency and type of the record whose subject the task is about
    event_type: str = ""


@dataclass(frozen=True, slots=True)
class ReviewTaskPage:
    items: list[ReviewTaskSummary]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True, slots=True)
class ReviewTaskDetail:
    """The two sides of a review and each comparison's contribution, in words."""

    task: ReviewTaskSummary
    rationale: str | None
    mention: MentionView
    candidate: list[IdentityView]  # the candidate person's identities
    compared_with: IdentityView | None  # the candidate identity the levels compare against
    levels: list[Level]
    match_weight: float | None
    match_probability: float | None
    guard: str | None
    model_version: str


@dataclass(frozen=True, slots=True)
class ChildMatch:
    """One child a search found: enough to choose the right child safely, and no more."""

    person_id: int
    kind: str  # child or unborn
    name: str | None  # the name most often recorded, as recorded
    other_names: bool  # whether the child has been recorded under other names too
    date_of_birth: str | None  # as precisely as known: "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    sex: str | None  # F or M when recorded
    district: str | None  # the outward code of the latest address's postcode ("LS1")
    agencies: int  # how many agencies know the child


@dataclass(frozen=True, slots=True)
class SearchResults:
    items: list[ChildMatch]  # best first, at most `limit`
    more: bool  # there may be more children matching than are shown: refine the search
    limit: int
    fields: list[str]  # the fields searched on (never their values)
