"""Any command whose database fails ends with a clear message and exit code 3, not a traceback
(the root group's handler, `cli.main.LazyGroup.invoke`): as real processes."""

from __future__ import annotations

from pathlib import Path

from tests.functional.cli.test_db_cli import run


def test_a_file_that_is_not_a_database_is_named_as_a_database_failure(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    store.write_bytes(b"not a database, whatever its name says\n" * 200)
    out = tmp_path / "903"
    done = run(f"sqlite:///{store}", "returns", "ssda903", "--year", "2024", "--out", str(out))
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "error: the database failed (DatabaseError: DatabaseError)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()  # nothing written
    assert store.read_bytes() == b"not a database, whatever its name says\n" * 200


def test_a_database_that_cannot_be_reached_is_named_as_a_database_failure() -> None:
    done = run("postgresql://postgres@127.0.0.1:9/nowhere", "audit", "verify")
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "error: the database failed (OperationalError: OperationalError)" in done.stderr
    assert "Traceback" not in done.stderr


def test_other_errors_are_not_taken_for_database_failures(tmp_path: Path) -> None:
    done = run(f"sqlite:///{tmp_path / 'store.sqlite3'}", "rules", "backtest", "--truth",
               str(tmp_path / "absent.json"))  # fmt: skip
    assert done.returncode == 2
    assert "the database failed" not in done.stderr
