"""`joinedup returns annex-a --out FILE.xlsx [--as-of YYYY-MM-DD]`: Ofsted's Annex A lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NoReturn

import typer

from joinedup.casework.clocks import london_day
from joinedup.cli import common
from joinedup.cli.returns import app
from joinedup.core.clock import SystemClock
from joinedup.db.session import unit_of_work


@app.command("annex-a")
def annex_a_command(
    out: Path = typer.Option(..., "--out", help="The workbook to write (.xlsx)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="The inspection day, YYYY-MM-DD [today, London]."
    ),
) -> None:
    """Write Ofsted's ILACS Annex A lists (List 1 to List 11) as one Excel workbook.

    Exit 0 on success, 2 when the date or the output path cannot be used.
    """
    now = SystemClock().now()
    day = _day(as_of) if as_of is not None else london_day(now)
    if day > london_day(now):
        _refuse(f"--as-of {as_of}: the inspection day cannot be in the future")
    if not out.parent.is_dir():
        _refuse(f"{out.parent}: no such directory")
    if out.is_dir():
        _refuse(f"{out}: is a directory")
    # Imported here: openpyxl (and numpy under it) would otherwise load on every `joinedup` start.
    from joinedup.reports.annex_a import annex_a

    settings = common.settings()
    with unit_of_work(common.engine(settings)) as session:
        found = annex_a(session=session, actor=common.cli_actor(), as_of=day, now=now)
        common.write_atomically(out, found.workbook)
    common.console.print(f"Annex A as at {day:%d/%m/%Y} written to {out}")
    for sheet, rows in found.rows.items():
        common.console.print(f"  {sheet}: {rows} row{'s' if rows != 1 else ''}")
    common.console.print("Left empty, and why:")
    for line in found.not_held():
        common.console.print(f"  {line}", markup=False, soft_wrap=True)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _refuse(f"--as-of {text!r}: not a date (YYYY-MM-DD)")


def _refuse(message: str) -> NoReturn:
    common.errors.print(f"error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(2)
