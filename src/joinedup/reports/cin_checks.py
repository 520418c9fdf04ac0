"""What the records cannot give the CIN census: a warning naming the case and the DfE rule.

The export never invents a date or a code to satisfy a rule; where the record breaks one (a
conference on a Saturday, a disability never recorded), the warning tells the user which record
to put right. Warnings carry ids, codes and dates of events, never names or dates of birth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from joinedup.reports.cin_episodes import Episode
from joinedup.reports.cin_xml import Child
from joinedup.reports.years import CollectionYear

_UNBORN_LIMIT = timedelta(days=280)  # rule 8606: a referral at most 40 weeks before birth
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class CinWarning:
    rule: str  # the DfE validator's rule code
    child: str  # LAchildID
    case_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"case {self.case_id}" if self.case_id is not None else "child"
        return f"{where} (child {self.child}): rule {self.rule}: {self.message}"


def check_child(child: Child, year: CollectionYear) -> list[CinWarning]:
    found: list[CinWarning] = []

    def warn(rule: str, case_id: int | None, message: str) -> None:
        found.append(CinWarning(rule, child.la_child_id, case_id, message))

    if not child.disabilities and not all(e.nfa for e in child.episodes):
        warn("8540", None, "no assessment recorded the child's disabilities (or NONE): "
             "record them on the assessment")  # fmt: skip
    if child.birth_date is None and child.expected_birth_date is None:
        warn("8525Q", None, "no date of birth (or expected date) is recorded")
    if child.upn is None and child.upn_unknown is None:
        warn("8770Q", None, "no UPN for a child of school age known before the year: record "
             "the UPN, or why there is none (UN2 never at a maintained school in England, UN3 "
             "educated outside England)")  # fmt: skip
    born = child.birth_date or child.expected_birth_date
    for e in child.episodes:
        if born is not None and e.referral_on < born - _UNBORN_LIMIT:
            warn("8606", e.case_id, f"referred on {e.referral_on}, more than 40 weeks before "
                 "the child's birth date: check both")  # fmt: skip
        for message, rule in _episode(e, year):
            warn(rule, e.case_id, message)
    return found


def shared_upns(children: list[Child]) -> list[CinWarning]:
    """Rule 1520: a UPN is one pupil's; two children with one UPN are one child recorded
    twice, or a UPN recorded against the wrong child."""
    holders: dict[str, list[str]] = defaultdict(list)
    for child in children:
        if child.upn:
            holders[child.upn].append(child.la_child_id)
    return [
        CinWarning("1520", who, None, f"the child's UPN is also recorded for child(ren) "
                   f"{', '.join(o for o in ids if o != who)}: check the identity of each")
        for ids in holders.values() if len(ids) > 1 for who in ids
    ]  # fmt: skip


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def _episode(e: Episode, year: CollectionYear) -> list[tuple[str, str]]:
    found = []
    for s in e.enquiries:
        if s.conference is not None and _weekend(s.conference):
            found.append((f"the initial child protection conference is recorded on "
                          f"{_WEEKDAYS[s.conference.weekday()]} {s.conference}: check its "
                          "date", "8875"))  # fmt: skip
        if s.conference is None and not s.not_required and s.start < year.start:
            found.append((f"the section 47 enquiry begun on {s.start}, before the year, has "
                          "no conference or outcome by its end", "8740"))  # fmt: skip
    for a in e.assessments:
        if a.authorised is None and a.start < year.start:
            found.append((f"the assessment begun on {a.start}, before the year, was not "
                          "completed by its end", "8736"))  # fmt: skip
    for p in e.protection:
        if not p.categories_recorded:
            found.append((f"the child protection plan from {p.start} has no category of abuse "
                          "recorded: MUL is returned until it is", "8905"))  # fmt: skip
        if p.end is not None and p.end == p.start:
            found.append((f"the child protection plan starts and ends on {p.start}", "8840"))
        for review in p.reviews:
            if review <= p.start:
                found.append((f"a review conference on {review} is not after the plan's "
                              f"start ({p.start})", "8841"))  # fmt: skip
    busy = e.enquiries or e.protection or e.plans
    if e.closure_reason in ("RC8", "RC9") and busy:
        found.append((f"closed as {e.closure_reason} (closed after assessment) but the "
                      "episode has a section 47 enquiry, a plan or a conference: check the "
                      "reason for closure", "2990"))  # fmt: skip
    return found
