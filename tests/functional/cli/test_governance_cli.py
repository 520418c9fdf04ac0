"""`joinedup governance`, as real processes against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson
from sqlalchemy import Engine, func, select

from joinedup.access.policy import Action
from joinedup.access.roles import Actor, Role
from joinedup.access.service import require
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.governance.models import AuditAlert
from joinedup.intake.models import Mention
from joinedup.people.models import MentionLink, Person
from joinedup.sharing.models import Disclosure
from joinedup.testing import FrozenClock
from tests.unit.governance.support import Family, family

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(
    url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**(env or os.environ), "JOINEDUP_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([JOINEDUP, "governance", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


def committed_family(engine: Engine, feed: Actor, clock: FrozenClock, settings: Settings) -> Family:
    with unit_of_work(engine) as session:
        return family(session, feed, clock, settings)


def test_sar_writes_json_html_and_manifest_and_records_the_disclosure(
    clean_engine: Engine, database_url: str, feed_actor: Actor, clock: FrozenClock,
    settings: Settings, tmp_path: Path,
) -> None:  # fmt: skip
    known = committed_family(clean_engine, feed_actor, clock, settings)
    done = run(database_url, "sar", "--person", str(known.child), "--out", str(tmp_path),
               "--requester", str(known.mother))  # fmt: skip
    assert done.returncode == 0, done.stderr
    stem = tmp_path / f"subject-access-{known.child}"
    document = orjson.loads(stem.with_suffix(".json").read_bytes())
    manifest = orjson.loads(Path(f"{stem}.manifest.json").read_bytes())
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert manifest["sections"]["contacts"] == len(document["contacts"]) == 2
    assert manifest["withheld"]["third_party"] >= 3
    assert "Mariusz" not in page and "Mariusz" not in stem.with_suffix(".json").read_text()
    assert "Alexander" in page
    assert f"Recorded in the sharing register as disclosure {manifest['disclosure_id']}" in (
        done.stdout
    )
    with clean_engine.connect() as connection:
        row = connection.execute(select(Disclosure.what, Disclosure.person_ids)).one()
    assert row.what == "subject_access_export" and row.person_ids == [known.child]


def test_sar_for_an_unknown_person_names_the_option_and_records_nothing(
    clean_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    done = run(database_url, "sar", "--person", "424242", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "--person: no person 424242" in done.stderr
    assert not (tmp_path / "out").exists()
    with clean_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Disclosure)) == 0


def test_review_hold_decide_and_dispose_leave_the_audit_chain_whole(
    clean_engine: Engine, database_url: str, feed_actor: Actor, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    with unit_of_work(clean_engine) as session:
        known = family(session, feed_actor, clock, settings, born="2000-04-07")
    env = {**os.environ, "JOINEDUP_RETENTION_DEFAULT_AGE": "18"}  # due on 2018-04-07
    child = str(known.child)
    listed = run(database_url, "retention", "--as-of", "2026-01-01", env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"person {child}: child_in_need_or_other until 2018-04-07; status due" in listed.stdout
    placed = run(database_url, "hold", "--person", child, "--reason", "Inquiry.", env=env)
    assert placed.returncode == 0, placed.stderr
    hold_id = placed.stdout.split("Legal hold ")[1].split()[0]
    held = run(database_url, "decide", "--person", child, "--decision", "dispose",
               "--reason", "Due.", env=env)  # fmt: skip
    assert held.returncode == 2 and "a legal hold is in force" in held.stderr
    bad = run(database_url, "decide", "--person", child, "--decision", "shred", "--reason", " ")
    assert bad.returncode == 2
    assert "--reason: Enter the reason; --decision: Choose retain, extend or dispose" in bad.stderr
    assert run(database_url, "lift", "--hold", hold_id, "--reason", "Closed.").returncode == 0
    decided = run(database_url, "decide", "--person", child, "--decision", "dispose",
                  "--reason", "Due, closed, no hold.", env=env)  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    disposed = run(database_url, "dispose", env=env)
    assert disposed.returncode == 0, disposed.stderr
    assert "Disposed of 1 children's personal data." in disposed.stdout
    with clean_engine.connect() as connection:
        names = connection.scalars(
            select(Mention.given_names)
            .join(MentionLink, MentionLink.mention_id == Mention.id)
            .where(MentionLink.person_id == known.child)
        ).all()
    assert set(names) == {None}
    verified = subprocess.run([JOINEDUP, "audit", "verify"], capture_output=True, text=True,
                              env={**os.environ, "JOINEDUP_DATABASE_URL": database_url},
                              timeout=120, check=False)  # fmt: skip
    assert verified.returncode == 0, verified.stderr


def test_audit_alerts_for_a_day_raise_once_however_often_run(
    clean_engine: Engine, database_url: str
) -> None:
    busy = Actor(role=Role.SOCIAL_WORKER, label="busy.one", user_id=31)
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with unit_of_work(clean_engine) as session:
        kids = [Person(kind="child", created_at=noon) for _ in range(51)]
        session.add_all(kids)
        session.flush()
        for kid in kids:
            require(session=session, actor=busy, action=Action.PEOPLE_READ,
                    resource_type="person", resource_ids=[kid.id], now=noon)  # fmt: skip
    audit = [JOINEDUP, "audit", "alerts", "--day", "2026-11-20"]
    env = {**os.environ, "JOINEDUP_DATABASE_URL": database_url}
    first = subprocess.run(audit, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    assert "1 new alerts for 2026-11-20." in first.stdout
    assert "busy.one: 51 children (threshold 50)" in first.stdout
    again = subprocess.run(audit, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "0 new alerts for 2026-11-20." in again.stdout
    with clean_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AuditAlert)) == 1
