"""The exchange format, version 1 (EXCHANGE.md), as strict pydantic models.

Structure and types are checked here; dates, identifiers and attributes by `validation`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FORMAT = "joinedup/1"

Agency = Literal[
    "police",
    "health",
    "education",
    "early_years",
    "housing",
    "childrens_social_care",
    "probation",
    "youth_justice",
    "voluntary",
    "public",
    "other",
]
Relationship = Literal[
    "mother",
    "father",
    "step_parent",
    "parents_partner",
    "sibling",
    "grandparent",
    "other_relative",
    "foster_carer",
    "lodger",
    "household_member",
    "unrelated",
    "self",
]
Precision = Literal["year", "month", "day", "minute"]
Sensitivity = Literal["normal", "sensitive", "restricted"]

Text200 = Annotated[str, StringConstraints(max_length=200)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(max_length=40)]
PartialDateText = Annotated[str, StringConstraints(max_length=10)]
Moment = Annotated[str, StringConstraints(min_length=4, max_length=40)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(Strict):
    agency: Agency
    organisation: Name
    organisation_code: Short | None = None


class Author(Strict):
    name: Name
    role: Text200 | None = None
    contact: Text200 | None = None


class Address(Strict):
    lines: Annotated[list[Text200], Field(max_length=6, default_factory=list)]
    town: Annotated[str, StringConstraints(max_length=100)] | None = None
    postcode: Annotated[str, StringConstraints(max_length=16)] | None = None


class Subject(Strict):
    ref: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    role: Literal["child", "adult", "unborn"]
    relationship: Relationship | None = None
    given_names: Text200 | None = None
    family_name: Text200 | None = None
    other_names: Annotated[list[Text200], Field(max_length=20, default_factory=list)]
    date_of_birth: PartialDateText | None = None
    expected_date_of_delivery: PartialDateText | None = None
    sex: Literal["F", "M", "U", "I"] | None = None
    nhs_number: Annotated[str, StringConstraints(max_length=14)] | None = None
    upn: Annotated[str, StringConstraints(max_length=13)] | None = None
    local_ids: Annotated[
        dict[Short, Annotated[str, StringConstraints(max_length=100)]],
        Field(max_length=20, default_factory=dict),
    ]
    address: Address | None = None
    school_urn: Annotated[str, StringConstraints(max_length=16)] | None = None
    gp_practice_code: Annotated[str, StringConstraints(max_length=16)] | None = None
    language: Short | None = None
    ethnicity: Annotated[str, StringConstraints(max_length=8)] | None = None
    victim: bool | None = None
    perpetrator: bool | None = None


class ExchangeRecord(Strict):
    format: Literal["joinedup/1"]
    record_id: Name
    source: Source
    author: Author | None = None
    type: str  # checked against the event types with a clearer message than a long Literal
    occurred_at: Moment
    date_precision: Precision | None = None
    recorded_at: Moment | None = None
    summary: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
    attributes: dict[str, Any] = Field(default_factory=dict)
    sensitivity: Sensitivity = "normal"
    subjects: Annotated[list[Subject], Field(min_length=1, max_length=50)]
