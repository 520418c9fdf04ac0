"""Signal scripts of harm seen in the child: neglect, exploitation, a family on the move."""

from __future__ import annotations

from joinedup.demo import community, csc, education, health, police
from joinedup.demo.context import Ctx
from joinedup.demo.schooling import school_at
from joinedup.demo.signals_home import Signals, school_concern
from joinedup.demo.timeutil import daytime, iso_day, iso_dt
from joinedup.demo.trajectories import Plan


def neglect(ctx: Ctx, plan: Plan, out: Signals) -> str | None:
    child, d = plan.child, ctx.d
    out.append(
        (
            plan.at(0.9),
            school_concern(
                ctx,
                plan,
                plan.at(0.9),
                "hunger",
                "Taking food from other children's lunch boxes; very hungry on Monday.",
            ),
        )
    )
    out.append(
        (
            plan.at(0.8),
            community.family_record(
                ctx,
                d.food_bank,
                plan.at(0.8),
                "FB",
                "concern",
                {"category": "hunger"},
                "Third food bank voucher this month; children seen eating from the bins outside.",
                "food bank coordinator",
            ),
        )
    )
    out.append(
        (
            plan.at(0.7),
            school_concern(
                ctx,
                plan,
                plan.at(0.7),
                "hygiene",
                "Head lice untreated, clothes soiled; child says there is no hot water.",
            ),
        )
    )
    for rid in csc.contact(ctx, plan.at(0.65), [child], "2A", "information_and_advice"):
        out.append((plan.at(0.65), rid))
    out.append(
        (
            plan.at(0.6),
            health.concern(
                ctx,
                d.community,
                plan.at(0.6),
                child,
                "hunger",
                "School nurse: weight below the 2nd centile, dropped since last year.",
                role="school nurse",
            ),
        )
    )
    out.append((plan.at(0.55), health.was_not_brought(ctx, plan.at(0.55), child, "dental")))
    school = school_at(ctx.rolls.get(child.pid, []), plan.at(0.35) - 1)
    if school is not None:
        out.append((plan.at(0.35), education.withdrawn(ctx, school, plan.at(0.35), child, "ehe")))
    out.append(
        (
            plan.at(0.2),
            community.anonymous(
                ctx,
                plan.at(0.2),
                "neglect",
                "Caller says the children are not at school any more and look very thin.",
            ),
        )
    )
    day = plan.at(0.1)
    out.append(
        (
            day,
            ctx.emit(
                d.early_help,
                "EHE",
                "note",
                iso_day(day),
                iso_dt(day + 2, daytime(ctx.rng)),
                "Elective home education officer visit: parent declined access; child not seen.",
                None,
                ctx.subjects(d.early_help, day, [child], ctx.parents_at(day)[:1]),
                role="early help practitioner",
            ),
        )
    )
    police.concern(
        ctx,
        plan.crisis,
        [child],
        "neglect",
        "Welfare check after a neighbour's "
        "call: child found alone, emaciated, in a cold flat with no food.",
    )
    return health.ed_attendance(
        ctx,
        plan.crisis,
        child,
        reason="severe malnutrition; admitted",
        summary="Brought in by police. Severely underweight with "
        "pressure sores; admitted to the paediatric ward.",
    )


def exploitation(ctx: Ctx, plan: Plan, out: Signals) -> str | None:
    child = plan.child
    for fraction, hours in ((0.8, 6), (0.6, 20), (0.4, 30), (0.2, 48)):
        out.append((plan.at(fraction), police.missing(ctx, plan.at(fraction), child, hours)))
    for rid in csc.contact(ctx, plan.at(0.55), [child], "7", "early_help"):
        out.append((plan.at(0.55), rid))
    for fraction in (0.7, 0.45):
        school = school_at(ctx.rolls.get(child.pid, []), plan.at(fraction))
        if school is not None:
            out.append(
                (
                    plan.at(fraction),
                    education.exclusion(ctx, school, plan.at(fraction), child, False),
                )
            )
    out.append(
        (
            plan.at(0.5),
            community.family_record(
                ctx,
                ctx.d.youth_project,
                plan.at(0.5),
                "CON",
                "concern",
                {"category": "exploitation"},
                "Seen getting into cars with older males; new expensive trainers and two phones.",
                "youth worker",
                adults=[],
            ),
        )
    )
    out.append(
        (
            plan.at(0.3),
            health.ed_attendance(ctx, plan.at(0.3), child, reason="alcohol intoxication"),
        )
    )
    return police.missing(
        ctx,
        plan.crisis,
        child,
        72,
        text="Missing for three days; found by "
        "another force in a flat used for drug supply, with adults unknown "
        "to the family.",
    )


def mobile(ctx: Ctx, plan: Plan, out: Signals) -> str | None:
    child, d = plan.child, ctx.d
    out.append((plan.at(0.9), health.was_not_brought(ctx, plan.at(0.9), child, "health_visitor")))
    out.append((plan.at(0.8), health.was_not_brought(ctx, plan.at(0.8), child, "gp")))
    away = plan.away or (plan.at(0.75), plan.at(0.35))
    out.append(
        (
            away[0] + 10,
            health.note(
                ctx,
                d.community,
                away[0] + 10,
                child,
                "No access visit: neighbours say the family left suddenly; no forwarding address.",
                "health visitor",
            ),
        )
    )
    for rid in csc.contact(ctx, away[0] + 60, [child], "2A", "no_further_action"):
        out.append((away[0] + 60, rid))
    out.append(
        (
            away[1],
            community.family_record(
                ctx,
                d.gps[ctx.hh.gp_index],
                away[1] + 5,
                "COA",
                "change_of_address",
                {
                    "from_postcode": ctx.hh.residences[0].address.postcode,
                    "to_postcode": (
                        ctx.hh.address_at(away[1]) or ctx.hh.residences[0].address
                    ).postcode,
                    "to_local_authority": "Kestrelford",
                },
                "New patient registration: family returned to the area.",
                "practice nurse",
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
                "Bruising to both forearms; child reluctant to change for PE.",
            ),
        )
    )
    return health.ed_attendance(
        ctx,
        plan.crisis,
        child,
        reason="bruising of different ages and a burn; account changed twice",
        injury=health.InjuryFacts(consistent="no", body_site="back"),
    )
