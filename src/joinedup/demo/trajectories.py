"""Harm trajectories and their controls: which children, which story, which crisis.

A trajectory household accumulates low-level signals across agencies (DOMAIN.md, "Joined-up
signals the reviews say were missed") and ends in a crisis; a control household gets signals
that look alike but stay below threshold and never escalate, so that rules can be tested for
precision as well as recall. The signal scripts are in signals.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.demo import referrals, statutory
from joinedup.demo.context import Ctx
from joinedup.demo.identifiers import pnc_id
from joinedup.demo.model import Person, Spell
from joinedup.demo.names import CULTURE_BY_KEY
from joinedup.demo.places import HOME, NEIGHBOURS, make_address
from joinedup.demo.population import move
from joinedup.demo.schooling import Disruption
from joinedup.demo.timeutil import YEAR, iso_day

KINDS = (
    "domestic_abuse",
    "non_mobile_infant",
    "neglect",
    "violent_new_adult",
    "exploitation",
    "mobile_family",
)
SHARE = 0.006  # trajectory households per household (about 3% of children with involvement)
CONTROL_SHARE = 0.008


@dataclass(slots=True, eq=False)
class Plan:
    kind: str
    child: Person
    crisis: int
    span: int  # days of signals before the crisis
    control: bool
    adult: Person | None = None
    away: tuple[int, int] | None = None  # mobile family: out of the area between these days

    def at(self, fraction: float) -> int:
        """A day `fraction` of the span before the crisis."""
        return self.crisis - int(self.span * fraction)


def _covered(ctx: Ctx, child: Person, start: int, end: int) -> bool:
    return any(s <= start and end < e for s, e in ctx.child_periods(child))


def _age(child: Person, day: int) -> float:
    return (day - child.dob) / YEAR


def _choose(ctx: Ctx, kind: str, control: bool) -> Plan | None:
    world, rng = ctx.world, ctx.rng
    span = min(540, (world.end - world.start) // 2)
    latest = world.end - 30
    if kind == "non_mobile_infant":
        babies = [c for c in ctx.children if c.born and world.start + 150 <= c.dob <= latest - 60]
        for baby in babies:
            crisis = baby.dob + rng.randint(60, min(200, latest - baby.dob))
            if _covered(ctx, baby, baby.dob, crisis):
                return Plan(kind, baby, crisis, min(crisis - world.start, 300), control)
        return None
    for _ in range(4):
        crisis = rng.randint(world.start + span, latest)
        low, high = (
            (13, 16.5) if kind == "exploitation" else (6, 14) if kind == "neglect" else (1, 15)
        )
        pool = [
            c
            for c in ctx.children
            if c.born and low <= _age(c, crisis) < high and _covered(ctx, c, crisis - span, crisis)
        ]
        if pool:
            return Plan(kind, rng.choice(pool), crisis, span, control)
    return None


def _new_partner(ctx: Ctx, day: int, *, violent: bool) -> Person:
    world, rng, hh = ctx.world, ctx.rng, ctx.hh
    culture = CULTURE_BY_KEY[hh.culture]
    for spell in hh.members:
        if spell.person.adult and spell.person.sex == "M" and spell.covers(day):
            spell.end = day - rng.randint(30, 120)
    surname = rng.choice(culture.surnames)
    partner = Person(
        world.new_pid(),
        rng.choice(culture.adult_male or culture.male),
        "M",
        day - int(rng.uniform(22, 40) * YEAR),
        culture.key,
        [(0, surname)],
        world.nhs.allocate(),
        culture.ethnicity,
        culture.language,
        adult=True,
    )
    if violent:
        partner.violent = True
        partner.risks = ["domestic_abuse_perpetrator", "substance_misuse"]
        partner.ids["pnc"] = pnc_id(int(iso_day(day - 3000)[:4]), rng.randint(1, 999_999))
        partner.alias = f"{rng.choice(culture.male)} {surname}" if rng.random() < 0.5 else None
    hh.members.append(Spell(partner, day))
    hh.relation[partner.pid] = "partner"
    hh.joined[partner.pid] = day
    return partner


def _prepare(ctx: Ctx, plan: Plan) -> None:
    rng, hh = ctx.rng, ctx.hh
    if plan.kind in ("violent_new_adult", "domestic_abuse"):
        joined = plan.at(0.85 if plan.kind == "violent_new_adult" else 1.0) - rng.randint(0, 60)
        plan.adult = _new_partner(ctx, max(joined, ctx.world.start + 1), violent=not plan.control)
    elif plan.kind == "non_mobile_infant" and not plan.control:
        plan.adult = _new_partner(ctx, plan.child.dob + rng.randint(10, 40), violent=True)
    elif plan.kind == "neglect" and not plan.control:
        ehe = plan.at(0.35)
        ctx.disruptions[plan.child.pid] = [Disruption("ehe", ehe, None)]
        mother = plan.child.mother
        if mother is not None and "substance_misuse" not in mother.risks:
            mother.risks.append("substance_misuse")
    elif plan.kind == "mobile_family" and not plan.control:
        out, back = plan.at(0.75), plan.at(0.35)
        away = rng.choice(NEIGHBOURS)
        move(hh, out, make_address(rng, away))
        move(hh, back, make_address(rng, HOME))
        plan.away = (out, back)
        new = rng.choice(CULTURE_BY_KEY[hh.culture].surnames)
        plan.child.surnames.append((back, new))
    hh.tier = 1 if plan.control else max(hh.tier, 2)
    hh.role = "control" if plan.control else "trajectory"


def plan_for(ctx: Ctx, *, control: bool) -> Plan | None:
    """Pick a story this household can carry, and reshape the household for it."""
    kinds = list(KINDS)
    ctx.rng.shuffle(kinds)
    for kind in kinds:
        plan = _choose(ctx, kind, control)
        if plan is not None:
            _prepare(ctx, plan)
            return plan
    return None


def statutory_history(ctx: Ctx, plan: Plan) -> list[str]:
    """Earlier ordinary involvement, then the crisis: strategy discussion, s47, plan or care."""
    if plan.control:
        return []
    referrals.run(ctx, until=plan.at(1.0) - 120, rate_scale=0.5)
    route = (
        "cla"
        if plan.kind in ("non_mobile_infant", "neglect", "mobile_family")
        or (ctx.rng.random() < 0.4)
        else "cp"
    )
    source = {"exploitation": "7", "neglect": "7"}.get(plan.kind, "3E")
    org = ctx.d.csc
    children = [c for c in ctx.hh.children_at(plan.crisis)] or [plan.child]
    ep = statutory.episode(
        ctx, org, plan.crisis + ctx.rng.randint(0, 1), children, source=source, forced=route
    )
    wanted = set(ep.ids)
    for track in ctx.plan_tracks:  # the replay notes which chronology records these steps wrote
        for _, line in track.lines:
            if line["id"] in wanted:
                line["trace"] = True
    return ep.ids
