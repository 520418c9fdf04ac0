"""Routine health activity: pregnancies, health visiting, emergency care, missed appointments."""

from __future__ import annotations

from joinedup.demo import calibration as cal
from joinedup.demo.context import Ctx
from joinedup.demo.health import (
    antenatal_concern,
    concern,
    ed_attendance,
    note,
    risk_record,
    was_not_brought,
    weight_faltering,
)
from joinedup.demo.model import Person
from joinedup.demo.timeutil import YEAR, poisson_in


def _pregnancy(ctx: Ctx, baby: Person) -> None:
    rng, tier, mother = ctx.rng, ctx.hh.tier, baby.mother
    if mother is None:
        return
    booking = baby.dob - 270 + rng.randint(56, 84 if tier < 2 else 150)
    if not (ctx.world.start <= booking and ctx.hh.in_home(booking)):
        return
    note(
        ctx,
        ctx.d.acute,
        booking,
        baby,
        "Antenatal booking appointment completed. Routine enquiry about domestic abuse made.",
        "midwife",
    )
    risks = [r for r in mother.risks if r in ("substance_misuse", "mental_health")]
    if ctx.hh.adults_at(booking) and any(a.violent for a in ctx.hh.adults_at(booking)):
        risks.append("domestic_abuse")
    if risks and rng.random() < 0.6:
        category = rng.choice(risks)
        antenatal_concern(
            ctx,
            booking + rng.randint(0, 60),
            baby,
            category,
            f"Antenatal concern: {category.replace('_', ' ')} disclosed at "
            "booking; referral to the specialist midwife.",
        )
    if rng.random() < cal.WNB_RATE[tier]:
        was_not_brought(ctx, booking + rng.randint(30, 150), baby, "antenatal")
    if baby.born and ctx.hh.in_home(baby.dob):
        note(
            ctx,
            ctx.d.acute,
            baby.dob,
            baby,
            "Birth notification: live birth, "
            f"{rng.choice(('37', '38', '39', '40', '41'))} weeks' gestation; mother and baby "
            "well.",
            "midwife",
        )


def _health_visiting(ctx: Ctx, child: Person, periods: list[tuple[int, int]]) -> None:
    rng, tier = ctx.rng, ctx.hh.tier
    wnb = cal.WNB_RATE[tier]
    for offset, label in (
        (12, "New birth visit"),
        (49, "6-8 week review"),
        (300, "9-12 month review"),
        (800, "2-2½ year review"),
    ):
        day = child.dob + offset + rng.randint(0, 20)
        if not any(s <= day < e for s, e in periods):
            continue
        if rng.random() < wnb:
            was_not_brought(ctx, day, child, "health_visitor")
        else:
            note(
                ctx,
                ctx.d.community,
                day,
                child,
                f"{label} completed at home; development within normal limits.",
                "health visitor",
            )
    for offset in (56, 84, 112, 365, 1220):
        day = child.dob + offset
        if any(s <= day < e for s, e in periods) and rng.random() < wnb * 0.5:
            was_not_brought(ctx, day, child, "immunisation")


def _child_routine(ctx: Ctx, child: Person) -> None:
    rng, tier = ctx.rng, ctx.hh.tier
    periods = ctx.child_periods(child)
    _health_visiting(ctx, child, periods)
    mult = cal.TIER_HEALTH[tier]
    for day in poisson_in(rng, periods, 0.6 * mult):
        years = (day - child.dob) / YEAR
        rate = next(r for limit, r in cal.ED_RATE_BY_AGE if years < limit)
        if rng.random() < rate / 0.65:
            ed_attendance(ctx, day, child)
    for day in poisson_in(rng, periods, cal.URGENT_CARE_RATE * mult):
        ed_attendance(
            ctx,
            day,
            child,
            reason=rng.choice(
                ("high temperature", "ear pain", "rash", "minor burn", "breathing difficulty")
            ),
            setting=rng.choice(("urgent_care", "out_of_hours", "ambulance")),
        )
    for day in poisson_in(rng, periods, cal.WNB_RATE[tier]):
        was_not_brought(ctx, day, child, rng.choice(("gp", "dental", "paediatrics", "other")))
    under_two = [(s, min(e, child.dob + 730)) for s, e in periods if s < child.dob + 730]
    for day in poisson_in(rng, under_two, (0.01, 0.03, 0.08, 0.15)[tier]):
        weight_faltering(ctx, day, child, rng.choice((1, 1, 2)))
    for day in poisson_in(rng, periods, (0.006, 0.04, 0.1, 0.18)[tier]):
        concern(
            ctx,
            ctx.d.gps[ctx.hh.gp_index],
            day,
            child,
            rng.choice(("development", "hygiene", "emotional", "neglect")),
            "GP consultation: concerns about the child's presentation noted; to review.",
            role="general practitioner",
        )
    teen = [(max(s, child.dob + int(12 * YEAR)), e) for s, e in periods]
    for day in poisson_in(rng, [(s, e) for s, e in teen if s < e], (0.01, 0.03, 0.06, 0.1)[tier]):
        note(
            ctx,
            ctx.d.mental_health,
            day,
            child,
            "CAMHS appointment: low mood and anxiety; safety plan reviewed.",
            "community mental health nurse",
            "sensitive",
        )


def _adult_routine(ctx: Ctx) -> None:
    rng, world = ctx.rng, ctx.world
    for adult in [p for p in ctx.hh.people() if p.adult]:
        spell = ctx.hh.member_spell(adult)
        risks = [r for r in adult.risks if r in ("mental_health", "substance_misuse")]
        if spell is None or not risks:
            continue
        end = world.end if spell.end is None else min(spell.end, world.end)
        for day in poisson_in(rng, [(max(world.start, spell.start), end)], 0.3):
            if not ctx.hh.in_home(day):
                continue
            risk_record(ctx, day, adult, rng.choice(risks))


def routine(ctx: Ctx) -> None:
    for child in ctx.children:
        if ctx.world.start - 270 <= child.dob <= ctx.world.end + 280:
            _pregnancy(ctx, child)
        if child.born:
            _child_routine(ctx, child)
    _adult_routine(ctx)
