"""SSDA903 OC3: care leavers around their 17th to 21st birthdays, from the leaving care service.

Who (the DfE's cohort, as the validator's rules 391, 1001, 1007, 1011, 1016 and 1000 read it):
each young person whose 17th, 18th, 19th, 20th or 21st birthday falls in the collection year
and who, the day before it, was a relevant or former relevant young person
(`casework.eligibility`: 13 weeks looked after since 14, in care after 16, not adopted) and not
looked after on it (a child still looked after on the birthday, or leaving care on or after it,
is not asked about); not one whose care ended with a transfer to another authority (E3) or
their death (E2).

What: the latest contact recorded from three months before the birthday to one month after
it (the DfE's window): IN_TOUCH as recorded, ACTIV and ACCOM as recorded or 0 where the young
person was not in touch. With no contact in the window, leaving care support that had ended
says why (NREQ no longer required, DIED), else the authority was not in touch (NO, 0, 0). A
young person with no leaving-care record at all has no row: nothing is invented, and they are
counted in `gaps`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from joinedup.casework import eligibility
from joinedup.casework.clocks import add_months
from joinedup.reports import leaving_care_read as lc
from joinedup.reports import ssda903_read as read
from joinedup.reports.annex_a_lists import months_before
from joinedup.reports.years import CollectionYear

AGES = (17, 18, 19, 20, 21)
NOT_A_CARE_LEAVER = frozenset({"E3", "E2"})  # transferred to another authority; died
ENDED = {"no_longer_required": "NREQ", "died": "DIED"}
WINDOW_BEFORE, WINDOW_AFTER = 3, 1  # months either side of the birthday
GAP = "OC3 care leavers with no leaving-care record (no row)"
NOT_IN_TOUCH = "OC3 no contact around the birthday (NO)"


@dataclass(frozen=True)
class Oc3:
    person_id: int
    birthday: date
    in_touch: str
    activity: str
    accommodation: str


def care(periods: Sequence[read.Period]) -> list[eligibility.Care]:
    return [eligibility.Care(p.start, p.end, str(p.details.get("legal_status") or ""),
                             p.reason or "") for p in periods]  # fmt: skip


def cohort(
    periods: Sequence[read.Period], born: dict[int, date], year: CollectionYear
) -> dict[int, date]:
    """Each young person in OC3 this year, with the birthday that puts them there."""
    by_person: dict[int, list[read.Period]] = defaultdict(list)
    for p in periods:
        by_person[p.person_id].append(p)
    found: dict[int, date] = {}
    for pid, mine in by_person.items():
        dob = born.get(pid)
        if dob is None or (mine[-1].reason or "") in NOT_A_CARE_LEAVER:
            continue
        spans = care(mine)
        for n in AGES:
            day = eligibility.birthday(dob, n)
            if not year.start <= day <= year.end:
                continue
            was = eligibility.category(born=dob, periods=spans, on=day - timedelta(days=1))
            still = any(s.start <= day and (s.end is None or s.end >= day) for s in spans)
            if was in (eligibility.RELEVANT, eligibility.FORMER_RELEVANT) and not still:
                found[pid] = day
    return found


def rows(session: Session, members: dict[int, date], gaps: Counter[str]) -> list[Oc3]:
    """The OC3 values of each member of the cohort who has a leaving-care record."""
    records = lc.records(session, members)
    contacts: dict[int, list[lc.Step]] = defaultdict(list)
    owner = {r.id: r.person_id for r in records}
    for step in lc.steps(session, owner, ("keeping_in_touch",)):
        contacts[owner[step.record_id]].append(step)
    mine: dict[int, list[lc.Record]] = defaultdict(list)
    for r in records:
        mine[r.person_id].append(r)
    out: list[Oc3] = []
    for pid, day in sorted(members.items()):
        first, last = months_before(day, WINDOW_BEFORE), add_months(day, WINDOW_AFTER)
        held = [r for r in mine.get(pid, []) if r.opened_on <= last]
        if not held:
            gaps[GAP] += 1
            continue
        seen = [s for s in contacts.get(pid, [])
                if s.completed_on is not None and first <= s.completed_on <= last]  # fmt: skip
        if seen:
            d = seen[-1].details
            touch = str(d.get("in_touch") or "NO")
            out.append(Oc3(pid, day, touch, str(d.get("activity") or "0"),
                           _accommodation(d)))  # fmt: skip
            continue
        ended = [r for r in held if r.closed_on is not None and r.closed_on < first]
        touch = ENDED.get(ended[-1].closure_reason or "", "NO") if len(ended) == len(held) else "NO"
        if touch == "NO":
            gaps[NOT_IN_TOUCH] += 1
        out.append(Oc3(pid, day, touch, "0", "0"))
    return out


def _accommodation(details: dict[str, object]) -> str:
    letter = str(details.get("accommodation") or "")
    if not letter:
        return "0"
    return f"{letter}{'1' if details.get('suitable') else '2'}"
