"""Closing an episode's file: cut it where the family moved away, then write it (the home
authority's own episodes: draw their records, withheld, and plan them as casework instead)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from joinedup.core.dfe_codes import TRANSFERRED
from joinedup.demo import care, caseepisode, csc
from joinedup.demo.timeutil import iso_day, iso_dt

if TYPE_CHECKING:
    from joinedup.demo.statutory import Episode, Step


def _leave_day(ep: Episode) -> int | None:
    """The first day after the referral on which the family lived in another authority."""
    for r in ep.ctx.hh.residences:
        if r.start > ep.start and r.address.authority.name != ep.la:
            return r.start
    return None


def _transfer(ep: Episode, day: int) -> None:
    """The family moved away while the case was open: hand over to the new authority."""
    for start, end in ep.cp:
        if start <= day < end:
            ep.each(
                day,
                "CPE",
                "cp_plan_end",
                {"outcome": "transferred_to_other_authority"},
                "Child protection plan ended on transfer to another local authority.",
                "child protection chair",
            )
    for period in ep.cla:
        if period.start <= day and (period.end is None or day < period.end):
            period.end, period.reason = day, "E3"
            ep.add(
                day,
                period.child,
                "CLE",
                "cla_end",
                {"outcome": "E3"},
                care.END_TEXT["E3"],
                "independent reviewing officer",
            )
    ep.each(
        day,
        "CLS",
        "case_closed",
        {"reason": TRANSFERRED},
        "Family moved to another local authority; case transferred and closed.",
        "team manager",
    )


def finish(ep: Episode) -> None:
    ctx, world = ep.ctx, ep.ctx.world
    leave = _leave_day(ep)
    cut = world.end + 1 if leave is None else min(leave, world.end + 1)
    pending = [s for s in ep.steps if s.day >= cut]
    ep.steps = [s for s in ep.steps if s.day < cut]
    ep.cp = [(s, min(e, cut)) for s, e in ep.cp if s < cut]
    for period in ep.cla:
        if period.end is not None and period.end >= cut:
            period.end, period.reason = None, None
    ep.cla = [p for p in ep.cla if p.start < cut]
    still_open = bool(pending)
    if leave is not None and leave <= world.end and still_open:
        _transfer(ep, leave)
        still_open = False
    last_close: dict[str, int] = {}
    for s in ep.steps:
        if s.rtype == "case_closed" and s.child is not None:
            last_close[s.child.pid] = max(last_close.get(s.child.pid, 0), s.day)
    ep.end = 0 if still_open or not last_close else max(last_close.values())
    care.apply(ctx, ep.cla)
    ctx.cases.append([ep.start, ep.end or None])
    if ep.end and ep.end < world.start:
        return
    steps = [
        step
        for step in sorted(ep.steps, key=lambda s: s.day)
        if not (
            step.rtype == "case_closed"
            and step.child is not None
            and (step.day < last_close[step.child.pid])
        )
    ]
    home = ep.org is ctx.d.csc  # the home authority's own casework: replayed through its
    for step in steps:  # services, its records drawn but withheld
        _write(ep, step, withhold=home)
    if home:
        caseepisode.episode(ep, steps)


def _write(ep: Episode, step: Step, *, withhold: bool) -> None:
    ctx = ep.ctx
    if step.rtype == "note" and step.day < ctx.world.start:
        return  # only the statutory milestones of an episode open at the start are migrated
    if step.child is None:
        children = [c for c in ep.children if step.day - c.dob < 6574]
        if not children:
            return
        subjects = ctx.subjects(ep.org, step.day, children, csc.family_adults(ctx, step.day)[:1])
        rid = ctx.emit(
            ep.org,
            step.kind,
            step.rtype,
            iso_day(step.day),
            iso_dt(step.day + step.lag, 9 * 60 + ctx.rng.randint(0, 540)),
            step.text,
            step.attrs,
            subjects,
            role=step.role,
            withhold=withhold,
        )
    else:
        rid = csc.step(
            ctx,
            ep.org,
            step.kind,
            step.rtype,
            step.day,
            step.child,
            step.attrs,
            step.text,
            step.role,
            lag=step.lag,
            withhold=withhold,
        )
    if rid is not None:
        ep.ids.append(rid)
