"""The attributes each event type may carry (EXCHANGE.md), as typed specifications.

Every attribute is optional (a source holds what it holds), but a known key must have the
right type and value. Unknown keys are kept and reported as warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joinedup.core import dfe_codes

CONCERN_CATEGORIES = (
    "neglect",
    "hunger",
    "hygiene",
    "physical",
    "emotional",
    "sexual",
    "behaviour",
    "supervision",
    "development",
    "exploitation",
    "online",
    "radicalisation",
    "other",
)


@dataclass(frozen=True)
class Spec:
    """One attribute: its JSON kind and, where it has them, its allowed values.

    Kinds: `boolean`, `string`, `number`, `integer`, `date`.
    """

    kind: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None

    def json_schema(self) -> dict[str, Any]:
        if self.kind == "date":
            return {"type": "string", "format": "date"}
        schema: dict[str, Any] = {"type": self.kind}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        return schema


BOOL = Spec("boolean")
TEXT = Spec("string")
YES_NO_UNKNOWN = Spec("string", ("yes", "no", "unknown"))
CONCERN = Spec("string", CONCERN_CATEGORIES)
NON_NEGATIVE = Spec("number", minimum=0)


def _codes(values: frozenset[str]) -> Spec:
    return Spec("string", tuple(sorted(values)))


_STATUTORY: dict[str, Spec] = {
    "outcome": TEXT,
    "category_of_abuse": _codes(dfe_codes.CATEGORY_OF_ABUSE),
    "legal_status": _codes(dfe_codes.LEGAL_STATUS),
    "reason": _codes(dfe_codes.REASON_FOR_CLOSURE),
}

ATTRIBUTES: dict[str, dict[str, Spec]] = {
    "domestic_abuse_incident": {
        "children_present": BOOL,
        "risk_level": Spec("string", ("standard", "medium", "high")),
        "physical_violence": BOOL,
        "arrest": BOOL,
    },
    "injury": {
        "body_site": TEXT,
        "explanation_consistent": YES_NO_UNKNOWN,
        "child_mobile": YES_NO_UNKNOWN,
        "medical_attention": BOOL,
    },
    "concern": {"category": CONCERN},
    "disclosure": {"category": CONCERN, "to_whom": TEXT},
    "was_not_brought": {
        "service": Spec(
            "string",
            ("gp", "health_visitor", "paediatrics", "dental", "immunisation", "antenatal", "other"),
        )
    },
    "weight_faltering": {"centile_drop": NON_NEGATIVE},
    "unscheduled_care": {
        "setting": Spec(
            "string",
            ("emergency_department", "urgent_care", "out_of_hours", "ambulance", "maternity"),
        ),
        "reason": TEXT,
    },
    "antenatal_concern": {"category": TEXT},
    "school_absence": {
        "sessions_missed": Spec("integer", minimum=0),
        "period_start": Spec("date"),
        "period_end": Spec("date"),
        "persistent": BOOL,
    },
    "missing_education": {},
    "elective_home_education": {},
    "exclusion": {"kind": Spec("string", ("suspension", "permanent"))},
    "change_of_school": {"from_urn": TEXT, "to_urn": TEXT},
    "missing_episode": {"duration_hours": NON_NEGATIVE, "returned": BOOL},
    "adult_offence": {
        "category": Spec("string", ("violence", "sexual", "drugs", "weapons", "other")),
        "against_child": BOOL,
    },
    "adult_risk": {
        "category": Spec(
            "string",
            (
                "substance_misuse",
                "mental_health",
                "learning_disability",
                "domestic_abuse_perpetrator",
            ),
        )
    },
    "housing": {
        "category": Spec("string", ("homelessness", "eviction", "overcrowding", "poor_conditions"))
    },
    "change_of_address": {"from_postcode": TEXT, "to_postcode": TEXT, "to_local_authority": TEXT},
    "change_of_household": {"change": Spec("string", ("adult_joined", "adult_left"))},
    "anonymous_report": {"category": CONCERN},
    "referral": {"referral_source": _codes(dfe_codes.REFERRAL_SOURCES)},
    **{
        statutory: _STATUTORY
        for statutory in (
            "contact_outcome",
            "assessment",
            "strategy_discussion",
            "section47",
            "cp_conference",
            "cp_plan_start",
            "cp_plan_end",
            "cla_start",
            "case_closed",
        )
    },
    # The end of a period of care gives its SSDA903 reason ceased (REC), not a CIN closure code.
    "cla_end": {**_STATUTORY, "reason": _codes(dfe_codes.REASON_CEASED)},
    "note": {},
}

EVENT_TYPES = tuple(ATTRIBUTES)
ADULT_ONLY_TYPES = frozenset({"adult_offence", "adult_risk"})
