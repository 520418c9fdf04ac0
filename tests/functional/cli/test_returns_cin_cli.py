"""`joinedup returns cin` as a real process on a committed store: the file, its counts, its
warnings; a bad year refused with exit 2; a failed write leaves nothing behind."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped]
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from joinedup.access.roles import Actor
from joinedup.casework.clocks import london_day
from joinedup.cli import returns_cin
from joinedup.cli.common import write_atomically
from joinedup.cli.main import app
from joinedup.config import Settings
from joinedup.core.clock import SystemClock
from joinedup.reports.cin_xml import SchemaViolation, check
from tests.functional.cli.test_db_cli import run
from tests.unit.reports.test_cin_export import build


def test_the_census_is_written_with_its_counts_and_warnings(
    database_url: str, clean_engine: Engine, feed_actor: Actor, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    with Session(clean_engine) as session:
        town = build(session, feed_actor, settings)
        session.commit()
    out = tmp_path / "returns" / "cin_2026.xml"
    done = run(database_url, "returns", "cin", "--year", "2026", "--out", str(out))
    assert done.returncode == 0, done.stderr
    said = done.stdout.splitlines()
    assert said[0].startswith(f"CIN census 2025-26 written to {out} in ")
    assert said[1] == ("Children 7; episodes 7; assessments 6; section 47 enquiries 2; child "
                       "protection plans 2; child in need plan periods 2.")  # fmt: skip
    assert said[2:] == [
        "1 record needs attention before submission:",
        f"  child (child {town.children['unborn']}): rule 8540: no assessment recorded the "
        "child's disabilities (or NONE): record them on the assessment",
    ]
    check(out.read_bytes())
    root = etree.fromstring(out.read_bytes())
    assert root.xpath("count(//Child)") == 7
    assert list(out.parent.iterdir()) == [out]  # no temporary file left
    current = run(database_url, "returns", "cin", "--year", "2027", "--out", str(out))
    assert current.returncode == 0, current.stderr
    so_far = "The 2026-27 year ends on 31 March 2027: this is the census so far."
    assert (so_far in current.stdout) == (london_day(SystemClock().now()) <= date(2027, 3, 31))


@pytest.mark.parametrize("year", ["1999", "next"])
def test_a_bad_year_is_refused_and_nothing_is_written(
    database_url: str, clean_engine: Engine, tmp_path: Path, year: str
) -> None:
    out = tmp_path / "cin.xml"
    refused = run(database_url, "returns", "cin", "--year", year, "--out", str(out))
    assert refused.returncode == 2
    assert "year" in refused.stderr.lower()
    assert not out.exists()


def test_a_write_that_fails_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cin.xml"
    out.write_bytes(b"the previous export")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(out, b"<Message/>")
    assert out.read_bytes() == b"the previous export"
    assert list(tmp_path.iterdir()) == [out]


def test_an_export_that_fails_its_schema_writes_nothing(
    database_url: str, clean_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def faulty(**_: object) -> None:
        raise SchemaViolation("The CIN census export does not match its schema: line 9: Sex")

    monkeypatch.setattr(returns_cin, "export_cin", faulty)
    monkeypatch.setenv("JOINEDUP_DATABASE_URL", database_url)
    out = tmp_path / "cin.xml"
    result = CliRunner().invoke(app, ["returns", "cin", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 1
    assert "does not match its schema" in result.output
    assert list(tmp_path.iterdir()) == []
