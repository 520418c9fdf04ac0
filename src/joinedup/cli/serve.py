"""`joinedup serve`: the web service and API."""

from __future__ import annotations

import typer
import uvicorn

from joinedup.app import create_app
from joinedup.cli import common
from joinedup.db import migrate
from joinedup.rules.config import RulesFileInvalid


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve Joined Up until interrupted."""
    current = common.settings()
    if migrate.pending(common.engine(current)):
        common.errors.print("error: the database is not migrated: run `joinedup db upgrade` first.")
        raise typer.Exit(2)
    try:
        app = create_app(current)
    except RulesFileInvalid as error:
        common.errors.print(f"error: {error}", soft_wrap=True)
        raise typer.Exit(2) from error
    common.console.print(f"Joined Up is serving on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
