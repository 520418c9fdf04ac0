"""The leaving care service in the demo: care leavers' personal advisers, pathway plans and
contacts, for the SSDA903 (OC3, social worker episodes after care) and Annex A List 9.

A child whose care in the home authority ends at 16 or over, and whom the law then makes a
relevant or former relevant young person (`casework.eligibility`, from the episode's periods
of care), gets leaving care support from the day care ends: a personal adviser (the case's
social worker holds them until the case closes; the 903's episodes follow on), a pathway plan
within a month, its review about every six months (one in ten late, with the reason), a
contact around each birthday from 17 to 21 and one between (in touch, activity, accommodation:
weights our assumption, loosely after the DfE's care leavers' statistics), and the end of
support at 21. Draws come from random numbers of their own (seed, child, day), so nothing
else in the demo changes. Care ended by a transfer to another authority (E3), death (E2) or
adoption is not followed: that young person is not this authority's care leaver.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from joinedup.casework import clocks, eligibility
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.timeutil import birthday

if TYPE_CHECKING:
    from joinedup.demo.statutory import Episode, Step

NOT_OURS = frozenset({"E3", "E2", "E11", "E12"})
ADVISERS = 6  # pa.01 … pa.06, the leaving care team's personal advisers
TEAM = "Leaving care team"
ACTIVITY_17 = (("F2", 40), ("P2", 5), ("F4", 8), ("F5", 7), ("G5", 28), ("G4", 6), ("G6", 6))
ACTIVITY_18 = (("F1", 8), ("F2", 22), ("F4", 8), ("F5", 18), ("P5", 6), ("G5", 26), ("G4", 6),
               ("G6", 6))  # fmt: skip
HOME_17 = (("D", 50), ("E", 18), ("B", 20), ("C", 12))
HOME_18 = (("U", 30), ("Z", 14), ("D", 20), ("B", 14), ("E", 10), ("T", 4), ("K", 4), ("W", 2),
           ("V", 2))  # fmt: skip
TOUCH = (("YES", 88), ("NO", 6), ("REFU", 4), ("NREQ", 2))


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join((str(seed), "leaving_care", *map(str, parts))))


def _pick(r: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return r.choices([c for c, _ in weighted], [w for _, w in weighted])[0]


def steps(ep: Episode, child: Person) -> list[Step]:
    """The leaving care steps of a child whose care in this episode ended at 16 or over."""
    ctx = ep.ctx
    mine = [p for p in ep.cla if p.child is child]
    if not mine or mine[-1].end is None or (mine[-1].reason or "") in NOT_OURS:
        return []
    end, born = mine[-1].end, date.fromordinal(child.dob)
    periods = [eligibility.Care(date.fromordinal(p.start),
                                date.fromordinal(p.end) if p.end is not None else None, p.legal)
               for p in mine]  # fmt: skip
    category = eligibility.category(born=born, periods=periods, on=date.fromordinal(end))
    if category not in (eligibility.RELEVANT, eligibility.FORMER_RELEVANT):
        return []
    r = _rng(ctx.world.seed, child.pid, end)
    last = min(ctx.world.end, birthday(child.dob, 21))
    adviser: Json = {"label": f"pa.{r.randint(1, ADVISERS):02d}", "team": TEAM,
                     "sw_reason": "TSPROC"}  # fmt: skip
    out = [_step(end, child, "open", {}), _step(end, child, "allocate_adviser", adviser)]
    planned = end + r.randint(7, 28)
    if planned <= last:
        out.append(_step(planned, child, "pathway_plan", {"notes": "Pathway plan agreed."}))
    due = _review_due(planned)
    while due <= last:
        day = due - r.randint(0, 20)
        late = r.random() < 0.1
        if late:
            day = due + r.randint(3, 30)
        if day > last:
            break
        fields: Json = {"notes": "Pathway plan reviewed with the young person."}
        out.append(_step(day, child, "pathway_review", fields,
                         "Young person unavailable; rearranged." if late else ""))  # fmt: skip
        due = _review_due(day)
    out.extend(_contacts(r, child, end, last))
    if birthday(child.dob, 21) <= ctx.world.end:
        out.append(_step(birthday(child.dob, 21), child, "close", {"reason": "age"}))
    return out


def _review_due(day: int) -> int:
    """The review's due day by casework's own clock (six calendar months: 181 days after 31
    August, so a fixed 182 days would make an on-time review late)."""
    return clocks.pathway_review_due(date.fromordinal(day)).toordinal()


def _contacts(r: random.Random, child: Person, end: int, last: int) -> list[Step]:
    """A contact around each birthday from 17 to 21 (from 60 days before to 20 after) and one
    about six months after it, while support lasts."""
    out = []
    for years in range(17, 22):
        around = birthday(child.dob, years)
        for day in (around - r.randint(0, 60) + r.randint(0, 20), around + r.randint(150, 200)):
            if end < day <= last:
                out.append(_step(day, child, "keeping_in_touch", _contact(r, child, day)))
    return sorted(out, key=lambda s: s.day)


def _contact(r: random.Random, child: Person, day: int) -> Json:
    adult = day >= birthday(child.dob, 18)
    touch = _pick(r, TOUCH)
    if touch == "NREQ" and not adult:
        touch = "YES"
    fields: Json = {"in_touch": touch}
    if touch == "YES":
        where = _pick(r, HOME_18 if adult else HOME_17)
        fields.update({"activity": _pick(r, ACTIVITY_18 if adult else ACTIVITY_17),
                       "accommodation": where, "suitable": r.random() < 0.9})  # fmt: skip
    return fields


def _step(day: int, child: Person, action: str, fields: Json, late: str = "") -> Step:
    from joinedup.demo.statutory import Step

    attrs: Json = {"action": action, "fields": fields, **({"late_reason": late} if late else {})}
    return Step(day, child, "LCS", "leaving_care", attrs, "Leaving care support.", "")
