"""`joinedup governance`, as real processes against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
from sqlalchemy import Engine, func, select

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.sharing.models import Disclosure
from joinedup.testing import FrozenClock
from tests.unit.governance.support import Family, family

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url, "COLUMNS": "200"}
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
