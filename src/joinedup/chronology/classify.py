"""What an event means on a child's chronology: its severity, and whether the child was seen.

Pure functions of an event's type, agency and attributes, written down in `docs/chronology.md`
so that a practitioner can check why an entry reads as it does. Nothing here is a verdict: the
severity orders and filters a long chronology; it never hides an entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITIES = (HIGH, MEDIUM, LOW)

# The statutory steps of children's social care (EXCHANGE.md), in the order of the pathway.
STATUTORY = (
    "contact_outcome", "referral", "assessment", "strategy_discussion", "section47",
    "cp_conference", "cp_plan_start", "cp_plan_end", "cla_start", "cla_end", "case_closed",
)  # fmt: skip

_HIGH_TYPES = frozenset(
    {"disclosure", "section47", "strategy_discussion", "cp_conference", "cp_plan_start",
     "cla_start", "missing_episode", "weight_faltering"}
)  # fmt: skip
_LOW_TYPES = frozenset(
    {"note", "change_of_address", "change_of_school", "case_closed", "cp_plan_end", "cla_end",
     "contact_outcome"}
)  # fmt: skip
_HIGH_CATEGORIES = frozenset({"sexual", "physical", "exploitation", "radicalisation"})

# Types whose recording practitioner saw the child in person (docs/chronology.md).
_SEEN_TYPES = frozenset({"injury", "unscheduled_care", "weight_faltering", "disclosure"})
# A concern from these agencies is something a practitioner observed in the child.
_SEEN_BY_AGENCY = frozenset({"education", "early_years", "health"})
# Types that say the child was NOT seen: never counted as a sighting.
_NOT_SEEN_TYPES = frozenset({"was_not_brought", "school_absence", "missing_education"})


def severity(kind: str, attributes: Mapping[str, Any]) -> str:
    """high, medium or low: how much weight a reader should give the entry at a glance."""
    if kind in _HIGH_TYPES:
        return HIGH
    if kind == "domestic_abuse_incident":
        risky = attributes.get("risk_level") == "high" or attributes.get("physical_violence")
        return HIGH if risky or attributes.get("children_present") else MEDIUM
    if kind == "injury":
        doubtful = attributes.get("explanation_consistent") == "no"
        return HIGH if doubtful or attributes.get("child_mobile") == "no" else MEDIUM
    if kind == "adult_offence":
        return HIGH if attributes.get("against_child") or attributes.get("category") in {
            "violence", "sexual", "weapons"} else MEDIUM  # fmt: skip
    if kind in {"concern", "anonymous_report"}:
        return HIGH if attributes.get("category") in _HIGH_CATEGORIES else MEDIUM
    if kind == "school_absence":
        return MEDIUM if attributes.get("persistent") else LOW
    if kind == "exclusion":
        return MEDIUM if attributes.get("kind") == "permanent" else LOW
    return LOW if kind in _LOW_TYPES else MEDIUM


def seen(kind: str, agency: str, attributes: Mapping[str, Any]) -> bool:
    """Whether the recording practitioner saw the child in person.

    A source may say so explicitly with `child_seen` (ADR 0007); otherwise the type decides.
    """
    stated = attributes.get("child_seen")
    if isinstance(stated, bool):
        return stated
    if kind in _NOT_SEEN_TYPES:
        return False
    if kind == "concern":
        return agency in _SEEN_BY_AGENCY
    return kind in _SEEN_TYPES


def seen_alone(attributes: Mapping[str, Any]) -> bool:
    """Only a source that says so: being seen alone is never inferred."""
    return attributes.get("seen_alone") is True


def voice(kind: str, attributes: Mapping[str, Any]) -> bool:
    """Whether the child's own words or views were recorded: a disclosure, or a source says so."""
    stated = attributes.get("child_voice")
    if isinstance(stated, bool):
        return stated
    return kind == "disclosure"
