"""The ordinary run of a family's contacts and referrals over the history."""

from __future__ import annotations

from joinedup.demo import calibration as cal
from joinedup.demo import csc, triggers
from joinedup.demo.agencies import Org
from joinedup.demo.context import Ctx
from joinedup.demo.model import Person
from joinedup.demo.statutory import episode
from joinedup.demo.timeutil import YEAR, poisson_days


def eligible(ctx: Ctx, day: int) -> list[Person]:
    kids = [c for c in ctx.hh.children_at(day)]
    unborn = [c for c in ctx.children if 0 < c.dob - day < 150]
    if unborn and ctx.hh.tier >= 2 and ctx.rng.random() < 0.6:
        kids += unborn
    return kids


def contacts(ctx: Ctx) -> None:
    """Contacts that stop at the front door: advice, early help or no further action."""
    rng, world = ctx.rng, ctx.world
    sources = list(cal.REFERRAL_SOURCES)
    weights = list(cal.REFERRAL_SOURCES.values())
    for day in poisson_days(rng, world.start, world.end, cal.CONTACT_RATE[ctx.hh.tier]):
        children = ctx.hh.children_at(day)
        if children and ctx.hh.in_home(day):
            source = rng.choices(sources, weights)[0]
            csc.contact(ctx, day, children, source)
            if rng.random() < 0.4:
                triggers.precursor(ctx, day, children, source)


def run(ctx: Ctx, *, until: int | None = None, rate_scale: float = 1.0) -> None:
    """The family's ordinary run of referrals over the whole history (or until `until`)."""
    world, tier = ctx.world, ctx.hh.tier
    end = world.end if until is None else until
    day = world.start - int(cal.BURN_IN_YEARS * YEAR)
    while True:
        arrivals = poisson_days(ctx.rng, day, end, cal.REFERRAL_RATE[tier] * rate_scale)
        if not arrivals:
            return
        day = arrivals[0]
        org = csc.org_at(ctx, day)
        children = eligible(ctx, day)
        if org is None or not children or not _known(ctx, org, day):
            day += 30
            continue
        ep = episode(ctx, org, day, children)
        if ep.end > end or ep.end == 0:
            return
        day = ep.end + 14


def _known(ctx: Ctx, org: Org, day: int) -> bool:
    """History from another authority is known only if the family later came here."""
    if org is ctx.d.csc:
        return True
    return any(r.address.in_home and r.start > day for r in ctx.hh.residences)
