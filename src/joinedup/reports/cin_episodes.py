"""One case as a CIN census episode (`CINdetails`), as it stood on the reference date.

The census is a picture of the year: what happened after the reference date (31 March) is left
out (a case closed later is open; a plan ended later has no end), and what was over before the
year began (an assessment authorised, a plan ended, a conference held) is left out too, as the
DfE's rules on dates within the year require. docs/returns-cin.md maps each element.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from joinedup.casework.clocks import icpc_due
from joinedup.reports.cin_read import CaseRow, Step
from joinedup.reports.years import CollectionYear

NOT_STATED = "N0"  # primary need: the assessment has not said it yet
# What ends a period on a child in need plan: a CP plan or care starts, a review ends the plan,
# the case closes.
_ACTIVITY = ("assessment", "section47", "cp_plan", "cin_plan", "cla_episode")


@dataclass(frozen=True)
class Assessment:
    start: date
    authorised: date | None
    factors: tuple[str, ...]


@dataclass(frozen=True)
class PlanDates:
    start: date
    end: date | None


@dataclass(frozen=True)
class Section47:
    start: date
    target: date
    conference: date | None
    not_required: bool


@dataclass(frozen=True)
class ProtectionPlan:
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous: int
    reviews: tuple[date, ...]
    categories_recorded: bool = True  # False: none on the plan (MUL returned, and a warning)


@dataclass
class Episode:
    case_id: int
    referral_on: date
    referral_source: str
    primary_need: str | None
    closed_on: date | None
    closure_reason: str | None
    nfa: bool
    assessments: list[Assessment] = field(default_factory=list)
    plans: list[PlanDates] = field(default_factory=list)
    enquiries: list[Section47] = field(default_factory=list)
    protection: list[ProtectionPlan] = field(default_factory=list)


def episode(case: CaseRow, year: CollectionYear, plan_starts: list[date]) -> Episode:
    """The case as its census episode for `year` (the case is open at some time in it)."""
    ref = year.end
    closed = case.closed_on if case.closed_on is not None and case.closed_on <= ref else None
    nfa = not any(s.kind in _ACTIVITY and s.status != "cancelled" for s in case.steps)
    return Episode(
        case_id=case.id,
        referral_on=case.referral_on,
        referral_source=case.referral_source,
        primary_need=None if nfa else _primary_need(case, ref),
        closed_on=closed,
        closure_reason=case.closure_reason if closed else None,
        nfa=nfa,
        assessments=_assessments(case, year),
        plans=[] if nfa else _plan_dates(case, year),
        enquiries=_enquiries(case, year),
        protection=_protection(case, year, plan_starts),
    )


def _by(step: Step, ref: date) -> date | None:
    """The day the step was done, if it was done by the reference date."""
    if step.status == "done" and step.completed_on is not None and step.completed_on <= ref:
        return step.completed_on
    return None


def _primary_need(case: CaseRow, ref: date) -> str:
    """The need the latest assessment completed by the reference date stated, else N0."""
    stated = [
        str(s.details["primary_need"])
        for s in case.of("assessment")
        if _by(s, ref) is not None and s.details.get("primary_need")
    ]
    return stated[-1] if stated else NOT_STATED


def _assessments(case: CaseRow, year: CollectionYear) -> list[Assessment]:
    found = []
    for step in case.of("assessment"):
        if step.status == "cancelled" or step.started_on > year.end:
            continue
        done = _by(step, year.end)
        if done is not None and done < year.start:
            continue  # authorised before the year: last year's
        factors = tuple(step.details.get("factors") or ()) if done else ()
        found.append(Assessment(step.started_on, done, factors))
    return found


def _enquiries(case: CaseRow, year: CollectionYear) -> list[Section47]:
    """Each enquiry: `ICPCnotRequired` when it concluded without convening a conference, or
    ended with the case (a transfer to another authority, RC5) before the conference it
    convened was held (CIN rule 8868: a closed episode's enquiries all have a conference date
    or the flag)."""
    found = []
    closed = case.closed_on if case.closed_on is not None and case.closed_on <= year.end else None
    for step in case.of("section47"):
        if step.status == "cancelled" or step.started_on > year.end:
            continue
        concluded = _by(step, year.end)
        held = None
        if concluded is not None and step.outcome == "conference":
            conference = next(
                (c for c in case.of("initial_conference") if c.started_on >= concluded), None
            )
            held = _by(conference, year.end) if conference is not None else None
        not_required = concluded is not None and step.outcome != "conference"
        over = concluded if not_required else held
        if concluded is not None and over is None and closed is not None and closed >= concluded:
            not_required, over = True, closed  # closed before its conference: none held here
        if over is not None and over < year.start:
            continue
        discussed = [
            d.completed_on
            for d in case.of("strategy_discussion")
            if d.outcome == "section47"
            and d.completed_on is not None
            and step.started_on <= d.completed_on <= (concluded or year.end)
        ]
        target = icpc_due(max(discussed, default=step.started_on))
        found.append(Section47(step.started_on, target, held, not_required))
    return found


def category(codes: list[str] | None) -> str | None:
    """The census category of abuse: the one category, or MUL for several."""
    if not codes:
        return None
    return codes[0] if len(codes) == 1 else "MUL"


def _protection(
    case: CaseRow, year: CollectionYear, plan_starts: list[date]
) -> list[ProtectionPlan]:
    found = []
    for step in case.of("cp_plan"):
        if step.status == "cancelled" or step.started_on > year.end:
            continue
        end = _by(step, year.end)
        if end is not None and end < year.start:
            continue
        last = end or year.end
        reviews = [
            r
            for r in case.of("review_conference")
            if (held := _by(r, year.end)) is not None and step.started_on <= held <= last
        ]
        recorded = category(step.details.get("categories"))
        initial = recorded or "MUL"
        latest = next(
            (c for r in reversed(reviews) if (c := category(r.details.get("categories")))),
            initial,
        )
        found.append(
            ProtectionPlan(
                start=step.started_on,
                end=end,
                initial_category=initial,
                latest_category=latest,
                previous=sum(1 for d in plan_starts if d < step.started_on),
                reviews=tuple(
                    r.completed_on
                    for r in reviews
                    if r.completed_on is not None and r.completed_on >= year.start
                ),
                categories_recorded=recorded is not None,
            )
        )
    return found


def _plan_dates(case: CaseRow, year: CollectionYear) -> list[PlanDates]:
    """Periods on a child in need plan: from each `cin_plan` step's start (the decision that
    the child is in need) to the first of a CP plan starting, care starting, a review ending
    the plan or the case closing. A start inside a running period continues it; a period
    overtaken the day it began (care or a CP plan the same day) never ran and is left out."""
    starts = sorted({s.started_on for s in case.of("cin_plan") if s.started_on <= year.end})
    stops = sorted(
        {s.started_on for s in case.of("cp_plan") + case.of("cla_episode")}
        | {s.completed_on for s in case.of("cin_review")
           if s.outcome == "end" and s.completed_on is not None}
        | ({case.closed_on} if case.closed_on is not None else set())
    )  # fmt: skip
    periods: list[tuple[date, date | None]] = []
    for start in starts:
        first, after = start, False
        if periods:
            began, ended = periods[-1]
            if ended is None or start < ended:
                continue  # the plan is running already
            if start == ended:  # restarted the day it ended: one period
                periods.pop()
                first, after = began, True
        end = next((d for d in stops if d > start or (d == start and not after)), None)
        periods.append((first, end))
    return [
        PlanDates(start, end if end is not None and end <= year.end else None)
        for start, end in periods
        if (end is None or end >= year.start) and end != start  # a plan of no length never ran
    ]
