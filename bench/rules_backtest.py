"""`joinedup rules backtest` over a store of at least a million records, beside its floor.

The store: copies of a demo authority (`joinedup demo build`, SQLite), each with its persons,
households, relationships, records and links renumbered, written by `INSERT ... SELECT` from the
attached demo store, until it holds at least `--records` current records (the copies are
independent authorities of the same shape: as many children again each time). Measured in the
same run: the backtest (`rules.backtest.run`: the circles, the facts, the rules day by day,
the dry run's prompts), wall time and this process's CPU; its floor, the same reads without
the rules (circles and facts of every child); and its peer, the chronology path (each child's
whole household chronology through `get_timelines` and `from_chronology`, then the same dry
run) on a sample of children, extrapolated. Acceptance (issue 5): ≤ 60 s for ≥ 1 M records.

    .venv/bin/python bench/rules_backtest.py --demo var/helper-small.sqlite3
"""

# ruff: noqa: S608 - the copy statements are built from this module's constants and table names
from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.chronology import service as chronology
from joinedup.db import migrate
from joinedup.db.session import make_engine, unit_of_work
from joinedup.intake.models import Event
from joinedup.people.models import Person
from joinedup.rules import backtest, facts_sql
from joinedup.rules import engine as rules_engine
from joinedup.rules.circles import CHILD_KINDS, read_scopes
from joinedup.rules.config import default_rules
from joinedup.rules.timeline import from_chronology

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench" / "rules"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench/rules_backtest.py -->", "<!-- /bench/rules_backtest.py -->"
HEADING = "## The rules' backtest over a million records"
TARGET_S = 60.0
ACTOR = Actor.system("bench")

# Per table: the columns renumbered (by that table's offset, `{t}` the copy's number), the rest
# copied as they are. Organisations and practitioners are shared by every copy.
COPY: dict[str, dict[str, str]] = {
    "persons": {"id": "id + {persons}", "merged_into_id": "merged_into_id + {persons}"},
    "households": {"id": "id + {households}", "address_key": "address_key || '#{t}'"},
    "household_members": {"id": "id + {household_members}",
                          "household_id": "household_id + {households}",
                          "person_id": "person_id + {persons}"},
    "source_records": {"id": "id + {source_records}", "record_id": "record_id || '#{t}'"},
    "record_versions": {"id": "id + {record_versions}",
                        "source_record_id": "source_record_id + {source_records}",
                        "payload": "''"},
    "events": {"id": "id + {record_versions}",
               "source_record_id": "source_record_id + {source_records}"},
    "relationships": {"id": "id + {relationships}", "person_id": "person_id + {persons}",
                      "related_person_id": "related_person_id + {persons}",
                      "source_event_id": "source_event_id + {record_versions}"},
    "mentions": {"id": "id + {mentions}", "event_id": "event_id + {record_versions}"},
    "mention_links": {"mention_id": "mention_id + {mentions}",
                      "person_id": "person_id + {persons}", "identity_id": "NULL"},
}  # fmt: skip
SHARED = ("organisations", "practitioners")


def build(demo: Path, target: Path, records: int) -> dict[str, Any]:
    """Copies of the demo store until the target holds at least `records` current records."""
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("ATTACH DATABASE ? AS demo", (str(demo),))
    per_copy = db.execute("SELECT count(*) FROM demo.events WHERE NOT superseded").fetchone()[0]
    copies = -(-records // per_copy)
    offsets = {t: (db.execute(f"SELECT max(id) FROM demo.{t}").fetchone()[0] or 0) + 1
               for t in ("persons", "households", "household_members", "source_records",
                         "record_versions", "relationships", "mentions")}  # fmt: skip
    db.execute("BEGIN")
    for table in SHARED:
        db.execute(f"INSERT INTO main.{table} SELECT * FROM demo.{table}")
    for t in range(copies):
        values = {k: v * t for k, v in offsets.items()} | {"t": t}
        for table, changed in COPY.items():
            columns = [r[1] for r in db.execute(f"PRAGMA main.table_info({table})")]
            exprs = [changed.get(c, c).format(**values) for c in columns]
            db.execute(f"INSERT INTO main.{table} ({', '.join(columns)}) "
                       f"SELECT {', '.join(exprs)} FROM demo.{table}")  # fmt: skip
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return {"copies": copies, "per_copy": per_copy, "build_s": time.perf_counter() - started}


def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine = make_engine(url)
    rules = default_rules().rules
    found: dict[str, Any] = {"load": [os.getloadavg()[0]]}
    with unit_of_work(engine) as session:  # warm the page cache and the statements
        _floor(session, rules, limit=2000)
    for round_ in range(args.rounds):
        with unit_of_work(engine) as session:
            wall, cpu = time.perf_counter(), time.process_time()
            result = backtest.run(session=session, actor=ACTOR, rules=rules)
            found.setdefault("backtest", []).append(
                (time.perf_counter() - wall, time.process_time() - cpu)
            )
        with unit_of_work(engine, write=False) as session:
            wall, cpu = time.perf_counter(), time.process_time()
            facts = _floor(session, rules)
            found.setdefault("floor", []).append(
                (time.perf_counter() - wall, time.process_time() - cpu)
            )
        found["load"].append(os.getloadavg()[0])
        print(f"round {round_ + 1}: backtest {found['backtest'][-1][0]:.1f} s, "
              f"floor {found['floor'][-1][0]:.1f} s, load {found['load'][-1]:.1f}")  # fmt: skip
    with unit_of_work(engine) as session:
        found["peer_per_child"], found["peer_children"] = _peer(session, rules, args.peer)
    found["load"].append(os.getloadavg()[0])
    found.update(children=result.children, records=result.records, years=result.years,
                 prompts=len(result.opened), facts=facts,
                 per_1000=result.per_1000_per_year())  # fmt: skip
    engine.dispose()
    return found


def _floor(session: Session, rules: Any, limit: int | None = None) -> int:
    """The backtest's reads alone: every child's circle and facts, no rule evaluated."""
    survivors = Person.merged_into_id.is_(None)
    wanted = select(Person.id).where(Person.kind.in_(sorted(CHILD_KINDS)), survivors)
    children = list(session.scalars(wanted.order_by(Person.id)))[:limit]
    reach, facts = rules_engine.reach_of(rules), 0
    first = session.scalar(select(func.min(Event.occurred_at)).where(~Event.superseded))
    since = None if first is None else first.date()  # as the backtest reads
    for start in range(0, len(children), backtest.CHUNK):
        scopes = read_scopes(session, children[start : start + backtest.CHUNK])
        unique = list({s.child: s for s in scopes.values()}.values())
        lines = facts_sql.read_timelines(session, unique, reach, since=since)
        facts += sum(len(t.facts) for t in lines.values())
    return facts


def _peer(session: Session, rules: Any, n: int) -> tuple[float, int]:
    """Seconds per child through the chronology path (a sample), the same dry run after it."""
    survivors = Person.merged_into_id.is_(None)
    children = list(session.scalars(select(Person.id).where(Person.kind == "child", survivors)))
    chosen = random.Random(7).sample(children, min(n, len(children)))
    reads = [(rule, rule.reach()) for rule in rules]
    started = time.perf_counter()
    for child in chosen:
        for found in chronology.get_timelines(session=session, actor=ACTOR, person_ids=[child],
                                              now=datetime.now(UTC)):  # fmt: skip
            list(backtest.dry_run(reads, from_chronology(found)))
    return (time.perf_counter() - started) / max(1, len(chosen)), len(chosen)


def section(found: dict[str, Any], built: dict[str, Any], args: argparse.Namespace) -> list[str]:
    best = min(found["backtest"])
    floor = min(found["floor"])
    peer_total = found["peer_per_child"] * found["children"]
    pairs = enumerate(zip(found["backtest"], found["floor"], strict=True))
    rows = [f"| {i + 1} | {b[0]:.1f} | {b[1]:.1f} | {f[0]:.1f} | {b[0] / f[0]:.2f}× |"
            for i, (b, f) in pairs]  # fmt: skip
    return [
        BEGIN, "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}); 1-minute load "
        f"{min(found['load']):.1f}–{max(found['load']):.1f} during the run.", "",
        f"Command: `.venv/bin/python bench/rules_backtest.py --demo {args.demo} --records "
        f"{args.records} --rounds {args.rounds} --peer {args.peer}`", "",
        f"Store (SQLite): {built['copies']} copies of the 2,000-child demo authority "
        f"({built['per_copy']:,} current records each), {found['records']:,} current records, "
        f"{found['children']:,} children (and unborn), {found['years']:.1f} years; "
        f"{found['facts']:,} facts on the children's time lines (a household's record is on "
        f"each of its children's); built in {built['build_s']:.0f} s.", "",
        "| round | backtest, wall s | backtest, CPU s of this process | floor: the reads "
        "alone, wall s | backtest ÷ floor |",
        "|---:|---:|---:|---:|---:|",
        *rows, "",
        f"Best backtest {best[0]:.1f} s wall ({best[1]:.1f} s CPU) for {found['records']:,} "
        f"records: {'met' if best[0] <= TARGET_S else 'NOT met'} (≤ {TARGET_S:g} s). The "
        f"reads alone (circles and facts, no rule) take {floor[0]:.1f} s. Peer: the chronology "
        f"path (`get_timelines`, `from_chronology`, the same dry run) measured "
        f"{found['peer_per_child'] * 1000:.1f} ms a child on {found['peer_children']} children "
        f"drawn at random, {peer_total / 60:.0f} min for the store "
        f"({peer_total / best[0]:.0f}× the backtest). The dry run opened {found['prompts']:,} "
        f"prompts ({found['per_1000']:.1f} per 1,000 children a year; the copies repeat one "
        "authority, so this is its rate).",
        "", END,
    ]  # fmt: skip


def write_doc(lines: list[str], path: Path = DOC) -> None:
    doc = path.read_text(encoding="utf-8")
    if BEGIN not in doc:
        doc = doc.rstrip("\n") + f"\n\n{HEADING}\n\n{BEGIN}\n{END}\n"
    before, _, rest = doc.partition(BEGIN)
    _, _, after = rest.partition(END)
    path.write_text(before + "\n".join(lines) + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--demo", type=Path, required=True, help="a demo authority's SQLite")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--peer", type=int, default=200, help="children timed on the peer path")
    parser.add_argument("--keep", action="store_true", help="reuse a store already built")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    target = VAR / "backtest.sqlite3"
    stamp = target.with_suffix(".json")
    if args.keep and target.exists() and stamp.exists():
        built = orjson.loads(stamp.read_bytes())
    else:
        built = build(args.demo, target, args.records)
        stamp.write_bytes(orjson.dumps(built))
    print(f"store: {built}")
    found = measure(f"sqlite:///{target}", args)
    if not args.no_doc:
        write_doc(section(found, built, args))


if __name__ == "__main__":
    main()
