"""Signal scripts of harm at home: domestic abuse, an injured baby, a violent new adult."""

from __future__ import annotations

from joinedup.demo import community, csc, education, health, police
from joinedup.demo.context import Ctx
from joinedup.demo.schooling import school_at
from joinedup.demo.trajectories import Plan

Signals = list[tuple[int, str | None]]


def school_concern(ctx: Ctx, plan: Plan, day: int, category: str, text: str) -> str | None:
    school = school_at(ctx.rolls.get(plan.child.pid, []), day)
    if school is None:
        return health.concern(ctx, ctx.d.community, day, plan.child, category, text)
    return education.concern(ctx, school, day, plan.child, category, text)


def domestic_abuse(ctx: Ctx, plan: Plan, out: Signals) -> str | None:
    child, kids = plan.child, ctx.hh.children_at(plan.crisis)
    risks = ("standard", "medium", "medium", "high")
    for fraction, risk in zip((0.8, 0.55, 0.3, 0.1), risks, strict=True):
        day = plan.at(fraction)
        out.append(
            (day, police.da_incident(ctx, day, risk=risk, children_present=True, notify=False))
        )
        for rid in csc.contact(ctx, day + 1, kids, "7", "no_further_action"):
            out.append((day + 1, rid))
    out.append(
        (
            plan.at(0.45),
            school_concern(
                ctx,
                plan,
                plan.at(0.45),
                "emotional",
                "Withdrawn and tired; said there is shouting at home at night.",
            ),
        )
    )
    out.append((plan.at(0.5), health.was_not_brought(ctx, plan.at(0.5), child, "gp")))
    if plan.adult is not None:
        out.append(
            (
                plan.at(0.35),
                health.risk_record(ctx, plan.at(0.35), plan.adult, "domestic_abuse_perpetrator"),
            )
        )
    police.da_incident(
        ctx, plan.crisis, risk="high", children_present=True, physical=True, notify=False
    )
    return health.ed_attendance(
        ctx,
        plan.crisis,
        child,
        reason="fractured arm and facial bruising; account of a fall down the stairs",
        injury=health.InjuryFacts(consistent="no", body_site="upper arm"),
    )


def infant(ctx: Ctx, plan: Plan, out: Signals) -> str | None:
    baby, birth = plan.child, plan.child.dob
    out.append(
        (
            birth - 150,
            health.antenatal_concern(
                ctx,
                birth - 150,
                baby,
                "domestic_abuse",
                "Disclosed at booking that her previous "
                "partner was violent; new relationship, reluctant to give details.",
            ),
        )
    )
    out.append((birth - 100, health.was_not_brought(ctx, birth - 100, baby, "antenatal")))
    if plan.adult is not None:
        joined = ctx.hh.joined.get(plan.adult.pid, birth)
        out.append(
            (
                joined + 20,
                community.change_of_household(
                    ctx, joined + 20, plan.adult, "adult_joined", ctx.d.community, "health visitor"
                ),
            )
        )
    bruise = plan.at(0.15) if plan.at(0.15) > birth + 20 else birth + 21
    out.append(
        (
            bruise,
            health.record_injury(
                ctx,
                ctx.d.community,
                bruise,
                baby,
                body_site="cheek",
                consistent="unknown",
                mobile="no",
                medical=False,
                summary="Small bruise to the left cheek seen at home visit. Mother "
                "unsure how it happened; suggested a sibling may have done it.",
            ),
        )
    )
    for rid in csc.contact(ctx, bruise + 1, [baby], "3B", "no_further_action"):
        out.append((bruise + 1, rid))
    wnb = max(birth + 56, plan.at(0.2))
    out.append((wnb, health.was_not_brought(ctx, wnb, baby, "immunisation")))
    out.append((plan.crisis - 12, health.weight_faltering(ctx, plan.crisis - 12, baby, 2)))
    return health.ed_attendance(
        ctx,
        plan.crisis,
        baby,
        reason="head injury in a non-mobile infant; skull fracture; reported fall from a sofa",
        injury=health.InjuryFacts(consistent="no", body_site="head", mobile="no"),
    )


def violent_adult(ctx: Ctx, plan: Plan, out: Signals) -> str | None:
    child, adult = plan.child, plan.adult
    if adult is not None:
        joined = ctx.hh.joined.get(adult.pid, plan.at(0.85))
        out.append((joined + 10, police.history(ctx, joined + 10, adult)))
        out.append(
            (
                joined + 25,
                community.change_of_household(
                    ctx,
                    joined + 25,
                    adult,
                    "adult_joined",
                    ctx.d.csc if csc.is_open(ctx, joined) else ctx.d.gps[ctx.hh.gp_index],
                    "practice nurse",
                ),
            )
        )
        out.append((joined + 40, health.risk_record(ctx, joined + 40, adult, "substance_misuse")))
    school = school_at(ctx.rolls.get(child.pid, []), plan.at(0.5))
    org = school.org if school is not None else ctx.d.community
    out.append(
        (
            plan.at(0.5),
            health.record_injury(
                ctx,
                org,
                plan.at(0.5),
                child,
                body_site="upper arm",
                consistent="no",
                mobile="yes",
                medical=False,
                summary="Finger-tip bruising to the upper arm; child said they did not "
                "know how it happened, then that they fell.",
            ),
        )
    )
    out.append(
        (
            plan.at(0.35),
            health.ed_attendance(
                ctx,
                plan.at(0.35),
                child,
                reason="bruised ribs after a fall from a bike",
                injury=health.InjuryFacts(consistent="yes", body_site="back"),
            ),
        )
    )
    out.append(
        (
            plan.at(0.2),
            school_concern(
                ctx,
                plan,
                plan.at(0.2),
                "physical",
                "Does not want to go home; frightened of mum's boyfriend.",
            ),
        )
    )
    out.append(
        (
            plan.at(0.15),
            police.da_incident(
                ctx, plan.at(0.15), risk="medium", children_present=True, notify=False
            ),
        )
    )
    return health.ed_attendance(
        ctx,
        plan.crisis,
        child,
        reason="multiple fractures of different ages; inconsistent account",
        injury=health.InjuryFacts(consistent="no", body_site="ribs"),
    )
