"""The chronology bench's store: millions of records through the real schema, built fast.

The background (most of the store) is generated inside the database by one `INSERT ... SELECT`
per table over a series of numbers (`generate_series` on PostgreSQL, a recursive CTE on SQLite):
every column is a function of the record's number, mixed by seeded multipliers modulo a prime,
so both engines hold exactly the same rows and no row crosses from Python. The kinds of record
come from a small temporary table, the catalogue of `chronology_kinds.slots`. One record in 50 has
a second version (an amendment), whose own event and mentions are the current ones; the
first version's event is marked superseded, as intake marks it.

The measured families are written from Python through the application's bulk path
(`joinedup.db.bulk`: COPY on PostgreSQL, a prepared executemany on SQLite): each a child with
~2,000 records, a duplicate person merged into the child, a sibling, a mother and her partner,
their own records, households over time, relationships and a few significant-event marks.
"""

# ruff: noqa: S608 - every statement is built from this module's own constants and numbers
from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from rich.progress import Progress
from sqlalchemy import Engine, Table, text
from sqlalchemy.orm import Session

from chronology_kinds import (
    AGENCIES,
    AUTHORS_PER_ORG,
    ORGS_PER_AGENCY,
    PRECISION,
    SPAN_S,
    START,
    Planned,
    Slot,
    family_records,
    slots,
)
from joinedup.chronology.models import ChronologyMark
from joinedup.config import sqlite_path
from joinedup.db.bulk import bulk_insert, reserve_ids
from joinedup.intake.models import (
    Event,
    Mention,
    Organisation,
    Practitioner,
    RecordVersion,
    SourceRecord,
)
from joinedup.people.models import Household, HouseholdMember, MentionLink, Person, Relationship

BULK_TABLES = ("persons", "source_records", "record_versions", "events", "mentions",
               "mention_links")  # fmt: skip
PRIME = 2_147_483_647
AMENDED_EVERY = 50  # one record in this many has a second version
SUMMARY = (
    " Practitioner recorded the circumstances, who was present, what was said and what was "
    "seen, the actions taken and the agencies informed; follow-up agreed with the family."
)


@dataclass(frozen=True, slots=True)
class Size:
    events: int  # at least this many events in all (versions included)
    persons: int  # background persons, three in five of them children
    families: int  # measured families
    child_events: int  # records about each measured child
    seed: int

    @property
    def children(self) -> int:
        return self.persons * 3 // 5

    def family_events(self) -> int:
        """Events the families add (an estimate: amendments are drawn at random)."""
        per = self.child_events + self.child_events // 7 + self.child_events // 8
        return int(self.families * (per + self.child_events // 13) * 1.02)

    def records(self) -> int:
        """Background records, so that with their amendments and the families' the store holds
        at least `events` events."""
        wanted = max(0, self.events - self.family_events())
        return -(-wanted * AMENDED_EVERY // (AMENDED_EVERY + 1))


@dataclass(slots=True)
class Family:
    child: int
    duplicate: int
    sibling: int
    mother: int
    partner: int
    child_events: int = 0  # events (current versions) on which the child or duplicate is named


@dataclass(slots=True)
class Built:
    counts: dict[str, int]
    families: list[Family]
    build_s: float
    steps: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"counts": self.counts, "families": [asdict(f) for f in self.families],
                "build_s": self.build_s, "steps": self.steps}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Built:
        return cls(data["counts"], [Family(**f) for f in data["families"]], data["build_s"],
                   data.get("steps", {}))  # fmt: skip


# -- SQL for the background, in either dialect --------------------------------------------------


class Sql:
    """The background's statements for one engine; identical rows on both."""

    def __init__(self, postgres: bool, size: Size) -> None:
        rng = random.Random(size.seed)
        self.postgres, self.size = postgres, size
        self.mults = [rng.randrange(10**8, 2 * 10**9) * 2 + 1 for _ in range(12)]
        self.salts = [rng.randrange(PRIME) for _ in range(12)]

    def mix(self, i: int) -> str:
        """A number in 0..PRIME-1, a fixed function of the record's number `s.n`."""
        return f"((s.n * {self.mults[i]} + {self.salts[i]}) % {PRIME})"

    def series(self, count: int) -> str:
        if self.postgres:
            return f"generate_series(1::bigint, {count:d}) AS s(n)"
        return (f"(WITH RECURSIVE q(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q "
                f"WHERE n < {count:d}) SELECT n FROM q) AS s")  # fmt: skip

    def instant(self, seconds: str, unit: str = "second") -> str:
        """The instant `seconds` after the epoch, truncated to `unit`, as the column stores it."""
        if self.postgres:
            return f"date_trunc('{unit}', to_timestamp({seconds}))"
        fmt = {"second": "%Y-%m-%d %H:%M:%S", "minute": "%Y-%m-%d %H:%M:00",
               "day": "%Y-%m-%d 00:00:00", "month": "%Y-%m-01 00:00:00",
               "year": "%Y-01-01 00:00:00"}[unit]  # fmt: skip
        return f"strftime('{fmt}.000000', {seconds}, 'unixepoch')"

    def json(self, value: str) -> str:
        return f"CAST({value} AS jsonb)" if self.postgres else value

    # Per-record values (`k` is the record's slot in the catalogue).
    def occurred_s(self) -> str:
        return f"({int(START.timestamp())} + {self.mix(3)} % {SPAN_S})"

    def recorded_s(self) -> str:
        return f"({self.occurred_s()} + {self.mix(5)} % {14 * 86_400})"

    def received_s(self, version: int) -> str:
        later = f" + {30 * 86_400}" if version == 2 else ""
        return f"({self.recorded_s()} + 3600 + {self.mix(6)} % 86400{later})"

    def organisation(self) -> str:
        return f"(k.agency_index * {ORGS_PER_AGENCY} + {self.mix(1)} % {ORGS_PER_AGENCY} + 1)"

    def precision(self) -> tuple[str, str]:
        """date_precision and occurred_at, by the shares of PRECISION."""
        share, bound = f"({self.mix(4)} % 100)", 0
        names, instants = [], []
        for name, percent in PRECISION:
            bound += percent
            names.append(f"WHEN {share} < {bound} THEN '{name}'")
            instants.append(f"WHEN {share} < {bound} THEN {self.instant(self.occurred_s(), name)}")
        return f"CASE {' '.join(names)} END", f"CASE {' '.join(instants)} END"

    def version(self, v: int) -> tuple[str, str]:
        """A record's version id (the event's id too), and the condition for version `v`."""
        if v == 1:
            return "s.n", ""
        return f"({self.size.records()} + s.n / {AMENDED_EVERY})", f"s.n % {AMENDED_EVERY} = 0"

    def statements(self) -> list[tuple[str, str]]:
        """(label, statement) in order: persons, records, versions, events, mentions, links."""
        size, records = self.size, self.size.records()
        kinds = f"{self.series(records)} JOIN bench_kinds k ON k.slot = {self.mix(0)} % 1000"
        start = str(int(START.timestamp()))
        found = [(f"{size.persons:,} persons", (
            f"INSERT INTO persons (id, kind, created_at) SELECT s.n, CASE WHEN s.n <= "
            f"{size.children} THEN 'child' ELSE 'adult' END, {self.instant(start)} "
            f"FROM {self.series(size.persons)}"))]  # fmt: skip
        found.append((f"{records:,} source records", (
            f"INSERT INTO source_records (id, organisation_id, record_id, latest_version, "
            f"first_received_at) SELECT s.n, {self.organisation()}, 'R' || s.n, CASE WHEN s.n % "
            f"{AMENDED_EVERY} = 0 THEN 2 ELSE 1 END, {self.instant(self.received_s(1))} "
            f"FROM {kinds}")))  # fmt: skip
        precision, occurred = self.precision()
        sensitivity = (
            f"CASE WHEN {self.mix(7)} % 1000 = 0 THEN 'restricted' WHEN k.agency = "
            f"'health' AND {self.mix(7)} % 10 = 0 THEN 'sensitive' ELSE 'normal' END"
        )
        author = (f"CASE WHEN {self.mix(2)} % 10 = 0 THEN NULL ELSE ({self.organisation()} - 1) "
                  f"* {AUTHORS_PER_ORG} + {self.mix(2)} % {AUTHORS_PER_ORG} + 1 END")  # fmt: skip
        for v in (1, 2):
            vid, cond = self.version(v)
            where = f" WHERE {cond}" if cond else ""
            label = "versions" if v == 1 else "amendments"
            amended = " || ' (amended)'" if v == 2 else ""
            found.append((f"record {label}", (
                f"INSERT INTO record_versions (id, source_record_id, version, content_hash, "
                f"payload, warnings, received_at) SELECT {vid}, s.n, {v}, 'h' || s.n || '.{v}', "
                f"'{{\"format\": \"joinedup/1\", \"record_id\": \"R' || s.n || '\"}}', "
                f"{self.json(repr('[]'))}, {self.instant(self.received_s(v))} "
                f"FROM {self.series(records)}{where}")))  # fmt: skip
            superseded = f"s.n % {AMENDED_EVERY} = 0" if v == 1 else "1 = 0"  # amended
            found.append((f"events ({label})", (
                f"INSERT INTO events (id, source_record_id, organisation_id, agency, type, "
                f"occurred_at, date_precision, recorded_at, author_id, summary, attributes, "
                f"sensitivity, superseded) SELECT {vid}, s.n, {self.organisation()}, k.agency, "
                f"k.type, {occurred}, {precision}, {self.instant(self.recorded_s())}, {author}, "
                f"k.summary{amended}, {self.json('k.attributes')}, {sensitivity}, {superseded} "
                f"FROM {kinds}{where}")))  # fmt: skip
            found += self._subjects(v, kinds, where, vid)
        return found

    def _subjects(self, v: int, kinds: str, where: str, vid: str) -> list[tuple[str, str]]:
        refs = "(SELECT 1 AS r UNION ALL SELECT 2 UNION ALL SELECT 3) AS r"
        source = f"{kinds} JOIN {refs} ON r.r <= length(k.subjects){where}"
        letter = "substr(k.subjects, r.r, 1)"
        size = self.size
        person = (f"CASE {letter} WHEN 'c' THEN 1 + ({self.mix(8)} + r.r * 7919) % "
                  f"{size.children} ELSE {size.children} + 1 + ({self.mix(9)} + r.r * 104729) "
                  f"% {size.persons - size.children} END")  # fmt: skip
        relationship = (f"CASE WHEN {letter} = 'a' THEN CASE {self.mix(10)} % 3 WHEN 0 THEN "
                        f"'mother' WHEN 1 THEN 'father' ELSE 'parents_partner' END "
                        f"WHEN r.r > 1 THEN 'sibling' END")  # fmt: skip
        abuse = "k.type = 'domestic_abuse_incident'"
        label = "" if v == 1 else " (amendments)"
        return [(f"mentions{label}", (
            f"INSERT INTO mentions (id, event_id, ref, role, relationship, given_names, "
            f"family_name, other_names, local_ids, address_lines, victim, perpetrator) "
            f"SELECT {vid} * 4 + r.r, {vid}, 's' || r.r, CASE {letter} WHEN 'c' THEN 'child' "
            f"ELSE 'adult' END, {relationship}, 'Given' || (({person}) % 613), 'Family' || "
            f"(({person}) % 997), {self.json(repr('[]'))}, {self.json(repr('{}'))}, "
            f"{self.json(repr('[]'))}, CASE WHEN {abuse} AND r.r = 2 AND {self.mix(10)} % 2 = 0 "
            f"THEN TRUE END, CASE WHEN {abuse} AND r.r = 2 THEN TRUE END FROM {source}")),
            (f"mention links{label}", (
            f"INSERT INTO mention_links (mention_id, person_id, method, decided_at) "
            f"SELECT {vid} * 4 + r.r, {person}, 'model', {self.instant(self.received_s(v))} "
            f"FROM {source}"))]  # fmt: skip


def kinds_rows(catalogue: list[Slot]) -> list[tuple[Any, ...]]:
    return [(s.slot, s.agency_index, s.agency, s.type, s.attributes, s.subjects,
             f"{s.type.replace('_', ' ').capitalize()} ({s.agency.replace('_', ' ')}).{SUMMARY}")
            for s in catalogue]  # fmt: skip


# -- building -----------------------------------------------------------------------------------


def organisations() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    orgs, authors = [], []
    for a, agency in enumerate(AGENCIES):
        for i in range(ORGS_PER_AGENCY):
            org = a * ORGS_PER_AGENCY + i + 1
            orgs.append({"id": org, "agency": agency, "name": f"Benchshire {agency} {i + 1}",
                         "code": None, "created_at": START})  # fmt: skip
            authors += [{"id": (org - 1) * AUTHORS_PER_ORG + j + 1, "organisation_id": org,
                         "name": f"Practitioner {org}-{j + 1}", "role": "Officer",
                         "contact": f"p{org}.{j + 1}@benchshire.example"}
                        for j in range(AUTHORS_PER_ORG)]  # fmt: skip
    return orgs, authors


def build(engine: Engine, size: Size, progress: Progress) -> Built:
    started = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
    sql = Sql(postgres, size)
    statements = sql.statements()
    steps: dict[str, float] = {}
    task = progress.add_task("building", total=len(statements) + 4)

    def step(label: str, work: Callable[[], None]) -> None:
        progress.update(task, description=label)
        t = time.perf_counter()
        work()
        steps[label] = round(time.perf_counter() - t, 1)
        progress.console.print(f"  {label}: {steps[label]:.0f} s")
        progress.advance(task)

    orgs, authors = organisations()
    with Session(engine) as session, session.begin():
        bulk_insert(session, _t(Organisation), orgs)
        bulk_insert(session, _t(Practitioner), authors)
    catalogue = slots(size.seed)
    if postgres:
        _background_pg(engine, statements, kinds_rows(catalogue), step)
    else:
        _background_sqlite(engine, statements, kinds_rows(catalogue), step)
    families: list[Family] = []
    step("measured families", lambda: families.extend(_families(engine, size, catalogue)))
    step("ANALYZE", lambda: _analyse(engine))
    counts = _counts(engine)
    return Built(counts, families, time.perf_counter() - started, steps)


def _t(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


KINDS_DDL = ("CREATE TEMPORARY TABLE bench_kinds (slot INTEGER PRIMARY KEY, agency_index INTEGER, "
             "agency TEXT, type TEXT, attributes TEXT, subjects TEXT, summary TEXT)")  # fmt: skip


def _background_pg(
    engine: Engine, statements: list[tuple[str, str]], kinds: list[tuple[Any, ...]], step: Any
) -> None:
    raw = engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        driver.autocommit = True
        for setting in ("TimeZone = 'UTC'", "synchronous_commit = off",
                        "maintenance_work_mem = '1GB'", "work_mem = '256MB'"):  # fmt: skip
            driver.execute(f"SET {setting}")
        driver.execute(KINDS_DDL)
        with driver.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_kinds VALUES (%s, %s, %s, %s, %s, %s, %s)",
                               kinds)  # fmt: skip
        restore: list[str] = []
        step("dropping indexes and keys", lambda: restore.extend(_drop_pg(driver)))
        for label, statement in statements:
            step(label, lambda s=statement: driver.execute(s))
        step("indexes and keys", lambda: _restore_pg(driver, restore))
    finally:
        raw.close()


def _drop_pg(driver: Any) -> list[str]:
    """Drop the bulk tables' unique constraints, foreign keys and indexes; their DDL back."""
    tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
    constraints = driver.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE conrelid::regclass::text IN ({tables}) AND contype IN ('u', 'f')"
    ).fetchall()
    for table, name, _ in constraints:
        driver.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    indexes = driver.execute(
        f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ({tables}) "
        "AND indexname NOT LIKE 'pk_%'"
    ).fetchall()
    for name, _ in indexes:
        driver.execute(f'DROP INDEX "{name}"')
    unique = [(t, n, d) for t, n, d in constraints if d.startswith("UNIQUE")]
    foreign = [(t, n, d) for t, n, d in constraints if not d.startswith("UNIQUE")]
    return [d for _, d in indexes] + [
        f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, d in unique + foreign
    ]


def _restore_pg(driver: Any, restore: list[str]) -> None:
    for statement in restore:
        driver.execute(statement)
    for table in (t for t in BULK_TABLES if t != "mention_links"):  # keyed by its mention
        sequence = driver.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')").fetchone()
        if sequence and sequence[0]:
            driver.execute(f"SELECT setval('{sequence[0]}', (SELECT max(id) FROM {table}))")


def _background_sqlite(
    engine: Engine, statements: list[tuple[str, str]], kinds: list[tuple[Any, ...]], step: Any
) -> None:
    path = sqlite_path(str(engine.url))
    engine.dispose()
    connection = sqlite3.connect(str(path), isolation_level=None)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF",
                       "cache_size = -2000000", "temp_store = MEMORY"):  # fmt: skip
            connection.execute(f"PRAGMA {pragma}")
        connection.execute(KINDS_DDL)
        connection.executemany("INSERT INTO bench_kinds VALUES (?, ?, ?, ?, ?, ?, ?)", kinds)
        tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
        indexes = connection.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({tables})"
        ).fetchall()
        step("dropping indexes", lambda: [connection.execute(f'DROP INDEX "{n}"')
                                          for n, _ in indexes])  # fmt: skip
        for label, statement in statements:
            step(label, lambda s=statement: connection.executescript(f"BEGIN; {s}; COMMIT;"))
        step("indexes", lambda: [connection.execute(ddl) for _, ddl in indexes])
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def _analyse(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))


def _counts(engine: Engine) -> dict[str, int]:
    tables = ("events", "mentions", "mention_links", "persons", "source_records",
              "record_versions", "households", "relationships")  # fmt: skip
    with engine.connect() as c:
        return {t: int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in tables}  # fmt: skip


# -- the measured families ----------------------------------------------------------------------

NAMES = {"child": ("Alfie", "child"), "duplicate": ("Alfy", "child"),
         "sibling": ("Bella", "child"), "mother": ("Carla", "adult"),
         "partner": ("Mark", "adult")}  # fmt: skip
RELATIONSHIP = {"child": None, "duplicate": None, "sibling": "sibling", "mother": "mother",
                "partner": "parents_partner"}  # fmt: skip


def _families(engine: Engine, size: Size, catalogue: list[Slot]) -> list[Family]:
    rng = random.Random(size.seed + 1)
    found = []
    for index in range(size.families):
        planned = family_records(rng, catalogue, size.child_events)
        with Session(engine) as session, session.begin():
            found.append(_family(session, index, planned, rng))
    return found


def _family(session: Session, index: int, planned: list[Planned], rng: random.Random) -> Family:
    now = START + timedelta(days=3650)
    ids = reserve_ids(session, _t(Person), 5)
    family = Family(*ids)
    person = dict(zip(("child", "duplicate", "sibling", "mother", "partner"), ids, strict=True))
    surname = f"Benchmark{index + 1}"
    bulk_insert(session, _t(Person), [
        {"id": pid, "kind": NAMES[role][1], "created_at": START,
         "merged_into_id": family.child if role == "duplicate" else None}
        for role, pid in person.items()])  # fmt: skip
    versions = sum(p.versions for p in planned)
    record_ids = iter(reserve_ids(session, _t(SourceRecord), len(planned)))
    version_ids = iter(reserve_ids(session, _t(RecordVersion), versions))
    mention_ids = iter(reserve_ids(session, _t(Mention),
                                   sum(p.versions * len(p.subjects) for p in planned)))  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in ("sr", "rv", "ev", "mn", "ln")}
    for p in planned:
        record = next(record_ids)
        org = p.slot.agency_index * ORGS_PER_AGENCY + rng.randrange(ORGS_PER_AGENCY) + 1
        recorded = p.occurred_at + timedelta(hours=rng.randrange(1, 24 * 14))
        rows["sr"].append({"id": record, "organisation_id": org,
                           "record_id": f"F{index + 1}-{record}", "latest_version": p.versions,
                           "first_received_at": recorded + timedelta(hours=2)})  # fmt: skip
        if "child" in p.subjects or "duplicate" in p.subjects:
            family.child_events += 1
        for v in range(1, p.versions + 1):
            vid = next(version_ids)
            received = recorded + timedelta(hours=2, days=30 * (v - 1))
            rows["rv"].append({"id": vid, "source_record_id": record, "version": v,
                               "content_hash": f"f{vid}", "payload": '{"format": "joinedup/1"}',
                               "warnings": [], "received_at": received})  # fmt: skip
            rows["ev"].append(_event(p, vid, record, org, recorded, rng) | {
                "superseded": v < p.versions})  # fmt: skip
            for r, role in enumerate(p.subjects, start=1):
                mid = next(mention_ids)
                rows["mn"].append(_mention(p, mid, vid, r, role, surname))
                rows["ln"].append({"mention_id": mid, "person_id": person[role],
                                   "method": "identifier", "decided_at": received})  # fmt: skip
    for table, key in ((SourceRecord, "sr"), (RecordVersion, "rv"), (Event, "ev"),
                       (Mention, "mn"), (MentionLink, "ln")):  # fmt: skip
        bulk_insert(session, _t(table), rows[key])
    _household(session, index, family, rows["ev"][0]["id"], now)
    about_child = [e["id"] for e, p in zip(rows["ev"], _per_version(planned), strict=True)
                   if family.child in (person[r] for r in p.subjects)]  # fmt: skip
    marked = rng.sample(about_child, 10)
    bulk_insert(session, _t(ChronologyMark), [
        {"person_id": family.child, "event_id": e, "action": "mark", "note": "significant",
         "by": "bench.sw", "by_user_id": None, "at": now} for e in marked])  # fmt: skip
    return family


def _per_version(planned: list[Planned]) -> list[Planned]:
    return [p for p in planned for _ in range(p.versions)]


def _event(
    p: Planned, vid: int, record: int, org: int, recorded: datetime, rng: random.Random
) -> dict[str, Any]:
    author = None if rng.random() < 0.1 else (org - 1) * AUTHORS_PER_ORG + rng.randrange(
        AUTHORS_PER_ORG) + 1  # fmt: skip
    return {
        "id": vid, "source_record_id": record, "organisation_id": org, "agency": p.slot.agency,
        "type": p.slot.type, "occurred_at": p.occurred_at, "date_precision": p.precision,
        "recorded_at": recorded, "author_id": author,
        "summary": kinds_rows([p.slot])[0][6], "attributes": orjson.loads(p.slot.attributes),
        "sensitivity": p.sensitivity,
    }  # fmt: skip


def _mention(p: Planned, mid: int, vid: int, r: int, role: str, surname: str) -> dict[str, Any]:
    abuse = p.slot.type == "domestic_abuse_incident"
    return {
        "id": mid, "event_id": vid, "ref": f"s{r}", "role": NAMES[role][1],
        "relationship": RELATIONSHIP[role], "given_names": NAMES[role][0],
        "family_name": surname, "other_names": [], "local_ids": {}, "address_lines": [],
        "victim": True if abuse and role == "mother" else None,
        "perpetrator": True if abuse and role == "partner" else None,
    }  # fmt: skip


def _household(session: Session, index: int, f: Family, event_id: int, now: datetime) -> None:
    first, moved, last = date(2016, 1, 1), date(2019, 6, 1), now.date()
    homes = reserve_ids(session, _t(Household), 2)
    bulk_insert(session, _t(Household), [
        {"id": homes[0], "address_key": f"bench-{index}-old", "postcode": "TS1 1AA",
         "first_seen": first, "last_seen": moved},
        {"id": homes[1], "address_key": f"bench-{index}-new", "postcode": "TS2 2BB",
         "first_seen": moved, "last_seen": last}])  # fmt: skip
    stays = [(homes[0], f.child, first, moved), (homes[0], f.mother, first, moved),
             (homes[0], f.sibling, first, moved), (homes[1], f.child, moved, last),
             (homes[1], f.mother, moved, last), (homes[1], f.sibling, moved, last),
             (homes[1], f.partner, date(2021, 3, 1), last)]  # fmt: skip
    bulk_insert(session, _t(HouseholdMember), [
        {"household_id": h, "person_id": p, "from_date": a, "to_date": b, "source": "records"}
        for h, p, a, b in stays])  # fmt: skip
    bulk_insert(session, _t(Relationship), [
        {"person_id": other, "related_person_id": f.child, "kind": kind, "from_date": first,
         "to_date": last, "source_event_id": event_id}
        for other, kind in ((f.mother, "mother"), (f.partner, "parents_partner"),
                            (f.sibling, "sibling"))])  # fmt: skip
