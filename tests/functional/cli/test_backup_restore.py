"""The backup and restore drill (issue 9's acceptance): a populated database backed up, restored
into a fresh one, every table's rows and content compared, and the audit chain verified on the
copy; a restored copy goes on numbering where the original stopped. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from joinedup.access.models import AuditEntry
from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.db.session import make_engine, unit_of_work
from joinedup.governance.backup import figures
from tests.unit.access.test_audit_chain import appended

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([JOINEDUP, *args], env=env, capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on the test's engine: a SQLite file, or `<test db>_restore`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restore"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_populated_database_restores_whole_with_its_audit_chain(
    clean_engine: Engine, database_url: str, fresh_url: str, tmp_path: Path
) -> None:
    authority = tmp_path / "authority"
    generated = run(database_url, "demo", "generate", "--children", "150", "--years", "2",
                    "--seed", "11", "--out", str(authority))  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    ingested = run(database_url, "ingest", str(authority / "records.jsonl"))
    assert ingested.returncode == 0, ingested.stderr
    appended(clean_engine, 300, per_transaction=7)
    original = figures(clean_engine)
    backup_file = tmp_path / "joinedup.backup"

    started = time.monotonic()
    saved = run(database_url, "db", "backup", "--out", str(backup_file))
    backed_up = time.monotonic() - started
    assert saved.returncode == 0, saved.stderr
    started = time.monotonic()
    restored_run = run(fresh_url, "db", "restore", str(backup_file))
    restored_in = time.monotonic() - started
    assert restored_run.returncode == 0, restored_run.stderr

    copy = make_engine(fresh_url)
    try:
        restored = figures(copy)
        verified = run(fresh_url, "audit", "verify")
        entries = sum(f.rows for f in original if f.name == "audit_entries")
        _print_drill(original, restored, entries, backed_up, restored_in, backup_file)
        assert [f.name for f in restored] == [f.name for f in original]
        assert restored == original  # every table: the same rows, the same content
        assert sum(f.rows for f in original) > 5_000
        assert verified.returncode == 0, verified.stderr
        assert f"Audit chain intact: {entries:,} entries." in verified.stdout
        _new_ids_follow_the_restored_ones(copy, clean_engine)
        assert run(fresh_url, "audit", "verify").returncode == 0  # the chain goes on from its head
    finally:
        copy.dispose()


def _new_ids_follow_the_restored_ones(copy: Engine, original: Engine) -> None:
    with original.connect() as connection:
        highest = connection.scalar(select(func.max(AuditEntry.id)))
    with unit_of_work(copy) as session:
        require(session=session, actor=Actor.system("drill"), action=Action.AUDIT_READ,
                resource_type="audit_log")  # fmt: skip
    with copy.connect() as connection:
        newest = connection.scalar(select(func.max(AuditEntry.id)))
    assert highest is not None and newest == highest + 1


def _print_drill(original: list, restored: list, entries: int, backed_up: float,
                 restored_in: float, backup_file: Path) -> None:  # fmt: skip
    same = sum(1 for a, b in zip(original, restored, strict=False) if a == b)
    rows = sum(f.rows for f in restored)
    print(  # noqa: T201 (the acceptance battery prints each figure beside its target)
        f"\nbackup and restore drill: tables identical {same}/{len(original)} (target: all); "
        f"rows {rows:,} restored of {sum(f.rows for f in original):,} (target: equal); "
        f"audit chain of {entries:,} entries verified (target: intact); "
        f"backup {backed_up:.1f} s, restore {restored_in:.1f} s, "
        f"{backup_file.stat().st_size:,} bytes"
    )


def test_a_restore_refuses_a_database_that_is_not_empty(
    clean_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    backup_file = tmp_path / "joinedup.backup"
    assert run(database_url, "db", "backup", "--out", str(backup_file)).returncode == 0
    before = figures(clean_engine)
    refused = run(database_url, "db", "restore", str(backup_file))
    assert refused.returncode == 2
    assert "the target database is not empty" in refused.stderr
    assert figures(clean_engine) == before


def test_a_missing_or_foreign_backup_file_is_refused(tmp_path: Path, database_url: str) -> None:
    target = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    missing = run(target, "db", "restore", str(tmp_path / "nowhere.backup"))
    assert missing.returncode == 2
    assert "nowhere.backup does not exist" in missing.stderr
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database", encoding="utf-8")
    refused = run(target, "db", "restore", str(foreign))
    assert refused.returncode == 2
    assert "is not a SQLite database" in refused.stderr
    assert not (tmp_path / "new.sqlite3").exists()  # a refused restore creates nothing
