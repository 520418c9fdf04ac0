"""What each action on a leaving-care record records, validated before anything is stored.

As `steps`: one pydantic model per action; a bad field is refused with `ValidationFailed`
naming it; DfE codes (SSDA903 OC3, SW_REASON) are checked against `core.dfe_codes`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator

from joinedup.casework.steps import Details, Short, SwReason, Text, Words, _code, _message
from joinedup.core import dfe_codes
from joinedup.core.errors import FieldError, ValidationFailed

CLOSURE_REASONS = {
    "age": "Reached the end of support (21, or 25 on request)",
    "no_longer_required": "The young person no longer wants or needs support",
    "moved_away": "Moved to another authority's area, which took over",
    "died": "The young person died",
    "other": "Other",
}
ACTIVITIES = {
    "F1": "Higher education, full time", "P1": "Higher education, part time",
    "F2": "Other education, full time", "P2": "Other education, part time",
    "F4": "Apprenticeship, full time", "P4": "Apprenticeship, part time",
    "F5": "Training or employment, full time", "P5": "Training or employment, part time",
    "G4": "Not in education, training or employment: illness or disability",
    "G5": "Not in education, training or employment: other reasons",
    "G6": "Not in education, training or employment: pregnancy or parenting",
}  # fmt: skip
ACCOMMODATIONS = {
    "B": "With parents or relatives", "C": "Community home or other residential care",
    "D": "Semi-independent, transitional accommodation", "E": "Supported lodgings",
    "G": "Gone abroad", "H": "Deported", "K": "Ordinary lodgings, without support",
    "R": "Residence not known", "S": "No fixed abode, homeless", "T": "Foyer",
    "U": "Independent living", "V": "Emergency accommodation", "W": "Bed and breakfast",
    "X": "In custody", "Y": "Other accommodation", "Z": "With former foster carers",
}  # fmt: skip
IN_TOUCH = {
    "YES": "Yes, in touch", "NO": "No, not in touch", "DIED": "The young person has died",
    "REFU": "The young person refuses contact", "NREQ": "No longer requires services",
    "RHOM": "Returned home to parents for 6 months or more",
}  # fmt: skip


class Open(Details):
    """Open the record: the case the care was on (for the page's link back), if any."""

    case_id: int | None = None
    notes: Text = ""


class Adviser(Details):
    """The personal adviser from this day (an SSDA903 social worker episode continues)."""

    user_id: int | None = None
    label: Short
    team: Short
    sw_reason: SwReason = ""


class PathwayPlan(Details):
    """The pathway plan agreed (or a new one), or a review of it."""

    notes: Words


class KeepingInTouch(Details):
    """A contact with the young person, or the attempt: in touch (SSDA903 IN_TOUCH), their
    activity (ACTIV) and accommodation (the ACCOM letter, and whether it is suitable)."""

    in_touch: str
    activity: str = Field(default="", validate_default=True)
    accommodation: str = Field(default="", validate_default=True)
    suitable: bool | None = Field(default=None, validate_default=True)
    notes: Text = ""

    @field_validator("in_touch")
    @classmethod
    def _touch(cls, value: str) -> str:
        return _code(value, dfe_codes.IN_TOUCH, "an SSDA903 in-touch code")

    @field_validator("activity")
    @classmethod
    def _activity(cls, value: str, info: ValidationInfo) -> str:
        return _detail(value, dfe_codes.ACTIVITY, "an SSDA903 activity code", info)

    @field_validator("accommodation")
    @classmethod
    def _accommodation(cls, value: str, info: ValidationInfo) -> str:
        return _detail(value, dfe_codes.ACCOMMODATION, "an SSDA903 accommodation letter", info)

    @field_validator("suitable")
    @classmethod
    def _suitable(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        where = info.data.get("accommodation")
        if where and value is None:
            raise ValueError("say whether the accommodation is suitable")
        if not where and value is not None:
            raise ValueError("only with the accommodation")
        if where in dfe_codes.NEVER_SUITABLE and value:
            raise ValueError("no fixed abode and custody are never suitable accommodation")
        return value


def _detail(value: str, codes: frozenset[str], what: str, info: ValidationInfo) -> str:
    value = value.strip().upper()
    touch = info.data.get("in_touch")
    if touch in dfe_codes.NOT_IN_TOUCH_NO_DETAILS and value:
        raise ValueError("not recorded when the young person has died or returned home")
    if touch == "YES" and not value:
        raise ValueError("required when in touch")
    return value and _code(value, codes, what)


class Extension(Details):
    """Support continued to 25 at the young person's request."""

    notes: Words


class Closure(Details):
    reason: str
    notes: Text = ""

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        return _code(value, frozenset(CLOSURE_REASONS), "a reason the record closes")


MODELS: dict[str, type[Details]] = {
    "open": Open,
    "allocate_adviser": Adviser,
    "pathway_plan": PathwayPlan,
    "pathway_review": PathwayPlan,
    "keeping_in_touch": KeepingInTouch,
    "extend": Extension,
    "close": Closure,
}
ACTION_TITLES = {
    "open": "Open leaving care support",
    "allocate_adviser": "Allocate a personal adviser",
    "pathway_plan": "Record the pathway plan",
    "pathway_review": "Record a review of the pathway plan",
    "keeping_in_touch": "Record a contact: in touch, accommodation and activity",
    "extend": "Continue support to 25 at the young person's request",
    "close": "Close leaving care support",
}


def validate(action: str, fields: dict[str, Any]) -> Details:
    """The action's fields as its model, or ValidationFailed naming every bad field."""
    try:
        return MODELS[action].model_validate(fields)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(p) for p in err["loc"]) or "details", _message(err))
            for err in exc.errors()
        ]
        raise ValidationFailed("The details are not complete or not valid", errors) from None
