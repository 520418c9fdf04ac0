"""The signal scripts of each trajectory kind, and their look-alike controls.

Each script returns the record ids of its signals in date order and, for a trajectory, the id
of the crisis record. Signals are ordinary records written through the same primitives as the
routine ones; nothing in a record marks it as part of a trajectory.
"""

from __future__ import annotations

from collections.abc import Callable

from joinedup.demo import community, health, police
from joinedup.demo.context import Ctx
from joinedup.demo.schooling import school_at
from joinedup.demo.signals_child import exploitation, mobile, neglect
from joinedup.demo.signals_home import (
    Signals,
    domestic_abuse,
    infant,
    school_concern,
    violent_adult,
)
from joinedup.demo.trajectories import Plan


def _control(ctx: Ctx, plan: Plan, out: Signals) -> None:
    """Look-alike signals that resolve: the same kinds of record, none of the escalation."""
    child, rng = plan.child, ctx.rng
    if plan.kind == "domestic_abuse":
        out.append(
            (
                plan.at(0.5),
                police.da_incident(
                    ctx, plan.at(0.5), risk="standard", children_present=False, physical=False
                ),
            )
        )
    elif plan.kind == "non_mobile_infant":
        out.append(
            (
                child.dob + 12,
                health.note(
                    ctx,
                    ctx.d.community,
                    child.dob + 12,
                    child,
                    "Blue-grey birthmark on the lower back (congenital dermal melanocytosis) "
                    "documented on the body map.",
                    "health visitor",
                ),
            )
        )
        out.append((plan.at(0.3), health.weight_faltering(ctx, plan.at(0.3), child, 1)))
    elif plan.kind == "neglect":
        out.append(
            (
                plan.at(0.6),
                school_concern(
                    ctx,
                    plan,
                    plan.at(0.6),
                    "hunger",
                    "Came in without breakfast; mum's shift pattern changed; resolved.",
                ),
            )
        )
        out.append(
            (
                plan.at(0.5),
                community.family_record(
                    ctx,
                    ctx.d.food_bank,
                    plan.at(0.5),
                    "FB",
                    "concern",
                    {"category": "hunger"},
                    "One-off food bank voucher after a benefits delay.",
                    "food bank coordinator",
                ),
            )
        )
    elif plan.kind == "violent_new_adult" and plan.adult is not None:
        joined = ctx.hh.joined.get(plan.adult.pid, plan.at(0.8))
        out.append(
            (
                joined + 30,
                community.change_of_household(
                    ctx, joined + 30, plan.adult, "adult_joined", ctx.d.community, "health visitor"
                ),
            )
        )
        school = school_at(ctx.rolls.get(child.pid, []), plan.at(0.4))
        if school is not None:
            out.append(
                (
                    plan.at(0.4),
                    health.record_injury(
                        ctx,
                        school.org,
                        plan.at(0.4),
                        child,
                        body_site="knee",
                        consistent="yes",
                        mobile="yes",
                        medical=False,
                        summary="Grazed knee in the playground.",
                    ),
                )
            )
    elif plan.kind == "exploitation":
        out.append((plan.at(0.5), police.missing(ctx, plan.at(0.5), child, 3)))
    out.append(
        (
            plan.at(0.25),
            health.was_not_brought(ctx, plan.at(0.25), child, rng.choice(("gp", "dental"))),
        )
    )


SCRIPTS: dict[str, Callable[[Ctx, Plan, Signals], str | None]] = {
    "domestic_abuse": domestic_abuse,
    "non_mobile_infant": infant,
    "neglect": neglect,
    "violent_new_adult": violent_adult,
    "exploitation": exploitation,
    "mobile_family": mobile,
}


def emit(ctx: Ctx, plan: Plan) -> tuple[list[str], str | None]:
    out: Signals = []
    crisis: str | None = None
    if plan.control:
        _control(ctx, plan, out)
    else:
        crisis = SCRIPTS[plan.kind](ctx, plan, out)
    ordered = sorted((day, rid) for day, rid in out if rid is not None)
    return [rid for _, rid in ordered], crisis
