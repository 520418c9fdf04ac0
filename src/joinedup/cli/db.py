"""`joinedup db`: migrate, back up and restore whichever database JOINEDUP_DATABASE_URL names."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from joinedup.cli import common
from joinedup.core.errors import ValidationFailed
from joinedup.db import migrate
from joinedup.governance import backup as backups

app = typer.Typer(help="The database: migrations, backup and restore.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    current = common.settings()
    migrate.upgrade(common.engine(current), revision)
    common.console.print(f"Database migrated to {revision}.")


@app.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree."""
    current = common.settings()
    migrate.check(common.engine(current))
    common.console.print("Models and migrations agree.")


@app.command("backup")
def backup(
    out: Path = typer.Option(..., help="The backup file to write (whole, or not at all)."),
) -> None:
    """Back up the whole database: SQLite's online backup, or PostgreSQL's pg_dump -Fc."""
    engine = common.engine(common.settings())
    started = time.monotonic()
    try:
        backups.backup(engine, out)
    except ValidationFailed as error:
        common.errors.print(f"Backup refused: {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    common.console.print(
        f"Backed up to {out} ({out.stat().st_size:,} bytes) in {time.monotonic() - started:.1f} s.",
        soft_wrap=True,
    )
    _print_figures(backups.figures(engine))


@app.command("restore")
def restore(
    backup_file: Path = typer.Argument(..., help="A file written by `joinedup db backup`."),
) -> None:
    """Restore a backup into an EMPTY database (a new SQLite file or PostgreSQL database)."""
    engine = common.engine(common.settings())
    started = time.monotonic()
    try:
        backups.restore(engine, backup_file)
    except ValidationFailed as error:
        common.errors.print(f"Restore refused: {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    common.console.print(
        f"Restored {backup_file} in {time.monotonic() - started:.1f} s.", soft_wrap=True
    )
    _print_figures(backups.figures(engine))
    if migrate.pending(engine):
        common.console.print("The backup predates the newest migration: run `joinedup db upgrade`.")
    common.console.print(
        "Now check the audit chain: `joinedup audit verify --anchor POSITION:HASH`."
    )


def _print_figures(figures: list[backups.TableFigure]) -> None:
    rows = sum(figure.rows for figure in figures)
    common.console.print(f"{len(figures)} tables, {rows:,} rows.")
    for figure in figures:
        common.console.print(
            f"  {figure.name}: {figure.rows:,} rows, sha256 {figure.digest}", soft_wrap=True
        )
