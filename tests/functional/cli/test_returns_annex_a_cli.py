"""`joinedup returns annex-a`, as a real process: the workbook written whole, the counts and
what is left empty printed, a bad date refused with exit 2."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import Engine, select

from joinedup.access.models import AuditEntry
from joinedup.db.session import unit_of_work
from joinedup.reports.annex_a_labels import SHEETS
from tests.functional.cli.test_db_cli import run


def test_the_workbook_is_written_and_its_lists_counted(
    database_url: str, clean_engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "annex-a.xlsx"
    done = run(database_url, "returns", "annex-a", "--out", str(out), "--as-of", "2026-11-23")
    assert done.returncode == 0, done.stderr
    assert "Annex A as at 23/11/2026 written to" in done.stdout
    assert "  List 1 Contacts: 0 rows" in done.stdout
    assert "List 11 Adopters: no rows: the adopters' journey" in done.stdout
    assert "'What is the permanence plan for this child?': blank" in done.stdout
    assert "List 3 Referrals: no rows: nothing recorded meets its rule in the period" in done.stdout
    book = load_workbook(out)
    assert book.sheetnames == [name for name, _ in SHEETS]
    assert [c.value for c in book["List 8 Children in care"][1]] == list(SHEETS[7][1])
    assert [p.name for p in tmp_path.iterdir()] == ["annex-a.xlsx"]  # no temporary file left
    with unit_of_work(clean_engine, write=False) as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "returns:export"))
    assert entry.outcome == "permitted" and entry.detail["as_of"] == "2026-11-23"


def test_a_bad_date_or_directory_is_refused_with_exit_2(database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "annex-a.xlsx"
    bad = run(database_url, "returns", "annex-a", "--out", str(out), "--as-of", "23/11/2026")
    assert bad.returncode == 2
    assert "--as-of '23/11/2026': not a date (YYYY-MM-DD)" in bad.stderr
    ahead = run(database_url, "returns", "annex-a", "--out", str(out), "--as-of", "2999-01-01")
    assert ahead.returncode == 2 and "cannot be in the future" in ahead.stderr
    nowhere = run(database_url, "returns", "annex-a", "--out", str(tmp_path / "no" / "a.xlsx"))
    assert nowhere.returncode == 2 and "no such directory" in nowhere.stderr
    folder = run(database_url, "returns", "annex-a", "--out", str(tmp_path))
    assert folder.returncode == 2 and "is a directory" in folder.stderr
    assert not out.exists()
