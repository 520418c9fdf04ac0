"""`joinedup db`: migrate whichever database JOINEDUP_DATABASE_URL names."""

from __future__ import annotations

import typer

from joinedup.cli import common
from joinedup.db import migrate

app = typer.Typer(help="The database: migrations.", no_args_is_help=True)


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
