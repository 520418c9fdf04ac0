"""What the chronology bench's records are: a weighted catalogue of event kinds, as the agencies
of an authority send them, and the time line of one measured family. Pure and seeded; no database.

A kind is an agency, a type, its attributes, and who the record is about (`subjects`, one letter
a subject: `c` a child, `a` an adult; the first subject is the one the record is filed under).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

AGENCIES = (
    "police", "health", "education", "early_years", "housing", "childrens_social_care",
    "probation", "youth_justice", "voluntary", "public", "other",
)  # fmt: skip
ORGS_PER_AGENCY = 4
AUTHORS_PER_ORG = 40
SLOTS = 1000  # the catalogue expanded to this many equally likely slots
START = datetime(2016, 1, 1, tzinfo=UTC)  # events occur over the ten years from here
SPAN_S = 10 * 365 * 86_400
# date_precision by share (per cent): most records carry a time, some only a day, month or year.
PRECISION = (("minute", 85), ("day", 8), ("month", 5), ("year", 2))


@dataclass(frozen=True, slots=True)
class Kind:
    agency: str
    type: str
    attributes: str  # JSON text
    weight: int  # relative frequency among all records
    subjects: tuple[tuple[str, int], ...]  # (subject pattern, weight)


def _k(agency: str, kind: str, attrs: str, weight: int, *subjects: tuple[str, int]) -> Kind:
    return Kind(agency, kind, attrs, weight, subjects or (("c", 1),))


# The exchange format lets only these types be about adults alone; every other record names a
# child (or, for antenatal concerns, an unborn child: a child subject here).
ADULT_ALONE = frozenset({"adult_offence", "adult_risk"})
C, CA, CAC, A = ("c", 6), ("ca", 3), ("cac", 1), ("a", 1)
KINDS = (
    _k("police", "domestic_abuse_incident",
       '{"children_present": true, "risk_level": "high", "physical_violence": true}', 25,
       ("ca", 1), ("cac", 1)),
    _k("police", "domestic_abuse_incident",
       '{"children_present": false, "risk_level": "standard"}', 35, ("ca", 2), ("cac", 1)),
    _k("police", "missing_episode", '{"duration_hours": 6, "returned": true}', 20, C),
    _k("police", "concern", '{"category": "exploitation"}', 15, C, CA),
    _k("police", "adult_offence", '{"category": "violence", "against_child": false}', 20, A),
    _k("police", "note", "{}", 15, C, CA),
    _k("health", "was_not_brought", '{"service": "gp"}', 60, C, CA),
    _k("health", "unscheduled_care",
       '{"setting": "emergency_department", "reason": "fall"}', 45, C, CA),
    _k("health", "injury", '{"body_site": "arm", "explanation_consistent": "yes"}', 20, C, CA),
    _k("health", "injury",
       '{"body_site": "face", "explanation_consistent": "no", "child_mobile": "no"}', 4, CA),
    _k("health", "weight_faltering", '{"centile_drop": 2}', 6, C),
    _k("health", "antenatal_concern", '{"category": "substance_misuse"}', 5, CA),
    _k("health", "concern", '{"category": "neglect"}', 30, C, CA),
    _k("health", "adult_risk", '{"category": "mental_health"}', 25, A),
    _k("health", "note", "{}", 60, C, CA),
    _k("education", "school_absence",
       '{"sessions_missed": 14, "persistent": true, "period_start": "2024-01-08"}', 90, C),
    _k("education", "school_absence", '{"sessions_missed": 3, "persistent": false}', 70, C),
    _k("education", "concern", '{"category": "hunger"}', 50, C),
    _k("education", "concern", '{"category": "emotional", "child_seen": true}', 35, C),
    _k("education", "disclosure", '{"category": "physical", "to_whom": "teacher"}', 6, C),
    _k("education", "exclusion", '{"kind": "suspension"}', 15, C),
    _k("education", "change_of_school", '{"from_urn": "100001", "to_urn": "100002"}', 8, C),
    _k("education", "missing_education", "{}", 4, C),
    _k("early_years", "concern", '{"category": "development"}', 20, C, CA),
    _k("early_years", "injury", '{"body_site": "leg", "explanation_consistent": "yes"}', 6, C),
    _k("housing", "housing", '{"category": "overcrowding"}', 20, CA),
    _k("housing", "change_of_address", '{"to_postcode": "TS1 1AA"}', 15, CA, CAC),
    _k("childrens_social_care", "contact_outcome", '{"outcome": "nfa"}', 30, C, CA),
    _k("childrens_social_care", "referral", '{"referral_source": "2A"}', 20, CA),
    _k("childrens_social_care", "assessment", '{"outcome": "cin"}', 15, CA),
    _k("childrens_social_care", "strategy_discussion", "{}", 6, CA),
    _k("childrens_social_care", "section47", '{"outcome": "conference"}', 5, CA),
    _k("childrens_social_care", "cp_conference", "{}", 4, CA),
    _k("childrens_social_care", "cp_plan_start", '{"category_of_abuse": "N"}', 3, C),
    _k("childrens_social_care", "cp_plan_end", "{}", 2, C),
    _k("childrens_social_care", "cla_start", '{"legal_status": "C2"}', 1, C),
    _k("childrens_social_care", "change_of_household", '{"change": "adult_joined"}', 4, CA),
    _k("childrens_social_care", "note", '{"child_seen": true, "seen_alone": true}', 40, C, CA),
    _k("probation", "adult_offence", '{"category": "drugs"}', 12, A),
    _k("probation", "adult_risk", '{"category": "domestic_abuse_perpetrator"}', 8, A),
    _k("youth_justice", "concern", '{"category": "exploitation"}', 8, C),
    _k("voluntary", "concern", '{"category": "supervision"}', 10, C, CA),
    _k("public", "anonymous_report", '{"category": "neglect"}', 5, CAC, CA),
    _k("other", "note", "{}", 5, C),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Slot:
    slot: int
    agency_index: int
    agency: str
    type: str
    attributes: str
    subjects: str


def slots(seed: int) -> list[Slot]:
    """The catalogue as SLOTS equally likely slots, each kind's share by its weight (seeded)."""
    rng = random.Random(seed)
    total = sum(k.weight for k in KINDS)
    expanded: list[tuple[Kind, str]] = []
    for kind in KINDS:
        share = max(1, round(kind.weight * SLOTS / total))
        patterns = [p for p, _ in kind.subjects]
        weights = [w for _, w in kind.subjects]
        expanded += [(kind, rng.choices(patterns, weights)[0]) for _ in range(share)]
    rng.shuffle(expanded)
    while len(expanded) < SLOTS:  # rounding: top up with the commonest kinds
        expanded.append(expanded[len(expanded) % len(KINDS)])
    return [
        Slot(i, AGENCIES.index(k.agency), k.agency, k.type, k.attributes, pattern)
        for i, (k, pattern) in enumerate(expanded[:SLOTS])
    ]


def precision_of(share: int) -> str:
    """date_precision for a number in 0..99 (PRECISION's shares)."""
    bound = 0
    for name, percent in PRECISION:
        bound += percent
        if share < bound:
            return name
    return PRECISION[-1][0]


def truncated(at: datetime, precision: str) -> datetime:
    """An instant as a source of that precision sends it (`2011-03` is 1 March 2011, 00:00)."""
    if precision == "minute":
        return at.replace(second=0, microsecond=0)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if precision == "day":
        return day
    return day.replace(day=1) if precision == "month" else day.replace(month=1, day=1)


# -- one measured family ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planned:
    """One record of a measured family: its kind, when, and who it is about (family roles)."""

    slot: Slot
    occurred_at: datetime
    precision: str
    subjects: tuple[str, ...]  # "child", "duplicate", "sibling", "mother", "partner"
    sensitivity: str
    versions: int  # 2: the record was amended; only the second version is current


FAMILY_ROLES = ("child", "duplicate", "sibling", "mother", "partner")


def family_records(rng: random.Random, catalogue: list[Slot], child_events: int) -> list[Planned]:
    """A measured family's records: `child_events` about the child (a few filed under a
    duplicate person later merged into the child; many also about the mother, the sibling or
    the partner), and the sibling's, mother's and partner's own records without the child."""
    childish = [s for s in catalogue if s.subjects[0] == "c"]
    adultish = [s for s in catalogue if s.subjects[0] == "a"]
    planned = []
    for _ in range(child_events):
        slot = rng.choice(childish)
        who = ["duplicate" if rng.random() < 0.01 else "child"]
        if "a" in slot.subjects or rng.random() < 0.2:
            who.append("mother" if rng.random() < 0.8 else "partner")
        if rng.random() < 0.3:
            who.append("sibling")
        planned.append(_planned(rng, slot, who))
    for role, count, pool in (("sibling", child_events // 7, childish),
                              ("mother", child_events // 8, adultish),
                              ("partner", child_events // 13, adultish)):  # fmt: skip
        planned += [_planned(rng, rng.choice(pool), [role]) for _ in range(count)]
    return planned


def _planned(rng: random.Random, slot: Slot, who: list[str]) -> Planned:
    at = START + timedelta(seconds=rng.randrange(SPAN_S))
    precision = precision_of(rng.randrange(100))
    sensitivity = "sensitive" if slot.agency == "health" and rng.random() < 0.1 else "normal"
    if rng.random() < 0.002:
        sensitivity = "restricted"
    versions = 2 if rng.random() < 0.02 else 1
    return Planned(slot, truncated(at, precision), precision, tuple(who), sensitivity, versions)
