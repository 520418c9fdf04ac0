"""Periods of being looked after: legal status, how they end (SSDA903 codes) and placements."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from joinedup.core import dfe_codes
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json
from joinedup.demo.model import Household, Person, Residence, Spell
from joinedup.demo.names import CULTURES
from joinedup.demo.places import HOME, NEIGHBOURS, make_address
from joinedup.demo.timeutil import YEAR, birthday, iso_day, iso_dt

if TYPE_CHECKING:
    from joinedup.demo.statutory import Episode

# SSDA903 reason episode ceased -> CIN census reason for closure.
CLOSURE = {
    "E11": "RC1",
    "E12": "RC1",
    "E41": "RC3",
    "E45": "RC4",
    "E46": "RC4",
    "E47": "RC4",
    "E4A": "RC7",
    "E4B": "RC7",
    "E8": "RC7",
    "E13": "RC7",
    "E14": "RC7",
    "E17": "RC7",
    "E5": "RC7",
    "E3": "RC5",
}
RETURNS_HOME = frozenset({"E4A", "E4B", "E8", "E13", "E14", "E3"})
START_TEXT = {
    "V2": "Accommodated under section 20 with parental agreement; placed with local foster carers.",
    "C1": "Interim care order granted; child placed in foster care.",
    "C2": "Full care order made; child remains in foster placement.",
    "L1": "Child taken into police protection and placed in emergency foster care.",
    "L2": "Emergency protection order granted; child placed with foster carers.",
    "J1": "Remanded to local authority accommodation.",
    "J2": "Placed in local authority accommodation under PACE.",
    "J3": "Sentenced to a youth rehabilitation order with a residence requirement.",
    "E1": "Placement order granted; child placed with prospective adopters.",
}
END_TEXT = {
    "E11": "Adoption order granted; ceased to be looked after.",
    "E12": "Adoption order granted (consent dispensed with); ceased to be looked after.",
    "E41": "Child arrangements order granted to a relative; ceased to be looked after.",
    "E45": "Special guardianship order granted to former foster carers who are relatives.",
    "E46": "Special guardianship order granted to former foster carers (not relatives).",
    "E47": "Special guardianship order granted to relatives who were not the foster carers.",
    "E4A": "Returned home to parents as part of the care plan.",
    "E4B": "Returned home to parents, not as part of the care plan.",
    "E8": "Period of being looked after ceased for another reason.",
    "E14": "Accommodation on remand ended.",
    "E13": "Left care to live with a parent or relative.",
    "E17": "Aged 18; remained with former foster carers under staying put.",
    "E5": "Aged 18; moved into independent living with support.",
    "E3": "Care taken over by another local authority.",
}


@dataclass(slots=True, eq=False)
class CarePeriod:
    child: Person
    start: int
    legal: str
    end: int | None = None
    reason: str | None = None


def _lognormal(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    return max(low, min(high, int(median * math.exp(rng.gauss(0.0, sigma)))))


def _course(rng: random.Random, legal: str, age: float) -> tuple[int, str]:
    """How long the period lasts and how it ends."""
    if legal == "V2":
        return _lognormal(rng, 200, 0.8, 7, 2000), rng.choices(
            ("E4A", "E4B", "E13", "E8"), (60, 15, 15, 10)
        )[0]
    if legal in ("J1", "J2", "J3"):
        return rng.randint(2, 120), "E14" if legal != "J3" else "E8"
    days = _lognormal(rng, 2600, 0.8, 60, 6600)
    roll = rng.random()
    if age < 3 and roll < 0.4:
        return max(days // 2, 500), rng.choice(("E11", "E11", "E12"))
    if roll < 0.6:
        ended = rng.choice(("E45", "E46", "E47", "E41"))
        if legal == "E1" and ended in dfe_codes.SGO_TO_FOSTER_CARERS:
            # Placed for adoption from the start (a placement order), never fostered: an
            # order to former foster carers cannot end it (rule 516); relatives come forward.
            ended = "E47"
        return days, ended
    return days, rng.choice(("E4A", "E4A", "E13"))


def start(ep: Episode, child: Person, day: int, legal: str) -> None:
    """Begin a period of care and draw its course, visits and reviews as pending steps."""
    rng = ep.ctx.rng
    if any(p.child is child for p in ep.cla):
        return
    day = max(day, child.dob + rng.randint(0, 3))  # an unborn child is removed at birth
    length, reason = _course(rng, legal, (day - child.dob) / YEAR)
    eighteen = birthday(child.dob, 18)
    if day + length >= eighteen:
        if day >= eighteen - 7:
            return
        length, reason = eighteen - day, rng.choice(("E17", "E5"))
    end = day + length
    ep.cla.append(CarePeriod(child, day, legal, end, reason))
    ep.add(
        day, child, "CLA", "cla_start", {"legal_status": legal}, START_TEXT[legal], "social worker"
    )
    review = day + 28
    for gap in (63, *([182] * 30)):
        if review >= end:
            break
        ep.add(
            review,
            child,
            "LAR",
            "note",
            None,
            "Looked-after review chaired by the independent reviewing officer; care plan endorsed.",
            "independent reviewing officer",
            rng.randint(2, 10),
        )
        review += gap
    if legal == "C1" and length > 300:
        ep.add(
            day + rng.randint(200, 300),
            child,
            "LGL",
            "note",
            None,
            "Final hearing: full care order made.",
            "social worker",
            rng.randint(0, 5),
        )
    visit = day + rng.randint(3, 7)
    while visit < end:
        ep.add(
            visit,
            child,
            "VIS",
            "note",
            None,
            rng.choice(
                (
                    "Looked-after visit: child seen alone in placement; settled.",
                    "Looked-after visit: child seen with carers; contact arrangements discussed.",
                )
            ),
            "social worker",
            rng.randint(0, 4),
        )
        visit += rng.randint(30, 45)
    ep.add(
        end,
        child,
        "CLE",
        "cla_end",
        {"reason": reason},
        END_TEXT[reason],
        "independent reviewing officer",
    )
    ep.add(
        end + rng.randint(0, 5),
        child,
        "CLS",
        "case_closed",
        {"reason": CLOSURE[reason]},
        "Case closed following the end of the period of care.",
        "team manager",
    )


def _placement(ctx: Ctx, period: CarePeriod) -> Household:
    world, rng = ctx.world, ctx.rng
    culture = rng.choices(CULTURES, [c.weight for c in CULTURES])[0]
    hh = Household(world.new_hid(), culture.key, 0, kind="placement")
    since = period.start - rng.randint(400, 4000)
    authority = HOME if rng.random() < 0.65 else rng.choice(NEIGHBOURS)
    hh.residences.append(Residence(make_address(rng, authority), since))
    surname = rng.choice(culture.surnames)
    for sex in ("F", "M")[: rng.choice((1, 2, 2))]:
        names = culture.female if sex == "F" else culture.male
        carer = Person(
            world.new_pid(),
            rng.choice(names),
            sex,
            period.start - int(rng.uniform(35, 60) * YEAR),
            culture.key,
            [(0, surname)],
            world.nhs.allocate(),
            culture.ethnicity,
            culture.language,
            adult=True,
        )
        hh.members.append(Spell(carer, since))
        hh.relation[carer.pid] = "foster_carer"
    ctx.placements.append(hh)
    return hh


def apply(ctx: Ctx, periods: list[CarePeriod]) -> None:
    """Move each child out of the family into a placement, and home again if they return."""
    by_day: dict[int, Household] = {}
    for period in periods:
        placement = by_day.get(period.start)
        if placement is None or ctx.rng.random() < 0.3:
            placement = _placement(ctx, period)
            by_day[period.start] = placement
        placement.members.append(Spell(period.child, period.start, period.end))
        spell = next(
            (s for s in ctx.hh.members if s.person is period.child and s.covers(period.start)), None
        )
        _health_assessments(ctx, period)
        if spell is None:
            continue
        original_end, spell.end = spell.end, period.start
        if (
            period.end is not None
            and period.reason in RETURNS_HOME
            and (original_end is None or original_end > period.end)
        ):
            ctx.hh.members.append(Spell(period.child, period.end, original_end))


def _health_assessments(ctx: Ctx, period: CarePeriod) -> None:
    """Statutory health assessments of a child in care (Regs 2010 r.7) by community health,
    within the history: the initial one 20 days after coming into care, then one a year. The
    child is named as health holds them (NHS number); nothing here draws from the household's
    random numbers or identity book, so every other record stays as it would have been."""
    world, org, child = ctx.world, ctx.d.community, period.child
    end = min(world.end, period.end if period.end is not None else world.end)
    day, kind = period.start + 20, "Initial"
    while day < end:
        if day >= world.start and day >= child.dob:
            subject: Json = {"ref": "c1", "role": "child", "given_names": child.given,
                             "family_name": child.surname_at(day),
                             "date_of_birth": iso_day(child.dob), "sex": child.sex,
                             "nhs_number": child.nhs}  # fmt: skip
            world.emitter.emit(
                org,
                "LAH",
                "note",
                iso_day(day),
                iso_dt(day + 3, 11 * 60),
                f"{kind} health assessment for a child in care: growth, development, "
                "immunisations and emotional health reviewed.",
                None,
                [(subject, child.pid)],
            )
        day, kind = day + 365, "Review"
