"""What each case action records: its fields, validated before anything is stored.

One pydantic model per action; a bad field is refused with a `ValidationFailed` naming it.
DfE codes are checked against `core.dfe_codes` and stored as they are.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
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


def _code(value: str, codes: frozenset[str], what: str) -> str:
    if value not in codes:
        raise ValueError(f"'{value}' is not {what}")
    return value


def _sw_reason(value: str) -> str:
    return value and _code(value, dfe_codes.SW_REASON, "an SSDA903 reason for a new social worker")


# Why a social worker (or personal adviser) took over: an SSDA903 SW_REASON, or blank.
SwReason = Annotated[Text, AfterValidator(_sw_reason)]

# A UK postcode's shape (outward code, space optional, inward code); blank when not known.
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
# An Ofsted URN: "SC" and 6 digits (a children's home) or 7 digits; XXXXXXX for an adoption
# agency (RAA) placement.
URN = re.compile(r"^(SC[0-9]{6}|[0-9]{6,7}|XXXXXXX)$")


class Where(Details):
    """Where a looked-after child lives: the placement (SSDA903 PLACE, PLACE_PROVIDER, URN,
    PL_POST), whether it is meant to last to 18, and, when it began with a change, the carers."""

    placement_type: str
    placement_provider: str
    urn: Text = Field(default="", validate_default=True)
    placement_postcode: Text = ""
    intended_to_18: bool = False

    @field_validator("placement_type")
    @classmethod
    def _place(cls, value: str) -> str:
        return _code(value, PLACEMENT_TYPES, "an SSDA903 placement type")

    @field_validator("placement_provider")
    @classmethod
    def _provider(cls, value: str, info: ValidationInfo) -> str:
        _code(value, dfe_codes.PLACEMENT_PROVIDER, "an SSDA903 placement provider (PR0–PR5)")
        if value == "PR0" and info.data.get("placement_type", "P1") != "P1":
            raise ValueError("PR0 (parents) is only for placement type P1")
        return value

    @field_validator("urn")
    @classmethod
    def _urn(cls, value: str, info: ValidationInfo) -> str:
        value = value.upper()
        if value and not URN.match(value):
            raise ValueError("an Ofsted URN is SC and 6 digits, 6 or 7 digits, or XXXXXXX")
        place = info.data.get("placement_type")
        if not value and place is not None and place not in dfe_codes.URN_NOT_NEEDED:
            raise ValueError(f"a {place} placement needs its Ofsted URN")
        return value

    @field_validator("placement_postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        return _postcode(value)


def _postcode(value: str) -> str:
    value = " ".join(value.upper().split())
    if value and not POSTCODE.match(value):
        raise ValueError("enter a full postcode, for example KF1 2AB")
    return value


class LookedAfter(Where):
    legal_status: str
    home_postcode: Text = ""
    # Unaccompanied asylum-seeking child (SSDA903 UASC).
    uasc: bool = False
    # The category of need (N1–N8); the case's primary need when not given.
    category_of_need: str | None = None
    # Permanence before this period of care (SSDA903 PrevPerm): Z1 none; else the authority
    # that made it (an LA code, or WAL, SCO, NIR, NUK) and its date. Blank: not yet known.
    previous_permanence: str = ""
    previous_permanence_la: Text = ""
    previous_permanence_on: date | None = Field(default=None, validate_default=True)

    @field_validator("legal_status")
    @classmethod
    def _legal(cls, value: str) -> str:
        return _code(value, dfe_codes.LEGAL_STATUS, "an SSDA903 legal status")

    @field_validator("home_postcode")
    @classmethod
    def _home(cls, value: str) -> str:
        return _postcode(value)

    @field_validator("previous_permanence")
    @classmethod
    def _permanence(cls, value: str) -> str:
        return value and _code(value, dfe_codes.PREVIOUS_PERMANENCE,
                               "an SSDA903 previous permanence code (P1–P4, Z1)")  # fmt: skip

    @field_validator("previous_permanence_on")
    @classmethod
    def _permanence_when(cls, value: date | None, info: ValidationInfo) -> date | None:
        code = info.data.get("previous_permanence") or "Z1"
        if code != "Z1" and (value is None or not info.data.get("previous_permanence_la")):
            raise ValueError(f"a previous permanence {code} needs the authority and its date")
        return value

    @field_validator("category_of_need")
    @classmethod
    def _need(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return _code(value, dfe_codes.CATEGORY_OF_NEED, "an SSDA903 category of need (N1–N8)")


class Placement(Where):
    reason_for_change: Words
    # Why the placement changed (SSDA903 REASON_PLACE_CHANGE); not asked of a temporary move.
    reason_code: str = Field(default="", validate_default=True)
    # The same carers in the new placement (a T or U episode rather than P or B).
    same_carer: bool = False
    # A new legal status at the same time as the move (a B or U episode), else none.
    legal_status: str | None = None

    @field_validator("reason_code")
    @classmethod
    def _reason(cls, value: str, info: ValidationInfo) -> str:
        if value:
            return _code(value, dfe_codes.REASON_PLACE_CHANGE,
                         "an SSDA903 reason for placement change")  # fmt: skip
        if info.data.get("placement_type", "T0") not in dfe_codes.TEMPORARY_PLACEMENTS:
            raise ValueError("choose the reason for the change")
        return value

    @field_validator("legal_status")
    @classmethod
    def _legal(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return _code(value, dfe_codes.LEGAL_STATUS, "an SSDA903 legal status")


class LegalStatus(Details):
    """A new legal status without a change of placement (an SSDA903 L episode)."""

    legal_status: str
    notes: Text = ""

    @field_validator("legal_status")
    @classmethod
    def _legal(cls, value: str) -> str:
        return _code(value, dfe_codes.LEGAL_STATUS, "an SSDA903 legal status")


class Missing(Details):
    """A looked-after child missing (M) or away without authorisation (A) from placement."""

    missing: str
    started_on: date
    ended_on: date | None = None
    notes: Text = ""

    @field_validator("ended_on")
    @classmethod
    def _order(cls, value: date | None, info: ValidationInfo) -> date | None:
        started = info.data.get("started_on")
        if value is not None and started is not None and value < started:
            raise ValueError("the end is before the start")
        return value

    @field_validator("missing")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _code(value, dfe_codes.MISSING, "M (missing) or A (away without authorisation)")


class Outcomes(Details):
    """A child's year in care as known at 31 March (SSDA903 OC2): health assessment,
    immunisations, dental check and substance misuse for every child looked after 12 months;
    the development check for under-5s, the SDQ (a score 0–40, or why none) for 4 to 16-year-olds,
    convictions for those 10 and over; for a substance misuse problem, whether an intervention was
    received and, if not, offered. Which ages each applies to is the export's and the
    validator's to check; here each value must be one the DfE accepts."""

    health_assessment: bool
    immunisations: bool
    teeth_check: bool
    substance_misuse: bool
    health_check: bool | None = None
    sdq_score: int | None = Field(default=None, ge=0, le=40)
    sdq_reason: str = ""
    convicted: bool | None = None
    intervention_received: bool | None = None
    intervention_offered: bool | None = Field(default=None, validate_default=True)

    @field_validator("sdq_reason")
    @classmethod
    def _sdq(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        _code(value, dfe_codes.SDQ_REASON, "an SSDA903 reason for no SDQ score (SDQ1–SDQ5)")
        if info.data.get("sdq_score") is not None:
            raise ValueError("a reason for no SDQ score is not given with a score")
        return value

    @field_validator("intervention_offered")
    @classmethod
    def _offered(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        received = info.data.get("intervention_received")
        if received is False and value is None:
            raise ValueError("say whether an intervention was offered")
        if received is not False and value is not None:
            raise ValueError("only when no intervention was received")
        return value


class AdoptionDecision(Details):
    """The decision that the child should be placed for adoption (SSDA903 PlacedAdoption), and
    when recorded again with the same date, the decision that they should no longer be."""

    decided_on: date
    ceased_on: date | None = None
    reason_placed_ceased: str = Field(default="", validate_default=True)

    @field_validator("ceased_on")
    @classmethod
    def _after(cls, value: date | None, info: ValidationInfo) -> date | None:
        decided = info.data.get("decided_on")
        if value is not None and decided is not None and value < decided:
            raise ValueError("not before the decision to place for adoption")
        return value

    @field_validator("reason_placed_ceased")
    @classmethod
    def _reason(cls, value: str, info: ValidationInfo) -> str:
        if value:
            _code(value, dfe_codes.REASON_PLACED_CEASED, "an SSDA903 reason (RD1–RD4)")
        ceased = info.data.get("ceased_on") is not None
        if ceased and not value:
            raise ValueError("choose why the child should no longer be placed for adoption")
        if value and not ceased:
            raise ValueError("give the date the decision was reversed too")
        return value


# What the adopters' legal status says of their sexes (SSDA903 rules 519, 520 and 522): a
# married couple of different sexes is MF, of the same sex MM or FF, a civil partnership a couple.
SEXES_OF_STATUS = {"L11": ("MF",), "L12": ("FF", "MM"), "L2": ("FF", "MF", "MM")}
ONE_ADOPTER = frozenset({"M1", "F1"})


def _adopters_agree(name: str | None, value: str, data: dict[str, Any]) -> None:
    """The adopters' number, sexes and legal status tell one story."""
    if name == "adopters_sex":
        count = data.get("adopters")
        if count is not None and (count == 1) != (value in ONE_ADOPTER):
            who = "one adopter" if value in ONE_ADOPTER else "a couple"
            raise ValueError(f"{value} is for {who}: the number of adopters given is {count}")
        return
    sexes, allowed = data.get("adopters_sex"), SEXES_OF_STATUS.get(value, ())
    if sexes and allowed and sexes not in allowed:
        raise ValueError(f"{value} needs the adopters' sexes {' or '.join(allowed)}, not {sexes}")


class EndLookedAfter(Details):
    """The end of a period of care; an adoption (E11, E12) with its SSDA903 AD1 details: the
    best-interest decision and the match, whether the adopters were the foster carers, how
    many, their sexes (M1, F1, MM, FF, MF) and legal status (L0–L4)."""

    reason_ceased: str
    notes: Text = ""
    adoption_decided_on: date | None = Field(default=None, validate_default=True)
    adoption_matched_on: date | None = Field(default=None, validate_default=True)
    adopted_by_foster_carers: bool | None = Field(default=None, validate_default=True)
    adopters: int | None = Field(default=None, ge=1, le=2, validate_default=True)
    adopters_sex: str = Field(default="", validate_default=True)
    adopters_legal_status: str = Field(default="", validate_default=True)

    @field_validator("adoption_decided_on", "adoption_matched_on", "adopted_by_foster_carers",
                     "adopters")  # fmt: skip
    @classmethod
    def _adoption(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.data.get("reason_ceased") in dfe_codes.ADOPTED:
            raise ValueError("an adoption needs this for the SSDA903 (AD1)")
        return value

    @field_validator("adopters_sex", "adopters_legal_status")
    @classmethod
    def _adopters(cls, value: str, info: ValidationInfo) -> str:
        codes = (dfe_codes.ADOPTERS_SEX if info.field_name == "adopters_sex"
                 else dfe_codes.ADOPTERS_LEGAL_STATUS)  # fmt: skip
        if value:
            value = _code(value, codes, f"one of {', '.join(sorted(codes))}")
            _adopters_agree(info.field_name, value, info.data)
            return value
        if info.data.get("reason_ceased") in dfe_codes.ADOPTED:
            raise ValueError("an adoption needs this for the SSDA903 (AD1)")
        return value

    @field_validator("reason_ceased")
    @classmethod
    def _code(cls, value: str) -> str:
        if value == "X1":
            raise ValueError("X1 is for an episode followed by another: record the change")
        return _code(value, dfe_codes.REASON_CEASED, "an SSDA903 reason episode ceased")


class Plan(Details):
    outcomes_sought: Words


class Review(Details):
    notes: Words


class ClaReview(Details):
    """A looked-after review, with how the child took part (SSDA903 REVIEW_CODE, PN0–PN7)."""

    notes: Words
    participation: str

    @field_validator("participation")
    @classmethod
    def _code(cls, value: str) -> str:
        return _code(value, dfe_codes.REVIEW_PARTICIPATION,
                     "an SSDA903 review participation code (PN0–PN7)")  # fmt: skip


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
    # Why the child's social worker changed (SSDA903 SW_REASON); blank when not said.
    sw_reason: SwReason = ""


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
    "legal_status": LegalStatus,
    "missing": Missing,
    "cla_outcomes": Outcomes,
    "adoption_decision": AdoptionDecision,
    "cla_review": ClaReview,
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
