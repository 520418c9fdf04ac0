"""bench/chronology.py's helpers: the catalogue of kinds, a family's records, percentiles, the
document's section; and a tiny store built by the bench's own code through the migrations, read
back through the chronology service, so that a change of schema cannot silently break the bench.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.progress import Progress
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parents[3] / "bench"))

import chronology as bench
from chronology_kinds import (
    ADULT_ALONE,
    AGENCIES,
    KINDS,
    SLOTS,
    family_records,
    precision_of,
    slots,
    truncated,
)
from chronology_store import AMENDED_EVERY, Built, Family, Size, build
from joinedup.access.roles import Actor, Role
from joinedup.chronology import service
from joinedup.chronology.views import Filters
from joinedup.db.session import make_engine, unit_of_work
from joinedup.intake.models import Event, RecordVersion, SourceRecord
from joinedup.testing.database import fresh_database

WORKER = Actor(role=Role.SOCIAL_WORKER, label="sw.bench", user_id=7)


def test_slots_follow_the_weights_and_are_seeded() -> None:
    catalogue = slots(4)
    assert len(catalogue) == SLOTS
    assert [s.slot for s in catalogue] == list(range(SLOTS))
    assert catalogue == slots(4) and catalogue != slots(5)
    assert {s.agency for s in catalogue} == set(AGENCIES)
    commonest = max(KINDS, key=lambda k: k.weight)
    share = sum(s.type == commonest.type and s.agency == commonest.agency for s in catalogue)
    assert share >= commonest.weight * SLOTS // sum(k.weight for k in KINDS)


def test_records_about_an_adult_alone_are_adult_types() -> None:
    for slot in slots(4):
        assert set(slot.subjects) <= {"c", "a"} and 1 <= len(slot.subjects) <= 3
        if slot.subjects[0] == "a":
            assert slot.type in ADULT_ALONE


@pytest.mark.parametrize(
    ("share", "expected"),
    [(0, "minute"), (84, "minute"), (85, "day"), (92, "day"), (93, "month"), (99, "year")],
)
def test_precision_by_share(share: int, expected: str) -> None:
    assert precision_of(share) == expected


def test_truncated_as_a_source_of_that_precision_sends_it() -> None:
    at = datetime(2011, 3, 17, 14, 35, 21, tzinfo=UTC)
    assert truncated(at, "minute") == datetime(2011, 3, 17, 14, 35, tzinfo=UTC)
    assert truncated(at, "day") == datetime(2011, 3, 17, tzinfo=UTC)
    assert truncated(at, "month") == datetime(2011, 3, 1, tzinfo=UTC)
    assert truncated(at, "year") == datetime(2011, 1, 1, tzinfo=UTC)


def test_a_family_has_its_child_records_and_the_others_own() -> None:
    planned = family_records(random.Random(1), slots(4), 700)
    about_child = [p for p in planned if {"child", "duplicate"} & set(p.subjects)]
    assert len(about_child) == 700
    assert any("duplicate" in p.subjects for p in about_child)
    assert any("mother" in p.subjects for p in about_child)
    alone = {p.subjects for p in planned if p not in about_child}
    assert alone == {("sibling",), ("mother",), ("partner",)}
    assert any(p.versions == 2 for p in planned)


def test_background_records_leave_room_for_amendments_and_families() -> None:
    size = Size(events=1_000_000, persons=1000, families=2, child_events=100, seed=1)
    total = size.records() + size.records() // AMENDED_EVERY + size.family_events()
    assert 1_000_000 <= total < 1_000_100


def test_percentile_is_the_nearest_rank_in_milliseconds() -> None:
    values = [i / 1000 for i in range(1, 101)]
    assert bench.pct(values, 50) == pytest.approx(50)
    assert bench.pct(values, 95) == pytest.approx(95)
    assert bench.pct(values, 99) == pytest.approx(99)
    assert bench.pct([0.002], 95) == pytest.approx(2)


def test_the_section_replaces_only_its_own_markers(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\n## Other\n\nkept\n\n## Growth\n\nafter\n")
    bench.write_doc([bench.BEGIN, "first", bench.END], doc)
    bench.write_doc([bench.BEGIN, "second", bench.END], doc)
    text = doc.read_text()
    assert text.count(bench.BEGIN) == 1 and "second" in text and "first" not in text
    assert text.index("kept") < text.index(bench.HEADING) < text.index("## Growth")


def test_the_section_names_the_command_store_figures_and_verdict() -> None:
    args = bench.parse(["--reps", "3", "--rounds", "1"])
    built = Built({"events": 5_000_002, "mentions": 6_800_000, "persons": 500_025}, [
        Family(1, 2, 3, 4, 5, child_events=2000)], build_s=540.0)  # fmt: skip
    figures = {f"{w}_p{q}": 10.0 * q for w in bench.MEASURED if w != "api"
               for q in (50, 95, 99)}  # fmt: skip
    result = {"engine": "SQLite", "round": 1, "load_min": 1.0, "load_max": 2.0, "ratio_p50": 2.0,
              "ratio_p95": 1.5, "rows": [300], "entries": [100], "total": [2400],
              "matching": [700], "api_p50": None, "api_p95": None, "api_p99": None,
              **figures}  # fmt: skip
    lines = bench.section([result], {"SQLite": built}, args, api_present=False)
    text = "\n".join(lines)
    assert lines[0] == bench.BEGIN and lines[-1] == bench.END
    assert "bench/chronology.py --events 5000000" in text and "5,000,002" in text
    assert "| SQLite | 1 | 1.0–2.0 | 500.0 / 950.0 / 990.0 |" in text
    assert "NOT met" in text and "did not exist yet" in text
    assert "holds 2,400 entries; the page shows 100, the agency filter keeps 700" in text
    fast = {**result, **{k: 1.0 for k in figures}}
    assert "| met |" in "\n".join(bench.section([fast], {"SQLite": built}, args, False))


def test_a_tiny_store_builds_and_reads_back_through_the_service(tmp_path: Path) -> None:
    engine = fresh_database(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    size = Size(events=3000, persons=300, families=1, child_events=60, seed=4)
    built = build(engine, size, Progress(disable=True))
    assert built.counts["events"] >= 3000
    assert built.counts["persons"] == 305
    family = built.families[0]
    assert family.child_events == 60
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == built.counts["events"]
        latest = (  # the flag the chronology reads agrees with each record's pointer
            select(func.count())
            .select_from(Event)
            .join(RecordVersion, RecordVersion.id == Event.id)
            .join(SourceRecord, SourceRecord.id == Event.source_record_id)
            .where(Event.superseded == (RecordVersion.version == SourceRecord.latest_version))
        )
        assert session.scalar(latest) == 0
        assert session.scalar(select(func.count()).where(Event.superseded)) > 0
        found = service.get_chronology(session=session, actor=WORKER, person_id=family.child,
                                       filters=Filters(), now=datetime.now(UTC),
                                       per_page=None)  # fmt: skip
    about_child = [e for e in found.entries if e.about_child]
    assert len(about_child) <= 60 <= len(about_child) + found.restricted_withheld
    assert len(found.entries) > len(about_child)  # the adults' relevant records
    engine.dispose()
