"""What the front-door and casework pages share: the posted form, dates, the authority, errors.

The forms for a case's actions are built from `casework.steps.MODELS`, so a page offers exactly
the fields the service validates; a submitted form becomes the `fields` dict `service.act` takes.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Depends, Request
from starlette.datastructures import FormData

from joinedup.casework import steps
from joinedup.casework.chronicle import Authority
from joinedup.core import dfe_codes
from joinedup.core.errors import JoinedUpError
from joinedup.web.deps import settings_of

ATTENDEE_ROWS = 4
AGENCY_TITLES = {
    "police": "Police",
    "health": "Health",
    "education": "Education",
    "early_years": "Early years",
    "housing": "Housing",
    "childrens_social_care": "Children's social care",
    "probation": "Probation",
    "youth_justice": "Youth justice",
    "voluntary": "Voluntary sector",
    "public": "Member of the public",
    "other": "Other",
}
CATEGORY_TITLES = {"NEG": "Neglect", "PHY": "Physical abuse", "EMO": "Emotional abuse",
                   "SAB": "Sexual abuse"}  # fmt: skip
LABELS = {
    "child_seen": "Was the child seen?",
    "seen_alone": "Was the child seen alone?",
    "child_views": "The child's views, in their words",
    "views_not_recorded_reason": "If the child's views are not recorded, why not",
    "factors": "Assessment factors (DfE codes, separated by commas)",
    "analysis": "Analysis",
    "primary_need": "Primary need code",
    "disabilities": "Disabilities (DfE codes, separated by commas; NONE if none)",
    "attendees": "Who attended",
    "reasons": "Reasons for the discussion",
    "findings": "Findings of the enquiry",
    "booked_for": "Date booked for",
    "venue": "Venue",
    "chair": "Chair",
    "categories": "Categories of abuse",
    "decision": "Decision and plan",
    "notes": "Notes",
    "legal_status": "Legal status (SSDA903 code)",
    "placement_type": "Placement type (SSDA903 code)",
    "placement_postcode": "Placement postcode",
    "placement_provider": "Placement provider (SSDA903 code)",
    "urn": "Ofsted URN of the placement (not needed for P1, P3, R1, R2, R5, T0–T4, Z11–Z14)",
    "home_postcode": "Postcode of the child's home when they became looked after",
    "uasc": "Is the child an unaccompanied asylum-seeking child?",
    "category_of_need": "Category of need (N1–N8; the case's primary need if left blank)",
    "reason_code": "Reason for the placement change (SSDA903 code)",
    "previous_permanence": "Permanence before coming into care (SSDA903 code; Z1 if none)",
    "health_assessment": "Was the child's health assessment up to date?",
    "immunisations": "Were the child's immunisations up to date?",
    "teeth_check": "Has the child had a dental check in the year?",
    "substance_misuse": "Was a substance misuse problem identified?",
    "health_check": "Under 5: were development assessments up to date?",
    "sdq_score": "SDQ score (0 to 40; ages 4 to 16)",
    "sdq_reason": "If there is no SDQ score, why not (SSDA903 code)",
    "convicted": "Aged 10 or over: convicted or subject to a youth caution in the year?",
    "intervention_received": "If a substance misuse problem: was an intervention received?",
    "intervention_offered": "If none was received: was one offered?",
    "decided_on": "Date of the decision that the child should be placed for adoption",
    "adoption_decided_on": "Adoption: date of the decision it is in the child's best interest",
    "adoption_matched_on": "Adoption: date the child was matched with the adopters",
    "adopted_by_foster_carers": "Adoption: were the adopters the child's foster carers?",
    "adopters": "Adoption: how many adopters (1 or 2)",
    "adopters_sex": "Adoption: the adopters' sex (M1, F1, MM, FF, MF)",
    "adopters_legal_status": "Adoption: the adopters' legal status (L0–L4)",
    "ceased_on": "Date of the decision that the child should no longer be (if reversed)",
    "reason_placed_ceased": "Why the child should no longer be placed for adoption (code)",
    "previous_permanence_la": "Authority that made it (LA code, or WAL, SCO, NIR, NUK)",
    "previous_permanence_on": "Date it was made",
    "same_carer": "Does the child stay with the same carers?",
    "participation": "How the child took part (SSDA903 code; PN0 if under 4)",
    "missing": "Missing (M) or away without authorisation (A)",
    "started_on": "Date it started",
    "ended_on": "Date it ended (leave blank if the child is still missing or away)",
    "sw_reason": "Reason for the change of social worker (SSDA903 code)",
    "intended_to_18": "Is the placement intended to last until the child is 18?",
    "reason_for_change": "Reason for the change",
    "reason_ceased": "Reason the episode ceased (SSDA903 code)",
    "outcomes_sought": "Outcomes sought",
    "closure_reason": "Reason for closure (DfE code)",
    "kind": "Kind of record",
    "risk_analysis": "Analysis of risk",
    "decisions": "Decisions and actions",
    "user_id": "Worker's account number",
    "label": "Worker's account name",
    "team": "Team",
    "manager_label": "Team manager's account name",
    "rationale": "Rationale",
    "late_reason": "Why it is late",
    "urgency": "Urgency",
    "question": "Question",
    "organisation": "Organisation",
    "agency": "Agency",
    "reply": "Reply",
    "replied_by": "Who replied",
    "note": "Note",
    "message": "Message",
    "on": "Date",
}
CHOICES: dict[str, list[str]] = {
    "primary_need": sorted(dfe_codes.PRIMARY_NEED),
    "legal_status": sorted(dfe_codes.LEGAL_STATUS),
    "placement_type": sorted(steps.PLACEMENT_TYPES),
    "reason_ceased": sorted(dfe_codes.REASON_CEASED),
    "closure_reason": sorted(dfe_codes.REASON_FOR_CLOSURE),
    "kind": ["oversight", "supervision", "sign_off"],
    "placement_provider": sorted(dfe_codes.PLACEMENT_PROVIDER),
    "category_of_need": sorted(dfe_codes.CATEGORY_OF_NEED),
    "reason_code": sorted(dfe_codes.REASON_PLACE_CHANGE),
    "participation": sorted(dfe_codes.REVIEW_PARTICIPATION),
    "missing": sorted(dfe_codes.MISSING),
    "previous_permanence": sorted(dfe_codes.PREVIOUS_PERMANENCE),
    "sdq_reason": sorted(dfe_codes.SDQ_REASON),
    "adopters_sex": sorted(dfe_codes.ADOPTERS_SEX),
    "adopters_legal_status": sorted(dfe_codes.ADOPTERS_LEGAL_STATUS),
    "reason_placed_ceased": sorted(dfe_codes.REASON_PLACED_CEASED),
    "sw_reason": sorted(dfe_codes.SW_REASON),
}
CODES = {"factors", "disabilities"}  # lists of DfE codes, typed separated by commas
SHORT = {
    "chair",
    "venue",
    "label",
    "team",
    "manager_label",
    "placement_postcode",
    "urn",
    "home_postcode",
}


async def form_data(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(form_data)]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def authority(request: Request) -> Authority:
    settings = settings_of(request)
    return Authority(settings.authority_name, settings.authority_code)


def day_from(form: FormData, name: str) -> tuple[date | None, str | None]:
    """A GOV.UK date input's three boxes as a date: (None, None) when all are blank."""
    parts = [text(form, f"{name}-{p}").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, None
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, "must be a real date, for example 27 3 2026"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), None
    except ValueError:
        return None, "must be a real date, for example 27 3 2026"


def date_values(value: date | str | None) -> dict[str, str]:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return {}
    if value is None:
        return {}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


def errors_of(
    exc: JoinedUpError, prefix: str = "", default: str = "", *, labelled: bool = True
) -> dict[str, str]:
    """A domain error as field id → message, for the error summary and the fields (each
    message led by its field's label unless the messages are sentences already)."""
    found: dict[str, str] = {}
    for e in exc.errors:
        name = f"{prefix}{e.field.replace('.', '-')}" if e.field else default
        message = _sentence(e.field, e.message) if labelled else e.message
        found.setdefault(name or default, message)
    return found or {default: exc.message}


def _sentence(field: str, message: str) -> str:
    first = field.split(".")[0] if field else ""
    if not first or first == "details":
        return message
    label = LABELS.get(first, first.replace("_", " ").capitalize())
    if message.lower().startswith(label.lower()):
        return message
    return f"{label}: {message[:1].lower()}{message[1:]}"


# -- the fields of a case action, from its model ---------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text | textarea | yesno | date | checkboxes | select | attendees | codes | number
    required: bool
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ActionForm:
    """One action's form (a case's or a leaving-care record's), with what to show in it."""

    action: str
    title: str
    outcomes: list[tuple[str, str]]
    fields: list[Field]
    shown: dict[str, Any]
    open: bool


def fields_of(action: str) -> list[Field]:
    model = steps.MODELS[action]
    return [_field(name, info.annotation, info.is_required()) for name, info in
            model.model_fields.items()]  # fmt: skip


def _field(name: str, annotation: Any, required: bool) -> Field:
    label = LABELS.get(name, name.replace("_", " ").capitalize())
    inner = _unwrap(annotation)
    if name == "attendees":
        return Field(name, label, "attendees", required)
    if name == "categories":
        return Field(name, label, "checkboxes", required, tuple(CATEGORY_TITLES.items()))
    if name in CODES:
        return Field(name, label, "codes", required)
    if name in CHOICES:
        return Field(name, label, "select", required, tuple((c, c) for c in CHOICES[name]))
    if inner is bool:
        return Field(name, label, "yesno", required)
    if inner is date:
        return Field(name, label, "date", required)
    if inner is int:
        return Field(name, label, "number", required)
    return Field(name, label, "text" if name in SHORT else "textarea", required)


def _unwrap(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        found = [a for a in get_args(annotation) if a is not type(None)]
        return _unwrap(found[0]) if len(found) == 1 else annotation
    return annotation


def parse_fields(
    form: FormData, action: str, prefix: str
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """The action's `fields` for the service, any date errors, and the values to show again."""
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    for f in fields_of(action):
        key = f"{prefix}{f.name}"
        if f.kind == "attendees":
            rows = [_attendee(form, f"{key}-{i}") for i in range(ATTENDEE_ROWS)]
            shown[f.name] = rows
            fields[f.name] = [r for r in rows if any(r.values())]
        elif f.kind == "checkboxes":
            shown[f.name] = fields[f.name] = [v for v in form.getlist(key) if isinstance(v, str)]
        elif f.kind == "codes":
            shown[f.name] = text(form, key)
            fields[f.name] = [c.strip().upper() for c in shown[f.name].split(",") if c.strip()]
        elif f.kind == "date":
            value, problem = day_from(form, key)
            shown[f.name] = {p: text(form, f"{key}-{p}") for p in ("day", "month", "year")}
            if problem:
                errors[f"{key}-day"] = f"{f.label}: {problem}"
            elif value is not None:
                fields[f.name] = value.isoformat()
        elif f.kind == "yesno":
            shown[f.name] = text(form, key)
            if shown[f.name] in ("yes", "no"):
                fields[f.name] = shown[f.name] == "yes"
        elif f.kind == "number":
            shown[f.name] = text(form, key).strip()
            if shown[f.name]:
                fields[f.name] = int(shown[f.name]) if shown[f.name].isdigit() else shown[f.name]
        else:
            shown[f.name] = text(form, key)
            if shown[f.name].strip() or f.kind != "select":
                fields[f.name] = shown[f.name]
            if f.kind == "select" and not shown[f.name].strip():
                fields.pop(f.name, None)
    return fields, errors, shown


def _attendee(form: FormData, key: str) -> dict[str, str]:
    return {p: text(form, f"{key}-{p}").strip() for p in ("agency", "name", "role")}


def shown_from(action: str, details: dict[str, Any]) -> dict[str, Any]:
    """A saved step's details as the values its form shows (an assessment's draft)."""
    shown: dict[str, Any] = {}
    for f in fields_of(action):
        value = details.get(f.name)
        if f.kind == "yesno":
            shown[f.name] = "" if value is None else ("yes" if value else "no")
        elif f.kind == "codes":
            shown[f.name] = ", ".join(value or [])
        elif f.kind == "date":
            shown[f.name] = date_values(value)
        else:
            shown[f.name] = "" if value is None else value
    return shown
