"""The partner agency's own record of what led it to refer, written just before the referral.

Referrals are drawn first (statutory.py); their precursors are written once school rolls are
known, so that a school's concern comes from the school the child actually attends.
"""

from __future__ import annotations

from joinedup.demo import community, education, health, police
from joinedup.demo.context import Ctx
from joinedup.demo.model import Person
from joinedup.demo.schooling import school_at


def precursor(ctx: Ctx, day: int, children: list[Person], source: str) -> None:
    ctx.triggers.append((day, children, source))


def emit_pending(ctx: Ctx) -> None:
    for day, children, source in ctx.triggers:
        _emit(ctx, day, children, source)
    ctx.triggers.clear()


def _emit(ctx: Ctx, day: int, children: list[Person], source: str) -> None:
    rng, d = ctx.rng, ctx.d
    before = day - rng.randint(0, 3)
    born = [c for c in children if c.dob <= before]
    if not born:
        if children and source.startswith("3"):
            health.antenatal_concern(
                ctx,
                before,
                children[0],
                "other",
                "Midwife concerned "
                "about the home circumstances; referral to children's "
                "social care.",
            )
        return
    child = rng.choice(born)
    if source == "7":
        if police.da_incident(ctx, before, risk="high", notify=False) is None:
            police.concern(
                ctx,
                before,
                born,
                "neglect",
                "Officers attended a welfare check and "
                "found the children in a dirty, cold home with no food.",
            )
    elif source in ("2A", "2B"):
        school = school_at(ctx.rolls.get(child.pid, []), before)
        if school is not None:
            category, text = rng.choice(education.CONCERNS)
            education.concern(ctx, school, before, child, category, text)
    elif source in ("3A", "3B", "3C", "3D", "3F"):
        org, role = {
            "3A": (d.gps[ctx.hh.gp_index], "general practitioner"),
            "3F": (d.acute, "paediatric registrar"),
        }.get(source, (d.community, "school nurse" if source == "3C" else "health visitor"))
        health.concern(
            ctx,
            org,
            before,
            child,
            rng.choice(("neglect", "development", "emotional", "physical")),
            "Safeguarding concern identified at "
            "appointment; discussed with the named nurse and referred.",
            role=role,
        )
    elif source == "3E":
        health.ed_attendance(
            ctx,
            before,
            child,
            reason="injury: explanation unclear",
            injury=health.InjuryFacts(consistent="unknown"),
        )
    elif source in ("9", "1B", "1D"):
        community.anonymous(ctx, before, rng.choice(("neglect", "supervision", "emotional")))
    elif source == "4":
        community.housing(ctx, before, rng.choice(("poor_conditions", "eviction")))
    elif source == "8":
        community.family_record(
            ctx,
            d.food_bank,
            before,
            "FB",
            "concern",
            {"category": "hunger"},
            "Food bank volunteer concerned about the children's weight and clothing.",
            "food bank coordinator",
        )
