"""A child's chronology in a large store: the latency of `get_chronology` as a request runs it,
beside the bare SQL for the same rows, in the same run. Acceptance (issue 4): for a child with
2,000 events in a store of at least 5 M events, p95 server time ≤ 100 ms on SQLite and on
PostgreSQL, with the ratio to the bare query recorded.

    .venv/bin/python bench/chronology.py [--events 5000000] [--persons 500000] [--reps 200]
        [--rounds 2] [--engines sqlite,postgresql] [--keep] [--no-doc] [--profile]

The store is built through the real schema (the migrations) by `chronology_store`: the
background generated inside each engine, the measured families written through the
application's bulk path. Each repetition, interleaved across the measured children, times:

- driver: the chronology's query (`chronology.query.rows_query()` for the circle's persons)
  compiled once, run on the DBAPI cursor and every row fetched: the engine's own floor;
- bare: the same query through a SQLAlchemy session, rows fetched and typed (instants, JSON);
- service: `get_chronology` in a unit of work, as a request runs it: a new session, the circle,
  the policy check and audit entry, the reader's look, the query, the entries, the commit;
- API (when the route exists): `GET /api/v1/persons/{id}/chronology` through an in-process
  ASGI client (no network), token check included.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))

from chronology_store import Built, Family, Size, build
from joinedup.access import accounts
from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.chronology import service
from joinedup.chronology.query import rows_query
from joinedup.chronology.views import Filters
from joinedup.db.session import make_engine, unit_of_work
from joinedup.people.batchsql import among
from joinedup.people.circle import circle_of
from joinedup.people.models import MentionLink
from joinedup.testing.database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
VAR = ROOT / "var" / "bench" / "chronology"
BEGIN, END = "<!-- bench/chronology.py -->", "<!-- /bench/chronology.py -->"
HEADING = "## A child's chronology in a store of millions of events"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "joinedup_bench_chronology"
PG_BENCH = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
API_PATH = "/api/v1/persons/{person_id}/chronology"
TARGET_MS = 100.0
READER = "bench.sw"  # the social worker who reads the chronologies
console = Console()


# -- the store ----------------------------------------------------------------------------------


def _url(name: str) -> str:
    return f"sqlite:///{VAR / 'store.sqlite3'}" if name == "SQLite" else PG_BENCH


def _recreate_pg() -> bool:
    admin = create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {PG_DB}"))
    except Exception as exc:
        console.print(f"PostgreSQL not reachable ({type(exc).__name__}); skipping it")
        return False
    finally:
        admin.dispose()
    return True


def store_for(name: str, size: Size, keep: bool) -> tuple[Engine | None, Built | None]:
    marker = VAR / f"store-{name.lower()}.json"
    wanted = _size_dict(size)
    if keep and marker.exists():
        info = json.loads(marker.read_text())
        if info["wanted"] == wanted:
            console.print(f"{name}: reusing the store built {info['built_at']}")
            return make_engine(_url(name)), Built.from_json(info["built"])
    marker.unlink(missing_ok=True)
    if name == "PostgreSQL":
        if not _recreate_pg():
            return None, None
    else:
        for suffix in ("", "-wal", "-shm"):
            (VAR / f"store.sqlite3{suffix}").unlink(missing_ok=True)
    engine = fresh_database(_url(name))
    console.print(f"{name}: building a store of at least {size.events:,} events")
    with _progress() as progress:
        built = build(engine, size, progress)
    engine.dispose()
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    info = {"wanted": wanted, "built": built.as_json(), "built_at": stamp}
    marker.write_text(json.dumps(info, indent=1))
    c = built.counts
    console.print(f"{name}: {c['events']:,} events, {c['mentions']:,} mentions, "
                  f"{c['persons']:,} persons; built in {built.build_s / 60:.1f} min")  # fmt: skip
    return make_engine(_url(name)), built


def _size_dict(size: Size) -> dict[str, int]:
    return {k: getattr(size, k) for k in ("events", "persons", "families", "child_events", "seed")}


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)  # fmt: skip


# -- measuring ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Samples:
    """Seconds per repetition, by what was timed; rows and entries per child; machine load."""

    driver: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)
    service_cpu: list[float] = field(default_factory=list)  # this process's CPU time
    api: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average, sampled
    rows: dict[int, int] = field(default_factory=dict)  # child -> rows the query returns
    entries: dict[int, int] = field(default_factory=dict)  # child -> entries shown


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), in milliseconds."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), -(-q * len(ordered) // 100)))
    return ordered[int(rank) - 1] * 1000


def reader(engine: Engine) -> tuple[Actor, str]:
    """The social worker who reads, and an API token of theirs (made once per store)."""
    system = Actor.system("bench")
    now = datetime.now(UTC)
    with unit_of_work(engine) as session:
        user = session.scalar(select(User).where(User.username == READER))
        if user is None:
            user = accounts.create_user(session=session, actor=system, username=READER,
                                        display_name="Bench reader", role=Role.SOCIAL_WORKER,
                                        password="bench-" * 3, now=now)  # fmt: skip
        token = accounts.issue_api_token(session=session, actor=system, user=user,
                                         label="bench", now=now)  # fmt: skip
        return accounts.actor_for(user), token


def circle_persons(engine: Engine, actor: Actor, child: int) -> list[int]:
    """The persons whose records the default chronology reads: the child (and anyone merged
    into them) and the adults of their circle (as `service._entries` passes them)."""
    with Session(engine) as session:
        circle = circle_of(session=session, actor=actor, person_id=child)
        return [*circle.persons, *(m.person_id for m in circle.members if m.kind == "adult")]


class Driver:
    """The chronology's query compiled once, run on the DBAPI cursor: no ORM, no typing."""

    def __init__(self, engine: Engine, persons: list[int]) -> None:
        with Session(engine) as session:
            statement = rows_query().where(among(session, MentionLink.person_id, persons))
        compiled = statement.compile(dialect=engine.dialect)
        params = compiled.construct_params()
        processors = compiled._bind_processors  # the JSON text or array, as SQLAlchemy binds it
        bound = {k: processors[k](v) if k in processors else v for k, v in params.items()}
        self.sql = str(compiled)
        positions = compiled.positiontup
        self.params: Any = [bound[k] for k in positions] if positions else bound

    def run(self, engine: Engine) -> float:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            started = time.perf_counter()
            cursor.execute(self.sql, self.params)
            cursor.fetchall()
            elapsed = time.perf_counter() - started
            cursor.close()
            raw.rollback()
        finally:
            raw.close()
        return elapsed


def bare(engine: Engine, persons: list[int]) -> tuple[float, int]:
    with Session(engine) as session:
        started = time.perf_counter()
        rows = session.execute(
            rows_query().where(among(session, MentionLink.person_id, persons))
        ).all()
        elapsed = time.perf_counter() - started
    return elapsed, len(rows)


def served(engine: Engine, actor: Actor, child: int) -> tuple[float, float, int]:
    """Wall time, this process's CPU time, and the entries shown."""
    started, cpu = time.perf_counter(), time.process_time()
    with unit_of_work(engine) as session:
        found = service.get_chronology(session=session, actor=actor, person_id=child,
                                       filters=Filters(), now=datetime.now(UTC))  # fmt: skip
    return time.perf_counter() - started, time.process_time() - cpu, len(found.entries)


def api_client(name: str, token: str) -> Any:
    """An in-process client of the application, if the chronology's route exists."""
    from fastapi.testclient import TestClient

    from joinedup.app import create_app
    from joinedup.config import Settings

    app = create_app(Settings(database_url=_url(name)))
    if API_PATH not in app.openapi().get("paths", {}):
        return None
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def requested(client: Any, child: int) -> float:
    started = time.perf_counter()
    response = client.get(API_PATH.format(person_id=child))
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"the API answered {response.status_code}: {response.text[:300]}")
    return elapsed


def measure(
    name: str, engine: Engine, families: list[Family], args: argparse.Namespace
) -> tuple[Samples, SqlTimes | None]:
    actor, token = reader(engine)
    children = [f.child for f in families]
    persons = {c: circle_persons(engine, actor, c) for c in children}
    drivers = {c: Driver(engine, persons[c]) for c in children}
    client = api_client(name, token) if not args.no_api else None
    samples, profiler = Samples(), cProfile.Profile() if args.profile else None
    statements = SqlTimes(engine) if args.profile else None
    with _progress() as progress:
        task = progress.add_task(f"{name}: measuring", total=args.warm_up + args.reps)
        for i in range(args.warm_up + args.reps):
            child = children[i % len(children)]
            counted = i >= args.warm_up
            d = drivers[child].run(engine)
            b, rows = bare(engine, persons[child])
            if profiler and counted:
                profiler.enable()
                statements.on = True  # type: ignore[union-attr]
            s, cpu, entries = served(engine, actor, child)
            if profiler:
                profiler.disable()
                statements.on = False  # type: ignore[union-attr]
            a = requested(client, child) if client is not None else None
            if counted:
                samples.driver.append(d)
                samples.bare.append(b)
                samples.service.append(s)
                samples.service_cpu.append(cpu)
                if a is not None:
                    samples.api.append(a)
                samples.rows[child], samples.entries[child] = rows, entries
            if i % 10 == 0:
                samples.load.append(os.getloadavg()[0])
            progress.advance(task)
    if client is not None:
        client.close()
    if profiler:
        report_profile(name, profiler, statements)
    return samples, statements


class SqlTimes:
    """Time spent in each SQL statement (by its first words) while `on`."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.times: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            if self.on:
                label = " ".join(statement.split())[:110]
                self.times[label] += time.perf_counter() - conn.info.pop("bench_started")
                self.calls[label] += 1


class Stopwatch:
    """CPU time of this process and wall time, summed by label."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = {}

    @contextmanager
    def __call__(self, label: str) -> Iterator[None]:
        cpu, wall = time.process_time(), time.perf_counter()
        yield
        took = self.spent.setdefault(label, [0.0, 0.0])
        took[0] += time.process_time() - cpu
        took[1] += time.perf_counter() - wall


def steps(name: str, engine: Engine, families: list[Family], reps: int) -> None:
    """The service's steps timed one by one: where a chronology's time goes.

    Follows `service.get_chronology` through the chronology's internals (`query._subjects_query`
    and the rest): a change there shows here as an error, not as a silent drift.
    """
    from joinedup.chronology import query as q

    actor, _ = reader(engine)
    watch = Stopwatch()
    for i in range(reps + 5):
        if i == 5:
            watch.spent.clear()
        child = families[i % len(families)].child
        with Session(engine) as session:
            with watch("circle (persons, household, names)"):
                circle = circle_of(session=session, actor=actor, person_id=child)
            own = circle.persons
            adults = [m.person_id for m in circle.members if m.kind == "adult"]
            with watch("subjects query"):
                rows = session.execute(q._subjects_query(session, {*own, *adults})).all()
            subjects: dict[int, list[Any]] = {}
            for row in rows:
                subjects.setdefault(row[1], []).append(row)
            wanted = [e for e, g in subjects.items() if q._belongs(g, own, adults, [])]
            with watch("events query"):
                events = session.execute(q._events_query(session, wanted)).all()
            with watch("marks"):
                marks = q._marks(session, own)
            seen = q.Reader(sensitive=True, restricted=True, seen_up_to=None)
            with watch("entries built"):
                for r in events:
                    q._entry(r, subjects[r[0]], own, circle.names, seen, marks.get(r[0]))
        with watch("the whole service, in a unit of work"):
            served(engine, actor, child)
    console.print(f"{name}: the service's steps, ms per call (CPU of this process / wall), "
                  f"{reps} calls, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    for label, (cpu, wall) in watch.spent.items():
        console.print(f"  {label:40} {cpu / reps * 1000:6.1f} / {wall / reps * 1000:6.1f}")


def report_profile(name: str, profiler: cProfile.Profile, sql: SqlTimes | None) -> None:
    out = VAR / f"profile-{name.lower()}.pstats"
    profiler.dump_stats(out)
    console.print(f"\n{name}: profile of the service (counted repetitions) in {out}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    if sql is not None:
        total = sum(sql.times.values())
        console.print(f"{name}: SQL statements, {total:.2f} s in all")
        for label, seconds in sql.times.most_common(20):
            console.print(f"  {seconds:7.3f} s  {sql.calls[label]:6,} calls  {label}")


def summarise(name: str, round_: int, s: Samples) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": name, "round": round_, "reps": len(s.service)}
    for what in ("driver", "bare", "service", "service_cpu", "api"):
        values = getattr(s, what)
        result.update({f"{what}_p{q}": pct(values, q) if values else None for q in (50, 95, 99)})
    result["ratio_p50"] = result["service_p50"] / result["bare_p50"]
    result["ratio_p95"] = result["service_p95"] / result["bare_p95"]
    result["load_min"], result["load_max"] = min(s.load), max(s.load)
    result["rows"] = sorted(s.rows.values())
    result["entries"] = sorted(s.entries.values())
    api = (f"; API {result['api_p50']:.1f}/{result['api_p95']:.1f}/{result['api_p99']:.1f}"
           if s.api else "; API route not present")  # fmt: skip
    console.print(
        f"{name} round {round_}: p50/p95/p99 ms: driver {result['driver_p50']:.1f}/"
        f"{result['driver_p95']:.1f}/{result['driver_p99']:.1f}, bare "
        f"{result['bare_p50']:.1f}/{result['bare_p95']:.1f}/{result['bare_p99']:.1f}, service "
        f"{result['service_p50']:.1f}/{result['service_p95']:.1f}/{result['service_p99']:.1f} "
        f"(CPU {result['service_cpu_p50']:.1f}/{result['service_cpu_p95']:.1f}){api}; "
        f"service ÷ bare p95 {result['ratio_p95']:.2f}; load "
        f"{result['load_min']:.1f}–{result['load_max']:.1f}; rows {result['rows']}, entries "
        f"{result['entries']}"
    )
    return result


# -- the document -------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def section(results: list[dict[str, Any]], stores: dict[str, Built], args: argparse.Namespace,
            api_present: bool) -> list[str]:  # fmt: skip
    """The lines between the markers: command, store, figures per engine and round, verdict."""
    lines = [
        BEGIN,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}).",
        "",
        f"Command: `.venv/bin/python bench/chronology.py --events {args.events} --persons "
        f"{args.persons} --families {args.families} --child-events {args.child_events} --reps "
        f"{args.reps} --rounds {args.rounds} --engines {args.engines}`",
        "",
        "| engine | events | mentions | persons | store built in |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, built in stores.items():
        c = built.counts
        lines.append(f"| {name} | {c['events']:,} | {c['mentions']:,} | {c['persons']:,} | "
                     f"{built.build_s / 60:.1f} min |")  # fmt: skip
    first = next(iter(stores.values()))
    child_events = sorted(f.child_events for f in first.families)
    named = (f"{child_events[0]:,}" if child_events[0] == child_events[-1]
             else f"{child_events[0]:,}–{child_events[-1]:,}")  # fmt: skip
    lines += [
        "",
        f"{len(first.families)} measured children, each named on {named} events, interleaved "
        f"over {args.reps} timed repetitions per round "
        f"(after {args.warm_up} for warm-up). Milliseconds, p50 / p95 / p99:",
        "",
        "| engine | round | load (1 min) | driver | bare SQL | service | service, CPU of this "
        "process | API | service ÷ bare (p50, p95) | p95 ≤ 100 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        served_p95 = r["api_p95"] if r["api_p95"] is not None else r["service_p95"]
        lines.append(
            f"| {r['engine']} | {r['round']} | {r['load_min']:.1f}–{r['load_max']:.1f} | "
            + " | ".join(" / ".join(_ms(r[f"{w}_p{q}"]) for q in (50, 95, 99))
                         for w in ("driver", "bare", "service", "service_cpu", "api"))
            + f" | {r['ratio_p50']:.2f}×, {r['ratio_p95']:.2f}× | "
            f"{'met' if served_p95 <= TARGET_MS else 'NOT met'} |"
        )  # fmt: skip
    rows = sorted({n for r in results for n in r["rows"]})
    entries = sorted({n for r in results for n in r["entries"]})
    lines += [
        "",
        "Driver: the chronology's query on the DBAPI cursor, every row fetched. Bare SQL: the "
        "same query through a SQLAlchemy session, rows typed (instants, JSON). Service: "
        "`get_chronology` in a unit of work (circle, policy and audit entry, the reader's look, "
        "the queries, the entries, the commit). Its CPU is this process's only: SQLite's work "
        "is in it, PostgreSQL's server work is not. API: `GET /api/v1/persons/{id}/chronology` "
        "through an in-process ASGI client (no network), token check and JSON included. The "
        "verdict is on the API's p95 where it was measured, else the service's.",
        "",
        f"The query returns {rows[0]:,}–{rows[-1]:,} rows per child (one per event and linked "
        f"person of the circle: the child, the merged duplicate, the mother and her partner); "
        f"the chronology shows {entries[0]:,}–{entries[-1]:,} entries."
        + ("" if api_present else " The API column is empty: `GET /api/v1/persons/{id}/"
           "chronology` did not exist yet when this was measured."),
        "",
        END,
    ]  # fmt: skip
    return lines


def write_doc(lines: list[str], path: Path = DOC) -> None:
    """Replace what lies between the markers (adding the section before Growth, the first time)."""
    doc = path.read_text(encoding="utf-8")
    if BEGIN not in doc:
        block = f"{HEADING}\n\n{BEGIN}\n{END}\n\n"
        doc = doc.replace("## Growth", block + "## Growth", 1) if "## Growth" in doc else (
            doc.rstrip("\n") + "\n\n" + block)  # fmt: skip
    before, _, rest = doc.partition(BEGIN)
    _, _, after = rest.partition(END)
    path.write_text(before + "\n".join(lines) + after, encoding="utf-8")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--families", type=int, default=5)
    parser.add_argument("--child-events", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="measure this many times")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="reuse a store already built")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--no-api", action="store_true", help="do not time the HTTP API")
    parser.add_argument("--no-doc", action="store_true", help="do not write performance.md")
    parser.add_argument("--profile", action="store_true",
                        help="profile the service (timings inflated; no doc)")  # fmt: skip
    parser.add_argument("--steps", action="store_true",
                        help="time the service's steps one by one (no doc)")  # fmt: skip
    return parser.parse_args(argv)


def main() -> None:
    args = parse()
    VAR.mkdir(parents=True, exist_ok=True)
    size = Size(args.events, args.persons, args.families, args.child_events, args.seed)
    results, stores, engines, api_present = [], {}, {}, False
    for name in ("SQLite", "PostgreSQL"):
        if name.lower() in args.engines.lower():
            engine, built = store_for(name, size, args.keep)
            if engine is not None and built is not None:
                stores[name], engines[name] = built, engine
    if args.steps:
        for name, engine in engines.items():
            steps(name, engine, stores[name].families, args.reps)
        return
    for round_ in range(1, 0 if args.build_only else args.rounds + 1):
        for name, engine in engines.items():  # rounds alternate engines: load varies in time
            samples, _ = measure(name, engine, stores[name].families, args)
            api_present = api_present or bool(samples.api)
            results.append(summarise(name, round_, samples))
    for engine in engines.values():
        engine.dispose()
    if results and not (args.no_doc or args.profile):
        write_doc(section(results, stores, args, api_present))


if __name__ == "__main__":
    main()
