"""The shapes of the identity review and persons API: requests, and responses from the views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from joinedup.people.views import (
    IdentityView,
    PersonDetail,
    ReviewTaskDetail,
    ReviewTaskPage,
    ReviewTaskSummary,
)
from joinedup.web import matching

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Key = Annotated[int, Field(ge=1, le=2**63 - 1)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- requests ---------------------------------------------------------------------------------


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["confirm", "reject"] = Field(
        description="confirm: the same person (merged); reject: different people."
    )
    rationale: Reason = Field(description="Why, in words kept with the decision and audited.")


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Reason


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into_person_id: Key = Field(description="The person who remains; this one is merged into it.")
    reason: Reason


# -- responses --------------------------------------------------------------------------------


class ErrorOut(BaseModel):
    code: str
    message: str
    field: str | None = Field(description="The field at fault, where there is one.")


class ErrorsOut(BaseModel):
    """Every error answer's shape: `{"errors": [{"code", "message", "field"}]}`."""

    errors: list[ErrorOut]


class ReviewTaskOut(_Out):
    id: int
    status: Literal["open", "confirmed", "rejected"]
    reason: str = Field(description="Why the task was raised.")
    mention_id: int
    person_id: int = Field(description="The person the new record was given while it waits.")
    candidate_person_id: int = Field(description="The known person it might be.")
    match_probability: float | None
    strength: str = Field(description="The probability in words: very strong, strong, possible.")
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None

    @classmethod
    def of(cls, task: ReviewTaskSummary | Any) -> ReviewTaskOut:
        """From the service's summary, or the task a decision returns."""
        values = {name: getattr(task, name) for name in cls.model_fields if name != "strength"}
        return cls.model_validate({**values, "strength": matching.strength(task.match_probability)})


class ReviewTaskList(BaseModel):
    items: list[ReviewTaskOut]
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, found: ReviewTaskPage) -> ReviewTaskList:
        items = [ReviewTaskOut.of(t) for t in found.items]
        return cls(items=items, total=found.total, page=found.page, per_page=found.per_page)


class MentionOut(_Out):
    mention_id: int
    event_id: int
    event_type: str
    agency: str
    occurred_at: datetime
    role: str
    given_names: str | None
    family_name: str | None
    other_names: list[str]
    date_of_birth: str | None = Field(description="As sent: YYYY, YYYY-MM or YYYY-MM-DD.")
    sex: str | None
    nhs_number: str | None
    upn: str | None
    address: str | None
    postcode: str | None
    school_urn: str | None


class IdentityOut(_Out):
    id: int
    person_id: int
    features: dict[str, Any] = Field(description="The identity as the linkage model compares it.")
    first_seen: datetime
    last_seen: datetime
    mention_count: int


class ComparisonOut(BaseModel):
    comparison: str
    title: str
    label: str = Field(description="The level the pair reached, e.g. 'one part different'.")
    text: str = Field(description="The level in words a practitioner understands.")
    weight: float = Field(description="Contribution to the match weight (log2 Bayes factor).")
    evidence: str = Field(description="The weight in words, 'strong evidence for' and so on.")


class ReviewTaskDetailOut(BaseModel):
    task: ReviewTaskOut
    rationale: str | None = Field(description="Why it was decided, or why it was reopened.")
    mention: MentionOut
    candidate: list[IdentityOut]
    compared_with: IdentityOut | None
    comparisons: list[ComparisonOut]
    starting_weight: float | None = Field(
        description="The match weight before any comparison (the prior): the rest is the sum "
        "of the comparisons' weights."
    )
    match_weight: float | None
    match_probability: float | None
    guard: str | None = Field(description="Why the pair must never be linked automatically.")
    model_version: str

    @classmethod
    def of(cls, detail: ReviewTaskDetail) -> ReviewTaskDetailOut:
        return cls(
            task=ReviewTaskOut.of(detail.task),
            rationale=detail.rationale,
            mention=MentionOut.model_validate(detail.mention),
            candidate=[_identity(i) for i in detail.candidate],
            compared_with=_identity(detail.compared_with) if detail.compared_with else None,
            comparisons=[
                ComparisonOut(
                    comparison=lv.comparison,
                    title=matching.comparison_title(lv.comparison),
                    label=lv.label,
                    text=lv.text,
                    weight=lv.weight,
                    evidence=matching.evidence(lv.weight),
                )
                for lv in detail.levels
            ],
            starting_weight=(
                None
                if detail.match_weight is None or not detail.levels
                else round(matching.starting_weight(detail.match_weight, detail.levels), 2)
            ),
            match_weight=detail.match_weight,
            match_probability=detail.match_probability,
            guard=detail.guard,
            model_version=detail.model_version,
        )


class LinkOut(_Out):
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


class MergeOut(_Out):
    id: int
    from_person_id: int
    into_person_id: int
    moved_mention_ids: list[int]
    reason: str | None
    by: str
    at: datetime
    undone_at: datetime | None
    undone_by: str | None


class MembershipOut(_Out):
    household_id: int
    postcode: str
    from_date: date
    to_date: date
    source: str


class RelationshipOut(_Out):
    person_id: int
    related_person_id: int
    kind: str
    from_date: date
    to_date: date


class PersonOut(_Out):
    id: int
    kind: str
    created_at: datetime
    merged_into_id: int | None = Field(description="The survivor, when merged into another.")
    absorbed_person_ids: list[int]
    identities: list[IdentityOut]
    links: list[LinkOut]
    merges: list[MergeOut]
    households: list[MembershipOut]
    relationships: list[RelationshipOut]

    @classmethod
    def of(cls, person: PersonDetail) -> PersonOut:
        return cls.model_validate(person)


def _identity(view: IdentityView) -> IdentityOut:
    return IdentityOut.model_validate(view)
