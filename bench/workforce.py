"""The workforce dashboard and allocation suggestions for a 60,000-child authority.

    .venv/bin/python bench/workforce.py [--url sqlite:////tmp/wf_bench.sqlite3] [--children 60000]
        [--open 6000] [--posts 300] [--reps 20]

Acceptance (issue 7): the dashboard renders in at most 2 s of server time. The store is synthetic
and built through the migrations: `--children` persons, each with a closed case and `--open` of
them with an open one (about twice a typical authority's children in need at that size), spread
over the stages; `--posts` case-holding posts in 20 teams (a tenth agency, a tenth vacant); three
allocation periods per open case over the last year; about 100,000 contacts over five years.
Timed: `dashboard` in a unit of work (the
service as a request runs it, audit included) and `GET /workforce` in process (render included);
`suggest` for one case (the allocate form's extra work on the case page); `demand` (three
ETS fits, their back-tests) and `GET /workforce/demand`.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.timing import pct
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from joinedup.access.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.app import create_app
from joinedup.casework.models import Case, Contact
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.people.models import Person
from joinedup.testing import FrozenClock
from joinedup.testing.database import empty_tables, fresh_database
from joinedup.workforce.dashboard import dashboard
from joinedup.workforce.demand import demand
from joinedup.workforce.models import AllocationPeriod, Team, Worker
from joinedup.workforce.service import DEFAULT_RULES, suggest

STAGES = ("assessment", "child_in_need", "child_in_need", "child_protection", "looked_after",
          "looked_after", "section47")  # fmt: skip


def build(engine: Engine, children: int, open_cases: int, n_posts: int, now: datetime) -> int:
    rng = random.Random(7)
    today = now.date()
    with unit_of_work(engine) as session:
        ensure_demo_accounts(session=session, actor=Actor.system("bench"), now=now, demo=True)
        session.execute(insert(Person), [{"id": i, "kind": "child", "created_at": now}
                                         for i in range(1, children + 1)])  # fmt: skip
        users = [{"id": 10_000 + i, "username": f"sw.{i}", "display_name": f"Post {i}",
                  "role": Role.SOCIAL_WORKER.value, "password_hash": "x", "active": True,
                  "created_at": now} for i in range(n_posts)]  # fmt: skip
        session.execute(insert(User), users)
        session.execute(insert(Team), [{"id": t, "name": f"Team {t}", "created_at": now}
                                       for t in range(1, 21)])  # fmt: skip
        session.execute(insert(Worker), [
            {"team_id": 1 + i % 20, "user_id": 10_000 + i, "label": f"sw.{i}",
             "role": "social_worker", "fte": rng.choice((0.5, 0.8, 1.0, 1.0)),
             "contract": "agency" if i % 10 == 0 else "permanent",
             "annual_cost": 67_000 if i % 10 == 0 else 48_000, "vacant": i % 10 == 5,
             "start_on": date(2020, 1, 1), "created_at": now} for i in range(n_posts)
        ])  # fmt: skip
        base = {"referral_source": "1A", "opened_at": now, "updated_at": now, "version": 1}
        closed = [{**base, "id": i, "person_id": i, "stage": "closed",
                   "referral_on": today - timedelta(days=800), "closed_on": today - timedelta(400)}
                  for i in range(1, children + 1)]  # fmt: skip
        session.execute(insert(Case), closed)
        opened = [{**base, "id": children + i, "person_id": i, "stage": rng.choice(STAGES),
                   "referral_on": today - timedelta(days=rng.randint(0, 700)),
                   "allocated_user_id": None if i % 50 == 0 else 10_000 + rng.randrange(n_posts)}
                  for i in range(1, open_cases + 1)]  # fmt: skip
        session.execute(insert(Case), opened)
        periods = [{"case_id": c["id"], "person_id": c["person_id"], "user_id": 10_000 + k,
                    "label": f"sw.{k}", "team": "Team 1",
                    "from_on": today - timedelta(days=300 - 100 * k),
                    "to_on": None if k == 2 else today - timedelta(days=200 - 100 * k),
                    "recorded_by": "bench", "recorded_at": now}
                   for c in opened for k in range(3)]  # fmt: skip
        session.execute(insert(AllocationPeriod), periods)
        session.execute(insert(Contact), contacts(rng, children, today, now))
        return int(opened[0]["id"])


def contacts(rng: random.Random, children: int, today: date, now: datetime) -> list[dict[str, Any]]:
    """About 20,000 contacts a year over five years, seasonal (fewer in August)."""
    rows = []
    for day in range(5 * 365):
        on = today - timedelta(days=day)
        for _ in range(rng.randint(35, 75) if on.month != 8 else rng.randint(20, 40)):
            rows.append({"person_id": rng.randint(1, children), "source_kind": "partner",
                         "received_at": datetime.combine(on, datetime.min.time(), tzinfo=UTC),
                         "referral_source": "1A", "referrer_name": "synthetic",
                         "referrer_organisation": "synthetic", "referrer_agency": "police",
                         "referrer_contact": "synthetic", "summary": "synthetic",
                         "status": "decided", "decision_due_at": now, "created_by": "bench",
                         "updated_at": now, "version": 1})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="sqlite:////tmp/wf_bench.sqlite3")
    parser.add_argument("--children", type=int, default=60_000)
    parser.add_argument("--open", type=int, default=6_000)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    clock = FrozenClock()
    now = clock.now().astimezone(UTC)
    engine = fresh_database(args.url)
    empty_tables(engine)
    case_id = build(engine, args.children, args.open, args.posts, now)
    leader = Actor(role=Role.SENIOR_LEADER, label="bench", user_id=None)
    manager = Actor(role=Role.TEAM_MANAGER, label="bench", user_id=None)
    service, pages, suggestions, ahead, ahead_pages = [], [], [], [], []
    settings = Settings(database_url=args.url, environment="test", demo_accounts=True)
    with TestClient(create_app(settings, clock=clock)) as client:
        form = client.get("/sign-in").text
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/sign-in", data={"username": "head.of.service", "password": DEMO_PASSWORD,
                                      "csrf_token": token})  # fmt: skip
        for _ in range(args.reps):
            start = time.perf_counter()
            with unit_of_work(engine) as session:
                found = dashboard(session=session, actor=leader, rules=DEFAULT_RULES,
                                  today=now.date(), now=now)  # fmt: skip
            service.append(time.perf_counter() - start)
            start = time.perf_counter()
            page = client.get("/workforce")
            pages.append(time.perf_counter() - start)
            if page.status_code != 200:
                raise SystemExit(f"GET /workforce answered {page.status_code}")
            start = time.perf_counter()
            with unit_of_work(engine) as session:
                suggest(session=session, actor=manager, rules=DEFAULT_RULES, case_id=case_id,
                        today=now.date(), now=now)  # fmt: skip
            suggestions.append(time.perf_counter() - start)
            start = time.perf_counter()
            with unit_of_work(engine) as session:
                demand(session=session, actor=leader, today=now.date(), now=now)
            ahead.append(time.perf_counter() - start)
            start = time.perf_counter()
            if client.get("/workforce/demand").status_code != 200:
                raise SystemExit("GET /workforce/demand failed")
            ahead_pages.append(time.perf_counter() - start)
    with unit_of_work(engine, write=False) as session:
        cases = session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1))
    print(
        f"{engine.dialect.name}: {args.children} children, {found.open_cases} open cases "
        f"(of {cases}), {len(found.loads)} filled posts, {args.reps} reps"
    )
    for name, times in (("dashboard service", service), ("GET /workforce", pages),
                        ("suggest one case", suggestions), ("demand service", ahead),
                        ("GET /workforce/demand", ahead_pages)):  # fmt: skip
        print(f"  {name:18} p50 {pct(times, 50):7.1f} ms  p95 {pct(times, 95):7.1f} ms")


if __name__ == "__main__":
    main()
