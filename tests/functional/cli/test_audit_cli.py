"""`joinedup audit verify`, as a real process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, select, text

from joinedup.access.models import AuditEntry
from joinedup.db.session import unit_of_work
from joinedup.testing.database import append_only_lifted
from tests.unit.access.test_audit_chain import appended

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def verify(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url}
    return subprocess.run([JOINEDUP, "audit", "verify", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


def test_an_intact_chain_exits_0_and_prints_an_anchor(
    clean_engine: Engine, database_url: str
) -> None:
    appended(clean_engine, 25, per_transaction=4)
    done = verify(database_url, "--chunk", "10")
    assert done.returncode == 0, done.stderr
    assert "Audit chain intact: 25 entries." in done.stdout
    anchor = done.stdout.split("Anchor (keep it outside the database): ")[1].strip()
    assert anchor.startswith("25:")
    assert verify(database_url, "--anchor", anchor).returncode == 0


def test_a_broken_chain_exits_1_naming_the_first_broken_entry(
    clean_engine: Engine, database_url: str
) -> None:
    appended(clean_engine, 12, per_transaction=5)
    with unit_of_work(clean_engine, write=False) as session:
        edited = session.scalar(select(AuditEntry.id).where(AuditEntry.seq == 9))
    with clean_engine.begin() as connection, append_only_lifted(connection):
        connection.execute(text("UPDATE audit_entries SET outcome = 'refused' WHERE seq = 9"))
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 11"))
    done = verify(database_url, "--chunk", "4")
    assert done.returncode == 1
    assert (
        f"Audit chain broken at entry {edited} (position 9): its fields do not match" in done.stderr
    )
    assert "8 entries verified before it." in done.stderr


def test_an_anchor_that_does_not_parse_is_refused(clean_engine: Engine, database_url: str) -> None:
    done = verify(database_url, "--anchor", "twelve")
    assert done.returncode == 2
    assert "expected POSITION:HASH" in done.stderr
