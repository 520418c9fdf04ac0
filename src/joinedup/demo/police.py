"""Police records: domestic abuse incidents, missing children, adults' offences, concerns."""

from __future__ import annotations

from joinedup.demo import calibration as cal
from joinedup.demo import csc
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json, Subject
from joinedup.demo.model import Person
from joinedup.demo.timeutil import (
    YEAR,
    daytime,
    evening,
    iso_day,
    iso_dt,
    poisson_days,
    poisson_in,
)

_DA_TEXT = (
    "Call from {caller} reporting shouting and banging at the address. Officers attended; "
    "verbal argument between the couple.",
    "999 call from the female reporting her partner had become aggressive. Attended; "
    "DASH risk assessment completed.",
    "Report of a domestic disturbance; on arrival the male had left the address. Female "
    "declined to provide a statement.",
    "Officers attended a report of an assault at the address. Injuries to the female's face "
    "noted; body-worn video captured.",
    "Neighbour reported a child crying and a woman screaming. Officers attended; couple "
    "separated for the night.",
)
_CALLERS = (
    "a neighbour",
    "the female",
    "an anonymous caller",
    "a relative",
    "a child at the address",
)


def _victim_and_perpetrator(ctx: Ctx, day: int) -> tuple[Person, Person] | None:
    adults = ctx.parents_at(day)
    women = [a for a in adults if a.sex == "F" and ctx.hh.relation.get(a.pid) != "grandparent"]
    men = [a for a in adults if a.sex == "M"]
    if not women:
        return None
    victim = women[0]
    if men:
        violent = [m for m in men if m.violent]
        return victim, (violent or men)[0]
    exes = [
        s.person
        for s in ctx.hh.members
        if s.person.adult and s.person.sex == "M" and s.end is not None and s.end <= day
    ]
    return (victim, exes[-1]) if exes else None


def da_incident(
    ctx: Ctx,
    day: int,
    *,
    risk: str | None = None,
    children_present: bool | None = None,
    physical: bool | None = None,
    notify: bool = True,
) -> str | None:
    """A domestic abuse incident at the household, with the children listed as subjects."""
    rng, org = ctx.rng, ctx.d.police
    pair = _victim_and_perpetrator(ctx, day)
    children = ctx.hh.children_at(day)
    if pair is None or not children or not ctx.hh.in_home(day):
        return None
    victim, perpetrator = pair
    tier = ctx.hh.tier
    if risk is None:
        weights = ((75, 21, 4), (65, 27, 8), (55, 32, 13), (45, 35, 20))[tier]
        if perpetrator.violent:
            weights = (35, 40, 25)
        risk = rng.choices(("standard", "medium", "high"), weights)[0]
    present = rng.random() < 0.65 if children_present is None else children_present
    physical = (
        rng.random() < (0.2, 0.45, 0.75)[("standard", "medium", "high").index(risk)]
        if physical is None
        else physical
    )
    arrest = physical and rng.random() < 0.55
    minute = evening(rng)
    occurred = iso_dt(day, minute)
    recorded = iso_dt(day, minute + rng.randint(45, 600))
    text = rng.choice(_DA_TEXT).format(caller=rng.choice(_CALLERS))
    text += (
        " Children present at the time." if present else " Children asleep upstairs; not spoken to."
    ) + (" Male arrested." if arrest else "")
    extras: dict[str, Json] = {victim.pid: {"victim": True}, perpetrator.pid: {"perpetrator": True}}
    adults = [victim, perpetrator] + [
        a for a in ctx.parents_at(day) if a not in (victim, perpetrator)
    ]
    subjects = ctx.subjects(org, day, children, adults, adult_extra=extras)
    rid = ctx.emit(
        org,
        "INC",
        "domestic_abuse_incident",
        occurred,
        recorded,
        text,
        {
            "children_present": present,
            "risk_level": risk,
            "physical_violence": physical,
            "arrest": arrest,
        },
        subjects,
        role="response officer",
        precision="minute",
    )
    if rid is None:
        return None
    ctx.world.count(day, "da_incidents")
    if present:
        ctx.world.count(day, "da_incidents_children_present")
    if perpetrator.violent and "pnc_history" not in perpetrator.ids:
        history(ctx, day, perpetrator)
    chance = {"standard": 0.25, "medium": 0.6, "high": 0.95}[risk]
    if notify and rng.random() < chance:
        csc.contact(ctx, day + rng.randint(0, 2), children, "7")
    return rid


def history(ctx: Ctx, day: int, adult: Person) -> str | None:
    """A PNC check on a violent adult brings an old conviction onto the record."""
    rng = ctx.rng
    adult.ids["pnc_history"] = "1"
    years_ago = rng.uniform(2, 12)
    then = day - int(years_ago * YEAR)
    if then < adult.dob + int(16 * YEAR):
        return None
    precision = rng.choice(("year", "month"))
    occurred = iso_day(then)[:4] if precision == "year" else iso_day(then)[:7]
    text = rng.choice(
        (
            "PNC check: previous conviction for assault occasioning actual bodily harm against a "
            "former partner.",
            "PNC check: previous conviction for common assault (domestic); restraining order "
            "issued at the time.",
            "Intelligence: reported to have been violent towards a previous partner in another "
            "force area; no further detail held.",
        )
    )
    return offence(ctx, day, adult, "violence", occurred=occurred, precision=precision, text=text)


def offence(
    ctx: Ctx,
    day: int,
    adult: Person,
    category: str,
    *,
    occurred: str | None = None,
    precision: str | None = None,
    text: str | None = None,
    against_child: bool = False,
    with_children: bool = False,
) -> str | None:
    rng, org = ctx.rng, ctx.d.police
    if occurred is None:
        occurred = iso_dt(day, evening(rng))
    recorded = iso_dt(day, rng.randint(60, 1400))
    if occurred > recorded:
        recorded = iso_dt(day + 1, rng.randint(0, 600))
    subjects: list[Subject]
    children = ctx.hh.children_at(day) if with_children else []
    if children:
        subjects = ctx.subjects(
            org, day, children, [adult], adult_extra={adult.pid: {"perpetrator": True}}
        )
    else:
        subjects = [ctx.subject(org, adult, day, "a1", "adult", None)]
    text = (
        text
        or {
            "violence": "Arrested for assault following a disturbance in the town centre.",
            "drugs": "Stopped and searched; found in possession of a controlled drug (class B).",
            "weapons": "Found in possession of a bladed article in a public place.",
            "sexual": "Arrested on suspicion of a sexual offence; enquiries ongoing.",
            "other": "Arrested for shoplifting; released under investigation.",
        }[category]
    )
    return ctx.emit(
        org,
        "OFF",
        "adult_offence",
        occurred,
        recorded,
        text,
        {"category": category, "against_child": against_child},
        subjects,
        role="response officer",
        precision=precision,
    )


def missing(
    ctx: Ctx, day: int, child: Person, hours: int, *, returned: bool = True, text: str | None = None
) -> str | None:
    rng = ctx.rng
    in_care = ctx.household_of(child, day) is not ctx.hh
    org = ctx.d.csc if in_care and rng.random() < 0.4 else ctx.d.police
    minute = rng.randint(15 * 60, 23 * 60)
    occurred = iso_dt(day, minute)
    recorded = iso_dt(day, minute + min(hours * 60, 2880) + rng.randint(30, 300))
    text = text or (
        "Reported missing by {who}; returned after {h} hours and was spoken to in a "
        "return home interview."
        if returned
        else "Reported missing by {who}; not yet located."
    ).format(who="carers" if in_care else "mother", h=hours)
    adults = ctx.household_of(child, day).adults_at(day)[:2]
    subjects = ctx.subjects(org, day, [child], adults)
    role = "missing persons coordinator" if org is ctx.d.police else "social worker"
    rid = ctx.emit(
        org,
        "MIS",
        "missing_episode",
        occurred,
        recorded,
        text,
        {"duration_hours": hours, "returned": returned},
        subjects,
        role=role,
        precision="minute",
    )
    if rid:
        ctx.world.count(day, "missing_episodes")
    return rid


def concern(ctx: Ctx, day: int, children: list[Person], category: str, text: str) -> str | None:
    org, rng = ctx.d.police, ctx.rng
    if not children:
        return None
    subjects = ctx.subjects(org, day, children, ctx.parents_at(day)[:2])
    minute = daytime(rng) + rng.randint(0, 300)
    return ctx.emit(
        org,
        "CON",
        "concern",
        iso_dt(day, minute),
        iso_dt(day, minute + rng.randint(30, 400)),
        text,
        {"category": category},
        subjects,
        role="response officer",
    )


def _da_routine(ctx: Ctx) -> None:
    world, tier, rng = ctx.world, ctx.hh.tier, ctx.rng
    base = cal.DA_RATE[tier]
    for day in poisson_days(rng, world.start, world.end, base * cal.DA_VIOLENT_MULT):
        adults = ctx.hh.adults_at(day)
        violent = any(a.violent for a in adults)
        couple = sum(1 for a in adults if a.sex == "M") > 0
        accept = (1.0 if violent else 1 / cal.DA_VIOLENT_MULT) * (1.0 if couple else 0.3)
        if rng.random() < accept:
            da_incident(ctx, day)


def _adults_routine(ctx: Ctx) -> None:
    world, rng = ctx.world, ctx.rng
    for adult in [p for p in ctx.hh.people() if p.adult]:
        spell = ctx.hh.member_spell(adult)
        if spell is None:
            continue
        start = max(world.start, spell.start)
        end = world.end if spell.end is None else min(world.end, spell.end)
        if adult.violent:
            for day in poisson_days(rng, start, end, 0.12):
                if ctx.hh.in_home(day):
                    offence(ctx, day, adult, rng.choice(("violence", "violence", "weapons")))
        if "substance_misuse" in adult.risks:
            for day in poisson_days(rng, start, end, 0.08):
                if ctx.hh.in_home(day):
                    offence(ctx, day, adult, "drugs")


def routine(ctx: Ctx) -> None:
    _da_routine(ctx)
    _adults_routine(ctx)
    rng, tier = ctx.rng, ctx.hh.tier
    for child in ctx.children:
        periods = ctx.child_periods(child)
        teen = [(max(s, child.dob + int(12 * YEAR)), e) for s, e in periods]
        teen = [(s, e) for s, e in teen if s < e]
        for day in poisson_in(rng, teen, cal.MISSING_TEEN_RATE[tier]):
            in_care = ctx.household_of(child, day) is not ctx.hh
            if in_care or rng.random() < 0.7:
                missing(ctx, day, child, rng.choice((2, 4, 6, 9, 14, 20, 30, 48)))
    for day in poisson_days(rng, ctx.world.start, ctx.world.end, (0.003, 0.02, 0.05, 0.1)[tier]):
        children = ctx.hh.children_at(day)
        if children and ctx.hh.in_home(day):
            concern(
                ctx,
                day,
                children,
                rng.choice(("supervision", "neglect", "other")),
                rng.choice(
                    (
                        "Welfare check: young children found home alone late evening; "
                        "mother returned while officers present.",
                        "Officers attended the address on an unrelated matter and noted "
                        "poor home conditions; children appeared unkempt.",
                    )
                ),
            )
