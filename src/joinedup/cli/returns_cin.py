"""`joinedup returns cin --year YYYY --out FILE.xml`: the CIN census from the live store."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from joinedup.casework.clocks import london_day
from joinedup.cli import common
from joinedup.cli.returns import app
from joinedup.core.clock import SystemClock
from joinedup.core.errors import NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.reports.cin import export_cin
from joinedup.reports.cin_xml import SchemaViolation
from joinedup.reports.years import collection_year

YEAR_HELP = "The year the collection ends (2026 = 1 April 2025 to 31 March 2026)."


@app.command("cin")
def cin(
    year: int = typer.Option(..., "--year", help=YEAR_HELP),
    out: Path = typer.Option(..., "--out", help="The XML file to write.", dir_okay=False),
) -> None:
    """Write the children in need census XML for a collection year, checked against its schema."""
    try:
        period = collection_year(year)
    except ValidationFailed as exc:
        common.errors.print(f"--year: {exc.errors[0].message}")
        raise typer.Exit(2) from None
    settings = common.settings()
    clock = SystemClock()
    began = time.monotonic()
    try:
        with unit_of_work(common.engine(settings)) as session:
            found = export_cin(session=session, actor=common.cli_actor(), year=year,
                               now=clock.now(), authority_code=settings.authority_code)  # fmt: skip
    except (SchemaViolation, NotFound) as exc:
        common.errors.print(str(exc), soft_wrap=True)
        raise typer.Exit(1) from None
    common.write_atomically(out, found.xml)
    took = time.monotonic() - began
    say = common.console.print
    say(f"CIN census {period.label} written to {out} in {took:.1f} s.", soft_wrap=True)
    if not period.ended_by(london_day(clock.now())):
        say(f"The {period.label} year ends on {period.end:%-d %B %Y}: this is the census so far.")
    say(f"Children {found.children:,}; episodes {found.episodes:,}; assessments "
        f"{found.assessments:,}; section 47 enquiries {found.section47s:,}; child protection "
        f"plans {found.cp_plans:,}; child in need plan periods {found.cin_plans:,}.",
        soft_wrap=True)  # fmt: skip
    if found.warnings:
        n = len(found.warnings)
        say(f"{n:,} {'record needs' if n == 1 else 'records need'} attention before submission:")
        for warning in found.warnings:
            say(f"  {warning}", soft_wrap=True)
