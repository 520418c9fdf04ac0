"""Online identity resolution against a store of a million persons: the latency of each mention
through the path the API takes (intake, then resolution, one transaction), beside two floors
measured in the same run: one indexed look-up of a mention's keys, and the intake-only path.
Acceptance: p95 ≤ 20 ms per mention on SQLite and on PostgreSQL.

    .venv/bin/python bench/resolve.py [--persons 1000000] [--records 500]
        [--engines sqlite,postgresql] [--no-doc] [--keep] [--profile]

PostgreSQL's store is the database JOINEDUP_BENCH_PG_DB (joinedup_bench unless set), dropped
and created again when the store is built.

The store is written directly (not through intake, which would take hours): the persons of a
generated authority, each with its most frequent distinct identities, their features, blocking
keys and the sources' local ids, exactly the rows resolution reads. To reach a million persons
the authority's persons are copied with systematic variation: copy k suffixes family names with
a syllable of its own, moves the postcode's inward code, shifts a full date of birth by up to
half a year, and gives fresh valid NHS numbers, UPNs and local ids. The records submitted are
the authority's own, held out of the store: half about persons in the store (as the generator
varied them: typos, moves, missing fields), half about households left out of the store.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import os
import platform
import random
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import psycopg
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.orm import Session

import timing
from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.core.clock import SystemClock
from joinedup.core.identifiers import nhs_number_valid, upn_check_letter
from joinedup.db import migrate
from joinedup.db.bulk import bulk_insert, reserve_ids
from joinedup.db.models import Base
from joinedup.db.session import make_engine, unit_of_work
from joinedup.demo.generator import generate
from joinedup.demo.linkage_training import identity as identity_of
from joinedup.flows import intake as flow
from joinedup.intake.models import Organisation
from joinedup.intake.service import submit_records
from joinedup.intake.validation import parse_object
from joinedup.people import store
from joinedup.people.linkage.model import load_model
from joinedup.people.linkage.types import Identity
from joinedup.testing.database import fresh_database
from timing import SqlTimes, pct

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "performance.md"
VAR = ROOT / "var" / "bench" / "resolve"
BEGIN, END = "<!-- bench/resolve.py:begin -->", "<!-- bench/resolve.py:end -->"
HEADING = "## Online identity resolution"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# Its own database, dropped and rebuilt with the store; another one when others use that name.
PG_DB = os.environ.get("JOINEDUP_BENCH_PG_DB", "joinedup_bench")
PG_BENCH = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
TARGET_MS = 20.0
WARM_UP = 50
CHUNK = 25_000  # persons written per transaction while building
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "bi", "da",
             "fe", "go", "hu", "ji", "ko", "la", "mo", "ni", "po", "ri")  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])([A-Z]{2})$")
STORE_TABLES = ("persons", "person_identities", "person_keys")
# The audit chain refuses deletes (triggers; SQLite's cannot be switched off): earlier
# measurements' audit entries stay, which changes nothing a later measurement reads.
APPEND_ONLY = frozenset({"audit_entries", "audit_chain_head"})


# -- the authority and what is held out of the store -------------------------------------------


@dataclass(slots=True)
class BasePerson:
    kind: str
    # Most frequent first: (identity, its local ids as (organisation id, system, value), seen).
    identities: list[tuple[Identity, set[tuple[int, str, str]], datetime, datetime]]


@dataclass(slots=True)
class Plan:
    organisations: list[dict[str, Any]]
    persons: list[BasePerson]
    probes: list[tuple[str, dict[str, Any]]]  # ("known" | "new", exchange-format record)
    used_nhs: set[str] = field(default_factory=set)
    used_upn: set[str] = field(default_factory=set)


def authority(args: argparse.Namespace) -> Path:
    out = VAR / f"authority-{args.children}-y{args.years}-s{args.seed}"
    if not (out / "truth.json").exists():
        print(f"generating {args.children:,} children × {args.years} years (seed {args.seed})")
        generate(children=args.children, years=args.years, seed=args.seed, out_dir=out)
    return out


def plan(folder: Path, args: argparse.Namespace) -> Plan:
    truth = orjson.loads((folder / "truth.json").read_bytes())
    person_of = {(m["organisation"], m["record_id"], m["ref"]): m["person_id"]
                 for m in truth["mentions"]}  # fmt: skip
    kind_of = {p["person_id"]: p["kind"] for p in truth["people"]}
    rng = random.Random(args.seed)
    households = truth["households"]
    held_out = {m["person_id"] for h in rng.sample(households, len(households) // 30)
                for m in h["members"]}  # fmt: skip
    lines = (folder / "records.jsonl").read_bytes().splitlines()
    groups: dict[str, dict[tuple[str, ...], list[int]]] = {"known": {}, "new": {}}
    for index, line in enumerate(lines):
        record = orjson.loads(line)
        persons = _persons(record, person_of)
        if not persons:
            continue
        side = "new" if held_out.issuperset(persons) else "known" if held_out.isdisjoint(
            persons) else None  # fmt: skip
        if side:
            groups[side].setdefault(tuple(sorted(persons)), []).append(index)
    wanted = args.records + WARM_UP
    chosen: list[tuple[str, int]] = []
    for side, count in (("known", (wanted + 1) // 2), ("new", wanted // 2)):
        picks = rng.sample(sorted(groups[side]), count)
        chosen += [(side, rng.choice(groups[side][g])) for g in picks]
    rng.shuffle(chosen)
    probe_lines = {index for _, index in chosen}
    probes = [(side, orjson.loads(lines[index])) for side, index in chosen]
    orgs: dict[tuple[str, str], dict[str, Any]] = {}
    seen: dict[str, dict[Identity, list[Any]]] = {}
    used_nhs: set[str] = set()
    used_upn: set[str] = set()
    for index, line in enumerate(lines):
        record = orjson.loads(line)
        source = record["source"]
        org = orgs.setdefault(
            (source["agency"], source["organisation"]),
            {"id": len(orgs) + 1, "agency": source["agency"], "name": source["organisation"],
             "code": source.get("organisation_code"), "created_at": datetime.now(UTC)},
        )  # fmt: skip
        if index in probe_lines:
            continue
        at = datetime.fromisoformat(record["recorded_at"])
        adults = tuple(
            f"{s.get('given_names') or ''} {s.get('family_name') or ''}".strip()
            for s in record["subjects"] if s["role"] == "adult"
        )  # fmt: skip
        for subject in record["subjects"]:
            used_nhs.add(subject.get("nhs_number") or "")
            used_upn.add(subject.get("upn") or "")
            person = person_of.get((source["organisation"], record["record_id"], subject["ref"]))
            if subject["role"] == "unborn" or person is None or person in held_out:
                continue
            ident = identity_of(subject, None,  # type: ignore[arg-type]  # features ignore it
                                adults if subject["role"] == "child" else ())  # fmt: skip
            entry = seen.setdefault(person, {}).setdefault(ident, [0, set(), at, at])
            entry[0] += 1
            entry[1].update((org["id"], s, v) for s, v in (subject.get("local_ids") or {}).items()
                            if v)  # fmt: skip
            entry[2], entry[3] = min(entry[2], at), max(entry[3], at)
    bases = []
    for person, identities in seen.items():
        ranked = sorted(identities.items(), key=lambda item: -item[1][0])[: args.identities]
        bases.append(BasePerson(
            kind_of[person] if kind_of[person] in ("child", "adult") else "adult",
            [(ident, local, first, last) for ident, (_, local, first, last) in ranked],
        ))  # fmt: skip
    return Plan(list(orgs.values()), bases, probes, used_nhs, used_upn)


def _persons(record: dict[str, Any], person_of: dict[tuple[str, str, str], str]) -> set[str]:
    org = record["source"]["organisation"]
    return {
        person_of[key]
        for s in record["subjects"]
        if s["role"] != "unborn" and (key := (org, record["record_id"], s["ref"])) in person_of
    }


# -- systematic variation: copy k of a person -------------------------------------------------


def syllable(copy: int) -> str:
    high, low = divmod(copy - 1, len(SYLLABLES))
    return SYLLABLES[low] + (SYLLABLES[high - 1] if high else "")


def shifted_postcode(value: str | None, copy: int) -> str | None:
    found = _POSTCODE.match((value or "").upper().replace(" ", ""))
    if not found:
        return value
    outward, digit, letters = found.groups()
    n = len(_INWARD_LETTERS)
    place = int(digit) * n * n + _INWARD_LETTERS.find(letters[0]) * n
    place += _INWARD_LETTERS.find(letters[1])
    place = (place + copy * 1237) % (10 * n * n)
    digit_, rest = divmod(place, n * n)
    return f"{outward} {digit_}{_INWARD_LETTERS[rest // n]}{_INWARD_LETTERS[rest % n]}"


def shifted_birth(value: str | None, copy: int) -> str | None:
    if not value or len(value) != 10:
        return value
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return (day + timedelta(days=(copy * 97) % 365 - 182 or 1)).isoformat()


class Numbers:
    """Fresh valid NHS numbers and UPNs for copies, none the authority uses, one per original."""

    def __init__(self, used_nhs: set[str], used_upn: set[str]) -> None:
        self.used_nhs, self.used_upn = used_nhs, used_upn
        self.nhs: dict[tuple[str, int], str] = {}
        self.upn: dict[tuple[str, int], str] = {}
        self._nhs_next, self._upn_next = 999_000_000, 0

    def nhs_for(self, original: str | None, copy: int) -> str | None:
        if not original:
            return None
        if (original, copy) not in self.nhs:
            while True:
                self._nhs_next += 1
                body = f"{self._nhs_next:09d}"
                total = sum(int(c) * w for c, w in zip(body, range(10, 1, -1), strict=True))
                check = (11 - total % 11) % 11
                value = f"{body}{check}"
                if check != 10 and value not in self.used_nhs and nhs_number_valid(value):
                    break
            self.nhs[(original, copy)] = value
        return self.nhs[(original, copy)]

    def upn_for(self, original: str | None, copy: int) -> str | None:
        if not original:
            return None
        if (original, copy) not in self.upn:
            while True:
                self._upn_next += 1
                body = f"{800_000_000_000 + self._upn_next:012d}"
                value = upn_check_letter(body) + body
                if value not in self.used_upn:
                    break
            self.upn[(original, copy)] = value
        return self.upn[(original, copy)]


def variant(ident: Identity, copy: int, numbers: Numbers) -> Identity:
    if copy == 0:
        return ident
    syl = syllable(copy)
    return dataclasses.replace(
        ident,
        family_name=f"{ident.family_name}{syl}" if ident.family_name else None,
        date_of_birth=shifted_birth(ident.date_of_birth, copy),
        postcode=shifted_postcode(ident.postcode, copy),
        nhs_number=numbers.nhs_for(ident.nhs_number, copy),
        upn=numbers.upn_for(ident.upn, copy),
        adults=tuple(f"{a}{syl}" for a in ident.adults),
    )


@dataclass(slots=True)
class Chunk:
    """Persons to write: kinds, and per person its identities' (features, keys, first, last)."""

    kinds: list[str] = field(default_factory=list)
    identities: list[list[tuple[dict[str, Any], list[str], datetime, datetime]]] = field(
        default_factory=list
    )


def chunks(the_plan: Plan, persons: int) -> Iterator[Chunk]:
    """The store's persons, CHUNK at a time: copy 0 is the authority, then its variations."""
    model = load_model()
    numbers = Numbers(the_plan.used_nhs, the_plan.used_upn)
    chunk, made, copy = Chunk(), 0, 0
    while made < persons:
        for base in the_plan.persons:
            if made == persons:
                break
            held, sigs = [], set()
            for ident, local, first, last in base.identities:
                feats = model.features(variant(ident, copy, numbers))
                if feats["sig"] in sigs:  # identities that differ only in what is not compared
                    continue
                sigs.add(feats["sig"])
                tag = f"-{copy}" if copy else ""
                keys = [*model.blocking_keys(feats),
                        *sorted(f"l:{o}:{s}:{v}{tag}"[:160] for o, s, v in local)]  # fmt: skip
                held.append((feats, keys, first, last))
            chunk.kinds.append(base.kind)
            chunk.identities.append(held)
            made += 1
            if len(chunk.kinds) == CHUNK:
                yield chunk
                chunk = Chunk()
        copy += 1
    if chunk.kinds:
        yield chunk


# -- building the store -------------------------------------------------------------------------


def pg_engine(recreate: bool) -> Engine | None:
    admin = create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            if recreate:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipping it", file=sys.stderr)
        return None
    finally:
        admin.dispose()
    return fresh_database(PG_BENCH) if recreate else make_engine(PG_BENCH)


def _marker(name: str) -> Path:
    return VAR / f"store-{name.lower()}.json"


def _url(name: str) -> str:
    return f"sqlite:///{VAR / 'store.sqlite3'}" if name == "SQLite" else PG_BENCH


def _drop_pg_indexes(engine: Engine) -> list[str]:
    """Drop the store tables' unique constraints, foreign keys and indexes; their DDL back."""
    with engine.begin() as c:
        constraints = c.execute(text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text IN ('persons', 'person_identities', 'person_keys')"
            " AND contype IN ('u', 'f')"
        )).all()  # fmt: skip
        for table, name, _ in constraints:
            c.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
        indexes = c.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('persons', 'person_identities', 'person_keys') AND indexname NOT LIKE 'pk_%'"
        )).all()  # fmt: skip
        for name, _ in indexes:
            c.execute(text(f'DROP INDEX "{name}"'))
    ddl = [d for _, d in indexes]
    unique = [(t, n, d) for t, n, d in constraints if d.startswith("UNIQUE")]
    foreign = [(t, n, d) for t, n, d in constraints if not d.startswith("UNIQUE")]
    return ddl + [f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, d in unique + foreign]


def build(name: str, engine: Engine, the_plan: Plan, persons: int) -> dict[str, Any]:
    started = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
    restore = _drop_pg_indexes(engine) if postgres else []
    if not postgres:  # a bench store's load: no fsync, a large page cache

        @event.listens_for(engine, "checkout")
        def _loading(dbapi_connection: Any, *_: Any) -> None:
            dbapi_connection.execute("PRAGMA synchronous=OFF")
            dbapi_connection.execute("PRAGMA cache_size=-1000000")

    with Session(engine) as session, session.begin():
        bulk_insert(session, Organisation.__table__, the_plan.organisations)  # type: ignore[arg-type]
    counts = Counter[str]()
    now = datetime.now(UTC)
    features_s = 0.0
    source = chunks(the_plan, persons)
    while True:
        t = time.perf_counter()
        chunk = next(source, None)
        features_s += time.perf_counter() - t
        if chunk is None:
            break
        with Session(engine) as session, session.begin():
            _write(session, chunk, now, counts)
        print(f"  {name}: {counts['persons']:,} persons", end="\r", flush=True)
    print()
    loaded = time.perf_counter()
    with engine.begin() as c:
        if postgres:
            c.execute(text("SET maintenance_work_mem = '1GB'"))
            for statement in restore:
                c.execute(text(statement))
            for table in STORE_TABLES:
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our own table names
                               f"(SELECT max(id) FROM {table}))"))  # fmt: skip
    if postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("ANALYZE"))
    built = time.perf_counter()
    result = {
        "persons": counts["persons"], "identities": counts["identities"], "keys": counts["keys"],
        "build_s": built - started, "features_s": features_s, "indexes_s": built - loaded,
        "max_ids": _max_ids(engine),
    }  # fmt: skip
    print(f"  {name}: built in {result['build_s']:.0f} s (features and keys "
          f"{features_s:.0f} s, indexes {result['indexes_s']:.0f} s)")  # fmt: skip
    return result


def _write(session: Session, chunk: Chunk, now: datetime, counts: Counter[str]) -> None:
    """The rows resolution writes for a person (see resolve.Batch._attach and _add_keys)."""
    n_identities = sum(len(held) for held in chunk.identities)
    person_ids = iter(reserve_ids(session, store.T_PERSON, len(chunk.kinds)))
    identity_ids = iter(reserve_ids(session, store.T_IDENTITY, n_identities))
    persons, identities, keys = [], [], []
    for kind, held in zip(chunk.kinds, chunk.identities, strict=True):
        person = next(person_ids)
        persons.append({"id": person, "kind": kind, "created_at": now})
        indexed: set[str] = set()
        for feats, person_keys, first, last in held:
            identity = next(identity_ids)
            identities.append({
                "id": identity, "person_id": person, "sig": feats["sig"], "features": feats,
                "first_seen": first, "last_seen": last, "mention_count": 1,
            })  # fmt: skip
            for key in person_keys:  # once a person, as resolution indexes them
                if key not in indexed:
                    indexed.add(key)
                    keys.append({"key": key, "person_id": person, "identity_id": identity})
    key_ids = reserve_ids(session, store.T_KEY, len(keys))
    for row, key_id in zip(keys, key_ids, strict=True):
        row["id"] = key_id
    bulk_insert(session, store.T_PERSON, persons)
    bulk_insert(session, store.T_IDENTITY, identities)
    bulk_insert(session, store.T_KEY, keys)
    counts.update(persons=len(persons), identities=len(identities), keys=len(keys))


def _max_ids(engine: Engine) -> dict[str, int]:
    tables = (store.T_PERSON, store.T_IDENTITY, store.T_KEY, Base.metadata.tables["organisations"])
    with engine.connect() as c:
        return {
            t.name: int(c.scalar(select(func.coalesce(func.max(t.c.id), 0))) or 0) for t in tables
        }


def reset(engine: Engine, max_ids: dict[str, int]) -> None:
    """Take the store back to what was built: delete what earlier measurements added.

    Foreign keys are not checked while deleting: persons has no index on every column that
    refers to it (person_keys.person_id), so each deleted person would scan millions of keys.
    The append-only audit tables are left as they are.
    """
    postgres = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if postgres:
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("BEGIN IMMEDIATE")
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in APPEND_ONLY:
                continue
            where = f" WHERE id > {max_ids[table.name]:d}" if table.name in max_ids else ""
            cursor.execute(f'DELETE FROM "{table.name}"{where}')  # noqa: S608 - our own tables
        cursor.execute("COMMIT")
        cursor.execute("RESET session_replication_role" if postgres else "PRAGMA foreign_keys=ON")
        raw.commit()
    finally:
        raw.close()


def store_for(
    name: str, the_plan: Plan, args: argparse.Namespace
) -> tuple[Engine | None, dict[str, Any]]:
    marker = _marker(name)
    wanted = {"persons": args.persons, "children": args.children, "years": args.years,
              "seed": args.seed, "identities_per_person": args.identities}  # fmt: skip
    if args.keep and marker.exists():
        info = json.loads(marker.read_text())
        if info["wanted"] == wanted:
            engine = pg_engine(False) if name == "PostgreSQL" else make_engine(_url(name))
            if engine is not None:
                print(f"{name}: reusing the store built {info['built_at']}")
                migrate.upgrade(engine)  # tables added since (empty) are there to reset
                return engine, info
    marker.unlink(missing_ok=True)
    if name == "PostgreSQL":
        engine = pg_engine(True)
    else:
        (VAR / "store.sqlite3").unlink(missing_ok=True)
        engine = fresh_database(_url(name))
    if engine is None:
        return None, {}
    print(f"{name}: building a store of {args.persons:,} persons")
    info = build(name, engine, the_plan, args.persons)
    info.update(wanted=wanted, built_at=f"{datetime.now(UTC):%Y-%m-%d %H:%M}")
    marker.write_text(json.dumps(info, indent=1))
    engine.dispose()  # measure on a fresh engine, with the application's own settings
    return (pg_engine(False) if name == "PostgreSQL" else make_engine(_url(name))), info


# -- measuring ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Samples:
    """Per-mention latencies in seconds, by what was timed, and how mentions were resolved."""

    whole: dict[str, list[float]] = field(default_factory=lambda: {"known": [], "new": []})
    resolution: list[float] = field(default_factory=list)
    # This process's CPU time (SQLite's work included, PostgreSQL's server not): what waiting
    # for a core on a loaded machine does not inflate.
    whole_cpu: list[float] = field(default_factory=list)
    resolution_cpu: list[float] = field(default_factory=list)
    intake_only: list[float] = field(default_factory=list)
    lookup: list[float] = field(default_factory=list)
    lookup_keys: list[int] = field(default_factory=list)  # rows the keys found, per mention
    methods: Counter[str] = field(default_factory=Counter)
    mentions: int = 0
    statements: int = 0  # sent on the whole path, counted records only
    resolution_statements: int = 0


def mention_keys(record: dict[str, Any], orgs: dict[tuple[str, str], int]) -> list[list[str]]:
    """Each subject's look-up keys, as resolution computes them (blocking, identifiers, local)."""
    model = load_model()
    source = record["source"]
    org = orgs.get((source["agency"], source["organisation"]), 0)
    adults = tuple(
        f"{s.get('given_names') or ''} {s.get('family_name') or ''}".strip()
        for s in record["subjects"] if s["role"] == "adult"
    )  # fmt: skip
    found = []
    for s in record["subjects"]:
        if s["role"] == "unborn":
            continue
        feats = model.features(identity_of(s, source["agency"],
                                           adults if s["role"] == "child" else ()))  # fmt: skip
        local = [f"l:{org}:{k}:{v}" for k, v in sorted((s.get("local_ids") or {}).items()) if v]
        found.append([*model.blocking_keys(feats), *local])
    return found


def lookup(raw: Any, postgres: bool, keys: list[str]) -> tuple[float, int]:
    """One indexed round trip for a mention's keys: the physical floor of a look-up."""
    cursor = raw.cursor()
    try:
        if postgres:
            query = "SELECT key, person_id, identity_id FROM person_keys WHERE key = ANY(%s)"
            started = time.perf_counter()
            cursor.execute(query, (keys,))
        else:
            marks = ", ".join("?" for _ in keys)
            query = f"SELECT key, person_id, identity_id FROM person_keys WHERE key IN ({marks})"  # noqa: S608 - placeholders only
            started = time.perf_counter()
            cursor.execute(query, keys)
        rows = len(cursor.fetchall())
        elapsed = time.perf_counter() - started
    finally:
        cursor.close()
    raw.commit()
    return elapsed, rows


def measure(
    name: str, engine: Engine, info: dict[str, Any], the_plan: Plan, profile: bool
) -> dict[str, Any]:
    reset(engine, info["max_ids"])
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure
    sent = Statements(engine)
    settings = Settings(database_url=_url(name))
    actor, clock = Actor.system("bench"), SystemClock()
    orgs = {(o["agency"], o["name"]): o["id"] for o in the_plan.organisations}
    postgres = engine.dialect.name == "postgresql"
    samples = Samples()
    spans: list[float] = []
    spans_cpu: list[float] = []
    resolution_sent: list[int] = []
    real = getattr(flow, "resolve_mentions")  # noqa: B009 - wrapped, to time the step alone

    def timed(**kwargs: Any) -> Any:
        started, before, cpu = time.perf_counter(), sent.count, time.process_time()
        result = real(**kwargs)
        spans.append(time.perf_counter() - started)
        spans_cpu.append(time.process_time() - cpu)
        resolution_sent.append(sent.count - before)
        samples.methods.update(result.methods.values())
        return result

    profiler, statements = cProfile.Profile(), SqlTimes(engine) if profile else None
    setattr(flow, "resolve_mentions", timed)  # noqa: B010
    raw = engine.raw_connection()
    try:
        for index, (side, record) in enumerate(the_plan.probes):
            counted = index >= WARM_UP
            subjects = len(record["subjects"])
            floors = [lookup(raw, postgres, keys) for keys in mention_keys(record, orgs)]
            solo = {**record, "record_id": f"{record['record_id']}~intake-only"}
            parsed_solo = parse_object(solo, payload=orjson.dumps(solo).decode())
            parsed = parse_object(record, payload=orjson.dumps(record).decode())
            started = time.perf_counter()
            with unit_of_work(engine) as session:
                submit_records(session=session, actor=actor, records=[parsed_solo],
                               now=clock.now())  # fmt: skip
            intake_s = time.perf_counter() - started
            spans.clear()
            spans_cpu.clear()
            resolution_sent.clear()
            if not counted:
                samples.methods.clear()
            if profile and counted:
                profiler.enable()
                statements.on = True  # type: ignore[union-attr]
            started, before, cpu = time.perf_counter(), sent.count, time.process_time()
            with unit_of_work(engine) as session:
                flow.submit_and_resolve(session=session, actor=actor, parsed_records=[parsed],
                                        now=clock.now(), settings=settings)  # fmt: skip
            whole_s = time.perf_counter() - started
            whole_cpu = time.process_time() - cpu
            if profile:
                profiler.disable()
                statements.on = False  # type: ignore[union-attr]
            if counted:
                samples.whole[side].append(whole_s / subjects)
                samples.resolution.append(sum(spans) / subjects)
                samples.whole_cpu.append(whole_cpu / subjects)
                samples.resolution_cpu.append(sum(spans_cpu) / subjects)
                samples.intake_only.append(intake_s / subjects)
                samples.lookup.extend(f for f, _ in floors)
                samples.lookup_keys.extend(rows for _, rows in floors)
                samples.mentions += subjects
                samples.statements += sent.count - before
                samples.resolution_statements += sum(resolution_sent)
    finally:
        setattr(flow, "resolve_mentions", real)  # noqa: B010
        raw.close()
    if profile:
        report_profile(name, profiler, statements)
    return summarise(name, info, samples) | {"load": (load_before, os.getloadavg()[0])}


class Statements:
    """Statements sent to the database (each execute, executemany or COPY), counted at the
    driver's cursor, so that the bulk paths that bypass SQLAlchemy are counted too."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        counting = self

        class PgCursor(psycopg.Cursor):
            def execute(self, *args: Any, **kwargs: Any) -> Any:
                counting.count += 1
                return super().execute(*args, **kwargs)

            def executemany(self, *args: Any, **kwargs: Any) -> Any:
                counting.count += 1
                return super().executemany(*args, **kwargs)

            def copy(self, *args: Any, **kwargs: Any) -> Any:
                counting.count += 1
                return super().copy(*args, **kwargs)

        class LiteCursor(sqlite3.Cursor):
            def execute(self, *args: Any) -> Any:
                counting.count += 1
                return super().execute(*args)

            def executemany(self, *args: Any) -> Any:
                counting.count += 1
                return super().executemany(*args)

        class LiteConnection(sqlite3.Connection):
            def cursor(self, factory: Any = LiteCursor) -> Any:
                return super().cursor(factory)

        @event.listens_for(engine, "do_connect")
        def _connect(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
            if dialect.name == "postgresql":
                cparams["cursor_factory"] = PgCursor
            else:
                cparams["factory"] = LiteConnection

        engine.dispose()  # connections from now on count


def report_profile(name: str, profiler: cProfile.Profile, sql: SqlTimes | None) -> None:
    timing.report_profile(profiler, sql, out=VAR / f"profile-{name.lower()}.pstats",
                          title=f"{name}: profile of the whole path (counted records)",
                          rows=(45, 30, 25))  # fmt: skip


def summarise(name: str, info: dict[str, Any], s: Samples) -> dict[str, Any]:
    whole = s.whole["known"] + s.whole["new"]
    result = {
        "engine": name, "persons": info["persons"], "identities": info["identities"],
        "keys": info["keys"], "build_s": info["build_s"], "mentions": s.mentions,
        "records": len(whole), "methods": dict(s.methods.most_common()),
        **{f"whole_p{q}": pct(whole, q) for q in (50, 95, 99)},
        **{f"resolution_p{q}": pct(s.resolution, q) for q in (50, 95, 99)},
        **{f"whole_cpu_p{q}": pct(s.whole_cpu, q) for q in (50, 95)},
        **{f"resolution_cpu_p{q}": pct(s.resolution_cpu, q) for q in (50, 95)},
        **{f"intake_p{q}": pct(s.intake_only, q) for q in (50, 95, 99)},
        **{f"lookup_p{q}": pct(s.lookup, q) for q in (50, 95, 99)},
        "known_p95": pct(s.whole["known"], 95), "new_p95": pct(s.whole["new"], 95),
        "rows_p50": pct([float(r) for r in s.lookup_keys], 50) / 1000,
        "rows_p95": pct([float(r) for r in s.lookup_keys], 95) / 1000,
        "statements_per_record": s.statements / max(len(whole), 1),
        "statements_per_mention": s.statements / max(s.mentions, 1),
        "resolution_statements_per_mention": s.resolution_statements / max(s.mentions, 1),
    }  # fmt: skip
    print(
        f"{name:11} per mention p50/p95/p99: whole {result['whole_p50']:.1f}/"
        f"{result['whole_p95']:.1f}/{result['whole_p99']:.1f} ms, resolution "
        f"{result['resolution_p50']:.1f}/{result['resolution_p95']:.1f}/"
        f"{result['resolution_p99']:.1f} ms, CPU of this process p50/p95: whole "
        f"{result['whole_cpu_p50']:.1f}/{result['whole_cpu_p95']:.1f} ms, resolution "
        f"{result['resolution_cpu_p50']:.1f}/{result['resolution_cpu_p95']:.1f} ms, "
        f"intake only {result['intake_p50']:.1f}/"
        f"{result['intake_p95']:.1f} ms, key look-up {result['lookup_p50']:.2f}/"
        f"{result['lookup_p95']:.2f} ms; known p95 {result['known_p95']:.1f}, new p95 "
        f"{result['new_p95']:.1f}; key rows per mention p50 {result['rows_p50']:.0f}, p95 "
        f"{result['rows_p95']:.0f}; statements per mention {result['statements_per_mention']:.1f}"
        f" (resolution {result['resolution_statements_per_mention']:.1f}), per record "
        f"{result['statements_per_record']:.1f}; {result['methods']}"
    )
    return result


# -- the document -------------------------------------------------------------------------------


def write_doc(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    first = results[0]
    lines = [
        BEGIN,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.node()} ({platform.machine()}, "
        f"Python {platform.python_version()}): {args.records} records submitted one at a time "
        f"({first['mentions']:,} mentions; {WARM_UP} more before them as warm-up), half about "
        f"persons in the store, half about households held out of it. The store: "
        f"{first['persons']:,} persons with {first['identities']:,} identities and "
        f"{first['keys']:,} keys, from a generated authority of {args.children:,} children × "
        f"{args.years} years (seed {args.seed}), copied with systematic variation.",
        "",
        "Command: `.venv/bin/python bench/resolve.py "
        f"--persons {args.persons} --records {args.records} --engines {args.engines}`",
        "",
        "Milliseconds per mention (a record's time divided by its subjects):",
        "",
        "| engine | whole transaction p50 / p95 / p99 | resolution step p50 / p95 / p99 "
        "| intake only p50 / p95 | key look-up p50 / p95 | p95 ÷ intake only "
        "| p95 ÷ key look-up | p95 ≤ 20 ms | load (1 min, start → end) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        verdict = "met" if r["whole_p95"] <= TARGET_MS else "NOT met"
        lines.append(
            f"| {r['engine']} | {r['whole_p50']:.1f} / {r['whole_p95']:.1f} / "
            f"{r['whole_p99']:.1f} | {r['resolution_p50']:.1f} / {r['resolution_p95']:.1f} / "
            f"{r['resolution_p99']:.1f} | {r['intake_p50']:.1f} / {r['intake_p95']:.1f} | "
            f"{r['lookup_p50']:.2f} / {r['lookup_p95']:.2f} | "
            f"{r['whole_p95'] / r['intake_p95']:.1f}× | {r['whole_p95'] / r['lookup_p95']:.0f}× | "
            f"{verdict} | {r['load'][0]:.1f} → {r['load'][1]:.1f} |"
        )
    lines += ["", "How the measured mentions were resolved, and the store's build time:", ""]
    for r in results:
        methods = ", ".join(f"{k} {v}" for k, v in r["methods"].items())
        lines.append(
            f"- {r['engine']}: {methods}. p95 about persons in the store {r['known_p95']:.1f} "
            f"ms, about new persons {r['new_p95']:.1f} ms. CPU of the bench's own process per "
            f"mention (SQLite's work in it, PostgreSQL's server not), p50 / p95: whole "
            f"{r['whole_cpu_p50']:.1f} / {r['whole_cpu_p95']:.1f} ms, resolution "
            f"{r['resolution_cpu_p50']:.1f} / {r['resolution_cpu_p95']:.1f} ms. A mention's keys "
            f"found {r['rows_p50']:.0f} (p50) and {r['rows_p95']:.0f} (p95) key rows. Statements "
            f"sent (each execute, executemany or COPY, counted at the driver) per mention: "
            f"{r['statements_per_mention']:.1f} on the whole path, "
            f"{r['resolution_statements_per_mention']:.1f} of them in resolution "
            f"({r['statements_per_record']:.1f} a record). Store built in "
            f"{r['build_s'] / 60:.1f} min."
        )
    lines += ["", END]
    doc = DOC.read_text(encoding="utf-8")
    if BEGIN not in doc:
        section = f"{HEADING}\n\n{BEGIN}\n{END}\n\n"
        doc = doc.replace("## Growth", section + "## Growth", 1) if "## Growth" in doc else (
            doc.rstrip("\n") + "\n\n" + section)  # fmt: skip
    before, _, rest = doc.partition(BEGIN)
    _, _, after = rest.partition(END)
    DOC.write_text(before + "\n".join(lines) + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--identities", type=int, default=3, help="identities kept per person")
    parser.add_argument("--no-doc", action="store_true", help="do not write performance.md")
    parser.add_argument("--keep", action="store_true", help="reuse a store already built")
    parser.add_argument("--profile", action="store_true",
                        help="profile the whole path (timings inflated; no doc)")  # fmt: skip
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    the_plan = plan(authority(args), args)
    base_ids = sum(len(p.identities) for p in the_plan.persons)
    print(f"planned in {time.perf_counter() - started:.0f} s: {len(the_plan.persons):,} persons "
          f"({base_ids:,} identities) in the authority's store, "
          f"{len(the_plan.probes)} records to submit")  # fmt: skip
    results = []
    for name in ("SQLite", "PostgreSQL"):
        if name.lower() not in args.engines.lower():
            continue
        engine, info = store_for(name, the_plan, args)
        if engine is None:
            continue
        results.append(measure(name, engine, info, the_plan, args.profile))
        engine.dispose()
    if results and not (args.no_doc or args.profile):
        write_doc(results, args)


if __name__ == "__main__":
    main()
