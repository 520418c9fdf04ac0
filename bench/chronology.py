"""A child's chronology in a large store: the latency of `get_chronology` as a request runs it,
beside the bare SQL for the same rows, in the same run. Acceptance (issue 4): for a child with
2,000 events in a store of at least 5 M events, p95 server time ≤ 100 ms on SQLite and on
PostgreSQL, with the ratio to the bare query recorded.

    .venv/bin/python bench/chronology.py [--events 5000000] [--persons 500000] [--reps 200]
        [--rounds 2] [--engines sqlite,postgresql] [--keep] [--no-doc] [--profile] [--steps]

The store is built through the real schema (the migrations) by `chronology_store`: the
background generated inside each engine, the measured families written through the
application's bulk path. The request measured is the chronology page's default: page 1, 100
entries, no filter. Each repetition, interleaved across the measured children, times:

- driver: the page's queries (`chronology.query`: the standing marks, the outline with the
  names, the page's events with their subjects) compiled once, run on the DBAPI cursor and
  every row fetched;
- bare: the same queries through a SQLAlchemy session, rows fetched and typed (instants, JSON);
- service: `get_chronology` in a unit of work, as a request runs it: a new session, the circle,
  the policy check and audit entry, the reader's look, the queries, the entries, the commit;
- one agency: the same, filtered to one agency (the child's commonest); last page: the same,
  for the last page of the unfiltered chronology;
- API (when the route exists): `GET /api/v1/persons/{id}/chronology` through an in-process
  ASGI client (no network; one event loop for the run, as a server has), token check included.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
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
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))

import timing
from chronology_store import Built, Family, Size, build
from joinedup.access import accounts
from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.chronology import query, service
from joinedup.chronology.views import Filters
from joinedup.db.session import make_engine, unit_of_work
from joinedup.people.circle import circle_of, with_names
from joinedup.testing.database import fresh_database
from timing import SqlTimes, pct

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
PER_PAGE = service.PER_PAGE
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
    """Seconds per repetition, by what was timed; counts per child; machine load."""

    driver: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)
    service_cpu: list[float] = field(default_factory=list)  # this process's CPU time
    agency: list[float] = field(default_factory=list)  # filtered to one agency
    last: list[float] = field(default_factory=list)  # the last page
    api: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average, sampled
    rows: dict[int, int] = field(default_factory=dict)  # child -> rows the page's queries return
    entries: dict[int, int] = field(default_factory=dict)  # child -> entries on the page
    total: dict[int, int] = field(default_factory=dict)  # child -> entries on the chronology
    matching: dict[int, int] = field(default_factory=dict)  # child -> entries of one agency


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


@dataclass(slots=True)
class Request:
    """What a chronology request reads for one child: its scope and reader, as the service
    makes them, and the filter and page of the variants measured."""

    child: int
    scope: query.Scope
    reader: query.Reader
    agency: str  # the child's commonest agency, for the filtered request
    last_page: int


def request_for(engine: Engine, actor: Actor, child: int) -> Request:
    with unit_of_work(engine) as session:
        circle = circle_of(session=session, actor=actor, person_id=child)
        scope = service._scope(circle, [])
        reader = service._reader(actor, datetime.now(UTC))
        found = service.get_chronology(session=session, actor=actor, person_id=child,
                                       filters=Filters(), now=datetime.now(UTC),
                                       per_page=None)  # fmt: skip
        agencies = Counter(e.agency for e in found.entries)
        session.rollback()  # leave no looks or audit entries behind
    return Request(child, scope, reader, agencies.most_common(1)[0][0],
                   max(1, -(-found.matching // PER_PAGE)))  # fmt: skip


def page_statements(session: Session, r: Request) -> list[Any]:
    """The default request's queries, as `get_chronology` sends them: the standing marks, the
    outline (counts, the page's order, the names), the page's events with their subjects."""
    marks = query.read_marks(session, r.scope.own)
    page = query.outline(session, r.scope, r.reader, Filters(), marks, per_page=PER_PAGE).page
    return [
        query.marks_query(session, r.scope.own),
        query.outline_query(session, r.scope, r.reader, Filters(), marks, per_page=PER_PAGE),
        query.page_query(session, page, r.scope.persons),
    ]


class Driver:
    """The page's queries compiled once, run on the DBAPI cursor: no ORM, no typing."""

    def __init__(self, engine: Engine, r: Request) -> None:
        self.statements: list[tuple[str, Any]] = []
        with Session(engine) as session:
            for statement in page_statements(session, r):
                compiled = statement.compile(
                    dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
                )
                params = compiled.construct_params()
                processors = compiled._bind_processors  # JSON text or arrays, as bound
                bound = {k: processors[k](v) if k in processors else v for k, v in params.items()}
                positions = compiled.positiontup
                values = [bound[k] for k in positions] if positions else bound
                self.statements.append((str(compiled), values))

    def run(self, engine: Engine) -> float:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            started = time.perf_counter()
            for sql, params in self.statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            elapsed = time.perf_counter() - started
            cursor.close()
            raw.rollback()
        finally:
            raw.close()
        return elapsed


def bare(engine: Engine, r: Request) -> tuple[float, int]:
    """The page's queries through a session, every row fetched and typed."""
    with Session(engine) as session:
        started = time.perf_counter()
        marks = query.read_marks(session, r.scope.own)
        outline = session.execute(query.outline_query(session, r.scope, r.reader, Filters(),
                                                      marks, per_page=PER_PAGE)).all()  # fmt: skip
        chosen = [row[7] for row in outline if row[0]]
        page = session.execute(query.page_query(session, chosen, r.scope.persons)).all()
        elapsed = time.perf_counter() - started
    return elapsed, len(outline) + len(page)


def served(
    engine: Engine, actor: Actor, child: int, filters: Filters | None = None, page: int = 1
) -> tuple[float, float, int, int]:
    """Wall time, this process's CPU time, the entries on the page, and the entries matching."""
    started, cpu = time.perf_counter(), time.process_time()
    with unit_of_work(engine) as session:
        found = service.get_chronology(session=session, actor=actor, person_id=child,
                                       filters=filters or Filters(), now=datetime.now(UTC),
                                       page=page)  # fmt: skip
        shown, matching = len(found.entries), found.matching
    return time.perf_counter() - started, time.process_time() - cpu, shown, matching


def api_client(name: str, token: str) -> Any:
    """An in-process client of the application, if the chronology's route exists; entered
    once, so that its requests share one event loop as a server's do (outside `with`, a
    TestClient starts a thread and an event loop for every request: 14 ms a request at load
    5, measured 2026-11-24, which no server spends)."""
    from fastapi.testclient import TestClient

    from joinedup.app import create_app
    from joinedup.config import Settings

    app = create_app(Settings(database_url=_url(name)))
    if API_PATH not in app.openapi().get("paths", {}):
        return None
    client = TestClient(app)
    client.__enter__()
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
    requests = {f.child: request_for(engine, actor, f.child) for f in families}
    children = list(requests)
    drivers = {c: Driver(engine, requests[c]) for c in children}
    client = api_client(name, token) if not args.no_api else None
    samples, profiler = Samples(), cProfile.Profile() if args.profile else None
    statements = SqlTimes(engine) if args.profile else None
    with _progress() as progress:
        task = progress.add_task(f"{name}: measuring", total=args.warm_up + args.reps)
        for i in range(args.warm_up + args.reps):
            child = children[i % len(children)]
            r = requests[child]
            counted = i >= args.warm_up
            d = drivers[child].run(engine)
            b, rows = bare(engine, r)
            if profiler and counted:
                profiler.enable()
                statements.on = True  # type: ignore[union-attr]
            s, cpu, entries, total = served(engine, actor, child)
            if profiler:
                profiler.disable()
                statements.on = False  # type: ignore[union-attr]
            one = Filters(agencies=frozenset({r.agency}))
            f, _, _, matching = served(engine, actor, child, one)
            last, _, _, _ = served(engine, actor, child, page=r.last_page)
            a = requested(client, child) if client is not None else None
            if counted:
                timed = (("driver", d), ("bare", b), ("service", s), ("service_cpu", cpu),
                         ("agency", f), ("last", last))  # fmt: skip
                for what, value in timed:
                    getattr(samples, what).append(value)
                if a is not None:
                    samples.api.append(a)
                samples.rows[child], samples.entries[child] = rows, entries
                samples.total[child], samples.matching[child] = total, matching
            if i % 10 == 0:
                samples.load.append(os.getloadavg()[0])
            progress.advance(task)
    if client is not None:
        client.__exit__(None, None, None)
    if profiler:
        report_profile(name, profiler, statements)
    return samples, statements


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

    Follows `service.get_chronology` through the chronology's internals (`query.outline`,
    `query.page_query` and the rest): a change there shows here as an error, not as a drift.
    """
    from joinedup.chronology import query as q

    actor, _ = reader(engine)
    watch = Stopwatch()
    for i in range(reps + 5):
        if i == 5:
            watch.spent.clear()
        child = families[i % len(families)].child
        with Session(engine) as session:
            with watch("circle (persons, household)"):
                circle = circle_of(session=session, actor=actor, person_id=child, named=False)
            scope = service._scope(circle, [])
            seen = service._reader(actor, datetime.now(UTC))
            with watch("marks"):
                marks = q.read_marks(session, scope.own)
            with watch("outline (counts, the page's order, names)"):
                outline = q.outline(session, scope, seen, Filters(), marks, per_page=PER_PAGE)
            chosen, circle = outline.page, with_names(circle, outline.names)
            with watch("page query (100 events in full, their subjects)"):
                rows = session.execute(q.page_query(session, chosen, scope.persons)).all()
            own = set(scope.own)
            with watch("entries built"):
                for r, subjects in q.page_events(rows):
                    q._entry(r, subjects, own, circle.names, seen, marks.get(r[0]))
        with watch("the whole service, in a unit of work"):
            served(engine, actor, child)
    console.print(f"{name}: the service's steps, ms per call (CPU of this process / wall), "
                  f"{reps} calls, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    for label, (cpu, wall) in watch.spent.items():
        console.print(f"  {label:40} {cpu / reps * 1000:6.1f} / {wall / reps * 1000:6.1f}")


def report_profile(name: str, profiler: cProfile.Profile, sql: SqlTimes | None) -> None:
    timing.report_profile(profiler, sql, out=VAR / f"profile-{name.lower()}.pstats",
                          title=f"{name}: profile of the service (counted repetitions)",
                          say=console.print)  # fmt: skip


MEASURED = ("driver", "bare", "service", "service_cpu", "agency", "last", "api")


def summarise(name: str, round_: int, s: Samples) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": name, "round": round_, "reps": len(s.service)}
    for what in MEASURED:
        values = getattr(s, what)
        result.update({f"{what}_p{q}": pct(values, q) if values else None for q in (50, 95, 99)})
    result["ratio_p50"] = result["service_p50"] / result["bare_p50"]
    result["ratio_p95"] = result["service_p95"] / result["bare_p95"]
    result["load_min"], result["load_max"] = min(s.load), max(s.load)
    for what in ("rows", "entries", "total", "matching"):
        result[what] = sorted(getattr(s, what).values())
    figures = ", ".join(
        f"{what} " + "/".join(f"{result[f'{what}_p{q}']:.1f}" for q in (50, 95, 99))
        for what in MEASURED if result[f"{what}_p50"] is not None
    )  # fmt: skip
    console.print(
        f"{name} round {round_}: p50/p95/p99 ms: {figures}; service ÷ bare p95 "
        f"{result['ratio_p95']:.2f}; load {result['load_min']:.1f}–{result['load_max']:.1f}; "
        f"rows {result['rows']}, entries {result['entries']} of {result['total']}"
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
        "process | one agency | last page | API | service ÷ bare (p50, p95) | p95 ≤ 100 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        served_p95 = max(r[f"{w}_p95"] for w in ("service", "agency", "last", "api")
                         if r[f"{w}_p95"] is not None)  # fmt: skip
        lines.append(
            f"| {r['engine']} | {r['round']} | {r['load_min']:.1f}–{r['load_max']:.1f} | "
            + " | ".join(" / ".join(_ms(r.get(f"{w}_p{q}")) for q in (50, 95, 99))
                         for w in MEASURED)
            + f" | {r['ratio_p50']:.2f}×, {r['ratio_p95']:.2f}× | "
            f"{'met' if served_p95 <= TARGET_MS else 'NOT met'} |"
        )  # fmt: skip

    def span(what: str) -> str:
        found = sorted({n for r in results for n in r.get(what, [])}) or [0]
        return f"{found[0]:,}" if found[0] == found[-1] else f"{found[0]:,}–{found[-1]:,}"

    lines += [
        "",
        "The request: page 1 of the chronology (100 entries, oldest first), no filter, as the "
        "page and the API ask by default. Driver: the page's queries (the standing marks; the "
        "outline, one statement giving the counts by agency and type, the page's ids in "
        "order and the persons' names as recorded; the page's events with their subjects, "
        "one row a subject) on the DBAPI "
        "cursor, every row fetched. Bare SQL: the same queries through a SQLAlchemy session, "
        "rows typed (instants, JSON). Service: `get_chronology` in a unit of work (circle, "
        "policy and audit entry, the reader's look, the queries, the entries, the commit). Its "
        "CPU is this process's only: SQLite's work is in it, PostgreSQL's server work is not. "
        "One agency: the same request filtered to the child's commonest agency. Last page: the "
        "unfiltered chronology's last page. API: "
        "`GET /api/v1/persons/{id}/chronology` through an in-process ASGI client (no network; "
        "one event loop for the run, as a server has), "
        "token check and JSON included. The verdict is on the worst p95 of service, one agency, "
        "last page and API.",
        "",
        f"Each measured child's chronology holds {span('total')} entries; the page shows "
        f"{span('entries')}, the agency filter keeps {span('matching')}. The page's queries "
        f"return {span('rows')} rows (the outline's, and the page's events, one a subject)."
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
