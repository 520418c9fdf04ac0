"""Housing, moves, household changes, early years, the public and the voluntary sector."""

from __future__ import annotations

import itertools

from joinedup.demo import calibration as cal
from joinedup.demo import csc
from joinedup.demo.agencies import Org
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.schooling import entry_day, school_at
from joinedup.demo.timeutil import YEAR, daytime, iso_day, iso_dt, poisson_days, poisson_in

_HOUSING_TEXT = {
    "homelessness": "Presented as homeless after being asked to leave; temporary accommodation "
    "arranged.",
    "eviction": "Notice seeking possession served for rent arrears; tenancy sustainment offered.",
    "overcrowding": "Household assessed as overcrowded (bedroom standard); placed in band B.",
    "poor_conditions": "Inspection found damp and mould in the children's bedroom; repairs "
    "ordered.",
}
_ANON_TEXT = {
    "supervision": "Caller reports young children playing in the street late at night, "
    "unsupervised.",
    "neglect": "Caller concerned the children look thin and are often outside without coats.",
    "emotional": "Neighbour hears a man shouting at the children most evenings.",
    "physical": "Caller saw an adult hit a child hard outside the flats.",
    "other": "Caller concerned about lots of different adults visiting the flat at night.",
}


def family_record(
    ctx: Ctx,
    org: Org,
    day: int,
    kind: str,
    rtype: str,
    attrs: Json | None,
    text: str,
    role: str | None,
    *,
    adults: list[Person] | None = None,
    lag: int = 0,
) -> str | None:
    children = ctx.hh.children_at(day)
    if not children and rtype not in ("adult_risk", "adult_offence"):
        return None
    people = ctx.parents_at(day) if adults is None else adults
    subjects = ctx.subjects(org, day, children, people[:3])
    return ctx.emit(
        org,
        kind,
        rtype,
        iso_day(day),
        iso_dt(day + lag, daytime(ctx.rng)),
        text,
        attrs,
        subjects,
        role=role,
    )


def housing(ctx: Ctx, day: int, category: str, text: str | None = None) -> str | None:
    org = (
        ctx.d.housing
        if category == "homelessness" or ctx.rng.random() < 0.4
        else (ctx.d.housing_association)
    )
    role = "housing options officer" if org is ctx.d.housing else "tenancy officer"
    return family_record(
        ctx,
        org,
        day,
        "HSG",
        "housing",
        {"category": category},
        text or _HOUSING_TEXT[category],
        role,
        lag=ctx.rng.randint(0, 7),
    )


def anonymous(ctx: Ctx, day: int, category: str, text: str | None = None) -> str | None:
    org = ctx.d.public
    children = ctx.hh.children_at(day)
    if not children:
        return None
    shown = children[: ctx.rng.randint(1, len(children))]
    subjects = ctx.subjects(org, day, shown, ctx.parents_at(day)[:1])
    minute = ctx.rng.randint(7 * 60, 23 * 60)
    return ctx.emit(
        org,
        "ANON",
        "anonymous_report",
        iso_dt(day, minute),
        iso_dt(day, minute + ctx.rng.randint(5, 120)),
        text or _ANON_TEXT[category],
        {"category": category},
        subjects,
    )


def change_of_household(
    ctx: Ctx, day: int, adult: Person, change: str, org: Org, role: str
) -> str | None:
    children = ctx.hh.children_at(day)
    if not children:
        return None
    others = [a for a in ctx.parents_at(day) if a is not adult][:1]
    subjects = ctx.subjects(org, day, children, [*others, adult])
    text = (
        "Mother reports her new partner has moved into the family home."
        if change == "adult_joined"
        else "Reported that the adult has left the household."
    )
    return ctx.emit(
        org,
        "HHC",
        "change_of_household",
        iso_day(day),
        iso_dt(day + ctx.rng.randint(0, 10), daytime(ctx.rng)),
        text,
        {"change": change},
        subjects,
        role=role,
    )


def _reporters(ctx: Ctx, day: int) -> list[tuple[Org, str, float]]:
    d = ctx.d
    out = [(d.gps[ctx.hh.gp_index], "practice nurse", 0.55), (d.community, "health visitor", 0.25)]
    if csc.is_open(ctx, day):
        out.append((d.csc, "social worker", 0.9))
    for child in ctx.hh.children_at(day):
        school = school_at(ctx.rolls.get(child.pid, []), day - 1)
        if school is not None:
            out.append((school.org, "attendance officer", 0.5))
            break
    return out


def _moves(ctx: Ctx, social: bool) -> None:
    rng, world = ctx.rng, ctx.world
    rows = ctx.hh.residences
    for before, after in itertools.pairwise(rows):
        day = after.start
        if not (world.start <= day <= world.end) or not (
            before.address.in_home or after.address.in_home
        ):
            continue
        ctx.world.count(day, "moves_out" if not after.address.in_home else "moves")
        attrs: Json = {
            "from_postcode": before.address.postcode,
            "to_postcode": after.address.postcode,
            "to_local_authority": after.address.authority.name,
        }
        reporters = _reporters(ctx, day)
        if social:
            reporters.append((ctx.d.housing_association, "tenancy officer", 0.8))
        for org, role, chance in reporters:
            if rng.random() < chance:
                family_record(
                    ctx,
                    org,
                    day,
                    "COA",
                    "change_of_address",
                    attrs,
                    f"Change of address notified: now living in {after.address.authority.name}.",
                    role,
                    lag=rng.randint(0, 40),
                )


def _household_changes(ctx: Ctx) -> None:
    rng, world = ctx.rng, ctx.world
    for spell in ctx.hh.members:
        adult = spell.person
        if not adult.adult:
            continue
        for day, change in ((spell.start, "adult_joined"), (spell.end, "adult_left")):
            if day is None or not (world.start <= day <= world.end) or not ctx.hh.in_home(day):
                continue
            ctx.world.count(day, change)
            reporters = _reporters(ctx, day)
            org, role, _ = rng.choice(reporters)
            if rng.random() < 0.55:
                change_of_household(ctx, day + rng.randint(5, 90), adult, change, org, role)


def _early_years(ctx: Ctx, child: Person) -> None:
    rng, tier = ctx.rng, ctx.hh.tier
    start = child.dob + int((2 if tier and rng.random() < 0.4 else 3) * YEAR)
    end = entry_day(child)
    spans = [(max(s, start), min(e, end)) for s, e in ctx.child_periods(child)]
    spans = [(s, e) for s, e in spans if s < e]
    if not spans or rng.random() < 0.08:
        return
    org = rng.choice(ctx.d.nurseries)
    for day in poisson_in(rng, spans, (0.03, 0.15, 0.35, 0.5)[tier]):
        category = rng.choice(("development", "hygiene", "behaviour", "neglect", "hunger"))
        ctx.emit(
            org,
            "CON",
            "concern",
            iso_day(day),
            iso_dt(day, daytime(rng)),
            f"Key worker concern ({category}): discussed with parent at collection.",
            {"category": category},
            ctx.subjects(org, day, [child], ctx.parents_at(day)[:1]),
            role="key worker",
        )
    for day in poisson_in(rng, spans, (0.05, 0.08, 0.15, 0.25)[tier]):
        ctx.emit(
            org,
            "INJ",
            "injury",
            iso_day(day),
            iso_dt(day, daytime(rng)),
            "Existing injury form: bruise noted at drop-off; parent said the child fell at "
            "the park.",
            {
                "body_site": rng.choice(("shin", "knee", "forehead", "arm")),
                "explanation_consistent": "yes",
                "child_mobile": "yes",
                "medical_attention": False,
            },
            ctx.subjects(org, day, [child], ctx.parents_at(day)[:1]),
            role="nursery manager",
        )
    first = spans[0][0]
    ctx.emit(
        org,
        "NTE",
        "note",
        iso_day(first),
        iso_dt(first + rng.randint(0, 5), daytime(rng)),
        "Started at nursery (funded early education entitlement).",
        None,
        ctx.subjects(org, first, [child], ctx.parents_at(first)[:1]),
        role="nursery manager",
    )


def _voluntary(ctx: Ctx) -> None:
    rng, world, tier = ctx.rng, ctx.world, ctx.hh.tier
    d = ctx.d
    violent = any(p.violent for p in ctx.hh.people())
    for day in poisson_days(rng, world.start, world.end, 0.25 if violent else 0.0):
        if ctx.hh.in_home(day):
            family_record(
                ctx,
                d.womens_aid,
                day,
                "IDVA",
                "note",
                None,
                "IDVA support: risk assessment reviewed and safety planning with mother.",
                "independent domestic violence adviser",
                adults=[a for a in ctx.parents_at(day) if a.sex == "F"][:1],
            )
    for day in poisson_days(rng, world.start, world.end, (0.0, 0.04, 0.1, 0.15)[tier]):
        if ctx.hh.in_home(day):
            family_record(
                ctx,
                d.food_bank,
                day,
                "FB",
                "concern",
                {"category": "hunger"},
                "Food bank voucher issued; mother reports the children have had "
                "little to eat this week.",
                "food bank coordinator",
            )


def _adults(ctx: Ctx) -> None:
    rng, world, d = ctx.rng, ctx.world, ctx.d
    for adult in [p for p in ctx.hh.people() if p.adult and p.violent]:
        spell = ctx.hh.member_spell(adult)
        if spell is None or rng.random() < 0.5:
            continue
        end = world.end if spell.end is None else min(world.end, spell.end)
        for day in poisson_days(rng, max(world.start, spell.start), end, 0.3):
            subjects = [ctx.subject(d.probation, adult, day, "a1", "adult", None)]
            ctx.emit(
                d.probation,
                "RSK",
                "adult_risk",
                iso_day(day),
                iso_dt(day + rng.randint(0, 5), daytime(rng)),
                "Supervision on licence: risk of serious harm to known adults assessed as "
                "medium; domestic abuse perpetrator programme.",
                {"category": "domestic_abuse_perpetrator"},
                subjects,
                role="probation officer",
            )


def routine(ctx: Ctx) -> None:
    rng, world, tier = ctx.rng, ctx.world, ctx.hh.tier
    social = rng.random() < (0.15, 0.35, 0.5, 0.6)[tier]
    _moves(ctx, social)
    _household_changes(ctx)
    for day in poisson_days(rng, world.start, world.end, cal.HOUSING_RATE[tier]):
        if ctx.hh.in_home(day):
            housing(ctx, day, rng.choice(tuple(_HOUSING_TEXT)))
    for day in poisson_days(rng, world.start, world.end, cal.ANONYMOUS_RATE[tier]):
        if ctx.hh.in_home(day):
            anonymous(ctx, day, rng.choice(tuple(_ANON_TEXT)))
    for child in ctx.children:
        if child.born:
            _early_years(ctx, child)
            _youth(ctx, child)
    _voluntary(ctx)
    _adults(ctx)


def _youth(ctx: Ctx, child: Person) -> None:
    rng, tier, d = ctx.rng, ctx.hh.tier, ctx.d
    teen = [(max(s, child.dob + int(12 * YEAR)), e) for s, e in ctx.child_periods(child)]
    teen = [(s, e) for s, e in teen if s < e]
    for day in poisson_in(rng, teen, (0.0, 0.01, 0.04, 0.1)[tier]):
        org, role, text = rng.choice(
            (
                (
                    d.yjs,
                    "youth justice officer",
                    "Out-of-court disposal following an arrest for "
                    "possession; assessment found signs of criminal exploitation.",
                ),
                (
                    d.youth_project,
                    "youth worker",
                    "Young person seen with older males and new "
                    "phone and clothes; says they are 'earning'.",
                ),
                (
                    d.sports,
                    "club welfare officer",
                    "Coach concerned: young person arrives hungry "
                    "and has unexplained injuries; older men collecting them.",
                ),
            )
        )
        ctx.emit(
            org,
            "CON",
            "concern",
            iso_day(day),
            iso_dt(day, daytime(rng)),
            text,
            {"category": "exploitation"},
            ctx.subjects(org, day, [child], ctx.parents_at(day)[:1]),
            role=role,
        )
