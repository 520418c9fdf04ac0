"""What each case action records: its fields, validated before anything is stored.

One pydantic model per action; a bad field is refused with a `ValidationFailed` naming it.
DfE codes are checked against `core.dfe_codes` and stored as they are.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from joinedup.core import dfe_codes
from joinedup.core.errors import FieldError, ValidationFailed

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AGENCIES = (
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
)
# Working Together 2023: a strategy discussion involves at least these three.
STRATEGY_CORE = ("childrens_social_care", "police", "health")
# DfE assessment factor codes (CIN census `AssessmentFactors`, RETURNS.md).
FACTORS = frozenset(
    {"1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C",
     "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A",
     "14A", "15A", "16A", "17A", "18B", "18C", "19B", "19C", "20", "21", "22A", "23A", "24A"}
)  # fmt: skip
ABUSE = ("NEG", "PHY", "EMO", "SAB")
# SSDA903 placement types, the 2025-26 valid set (RETURNS.md).
PLACEMENT_TYPES = frozenset(
    {"A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0",
     "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14"}
)  # fmt: skip


class Details(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Attendee(Details):
    agency: str
    name: Short
    role: Short

    @model_validator(mode="after")
    def _agency(self) -> Attendee:
        if self.agency not in AGENCIES:
            raise ValueError(f"'{self.agency}' is not an agency")
        return self


class AssessmentDraft(Details):
    child_seen: bool | None = None
    seen_alone: bool | None = None
    child_views: Text = ""
    views_not_recorded_reason: Text = ""
    factors: list[str] = Field(default_factory=list)
    analysis: Text = ""
    primary_need: str | None = None
    # The child's disabilities as the assessment found them (DfE codes; NONE stands alone).
    disabilities: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _codes(self) -> AssessmentDraft:
        bad = [f for f in self.factors if f not in FACTORS]
        if bad:
            raise ValueError(f"not DfE assessment factor codes: {', '.join(bad)}")
        unknown = [d for d in self.disabilities if d not in dfe_codes.DISABILITY]
        if unknown:
            raise ValueError(f"not DfE disability codes: {', '.join(unknown)}")
        if "NONE" in self.disabilities and len(self.disabilities) > 1:
            raise ValueError("disability NONE (no disability) must stand alone")
        if len(set(self.disabilities)) != len(self.disabilities):
            raise ValueError("a disability is listed twice")
        if "21" in self.factors and len(self.factors) > 1:
            raise ValueError("factor 21 (no factors identified) must stand alone")
        if self.primary_need is not None and self.primary_need not in dfe_codes.PRIMARY_NEED:
            raise ValueError(f"'{self.primary_need}' is not a primary need code (N0–N9)")
        return self


class AssessmentComplete(AssessmentDraft):
    """A completed assessment says whether the child was seen, alone, and what they said."""

    child_seen: bool
    seen_alone: bool
    analysis: Words

    @model_validator(mode="after")
    def _voice(self) -> AssessmentComplete:
        if not self.child_views and not self.views_not_recorded_reason:
            raise ValueError("record the child's views, or the reason they were not recorded")
        if self.seen_alone and not self.child_seen:
            raise ValueError("a child seen alone was seen: tick 'child seen' too")
        return self


class StrategyDiscussion(Details):
    attendees: list[Attendee] = Field(min_length=1)
    reasons: Words

    @model_validator(mode="after")
    def _core(self) -> StrategyDiscussion:
        present = {a.agency for a in self.attendees}
        missing = [a for a in STRATEGY_CORE if a not in present]
        if missing:
            raise ValueError(
                "a strategy discussion needs children's social care, police and health; "
                f"missing: {', '.join(missing)}"
            )
        return self


class Section47(Details):
    findings: Words


class Booking(Details):
    booked_for: date
    venue: Text = ""


class Conference(Details):
    chair: Short
    attendees: list[Attendee] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    decision: Words

    @model_validator(mode="after")
    def _categories(self) -> Conference:
        bad = [c for c in self.categories if c not in ABUSE]
        if bad:
            raise ValueError(f"not categories of abuse: {', '.join(bad)} (NEG, PHY, EMO, SAB)")
        return self


class Meeting(Details):
    attendees: list[Attendee] = Field(default_factory=list)
    notes: Words


class Visit(Details):
    child_seen: bool
    seen_alone: bool
    child_views: Text = ""
    notes: Words

    @model_validator(mode="after")
    def _alone(self) -> Visit:
        if self.seen_alone and not self.child_seen:
            raise ValueError("a child seen alone was seen: tick 'child seen' too")
        return self


class LookedAfter(Details):
    legal_status: str
    placement_type: str
    placement_postcode: Text = ""
    intended_to_18: bool = False

    @model_validator(mode="after")
    def _codes(self) -> LookedAfter:
        if self.legal_status not in dfe_codes.LEGAL_STATUS:
            raise ValueError(f"'{self.legal_status}' is not an SSDA903 legal status")
        if self.placement_type not in PLACEMENT_TYPES:
            raise ValueError(f"'{self.placement_type}' is not an SSDA903 placement type")
        return self


class Placement(Details):
    placement_type: str
    placement_postcode: Text = ""
    intended_to_18: bool = False
    reason_for_change: Words

    @model_validator(mode="after")
    def _code(self) -> Placement:
        if self.placement_type not in PLACEMENT_TYPES:
            raise ValueError(f"'{self.placement_type}' is not an SSDA903 placement type")
        return self


class EndLookedAfter(Details):
    reason_ceased: str
    notes: Text = ""

    @model_validator(mode="after")
    def _code(self) -> EndLookedAfter:
        if self.reason_ceased not in dfe_codes.REASON_CEASED:
            raise ValueError(f"'{self.reason_ceased}' is not an SSDA903 reason episode ceased")
        return self


class Plan(Details):
    outcomes_sought: Words


class Review(Details):
    notes: Words


class Closure(Details):
    closure_reason: str
    notes: Text = ""

    @model_validator(mode="after")
    def _code(self) -> Closure:
        if self.closure_reason not in dfe_codes.REASON_FOR_CLOSURE:
            raise ValueError(f"'{self.closure_reason}' is not a DfE reason for closure (RC1–RC9)")
        return self


class Oversight(Details):
    kind: str = "oversight"  # oversight | supervision | sign_off
    risk_analysis: Words
    decisions: Words

    @model_validator(mode="after")
    def _kind(self) -> Oversight:
        if self.kind not in ("oversight", "supervision", "sign_off"):
            raise ValueError("kind must be oversight, supervision or sign_off")
        return self


class Allocation(Details):
    user_id: int | None = None
    label: Short
    team: Short
    manager_label: Text = ""


MODELS: dict[str, type[Details]] = {
    "save_assessment": AssessmentDraft,
    "complete_assessment": AssessmentComplete,
    "strategy_discussion": StrategyDiscussion,
    "complete_section47": Section47,
    "book_conference": Booking,
    "initial_conference": Conference,
    "review_conference": Conference,
    "core_group": Meeting,
    "visit": Visit,
    "start_looked_after": LookedAfter,
    "placement": Placement,
    "cla_review": Review,
    "end_looked_after": EndLookedAfter,
    "cin_plan": Plan,
    "cin_review": Review,
    "close": Closure,
    "oversight": Oversight,
    "allocate": Allocation,
}


def validate(action: str, fields: dict[str, Any]) -> Details:
    """The action's fields as its model, or ValidationFailed naming every bad field."""
    model = MODELS[action]
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(p) for p in err["loc"]) or "details", _message(err))
            for err in exc.errors()
        ]
        raise ValidationFailed("The details are not complete or not valid", errors) from None


def _message(err: Any) -> str:
    message = str(err["msg"])
    return message.removeprefix("Value error, ")
