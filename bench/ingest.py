"""Intake throughput against its ceiling: records per second through `joinedup ingest`'s whole
pipeline (read, validate, hash, look up, store, audit) beside the raw bulk-insert rate of the very
same rows into the same engine, in the same run. Target: at least 25 % of the raw rate.

    .venv/bin/python bench/ingest.py [--children 3000] [--years 5] [--engines sqlite,postgresql]

The rows for the raw run are read back from the database the pipeline filled, so both runs write
exactly the same rows, committed in the same bundles (one transaction per batch of records).
Results are printed and written into docs/performance.md between the intake markers.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, select, text
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.core.clock import SystemClock
from joinedup.db.bulk import bulk_insert
from joinedup.demo.generator import generate
from joinedup.intake.bulk import BulkIngest
from joinedup.intake.models import (
    Event,
    Mention,
    Organisation,
    Practitioner,
    RecordVersion,
    SourceRecord,
)
from joinedup.testing.database import fresh_database

DOC = Path(__file__).parents[1] / "docs" / "performance.md"
BEGIN, END = "<!-- bench/ingest.py:begin -->", "<!-- bench/ingest.py:end -->"
BATCH = 1000
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql://postgres@127.0.0.1:5432/joinedup_bench"


def table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def pipeline(engine: Engine, file: Path) -> tuple[float, int]:
    job = BulkIngest(
        engine=engine,
        actor=Actor.system("bench"),
        clock=SystemClock(),
        batch_size=BATCH,
        max_line_bytes=1 << 20,
        report=lambda _: None,
    )
    started = time.perf_counter()
    summary = job.run(file, file.with_suffix(".rejects"))
    elapsed = time.perf_counter() - started
    if summary.rejected:
        sys.exit(f"the benchmark data had {summary.rejected} rejected lines")
    return elapsed, summary.accepted


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row the pipeline wrote, keyed by table, as plain dictionaries."""
    rows: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for model in (
            Organisation,
            Practitioner,
            AuditEntry,
            SourceRecord,
            RecordVersion,
            Event,
            Mention,
        ):
            t = table(model)
            rows[t.name] = [
                dict(r._mapping) for r in connection.execute(select(t).order_by(t.c.id))
            ]
    return rows


def bundles(
    rows: dict[str, list[dict[str, Any]]],
) -> list[list[tuple[Table, list[dict[str, Any]]]]]:
    """The rows grouped as the pipeline commits them: one bundle per batch of source records."""
    version_of = {v["id"]: v["source_record_id"] for v in rows["record_versions"]}
    by_source: dict[str, dict[int, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for v in rows["record_versions"]:
        by_source["record_versions"][v["source_record_id"]].append(v)
    for e in rows["events"]:
        by_source["events"][e["source_record_id"]].append(e)
    for m in rows["mentions"]:
        by_source["mentions"][version_of[m["event_id"]]].append(m)
    sources = rows["source_records"]
    result = []
    for start in range(0, len(sources), BATCH):
        chunk = sources[start : start + BATCH]
        ids = [s["id"] for s in chunk]
        result.append(
            [(table(SourceRecord), chunk)]
            + [
                (table(model), [r for i in ids for r in by_source[table(model).name][i]])
                for model in (RecordVersion, Event, Mention)
            ]
        )
    return result


def raw(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> float:
    """The ceiling: the same rows through the engine's fastest bulk path (COPY on PostgreSQL,
    a prepared executemany on SQLite), with nothing to parse, check or look up."""
    with Session(engine) as session, session.begin():  # reference rows first, untimed
        for model in (Organisation, Practitioner, AuditEntry):
            bulk_insert(session, table(model), rows[table(model).name])
    work = bundles(rows)
    started = time.perf_counter()
    for bundle in work:
        with Session(engine) as session, session.begin():
            for t, batch in bundle:
                bulk_insert(session, t, batch)
    return time.perf_counter() - started


def pg_engine() -> Engine | None:
    admin = create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname='joinedup_bench'")
            )
            if not exists:
                connection.execute(text("CREATE DATABASE joinedup_bench"))
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipping it", file=sys.stderr)
        return None
    finally:
        admin.dispose()
    return fresh_database(PG_BENCH)


def measure(name: str, make: Any, file: Path, records: int) -> dict[str, Any]:
    first = make("a")
    if first is None:
        return {}
    seconds, accepted = pipeline(first, file)
    rows = dump(first)
    first.dispose()
    second = make("b")
    raw_seconds = raw(second, rows)
    second.dispose()
    ours, ceiling = accepted / seconds, accepted / raw_seconds
    result = {
        "engine": name,
        "records": accepted,
        "pipeline_s": seconds,
        "pipeline_rps": ours,
        "raw_s": raw_seconds,
        "raw_rps": ceiling,
        "ratio": ours / ceiling,
    }
    print(
        f"{name:11} pipeline {ours:9,.0f} rec/s ({seconds:6.1f} s)  raw {ceiling:9,.0f} rec/s "
        f"({raw_seconds:6.1f} s)  ratio {ours / ceiling:5.1%}"
    )
    return result


def write_doc(results: list[dict[str, Any]], args: argparse.Namespace, rows: int) -> None:
    lines = [
        BEGIN,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.node()} ({platform.machine()}, "
        f"Python {platform.python_version()}), {args.children:,} children × {args.years} years "
        f"of demo data: {rows:,} records, batches of {BATCH}.",
        "",
        "Command: `.venv/bin/python bench/ingest.py "
        f"--children {args.children} --years {args.years} --engines {args.engines}`",
        "",
        "| engine | pipeline records/s | raw insert records/s (ceiling) "
        "| pipeline ÷ raw | target |",
        "|---|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "met" if r["ratio"] >= 0.25 else "NOT met"
        lines.append(
            f"| {r['engine']} | {r['pipeline_rps']:,.0f} | {r['raw_rps']:,.0f} | "
            f"{r['ratio']:.0%} | ≥ 25 %: {verdict} |"
        )
    lines += ["", END]
    text_now = (
        DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    )
    before, _, rest = text_now.partition(BEGIN)
    _, _, after = rest.partition(END)
    DOC.write_text(before + "\n".join(lines) + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="joinedup-bench-") as tmp:
        work = Path(tmp)
        summary = generate(children=args.children, years=args.years, seed=7, out_dir=work / "demo")
        file = work / "demo" / "records.jsonl"
        results = []
        if "sqlite" in args.engines:
            results.append(
                measure(
                    "SQLite",
                    lambda tag: fresh_database(f"sqlite:///{work}/{tag}.sqlite3"),
                    file,
                    summary.records,
                )
            )
        if "postgresql" in args.engines:
            results.append(measure("PostgreSQL", lambda _tag: pg_engine(), file, summary.records))
        write_doc([r for r in results if r], args, summary.records)


if __name__ == "__main__":
    main()
