"""Health records: maternity, health visiting, emergency care, missed appointments, adults."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.demo.agencies import Org
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.timeutil import YEAR, daytime, iso_day, iso_dt

_ED_REASONS = (
    (
        1,
        (
            "fever and poor feeding",
            "bronchiolitis",
            "fall from changing table",
            "vomiting",
            "head injury after a fall from a bed",
        ),
    ),
    (
        5,
        (
            "fall from furniture",
            "febrile convulsion",
            "ingestion of a household product",
            "burn from a hot drink",
            "asthma attack",
            "laceration to the forehead",
        ),
    ),
    (
        13,
        (
            "fractured wrist after a fall",
            "sports injury to the ankle",
            "asthma",
            "abdominal pain",
            "allergic reaction",
            "laceration from broken glass",
        ),
    ),
    (
        18,
        (
            "self-harm (superficial cuts)",
            "alcohol intoxication",
            "assault: facial injuries",
            "overdose of paracetamol",
            "sports injury",
            "abdominal pain",
        ),
    ),
)
_INJURY_WORDS = ("fall", "fracture", "burn", "laceration", "injury", "assault", "cuts")
_SENSITIVE_WORDS = ("self-harm", "overdose", "alcohol")


@dataclass(frozen=True, slots=True)
class InjuryFacts:
    """What an injury record says, when the caller knows more than the routine default."""

    body_site: str | None = None
    consistent: str = "yes"
    mobile: str | None = None
    medical: bool = True


_BODY_SITES = ("head", "face", "forearm", "wrist", "shin", "ankle", "back", "ear", "upper arm")


def _subjects_child_carer(ctx: Ctx, org: Org, day: int, child: Person) -> list[tuple[Json, str]]:
    home = ctx.household_of(child, day)
    carers = [a for a in home.adults_at(day) if a.sex == "F"][:1] or home.adults_at(day)[:1]
    return ctx.subjects(org, day, [child], carers)


def ed_attendance(
    ctx: Ctx,
    day: int,
    child: Person,
    *,
    reason: str | None = None,
    setting: str = "emergency_department",
    injury: InjuryFacts | None = None,
    summary: str | None = None,
) -> str | None:
    rng = ctx.rng
    org = ctx.d.ambulance if setting == "ambulance" else ctx.d.acute
    if reason is None:
        years = (day - child.dob) / YEAR
        reason = rng.choice(next(r for limit, r in _ED_REASONS if years < limit))
    minute = rng.randint(0, 1439)
    sensitive = any(w in reason for w in _SENSITIVE_WORDS)
    text = (
        summary
        or f"Attended {setting.replace('_', ' ')}: {reason}. Assessed and discharged "
        "home with advice."
        + (" Brought by mother." if rng.random() < 0.5 else "")
    )
    rid = ctx.emit(
        org,
        "ED" if setting != "ambulance" else "AMB",
        "unscheduled_care",
        iso_dt(day, minute),
        iso_dt(day, minute + rng.randint(20, 400)),
        text,
        {"setting": setting, "reason": reason},
        _subjects_child_carer(ctx, org, day, child),
        role="paramedic" if setting == "ambulance" else "emergency department nurse",
        sensitivity="sensitive" if sensitive else "normal",
    )
    if rid and setting == "emergency_department":
        ctx.world.count(day, "ed_attendances")
    is_injury = any(w in reason for w in _INJURY_WORDS)
    if rid and (injury is not None or (is_injury and rng.random() < 0.3)):
        facts = injury or InjuryFacts()
        record_injury(
            ctx,
            org,
            day,
            child,
            body_site=facts.body_site,
            consistent=facts.consistent,
            mobile=facts.mobile,
            medical=facts.medical,
        )
    return rid


def record_injury(
    ctx: Ctx,
    org: Org,
    day: int,
    child: Person,
    *,
    body_site: str | None = None,
    consistent: str = "yes",
    mobile: str | None = None,
    medical: bool = True,
    summary: str | None = None,
) -> str | None:
    rng = ctx.rng
    months = (day - child.dob) / 30.4
    if mobile is None:
        mobile = "no" if months < 6 else "unknown" if months < 10 else "yes"
    site = body_site or rng.choice(_BODY_SITES)
    text = summary or f"Injury to {site} noted. Explanation given by carer: " + (
        "consistent with the injury and the child's development."
        if consistent == "yes"
        else "not consistent with the injury seen."
        if consistent == "no"
        else "none offered at the time."
    )
    role = {
        "health": "hospital safeguarding nurse",
        "education": "designated safeguarding lead",
        "early_years": "nursery manager",
    }.get(org.agency, "health visitor")
    if org is ctx.d.community:
        role = "health visitor"
    minute = daytime(rng)
    return ctx.emit(
        org,
        "INJ",
        "injury",
        iso_dt(day, minute),
        iso_dt(day, minute + rng.randint(30, 600)),
        text,
        {
            "body_site": site,
            "explanation_consistent": consistent,
            "child_mobile": mobile,
            "medical_attention": medical,
        },
        _subjects_child_carer(ctx, org, day, child),
        role=role,
    )


def was_not_brought(ctx: Ctx, day: int, child: Person, service: str) -> str | None:
    org = {
        "gp": ctx.d.gps[ctx.hh.gp_index],
        "antenatal": ctx.d.acute,
        "paediatrics": ctx.d.acute,
    }.get(service, ctx.d.community)
    role = {
        "gp": "practice nurse",
        "antenatal": "midwife",
        "paediatrics": "paediatric registrar",
    }.get(service, "health visitor")
    text = {
        "antenatal": "Did not attend antenatal appointment; letter sent to rebook.",
        "immunisation": "Was not brought for scheduled immunisations; reminder sent.",
        "health_visitor": "Was not brought to developmental review; no contact made.",
    }.get(service, f"Was not brought to {service.replace('_', ' ')} appointment.")
    ctx.world.count(day, "was_not_brought")
    subjects = (
        ctx.subjects(org, day, [child], [child.mother])
        if child.mother
        else _subjects_child_carer(ctx, org, day, child)
    )
    return ctx.emit(
        org,
        "WNB",
        "was_not_brought",
        iso_day(day),
        iso_dt(day + ctx.rng.randint(0, 3), daytime(ctx.rng)),
        text,
        {"service": service},
        subjects,
        role=role,
    )


def weight_faltering(
    ctx: Ctx, day: int, child: Person, drop: int, summary: str | None = None
) -> str | None:
    org = ctx.d.community
    text = (
        summary
        or f"Weight has crossed down {drop} centile line{'s' if drop > 1 else ''} "
        "since the last review; feeding advice given and review booked."
    )
    return ctx.emit(
        org,
        "WT",
        "weight_faltering",
        iso_day(day),
        iso_dt(day + ctx.rng.randint(0, 4), daytime(ctx.rng)),
        text,
        {"centile_drop": drop},
        _subjects_child_carer(ctx, org, day, child),
        role="health visitor",
    )


def concern(
    ctx: Ctx,
    org: Org,
    day: int,
    child: Person,
    category: str,
    text: str,
    role: str = "health visitor",
    sensitivity: str = "normal",
) -> str | None:
    return ctx.emit(
        org,
        "CON",
        "concern",
        iso_day(day),
        iso_dt(day + ctx.rng.randint(0, 2), daytime(ctx.rng)),
        text,
        {"category": category},
        _subjects_child_carer(ctx, org, day, child),
        role=role,
        sensitivity=sensitivity,
    )


def note(
    ctx: Ctx, org: Org, day: int, child: Person, text: str, role: str, sensitivity: str = "normal"
) -> str | None:
    return ctx.emit(
        org,
        "NTE",
        "note",
        iso_day(day),
        iso_dt(day + ctx.rng.randint(0, 3), daytime(ctx.rng)),
        text,
        None,
        _subjects_child_carer(ctx, org, day, child),
        role=role,
        sensitivity=sensitivity,
    )


def antenatal_concern(ctx: Ctx, day: int, baby: Person, category: str, text: str) -> str | None:
    mother = baby.mother
    if mother is None:
        return None
    org = ctx.d.acute
    subjects = ctx.subjects(org, day, [baby], [mother])
    return ctx.emit(
        org,
        "ANC",
        "antenatal_concern",
        iso_day(day),
        iso_dt(day + ctx.rng.randint(0, 2), daytime(ctx.rng)),
        text,
        {"category": category},
        subjects,
        role="midwife",
        sensitivity="sensitive",
    )


def risk_record(ctx: Ctx, day: int, adult: Person, category: str) -> str | None:
    rng = ctx.rng
    org = ctx.d.mental_health
    text = {
        "mental_health": "Crisis team assessment following a deterioration in mental "
        "health; home treatment offered.",
        "substance_misuse": "Drug and alcohol service: relapse reported; key worker "
        "reviewing the treatment plan.",
        "domestic_abuse_perpetrator": "Disclosed controlling behaviour towards partner "
        "during assessment.",
        "learning_disability": "Learning disability team review; support plan updated.",
    }[category]
    children = ctx.hh.children_at(day) if rng.random() < 0.5 else []
    if children:
        subjects = ctx.subjects(org, day, children, [adult])
    else:
        subjects = [ctx.subject(org, adult, day, "a1", "adult", None)]
    return ctx.emit(
        org,
        "ADR",
        "adult_risk",
        iso_day(day),
        iso_dt(day + rng.randint(0, 3), daytime(rng)),
        text,
        {"category": category},
        subjects,
        role="drug and alcohol worker"
        if category == "substance_misuse"
        else "community mental health nurse",
        sensitivity="sensitive",
    )
