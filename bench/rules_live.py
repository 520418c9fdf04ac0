"""Rules evaluated live inside intake: milliseconds per record, beside the chronology path.

For a sample of records already in a store built by `joinedup demo build`, each is evaluated
as if it had just arrived, in its own transaction, rolled back: the live path
(`rules.service.evaluate_records`: the touched children's circles, the facts the rules reach,
the rules, the prompts and audit entries) and, on the same records in the same run, alternately,
the peer: `evaluate_children` over each touched child's whole chronology (`get_timelines`), as
the rules ran before. Also the live path over batches of records (the bulk path of
`joinedup ingest`, per record). Statements are counted at the driver's cursor. Acceptance
(issue 5): median ≤ 5 ms per record. On PostgreSQL psycopg forgets its prepared statements at
every rollback, so each statement is planned afresh; `--keep-prepared` rolls back behind its
back, so that they are kept as in live intake, which commits.

    .venv/bin/python bench/rules_live.py --store sqlite:///var/helper-small.sqlite3 \
        --store postgresql+psycopg://postgres@127.0.0.1:5432/joinedup_helper_rules_bench
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.db.session import make_engine
from joinedup.intake.models import Event
from joinedup.rules import facts_sql
from joinedup.rules import service as rules_service
from joinedup.rules.config import default_rules
from joinedup.rules.models import Prompt
from timing import pct

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench/rules_live.py -->", "<!-- /bench/rules_live.py -->"
HEADING = "## Rules evaluated live inside intake"
TARGET_MS = 5.0
ACTOR = Actor.system("bench")


@dataclass
class Samples:
    live: list[float] = field(default_factory=list)
    peer: list[float] = field(default_factory=list)
    batch: list[float] = field(default_factory=list)  # per record, in batches
    statements: list[int] = field(default_factory=list)  # live path, per record
    in_db: list[float] = field(default_factory=list)  # live path: seconds inside statements
    children: list[int] = field(default_factory=list)  # touched per record
    load: list[float] = field(default_factory=list)


class Counter:
    """Statements sent, and the time from sending each to its rows being back (a round trip
    and the server's work; the rows are fetched by then for these small results)."""

    def __init__(self, engine: Engine) -> None:
        self.n, self.spent, self.started = 0, 0.0, 0.0

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_: Any) -> None:
            self.n += 1
            self.started = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _spent(*_: Any) -> None:
            self.spent += time.perf_counter() - self.started


def sample(engine: Engine, n: int, seed: int, recent_days: int) -> list[int]:
    """Records that happened in the store's last `recent_days`: what live intake receives."""
    with Session(engine) as session:
        last = session.scalar(select(func.max(Event.occurred_at)))
        since = last - timedelta(days=recent_days)
        current = Event.superseded.is_(False)
        ids = list(session.scalars(select(Event.id).where(current, Event.occurred_at >= since)))
    return random.Random(seed).sample(ids, min(n, len(ids)))


def prime(engine: Engine, rules: Any, batch: int = 1000) -> tuple[int, float]:
    """Give a store built without the rules the prompts live intake would have opened: every
    record evaluated in the order they happened, a batch to a transaction."""
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Prompt)):
            return 0, 0.0
        ids = list(session.scalars(select(Event.id).where(Event.superseded.is_(False))
                                   .order_by(Event.occurred_at, Event.id)))  # fmt: skip
    started = time.perf_counter()
    for start in range(0, len(ids), batch):
        with Session(engine) as session, session.begin():
            part = ids[start : start + batch]
            when = session.scalar(select(func.max(Event.occurred_at)).where(Event.id.in_(part)))
            rules_service.evaluate_records(session=session, actor=ACTOR, event_ids=part,
                                           rules=rules, now=when)  # fmt: skip
    return len(ids), time.perf_counter() - started


def timed(engine: Engine, work: Callable[[Session], object], keep: bool = False) -> float:
    with Session(engine) as session:
        session.connection()  # the transaction is open before the clock starts
        started = time.perf_counter()
        work(session)
        session.flush()
        spent = time.perf_counter() - started
        if keep and engine.dialect.name == "postgresql":
            # Roll back on the server behind psycopg's back: it forgets its prepared statements
            # at every ROLLBACK it sends (they live on in the server, and for this bench's
            # work, which creates and drops nothing, are still good), where live intake, which
            # commits, keeps them. Its own rollback then finds the connection idle.
            raw: Any = session.connection().connection.dbapi_connection
            raw.pgconn.exec_(b"ROLLBACK")
        session.rollback()
    return spent


def measure(url: str, args: argparse.Namespace) -> tuple[Samples, dict[str, int]]:
    engine = make_engine(url)
    rules = default_rules().rules
    counter = Counter(engine)
    now = datetime.now(UTC)
    primed, primed_s = prime(engine, rules)
    if primed:
        print(f"primed {primed:,} records in {primed_s:.0f} s")
    if engine.dialect.name == "postgresql":  # as autovacuum keeps a live store's statistics
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    events = sample(engine, args.records, args.seed, args.recent_days)
    found = Samples(load=[os.getloadavg()[0]])

    keep = args.keep_prepared

    def live(ids: list[int]) -> Callable[[Session], object]:
        return lambda s: rules_service.evaluate_records(session=s, actor=ACTOR, event_ids=ids,
                                                        rules=rules, now=now)  # fmt: skip

    def peer(ids: list[int]) -> Callable[[Session], object]:
        def run(s: Session) -> object:
            children = facts_sql.touched(s, ids)
            return rules_service.evaluate_children(
                session=s,
                actor=ACTOR,
                person_ids=children,
                new_event_ids=ids,
                rules=rules,
                now=now,
            )

        return run

    for e in events[: args.warm_up]:
        timed(engine, live([e]), keep)
        timed(engine, peer([e]), keep)
    for i, e in enumerate(events):
        before, spent = counter.n, counter.spent
        found.live.append(timed(engine, live([e]), keep))
        # less SQLite's BEGIN (psycopg begins PostgreSQL's transaction itself, uncounted)
        found.statements.append(counter.n - before - (engine.dialect.name == "sqlite"))
        found.in_db.append(counter.spent - spent)  # the transaction's own is not timed
        timed(engine, lambda s, e=e: found.children.append(len(facts_sql.touched(s, [e]))), keep)
        if i < args.peer_records:
            found.peer.append(timed(engine, peer([e]), keep))
    for start in range(0, len(events), args.batch):
        part = events[start : start + args.batch]
        found.batch.append(timed(engine, live(part), keep) / len(part))
    found.load.append(os.getloadavg()[0])
    with Session(engine) as s:
        counts = {"events": s.scalar(select(func.count()).select_from(Event)) or 0}
    engine.dispose()
    return found, counts


def summary(name: str, s: Samples) -> dict[str, Any]:
    return {
        "engine": name, "live": [pct(s.live, q) for q in (50, 95, 99)],
        "peer": [pct(s.peer, q) for q in (50, 95, 99)],
        "batch": [pct(s.batch, q) for q in (50, 95)],
        "statements": sorted(s.statements)[len(s.statements) // 2],
        "in_db": pct(s.in_db, 50),
        "children": sum(s.children) / max(1, len(s.children)),
        "load": (min(s.load), max(s.load)), "n": len(s.live), "peer_n": len(s.peer),
    }  # fmt: skip


def section(results: list[dict[str, Any]], counts: dict[str, dict[str, int]],
            args: argparse.Namespace) -> list[str]:  # fmt: skip
    stores = " ".join(f"--store {u}" for u in args.store)
    lines = [
        BEGIN, "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}).", "",
        f"Command: `.venv/bin/python bench/rules_live.py {stores} --records {args.records} "
        f"--peer-records {args.peer_records} --batch {args.batch} --recent-days "
        f"{args.recent_days}{' --keep-prepared' if args.keep_prepared else ''}`", "",
        "Milliseconds per record, p50 / p95 / p99 (batches: p50 / p95 of the batches' mean):", "",
        "| engine | store events | load (1 min) | live path | peer: whole chronologies | peer ÷ "
        "live (p50) | live, batches of "
        f"{args.batch} | statements a record (p50) | in statements a record (p50) | children "
        f"touched a record | p50 ≤ {TARGET_MS:g} ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]  # fmt: skip
    for r in results:
        live, peer, batch = r["live"], r["peer"], r["batch"]
        lines.append(
            f"| {r['engine']} | {counts[r['engine']]['events']:,} | {r['load'][0]:.1f}–"
            f"{r['load'][1]:.1f} | {' / '.join(f'{v:.2f}' for v in live)} | "
            f"{' / '.join(f'{v:.1f}' for v in peer)} | {peer[0] / live[0]:.1f}× | "
            f"{' / '.join(f'{v:.2f}' for v in batch)} | {r['statements']} | "
            f"{r['in_db']:.2f} | {r['children']:.1f} | "
            f"{'met' if live[0] <= TARGET_MS else 'NOT met'} |"
        )
    first = results[0]
    lines += [
        "",
        f"{first['n']} records drawn at random from those that happened in the store's last "
        f"{args.recent_days} days (seed {args.seed}), each evaluated "
        "as if it had just arrived, in its own transaction, rolled back (prompts written and "
        "flushed, then undone"
        + ("; on PostgreSQL the rollback sent so that the driver keeps its prepared "
           "statements, as a committing intake does" if args.keep_prepared else
           "; on PostgreSQL the driver forgets its prepared statements at each rollback, so "
           "every statement is planned afresh") + "). "
        "Live path: `rules.service.evaluate_records` (on PostgreSQL "
        "`SET LOCAL jit = off` first; the circles of the persons the record names, with its "
        "day, and of the children found in them who are not named, one statement; "
        "the audit entry; the facts the default rules reach: on PostgreSQL the linked "
        "mentions, their events and the dates of birth in one statement, on SQLite one each; "
        "the rules; when something is found, the children's prompts, one statement, and the "
        "kinds of the answered ones' evidence, one; the prompts opened or grown, flushed "
        "together, and their audit entry). In statements: from sending each statement to its "
        "result (a round trip and the server's work; on SQLite, to the first row). "
        "PostgreSQL's statistics are brought up to date first (`ANALYZE`), as autovacuum "
        "keeps a live store's. Peer: the children the record touches, then "
        "`rules.service.evaluate_children`, which reads each child's whole household "
        f"chronology (on the first {first['peer_n']} of the records). Batches: the same "
        f"records {args.batch} to a call, as `joinedup ingest` evaluates a batch.",
        "", END,
    ]  # fmt: skip
    return lines


def write_doc(lines: list[str], path: Path = DOC) -> None:
    doc = path.read_text(encoding="utf-8")
    if BEGIN not in doc:
        doc = doc.rstrip("\n") + f"\n\n{HEADING}\n\n{BEGIN}\n{END}\n"
    before, _, rest = doc.partition(BEGIN)
    _, _, after = rest.partition(END)
    path.write_text(before + "\n".join(lines) + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--store", action="append", required=True, help="a demo store's URL")
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--peer-records", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--recent-days", type=int, default=90)
    parser.add_argument("--keep-prepared", action="store_true", help=(
        "PostgreSQL: keep the driver's prepared statements across the rollbacks, as a "
        "committing intake keeps them"))  # fmt: skip
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    results, counts = [], {}
    for url in args.store:
        name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        samples, counts[name] = measure(url, args)
        results.append(summary(name, samples))
        print(results[-1])
    if not args.no_doc:
        write_doc(section(results, counts, args))


if __name__ == "__main__":
    main()
