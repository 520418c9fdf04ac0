"""The statutory pathway: referral, assessment, strategy discussion, s47, conference, plan, care.

Each family's episodes are simulated from three years before the history (so that the stocks
at 31 March are right) to the as-of day. An episode is first drawn as a list of pending steps,
cut short if the family leaves the authority, and only then written, and only if it was still
open at the start of the history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from joinedup.demo import calibration as cal
from joinedup.demo import care, casefile, csc, triggers
from joinedup.demo.agencies import Org
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.timeutil import YEAR, on_working_day, working_days_after

METRICS = {
    "referral": "referrals",
    "assessment": "assessments",
    "strategy_discussion": "strategy_discussions",
    "section47": "section47s",
    "cp_plan_start": "cp_plan_starts",
    "cp_plan_end": "cp_plan_ends",
    "cla_start": "cla_starts",
    "cla_end": "cla_ends",
    "case_closed": "case_closures",
    "contact_outcome": "contacts",
}


@dataclass(slots=True)
class Step:
    day: int
    child: Person | None  # None: a family-level visit note for all the episode's children
    kind: str
    rtype: str
    attrs: Json | None
    text: str
    role: str
    lag: int = 0
    metric: str | None = None


@dataclass(slots=True, eq=False)
class Episode:
    ctx: Ctx
    org: Org
    la: str
    start: int
    children: list[Person]
    steps: list[Step] = field(default_factory=list)
    cp: list[tuple[int, int]] = field(default_factory=list)
    cla: list[care.CarePeriod] = field(default_factory=list)
    end: int = 0
    ids: list[str] = field(default_factory=list)

    def add(
        self,
        day: int,
        child: Person | None,
        kind: str,
        rtype: str,
        attrs: Json | None,
        text: str,
        role: str,
        lag: int = 0,
    ) -> None:
        self.steps.append(Step(day, child, kind, rtype, attrs, text, role, lag, METRICS.get(rtype)))

    def each(
        self,
        day: int,
        kind: str,
        rtype: str,
        attrs: Json | None,
        text: str,
        role: str,
        lag: int = 0,
    ) -> None:
        for child in self.children:
            self.add(day, child, kind, rtype, attrs, text, role, lag)


def _lognormal_days(ctx: Ctx, median: float, sigma: float, low: int, high: int) -> int:
    return max(low, min(high, int(median * math.exp(ctx.rng.gauss(0.0, sigma)))))


def _pick(ctx: Ctx, weights: dict[str, float]) -> str:
    return ctx.rng.choices(list(weights), list(weights.values()))[0]


def _close(ep: Episode, day: int, reason: str, text: str) -> None:
    ep.each(
        day,
        "CLS",
        "case_closed",
        {"reason": reason},
        text,
        "team manager",
        ep.ctx.rng.randint(0, 3),
    )
    ep.end = max(ep.end, day)


def _visits(ep: Episode, start: int, end: int, kind: str) -> None:
    ctx = ep.ctx
    day = start + ctx.rng.randint(3, cal.VISIT_DAYS[kind])
    while day < end:
        not_seen = ctx.rng.random() < cal.NOT_SEEN[ctx.hh.tier]
        text = (
            "Statutory visit: no answer at the door; child not seen. Card left."
            if not_seen
            else ctx.rng.choice(
                (
                    "Statutory visit: child seen alone and spoken with in their bedroom.",
                    "Home visit: children seen with mother; home conditions adequate.",
                    "Visit: child seen at school; wishes and feelings work completed.",
                )
            )
        )
        ep.add(day, None, "VIS", "note", None, text, "social worker", ctx.rng.randint(0, 4))
        day += int(cal.VISIT_DAYS[kind] * ctx.rng.uniform(0.7, 1.4))


def _cin(ep: Episode, day: int) -> None:
    """A child in need plan until the case is closed (or escalates)."""
    ctx, tier = ep.ctx, ep.ctx.hh.tier
    length = _lognormal_days(ctx, cal.CIN_MEDIAN_DAYS, 0.6, 40, 900)
    if ctx.rng.random() < cal.CIN_ESCALATE * (1 + tier):
        at = day + ctx.rng.randint(20, length)
        _visits(ep, day, at, "cin")
        _section47(ep, at)
        return
    teens = [c for c in ep.children if at_least(c, day, 12)]
    if teens and ctx.rng.random() < cal.CLA_DIRECT[tier] * 3:
        child = ctx.rng.choice(teens)
        care.start(ep, child, day + ctx.rng.randint(10, 90), _pick(ctx, cal.CLA_STATUS_TEEN))
    _visits(ep, day, day + length, "cin")
    _close(ep, day + length, "RC7", "Child in need plan ended: needs met; case closed.")


def at_least(child: Person, day: int, years: int) -> bool:
    return day - child.dob >= years * YEAR


def _assessment(ep: Episode) -> None:
    rng = ep.ctx.rng
    taken = rng.randint(10, 45) if rng.random() > 0.12 else rng.randint(46, 80)
    done = working_days_after(ep.start, taken)
    roll = rng.random()
    if roll < cal.NOT_IN_NEED:
        outcome, text = "not_in_need", "Child and family assessment completed: not in need."
    elif roll < cal.NOT_IN_NEED + 0.1:
        outcome, text = "early_help", "Assessment completed: step down to early help."
    else:
        outcome, text = "child_in_need", "Assessment completed: child in need plan agreed."
    ep.each(
        done,
        "ASM",
        "assessment",
        {"outcome": outcome},
        f"{text} Completed in {taken} working days.",
        "social worker",
        rng.randint(0, 3),
    )
    if outcome == "child_in_need":
        _cin(ep, done)
    elif outcome == "early_help":
        _close(
            ep, done + rng.randint(0, 5), "RC9", "Closed after assessment; referred to early help."
        )
    else:
        _close(
            ep,
            done + rng.randint(0, 5),
            "RC8",
            "Closed after assessment; no further action by children's social care.",
        )


def _section47(ep: Episode, day: int, *, forced: str | None = None) -> None:
    ctx, rng, tier = ep.ctx, ep.ctx.rng, ep.ctx.hh.tier
    proceed = forced is not None or rng.random() < cal.SECTION47_AFTER_STRATEGY
    ep.each(
        day,
        "STR",
        "strategy_discussion",
        {"outcome": "section47_enquiry" if proceed else "no_further_action"},
        "Strategy discussion held with police and health: "
        + (
            "threshold for section 47 enquiries met."
            if proceed
            else "single-agency assessment to continue."
        ),
        "team manager",
    )
    if not proceed:
        _cin(ep, day + rng.randint(5, 30))
        return
    concluded = working_days_after(day, rng.randint(5, 15))
    icpc = forced is not None or rng.random() < cal.ICPC_AFTER_S47[tier]
    outcome = "icpc_convened" if icpc else rng.choice(("child_in_need", "no_further_action"))
    ep.each(
        day,
        "S47",
        "section47",
        {"outcome": outcome},
        "Section 47 enquiry: children seen and spoken with; agency checks completed.",
        "social worker",
        concluded - day,
    )
    finding = {
        "icpc_convened": "child_protection_conference",
        "child_in_need": "child_in_need",
    }.get(outcome, "not_in_need")
    ep.each(
        concluded,
        "ASM",
        "assessment",
        {"outcome": finding},
        "Child and family assessment completed alongside the section 47 enquiry.",
        "social worker",
        rng.randint(0, 3),
    )
    if forced == "cla":
        for child in ep.children:
            care.start(ep, child, day, _pick(ctx, cal.CLA_STATUS_EMERGENCY))
        return
    if not icpc:
        if outcome == "child_in_need":
            _cin(ep, concluded)
        else:
            # Not "closed after assessment" (RC8): an enquiry was made (CIN rule 2990).
            _close(
                ep,
                concluded + rng.randint(0, 5),
                "RC7",
                "Section 47 concluded; concerns not substantiated. Case closed.",
            )
        return
    late = 8 if rng.random() < 0.2 else 0
    _conference(ep, working_days_after(day, rng.randint(10, 15) + late), forced is not None)


def _conference(ep: Episode, day: int, forced: bool) -> None:
    ctx, rng, tier = ep.ctx, ep.ctx.rng, ep.ctx.hh.tier
    plan = forced or rng.random() < cal.PLAN_AT_ICPC
    ep.each(
        day,
        "CPC",
        "cp_conference",
        {"outcome": "child_protection_plan" if plan else "no_plan"},
        "Initial child protection conference: "
        + (
            "children made subject to child protection plans."
            if plan
            else "no plan; child in need support to continue."
        ),
        "child protection chair",
        rng.randint(1, 5),
    )
    if not plan:
        _cin(ep, day)
        return
    category = rng.choices(list(cal.CATEGORY_OF_ABUSE), list(cal.CATEGORY_OF_ABUSE.values()))[0]
    ep.each(
        day,
        "CPS",
        "cp_plan_start",
        {"category_of_abuse": category},
        f"Child protection plan started under the category {category}.",
        "child protection chair",
    )
    # The plan ends at a review conference, so on a working day.
    end = on_working_day(day + _lognormal_days(ctx, cal.CP_PLAN_MEDIAN_DAYS, 0.55, 90, 1100))
    reason = "step_down_to_child_in_need"
    if ep.ctx.rng.random() < cal.CLA_FROM_CP[tier]:
        end = on_working_day(rng.randint(day + 30, end))
        reason = "child_looked_after"
        for child in ep.children:
            care.start(ep, child, end, _pick(ctx, cal.CLA_STATUS_FROM_PLAN))
    _reviews(ep, day, end, reason)
    ep.cp.append((day, end))
    if reason == "step_down_to_child_in_need":
        _cin(ep, end)


def _reviews(ep: Episode, start: int, end: int, reason: str) -> None:
    rng = ep.ctx.rng
    review = start + 91
    while review < end:
        ep.each(
            min(on_working_day(review), end),
            "CPC",
            "cp_conference",
            {"outcome": "plan_continues"},
            "Review child protection conference: plan to continue.",
            "child protection chair",
            rng.randint(1, 5),
        )
        review += 182
    ep.each(
        end,
        "CPC",
        "cp_conference",
        {"outcome": "plan_ended"},
        "Review child protection conference: plan to end.",
        "child protection chair",
    )
    ep.each(
        end,
        "CPE",
        "cp_plan_end",
        {"outcome": reason},
        "Child protection plan ended: " + reason.replace("_", " ") + ".",
        "child protection chair",
    )
    _visits(ep, start, end, "cp")


def _open(ctx: Ctx, org: Org, day: int, children: list[Person], source: str) -> Episode:
    address = ctx.hh.address_at(day)
    la = address.authority.name if address is not None else ""
    ep = Episode(ctx, org, la, day, children, end=day)
    text = f"Referral from {csc.SOURCE_WORDS[source]}."
    ep.each(
        day,
        "CON",
        "contact_outcome",
        {"outcome": "referral"},
        csc.CONTACT_TEXT["referral"].format(src=csc.SOURCE_WORDS[source]),
        "MASH social worker",
    )
    ep.each(
        day,
        "REF",
        "referral",
        {"referral_source": cal.DFE_SOURCE.get(source, source)},
        text,
        "MASH social worker",
        ctx.rng.randint(0, 1),
    )
    return ep


def episode(
    ctx: Ctx,
    org: Org,
    day: int,
    children: list[Person],
    *,
    source: str | None = None,
    forced: str | None = None,
) -> Episode:
    """Draw one episode from referral to closure (or the as-of day) and write it."""
    rng = ctx.rng
    if source is None:
        source = rng.choices(list(cal.REFERRAL_SOURCES), list(cal.REFERRAL_SOURCES.values()))[0]
    ep = _open(ctx, org, day, children, source)
    if forced is not None:
        _section47(ep, day + rng.randint(0, 1), forced=forced)
    elif rng.random() < cal.NFA_AT_REFERRAL:
        _close(ep, day + rng.randint(1, 5), "RC8", "Referral: no further action.")
    elif rng.random() < cal.STRATEGY[ctx.hh.tier]:
        _section47(ep, day + rng.randint(0, 3))
    else:
        _assessment(ep)
    casefile.finish(ep)
    if org is ctx.d.csc and forced is None and day >= ctx.world.start:
        triggers.precursor(ctx, day, children, source)
    return ep
