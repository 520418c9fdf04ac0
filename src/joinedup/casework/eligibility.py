"""Who the leaving care service is for: a pure function of the dates of care and of birth.

Children Act 1989 and the Children (Leaving Care) Act 2000, as amended (to 25: the Children
and Social Work Act 2017):
- **eligible** (Sch 2 para 19B): 16 or 17, looked after now, and looked after for 13 weeks in
  all since the 14th birthday, in care that went on after the 16th birthday;
- **relevant** (s23A): 16 or 17, no longer looked after, and met the same test while looked
  after at 16 or 17;
- **former relevant** (s23C): 18 to 20 (to 25 with support continued on request, s23CZB) and
  was eligible or relevant before 18;
- **qualifying** (s24): 16 to 20 (to 25 on request), looked after at some time after 16 but
  not for the 13 weeks.
Series of short breaks (legal status V3, V4) do not count (Care Leavers (England) Regs 2010
r.3). A period of care that ended in adoption leaves no one owed these duties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from joinedup.casework.clocks import add_months

ELIGIBLE, RELEVANT, FORMER_RELEVANT, QUALIFYING = (
    "eligible",
    "relevant",
    "former_relevant",
    "qualifying",
)
CATEGORIES = {
    ELIGIBLE: "Eligible (16 or 17, looked after)",
    RELEVANT: "Relevant (16 or 17, left care)",
    FORMER_RELEVANT: "Former relevant (18 to 21, or to 25 on request)",
    QUALIFYING: "Qualifying",
}
THIRTEEN_WEEKS = 91  # days
SHORT_BREAKS = frozenset({"V3", "V4"})
ADOPTED = frozenset({"E11", "E12"})


@dataclass(frozen=True)
class Care:
    """One period of being looked after: its first day, the day it ended (None: still open),
    its legal status when it began and its SSDA903 reason ceased."""

    start: date
    end: date | None
    legal_status: str = ""
    reason_ceased: str = ""


def birthday(born: date, years: int) -> date:
    """The `years`-th birthday (29 February: the 28th in a year that has none)."""
    return add_months(born, 12 * years)


def age(born: date, on: date) -> int:
    years = on.year - born.year
    return years - (birthday(born, years) > on)


def days_looked_after(periods: Sequence[Care], since: date, until: date) -> int:
    """Days looked after from `since` up to (not including) `until`, short breaks left out."""
    total = 0
    for p in periods:
        if p.legal_status in SHORT_BREAKS:
            continue
        first, last = max(p.start, since), min(p.end or until, until)
        total += max(0, (last - first).days)
    return total


def category(
    *, born: date, periods: Sequence[Care], on: date, extended: bool = False
) -> str | None:
    """The young person's category on `on`, or None when they are not owed leaving-care duties."""
    counted = [p for p in periods if p.start <= on and p.legal_status not in SHORT_BREAKS]
    if not counted or any(p.reason_ceased in ADOPTED for p in counted[-1:]):
        return None
    years = age(born, on)
    sixteen, eighteen = birthday(born, 16), birthday(born, 18)
    looked_after_now = any(p.start <= on and (p.end is None or p.end > on) for p in counted)
    cutoff = min(on, eighteen) if years >= 18 else on
    enough = days_looked_after(counted, birthday(born, 14), cutoff) >= THIRTEEN_WEEKS
    after_sixteen = any((p.end is None or p.end > sixteen) and p.start < eighteen
                        for p in counted)  # fmt: skip
    if 16 <= years < 18 and enough and after_sixteen:
        return ELIGIBLE if looked_after_now else RELEVANT
    limit = 25 if extended else 21
    if 18 <= years < limit and enough and after_sixteen:
        return FORMER_RELEVANT
    if (
        16 <= years < limit
        and not looked_after_now
        and any(p.end is None or p.end > sixteen for p in counted)
    ):
        return QUALIFYING
    return None
