"""The leaders' dashboard for a 60,000-child authority, against its own bare SQL, in one run.

    .venv/bin/python bench/dashboard.py [--engines sqlite,postgresql] [--children 60000]
        [--reps 10] [--keep] [--no-doc]

Acceptance (issue 10): the dashboard in at most 2 s of server time. The store is synthetic,
built through the migrations in a fresh SQLite file (/tmp/dash_bench.sqlite3) and a fresh
PostgreSQL database (jh_dash_bench), with bulk inserts of casework rows in England's proportions
(DOMAIN.md; the DfE's CIN census and SSDA903 figures): a quarter of the children contacted over
five years (1 to 6 contacts each), about 530 referrals per 10,000 children a year (a fifth of
them re-referrals), a third of referrals to a strategy discussion and s47 enquiry, 45% of those
to an initial conference and 85% of those to a plan, 8% of referrals to a period of care; each
case's steps as casework writes them (assessment, oversight every 4 weeks, visits, core groups,
reviews), information requests for 40% of contacts, 10,000 prompts, 300 posts in 20 teams;
then ANALYZE, as a store in use has its statistics.

Timed, each repetition: `dashboard` in a unit of work (policy, audit entry, every query, the
workforce dashboard, the figures) for the default 12 months, for 60 months, and for one team;
`GET /dashboard` and `GET /dashboard.csv` in process (rendering included); and two peers in the
same run: the dashboard's own statements alone (`dashboard_queries`, no audit, no workforce, no
assembly: the floor of this design), and a scan of every row of the four tables it reads.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).parent))

from joinedup.access.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.app import create_app
from joinedup.casework import clocks
from joinedup.casework.models import Case, CaseStep, Contact, InformationRequest
from joinedup.config import Settings
from joinedup.core.workdays import add_working_days
from joinedup.db import migrate
from joinedup.db.session import make_engine, unit_of_work
from joinedup.people.models import Person
from joinedup.reports import dashboard_queries as q
from joinedup.reports.dashboard import dashboard, month_starts, period, shift
from joinedup.rules.models import Prompt
from joinedup.testing import FrozenClock
from joinedup.testing.database import empty_tables, fresh_database
from joinedup.workforce.models import Team, Worker
from joinedup.workforce.service import DEFAULT_RULES
from timing import pct

DOC = Path(__file__).parents[1] / "docs" / "performance.md"
MARK = "<!-- bench/dashboard.py -->"
END = "<!-- /bench/dashboard.py -->"
URLS = {
    "sqlite": "sqlite:////tmp/dash_bench.sqlite3",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/jh_dash_bench",
}
RULES = ("domestic-abuse-repeat", "education-withdrawal", "frequent-moves", "was-not-brought",
         "injury-non-mobile", "several-agencies")  # fmt: skip
Result = tuple[str, dict[str, int], list[str]]
AGENCIES = ("police", "health", "education", "housing", "probation")


class Rows:
    """Rows for bulk insert, with ids given here so that children's steps can name them."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.cases: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []
        self.contacts: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.prompts: list[dict[str, Any]] = []

    def step(self, case_id: int, kind: str, start: date, due: date | None,
             done: date | None, today: date, outcome: str | None = None) -> None:  # fmt: skip
        finished = done if done is not None and done <= today else None
        status = "done" if finished else "open"
        self.steps.append({"case_id": case_id, "kind": kind, "status": status, "due_on": due,
                           "started_on": start, "completed_on": finished,
                           "outcome": outcome if finished else None, "details": {},
                           "created_at": self.now, "updated_at": self.now,
                           "version": 1})  # fmt: skip

    def contact(self, person: int, at: datetime, decision: str, case_id: int | None,
                rng: random.Random) -> int:  # fmt: skip
        due = clocks.contact_decision_due(at)
        decided = at + timedelta(hours=rng.choice((2, 5, 20, 26, 30, 60)))
        open_ = decided > self.now
        self.contacts.append({
            "id": len(self.contacts) + 1, "person_id": person, "received_at": at,
            "source_kind": "partner", "referral_source": "2A", "referrer_name": "synthetic",
            "referrer_organisation": "synthetic", "referrer_agency": rng.choice(AGENCIES),
            "referrer_contact": "synthetic", "summary": "synthetic",
            "status": "received" if open_ else "decided", "urgency": "amber",
            "decision_due_at": due, "decision": None if open_ else decision,
            "decided_at": None if open_ else decided, "case_id": case_id,
            "created_by": "bench", "updated_at": self.now, "version": 1,
        })  # fmt: skip
        return len(self.contacts)


def case_history(rows: Rows, rng: random.Random, case_id: int, person: int, r: date,
                 today: date, teams: int, posts: int) -> None:  # fmt: skip
    """One referral's case and its steps, as casework would have written them."""
    end = r + timedelta(days=rng.randint(40, 420))
    cp = cla = None
    step = rows.step
    assessed = r + timedelta(days=rng.randint(10, 80))
    step(case_id, "assessment", r, add_working_days(r, 45), assessed, today,
         "child_in_need")  # fmt: skip
    for k in range(28, (min(end, today) - r).days + 28, 28):
        step(case_id, "oversight", r + timedelta(k - 28), r + timedelta(k), r + timedelta(k - 2),
             today)  # fmt: skip
    talk = r + timedelta(days=rng.randint(0, 5))
    if rng.random() < 0.33 and talk <= today:
        step(case_id, "strategy_discussion", talk, talk, talk, today, "section47")
        step(case_id, "section47", talk, None, talk + timedelta(days=rng.randint(5, 20)), today,
             "conference")  # fmt: skip
        if rng.random() < 0.45:
            held = talk + timedelta(days=rng.randint(12, 35))
            step(case_id, "initial_conference", talk + timedelta(5), clocks.icpc_due(talk), held,
                 today, "plan")  # fmt: skip
            if rng.random() < 0.85 and held <= today:
                cp = (held, held + timedelta(days=rng.randint(90, 700)))
                end = max(end, cp[1] + timedelta(days=30))
                step(case_id, "cp_plan", held, None, cp[1], today, "ended_at_review")
                for k in range(14, (min(cp[1], today) - held).days + 14, 14):
                    step(case_id, "visit", held + timedelta(k - 14), held + timedelta(k),
                         held + timedelta(k - 1), today)  # fmt: skip
                for k in range(28, (min(cp[1], today) - held).days + 28, 28):
                    step(case_id, "core_group", held + timedelta(k - 28), held + timedelta(k),
                         held + timedelta(k - 3), today)  # fmt: skip
    began = r + timedelta(days=rng.randint(20, 200))
    if rng.random() < 0.08 and began <= today:
        cla = (began, began + timedelta(days=rng.randint(60, 1500)))
        end = max(end, cla[1] + timedelta(days=30))
        step(case_id, "cla_episode", began, None, cla[1], today, "E13")
        for k in range(42, (min(cla[1], today) - began).days + 42, 42):
            step(case_id, "visit", began + timedelta(k - 42), began + timedelta(k),
                 began + timedelta(k - 4), today)  # fmt: skip
    open_case = end > today
    stage = "closed"
    if open_case:
        stage = ("looked_after" if cla and cla[1] > today else
                 "child_protection" if cp and cp[1] > today else
                 "child_in_need" if assessed <= today else "assessment")  # fmt: skip
    rows.cases.append({
        "id": case_id, "person_id": person, "stage": stage, "referral_on": r,
        "referral_source": "2A", "team": f"Team {1 + case_id % teams}" if open_case else None,
        "allocated_user_id": 10_000 + rng.randrange(posts) if open_case else None,
        "allocated_label": None, "closed_on": None if open_case else end,
        "closure_reason": None if open_case else "RC1", "opened_at": rows.now,
        "updated_at": rows.now, "version": 1,
    })  # fmt: skip


def build(engine: Engine, children: int, now: datetime) -> dict[str, int]:
    rng = random.Random(10)
    today = clocks.london_day(now)
    rows = Rows(now)
    first = today - timedelta(days=5 * 365)
    referrals_a_year = children * 530 // 10_000
    case_id = 0
    contacted = rng.sample(range(1, children + 1), children // 4)
    for person in contacted:
        days = sorted(rng.randint(0, 5 * 365 - 1) for _ in range(rng.choice((1, 1, 1, 2, 3, 6))))
        open_until = first
        for d in days:
            on = first + timedelta(days=d)
            at = datetime.combine(on, datetime.min.time(), tzinfo=clocks.UK) + timedelta(
                hours=rng.randint(8, 18))  # fmt: skip
            at = min(at, now - timedelta(hours=1))
            refer = on >= open_until and rng.random() < referrals_a_year * 5 / (children * 0.55)
            if refer:
                case_id += 1
                contact = rows.contact(person, at, "referral", case_id, rng)
                case_history(rows, rng, case_id, person, on, today, 20, 300)
                closed = rows.cases[-1]["closed_on"]
                open_until = closed if closed else today + timedelta(days=1)
                rows.cases[-1]["contact_id"] = contact
            else:
                contact = rows.contact(person, at, "no_further_action", None, rng)
            if rng.random() < 0.4:
                requested = at + timedelta(hours=1)
                answered = rng.random() < 0.97 or requested > now - timedelta(days=3)
                rows.requests.append({
                    "contact_id": contact, "agency": rng.choice(AGENCIES),
                    "organisation": "synthetic", "question": "synthetic", "urgency": "amber",
                    "requested_at": requested, "due_at": requested + timedelta(days=1),
                    "requested_by": "bench", "status": "replied" if answered else "open",
                    "version": 1,
                })  # fmt: skip
    for _ in range(10_000):
        at = now - timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
        live = at > now - timedelta(days=7) and rng.random() < 0.6
        outcome = rng.choice(("contact_created", "added_to_case", "no_further_action",
                              "no_further_action"))  # fmt: skip
        rows.prompts.append({
            "person_id": rng.randint(1, children), "rule_id": rng.choice(RULES),
            "rule_version": "1", "urgency": "amber", "explanation": "synthetic", "evidence": [],
            "as_of": at.date(), "route": "front_door", "status": "open" if live else "decided",
            "created_at": at, "due_at": at + timedelta(days=1), "updated_at": at,
            "outcome": None if live else outcome, "history": [],
        })  # fmt: skip
    with unit_of_work(engine) as session:
        ensure_demo_accounts(session=session, actor=Actor.system("bench"), now=now, demo=True)
        session.execute(insert(Person), [{"id": i, "kind": "child", "created_at": now}
                                         for i in range(1, children + 1)])  # fmt: skip
        session.execute(insert(User), [
            {"id": 10_000 + i, "username": f"sw.{i}", "display_name": f"Post {i}",
             "role": Role.SOCIAL_WORKER.value, "password_hash": "x", "active": True,
             "created_at": now} for i in range(300)])  # fmt: skip
        session.execute(insert(Team), [{"id": t, "name": f"Team {t}", "created_at": now}
                                       for t in range(1, 21)])  # fmt: skip
        session.execute(insert(Worker), [
            {"team_id": 1 + i % 20, "user_id": 10_000 + i, "label": f"sw.{i}",
             "role": "social_worker", "fte": rng.choice((0.5, 0.8, 1.0, 1.0)),
             "contract": "agency" if i % 10 == 0 else "permanent",
             "annual_cost": 67_000 if i % 10 == 0 else 48_000, "vacant": i % 10 == 5,
             "start_on": date(2020, 1, 1), "created_at": now} for i in range(300)])  # fmt: skip
        session.execute(insert(Case), rows.cases)
        session.execute(insert(Contact), rows.contacts)
        session.execute(insert(InformationRequest), rows.requests)
        for i in range(0, len(rows.steps), 50_000):
            session.execute(insert(CaseStep), rows.steps[i : i + 50_000])
        session.execute(insert(Prompt), rows.prompts)
    with engine.begin() as connection:  # statistics, as a store in use has them
        connection.execute(text("ANALYZE"))
    return {"cases": len(rows.cases), "case steps": len(rows.steps),
            "contacts": len(rows.contacts), "information requests": len(rows.requests),
            "prompts": len(rows.prompts),
            "open cases": sum(1 for c in rows.cases if c["stage"] != "closed")}  # fmt: skip


def bare(engine: Engine, now: datetime, start: str | None) -> None:
    """The dashboard's own statements, nothing else: the floor of this design."""
    months, _ = period(start, None, clocks.london_day(now))
    days, instants = [*months, shift(months[-1], 1)], month_starts(months)
    today = clocks.london_day(now)
    with unit_of_work(engine, write=False) as session:
        q.without_jit(session)
        q.teams(session)
        q.contacts(session, instants, now)
        q.referrals(session, days, None)
        q.steps(session, days, None)
        q.prompts(session, instants, None)
        q.overdue_steps(session, today, None)
        q.overdue_decisions(session, now)
        q.overdue_requests(session, now)


def scan(engine: Engine) -> None:
    """Every row of the four tables the dashboard reads, each read for the column it sorts into
    months (no index holds it: a scan of the table)."""
    with unit_of_work(engine, write=False) as session:
        for column in (Contact.received_at, Case.referral_on, CaseStep.started_on,
                       Prompt.created_at):  # fmt: skip
            session.scalar(select(func.count(column)))


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(engine_name: str, args: argparse.Namespace) -> Result:
    url = URLS[engine_name]
    if engine_name == "postgresql":
        admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            if not args.keep:
                c.execute(text("DROP DATABASE IF EXISTS jh_dash_bench"))
            if not c.scalar(text("SELECT 1 FROM pg_database WHERE datname = 'jh_dash_bench'")):
                c.execute(text("CREATE DATABASE jh_dash_bench"))
        admin.dispose()
    elif not args.keep:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    clock = FrozenClock()
    now = clock.now()
    engine = make_engine(url) if args.keep else fresh_database(url)
    if args.keep:
        migrate.upgrade(engine)
    began = time.perf_counter()
    with unit_of_work(engine, write=False) as session:
        have = session.scalar(select(func.count()).select_from(Case)) or 0
    if not (args.keep and have):
        empty_tables(engine)
        sizes = build(engine, args.children, now)
    else:
        with unit_of_work(engine, write=False) as session:
            sizes = {"cases": have}
    built = time.perf_counter() - began
    leader = Actor(role=Role.SENIOR_LEADER, label="bench", user_id=None)

    def service(start: str | None, team: str | None = None) -> None:
        with unit_of_work(engine) as session:
            dashboard(session=session, actor=leader, start=start, end=None, team=team,
                      rules=DEFAULT_RULES, population=args.children, now=now)  # fmt: skip

    times: dict[str, list[float]] = {k: [] for k in (
        "service, 12 months", "service, 60 months", "service, one team, 12 months",
        "GET /dashboard", "GET /dashboard.csv", "bare SQL, 12 months", "bare SQL, 60 months",
        "a scan of the four tables")}  # fmt: skip
    sixty = shift(clocks.london_day(now).replace(day=1), -59).strftime("%Y-%m")
    settings = Settings(database_url=url, environment="test", demo_accounts=True,
                        child_population=args.children)  # fmt: skip
    with TestClient(create_app(settings, clock=clock)) as client:
        form = client.get("/sign-in").text
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/sign-in", data={"username": "head.of.service", "password": DEMO_PASSWORD,
                                      "csrf_token": token})  # fmt: skip
        for rep in range(args.reps + 1):
            got = {
                "service, 12 months": timed(lambda: service(None)),
                "service, 60 months": timed(lambda: service(sixty)),
                "service, one team, 12 months": timed(lambda: service(None, "Team 3")),
                "GET /dashboard": timed(lambda: _ok(client, "/dashboard")),
                "GET /dashboard.csv": timed(lambda: _ok(client, "/dashboard.csv")),
                "bare SQL, 12 months": timed(lambda: bare(engine, now, None)),
                "bare SQL, 60 months": timed(lambda: bare(engine, now, sixty)),
                "a scan of the four tables": timed(lambda: scan(engine)),
            }
            if rep:  # the first is a warm-up
                for k, v in got.items():
                    times[k].append(v)
    engine.dispose()
    lines = [f"| {engine_name} | {k} | {pct(v, 50):,.0f} | {pct(v, 95):,.0f} | "
             f"{pct(times['service, 12 months'], 50) / pct(v, 50):.2f} |"
             for k, v in times.items()]  # fmt: skip
    s12, b12 = pct(times["service, 12 months"], 50), pct(times["bare SQL, 12 months"], 50)
    s60, b60 = pct(times["service, 60 months"], 50), pct(times["bare SQL, 60 months"], 50)
    c = pct(times["a scan of the four tables"], 50)
    lines.append(
        f"| {engine_name} | ratios at p50 | service ÷ bare: {s12 / b12:.2f} (12 months), "
        f"{s60 / b60:.2f} (60 months); service ÷ scan: {s12 / c:.2f} | | | |"
    )
    print(f"{engine_name}: built in {built:.0f} s: {sizes}")
    for line in lines:
        print(line)
    return engine_name, {**sizes, "built in s": round(built)}, lines


def _ok(client: TestClient, path: str) -> None:
    answer = client.get(path)
    if answer.status_code != 200:
        raise SystemExit(f"GET {path} answered {answer.status_code}")


def write_doc(args: argparse.Namespace, results: list[Result]) -> None:
    command = " ".join(["bench/dashboard.py", *sys.argv[1:]])
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    sizes = "\n".join(f"| {name} | " + " | ".join(f"{v:,}" for v in s.values()) + " |"
                      for name, s, _ in results)  # fmt: skip
    keys = " | ".join(results[0][1].keys())
    body = "\n".join(line for _, _, lines in results for line in lines)
    section = f"""{MARK}

## The leaders' dashboard for a 60,000-child authority

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({platform.machine()}, 2 cores
shared with four other sessions, load {load} at the end, Python {platform.python_version()}).

Command: `.venv/bin/python {command}`

A synthetic store built by bulk inserts of casework rows into a fresh SQLite file and a fresh
PostgreSQL database (not through the services: the dashboard's tests do that), {args.children:,}
children in England's proportions (the bench's docstring says which):

| engine | {keys} |
|---|{"---:|" * len(results[0][1])}
{sizes}

{args.reps} timed repetitions after one warm-up, milliseconds. "Service" is
`reports.dashboard.dashboard` in a unit of work as the page runs it (policy and audit entry,
every statement, the workforce dashboard for caseloads, the figures); the pages add rendering
(and the CSV its writing). The
peers, in the same run: the dashboard's own statements alone (`reports/dashboard_queries.py`,
no audit, no workforce, no assembly), and a scan of every row of contacts, cases,
case_steps and prompts (`count()` of the column each sorts into months). The last column is
the 12-month service's p50 over the row's p50.

| engine | what | p50 | p95 | service (12 months) ÷ this |
|---|---|---:|---:|---:|
{body}

{END}"""
    old = DOC.read_text(encoding="utf-8")
    if MARK in old:
        head, rest = old.split(MARK, 1)
        new = head + section + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--children", type=int, default=60_000)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="reuse the stores of an earlier run")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    results = [run(name, args) for name in args.engines.split(",")]
    if not args.no_doc:
        write_doc(args, results)


if __name__ == "__main__":
    main()
