"""The leaders' dashboard: counts and rates by month, never a child (docs/dashboard.md).

One service function, `dashboard`, checks the policy (reports:read) and writes one audit entry
for each computation, validates the filters (months from and to, a team), then reads every
figure as counts from `dashboard_queries` and the workforce figures from workforce's own
dashboard. Definitions follow the DfE's (CIN census, SSDA903): each is in `docs/dashboard.md`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from joinedup.access.policy import Action, permits
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.casework import clocks
from joinedup.core.errors import FieldError
from joinedup.reports import dashboard_early_help as early_help
from joinedup.reports import dashboard_queries as q
from joinedup.reports.dashboard_quality import Quality, quality
from joinedup.reports.months import month_starts, period, shift
from joinedup.rules.service import LIVE, OUTCOMES
from joinedup.workforce.dashboard import dashboard as workforce_dashboard
from joinedup.workforce.service import Rules

# (kind, month started, month completed, steps, on time, second plans, and an initial
# conference's day held, its enquiry's start and its due day): `dashboard_queries.steps`.
StepRow = tuple[str, int, int, int, int, int, date | None, date | None, date | None]
PROMPT_OUTCOMES = {
    "contact_created": "Contact opened",
    "added_to_case": "Added to the open case",
    "no_further_action": "No further action",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "count"  # count | percent | rate (per 10,000)


@dataclass(frozen=True)
class Trend:
    """A monthly series: one row a month, `chart` the column drawn; `whole_authority` when
    a team filter does not apply to it (the front door's contacts)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[tuple[date, list[float | None]]]
    chart: int = 0
    whole_authority: bool = False
    headline: list[tuple[str, float | None, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Overdue:
    label: str  # a team or an agency
    count: int
    oldest_days: int  # calendar days since the earliest deadline passed


@dataclass(frozen=True)
class Workforce:
    posts: int
    fte: float
    children: int
    per_fte: float | None
    over_cap: int
    agency_rate: float | None
    vacancy_rate: float | None  # the whole authority's only (vacant posts belong to no case)


@dataclass(frozen=True)
class Filters:
    start: str
    end: str
    team: str


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    teams: list[str]
    errors: list[FieldError] = field(default_factory=list)
    months: list[date] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    overdue_by_team: list[Overdue] = field(default_factory=list)
    overdue_by_agency: list[Overdue] = field(default_factory=list)
    prompts_by_rule: list[tuple[str, list[int]]] = field(default_factory=list)
    workforce: Workforce | None = None
    population: int | None = None
    quality: Quality | None = None


# -- the service ---------------------------------------------------------------------------------


def dashboard(
    *,
    session: Session,
    actor: Actor,
    start: str | None,
    end: str | None,
    team: str | None,
    rules: Rules,
    population: int | None,
    now: datetime,
    purpose: str = "page",
) -> Dashboard:
    """Every figure for the months from `start` to `end` and one team (or all): counts only."""
    team = (team or "").strip() or None
    today = clocks.london_day(now)
    months, errors = period(start, end, today)
    # The audit entry holds the period as read, never the text typed: a filter is not a note.
    span = [m.strftime("%Y-%m") for m in months[:: max(len(months) - 1, 1)]] or ["not valid"]
    require(session=session, actor=actor, action=Action.REPORTS_READ, resource_type="dashboard",
            detail={"from": span[0], "to": span[-1], "team": team is not None,
                    "purpose": purpose}, now=now)  # fmt: skip
    q.without_jit(session)
    teams = q.teams(session)
    if team is not None and team not in teams:
        errors.append(FieldError("team", "Choose a team from the list"))
    filters = Filters(
        months[0].strftime("%Y-%m") if months else (start or ""),
        months[-1].strftime("%Y-%m") if months else (end or ""),
        team or "",
    )
    if errors:
        return Dashboard(filters, teams, errors)
    days, instants = [*months, shift(months[-1], 1)], month_starts(months)
    steps = q.steps(session, days, team)
    rate = population if team is None else None
    prompt_rows = q.prompts(session, instants, team)
    return Dashboard(
        filters=filters,
        teams=teams,
        months=months,
        trends=[
            _contacts(months, q.contacts(session, instants, now)),
            _referrals(months, q.referrals(session, days, team)),
            _assessments(months, steps),
            _enquiries(months, steps),
            _held(months, steps, "cp_plan", rate),
            _held(months, steps, "cla_episode", rate),
            _prompts(months, prompt_rows),
            *([] if team else [_early_help(session, months)]),
        ],
        overdue_by_team=_overdue_by_team(session, today, now, team),
        overdue_by_agency=[Overdue(agency, int(n), _days_since(first, today))
                           for agency, n, first in q.overdue_requests(session, now)],
        prompts_by_rule=_by_rule(prompt_rows),
        workforce=_workforce(session, actor, rules, team, today, now),
        population=population,
        quality=quality(session, team, today),
    )  # fmt: skip


# -- the figures ---------------------------------------------------------------------------------


def _early_help(session: Session, months: list[date]) -> Trend:
    table = early_help.rows(session, months)
    return Trend(early_help.KEY, early_help.TITLE, [Column(n) for n in early_help.COLUMNS], table,
                 whole_authority=True, headline=early_help.headline(table))  # fmt: skip


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _per_10k(count: float, population: int | None) -> float | None:
    return round(count / population * 10_000, 1) if population else None


def _contacts(months: list[date], rows: Sequence[tuple[int, int, int, int]]) -> Trend:
    by = {int(m): (int(n), int(due or 0), int(ok or 0)) for m, n, due, ok in rows}
    cells = [by.get(i, (0, 0, 0)) for i in range(len(months))]
    total = [sum(c[k] for c in cells) for k in range(3)]
    return Trend(
        "contacts",
        "Contacts and decisions within 1 working day",
        [Column("Contacts"), Column("Decisions due"), Column("Decided within 1 working day"),
         Column("Within 1 working day", "percent")],
        [(m, [n, due, ok, _share(ok, due)]) for m, (n, due, ok) in zip(months, cells, strict=True)],
        whole_authority=True,
        headline=[("Contacts", total[0], "count"),
                  ("Decided within 1 working day", _share(total[2], total[1]), "percent")],
    )  # fmt: skip


def _referrals(months: list[date], rows: Sequence[tuple[int, int, int]]) -> Trend:
    by = {int(m): (int(n), int(again or 0)) for m, n, again in rows}
    cells = [by.get(i, (0, 0)) for i in range(len(months))]
    n, again = sum(c[0] for c in cells), sum(c[1] for c in cells)
    return Trend(
        "referrals",
        "Referrals and re-referrals within 12 months",
        [Column("Referrals"), Column("Re-referrals"), Column("Re-referral rate", "percent")],
        [(m, [r, a, _share(a, r)]) for m, (r, a) in zip(months, cells, strict=True)],
        headline=[("Referrals", n, "count"), ("Re-referral rate", _share(again, n), "percent")],
    )  # fmt: skip


def _steps_of(steps: Sequence[StepRow], kind: str) -> list[tuple[int, int, int, int, int]]:
    return [(int(s), int(d), int(n), int(ok or 0), int(sec or 0))
            for k, s, d, n, ok, sec, *_ in steps if k == kind]  # fmt: skip


def _assessments(months: list[date], steps: Sequence[StepRow]) -> Trend:
    done: Counter[int] = Counter()
    in_time: Counter[int] = Counter()
    for _, d, n, ok, _ in _steps_of(steps, "assessment"):
        done[d] += n
        in_time[d] += ok
    rows = [(m, [done[i], in_time[i], _share(in_time[i], done[i])]) for i, m in enumerate(months)]
    n, ok = sum(done[i] for i in range(len(months))), sum(in_time[i] for i in range(len(months)))
    return Trend(
        "assessments",
        "Assessments completed within 45 working days",
        [Column("Assessments completed"), Column("Within 45 working days"),
         Column("Within 45 working days", "percent")],
        rows,
        headline=[("Assessments completed", n, "count"),
                  ("Within 45 working days", _share(ok, n), "percent")],
    )  # fmt: skip


def _enquiries(months: list[date], steps: Sequence[StepRow]) -> Trend:
    started: Counter[int] = Counter()
    for s, _, n, _, _ in _steps_of(steps, "section47"):
        started[s] += n
    held: Counter[int] = Counter()
    in_time: Counter[int] = Counter()
    conferences = [(on, s47, due, n) for k, _, d, n, _, _, on, s47, due in steps
                   if k == "initial_conference" and on is not None
                   and 0 <= d < len(months)]  # fmt: skip
    for on, s47, due, n in conferences:
        i = (on.year - months[0].year) * 12 + on.month - months[0].month
        held[i] += int(n)
        deadline = clocks.icpc_due(s47) if s47 is not None else due
        in_time[i] += int(n) if deadline is not None and on <= deadline else 0
    rows = [(m, [started[i], held[i], in_time[i], _share(in_time[i], held[i])])
            for i, m in enumerate(months)]  # fmt: skip
    total = [sum(r[1][k] or 0 for r in rows) for k in range(3)]
    return Trend(
        "enquiries",
        "Section 47 enquiries and initial conferences within 15 working days",
        [Column("Section 47 enquiries started"), Column("Initial conferences"),
         Column("Within 15 working days"), Column("Within 15 working days", "percent")],
        rows,
        headline=[("Section 47 enquiries", total[0], "count"),
                  ("Initial conferences within 15 working days", _share(total[2], total[1]),
                   "percent")],
    )  # fmt: skip


def _held(
    months: list[date], steps: Sequence[StepRow], kind: str,
    population: int | None,
) -> Trend:  # fmt: skip
    """Children on a plan (or looked after) at each month's end, from the starts and ends."""
    starts: Counter[int] = Counter()
    ends: Counter[int] = Counter()
    second: Counter[int] = Counter()
    for s, d, n, _, sec in _steps_of(steps, kind):
        starts[s] += n
        ends[d] += n
        second[s] += sec
    held = starts[q.BEFORE] - ends[q.BEFORE]
    rows: list[tuple[date, list[float | None]]] = []
    for i, m in enumerate(months):
        held += starts[i] - ends[i]
        if kind == "cp_plan":
            cells = [
                held,
                _per_10k(held, population),
                starts[i],
                second[i],
                _share(second[i], starts[i]),
            ]
        else:
            cells = [held, _per_10k(held, population), starts[i], ends[i]]
        rows.append((m, cells))
    began = sum(starts[i] for i in range(len(months)))
    if kind == "cp_plan":
        again = sum(second[i] for i in range(len(months)))
        return Trend(
            "cp_plans", "Children on child protection plans",
            [Column("On a plan at the month's end"), Column("Per 10,000 children", "rate"),
             Column("Plans started"), Column("Second or later plans"),
             Column("Second or later", "percent")],
            rows,
            headline=[("On a plan now", held, "count"),
                      ("Per 10,000 children", _per_10k(held, population), "rate"),
                      ("Second or later plans", _share(again, began), "percent")],
        )  # fmt: skip
    return Trend(
        "looked_after", "Looked-after children",
        [Column("Looked after at the month's end"), Column("Per 10,000 children", "rate"),
         Column("Started to be looked after"), Column("Stopped being looked after")],
        rows,
        headline=[("Looked after now", held, "count"),
                  ("Per 10,000 children", _per_10k(held, population), "rate")],
    )  # fmt: skip


def _prompts(months: list[date], rows: Sequence[tuple[int, str, str, str | None, int]]) -> Trend:
    cells = [[0] * (len(OUTCOMES) + 2) for _ in months]
    for m, _, status, outcome, n in rows:
        cells[int(m)][0] += int(n)
        if status in LIVE:
            cells[int(m)][-1] += int(n)
        elif outcome in OUTCOMES:
            cells[int(m)][1 + OUTCOMES.index(outcome)] += int(n)
    total = [sum(c[k] for c in cells) for k in range(len(OUTCOMES) + 2)]
    return Trend(
        "prompts",
        "Prompts raised and their outcomes",
        [Column("Prompts"), *[Column(PROMPT_OUTCOMES[o]) for o in OUTCOMES],
         Column("Awaiting an answer")],
        [(m, [float(v) for v in c]) for m, c in zip(months, cells, strict=True)],
        headline=[("Prompts", total[0], "count"),
                  ("Answered prompts that opened a contact",
                   _share(total[1], total[0] - total[-1]), "percent")],
    )  # fmt: skip


def _by_rule(rows: Sequence[tuple[int, str, str, str | None, int]]) -> list[tuple[str, list[int]]]:
    found: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(OUTCOMES) + 2))
    for _, rule, status, outcome, n in rows:
        found[rule][0] += int(n)
        if status in LIVE:
            found[rule][-1] += int(n)
        elif outcome in OUTCOMES:
            found[rule][1 + OUTCOMES.index(outcome)] += int(n)
    return sorted(found.items(), key=lambda r: (-r[1][0], r[0]))


def _days_since(instant: date | datetime | None, today: date) -> int:
    if instant is None:
        return 0
    day = clocks.london_day(instant) if isinstance(instant, datetime) else instant
    return max((today - day).days, 0)


def _overdue_by_team(session: Session, today: date, now: datetime,
                     team: str | None) -> list[Overdue]:  # fmt: skip
    found = [Overdue(name or "No team", int(n), _days_since(first, today))
             for name, n, first in q.overdue_steps(session, today, team)]  # fmt: skip
    found.sort(key=lambda o: (-o.count, o.label))
    if team is None:
        n, first = q.overdue_decisions(session, now)
        if n:
            found.insert(0, Overdue("Front door (decisions on contacts)", n,
                                    _days_since(first, today)))  # fmt: skip
    return found


def _workforce(session: Session, actor: Actor, rules: Rules, team: str | None, today: date,
               now: datetime) -> Workforce | None:  # fmt: skip
    """Caseloads and agency use from workforce's own dashboard, for roles that may read it."""
    if not permits(actor.role, Action.WORKFORCE_READ):
        return None
    found = workforce_dashboard(session=session, actor=actor, rules=rules, today=today, now=now)
    loads = [x for x in found.loads if team is None or x.post.team == team]
    fte = round(sum(x.post.fte for x in loads), 2)
    children = sum(x.children for x in loads)
    agency = sum(x.post.fte for x in loads if x.post.contract == "agency")
    return Workforce(
        posts=len(loads), fte=fte, children=children,
        per_fte=round(children / fte, 1) if fte else None,
        over_cap=sum(1 for x in loads if x.children > x.cap),
        agency_rate=found.agency_rate if team is None else _share(agency, fte),
        vacancy_rate=found.vacancy_rate if team is None else None,
    )  # fmt: skip
