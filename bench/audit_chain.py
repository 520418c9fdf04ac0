"""What the audit hash chain costs: concurrent writers appending audit entries through the real
path (inserted in the transaction, sealed onto the chain at commit under the head's row lock)
beside the same inserts without the chain, on the same engine, in the same run.

    .venv/bin/python bench/audit_chain.py [--writers 1,4] [--transactions 250] [--work-ms 0,5]
                                          [--engines postgresql,sqlite] [--rounds 3]

Each writer process runs its transactions one after another: open a unit of work, append one
entry, optionally sleep `work-ms` (the rest of a request's work, during which no chain lock is
held), commit. Entries per second are the median of the rounds. Results are printed and written
into docs/performance.md between the audit-chain markers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session

from joinedup.access import audit, chain
from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.db.session import make_engine, unit_of_work
from joinedup.testing.database import empty_tables, fresh_database

DOC = Path(__file__).parents[1] / "docs" / "performance.md"
BEGIN, END = "<!-- bench/audit_chain.py:begin -->", "<!-- bench/audit_chain.py:end -->"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql://postgres@127.0.0.1:5432/jh_audit_bench"
ACTOR = Actor.system("bench")


def row(n: int) -> dict[str, Any]:
    return audit.entry_row(
        actor=ACTOR,
        action="records:read",
        outcome="permitted",
        resource_type="record_version",
        resource_ids=[n, n + 1, n + 2],
        reason=None,
        detail={"accepted": 3, "unchanged": 0, "new_version": 0},
        now=datetime.now(UTC),
    )


def chained(session: Session, n: int) -> None:
    audit.append(session, row(n))


def plain(session: Session, n: int) -> None:
    session.execute(insert(AuditEntry), [row(n)])


def writer(url: str, mode: str, transactions: int, work: float, go: Any, out: Any) -> None:
    """One writer process: its own engine, its transactions back to back once `go` is set."""
    engine = make_engine(url)
    append = chained if mode == "chained" else plain
    go.wait()
    started = time.time()
    for i in range(transactions):
        with unit_of_work(engine) as session:
            append(session, i)
            if work:
                time.sleep(work)
    out.put((started, time.time()))
    engine.dispose()


def run(engine: Engine, mode: str, args: Any, writers: int, work: float) -> float:
    """Entries per second with `writers` processes appending at once (each its own GIL, as
    `joinedup serve` workers are)."""
    context = multiprocessing.get_context("spawn")
    go, out = context.Event(), context.Queue()
    url = engine.url.render_as_string(hide_password=False)
    processes = [
        context.Process(target=writer, args=(url, mode, args.transactions, work, go, out))
        for _ in range(writers)
    ]
    for process in processes:
        process.start()
    time.sleep(0.5)
    go.set()
    spans = [out.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode:
            sys.exit(f"a writer failed ({mode}, exit {process.exitcode})")
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return writers * args.transactions / elapsed


def measure(name: str, engine: Engine, args: Any, writers: int, work_ms: float) -> dict[str, Any]:
    work = work_ms / 1000
    with_chain, without = [], []
    for _ in range(args.rounds):
        empty_tables(engine)
        without.append(run(engine, "plain", args, writers, work))
        empty_tables(engine)
        with_chain.append(run(engine, "chained", args, writers, work))
        with unit_of_work(engine, write=False) as session:
            verdict = chain.verify(session=session)
        if verdict.broken or verdict.checked != writers * args.transactions:
            sys.exit(f"{name}: the chain is not whole after the run: {verdict}")
    ours, ceiling = statistics.median(with_chain), statistics.median(without)
    print(
        f"{name:11} {writers} writers, work {work_ms:4.1f} ms  "
        f"chained {ours:7,.0f}/s  plain {ceiling:7,.0f}/s  "
        f"ratio {ours / ceiling:5.1%}  (rounds: {', '.join(f'{r:,.0f}' for r in with_chain)} "
        f"vs {', '.join(f'{r:,.0f}' for r in without)})"
    )
    return {
        "engine": name,
        "writers": writers,
        "work_ms": work_ms,
        "chained": ours,
        "plain": ceiling,
    }


def pg_engine() -> Engine | None:
    admin = create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = 'jh_audit_bench'")
            )
            if not exists:
                connection.execute(text("CREATE DATABASE jh_audit_bench"))
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipping it", file=sys.stderr)
        return None
    finally:
        admin.dispose()
    return fresh_database(PG_BENCH)


def write_doc(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    lines = [
        BEGIN,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.node()} ({platform.machine()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores at the end), writer processes × {args.transactions} transactions "
        f"of one entry each, median of {args.rounds} rounds.",
        "",
        "Command: `.venv/bin/python bench/audit_chain.py "
        f"--writers {args.writers} --transactions {args.transactions} "
        f"--work-ms {args.work_ms} --engines {args.engines} --rounds {args.rounds}`",
        "",
        "| engine | writers | other work in each transaction | chained entries/s "
        "| unchained entries/s | chained ÷ unchained |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | {r['writers']} | {r['work_ms']:g} ms | {r['chained']:,.0f} "
            f"| {r['plain']:,.0f} | "
            f"{r['chained'] / r['plain']:.0%} |"
        )
    lines += ["", END]
    now = DOC.read_text(encoding="utf-8")
    if BEGIN not in now:
        now += f"\n{BEGIN}\n{END}\n"
    before, _, rest = now.partition(BEGIN)
    _, _, after = rest.partition(END)
    DOC.write_text(before + "\n".join(lines) + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", default="1,4")
    parser.add_argument("--transactions", type=int, default=250)
    parser.add_argument("--work-ms", default="0,5")
    parser.add_argument("--engines", default="postgresql,sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    works = [float(w) for w in args.work_ms.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="joinedup-bench-") as tmp:
        engines: list[tuple[str, Callable[[], Engine | None]]] = []
        if "postgresql" in args.engines:
            engines.append(("PostgreSQL", pg_engine))
        if "sqlite" in args.engines:
            engines.append(("SQLite", lambda: fresh_database(f"sqlite:///{tmp}/bench.sqlite3")))
        for name, make in engines:
            engine = make()
            if engine is None:
                continue
            results += [
                measure(name, engine, args, int(writers), work)
                for writers in args.writers.split(",")
                for work in works
            ]
            engine.dispose()
    if not args.no_doc:
        write_doc(results, args)


if __name__ == "__main__":
    main()
