"""`joinedup returns ssda903 --year YYYY --out DIR`: the SSDA903 CSV tables, written atomically.

The tables are written to a new directory beside DIR and renamed into place only when all are
written, so DIR never holds half a return. An existing DIR that holds anything is refused unless
`--force` (then replaced whole). A bad year exits 2 naming it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import typer

from joinedup.casework.clocks import london_day
from joinedup.cli import common
from joinedup.cli.returns import app
from joinedup.core.clock import SystemClock
from joinedup.core.errors import ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.reports.ssda903 import FILES, Ssda903Export, export_ssda903


@app.command("ssda903")
def ssda903_command(
    year: int = typer.Option(
        ..., "--year", help="The year the collection ends (2026 = April 2025 to March 2026)."
    ),
    out: Path = typer.Option(..., "--out", help="The directory to write the CSV tables to."),
    force: bool = typer.Option(False, "--force", help="Replace a directory that has files."),
) -> None:
    """Write the SSDA903 (children looked after) CSV tables for a collection year."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not force)):
        what = "is not a directory" if not out.is_dir() else "is not empty (use --force)"
        common.errors.print(f"error: --out {out} {what}", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    started = time.monotonic()
    settings = common.settings()
    now = SystemClock().now()
    try:
        with unit_of_work(common.engine(settings)) as session:
            export = export_ssda903(session=session, actor=common.cli_actor(), year=year, now=now)
            write(export, out)
    except ValidationFailed as error:
        problems = "; ".join(f"--{e.field}: {e.message}" for e in error.errors)
        common.errors.print(f"error: {problems or error.message}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from error
    counts = ", ".join(f"{name} {n:,}" for name, n in export.counts().items())
    common.console.print(f"SSDA903 {export.year.label} written to {out} in "
                         f"{time.monotonic() - started:,.1f} s: {counts}.")  # fmt: skip
    window = export.year
    if not window.ended_by(london_day(now)):
        common.console.print(
            f"The {window.label} year ends on {window.end:%-d %B %Y}: this is the return so "
            "far. A child in care today is returned as looked after on 31 March, and the "
            "year's health and outcomes (OC2), recorded in the weeks before it, are not due yet.",
            soft_wrap=True,
        )
    for gap, n in sorted(export.gaps.items()):
        common.console.print(f"  not recorded: {gap}: {n:,}")
    for query, n in sorted(export.queries.items()):
        common.console.print(f"  query {query}: {n:,}")


def write(export: Ssda903Export, out: Path) -> None:
    """Every table into a new directory beside `out`, then renamed into its place."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    old: Path | None = None
    try:
        for table in export.tables:
            (staging / FILES[table]).write_text(export.csv(table), encoding="utf-8")
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            out.rename(old / out.name)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and not out.exists():
            (old / out.name).rename(out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
