"""`joinedup returns ssda903`, as a real process: every table written as a CSV into DIR at once,
the counts and what was not recorded printed, a bad year or a used DIR refused with exit 2."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.casework.clocks import london_day
from joinedup.config import Settings
from joinedup.core.clock import SystemClock
from joinedup.db.session import unit_of_work
from joinedup.reports.ssda903 import COLUMNS, FILES
from joinedup.testing import FrozenClock
from tests.functional.cli.test_db_cli import run
from tests.unit.casework.support import Desk
from tests.unit.people.support import Store, child, nhs, rec

START = {"legal_status": "C1", "placement_type": "U6", "placement_provider": "PR1",
         "urn": "SC123456", "home_postcode": "ZZ2 2ZZ", "previous_permanence": "Z1"}  # fmt: skip


def _looked_after_child(engine: Engine, settings: Settings, feed: Actor) -> int:
    clock = FrozenClock()
    with Session(engine, expire_on_commit=False) as session:
        store = Store(session, feed, clock, settings)
        store.submit(rec(child(nhs_number=nhs(4300)), record_id="school:9",
                         occurred_at="2026-11-02T10:00:00+00:00"))  # fmt: skip
        desk = Desk(session, clock, store.person("school:9"))
        case = desk.referred()
        desk.days(200)
        desk.act(case, "start_looked_after", "", START, on=date(2026, 12, 1))
        session.commit()
        return desk.person_id


def test_every_table_is_written_with_its_columns_and_the_export_audited(
    database_url: str, clean_engine: Engine, settings: Settings, feed_actor: Actor, tmp_path: Path
) -> None:
    person = _looked_after_child(clean_engine, settings, feed_actor)
    out = tmp_path / "903"
    done = run(database_url, "returns", "ssda903", "--year", "2027", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "SSDA903 2026-27 written to" in done.stdout and "Episodes 1," in done.stdout
    assert "not recorded: Reviews" not in done.stdout
    so_far = "The 2026-27 year ends on 31 March 2027: this is the return so far."
    assert (so_far in done.stdout) == (london_day(SystemClock().now()) <= date(2027, 3, 31))
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["903"]  # nothing left beside it
    with (out / "episodes.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS["Episodes"])
    assert rows[1][:4] == [str(person), "01/12/2026", "S", "C1"]
    with unit_of_work(clean_engine, write=False) as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "returns:export"))
    assert entry.resource_type == "ssda903" and entry.detail["Episodes"] == 1
    again = run(database_url, "returns", "ssda903", "--year", "2026", "--out", str(out))
    assert again.returncode == 2 and "is not empty (use --force)" in again.stderr
    forced = run(database_url, "returns", "ssda903", "--year", "2026", "--out", str(out),
                 "--force")  # fmt: skip
    assert forced.returncode == 0, forced.stderr
    assert "this is the return so far" not in forced.stdout  # 2025-26 has ended
    assert "dolo.csv" not in {p.name for p in out.iterdir()}  # DoLo from 2026-27 only
    assert (out / "episodes.csv").read_text().splitlines() == [",".join(COLUMNS["Episodes"])]


def test_a_bad_year_is_refused_with_exit_2(database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "903"
    bad = run(database_url, "returns", "ssda903", "--year", "1999", "--out", str(out))
    assert bad.returncode == 2
    assert "--year: the year the collection ends" in bad.stderr
    assert not out.exists()
    file = tmp_path / "a-file"
    file.write_text("x")
    used = run(database_url, "returns", "ssda903", "--year", "2026", "--out", str(file))
    assert used.returncode == 2 and "is not a directory" in used.stderr
