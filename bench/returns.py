"""The statutory returns for a 60,000-child authority: time to export against time to read.

The store is a built demo authority (`joinedup demo build`, whose casework went through the
casework services and whose records went through intake and identity resolution), copied
`--copies` times into one SQLite file with every id moved on (persons, events, mentions,
their links, contacts, cases and case steps), so that 6 copies of the 10,000-child demo are
60,000 children and about a million records. The copies repeat one authority: its figures
per child are the demo's; only the size grows.

For each return (CIN census, SSDA903, Annex A) the bench times the export as the command runs
it (policy, audit entry, every read, building the document; the CIN census checked against our
schema) and, as the peer in the same run, a plain read of every row the returns read (the cases,
their steps and contacts, and every current record of every child with a case). Results go
into docs/performance.md between markers.

    .venv/bin/python bench/returns.py --source /work/stores/demo10k.db --copies 6 --year 2026
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.reports.annex_a import export_annex_a
from joinedup.reports.cin import export_cin
from joinedup.reports.ssda903 import export_ssda903

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
MARK = "<!-- bench/returns.py -->"
# The columns of each copied table that hold an id of a copied row (moved on by the offset).
MOVED = {
    "persons": ("id", "merged_into_id"),
    "events": ("id",),
    "mentions": ("id", "event_id"),
    "mention_links": ("mention_id", "person_id"),
    "contacts": ("id", "person_id", "case_id"),
    "cases": ("id", "person_id", "contact_id"),
    "case_steps": ("id", "case_id", "event_id"),
}
# Columns that point at rows not copied: cleared in the copies.
CLEARED = {"mention_links": ("identity_id",), "contacts": ("prompt_id",)}


def build(source: Path, target: Path, copies: int) -> dict[str, int]:
    """`copies` copies of the source store's people and casework in one file."""
    shutil.copyfile(source, target)
    db = sqlite3.connect(target)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA journal_mode = WAL")
    # Every name put into SQL here is one of this file's constants (MOVED, CLEARED, PRAGMA).
    top = max(db.execute(f"SELECT coalesce(max({cols[0]}), 0) FROM {table}")  # noqa: S608
              .fetchone()[0] for table, cols in MOVED.items())  # fmt: skip
    offset = 10 ** len(str(top))
    for k in range(1, copies):
        for table, moved in MOVED.items():
            columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            select = []
            for c in columns:
                if c in moved:
                    select.append(f"{c} + {k * offset}")
                elif c in CLEARED.get(table, ()):
                    select.append("NULL")
                else:
                    select.append(c)
            db.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(select)} FROM {table} WHERE {moved[0]} < {offset}"
            )
        db.commit()
    db.execute("ANALYZE")
    db.commit()
    sizes = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
             for t in MOVED}  # fmt: skip
    sizes["children"] = db.execute(
        "SELECT count(DISTINCT l.person_id) FROM mention_links l JOIN mentions m ON m.id = "
        "l.mention_id WHERE m.role = 'child'"
    ).fetchone()[0]
    db.close()
    return sizes


def plain_read(session: Session) -> int:
    """Every row the returns read, read once with no work done on it."""
    rows = 0
    for statement in (
        "SELECT * FROM cases",
        "SELECT * FROM case_steps",
        "SELECT * FROM contacts",
        "SELECT l.person_id, e.occurred_at, m.upn, m.upn_valid, m.birth_date, "
        "m.birth_date_precision, m.expected_date_of_delivery, m.sex, m.ethnicity, m.postcode "
        "FROM mention_links l JOIN mentions m ON m.id = l.mention_id "
        "JOIN events e ON e.id = m.event_id "
        "WHERE l.person_id IN (SELECT person_id FROM cases) AND NOT e.superseded",
    ):
        rows += len(session.execute(text(statement)).all())
    return rows


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="a built demo store (SQLite)")
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench-returns")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    store = args.work / "returns.sqlite3"
    built, sizes = timed(lambda: build(args.source, store, args.copies))
    print(f"store built in {built:.0f} s: {sizes}", flush=True)
    engine = create_engine(f"sqlite:///{store}")
    actor = Actor.system("bench")
    now = datetime.now(UTC)
    as_of = date(args.year, 3, 31)

    def cin() -> Any:
        with Session(engine) as session:
            found = export_cin(session=session, actor=actor, year=args.year, now=now,
                               authority_code="990")  # fmt: skip
            session.rollback()
            return f"{found.children:,} children, {found.episodes:,} episodes"

    def ssda903() -> Any:
        with Session(engine) as session:
            found = export_ssda903(session=session, actor=actor, year=args.year, now=now)
            for table in found.tables:
                found.csv(table)
            session.rollback()
            return f"{len(found.tables.get('Header', [])):,} children, " \
                   f"{len(found.tables.get('Episodes', [])):,} episodes"  # fmt: skip

    def annex() -> Any:
        with Session(engine) as session:
            book = export_annex_a(session=session, actor=actor, as_of=as_of, now=now)
            session.rollback()
            return f"{len(book):,} bytes"

    def peer() -> Any:
        with Session(engine) as session:
            return f"{plain_read(session):,} rows"

    results: dict[str, tuple[float, str]] = {}
    for name, fn in (("plain read (peer)", peer), ("CIN census", cin), ("SSDA903", ssda903),
                     ("Annex A", annex)):  # fmt: skip
        best, what = min(timed(fn) for _ in range(args.reps))
        results[name] = (best, str(what))
        print(f"{name}: {best:.1f} s ({what})", flush=True)
    total = sum(t for n, (t, _) in results.items() if n != "plain read (peer)")
    print(f"all three returns: {total:.1f} s", flush=True)
    if not args.no_doc:
        write_doc(args, sizes, built, results, total)


def write_doc(args: argparse.Namespace, sizes: dict[str, int], built: float,
              results: dict[str, tuple[float, str]], total: float) -> None:  # fmt: skip
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    peer = results["plain read (peer)"][0]
    rows = "\n".join(
        f"| {name} | {t:.1f} | {t / peer:.1f}× | {what} |" for name, (t, what) in results.items()
    )
    section = f"""{MARK}

## Statutory returns for a 60,000-child authority

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} (2 cores shared with other
sessions, load {load} at the end, Python {platform.python_version()}), SQLite.

Command: `.venv/bin/python bench/returns.py {" ".join(sys.argv[1:])}`

The store: `{args.source.name}` (a built demo authority) copied {args.copies} times with every id
moved on ({built:.0f} s): {sizes["children"]:,} children with records, {sizes["events"]:,}
records, {sizes["mentions"]:,} mentions, {sizes["cases"]:,} cases, {sizes["case_steps"]:,} case
steps, {sizes["contacts"]:,} contacts. Collection year {args.year - 1}-{str(args.year)[2:]}
(Annex A as of 31 March {args.year}). Best of {args.reps} runs, seconds; the peer, in the same
run, reads every row the returns read and does nothing with it.

| export | seconds | ÷ plain read | what |
|---|---:|---:|---|
{rows}

All three returns: **{total:.1f} s** (target ≤ 60 s for a 60,000-child authority).

{MARK}"""
    doc = DOC.read_text(encoding="utf-8")
    if MARK in doc:
        start = doc.index(MARK)
        end = doc.index(MARK, start + len(MARK)) + len(MARK)
        doc = doc[:start] + section + doc[end:]
    else:
        doc = doc.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    main()
